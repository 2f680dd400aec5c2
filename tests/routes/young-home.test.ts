// A young person's home page, called as Remix calls it: the balance and expiry of their pass, their coming
// bookings, and what it costs the database (the page is the surge's first stop, so its statements are counted).
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bookSlot, cancelBooking } from "~/domain/booking";
import { passSummary, upcomingBookings } from "~/domain/booking/queries";
import { issueAllocation } from "~/domain/programmes";
import type { AllocationStatus } from "~/generated/prisma/enums";
import { requireYoungPerson } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { endAllSessions } from "~/lib/session.server";
import { loader as homeLoader } from "~/routes/young._index";
import { createCouncil, createProgramme, createScene, createSlot, createYoungPerson, daysFromNow } from "../factories";
import { createMember, getRequest, redirectLocation, routeArgs, signIn, statusOf, thrownBy, unwrap } from "../support/actors";

const db = () => getDb();
type Home = Awaited<ReturnType<typeof homeLoader>>;

/** Counts the SQL statements the test's own client sends while `work` runs. */
let counting: string[] | null = null;
let listening = false;
async function statementsOf(work: () => Promise<unknown>): Promise<string[]> {
  if (!listening) {
    db().$on("query", (event) => counting?.push(event.query));
    listening = true;
  }
  counting = [];
  try {
    await work();
    return counting;
  } finally {
    counting = null;
  }
}

/** What passSummary answered before it was one statement: Prisma's nested select, kept here as the model. */
async function passSummaryModel(youngPersonId: string, now: Date) {
  const allocations = await db().allocation.findMany({
    where: { youngPersonId },
    select: { id: true, status: true, expiresAt: true, programme: { select: { name: true } }, wallet: { select: { balancePence: true } } },
    orderBy: [{ expiresAt: "asc" }, { id: "asc" }],
  });
  const live = allocations.filter((a) => a.status === "ACTIVE" && a.expiresAt > now);
  return {
    balancePence: live.reduce((sum, a) => sum + Number(a.wallet?.balancePence ?? 0n), 0),
    expiresAt: live[0]?.expiresAt.toISOString() ?? null,
    frozen: allocations.some((a) => a.status === "FROZEN"),
    programmes: allocations.map((a) => ({
      id: a.id,
      name: a.programme.name,
      status: a.status,
      expiresAt: a.expiresAt.toISOString(),
      balancePence: Number(a.wallet?.balancePence ?? 0n),
    })),
  };
}

async function signedInYoungPerson(options: Parameters<typeof createYoungPerson>[0]) {
  const person = await createYoungPerson(options);
  const user = await createMember("YOUNG_PERSON", { youngPersonId: person.youngPerson.id });
  return { ...person, user, cookie: await signIn(user.id) };
}

describe("home page", () => {
  it("shows the credit of live allocations only, the soonest expiry, a paused pass, and coming bookings soonest first with the last moment to cancel", async () => {
    const scene = await createScene({ activity: { title: "Teen swim", pricePence: 700, cancellationCutoffHours: 24 } });
    const owner = await signedInYoungPerson({ programmeId: scene.programme.id, allocationPence: 5_000 });
    const other = await signedInYoungPerson({ programmeId: scene.programme.id });
    // A second programme's allocation, frozen by the council, and a third that has run out: neither is spendable.
    const frozenProgramme = await createProgramme({ councilId: scene.council.id });
    const frozen = await issueAllocation(db(), { programmeId: frozenProgramme.id, youngPersonId: owner.youngPerson.id, amountPence: 3_000 });
    await db().allocation.update({ where: { id: frozen.id }, data: { status: "FROZEN" } });
    const expiredProgramme = await createProgramme({ councilId: scene.council.id });
    const expired = await issueAllocation(db(), { programmeId: expiredProgramme.id, youngPersonId: owner.youngPerson.id, amountPence: 2_000 });
    await db().allocation.update({ where: { id: expired.id }, data: { expiresAt: daysFromNow(-1) } });

    const later = scene.slot;
    const sooner = await createSlot({ activityId: scene.activity.id, startsAt: daysFromNow(3) });
    const cancelled = await createSlot({ activityId: scene.activity.id, startsAt: daysFromNow(5) });
    const over = await createSlot({ activityId: scene.activity.id, startsAt: daysFromNow(2) });
    const book = (slotId: string, youngPersonId = owner.youngPerson.id) => bookSlot(db(), { youngPersonId, slotId, requestKey: randomUUID() });
    const laterBooking = await book(later.id);
    const soonerBooking = await book(sooner.id);
    const cancelledBooking = await book(cancelled.id);
    await cancelBooking(db(), { bookingId: cancelledBooking.id, youngPersonId: owner.youngPerson.id, actorUserId: owner.user.id });
    await book(over.id);
    await db().slot.update({ where: { id: over.id }, data: { startsAt: daysFromNow(-1), endsAt: new Date(Date.now() - 60_000) } });
    const othersBooking = await book(later.id, other.youngPerson.id);

    const { data } = unwrap<Home>(await homeLoader(routeArgs(getRequest("/young", owner.cookie))));
    expect(data.pass.balancePence).toBe(5_000 - 3 * 700);
    expect(data.pass.expiresAt).toBe(owner.allocation!.expiresAt.toISOString());
    expect(data.pass.frozen).toBe(true);
    // Soonest expiry first; the two that end with their programmes on the same day in a fixed (id) order.
    const sameDay = [
      [owner.allocation!.id, "ACTIVE", 5_000 - 3 * 700],
      [frozen.id, "FROZEN", 3_000],
    ].sort((x, y) => String(x[0]).localeCompare(String(y[0])));
    expect(data.pass.programmes.map((p) => [p.id, p.status, p.balancePence])).toEqual([[expired.id, "ACTIVE", 2_000], ...sameDay]);

    expect(data.bookings.map((b) => b.id)).toEqual([soonerBooking.id, laterBooking.id]);
    const [first] = data.bookings;
    expect(first).toEqual({
      id: soonerBooking.id,
      code: soonerBooking.code,
      pricePence: 700,
      startsAt: sooner.startsAt.toISOString(),
      endsAt: sooner.endsAt.toISOString(),
      activityId: scene.activity.id,
      title: "Teen swim",
      venueName: scene.venue.name,
      venueAddress: `${scene.venue.addressLine1}, ${scene.venue.town} ${scene.venue.postcode}`,
      cancelUntil: new Date(sooner.startsAt.getTime() - 24 * 3_600_000).toISOString(),
    });
    expect(JSON.stringify(data)).not.toContain(othersBooking.code);
  });

  it("lists at most the number of bookings asked for, the soonest", async () => {
    const scene = await createScene({ activity: { pricePence: 0, capacity: 5 } });
    const { youngPerson } = await createYoungPerson({ programmeId: scene.programme.id });
    const slots = [];
    for (const days of [9, 4, 6]) slots.push(await createSlot({ activityId: scene.activity.id, startsAt: daysFromNow(days) }));
    for (const slot of slots) await bookSlot(db(), { youngPersonId: youngPerson.id, slotId: slot.id, requestKey: randomUUID() });
    const two = await upcomingBookings(db(), youngPerson.id, new Date(), 2);
    expect(two.map((b) => b.startsAt)).toEqual([slots[1]!.startsAt.toISOString(), slots[2]!.startsAt.toISOString()]);
    expect(await upcomingBookings(db(), youngPerson.id)).toHaveLength(3);
  });

  it("answers the same pass summary as the nested select it replaced, for any mix of allocations (property)", async () => {
    const council = await createCouncil();
    const programmes = await Promise.all([0, 1, 2].map(() => createProgramme({ councilId: council.id, fundedPence: 50_000_000 })));
    const now = new Date();
    const allocation = fc.record({
      status: fc.constantFrom<AllocationStatus>("ACTIVE", "ACTIVE", "FROZEN", "REVOKED", "EXPIRED"),
      amountPence: fc.integer({ min: 0, max: 20_000 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(allocation, { maxLength: 3 }),
        fc.uniqueArray(fc.integer({ min: -20, max: 60 }), { minLength: 3, maxLength: 3 }),
        async (allocations, expiryDays) => {
          const { youngPerson } = await createYoungPerson({ councilId: council.id, withAllocation: false });
          for (const [i, a] of allocations.entries()) {
            const issued = await issueAllocation(db(), { programmeId: programmes[i]!.id, youngPersonId: youngPerson.id, amountPence: a.amountPence });
            await db().allocation.update({ where: { id: issued.id }, data: { status: a.status, expiresAt: daysFromNow(expiryDays[i]!, now) } });
          }
          expect(await passSummary(db(), youngPerson.id, now)).toEqual(await passSummaryModel(youngPerson.id, now));
        },
      ),
      { numRuns: 15 },
    );
  });

  it("costs one statement for the session and the young person, one for the pass and one for the bookings", async () => {
    const scene = await createScene();
    const owner = await signedInYoungPerson({ programmeId: scene.programme.id });
    await bookSlot(db(), { youngPersonId: owner.youngPerson.id, slotId: scene.slot.id, requestKey: randomUUID() });
    const request = getRequest("/young", owner.cookie);
    expect(await statementsOf(() => requireYoungPerson(request))).toHaveLength(1);
    expect(await statementsOf(() => passSummary(db(), owner.youngPerson.id))).toHaveLength(1);
    expect(await statementsOf(() => upcomingBookings(db(), owner.youngPerson.id, new Date(), 20))).toHaveLength(1);
  });

  it("reads the young person of the signed-in user's own membership, and nobody's once they have signed out everywhere", async () => {
    const council = await createCouncil();
    const { youngPerson } = await createYoungPerson({ councilId: council.id, withAllocation: false, firstName: "Robin" });
    const user = await createMember("YOUNG_PERSON", { youngPersonId: youngPerson.id });
    // A second role on the same user (an officer too) does not change which young person they are.
    await db().membership.create({ data: { userId: user.id, role: "OFFICER", councilId: council.id } });
    const cookie = await signIn(user.id);
    const { youngPerson: read } = await requireYoungPerson(getRequest("/young", cookie));
    expect(read).toEqual({ id: youngPerson.id, councilId: council.id, firstName: "Robin", status: "ACTIVE" });

    await endAllSessions(user.id);
    expect(redirectLocation(await thrownBy(requireYoungPerson(getRequest("/young", cookie))))).toBe("/login?redirectTo=%2Fyoung");
    expect(redirectLocation(await thrownBy(homeLoader(routeArgs(getRequest("/young", cookie)))))).toBe("/login?redirectTo=%2Fyoung");
  });

  it("refuses a signed-in user who is not a young person with 403", async () => {
    const council = await createCouncil();
    const officer = await createMember("OFFICER", { councilId: council.id });
    expect(statusOf(await thrownBy(homeLoader(routeArgs(getRequest("/young", await signIn(officer.id))))))).toBe(403);
  });
});
