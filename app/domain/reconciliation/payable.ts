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

/** Makes every redemption past its dispute window payable, in every council, except those held by a dispute. */
export async function makeDueRedemptionsPayable(db: Db, input: { now: Date }) {
  const councils = await db.$queryRaw<{ councilId: string }[]>`
    SELECT DISTINCT "councilId" FROM "Redemption" WHERE "status" = 'PENDING' AND "payableAt" <= ${input.now} ORDER BY 1`;
  let madePayable = 0;
  for (const { councilId } of councils) {
    // The dispute condition (NOT_HELD_BY_A_DISPUTE, as anti-joins: one pass over a million rows instead of a
    // Prisma id list) is part of the UPDATE itself, so a dispute opened meanwhile still holds its redemption.
    madePayable += await db.$executeRaw`
      UPDATE "Redemption" r SET "status" = 'PAYABLE'
      WHERE r."councilId" = ${councilId}::uuid AND r."status" = 'PENDING' AND r."payableAt" <= ${input.now}
        AND NOT EXISTS (SELECT 1 FROM "Dispute" d WHERE d."redemptionId" = r."id" AND (d."status" = 'OPEN' OR d."decision" = 'REFUND_YOUNG_PERSON'))
        AND (r."bookingId" IS NULL OR NOT EXISTS (
          SELECT 1 FROM "Dispute" d WHERE d."bookingId" = r."bookingId" AND (d."status" = 'OPEN' OR d."decision" = 'REFUND_YOUNG_PERSON')))`;
  }
  return { councils: councils.length, madePayable };
}
