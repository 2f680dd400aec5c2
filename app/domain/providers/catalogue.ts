// What young people can see: live activities of approved providers, with their coming slots; and searching them.
import { TZDate } from "@date-fns/tz";
import type { z } from "zod";
import type { Db } from "~/lib/db.server";
import { Prisma } from "~/generated/prisma/client";
import type { AccessibilityFeature, Category } from "~/generated/prisma/enums";
import { ageOn } from "../booking/windows";
import { DomainError } from "../errors";
import { districtCentre, kmToMiles, outwardCodeOf, type LatLng } from "../places";
import { SEARCH_PAGE_SIZE, type demandNoteSchema, type SearchFilters } from "./search-filters";

const MILE_KM = 1.609344;
/** Matches are counted exactly up to this many (or to the end of the page asked for); beyond it, "more than". */
export const TOTAL_COUNTED_UP_TO = 200;

export { DISTANCE_MILES, SEARCH_PAGE_SIZE, SEARCH_SORTS, demandNoteSchema, searchFiltersSchema, type SearchFilters } from "./search-filters";

/** What an activity card needs: the activity, who runs it and where, and its next sessions with places. */
export function activityCardSelect(now: Date, sessions: number) {
  return {
    id: true,
    title: true,
    category: true,
    pricePence: true,
    provider: { select: { name: true } },
    venue: { select: { name: true } },
    slots: {
      where: { status: "SCHEDULED", startsAt: { gt: now } },
      orderBy: { startsAt: "asc" },
      take: sessions,
      select: { startsAt: true, capacity: true, booked: true, offered: true },
    },
  } satisfies Prisma.ActivitySelect;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * One activity with its coming slots and places left, or null when it is not bookable: live, and its provider
 * approved by the council whose scheme lists it (not merely by some council). One query.
 */
export async function getActivityPage(db: Db, input: { activityId: string; now?: Date }) {
  const now = input.now ?? new Date();
  if (!UUID.test(input.activityId)) return null;
  const [row] = await db.$queryRaw<
    Array<{
      id: string;
      councilId: string;
      title: string;
      description: string;
      category: Category;
      minAge: number;
      maxAge: number;
      pricePence: number;
      accessibility: string;
      accessibilityFeatures: AccessibilityFeature[];
      whatToBring: string;
      cancellationCutoffHours: number;
      providerName: string;
      providerWebsite: string | null;
      venueName: string;
      addressLine1: string;
      town: string;
      postcode: string;
      latitude: number | null;
      longitude: number | null;
      venueFeatures: AccessibilityFeature[];
      slots: Array<{ id: string; startsAt: string; endsAt: string; placesLeft: number }>;
    }>
  >(Prisma.sql`
    SELECT a."id", a."councilId", a."title", a."description", a."category"::text AS "category", a."minAge", a."maxAge",
           a."pricePence", a."accessibility", COALESCE(a."accessibilityFeatures", '{}')::text[] AS "accessibilityFeatures", a."whatToBring",
           a."cancellationCutoffHours", p."name" AS "providerName", p."website" AS "providerWebsite",
           v."name" AS "venueName", v."addressLine1", v."town", v."postcode", v."latitude", v."longitude",
           COALESCE(v."accessibilityFeatures", '{}')::text[] AS "venueFeatures",
           COALESCE((
             -- Places held for someone offered them from the waiting list are not free for anyone else.
             SELECT json_agg(json_build_object('id', s."id", 'startsAt', s."startsAt", 'endsAt', s."endsAt",
                                               'placesLeft', GREATEST(0, s."capacity" - s."booked" - s."offered")) ORDER BY s."startsAt", s."id")
             FROM (SELECT * FROM "Slot" s WHERE s."activityId" = a."id" AND s."status" = 'SCHEDULED' AND s."startsAt" > ${now}
                   ORDER BY s."startsAt", s."id" LIMIT 30) s
           ), '[]'::json) AS "slots"
    FROM "Activity" a
    JOIN "Provider" p ON p."id" = a."providerId"
    JOIN "Venue" v ON v."id" = a."venueId"
    JOIN "ProviderCouncil" pc ON pc."providerId" = a."providerId" AND pc."councilId" = a."councilId" AND pc."status" = 'APPROVED'
    WHERE a."id" = ${input.activityId}::uuid AND a."status" = 'LIVE'`);
  if (!row) return null;
  const { providerName, providerWebsite, venueName, addressLine1, town, postcode, latitude, longitude, venueFeatures, slots, ...activity } = row;
  return {
    ...activity,
    provider: { name: providerName, website: providerWebsite },
    venue: { name: venueName, addressLine1, town, postcode },
    // A plain link out to a map (no embed, no tracker): the venue's own spot when known, else its address.
    mapHref:
      latitude !== null && longitude !== null
        ? `https://www.openstreetmap.org/?mlat=${latitude.toFixed(5)}&mlon=${longitude.toFixed(5)}#map=17/${latitude.toFixed(5)}/${longitude.toFixed(5)}`
        : `https://www.openstreetmap.org/search?query=${encodeURIComponent(`${addressLine1}, ${town} ${postcode}`)}`,
    accessibilityFeatures: [...new Set([...venueFeatures, ...activity.accessibilityFeatures])],
    slots: slots.map((s) => ({ id: s.id, startsAt: new Date(s.startsAt).toISOString(), endsAt: new Date(s.endsAt).toISOString(), placesLeft: s.placesLeft })),
  };
}

/**
 * What a signed-in young person needs beside an activity's sessions: whether they can book it at all (and if not,
 * why, in plain words), what their pass can spend on it, which sessions they have booked, and their waiting lists.
 * One query: a row per allocation (or one with none), each carrying the booked sessions.
 */
export async function activityForYoungPerson(
  db: Db,
  input: { youngPersonId: string; activity: { id: string; councilId: string; category: Category; minAge: number; maxAge: number; pricePence: number }; slotIds: string[]; now?: Date },
) {
  const now = input.now ?? new Date();
  const { activity } = input;
  const rows = await db.$queryRaw<
    Array<{
      councilId: string;
      status: string;
      dateOfBirth: Date;
      allocationStatus: string | null;
      expiresAt: Date | null;
      allowedCategories: Category[] | null;
      balancePence: bigint | null;
      bookedSlotIds: string[];
    }>
  >(Prisma.sql`
    SELECT yp."councilId", yp."status"::text AS "status", yp."dateOfBirth",
           al."status"::text AS "allocationStatus", al."expiresAt", pr."allowedCategories"::text[] AS "allowedCategories", w."balancePence",
           ARRAY(SELECT b."slotId"::text FROM "Booking" b
                 WHERE b."youngPersonId" = yp."id" AND b."slotId" = ANY(${input.slotIds}::uuid[]) AND b."status" = 'CONFIRMED') AS "bookedSlotIds"
    FROM "YoungPerson" yp
    LEFT JOIN "Allocation" al ON al."youngPersonId" = yp."id"
    LEFT JOIN "Programme" pr ON pr."id" = al."programmeId"
    LEFT JOIN "Account" w ON w."allocationId" = al."id"
    WHERE yp."id" = ${input.youngPersonId}::uuid`);
  const [youngPerson] = rows;
  if (!youngPerson) throw new DomainError("NOT_FOUND", "We could not find your pass.");
  const allocations = rows.flatMap((r) =>
    r.allocationStatus === null || r.expiresAt === null
      ? []
      : [{ status: r.allocationStatus, expiresAt: r.expiresAt, allowedCategories: r.allowedCategories ?? [], balancePence: r.balancePence }],
  );
  const live = allocations.filter((a) => a.status === "ACTIVE" && a.expiresAt > now);
  const covering = live.filter((a) => a.allowedCategories.includes(activity.category));
  const spendable = Math.max(0, ...covering.map((a) => Number(a.balancePence ?? 0n)));
  const age = ageOn(youngPerson.dateOfBirth, now);

  let cannotBook: string | null = null;
  if (youngPerson.councilId !== activity.councilId) cannotBook = "This activity is run for another council's Playpass, so your pass cannot be used for it.";
  else if (youngPerson.status === "AWAITING_CONSENT") cannotBook = "Your parent or carer needs to say yes before you can book. We sent them a link: ask them to open it.";
  else if (age < activity.minAge || age > activity.maxAge) cannotBook = `This activity is for ages ${activity.minAge} to ${activity.maxAge}.`;
  else if (allocations.length === 0) cannotBook = "You do not have any Playpass credit yet. Your council will tell you when it is ready.";
  else if (live.length === 0) {
    cannotBook = allocations.some((a) => a.status === "FROZEN")
      ? "Your pass is paused by the council. Contact them to find out why."
      : "Your pass has expired, so it cannot be used for new bookings.";
  } else if (covering.length === 0) cannotBook = "Your pass cannot be used for this kind of activity. Try another category.";

  return {
    cannotBook,
    spendablePence: spendable,
    enoughCredit: spendable >= activity.pricePence,
    bookedSlotIds: youngPerson.bookedSlotIds,
  };
}

// ---------------------------------------------------------------- search

export type SearchResult = {
  id: string;
  title: string;
  category: Category;
  providerName: string;
  venueName: string;
  town: string;
  pricePence: number;
  minAge: number;
  maxAge: number;
  nextSlotAt: string;
  placesLeft: number;
  distanceMiles: number | null;
};

export type SearchOutcome = {
  results: SearchResult[];
  /** How many activities match; when totalIsLowerBound, more than this many (counting stops there). */
  total: number;
  totalIsLowerBound: boolean;
  page: number;
  pageCount: number;
  /** Where distances are measured from: a typed postcode's district, or the young person's home district. */
  origin: "postcode" | "home" | null;
  /** A problem with one field, in plain words, shown next to it; the search still ran without that part. */
  fieldErrors: Partial<Record<"postcode" | "sort" | "withinBalance", string>>;
  /** Whether the person asked for anything (and so the search was recorded), rather than just opening the page. */
  searched: boolean;
};

/** Who is searching: a signed-in young person (their programme and age decide what they see), or anyone. */
export type SearchViewer = { youngPersonId: string } | null;

type ViewerContext = {
  councilId: string;
  age: number;
  allowedCategories: Category[];
  balancePence: number;
  home: LatLng | null;
};

/** The viewer's council, age, home district and live credit, in one round trip (a row per live allocation). */
async function viewerContext(db: Db, youngPersonId: string, now: Date): Promise<ViewerContext> {
  const rows = await db.$queryRaw<
    Array<{ councilId: string; dateOfBirth: Date; latitude: number | null; longitude: number | null; allowedCategories: Category[] | null; balancePence: bigint | null }>
  >(Prisma.sql`
    SELECT yp."councilId", yp."dateOfBirth", yp."latitude", yp."longitude",
           pr."allowedCategories"::text[] AS "allowedCategories", w."balancePence"
    FROM "YoungPerson" yp
    LEFT JOIN "Allocation" al ON al."youngPersonId" = yp."id" AND al."status" = 'ACTIVE' AND al."expiresAt" > ${now}
    LEFT JOIN "Programme" pr ON pr."id" = al."programmeId"
    LEFT JOIN "Account" w ON w."allocationId" = al."id"
    WHERE yp."id" = ${youngPersonId}::uuid`);
  const [youngPerson] = rows;
  if (!youngPerson) throw new DomainError("NOT_FOUND", "We could not find your pass.");
  const allowed = new Set(rows.flatMap((r) => r.allowedCategories ?? []));
  return {
    councilId: youngPerson.councilId,
    age: ageOn(youngPerson.dateOfBirth, now),
    allowedCategories: [...allowed],
    // One booking is paid from one allocation, so "within my balance" is what the fullest wallet can pay.
    balancePence: Math.max(0, ...rows.map((r) => Number(r.balancePence ?? 0n))),
    home: youngPerson.latitude !== null && youngPerson.longitude !== null ? { latitude: youngPerson.latitude, longitude: youngPerson.longitude } : null,
  };
}

/** Midnight to midnight of a calendar day in London, as instants. */
function londonDay(date: string): { from: Date; to: Date } {
  const [y, m, d] = date.split("-").map(Number) as [number, number, number];
  return { from: new Date(new TZDate(y, m - 1, d, "Europe/London").getTime()), to: new Date(new TZDate(y, m - 1, d + 1, "Europe/London").getTime()) };
}

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/**
 * Searches what the viewer can book. A young person sees only their council's live activities from approved
 * providers that their programme allows and their age fits; anyone else sees every live activity from approved
 * providers (with its ages). Every search with a question in it is recorded for the council, without who asked.
 */
export async function searchActivities(
  db: Db,
  input: { viewer: SearchViewer; filters: SearchFilters; now?: Date; pageSize?: number; countedUpTo?: number },
): Promise<SearchOutcome> {
  const now = input.now ?? new Date();
  const f = input.filters;
  const pageSize = input.pageSize ?? SEARCH_PAGE_SIZE;
  const viewer = input.viewer ? await viewerContext(db, input.viewer.youngPersonId, now) : null;
  const fieldErrors: SearchOutcome["fieldErrors"] = {};

  let origin: LatLng | null = null;
  let originKind: SearchOutcome["origin"] = null;
  if (f.postcode) {
    origin = await districtCentre(db, f.postcode);
    if (origin) originKind = "postcode";
    else fieldErrors.postcode = `We do not know where ${outwardCodeOf(f.postcode)} is, so we cannot work out distances from it. Try another postcode.`;
  } else if (viewer?.home) {
    origin = viewer.home;
    originKind = "home";
  }
  let sort = f.sort;
  if (sort === "nearest" && !origin) {
    fieldErrors.sort = "Enter a postcode to sort by distance. We have sorted by soonest instead.";
    sort = "soonest";
  }
  if (f.withinBalance && !viewer) fieldErrors.withinBalance = "Sign in to see what fits your balance.";

  const distance = origin
    ? Prisma.sql`2 * 6371.0088 * asin(least(1, sqrt(
        power(sin(radians(v."latitude" - ${origin.latitude}) / 2), 2) +
        cos(radians(${origin.latitude})) * cos(radians(v."latitude")) * power(sin(radians(v."longitude" - ${origin.longitude}) / 2), 2))))`
    : Prisma.sql`NULL::float8`;
  const day = f.date ? londonDay(f.date) : null;

  const where: Prisma.Sql[] = [Prisma.sql`a."status" = 'LIVE'`];
  if (viewer) {
    where.push(Prisma.sql`a."councilId" = ${viewer.councilId}::uuid`);
    where.push(Prisma.sql`a."category" = ANY(${viewer.allowedCategories}::"Category"[])`);
    where.push(Prisma.sql`a."minAge" <= ${viewer.age} AND a."maxAge" >= ${viewer.age}`);
    if (f.withinBalance) where.push(Prisma.sql`a."pricePence" <= ${viewer.balancePence}`);
  } else if (f.age !== undefined) {
    where.push(Prisma.sql`a."minAge" <= ${f.age} AND a."maxAge" >= ${f.age}`);
  }
  if (f.category) where.push(Prisma.sql`a."category" = ${f.category}::"Category"`);
  if (f.free) where.push(Prisma.sql`a."pricePence" = 0`);
  if (f.access && f.access.length > 0) {
    where.push(Prisma.sql`(a."accessibilityFeatures" || v."accessibilityFeatures") @> ${f.access}::"AccessibilityFeature"[]`);
  }
  if (f.q) {
    const like = `%${escapeLike(f.q)}%`;
    // Whole words (stemmed: "swim" finds "swimming") or any part of a title, provider or category a child might type.
    // The words come from the stored documents (title and description, provider name) joined with the category's,
    // the same lexemes as parsing the joined text each time; only a quoted phrase spanning two fields may differ.
    where.push(Prisma.sql`(
      (a."searchDocument" || p."searchDocument" || to_tsvector('english', replace(a."category"::text, '_', ' ')))
        @@ websearch_to_tsquery('english', ${f.q})
      OR a."title" ILIKE ${like} OR p."name" ILIKE ${like} OR replace(a."category"::text, '_', ' ') ILIKE ${like})`);
  }
  if (origin && f.miles) where.push(Prisma.sql`${distance} <= ${f.miles * MILE_KM}`);

  const page = f.page;
  const offset = (page - 1) * pageSize;
  const joins = Prisma.sql`
    JOIN "Provider" p ON p."id" = a."providerId"
    JOIN "Venue" v ON v."id" = a."venueId"
    JOIN "ProviderCouncil" pc ON pc."providerId" = a."providerId" AND pc."councilId" = a."councilId" AND pc."status" = 'APPROVED'`;
  const matches = Prisma.join(where, " AND ");
  /** A session of the activity someone could still come to (on the chosen day, when one is chosen). */
  const comingSession = (alias: "s" | "e") => {
    const t = Prisma.raw(alias);
    return Prisma.sql`${t}."status" = 'SCHEDULED' AND ${t}."startsAt" > ${now}
      ${day ? Prisma.sql`AND ${t}."startsAt" >= ${day.from} AND ${t}."startsAt" < ${day.to}` : Prisma.empty}`;
  };

  // Which activities match, found only as far as the page needs (every one costs a probe into Slot): exactly, up to
  // TOTAL_COUNTED_UP_TO or the end of the page asked for; beyond that, "more than".
  const countUpTo = Math.max(input.countedUpTo ?? TOTAL_COUNTED_UP_TO, offset + pageSize);
  // Provider and venue joined LEFT (every activity has both, the foreign keys say so): PostgreSQL then leaves them
  // out entirely when no filter reads them, as on the plain explore page.
  const matchingIds = await db.$queryRaw<{ id: string }[]>(Prisma.sql`
    SELECT a."id" FROM "Activity" a
    LEFT JOIN "Provider" p ON p."id" = a."providerId"
    LEFT JOIN "Venue" v ON v."id" = a."venueId"
    JOIN "ProviderCouncil" pc ON pc."providerId" = a."providerId" AND pc."councilId" = a."councilId" AND pc."status" = 'APPROVED'
    WHERE ${matches} AND EXISTS (SELECT 1 FROM "Slot" s WHERE s."activityId" = a."id" AND ${comingSession("s")})
    LIMIT ${countUpTo + 1}`);
  const counted = matchingIds.length;
  const totalIsLowerBound = counted > countUpTo;
  const total = totalIsLowerBound ? countUpTo : counted;

  type Row = Omit<SearchResult, "nextSlotAt" | "distanceMiles"> & { nextSlotAt: Date; distanceKm: number | null };
  const columns = Prisma.sql`a."id", a."title", a."category", p."name" AS "providerName", v."name" AS "venueName", v."town",
    a."pricePence", a."minAge", a."maxAge", ${distance} AS "distanceKm"`;

  // Soonest first over many activities: walk the coming sessions in time order and keep each activity's first,
  // stopping once the page is full, instead of finding the next session of every activity and sorting them all.
  const walkSessions = () =>
    db.$queryRaw<Row[]>(Prisma.sql`
      SELECT ${columns}, s."startsAt" AS "nextSlotAt", s."capacity" - s."booked" - s."offered" AS "placesLeft"
      FROM "Slot" s
      JOIN "Activity" a ON a."id" = s."activityId"
      ${joins}
      WHERE ${comingSession("s")} AND ${matches}
        AND NOT EXISTS (
          SELECT 1 FROM "Slot" e
          WHERE e."activityId" = s."activityId" AND ${comingSession("e")}
            AND e."startsAt" <= s."startsAt" AND (e."startsAt" < s."startsAt" OR e."id" < s."id"))
      ORDER BY s."startsAt", s."activityId"
      LIMIT ${pageSize} OFFSET ${offset}`);

  // Otherwise: the matching activities, in price or distance order when that is the sort (so the next-session probe
  // runs only until the page is full), each with its next coming session; soonest over few activities probes them all.
  const leading =
    sort === "nearest" ? Prisma.sql`"distanceKm" ASC NULLS LAST` : sort === "cheapest" ? Prisma.sql`"pricePence" ASC` : null;
  const probeActivities = (which: Prisma.Sql) =>
    db.$queryRaw<Row[]>(Prisma.sql`
      SELECT m.*, ns."startsAt" AS "nextSlotAt", ns."placesLeft"
      FROM (
        SELECT ${columns} FROM "Activity" a ${joins} WHERE ${which}
        ${leading ? Prisma.sql`ORDER BY ${leading}` : Prisma.empty}
      ) m
      CROSS JOIN LATERAL (
        SELECT s."startsAt", s."capacity" - s."booked" - s."offered" AS "placesLeft"
        FROM "Slot" s
        WHERE s."activityId" = m."id" AND ${comingSession("s")}
        ORDER BY s."startsAt", s."id"
        LIMIT 1
      ) ns
      ORDER BY ${leading ? Prisma.sql`m.${leading}, ` : Prisma.empty}ns."startsAt", m."id"
      LIMIT ${pageSize} OFFSET ${offset}`);

  let rows: Row[] = [];
  if (totalIsLowerBound) rows = sort === "soonest" ? await walkSessions() : await probeActivities(matches);
  // Every match is known: read just their next sessions, without evaluating the filters again.
  else if (counted > offset) rows = await probeActivities(Prisma.sql`a."id" = ANY(${matchingIds.map((m) => m.id)}::uuid[])`);

  const searched = Boolean(f.q || f.category || f.date || f.postcode || f.miles || f.withinBalance || f.free || f.age !== undefined || (f.access && f.access.length > 0));
  if (searched && page === 1 && viewer) {
    await db.searchEvent.create({
      data: {
        councilId: viewer.councilId,
        query: f.q ?? "",
        category: f.category ?? null,
        // The district only, never a full postcode: evidence of demand by area without pointing at anyone.
        filters: {
          date: f.date ?? null,
          district: f.postcode ? outwardCodeOf(f.postcode) : null,
          miles: f.miles ?? null,
          withinBalance: f.withinBalance ?? false,
          free: f.free ?? false,
          access: f.access ?? [],
          sort,
        },
        // At least this many: the count stops past the cap, and the council's evidence reads only "none found".
        resultCount: counted,
      },
    });
  }

  return {
    results: rows.map((r) => ({
      id: r.id,
      title: r.title,
      category: r.category,
      providerName: r.providerName,
      venueName: r.venueName,
      town: r.town,
      pricePence: r.pricePence,
      minAge: r.minAge,
      maxAge: r.maxAge,
      nextSlotAt: r.nextSlotAt.toISOString(),
      placesLeft: Math.max(0, r.placesLeft),
      distanceMiles: r.distanceKm === null ? null : kmToMiles(r.distanceKm),
    })),
    total,
    totalIsLowerBound,
    page,
    // When the total is a lower bound there is at least one more result, so at least one more page.
    pageCount: Math.max(1, Math.ceil((totalIsLowerBound ? total + 1 : total) / pageSize)),
    origin: originKind,
    fieldErrors,
    searched,
  };
}

/** "Tell us what you were looking for" after a search found nothing: unmet demand the council can read back. */
export async function recordUnmetDemand(db: Db, input: { youngPersonId: string; note: z.infer<typeof demandNoteSchema> }) {
  const youngPerson = await db.youngPerson.findUnique({ where: { id: input.youngPersonId }, select: { councilId: true } });
  if (!youngPerson) throw new DomainError("NOT_FOUND", "We could not find your pass.");
  return db.demandNote.create({
    data: {
      councilId: youngPerson.councilId,
      // Who asked is not kept: the council needs the demand, not the child.
      youngPersonId: null,
      kind: "NO_RESULT",
      text: input.note.text,
      category: input.note.category ?? null,
      searchQuery: input.note.searchQuery || null,
    },
    select: { id: true },
  });
}
