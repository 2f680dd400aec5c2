// The benchmark's data set, loaded with set-based SQL (INSERT ... SELECT generate_series) so 100,000 young people
// load in seconds. It is consistent with the ledger: the programme is funded by a FUND transfer, every wallet by an
// ISSUE transfer, and every stored balance is what its transfers add up to, so verifyLedger passes on it.
import pg from "pg";

export type LargeSeedSize = {
  youngPeople: number;
  providers: number;
  /** Activities per provider. */
  activitiesPerProvider: number;
  /** Slots per activity. */
  slotsPerActivity: number;
};

export const LARGE_SEED: LargeSeedSize = { youngPeople: 100_000, providers: 500, activitiesPerProvider: 10, slotsPerActivity: 20 };

/** What each young person is issued, in pence: enough for every booking the bench makes. */
export const BENCH_ALLOCATION_PENCE = 10_000;
/** Left in the programme budget after issuing, so the budget account is not run to zero. */
const BUDGET_HEADROOM_PENCE = 10_000_000;

export type LargeSeed = {
  councilId: string;
  programmeId: string;
  /** The activity whose first slot is the bench's hot slot (ages 5 to 25, so anyone can book it). */
  hotActivityId: string;
  hotSlotId: string;
  counts: Record<string, number>;
};

const CATEGORIES = ["SWIMMING", "GYM", "FOOTBALL", "SPORT", "CLIMBING", "DANCE", "MUSIC", "RECORDING_STUDIO", "ARTS", "DRAMA", "OUTDOORS"];
const WORDS = ["Swim club", "Open gym", "Five-a-side football", "Basketball", "Bouldering", "Street dance", "Guitar lessons", "Studio session", "Pottery", "Youth theatre", "Kayaking"];
const WARDS = ["Riverside", "Castle", "Millbrook", "Harbour", "Northgate", "Old Town", "Parkside", "Westfield"];

export async function seedLarge(databaseUrl: string, size: LargeSeedSize = LARGE_SEED): Promise<LargeSeed> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    // Nothing here is worth waiting on the disk for: a crash mid-seed just means seeding again.
    await db.query("SET synchronous_commit = off");
    await db.query("BEGIN");
    const funded = size.youngPeople * BENCH_ALLOCATION_PENCE + BUDGET_HEADROOM_PENCE;

    const council = await db.query<{ id: string }>(
      `INSERT INTO "Council" ("slug", "name") VALUES ('bench', 'Benchford Council') RETURNING "id"`,
    );
    const councilId = council.rows[0]!.id;
    const programme = await db.query<{ id: string }>(
      `INSERT INTO "Programme" ("councilId", "name", "status", "budgetPence", "baseAllocationPence", "minAge", "maxAge",
         "ageReferenceDate", "eligibleWards", "eligiblePostcodes", "allowedCategories", "startsOn", "endsOn")
       VALUES ($1, 'Bench year', 'ACTIVE', $2, $3, 5, 25, current_date, '{}', '{}', $4::"Category"[],
         current_date - 30, current_date + 365) RETURNING "id"`,
      [councilId, funded, BENCH_ALLOCATION_PENCE, CATEGORIES],
    );
    const programmeId = programme.rows[0]!.id;

    await db.query(
      `INSERT INTO "PostcodeDistrict" ("outwardCode", "latitude", "longitude", "source")
       SELECT 'BF' || d, 52.40 + d * 0.01, -1.50 - d * 0.012, 'bench' FROM generate_series(1, 9) d
       ON CONFLICT DO NOTHING`,
    );

    // Ledger: the council's funding source, the programme budget, one FUND transfer.
    const accounts = await db.query<{ funding: string; budget: string }>(
      `WITH f AS (INSERT INTO "Account" ("councilId", "type", "balancePence") VALUES ($1, 'COUNCIL_FUNDING', -$3::bigint) RETURNING "id"),
            b AS (INSERT INTO "Account" ("councilId", "type", "programmeId", "balancePence")
                  VALUES ($1, 'PROGRAMME_BUDGET', $2, $4::bigint) RETURNING "id")
       SELECT f."id" AS funding, b."id" AS budget FROM f, b`,
      [councilId, programmeId, funded, funded - size.youngPeople * BENCH_ALLOCATION_PENCE],
    );
    const { funding, budget } = accounts.rows[0]!;
    await db.query(
      `INSERT INTO "Transfer" ("councilId", "kind", "debitAccountId", "creditAccountId", "amountPence", "idempotencyKey", "reason")
       VALUES ($1, 'FUND', $2, $3, $4, $5, 'Bench funding')`,
      [councilId, funding, budget, funded, `fund:programme:${programmeId}:to:${funded}`],
    );

    // Young people, each with a sign-in, a membership, an allocation and a wallet issued through the ledger.
    await db.query(
      `CREATE TEMP TABLE bench_yp ON COMMIT DROP AS
       SELECT n, gen_random_uuid() AS yp, gen_random_uuid() AS usr, gen_random_uuid() AS alloc, gen_random_uuid() AS wallet
       FROM generate_series(1, $1::int) n`,
      [size.youngPeople],
    );
    await db.query(
      `INSERT INTO "User" ("id", "email", "displayName")
       SELECT usr, 'yp' || n || '@bench.example', 'Young ' || n FROM bench_yp`,
    );
    await db.query(
      `INSERT INTO "YoungPerson" ("id", "councilId", "externalRef", "firstName", "lastName", "dateOfBirth", "postcode", "ward",
         "needsFlags", "email", "status", "passCode", "activatedAt", "userId", "guardianConsentAt", "latitude", "longitude")
       SELECT yp, $1, 'BENCH-' || n, 'Young', 'Person ' || n,
         current_date - (13 * 365 + (n * 7919) % (5 * 365)),
         'BF' || (1 + n % 9) || ' ' || (n % 10) || 'AA', ($2::text[])[1 + n % cardinality($2::text[])],
         CASE WHEN n % 5 = 0 THEN ARRAY['FREE_SCHOOL_MEALS']::"NeedsFlag"[] ELSE '{}' END,
         'yp' || n || '@bench.example', 'ACTIVE', 'BENCH-PASS-' || lpad(n::text, 8, '0'), now(), usr, now(),
         52.40 + (1 + n % 9) * 0.01, -1.50 - (1 + n % 9) * 0.012
       FROM bench_yp`,
      [councilId, WARDS],
    );
    await db.query(
      `INSERT INTO "Membership" ("userId", "role", "youngPersonId") SELECT usr, 'YOUNG_PERSON', yp FROM bench_yp`,
    );
    await db.query(
      `INSERT INTO "Allocation" ("id", "councilId", "programmeId", "youngPersonId", "expiresAt")
       SELECT alloc, $1, $2, yp, now() + interval '365 days' FROM bench_yp`,
      [councilId, programmeId],
    );
    await db.query(
      `INSERT INTO "Account" ("id", "councilId", "type", "allocationId", "balancePence")
       SELECT wallet, $1, 'WALLET', alloc, $2 FROM bench_yp`,
      [councilId, BENCH_ALLOCATION_PENCE],
    );
    await db.query(
      `INSERT INTO "Transfer" ("councilId", "kind", "debitAccountId", "creditAccountId", "amountPence", "idempotencyKey")
       SELECT $1, 'ISSUE', $2, wallet, $3, 'issue:' || alloc FROM bench_yp ORDER BY n`,
      [councilId, budget, BENCH_ALLOCATION_PENCE],
    );

    // Providers, approved by the council, one venue each, and their activities and slots.
    await db.query(
      `CREATE TEMP TABLE bench_provider ON COMMIT DROP AS
       SELECT n, gen_random_uuid() AS provider, gen_random_uuid() AS venue FROM generate_series(1, $1::int) n`,
      [size.providers],
    );
    await db.query(
      `INSERT INTO "Provider" ("id", "name", "contactEmail", "contactName", "description", "town", "postcode", "categories")
       SELECT provider, 'Bench Provider ' || n, 'manager@provider' || n || '.bench.example', 'Manager ' || n,
         'A bench provider', 'Benchford', 'BF' || (1 + n % 9) || ' 1AA', ARRAY[($1::text[])[1 + n % cardinality($1::text[])]]::"Category"[]
       FROM bench_provider`,
      [CATEGORIES],
    );
    await db.query(
      `INSERT INTO "ProviderCouncil" ("providerId", "councilId", "status", "decidedAt") SELECT provider, $1, 'APPROVED', now() FROM bench_provider`,
      [councilId],
    );
    await db.query(
      `INSERT INTO "Venue" ("id", "providerId", "name", "addressLine1", "town", "postcode", "latitude", "longitude", "accessibilityFeatures")
       SELECT venue, provider, 'Venue ' || n, n || ' High Street', 'Benchford', 'BF' || (1 + n % 9) || ' 1AA',
         52.40 + (1 + n % 9) * 0.01 + (n % 7) * 0.001, -1.50 - (1 + n % 9) * 0.012,
         CASE WHEN n % 3 = 0 THEN ARRAY['STEP_FREE']::"AccessibilityFeature"[] ELSE '{}' END
       FROM bench_provider`,
    );
    await db.query(
      `CREATE TEMP TABLE bench_activity ON COMMIT DROP AS
       SELECT (p.n - 1) * $1::int + k AS n, gen_random_uuid() AS activity, p.provider, p.venue
       FROM bench_provider p, generate_series(1, $1::int) k`,
      [size.activitiesPerProvider],
    );
    await db.query(
      `INSERT INTO "Activity" ("id", "providerId", "councilId", "venueId", "title", "description", "category", "minAge", "maxAge",
         "pricePence", "capacity", "status", "accessibilityFeatures")
       SELECT activity, provider, $1, venue,
         ($2::text[])[1 + n % cardinality($2::text[])] || ' ' || n,
         'Come along and try ' || lower(($2::text[])[1 + n % cardinality($2::text[])]) || ' with friendly coaches. Session ' || n || '.',
         (($3::text[])[1 + n % cardinality($3::text[])])::"Category",
         CASE WHEN n = 1 THEN 5 ELSE (ARRAY[5, 8, 10, 11])[1 + n % 4] END,
         CASE WHEN n = 1 THEN 25 ELSE (ARRAY[18, 19, 21, 25])[1 + n % 4] END,
         CASE WHEN n = 1 THEN 500 ELSE (n % 16) * 100 END, 20, 'LIVE',
         CASE WHEN n % 4 = 0 THEN ARRAY['HEARING_LOOP']::"AccessibilityFeature"[] ELSE '{}' END
       FROM bench_activity`,
      [councilId, WORDS, CATEGORIES],
    );
    // Slots spread over the next 60 days, on the hour between 09:00 and 20:00 UTC.
    await db.query(
      `INSERT INTO "Slot" ("activityId", "startsAt", "endsAt", "capacity")
       SELECT a.activity, s.at, s.at + interval '1 hour', 20
       FROM bench_activity a, generate_series(1, $1::int) k,
         LATERAL (SELECT date_trunc('day', now()) + ((k * 3 + a.n % 3) || ' days')::interval
                         + ((9 + (a.n + k) % 12) || ' hours')::interval AS at) s`,
      [size.slotsPerActivity],
    );
    const hot = await db.query<{ activity: string; slot: string }>(
      `SELECT a.activity, (SELECT s."id" FROM "Slot" s WHERE s."activityId" = a.activity ORDER BY s."startsAt" LIMIT 1) AS slot
       FROM bench_activity a WHERE a.n = 1`,
    );
    await db.query("COMMIT");
    await db.query("ANALYZE");

    const counts: Record<string, number> = {};
    for (const table of ["YoungPerson", "Provider", "Activity", "Slot", "Transfer", "Account"]) {
      const row = await db.query<{ count: string }>(`SELECT COUNT(*) AS count FROM "${table}"`);
      counts[table] = Number(row.rows[0]!.count);
    }
    return { councilId, programmeId, hotActivityId: hot.rows[0]!.activity, hotSlotId: hot.rows[0]!.slot, counts };
  } catch (error) {
    await db.query("ROLLBACK").catch(() => undefined);
    throw error;
  } finally {
    await db.end();
  }
}
