// What a young person's home page shows besides balance and bookings: things to rate, and suggestions
// drawn from what they already chose (never "spend now" pressure).
import type { Db } from "~/lib/db.server";
import { Prisma } from "~/generated/prisma/client";
import type { Category } from "~/generated/prisma/enums";
import { ageOn } from "../booking/windows";
import { DomainError } from "../errors";

const DAY = 24 * 60 * 60 * 1000;
/** How far back "rate what you did" looks. */
export const RATE_WITHIN_DAYS = 30;
/** How many coming sessions (whole start times) suggestions look through before asking every activity instead. */
const SESSIONS_WALKED = 500;

/** Redeemed bookings of the last few weeks, newest first, with their rating when given (one query). */
export async function recentActivities(db: Db, youngPersonId: string, now = new Date(), take = 5) {
  const rows = await db.$queryRaw<
    Array<{ bookingId: string; activityId: string; title: string; startsAt: Date; stars: number | null; wouldGoAgain: boolean | null }>
  >(Prisma.sql`
    SELECT b."id" AS "bookingId", a."id" AS "activityId", a."title", s."startsAt", r."stars", r."wouldGoAgain"
    FROM "Booking" b
    JOIN "Slot" s ON s."id" = b."slotId"
    JOIN "Activity" a ON a."id" = s."activityId"
    LEFT JOIN "Rating" r ON r."bookingId" = b."id"
    WHERE b."youngPersonId" = ${youngPersonId}::uuid AND b."status" = 'REDEEMED'
      AND s."startsAt" > ${new Date(now.getTime() - RATE_WITHIN_DAYS * DAY)} AND s."startsAt" <= ${now}
    ORDER BY s."startsAt" DESC, b."id"
    LIMIT ${take}`);
  return rows.map((b) => ({
    bookingId: b.bookingId,
    activityId: b.activityId,
    title: b.title,
    startsAt: b.startsAt.toISOString(),
    rating: b.stars === null || b.wouldGoAgain === null ? null : { stars: b.stars, wouldGoAgain: b.wouldGoAgain },
  }));
}

export type Suggestion = {
  id: string;
  title: string;
  category: Category;
  providerName: string;
  venueName: string;
  pricePence: number;
  nextSlotAt: string;
  placesLeft: number;
};

/**
 * Activities like the ones they booked or hearted: same categories, allowed by a programme they hold live
 * credit from, right for their age, from an approved provider, with a place in a coming session, and not
 * something they are already booked on. Soonest first (by the next session with a place), then by title.
 */
export async function suggestionsFor(
  db: Db,
  youngPersonId: string,
  now = new Date(),
  take = 4,
  options: { sessionsWalked?: number } = {},
): Promise<Suggestion[]> {
  const [person] = await db.$queryRaw<
    Array<{ councilId: string; dateOfBirth: Date; allowed: Category[]; interests: Category[]; alreadyGoing: string[] }>
  >(Prisma.sql`
    SELECT yp."councilId", yp."dateOfBirth",
      ARRAY(SELECT DISTINCT c::text FROM "Allocation" al JOIN "Programme" pr ON pr."id" = al."programmeId", unnest(pr."allowedCategories") c
            WHERE al."youngPersonId" = yp."id" AND al."status" = 'ACTIVE' AND al."expiresAt" > ${now}) AS "allowed",
      ARRAY(SELECT a."category"::text FROM "Booking" b JOIN "Slot" s ON s."id" = b."slotId" JOIN "Activity" a ON a."id" = s."activityId"
            WHERE b."youngPersonId" = yp."id"
            UNION
            SELECT a."category"::text FROM "Favourite" f JOIN "Activity" a ON a."id" = f."activityId" WHERE f."youngPersonId" = yp."id") AS "interests",
      ARRAY(SELECT DISTINCT s."activityId"::text FROM "Booking" b JOIN "Slot" s ON s."id" = b."slotId"
            WHERE b."youngPersonId" = yp."id" AND b."status" = 'CONFIRMED' AND s."endsAt" > ${now}) AS "alreadyGoing"
    FROM "YoungPerson" yp
    WHERE yp."id" = ${youngPersonId}::uuid`);
  if (!person) throw new DomainError("NOT_FOUND", "We could not find your pass.");
  const allowed = new Set(person.allowed);
  const interests = person.interests.filter((c) => allowed.has(c));
  if (interests.length === 0) return [];

  const age = ageOn(person.dateOfBirth, now);
  const suggestable = Prisma.sql`a."councilId" = ${person.councilId}::uuid AND a."status" = 'LIVE'
    AND a."category" = ANY(${interests}::"Category"[])
    AND a."minAge" <= ${age} AND a."maxAge" >= ${age}
    AND NOT (a."id" = ANY(${person.alreadyGoing}::uuid[]))`;
  const withPlace = (alias: "s" | "e") => {
    const t = Prisma.raw(alias);
    return Prisma.sql`${t}."status" = 'SCHEDULED' AND ${t}."startsAt" > ${now} AND ${t}."booked" + ${t}."offered" < ${t}."capacity"`;
  };
  const card = Prisma.sql`a."id", a."title", a."category", p."name" AS "providerName", v."name" AS "venueName", a."pricePence"`;
  const joins = Prisma.sql`
    JOIN "Provider" p ON p."id" = a."providerId"
    JOIN "Venue" v ON v."id" = a."venueId"
    JOIN "ProviderCouncil" pc ON pc."providerId" = a."providerId" AND pc."councilId" = a."councilId" AND pc."status" = 'APPROVED'`;
  type Row = Omit<Suggestion, "nextSlotAt"> & { nextSlotAt: Date };
  // Ties on the start time all come back (WITH TIES), so the title decides between them below, as it always has.

  // Usually the soonest are in the next few hundred coming sessions: walk them in time order (whole start times
  // only) and keep each suggestable activity's first session with a place.
  let rows = await db.$queryRaw<Row[]>(Prisma.sql`
    SELECT ${card}, s."startsAt" AS "nextSlotAt", s."capacity" - s."booked" - s."offered" AS "placesLeft"
    FROM (
      SELECT * FROM "Slot" s WHERE ${withPlace("s")} ORDER BY s."startsAt" FETCH FIRST ${options.sessionsWalked ?? SESSIONS_WALKED} ROWS WITH TIES
    ) s
    JOIN "Activity" a ON a."id" = s."activityId"
    ${joins}
    WHERE ${suggestable}
      AND NOT EXISTS (
        SELECT 1 FROM "Slot" e
        WHERE e."activityId" = s."activityId" AND ${withPlace("e")}
          AND e."startsAt" <= s."startsAt" AND (e."startsAt" < s."startsAt" OR e."id" < s."id"))
    ORDER BY s."startsAt"
    FETCH FIRST ${take} ROWS WITH TIES`);
  if (rows.length < take) {
    // Too few there (few activities like theirs, or few sessions at all): each one's next session with a place.
    rows = await db.$queryRaw<Row[]>(Prisma.sql`
      SELECT ${card}, ns."startsAt" AS "nextSlotAt", ns."placesLeft"
      FROM "Activity" a
      ${joins}
      CROSS JOIN LATERAL (
        SELECT s."startsAt", s."capacity" - s."booked" - s."offered" AS "placesLeft"
        FROM "Slot" s
        WHERE s."activityId" = a."id" AND ${withPlace("s")}
        ORDER BY s."startsAt"
        LIMIT 1
      ) ns
      WHERE ${suggestable}
      ORDER BY ns."startsAt"
      FETCH FIRST ${take} ROWS WITH TIES`);
  }
  return rows
    .map((r) => ({ ...r, nextSlotAt: r.nextSlotAt.toISOString() }))
    .sort((a, b) => a.nextSlotAt.localeCompare(b.nextSlotAt) || a.title.localeCompare(b.title))
    .slice(0, take);
}
