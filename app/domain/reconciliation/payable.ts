// After the dispute window, redemptions of every council become payable, unless a dispute holds them back.
import type { Db } from "~/lib/db.server";
import { Prisma } from "~/generated/prisma/client";

/**
 * A redemption waits while any dispute about it (or its booking) is open, and for good once an officer decided
 * to refund the young person: that money went back through the ledger and the provider must never be paid it.
 */
export const NOT_HELD_BY_A_DISPUTE = {
  disputes: { none: { OR: [{ status: "OPEN" }, { decision: "REFUND_YOUNG_PERSON" }] } },
  OR: [{ bookingId: null }, { booking: { disputes: { none: { OR: [{ status: "OPEN" }, { decision: "REFUND_YOUNG_PERSON" }] } } } }],
} satisfies Prisma.RedemptionWhereInput;

/** NOT_HELD_BY_A_DISPUTE in SQL, for a redemption named `r`: anti-joins, one pass over a million rows. */
export const notHeldByADisputeSql = Prisma.sql`NOT EXISTS (SELECT 1 FROM "Dispute" d WHERE d."redemptionId" = r."id" AND (d."status" = 'OPEN' OR d."decision" = 'REFUND_YOUNG_PERSON'))
  AND (r."bookingId" IS NULL OR NOT EXISTS (
    SELECT 1 FROM "Dispute" d WHERE d."bookingId" = r."bookingId" AND (d."status" = 'OPEN' OR d."decision" = 'REFUND_YOUNG_PERSON')))`;

/**
 * The redemptions (named `r`) of a council that a payout run takes at `now`: in no payout yet, with money
 * in them, payable or past their dispute window (the sweep below may not have reached them yet), and not
 * held by a dispute. The run marks them in the same statement that groups them into payouts, so a
 * million redemptions are written once, not once to make them payable and again to take them.
 */
export function payableForRunSql(councilId: string, now: Date) {
  return Prisma.sql`r."councilId" = ${councilId}::uuid AND r."payoutId" IS NULL AND r."amountPence" > 0
    AND (r."status" = 'PAYABLE' OR (r."status" = 'PENDING' AND r."payableAt" <= ${now}))
    AND ${notHeldByADisputeSql}`;
}

/** Makes every redemption past its dispute window payable, in every council, except those held by a dispute. */
export async function makeDueRedemptionsPayable(db: Db, input: { now: Date }) {
  const councils = await db.$queryRaw<{ councilId: string }[]>`
    SELECT DISTINCT "councilId" FROM "Redemption" WHERE "status" = 'PENDING' AND "payableAt" <= ${input.now} ORDER BY 1`;
  let madePayable = 0;
  for (const { councilId } of councils) {
    madePayable += await db.$transaction(
      async (tx) => {
        // A payout run of this council takes these same rows in its own order; rather than wait minutes behind
        // it (or deadlock with it), the sweep leaves that council to the run and comes back next time.
        const [lock] = await tx.$queryRaw<{ taken: boolean }[]>`
          SELECT pg_try_advisory_xact_lock(hashtext('payout-run'), hashtext(${councilId})) AS "taken"`;
        if (!lock?.taken) return 0;
        // The dispute condition is part of the UPDATE itself, so a dispute opened meanwhile still holds its redemption.
        return tx.$executeRaw`
          UPDATE "Redemption" r SET "status" = 'PAYABLE'
          WHERE r."councilId" = ${councilId}::uuid AND r."status" = 'PENDING' AND r."payableAt" <= ${input.now} AND ${notHeldByADisputeSql}`;
      },
      { timeout: 10 * 60_000 },
    );
  }
  return { councils: councils.length, madePayable };
}
