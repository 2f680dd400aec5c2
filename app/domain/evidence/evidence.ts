// The evidence a council reads back in aggregate: take-up by ward, age band and need (with the gap between the
// most and least deprived wards), spend by category and provider, unmet demand, ratings and repeat use.
// Everything is aggregated in PostgreSQL over a date range, so a council of 100,000 young people is a few
// grouped scans, never rows brought into the process.
import { TZDate } from "@date-fns/tz";
import { addDays, format, parseISO, subDays } from "date-fns";
import type { Db } from "~/lib/db.server";
import type { Category, NeedsFlag } from "~/generated/prisma/enums";
import { penceFromBigInt } from "../money";
import { wardDeprivationFor, type WardDeprivation } from "./deprivation";
import { CATEGORY_LABELS } from "../programmes/forms";

/** London calendar days, both included, as YYYY-MM-DD. */
export type DateRange = { from: string; to: string };

const ZONE = "Europe/London";

/** The instants a range covers: from the start of its first London day to the start of the day after its last. */
export function rangeBounds(range: DateRange): { start: Date; end: Date } {
  const startOf = (day: string) => {
    const d = parseISO(day);
    return new Date(new TZDate(d.getFullYear(), d.getMonth(), d.getDate(), ZONE).getTime());
  };
  return { start: startOf(range.from), end: startOf(format(addDays(parseISO(range.to), 1), "yyyy-MM-dd")) };
}

/** From the start of the council's earliest live programme (or a year ago) to today. */
export async function defaultRange(db: Db, councilId: string, now = new Date()): Promise<DateRange> {
  const today = format(new TZDate(now, ZONE), "yyyy-MM-dd");
  const programme = await db.programme.findFirst({ where: { councilId, status: "ACTIVE" }, orderBy: { startsOn: "asc" }, select: { startsOn: true } });
  const start = programme ? programme.startsOn.toISOString().slice(0, 10) : format(subDays(parseISO(today), 365), "yyyy-MM-dd");
  return { from: start < today ? start : today, to: today };
}

export type TakeUpRow = { group: string; issued: number; used: number; ratePercent: number | null };

export const AGE_BANDS = ["10 to 12", "13 to 15", "16 to 18", "19 to 25", "Other ages"] as const;

export const NEEDS_WORDS: Record<NeedsFlag | "NONE", string> = {
  FREE_SCHOOL_MEALS: "Free school meals",
  CARE_EXPERIENCED: "Care-experienced",
  SEND: "SEND",
  YOUNG_CARER: "Young carer",
  NONE: "No needs recorded",
};

export function rate(used: number, issued: number): number | null {
  return issued === 0 ? null : Math.round((used * 1000) / issued) / 10;
}

/**
 * Take-up: of the young people holding a pass issued by the end of the range, the share who used it (a booking
 * redeemed at the door or a charge at a till) at least once within the range. One grouped scan; the groups
 * (ward x age band x needs) are few, and are folded into the three tables here.
 */
export async function takeUp(db: Db, councilId: string, range: DateRange, deprivation?: WardDeprivation) {
  const { start, end } = rangeBounds(range);
  const ageOn = range.to;
  const rows = await db.$queryRaw<{ ward: string; band: string; needs: NeedsFlag[]; issued: bigint; used: bigint }[]>`
    WITH passes AS (
      SELECT yp."id", yp."ward", yp."needsFlags",
        CASE
          WHEN date_part('year', age(${ageOn}::date, yp."dateOfBirth")) BETWEEN 10 AND 12 THEN '10 to 12'
          WHEN date_part('year', age(${ageOn}::date, yp."dateOfBirth")) BETWEEN 13 AND 15 THEN '13 to 15'
          WHEN date_part('year', age(${ageOn}::date, yp."dateOfBirth")) BETWEEN 16 AND 18 THEN '16 to 18'
          WHEN date_part('year', age(${ageOn}::date, yp."dateOfBirth")) BETWEEN 19 AND 25 THEN '19 to 25'
          ELSE 'Other ages'
        END AS band
      FROM "YoungPerson" yp
      WHERE yp."councilId" = ${councilId}::uuid
        AND EXISTS (SELECT 1 FROM "Allocation" al WHERE al."youngPersonId" = yp."id" AND al."councilId" = ${councilId}::uuid AND al."issuedAt" < ${end})
    ),
    users AS (
      SELECT DISTINCT r."youngPersonId" AS id FROM "Redemption" r
      WHERE r."councilId" = ${councilId}::uuid AND r."redeemedAt" >= ${start} AND r."redeemedAt" < ${end} AND r."method" <> 'NO_SHOW_CHARGE'
    )
    SELECT p."ward", p.band, COALESCE(p."needsFlags", '{}')::text[] AS needs, COUNT(*)::bigint AS issued, COUNT(u.id)::bigint AS used
    FROM passes p LEFT JOIN users u ON u.id = p."id"
    GROUP BY 1, 2, 3`;

  const fold = (keysOf: (row: (typeof rows)[number]) => string[]) => {
    const groups = new Map<string, { issued: number; used: number }>();
    for (const row of rows) {
      for (const key of keysOf(row)) {
        const group = groups.get(key) ?? { issued: 0, used: 0 };
        group.issued += Number(row.issued);
        group.used += Number(row.used);
        groups.set(key, group);
      }
    }
    return groups;
  };
  const toRows = (groups: Map<string, { issued: number; used: number }>, order: (a: string, b: string) => number): TakeUpRow[] =>
    [...groups.entries()].sort(([a], [b]) => order(a, b)).map(([group, g]) => ({ group, issued: g.issued, used: g.used, ratePercent: rate(g.used, g.issued) }));

  const total = fold(() => ["All"]).get("All") ?? { issued: 0, used: 0 };
  const deciles = deprivation ?? (await councilDeprivation(db, councilId));
  const byWard = toRows(
    fold((r) => [r.ward]),
    (a, b) => (deciles[a] ?? 99) - (deciles[b] ?? 99) || a.localeCompare(b),
  ).map((row) => ({ ...row, decile: deciles[row.group] ?? null }));
  const byAge = toRows(
    fold((r) => [r.band]),
    (a, b) => AGE_BANDS.indexOf(a as (typeof AGE_BANDS)[number]) - AGE_BANDS.indexOf(b as (typeof AGE_BANDS)[number]),
  );
  const needsOrder = Object.keys(NEEDS_WORDS);
  const byNeeds = toRows(
    fold((r) => (r.needs?.length ? r.needs : ["NONE"])),
    (a, b) => needsOrder.indexOf(a) - needsOrder.indexOf(b),
  ).map((row) => ({ ...row, group: NEEDS_WORDS[row.group as NeedsFlag | "NONE"] ?? row.group }));

  return {
    overall: { issued: total.issued, used: total.used, ratePercent: rate(total.used, total.issued) },
    byWard,
    byAge,
    byNeeds,
    deprivationGap: deprivationGap(byWard),
  };
}

async function councilDeprivation(db: Db, councilId: string): Promise<WardDeprivation> {
  const council = await db.council.findUniqueOrThrow({ where: { id: councilId }, select: { slug: true } });
  return wardDeprivationFor(council.slug);
}

export type WardTakeUp = TakeUpRow & { decile: number | null };

/**
 * The gap between the most and least deprived wards: take-up pooled over the wards in the most deprived decile
 * present, and over those in the least deprived decile present; the gap is least minus most, in percentage points
 * (positive: the better-off areas use their passes more).
 */
export function deprivationGap(byWard: ReadonlyArray<WardTakeUp>) {
  const known = byWard.filter((w) => w.decile !== null && w.issued > 0);
  if (known.length < 2) return null;
  const lowest = Math.min(...known.map((w) => w.decile!));
  const highest = Math.max(...known.map((w) => w.decile!));
  if (lowest === highest) return null;
  const pool = (decile: number) => {
    const wards = known.filter((w) => w.decile === decile);
    const issued = wards.reduce((s, w) => s + w.issued, 0);
    const used = wards.reduce((s, w) => s + w.used, 0);
    return { decile, wards: wards.map((w) => w.group), issued, used, ratePercent: rate(used, issued)! };
  };
  const mostDeprived = pool(lowest);
  const leastDeprived = pool(highest);
  // From the unrounded shares, so the gap is not off by the rounding of the two rates.
  const exact = (leastDeprived.used / leastDeprived.issued - mostDeprived.used / mostDeprived.issued) * 100;
  return { mostDeprived, leastDeprived, gapPoints: round1(exact) };
}

export type SpendRow = { group: string; uses: number; spentPence: number };

export const CATEGORY_WORDS: Record<Category | "WALK_IN", string> = { ...CATEGORY_LABELS, WALK_IN: "Walk-in at a till" };

/** What providers earned in the range (every redemption), by the activity's category and by provider. */
export async function spend(db: Db, councilId: string, range: DateRange) {
  const { start, end } = rangeBounds(range);
  const [byCategory, byProvider] = await Promise.all([
    db.$queryRaw<{ grp: string; uses: bigint; spent: bigint }[]>`
      SELECT COALESCE(a."category"::text, 'WALK_IN') AS grp, COUNT(*)::bigint AS uses, SUM(r."amountPence")::bigint AS spent
      FROM "Redemption" r
      LEFT JOIN "Booking" b ON b."id" = r."bookingId"
      LEFT JOIN "Slot" s ON s."id" = b."slotId"
      LEFT JOIN "Activity" a ON a."id" = s."activityId"
      WHERE r."councilId" = ${councilId}::uuid AND r."redeemedAt" >= ${start} AND r."redeemedAt" < ${end}
      GROUP BY 1 ORDER BY spent DESC, grp`,
    db.$queryRaw<{ grp: string; uses: bigint; spent: bigint }[]>`
      SELECT p."name" AS grp, COUNT(*)::bigint AS uses, SUM(r."amountPence")::bigint AS spent
      FROM "Redemption" r JOIN "Provider" p ON p."id" = r."providerId"
      WHERE r."councilId" = ${councilId}::uuid AND r."redeemedAt" >= ${start} AND r."redeemedAt" < ${end}
      GROUP BY p."id", p."name" ORDER BY spent DESC, grp`,
  ]);
  const rows = (list: { grp: string; uses: bigint; spent: bigint }[], name: (g: string) => string): SpendRow[] =>
    list.map((r) => ({ group: name(r.grp), uses: Number(r.uses), spentPence: penceFromBigInt(r.spent) }));
  const byCategoryRows = rows(byCategory, (g) => CATEGORY_WORDS[g as Category | "WALK_IN"] ?? g);
  return {
    totalPence: byCategoryRows.reduce((s, r) => s + r.spentPence, 0),
    byCategory: byCategoryRows,
    byProvider: rows(byProvider, (g) => g),
  };
}

export type SearchRow = { query: string; searches: number; lastSearched: string };
export type SuggestionRow = { text: string; kind: "Suggestion" | "After a search with no result"; category: string; searchQuery: string; createdAt: string };

/** Demand nobody meets: what young people searched for and found nothing, and what they suggested. */
export async function unmetDemand(db: Db, councilId: string, range: DateRange) {
  const { start, end } = rangeBounds(range);
  const [searches, topEmpty, notes] = await Promise.all([
    db.$queryRaw<{ total: bigint; empty: bigint }[]>`
      SELECT COUNT(*)::bigint AS total, COUNT(*) FILTER (WHERE "resultCount" = 0)::bigint AS empty
      FROM "SearchEvent" WHERE "councilId" = ${councilId}::uuid AND "createdAt" >= ${start} AND "createdAt" < ${end}`,
    // Uses the (councilId, resultCount, createdAt) index: only empty searches are read.
    db.$queryRaw<{ query: string; searches: bigint; last: Date }[]>`
      SELECT lower(btrim("query")) AS query, COUNT(*)::bigint AS searches, MAX("createdAt") AS last
      FROM "SearchEvent"
      WHERE "councilId" = ${councilId}::uuid AND "resultCount" = 0 AND "createdAt" >= ${start} AND "createdAt" < ${end} AND btrim("query") <> ''
      GROUP BY 1 ORDER BY searches DESC, query LIMIT 25`,
    db.demandNote.findMany({
      where: { councilId, createdAt: { gte: start, lt: end } },
      select: { id: true, kind: true, text: true, category: true, searchQuery: true, createdAt: true },
      orderBy: { createdAt: "desc" },
      take: 100,
    }),
  ]);
  const total = Number(searches[0]?.total ?? 0n);
  const empty = Number(searches[0]?.empty ?? 0n);
  return {
    searches: total,
    emptySearches: empty,
    emptyPercent: rate(empty, total),
    topEmptySearches: topEmpty.map((s): SearchRow => ({ query: s.query, searches: Number(s.searches), lastSearched: s.last.toISOString() })),
    suggestions: notes.map(
      (n): SuggestionRow => ({
        text: n.text,
        kind: n.kind === "SUGGESTION" ? "Suggestion" : "After a search with no result",
        category: n.category ? CATEGORY_WORDS[n.category] : "",
        searchQuery: n.searchQuery ?? "",
        createdAt: n.createdAt.toISOString(),
      }),
    ),
  };
}

export type RatingRow = { activity: string; provider: string; ratings: number; averageStars: number; wouldGoAgainPercent: number };

/** How young people rated what they did, per activity, most rated first. */
export async function ratings(db: Db, councilId: string, range: DateRange) {
  const { start, end } = rangeBounds(range);
  const [overall, byActivity] = await Promise.all([
    db.$queryRaw<{ ratings: bigint; stars: number | null; again: bigint }[]>`
      SELECT COUNT(*)::bigint AS ratings, AVG("stars")::float8 AS stars, COUNT(*) FILTER (WHERE "wouldGoAgain")::bigint AS again
      FROM "Rating" WHERE "councilId" = ${councilId}::uuid AND "createdAt" >= ${start} AND "createdAt" < ${end}`,
    db.$queryRaw<{ activity: string; provider: string; ratings: bigint; stars: number; again: bigint }[]>`
      SELECT a."title" AS activity, p."name" AS provider, COUNT(*)::bigint AS ratings, AVG(r."stars")::float8 AS stars,
        COUNT(*) FILTER (WHERE r."wouldGoAgain")::bigint AS again
      FROM "Rating" r JOIN "Activity" a ON a."id" = r."activityId" JOIN "Provider" p ON p."id" = r."providerId"
      WHERE r."councilId" = ${councilId}::uuid AND r."createdAt" >= ${start} AND r."createdAt" < ${end}
      GROUP BY a."id", a."title", p."name" ORDER BY ratings DESC, stars DESC, activity LIMIT 50`,
  ]);
  const count = Number(overall[0]?.ratings ?? 0n);
  return {
    ratings: count,
    averageStars: count ? round1(overall[0]!.stars ?? 0) : null,
    wouldGoAgainPercent: rate(Number(overall[0]?.again ?? 0n), count),
    byActivity: byActivity.map(
      (r): RatingRow => ({
        activity: r.activity,
        provider: r.provider,
        ratings: Number(r.ratings),
        averageStars: round1(r.stars),
        wouldGoAgainPercent: rate(Number(r.again), Number(r.ratings)) ?? 0,
      }),
    ),
  };
}

export const USE_BUCKETS = ["Once", "Twice", "3 to 5 times", "6 times or more"] as const;
export type RepeatRow = { uses: (typeof USE_BUCKETS)[number]; youngPeople: number; percent: number };

/** How often each young person who used their pass in the range came back. */
export async function repeatUse(db: Db, councilId: string, range: DateRange) {
  const { start, end } = rangeBounds(range);
  const rows = await db.$queryRaw<{ bucket: string; people: bigint }[]>`
    SELECT CASE WHEN n = 1 THEN 'Once' WHEN n = 2 THEN 'Twice' WHEN n <= 5 THEN '3 to 5 times' ELSE '6 times or more' END AS bucket,
      COUNT(*)::bigint AS people
    FROM (
      SELECT "youngPersonId", COUNT(*) AS n FROM "Redemption"
      WHERE "councilId" = ${councilId}::uuid AND "redeemedAt" >= ${start} AND "redeemedAt" < ${end} AND "method" <> 'NO_SHOW_CHARGE'
      GROUP BY 1
    ) per_person
    GROUP BY 1`;
  const counts = new Map(rows.map((r) => [r.bucket, Number(r.people)]));
  const users = [...counts.values()].reduce((s, n) => s + n, 0);
  const byUses: RepeatRow[] = USE_BUCKETS.map((uses) => ({ uses, youngPeople: counts.get(uses) ?? 0, percent: rate(counts.get(uses) ?? 0, users) ?? 0 }));
  const repeaters = users - (counts.get("Once") ?? 0);
  return { users, repeaters, repeatPercent: rate(repeaters, users), byUses };
}

/** The whole dashboard for a range. */
export async function evidenceDashboard(db: Db, councilId: string, range: DateRange, options: { deprivation?: WardDeprivation } = {}) {
  const [takeUpFigures, spendFigures, demand, ratingFigures, repeat] = await Promise.all([
    takeUp(db, councilId, range, options.deprivation),
    spend(db, councilId, range),
    unmetDemand(db, councilId, range),
    ratings(db, councilId, range),
    repeatUse(db, councilId, range),
  ]);
  return { range, takeUp: takeUpFigures, spend: spendFigures, demand, ratings: ratingFigures, repeat };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
