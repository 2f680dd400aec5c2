// The activity page's reads: one query each now, and the same answers as reading the activity, its provider, venue,
// sessions and vetting through Prisma's relations (kept below as the reference).
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { activityForYoungPerson, getActivityPage } from "~/domain/providers/catalogue";
import type { AccessibilityFeature } from "~/generated/prisma/enums";
import { getDb } from "~/lib/db.server";
import { createActivity, createCouncil, createProgramme, createProvider, createYoungPerson } from "../factories";

const db = () => getDb();
const HOUR = 3_600_000;

/** The activity page as Prisma's nested select read it: live, provider approved by the activity's council. */
async function referencePage(activityId: string, now: Date) {
  const activity = await db().activity.findFirst({
    where: { id: activityId, status: "LIVE", provider: { councils: { some: { status: "APPROVED" } } } },
    select: {
      id: true,
      councilId: true,
      accessibilityFeatures: true,
      venue: { select: { accessibilityFeatures: true } },
      slots: {
        where: { status: "SCHEDULED", startsAt: { gt: now } },
        orderBy: [{ startsAt: "asc" }, { id: "asc" }],
        take: 30,
        select: { id: true, startsAt: true, endsAt: true, capacity: true, booked: true, offered: true },
      },
    },
  });
  if (!activity) return null;
  const vetting = await db().providerCouncil.findFirst({
    where: { provider: { activities: { some: { id: activity.id } } }, councilId: activity.councilId, status: "APPROVED" },
  });
  if (!vetting) return null;
  return {
    accessibilityFeatures: [...new Set([...activity.venue.accessibilityFeatures, ...activity.accessibilityFeatures])].sort(),
    slots: activity.slots.map((s) => ({
      id: s.id,
      startsAt: s.startsAt.toISOString(),
      endsAt: s.endsAt.toISOString(),
      placesLeft: Math.max(0, s.capacity - s.booked - s.offered),
    })),
  };
}

const features = fc.subarray(["STEP_FREE", "HEARING_LOOP", "BSL"] as AccessibilityFeature[]);

describe("the activity page", () => {
  it("shows a live activity of a provider its council approved, with its coming sessions and places, as the relations say", async () => {
    const now = new Date();
    const session = fc.record({
      inHours: fc.constantFrom(-5, 3, 3, 20, 50),
      status: fc.constantFrom("SCHEDULED", "SCHEDULED", "CANCELLED") as fc.Arbitrary<"SCHEDULED" | "CANCELLED">,
      booked: fc.integer({ min: 0, max: 3 }), // booked + offered never more than the 5 places (a CHECK holds it)
      offered: fc.integer({ min: 0, max: 2 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(session, { maxLength: 5 }),
        features,
        features,
        fc.constantFrom("LIVE", "LIVE", "PAUSED") as fc.Arbitrary<"LIVE" | "PAUSED">,
        fc.constantFrom("APPROVED", "APPROVED", "APPLIED", "APPROVED_ELSEWHERE"),
        async (sessions, activityFeatures, venueFeatures, status, vetting) => {
          const council = await createCouncil();
          const { provider, venue } = await createProvider({ councilId: council.id, vetting: vetting === "APPROVED" ? "APPROVED" : "APPLIED" });
          if (vetting === "APPROVED_ELSEWHERE") {
            const elsewhere = await createCouncil();
            await db().providerCouncil.create({ data: { providerId: provider.id, councilId: elsewhere.id, status: "APPROVED" } });
          }
          await db().venue.update({ where: { id: venue.id }, data: { accessibilityFeatures: venueFeatures } });
          const activity = await createActivity({ providerId: provider.id, councilId: council.id, title: "Kayak club", capacity: 5 });
          await db().activity.update({ where: { id: activity.id }, data: { status, accessibilityFeatures: activityFeatures } });
          await db().slot.createMany({
            data: sessions.map((x) => {
              const startsAt = new Date(now.getTime() + x.inHours * HOUR);
              return { activityId: activity.id, startsAt, endsAt: new Date(startsAt.getTime() + HOUR), capacity: 5, booked: x.booked, offered: x.offered, status: x.status };
            }),
          });

          const page = await getActivityPage(db(), { activityId: activity.id, now });
          const expected = await referencePage(activity.id, now);
          if (expected === null) {
            expect(page).toBeNull();
            return;
          }
          expect(page).toMatchObject({ id: activity.id, title: "Kayak club", councilId: council.id, provider: { name: provider.name }, venue: { name: venue.name }, slots: expected.slots });
          expect([...page!.accessibilityFeatures].sort()).toEqual(expected.accessibilityFeatures);
          expect(page!.mapHref).toMatch(/^https:\/\/www\.openstreetmap\.org\//);
        },
      ),
      { numRuns: 15 },
    );
  });

  it("finds nothing for an id that is not an activity's", async () => {
    expect(await getActivityPage(db(), { activityId: "not-an-id" })).toBeNull();
    expect(await getActivityPage(db(), { activityId: "00000000-0000-4000-8000-000000000000" })).toBeNull();
  });
});

describe("what a young person sees on an activity page", () => {
  it("says in plain words why they cannot book, what their pass can spend, and which sessions they have booked", async () => {
    const council = await createCouncil();
    const programme = await createProgramme({ councilId: council.id, allowedCategories: ["SWIMMING"] });
    const { provider } = await createProvider({ councilId: council.id });
    const swim = await createActivity({ providerId: provider.id, councilId: council.id, category: "SWIMMING", pricePence: 700, minAge: 11, maxAge: 18 });
    const climb = await createActivity({ providerId: provider.id, councilId: council.id, category: "CLIMBING", pricePence: 700 });
    const forActivity = (a: typeof swim) => ({ id: a.id, councilId: a.councilId, category: a.category, minAge: a.minAge, maxAge: a.maxAge, pricePence: a.pricePence });
    const check = (youngPersonId: string, a = swim) => activityForYoungPerson(db(), { youngPersonId, activity: forActivity(a), slotIds: [] });

    const { youngPerson: ok } = await createYoungPerson({ programmeId: programme.id, age: 14, allocationPence: 500 });
    expect(await check(ok.id)).toEqual({ cannotBook: null, spendablePence: 500, enoughCredit: false, bookedSlotIds: [] });
    expect((await check(ok.id, climb)).cannotBook).toMatch(/cannot be used for this kind of activity/);

    const { youngPerson: young } = await createYoungPerson({ programmeId: programme.id, age: 8, allocationPence: 5_000 });
    expect((await check(young.id)).cannotBook).toBe("This activity is for ages 11 to 18.");

    const { youngPerson: none } = await createYoungPerson({ councilId: council.id, age: 14, withAllocation: false });
    expect((await check(none.id)).cannotBook).toMatch(/do not have any Playpass credit yet/);

    const { youngPerson: frozen } = await createYoungPerson({ programmeId: programme.id, age: 14, allocationPence: 5_000 });
    await db().allocation.updateMany({ where: { youngPersonId: frozen.id }, data: { status: "FROZEN" } });
    expect(await check(frozen.id)).toMatchObject({ cannotBook: expect.stringMatching(/paused by the council/), spendablePence: 0 });

    const { youngPerson: expired } = await createYoungPerson({ programmeId: programme.id, age: 14, allocationPence: 5_000 });
    await db().allocation.updateMany({ where: { youngPersonId: expired.id }, data: { expiresAt: new Date(Date.now() - HOUR) } });
    expect((await check(expired.id)).cannotBook).toMatch(/has expired/);

    const elsewhere = await createYoungPerson({ age: 14, allocationPence: 5_000 });
    expect((await check(elsewhere.youngPerson.id)).cannotBook).toMatch(/another council's Playpass/);
  });
});
