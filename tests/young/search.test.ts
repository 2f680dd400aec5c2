// Finding something to do: only what a young person may book, filters that mean what they say, sorts, pages,
// distances from a postcode district, and every search recorded for the council without who asked.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { recordUnmetDemand, searchActivities, searchFiltersSchema, type SearchFilters } from "~/domain/providers/catalogue";
import { distanceKm, loadPostcodeDistricts, outwardCodeOf } from "~/domain/places";
import type { Category } from "~/generated/prisma/enums";
import { createActivity, createCouncil, createProgramme, createProvider, createSlot, createYoungPerson, daysFromNow, uniqueSuffix } from "../factories";

const db = () => getDb();
const filters = (input: Record<string, unknown> = {}): SearchFilters => searchFiltersSchema.parse(input);

/** A council with a programme for swimming, football and music, and a 14-year-old with £20. */
async function town(options: { allowed?: Category[] } = {}) {
  const council = await createCouncil();
  const programme = await createProgramme({ councilId: council.id, allowedCategories: options.allowed ?? ["SWIMMING", "FOOTBALL", "MUSIC"] });
  const { youngPerson } = await createYoungPerson({ programmeId: programme.id, age: 14, allocationPence: 2_000 });
  const { provider, venue } = await createProvider({ councilId: council.id });
  const add = async (o: { title?: string; category?: Category; pricePence?: number; minAge?: number; maxAge?: number; inDays?: number; venueId?: string; capacity?: number }) => {
    const activity = await createActivity({ providerId: provider.id, councilId: council.id, venueId: o.venueId ?? venue.id, title: o.title, category: o.category ?? "SWIMMING", pricePence: o.pricePence ?? 500, minAge: o.minAge, maxAge: o.maxAge, capacity: o.capacity });
    const slot = await createSlot({ activityId: activity.id, startsAt: daysFromNow(o.inDays ?? 3) });
    return { activity, slot };
  };
  return { council, programme, youngPerson, provider, venue, add, viewer: { youngPersonId: youngPerson.id } };
}

const titles = (outcome: { results: { title: string }[] }) => outcome.results.map((r) => r.title);

describe("what a young person is shown", () => {
  it("only their council's live activities from approved providers, in categories their programme allows, for their age", async () => {
    const t = await town();
    await t.add({ title: "Swim club" });
    await t.add({ title: "Climbing taster", category: "CLIMBING" }); // not in the programme
    await t.add({ title: "Under-tens splash", minAge: 5, maxAge: 10 }); // too young for it
    const paused = await t.add({ title: "Paused swim" });
    await db().activity.update({ where: { id: paused.activity.id }, data: { status: "PAUSED" } });
    const unvetted = await createProvider({ councilId: t.council.id, vetting: "APPLIED" });
    const pending = await createActivity({ providerId: unvetted.provider.id, councilId: t.council.id, title: "Unvetted swim" });
    await createSlot({ activityId: pending.id });
    const elsewhere = await town();
    await elsewhere.add({ title: "Other council swim" });

    const outcome = await searchActivities(db(), { viewer: t.viewer, filters: filters() });
    expect(titles(outcome)).toEqual(["Swim club"]);
  });

  it("shows signed-out visitors every live activity from approved providers, with its ages, and filters by an age they give", async () => {
    const word = `zebra${uniqueSuffix()}`;
    const t = await town();
    await t.add({ title: `${word} juniors`, minAge: 8, maxAge: 12 });
    await t.add({ title: `${word} seniors`, minAge: 16, maxAge: 25, category: "CLIMBING" });

    const all = await searchActivities(db(), { viewer: null, filters: filters({ q: word }) });
    expect(all.results.map((r) => [r.title, r.minAge, r.maxAge])).toEqual([
      [`${word} juniors`, 8, 12],
      [`${word} seniors`, 16, 25],
    ]);
    expect(titles(await searchActivities(db(), { viewer: null, filters: filters({ q: word, age: "17" }) }))).toEqual([`${word} seniors`]);
  });
});

describe("filters and text", () => {
  it("finds words in titles, descriptions and provider names, stemmed, and parts of words", async () => {
    const t = await town();
    await t.add({ title: "Swimming lessons" });
    await t.add({ title: "Five-a-side", category: "FOOTBALL" });
    await t.add({ title: "Band practice", category: "MUSIC" });
    const search = async (q: string) => titles(await searchActivities(db(), { viewer: t.viewer, filters: filters({ q }) }));
    expect(await search("swim")).toEqual(["Swimming lessons"]);
    expect(await search("football")).toEqual(["Five-a-side"]); // the category's name
    expect(await search("prac")).toEqual(["Band practice"]); // part of a word
    expect(await search("100% ")).toEqual([]); // LIKE wildcards are only characters
  });

  it("filters by category, free, within my balance, a date, and accessibility features", async () => {
    const t = await town();
    await t.add({ title: "Free swim", pricePence: 0, inDays: 2 });
    await t.add({ title: "Swim £15", pricePence: 1_500, inDays: 3 });
    await t.add({ title: "Swim £25", pricePence: 2_500, inDays: 4 });
    const football = await t.add({ title: "Football", category: "FOOTBALL", inDays: 5 });
    await db().activity.update({ where: { id: football.activity.id }, data: { accessibilityFeatures: ["STEP_FREE"] } });
    await db().venue.update({ where: { id: t.venue.id }, data: { accessibilityFeatures: ["HEARING_LOOP"] } });
    const run = async (input: Record<string, unknown>) => titles(await searchActivities(db(), { viewer: t.viewer, filters: filters(input) }));

    expect(await run({ category: "FOOTBALL" })).toEqual(["Football"]);
    expect(await run({ free: "on" })).toEqual(["Free swim"]);
    expect(await run({ withinBalance: "on" })).toEqual(["Free swim", "Swim £15", "Football"]);
    const day = daysFromNow(3).toLocaleDateString("en-CA", { timeZone: "Europe/London" });
    expect(await run({ date: day })).toEqual(["Swim £15"]);
    // The venue's features count for every activity there; an activity's own add to them.
    expect(await run({ access: ["STEP_FREE", "HEARING_LOOP"] })).toEqual(["Football"]);
    expect(await run({ access: "HEARING_LOOP" })).toHaveLength(4);
  });

  it("sorts by soonest, cheapest and nearest, and pages through results without repeats", async () => {
    const t = await town();
    const suffix = uniqueSuffix().toUpperCase().replace(/[^A-Z]/g, "Q").slice(0, 1);
    await loadPostcodeDistricts(db(), [
      { outwardCode: `Z${suffix}1`, latitude: 54.0, longitude: -1.5 },
      { outwardCode: `Z${suffix}9`, latitude: 54.5, longitude: -1.5 },
    ], "test");
    const near = await db().venue.create({ data: { providerId: t.provider.id, name: "Near", addressLine1: "1 A St", town: "T", postcode: `Z${suffix}1 1AA`, latitude: 54.01, longitude: -1.5 } });
    const far = await db().venue.create({ data: { providerId: t.provider.id, name: "Far", addressLine1: "1 B St", town: "T", postcode: `Z${suffix}9 1AA`, latitude: 54.4, longitude: -1.5 } });
    await t.add({ title: "Far and soon", venueId: far.id, inDays: 1, pricePence: 900 });
    await t.add({ title: "Near and later", venueId: near.id, inDays: 6, pricePence: 300 });
    await t.add({ title: "Nowhere known", inDays: 3, pricePence: 100 });

    const sorted = async (sort: string, postcode?: string) => searchActivities(db(), { viewer: t.viewer, filters: filters({ sort, postcode }) });
    expect(titles(await sorted("soonest"))).toEqual(["Far and soon", "Nowhere known", "Near and later"]);
    expect(titles(await sorted("cheapest"))).toEqual(["Nowhere known", "Near and later", "Far and soon"]);
    const nearest = await sorted("nearest", `z${suffix}1 2bb`);
    expect(titles(nearest)).toEqual(["Near and later", "Far and soon", "Nowhere known"]);
    expect(nearest.origin).toBe("postcode");
    expect(nearest.results[0]!.distanceMiles).toBeCloseTo(0.7, 1);
    expect(nearest.results[1]!.distanceMiles).toBeCloseTo(distanceKm({ latitude: 54, longitude: -1.5 }, { latitude: 54.4, longitude: -1.5 }) / 1.609344, 1);
    // Within 5 miles leaves out the far venue and the venue with no location.
    expect(titles(await searchActivities(db(), { viewer: t.viewer, filters: filters({ postcode: `Z${suffix}1`, miles: "5" }) }))).toEqual(["Near and later"]);

    const noOrigin = await sorted("nearest");
    expect(noOrigin.fieldErrors.sort).toMatch(/Enter a postcode/);
    expect(titles(noOrigin)).toEqual(titles(await sorted("soonest")));
    const unknown = await sorted("soonest", "ZZ99 9ZZ");
    expect(unknown.fieldErrors.postcode).toMatch(/We do not know where ZZ99 is/);
  });

  it("pages through many results in order, each once, and says how many pages there are", async () => {
    const t = await town();
    for (let i = 0; i < 7; i++) await t.add({ title: `Swim ${i}`, inDays: i + 1 });
    const seen: string[] = [];
    for (let page = 1; page <= 3; page++) {
      const outcome = await searchActivities(db(), { viewer: t.viewer, filters: filters({ page: String(page) }), pageSize: 3 });
      expect(outcome).toMatchObject({ total: 7, pageCount: 3, page });
      seen.push(...titles(outcome));
    }
    expect(seen).toEqual(Array.from({ length: 7 }, (_, i) => `Swim ${i}`));
    expect(await searchActivities(db(), { viewer: t.viewer, filters: filters({ page: "9" }), pageSize: 3 })).toMatchObject({ results: [], total: 7, pageCount: 3 });
  });

  it("rejects nonsense in the form with words next to the field", () => {
    const bad = searchFiltersSchema.safeParse({ postcode: "hello", date: "28/11/2026", age: "200", miles: "3", category: "KARAOKE" });
    expect(bad.success).toBe(false);
    const fields = Object.fromEntries(bad.error!.issues.map((i) => [i.path[0], i.message]));
    expect(fields).toMatchObject({
      postcode: expect.stringMatching(/postcode like NB1 2AA/),
      date: expect.stringMatching(/date like/),
      age: expect.stringMatching(/age from 5 to 25/),
      miles: expect.stringMatching(/distance/),
      category: expect.stringMatching(/category/),
    });
  });
});

describe("many results", () => {
  const HOUR = 3_600_000;
  const londonDate = (at: Date) => at.toLocaleDateString("en-CA", { timeZone: "Europe/London" });

  it("walking sessions in time order, or finding each activity's next session, gives the same pages as the rule, for any sessions", async () => {
    const now = new Date();
    const session = fc.record({
      inHours: fc.constantFrom(-4, 4, 4, 8, 28, 32), // few distinct times, so ties across and within activities, some tomorrow
      status: fc.constantFrom("SCHEDULED", "SCHEDULED", "SCHEDULED", "CANCELLED") as fc.Arbitrary<"SCHEDULED" | "CANCELLED">,
      booked: fc.integer({ min: 0, max: 4 }),
    });
    const activity = fc.record({ pricePence: fc.constantFrom(0, 300, 800), near: fc.boolean(), sessions: fc.array(session, { minLength: 1, maxLength: 4 }) });
    await fc.assert(
      fc.asyncProperty(fc.array(activity, { minLength: 3, maxLength: 6 }), fc.constantFrom("soonest", "soonest", "cheapest", "nearest"), fc.boolean(), async (made, sort, oneDay) => {
        const t = await town();
        const code = `Y${uniqueSuffix().toUpperCase().replace(/[^A-Z]/g, "Q").slice(0, 1)}${1 + (Date.now() % 9)}`;
        await loadPostcodeDistricts(db(), [{ outwardCode: code, latitude: 54.0, longitude: -1.5 }], "test");
        const venues = {
          near: await db().venue.create({ data: { providerId: t.provider.id, name: "Near", addressLine1: "1 A St", town: "T", postcode: `${code} 1AA`, latitude: 54.01, longitude: -1.5 } }),
          far: await db().venue.create({ data: { providerId: t.provider.id, name: "Far", addressLine1: "1 B St", town: "T", postcode: `${code} 1AB`, latitude: 54.3, longitude: -1.5 } }),
        };
        const day = oneDay ? londonDate(new Date(now.getTime() + 24 * HOUR)) : undefined;
        const expected: { id: string; startsAt: Date; slotId: string; placesLeft: number; pricePence: number; near: boolean }[] = [];
        for (const m of made) {
          const a = await createActivity({ providerId: t.provider.id, councilId: t.council.id, venueId: (m.near ? venues.near : venues.far).id, pricePence: m.pricePence, capacity: 4 });
          const slots = await db().slot.createManyAndReturn({
            data: m.sessions.map((x) => {
              const startsAt = new Date(now.getTime() + x.inHours * HOUR);
              return { activityId: a.id, startsAt, endsAt: new Date(startsAt.getTime() + HOUR), capacity: 4, booked: x.booked, status: x.status };
            }),
          });
          const coming = slots
            .filter((x) => x.status === "SCHEDULED" && x.startsAt > now && (!day || londonDate(x.startsAt) === day))
            .sort((x, y) => x.startsAt.getTime() - y.startsAt.getTime() || x.id.localeCompare(y.id));
          const next = coming[0];
          if (next) expected.push({ id: a.id, startsAt: next.startsAt, slotId: next.id, placesLeft: next.capacity - next.booked, pricePence: m.pricePence, near: m.near });
        }
        const bySoonest = (x: (typeof expected)[number], y: (typeof expected)[number]) => x.startsAt.getTime() - y.startsAt.getTime() || x.id.localeCompare(y.id);
        expected.sort((x, y) =>
          sort === "cheapest" ? x.pricePence - y.pricePence || bySoonest(x, y) : sort === "nearest" ? Number(y.near) - Number(x.near) || bySoonest(x, y) : bySoonest(x, y),
        );

        const pageSize = 2;
        for (let page = 1; page <= Math.ceil(expected.length / pageSize) + 1; page++) {
          const shown = expected.slice((page - 1) * pageSize, page * pageSize).map((e) => ({ id: e.id, nextSlotAt: e.startsAt.toISOString(), placesLeft: e.placesLeft }));
          const search = (countedUpTo: number) =>
            searchActivities(db(), { viewer: t.viewer, now, pageSize, countedUpTo, filters: filters({ sort, postcode: code, date: day, page: String(page) }) });
          const exact = await search(1_000);
          expect(exact.results.map((r) => ({ id: r.id, nextSlotAt: r.nextSlotAt, placesLeft: r.placesLeft }))).toEqual(shown);
          expect(exact).toMatchObject({ total: expected.length, totalIsLowerBound: false });
          // Counting stops at once: soonest-first walks the sessions; the page is the same, the total a lower bound.
          const walked = await search(1);
          expect(walked.results.map((r) => ({ id: r.id, nextSlotAt: r.nextSlotAt, placesLeft: r.placesLeft }))).toEqual(shown);
          const countedTo = Math.max(1, page * pageSize);
          expect(walked).toMatchObject(
            expected.length > countedTo ? { total: countedTo, totalIsLowerBound: true } : { total: expected.length, totalIsLowerBound: false },
          );
          if (walked.totalIsLowerBound) expect(walked.pageCount).toBeGreaterThan(page);
        }
      }),
      { numRuns: 20 },
    );
  });

  it("says there are more than it counted, and still pages to the end", async () => {
    const t = await town();
    for (let i = 0; i < 5; i++) await t.add({ title: `Swim ${i}`, inDays: i + 1 });
    const first = await searchActivities(db(), { viewer: t.viewer, filters: filters({ q: "swim" }), pageSize: 2, countedUpTo: 3 });
    expect(first).toMatchObject({ total: 3, totalIsLowerBound: true, page: 1 });
    expect(first.pageCount).toBeGreaterThan(1);
    const last = await searchActivities(db(), { viewer: t.viewer, filters: filters({ q: "swim", page: "3" }), pageSize: 2, countedUpTo: 3 });
    expect(last).toMatchObject({ total: 5, totalIsLowerBound: false, pageCount: 3 });
    expect(titles(last)).toEqual(["Swim 4"]);
    // The council's record says at least how many were found.
    const [event] = await db().searchEvent.findMany({ where: { councilId: t.council.id }, orderBy: { id: "asc" }, take: 1 });
    expect(event!.resultCount).toBeGreaterThan(3);
  });
});

describe("evidence of demand", () => {
  it("records each search for the council: what was asked, the district not the postcode, how many were found, and not who asked", async () => {
    const t = await town();
    await t.add({ title: "Swim club" });
    await loadPostcodeDistricts(db(), [{ outwardCode: "NB1", latitude: 54.9, longitude: -1.6 }], "test");
    await searchActivities(db(), { viewer: t.viewer, filters: filters({ q: "swim", postcode: "NB1 2AA", free: "on" }) });
    await searchActivities(db(), { viewer: t.viewer, filters: filters({ q: "karting" }) });
    await searchActivities(db(), { viewer: t.viewer, filters: filters() }); // just opening the page is not a search

    const events = await db().searchEvent.findMany({ where: { councilId: t.council.id }, orderBy: { id: "asc" } });
    expect(events.map((e) => [e.query, e.resultCount])).toEqual([
      ["swim", 0],
      ["karting", 0],
    ]);
    expect(events[0]!.filters).toMatchObject({ district: "NB1", free: true });
    const stored = JSON.stringify(events.map(({ id: _id, ...rest }) => rest));
    expect(stored).not.toContain("2AA");
    expect(stored).not.toContain(t.youngPerson.id);
  });

  it("a search with no result can become a note of what they wanted, for the council, without their name", async () => {
    const t = await town();
    await recordUnmetDemand(db(), { youngPersonId: t.youngPerson.id, note: { text: "Go-karting on Saturdays", searchQuery: "karting" } });
    const notes = await db().demandNote.findMany({ where: { councilId: t.council.id } });
    expect(notes).toEqual([expect.objectContaining({ kind: "NO_RESULT", text: "Go-karting on Saturdays", searchQuery: "karting", youngPersonId: null })]);
  });
});

describe("postcode districts", () => {
  it("reads the district from any spelling of a postcode", () => {
    expect(["nb1 2aa", "NB12AA", " nb1 ", "SW1A 1AA", "sw1a"].map(outwardCodeOf)).toEqual(["NB1", "NB1", "NB1", "SW1A", "SW1A"]);
    expect(["", "hello", "12345", "NB1 2A"].map(outwardCodeOf)).toEqual([null, null, null, null]);
  });

  it("measures great-circle distances", () => {
    // London (51.5074, -0.1278) to Manchester (53.4808, -2.2426) is about 262 km.
    expect(distanceKm({ latitude: 51.5074, longitude: -0.1278 }, { latitude: 53.4808, longitude: -2.2426 })).toBeCloseTo(262, -1);
    expect(distanceKm({ latitude: 54, longitude: -1 }, { latitude: 54, longitude: -1 })).toBe(0);
  });
});
