// Benchmark 8.1d: reconcile and settle many redemptions into payout runs through the workers' own code:
// the council's scheduled payout run takes every redemption past its dispute window that no open dispute
// holds (a few are held), a finance officer approves it, its bank payment file is made, and finance marks
// the file paid. Bank files only (no Stripe key is set), so
// no network call is timed; every provider in the data has bank details.
import pg from "pg";
import { verifyLedger } from "~/domain/ledger";
import { approvePayoutRun, createDuePayoutRuns, generateBankFile, markBankFilePaid, parseBankFile } from "~/domain/settlement";
import type { Db } from "~/lib/db.server";
import { benchProgramme, createBenchDatabase, round, secondsSince } from "./money-db";
import type { BenchRow } from "./types";

const PROVIDERS = 500;
const ACTIVITIES_PER_PROVIDER = 10;
const PLACES_PER_SLOT = 50;
/** One redemption in this many has an open dispute, which must keep it out of the run. */
const HELD_EVERY = 10_007;
/** Left in every wallet after its bookings, so no balance is exactly what was spent. */
const LEFT_OVER_PENCE = 1_000;

export async function benchSettlement(ctx: { databaseUrl: string; adminUrl: string; redemptions: number }): Promise<BenchRow[]> {
  const database = await createBenchDatabase({ ...ctx, what: "settlement" });
  const { db } = database;
  try {
    const seedStarted = performance.now();
    const seeded = await seed(db, database.url, ctx.redemptions);
    const seedSeconds = secondsSince(seedStarted);
    const before = await verifyLedger(db, seeded.councilId);
    if (!before.ok) throw new Error(`the seeded ledger does not add up: ${before.violations.slice(0, 5).join("; ")}`);

    // What the workers and the finance officer do, in order, timed as one. The scheduled run reconciles as
    // it opens: it takes every redemption past its dispute window that no dispute holds, in the statement
    // that groups them into payouts (the five-minute make-payable sweep has nothing to add to it).
    const started = performance.now();
    const now = new Date();
    const opened = await createDuePayoutRuns(db, { now, stripeAvailable: false });
    const runSeconds = secondsSince(started);
    const runs = opened.created;
    for (const run of runs) {
      if (run.status === "AWAITING_APPROVAL") await approvePayoutRun(db, { councilId: run.councilId, runId: run.runId, actorUserId: seeded.financeUserId, now });
    }
    const files = [];
    for (const run of runs) files.push(await generateBankFile(db, { councilId: run.councilId, runId: run.runId, actorUserId: seeded.financeUserId, now }));
    const filedSeconds = secondsSince(started);
    for (const file of files) await markBankFilePaid(db, { councilId: seeded.councilId, bankFileId: file.id, actorUserId: seeded.financeUserId, now });
    const seconds = secondsSince(started);

    // Every redemption not held by a dispute paid exactly once, the held ones untouched, the totals equal,
    // the ledger still adds up.
    const [check] = await db.$queryRaw<
      { redemptions: number; paid: number; held: number; heldUntouched: number; redeemedPence: bigint; heldPence: bigint; payoutsPence: bigint; payouts: number; paidOutPence: bigint }[]
    >`
      SELECT (SELECT count(*)::int FROM "Redemption") AS redemptions,
             (SELECT count(*)::int FROM "Redemption" WHERE "status" = 'PAID' AND "payoutId" IS NOT NULL) AS paid,
             (SELECT count(*)::int FROM "Dispute") AS held,
             (SELECT count(*)::int FROM "Redemption" r JOIN "Dispute" d ON d."redemptionId" = r."id" WHERE r."status" = 'PENDING' AND r."payoutId" IS NULL) AS "heldUntouched",
             (SELECT coalesce(sum("amountPence"), 0)::bigint FROM "Redemption") AS "redeemedPence",
             (SELECT coalesce(sum(r."amountPence"), 0)::bigint FROM "Redemption" r JOIN "Dispute" d ON d."redemptionId" = r."id") AS "heldPence",
             (SELECT coalesce(sum("amountPence"), 0)::bigint FROM "Payout" WHERE "status" = 'PAID') AS "payoutsPence",
             (SELECT count(*)::int FROM "Payout") AS payouts,
             (SELECT "balancePence" FROM "Account" WHERE "councilId" = ${seeded.councilId}::uuid AND "type" = 'PAID_OUT') AS "paidOutPence"`;
    const fileTotal = files.reduce((sum, f) => sum + parseBankFile(f.content).totalPence, 0);
    const after = await verifyLedger(db, seeded.councilId);
    const paidPence = check!.redeemedPence - check!.heldPence;
    const exact =
      check!.redemptions === ctx.redemptions &&
      check!.held === seeded.held &&
      check!.heldUntouched === seeded.held &&
      check!.paid === ctx.redemptions - seeded.held &&
      check!.payoutsPence === paidPence &&
      check!.paidOutPence === paidPence &&
      BigInt(fileTotal) === paidPence &&
      after.ok;
    return [
      {
        area: "d. Settlement",
        measure: `reconcile and settle ${ctx.redemptions.toLocaleString("en-GB")} redemptions of ${PROVIDERS} providers into payout runs (dispute window and holds, run opened and approved, bank file, marked paid)`,
        figure: { value: round(seconds), unit: "s" },
        target: "< 60 s",
        met: seconds < 60 && exact,
        note:
          `run opened ${round(runSeconds)} s (${runs.length} run, ${check!.payouts} payouts; made payable in the same statement), ` +
          `approve + bank file ${round(filedSeconds - runSeconds)} s, marked paid ${round(seconds - filedSeconds)} s; bank files only (no Stripe); ` +
          `paid ${check!.paid} of ${check!.redemptions} once each, ${check!.heldUntouched} of ${seeded.held} held by an open dispute left unpaid; ` +
          `£${(Number(check!.payoutsPence) / 100).toLocaleString("en-GB")} paid = redeemed less held = bank file total: ${exact ? "yes" : "NO"}; ` +
          `verifyLedger before and after: ${before.ok && after.ok ? "passes" : `FAILS: ${after.violations.slice(0, 3).join("; ")}`}; seeding took ${round(seedSeconds)} s (not timed)`,
      },
    ];
  } finally {
    await database.drop();
  }
}

/**
 * A council whose young people booked and redeemed `count` sessions, consistent with the ledger: issue,
 * book and redeem transfers, a hold per booking, slots counting their bookings. Written with set-based SQL
 * (deterministic ids from md5, so rows can refer to each other without lookups); balances are then
 * recomputed from the transfers, so the stored balances are exactly what verifyLedger expects.
 */
async function seed(db: Db, url: string, count: number) {
  const slots = Math.ceil(count / PLACES_PER_SLOT);
  const activities = PROVIDERS * ACTIVITIES_PER_PROVIDER;
  const people = Math.max(1, Math.min(100_000, Math.ceil(count / 10)));
  // Prices in SQL and here must agree: activity a costs 300 + (a % 13) * 100 pence.
  let spentPence = 0;
  for (let n = 0; n < count; n += 1) spentPence += 300 + ((Math.floor(n / PLACES_PER_SLOT) % activities) % 13) * 100;
  const issuedPence = spentPence + people * LEFT_OVER_PENCE;
  if (issuedPence > 2_000_000_000) throw new Error(`${count} redemptions need more than one programme's budget can hold`);

  const council = await db.council.create({ data: { name: "Bench Settlement Council", slug: "bench-settlement" } });
  const finance = await db.user.create({ data: { email: "finance@bench.example", displayName: "Bench Finance" } });
  const { programme } = await benchProgramme(db, { councilId: council.id, actorUserId: finance.id, budgetPence: issuedPence, startedDaysAgo: 60, endsInDays: 300 });

  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const params = [council.id, programme.id];
    const statements = [
      `CREATE FUNCTION pg_temp.id(kind text, n bigint) RETURNS uuid IMMUTABLE LANGUAGE sql AS $$ SELECT md5(kind || ':' || n)::uuid $$`,
      `INSERT INTO "Provider" ("id", "name", "contactEmail", "categories", "payoutMethod", "bankAccountName", "bankSortCode", "bankAccountNumber")
       SELECT pg_temp.id('provider', p), 'Bench Provider ' || p, 'provider' || p || '@bench.example', '{SWIMMING}', 'BANK_FILE',
              'BENCH PROVIDER ' || p, lpad((100000 + p)::text, 6, '0'), lpad((10000000 + p)::text, 8, '0')
       FROM generate_series(0, ${PROVIDERS - 1}) p`,
      `INSERT INTO "ProviderCouncil" ("providerId", "councilId", "status", "decidedAt")
       SELECT pg_temp.id('provider', p), $1::uuid, 'APPROVED', now() FROM generate_series(0, ${PROVIDERS - 1}) p`,
      `INSERT INTO "Venue" ("id", "providerId", "name", "addressLine1", "town", "postcode")
       SELECT pg_temp.id('venue', p), pg_temp.id('provider', p), 'Venue ' || p, '1 High Street', 'Northbridge', 'NB1 1AA' FROM generate_series(0, ${PROVIDERS - 1}) p`,
      `INSERT INTO "Activity" ("id", "providerId", "councilId", "venueId", "title", "description", "category", "minAge", "maxAge", "pricePence", "capacity")
       SELECT pg_temp.id('activity', a), pg_temp.id('provider', a % ${PROVIDERS}), $1::uuid, pg_temp.id('venue', a % ${PROVIDERS}),
              'Activity ' || a, 'A bench activity', 'SWIMMING', 8, 19, 300 + (a % 13) * 100, ${PLACES_PER_SLOT}
       FROM generate_series(0, ${activities - 1}) a`,
      `INSERT INTO "Slot" ("id", "activityId", "startsAt", "endsAt", "capacity", "booked")
       SELECT pg_temp.id('slot', s), pg_temp.id('activity', s % ${activities}),
              now() - interval '20 days' + (s % 5000) * interval '3 minutes', now() - interval '20 days' + (s % 5000) * interval '3 minutes' + interval '1 hour',
              ${PLACES_PER_SLOT}, least(${PLACES_PER_SLOT}, ${count} - s * ${PLACES_PER_SLOT})
       FROM generate_series(0, ${slots - 1}) s`,
      `INSERT INTO "YoungPerson" ("id", "councilId", "externalRef", "firstName", "lastName", "dateOfBirth", "postcode", "ward", "needsFlags", "passCode", "status")
       SELECT pg_temp.id('person', y), $1::uuid, 'bench-' || y, 'First' || y, 'Last', date '2012-01-01' + (y % 1500), 'NB1 2AA', 'Central', '{}', 'BENCH-PASS-' || y, 'ACTIVE'
       FROM generate_series(0, ${people - 1}) y`,
      `INSERT INTO "Allocation" ("id", "councilId", "programmeId", "youngPersonId", "expiresAt")
       SELECT pg_temp.id('allocation', y), $1::uuid, $2::uuid, pg_temp.id('person', y), now() + interval '300 days' FROM generate_series(0, ${people - 1}) y`,
      `INSERT INTO "Account" ("id", "councilId", "type", "allocationId")
       SELECT pg_temp.id('wallet', y), $1::uuid, 'WALLET', pg_temp.id('allocation', y) FROM generate_series(0, ${people - 1}) y`,
      `INSERT INTO "Account" ("id", "councilId", "type", "providerId")
       SELECT pg_temp.id('payable', p), $1::uuid, 'PROVIDER_PAYABLE', pg_temp.id('provider', p) FROM generate_series(0, ${PROVIDERS - 1}) p`,
      `INSERT INTO "Booking" ("id", "councilId", "code", "slotId", "youngPersonId", "allocationId", "pricePence", "status", "requestKey", "createdAt", "endedAt")
       SELECT pg_temp.id('booking', n), $1::uuid, upper(substr(lpad(to_hex(n), 8, '0'), 1, 4) || '-' || substr(lpad(to_hex(n), 8, '0'), 5, 4)),
              pg_temp.id('slot', n / ${PLACES_PER_SLOT}), pg_temp.id('person', n % ${people}), pg_temp.id('allocation', n % ${people}),
              300 + ((n / ${PLACES_PER_SLOT}) % ${activities} % 13) * 100, 'REDEEMED', 'bench-' || n, now() - interval '25 days', now() - interval '10 days'
       FROM generate_series(0, ${count - 1}) n`,
      `INSERT INTO "Account" ("id", "councilId", "type", "bookingId")
       SELECT pg_temp.id('hold', n), $1::uuid, 'BOOKING_HOLD', pg_temp.id('booking', n) FROM generate_series(0, ${count - 1}) n`,
      `INSERT INTO "Redemption" ("id", "councilId", "providerId", "youngPersonId", "bookingId", "amountPence", "method", "redeemedAt", "redeemedByName", "payableAt", "idempotencyKey")
       SELECT pg_temp.id('redemption', n), $1::uuid, pg_temp.id('provider', (n / ${PLACES_PER_SLOT}) % ${activities} % ${PROVIDERS}), pg_temp.id('person', n % ${people}),
              pg_temp.id('booking', n), 300 + ((n / ${PLACES_PER_SLOT}) % ${activities} % 13) * 100, 'BOOKING_CODE',
              now() - interval '10 days', 'Door staff', now() - interval '7 days', 'redeem:' || pg_temp.id('booking', n)
       FROM generate_series(0, ${count - 1}) n`,
      `INSERT INTO "Dispute" ("councilId", "providerId", "kind", "dedupeKey", "bookingId", "redemptionId", "detail")
       SELECT $1::uuid, pg_temp.id('provider', (n / ${PLACES_PER_SLOT}) % ${activities} % ${PROVIDERS}), 'REDEEMED_REPORTED_ABSENT', 'bench-absent:' || n,
              pg_temp.id('booking', n), pg_temp.id('redemption', n), 'Reported absent by the provider''s own register'
       FROM generate_series(0, ${count - 1}, ${HELD_EVERY}) n`,
      // The ledger: issue to each wallet what its bookings cost plus something left over, then book and redeem.
      `INSERT INTO "Transfer" ("councilId", "kind", "debitAccountId", "creditAccountId", "amountPence", "idempotencyKey")
       SELECT $1::uuid, 'ISSUE', (SELECT "id" FROM "Account" WHERE "programmeId" = $2::uuid AND "type" = 'PROGRAMME_BUDGET'),
              pg_temp.id('wallet', y), ${LEFT_OVER_PENCE} + coalesce(spent.total, 0), 'issue:' || pg_temp.id('allocation', y)
       FROM generate_series(0, ${people - 1}) y
       LEFT JOIN (SELECT "allocationId", sum("pricePence") AS total FROM "Booking" GROUP BY 1) spent ON spent."allocationId" = pg_temp.id('allocation', y)
       ORDER BY y`,
      `INSERT INTO "Transfer" ("councilId", "kind", "debitAccountId", "creditAccountId", "amountPence", "idempotencyKey", "bookingId")
       SELECT $1::uuid, 'BOOK', pg_temp.id('wallet', n % ${people}), pg_temp.id('hold', n), 300 + ((n / ${PLACES_PER_SLOT}) % ${activities} % 13) * 100,
              'book:' || pg_temp.id('booking', n), pg_temp.id('booking', n)
       FROM generate_series(0, ${count - 1}) n`,
      `INSERT INTO "Transfer" ("councilId", "kind", "debitAccountId", "creditAccountId", "amountPence", "idempotencyKey", "bookingId", "redemptionId")
       SELECT $1::uuid, 'REDEEM', pg_temp.id('hold', n), pg_temp.id('payable', (n / ${PLACES_PER_SLOT}) % ${activities} % ${PROVIDERS}),
              300 + ((n / ${PLACES_PER_SLOT}) % ${activities} % 13) * 100, 'hold-end:' || pg_temp.id('booking', n), pg_temp.id('booking', n), pg_temp.id('redemption', n)
       FROM generate_series(0, ${count - 1}) n`,
      // Stored balances are a cache of the transfers: set them from the transfers.
      `UPDATE "Account" a SET "balancePence" = coalesce(c.total, 0) - coalesce(d.total, 0)
       FROM "Account" x
       LEFT JOIN (SELECT "creditAccountId" AS id, sum("amountPence") AS total FROM "Transfer" WHERE "councilId" = $1::uuid GROUP BY 1) c ON c.id = x."id"
       LEFT JOIN (SELECT "debitAccountId" AS id, sum("amountPence") AS total FROM "Transfer" WHERE "councilId" = $1::uuid GROUP BY 1) d ON d.id = x."id"
       WHERE a."id" = x."id" AND x."councilId" = $1::uuid AND a."balancePence" <> coalesce(c.total, 0) - coalesce(d.total, 0)`,
      `ANALYZE`,
    ];
    await client.query("BEGIN");
    for (const sql of statements) await client.query(sql, sql.includes("$2") ? params : sql.includes("$1") ? [council.id] : []);
    await client.query("COMMIT");
  } finally {
    await client.end();
  }
  return { councilId: council.id, financeUserId: finance.id, held: Math.ceil(count / HELD_EVERY) };
}
