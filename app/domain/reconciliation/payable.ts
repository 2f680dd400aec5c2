// After the dispute window, redemptions of every council become payable, unless a dispute holds them back.
import type { Db } from "~/lib/db.server";
import type { Prisma } from "~/generated/prisma/client";

/**
 * A redemption waits while any dispute about it (or its booking) is open, and for good once an officer decided
 * to refund the young person: that money went back through the ledger and the provider must never be paid it.
 */
export const NOT_HELD_BY_A_DISPUTE = {
  disputes: { none: { OR: [{ status: "OPEN" }, { decision: "REFUND_YOUNG_PERSON" }] } },
  OR: [{ bookingId: null }, { booking: { disputes: { none: { OR: [{ status: "OPEN" }, { decision: "REFUND_YOUNG_PERSON" }] } } } }],
} satisfies Prisma.RedemptionWhereInput;

/** Makes every redemption past its dispute window payable, in every council (or one), except those held by a dispute. */
export async function makeDueRedemptionsPayable(db: Db, input: { now: Date; councilId?: string }) {
  const due = { status: "PENDING", payableAt: { lte: input.now }, ...(input.councilId ? { councilId: input.councilId } : {}), ...NOT_HELD_BY_A_DISPUTE } satisfies Prisma.RedemptionWhereInput;
  const councils = await db.redemption.findMany({ where: due, distinct: ["councilId"], select: { councilId: true }, orderBy: { councilId: "asc" } });
  let madePayable = 0;
  for (const { councilId } of councils) {
    // The dispute condition is part of the UPDATE itself, so a dispute opened meanwhile still holds its redemption.
    madePayable += (await db.redemption.updateMany({ where: { ...due, councilId }, data: { status: "PAYABLE" } })).count;
  }
  return { councils: councils.length, madePayable };
}
