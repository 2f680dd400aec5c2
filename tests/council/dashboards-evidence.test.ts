// Evidence figures: take-up maths by ward, age and need with the deprivation gap, spend, unmet demand, ratings,
// repeat use, the date range, and the CSV of each table exactly as a spreadsheet receives it.
import { randomUUID } from "node:crypto";
import { format } from "date-fns";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { bookSlot, chargePass, redeemBooking } from "~/domain/booking";
import { deprivationGap, evidenceDashboard, rate, takeUp, type DateRange } from "~/domain/evidence/evidence";
import { evidenceTableRows, toCsv } from "~/domain/evidence/tables";
import { loader as csvLoader } from "~/routes/council.evidence.$table[.]csv";
import { loader as evidenceLoader } from "~/routes/council.evidence._index";
import { createProvider, createScene, createSlot, createYoungPerson, doorActor } from "../factories";
import { createMember, getRequest, routeArgs, signIn, statusOf, thrownBy, unwrap } from "../support/actors";

const db = () => getDb();
const DAY = 86_400_000;
const day = (offset: number) => format(new Date(Date.now() + offset * DAY), "yyyy-MM-dd");
const thisWeek: DateRange = { from: day(-7), to: day(0) };
const DECILES = { Riverside: 1, Eastfield: 1, Castle: 5, "Hill Top": 10 };

/** A council with passes in four wards; `used` of each ward's young people charge their pass `times` times. */
async function councilWithUse() {
  const scene = await createScene({ programme: { fundedPence: 1_000_000 }, activity: { category: "CLIMBING", pricePence: 600, cancellationCutoffHours: 0 } });
  const charge = (passCode: string, amountPence = 300, now?: Date) =>
    chargePass(db(), { passCode, providerId: scene.provider.id, activityId: scene.activity.id, amountPence, requestKey: randomUUID(), actor: doorActor(), now });
  const person = (ward: string, options: Parameters<typeof createYoungPerson>[0] = {}) =>
    createYoungPerson({ programmeId: scene.programme.id, allocationPence: 5_000, ward, ...options });

  const riverside = await Promise.all([0, 1, 2, 3].map(() => person("Riverside", { age: 12 })));
  const eastfield = await Promise.all([0, 1].map(() => person("Eastfield", { age: 14, needsFlags: ["FREE_SCHOOL_MEALS", "SEND"] })));
  const hillTop = await Promise.all([0, 1, 2].map(() => person("Hill Top", { age: 17 })));
  const castle = await person("Castle", { age: 14, needsFlags: ["YOUNG_CARER"] });
  // Enrolled without a pass: not in the take-up denominator.
  await createYoungPerson({ councilId: scene.council.id, withAllocation: false, ward: "Riverside" });

  await charge(riverside[0]!.youngPerson.passCode); // Riverside: 1 of 4
  await charge(eastfield[0]!.youngPerson.passCode); // Eastfield: 1 of 2 (both FSM and SEND)
  for (const p of hillTop.slice(0, 2)) await charge(p.youngPerson.passCode); // Hill Top: 2 of 3
  await charge(hillTop[0]!.youngPerson.passCode, 250); // ... and one of them twice
  // Used only long before the range: counts as issued, not used.
  await charge(castle.youngPerson.passCode, 100, new Date(Date.now() - 40 * DAY));
  return { scene, riverside, eastfield, hillTop, castle, charge };
}

describe("take-up", () => {
  it("is the share of young people with a pass who used it in the range, by ward, age band and need", async () => {
    const { scene } = await councilWithUse();
    const figures = await takeUp(db(), scene.council.id, thisWeek, DECILES);

    expect(figures.overall).toEqual({ issued: 10, used: 4, ratePercent: 40 });
    expect(figures.byWard).toEqual([
      { group: "Eastfield", decile: 1, issued: 2, used: 1, ratePercent: 50 },
      { group: "Riverside", decile: 1, issued: 4, used: 1, ratePercent: 25 },
      { group: "Castle", decile: 5, issued: 1, used: 0, ratePercent: 0 },
      { group: "Hill Top", decile: 10, issued: 3, used: 2, ratePercent: 66.7 },
    ]);
    expect(figures.byAge).toEqual([
      { group: "10 to 12", issued: 4, used: 1, ratePercent: 25 },
      { group: "13 to 15", issued: 3, used: 1, ratePercent: 33.3 },
      { group: "16 to 18", issued: 3, used: 2, ratePercent: 66.7 },
    ]);
    // Someone with two needs counts in both groups.
    expect(figures.byNeeds).toEqual([
      { group: "Free school meals", issued: 2, used: 1, ratePercent: 50 },
      { group: "SEND", issued: 2, used: 1, ratePercent: 50 },
      { group: "Young carer", issued: 1, used: 0, ratePercent: 0 },
      { group: "No needs recorded", issued: 7, used: 3, ratePercent: 42.9 },
    ]);
  });

  it("pools the most and least deprived deciles for the gap, in percentage points", async () => {
    const { scene } = await councilWithUse();
    const { deprivationGap: gap } = await takeUp(db(), scene.council.id, thisWeek, DECILES);
    // Decile 1: Eastfield and Riverside, 2 of 6 = 33.3%; decile 10: Hill Top, 2 of 3 = 66.7%.
    expect(gap).toEqual({
      mostDeprived: { decile: 1, wards: ["Eastfield", "Riverside"], issued: 6, used: 2, ratePercent: 33.3 },
      leastDeprived: { decile: 10, wards: ["Hill Top"], issued: 3, used: 2, ratePercent: 66.7 },
      gapPoints: 33.3,
    });
    expect(deprivationGap([{ group: "Only", decile: 3, issued: 5, used: 1, ratePercent: 20 }])).toBeNull();
    expect(rate(0, 0)).toBeNull();
  });

  it("counts nothing from another council, and nothing outside the range", async () => {
    const { scene } = await councilWithUse();
    const other = await createScene();
    await createYoungPerson({ programmeId: other.programme.id, ward: "Riverside" });
    const earlier = await takeUp(db(), scene.council.id, { from: day(-60), to: day(-30) }, DECILES);
    // By 30 days ago nobody had been issued a pass yet (all were issued today).
    expect(earlier.overall).toEqual({ issued: 0, used: 0, ratePercent: null });
    const mine = await takeUp(db(), scene.council.id, thisWeek, DECILES);
    expect(mine.overall.issued).toBe(10);
  });
});

describe("spend, demand, ratings and repeat use", () => {
  it("splits spend by category (till charges apart) and by provider", async () => {
    const { scene } = await councilWithUse();
    const slot = await createSlot({ activityId: scene.activity.id, startsAt: new Date(Date.now() + 20 * 60_000) });
    const person = await createYoungPerson({ programmeId: scene.programme.id, allocationPence: 5_000 });
    const booking = await bookSlot(db(), { youngPersonId: person.youngPerson.id, slotId: slot.id, requestKey: randomUUID() });
    await redeemBooking(db(), { code: booking.code, providerId: scene.provider.id, actor: doorActor() });

    const { spend } = await evidenceDashboard(db(), scene.council.id, thisWeek, { deprivation: DECILES });
    expect(spend.byCategory).toEqual([
      { group: "Walk-in at a till", uses: 5, spentPence: 1_450 },
      { group: "Climbing", uses: 1, spentPence: 600 },
    ]);
    expect(spend.byProvider).toEqual([{ group: scene.provider.name, uses: 6, spentPence: 2_050 }]);
    expect(spend.totalPence).toBe(2_050);
  });

  it("lists the searches that found nothing, most frequent first, with suggestions, ratings and repeat use", async () => {
    const { scene, hillTop } = await councilWithUse();
    const councilId = scene.council.id;
    await db().searchEvent.createMany({
      data: [
        { councilId, query: "Skateboarding", resultCount: 0 },
        { councilId, query: " skateboarding ", resultCount: 0 },
        { councilId, query: "boxing", resultCount: 0 },
        { councilId, query: "swimming", resultCount: 4 },
        { councilId, query: "boxing", resultCount: 0, createdAt: new Date(Date.now() - 90 * DAY) },
      ],
    });
    await db().demandNote.create({ data: { councilId, kind: "SUGGESTION", text: "A skate park session on Sundays", category: "SPORT" } });
    const slot = await createSlot({ activityId: scene.activity.id, startsAt: new Date(Date.now() + 20 * 60_000) });
    const booking = await bookSlot(db(), { youngPersonId: hillTop[2]!.youngPerson.id, slotId: slot.id, requestKey: randomUUID() });
    await db().rating.create({
      data: { councilId, bookingId: booking.id, youngPersonId: hillTop[2]!.youngPerson.id, activityId: scene.activity.id, providerId: scene.provider.id, stars: 4, wouldGoAgain: true },
    });

    const dashboard = await evidenceDashboard(db(), councilId, thisWeek, { deprivation: DECILES });
    expect(dashboard.demand).toMatchObject({ searches: 4, emptySearches: 3, emptyPercent: 75 });
    expect(dashboard.demand.topEmptySearches.map((s) => [s.query, s.searches])).toEqual([
      ["skateboarding", 2],
      ["boxing", 1],
    ]);
    expect(dashboard.demand.suggestions).toEqual([expect.objectContaining({ text: "A skate park session on Sundays", kind: "Suggestion", category: "Other sport" })]);
    expect(dashboard.ratings).toMatchObject({ ratings: 1, averageStars: 4, wouldGoAgainPercent: 100 });
    expect(dashboard.ratings.byActivity).toEqual([{ activity: scene.activity.title, provider: scene.provider.name, ratings: 1, averageStars: 4, wouldGoAgainPercent: 100 }]);
    // Four people used their pass this week; one of them twice.
    expect(dashboard.repeat).toMatchObject({ users: 4, repeaters: 1, repeatPercent: 25 });
    expect(dashboard.repeat.byUses.map((u) => [u.uses, u.youngPeople])).toEqual([
      ["Once", 3],
      ["Twice", 1],
      ["3 to 5 times", 0],
      ["6 times or more", 0],
    ]);
  });
});

describe("CSV downloads", () => {
  it("writes each table with its header, pounds with two decimals, quoted text and formulas defused", async () => {
    expect(toCsv(["Search", "Times"], [["=HYPERLINK(\"x\")", 2], ["football, 5-a-side", 1], ["-1", null]])).toBe(
      'Search,Times\r\n"\'=HYPERLINK(""x"")",2\r\n"football, 5-a-side",1\r\n\'-1,\r\n',
    );
    const { scene } = await councilWithUse();
    const spend = await evidenceTableRows(db(), scene.council.id, "spend-by-category", thisWeek);
    expect(toCsv(spend.header, spend.rows)).toBe("Category,Uses,Spent (£)\r\nWalk-in at a till,5,14.50\r\n");
    const wards = await evidenceTableRows(db(), scene.council.id, "take-up-by-ward", thisWeek, { deprivation: DECILES });
    expect(wards.rows).toContainEqual(["Hill Top", 10, 3, 2, 66.7]);
  });

  it("serves a download for the officer's own council only, and 404s a table that does not exist", async () => {
    const { scene } = await councilWithUse();
    const other = await createScene();
    await createProvider({ councilId: other.council.id, name: "Other Council Gym" });
    const officer = await createMember("OFFICER", { councilId: scene.council.id });
    const cookie = await signIn(officer.id);

    const response = (await csvLoader(routeArgs(getRequest(`/council/evidence/spend-by-provider.csv?from=${thisWeek.from}&to=${thisWeek.to}`, cookie), { table: "spend-by-provider" }))) as Response;
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toBe(`attachment; filename="playpass-spend-by-provider-${thisWeek.from}-to-${thisWeek.to}.csv"`);
    expect(await response.text()).toBe(`Provider,Uses,Spent (£)\r\n${scene.provider.name},5,14.50\r\n`);

    expect(statusOf(await thrownBy(csvLoader(routeArgs(getRequest("/council/evidence/everything.csv", cookie), { table: "everything" }))))).toBe(404);
    expect(statusOf(await thrownBy(csvLoader(routeArgs(getRequest("/council/evidence/ratings.csv?from=2026-02-31", cookie), { table: "ratings" }))))).toBe(400);
  });
});

describe("the evidence page", () => {
  it("uses the dates asked for, and says which date is wrong next to the field", async () => {
    const { scene } = await councilWithUse();
    const officer = await createMember("OFFICER", { councilId: scene.council.id });
    const cookie = await signIn(officer.id);
    const page = unwrap<Awaited<ReturnType<typeof evidenceLoader>>>(await evidenceLoader(routeArgs(getRequest(`/council/evidence?from=${thisWeek.from}&to=${thisWeek.to}`, cookie))));
    expect(page.data.dashboard.range).toEqual(thisWeek);
    expect(page.data.dashboard.takeUp.overall.used).toBe(4);
    expect(page.data.rangeResult).toBeNull();

    const wrong = unwrap<Awaited<ReturnType<typeof evidenceLoader>>>(await evidenceLoader(routeArgs(getRequest(`/council/evidence?from=${day(0)}&to=${day(-3)}`, cookie))));
    expect(wrong.data.rangeResult?.error).toEqual({ to: ["The end date must be the same as or after the start date."] });
  });
});
