// Checks every money invariant of one council against the ledger; used by tests, workers and the console.
import type { DbTx } from "~/lib/db.server";

export type LedgerReport = {
  ok: boolean;
  fundedPence: number;
  /** Sum of every balance except the funding source: must equal what was funded. */
  heldPence: number;
  violations: string[];
};

export async function verifyLedger(db: DbTx, councilId: string): Promise<LedgerReport> {
  const violations: string[] = [];
  const add = (rows: { problem: string }[]) => violations.push(...rows.map((r) => r.problem));

  add(await db.$queryRaw`
    SELECT format('account %s (%s) is below zero: %s', "id", "type", "balancePence") AS problem
    FROM "Account" WHERE "councilId" = ${councilId}::uuid AND "type" <> 'COUNCIL_FUNDING' AND "balancePence" < 0`);

  // Stored balances are a cache of the transfers: recompute them.
  add(await db.$queryRaw`
    SELECT format('account %s balance %s differs from its transfers %s', a."id", a."balancePence", COALESCE(c.total, 0) - COALESCE(d.total, 0)) AS problem
    FROM "Account" a
    LEFT JOIN (SELECT "creditAccountId" AS id, SUM("amountPence") AS total FROM "Transfer" WHERE "councilId" = ${councilId}::uuid GROUP BY 1) c ON c.id = a."id"
    LEFT JOIN (SELECT "debitAccountId" AS id, SUM("amountPence") AS total FROM "Transfer" WHERE "councilId" = ${councilId}::uuid GROUP BY 1) d ON d.id = a."id"
    WHERE a."councilId" = ${councilId}::uuid AND a."balancePence" <> COALESCE(c.total, 0) - COALESCE(d.total, 0)`);

  add(await db.$queryRaw`
    SELECT format('transfer %s moves money across councils', t."id") AS problem
    FROM "Transfer" t JOIN "Account" da ON da."id" = t."debitAccountId" JOIN "Account" ca ON ca."id" = t."creditAccountId"
    WHERE t."councilId" = ${councilId}::uuid AND (da."councilId" <> t."councilId" OR ca."councilId" <> t."councilId")`);

  // A booking's hold is its price while it is confirmed, and empty once it has ended.
  add(await db.$queryRaw`
    SELECT format('booking %s (%s, price %s) has a hold of %s', b."id", b."status", b."pricePence", COALESCE(h."balancePence", 0)) AS problem
    FROM "Booking" b LEFT JOIN "Account" h ON h."bookingId" = b."id"
    WHERE b."councilId" = ${councilId}::uuid
      AND COALESCE(h."balancePence", 0) <> CASE WHEN b."status" = 'CONFIRMED' THEN b."pricePence" ELSE 0 END`);

  // Places taken on a slot are exactly its bookings that still hold a place.
  add(await db.$queryRaw`
    SELECT format('slot %s counts %s booked but has %s bookings holding a place', s."id", s."booked", COUNT(b."id")) AS problem
    FROM "Slot" s JOIN "Activity" act ON act."id" = s."activityId"
    LEFT JOIN "Booking" b ON b."slotId" = s."id" AND b."status" IN ('CONFIRMED', 'REDEEMED', 'NO_SHOW')
    WHERE act."councilId" = ${councilId}::uuid
    GROUP BY s."id", s."booked" HAVING s."booked" <> COUNT(b."id")`);

  // Each redemption's money reached the provider exactly once.
  add(await db.$queryRaw`
    SELECT format('redemption %s of %s has %s pence of earning transfers', r."id", r."amountPence", COALESCE(SUM(t."amountPence"), 0)) AS problem
    FROM "Redemption" r
    LEFT JOIN "Transfer" t ON t."kind" IN ('REDEEM', 'CHARGE') AND (t."redemptionId" = r."id")
    WHERE r."councilId" = ${councilId}::uuid
    GROUP BY r."id", r."amountPence" HAVING r."amountPence" <> COALESCE(SUM(t."amountPence"), 0)`);

  // A payout pays exactly the redemptions it took, and each is in one payout only (payoutId is a single column).
  add(await db.$queryRaw`
    SELECT format('payout %s of %s covers redemptions worth %s', p."id", p."amountPence", COALESCE(SUM(r."amountPence"), 0)) AS problem
    FROM "Payout" p LEFT JOIN "Redemption" r ON r."payoutId" = p."id"
    WHERE p."councilId" = ${councilId}::uuid
    GROUP BY p."id", p."amountPence" HAVING p."amountPence" <> COALESCE(SUM(r."amountPence"), 0)`);

  add(await db.$queryRaw`
    SELECT format('payout %s was started %s times and completed %s times', p."id",
      COUNT(*) FILTER (WHERE t."kind" = 'PAYOUT_START'), COUNT(*) FILTER (WHERE t."kind" = 'PAYOUT_COMPLETE')) AS problem
    FROM "Payout" p LEFT JOIN "Transfer" t ON t."payoutId" = p."id"
    WHERE p."councilId" = ${councilId}::uuid
    GROUP BY p."id" HAVING COUNT(*) FILTER (WHERE t."kind" = 'PAYOUT_START') > 1 OR COUNT(*) FILTER (WHERE t."kind" = 'PAYOUT_COMPLETE') > 1`);

  const [totals] = await db.$queryRaw<{ funded: bigint | null; held: bigint | null; all: bigint | null }[]>`
    SELECT
      (SELECT SUM("amountPence") FROM "Transfer" WHERE "councilId" = ${councilId}::uuid AND "kind" = 'FUND')::bigint AS funded,
      (SELECT SUM("balancePence") FROM "Account" WHERE "councilId" = ${councilId}::uuid AND "type" <> 'COUNCIL_FUNDING')::bigint AS held,
      (SELECT SUM("balancePence") FROM "Account" WHERE "councilId" = ${councilId}::uuid)::bigint AS all`;
  const fundedPence = Number(totals?.funded ?? 0n);
  const heldPence = Number(totals?.held ?? 0n);
  if (fundedPence !== heldPence) violations.push(`balances add up to ${heldPence} but ${fundedPence} was funded`);
  if ((totals?.all ?? 0n) !== 0n) violations.push(`all balances add up to ${totals?.all}, not zero: a transfer does not balance`);

  return { ok: violations.length === 0, fundedPence, heldPence, violations };
}
