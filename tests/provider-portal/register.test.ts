// Registers: each session's bookings with first name and initial and who came; no-shows only after the session.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { bookSlot, redeemBooking } from "~/domain/booking";
import { dayRegister, londonDay, londonDayBounds, markMissed, registerName, slotRegister } from "~/domain/providers/register";
import { action as registerAction, loader as registerLoader } from "~/routes/provider.bookings.$slotId";
import { loader as bookingsLoader } from "~/routes/provider.bookings._index";
import { loader as homeLoader } from "~/routes/provider._index";
import { createProvider, createScene, createSlot, createYoungPerson, doorActor } from "../factories";
import { expectDomainError, expectLedgerOk, walletBalance } from "../helpers";
import { createMember, formRequest, getRequest, routeArgs, signIn, statusOf, thrownBy, unwrap } from "../support/actors";

const db = () => getDb();
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** A session that started two hours ago (booked days before), with Sam who came and Ava who did not. */
async function pastSession() {
  const startsAt = new Date(Date.now() - 2 * HOUR);
  const scene = await createScene({ activity: { pricePence: 300, title: "Street dance" }, slot: { startsAt, durationMinutes: 60 } });
  const sam = await createYoungPerson({ programmeId: scene.programme.id, firstName: "Sam", age: 14 });
  const ava = await createYoungPerson({ programmeId: scene.programme.id, firstName: "Ava", age: 12 });
  const before = new Date(startsAt.getTime() - 3 * 24 * HOUR);
  const samBooking = await bookSlot(db(), { youngPersonId: sam.youngPerson.id, slotId: scene.slot.id, requestKey: randomUUID(), now: before });
  const avaBooking = await bookSlot(db(), { youngPersonId: ava.youngPerson.id, slotId: scene.slot.id, requestKey: randomUUID(), now: before });
  await redeemBooking(db(), { code: samBooking.code, providerId: scene.provider.id, actor: doorActor("Jo"), now: new Date(startsAt.getTime() + 5 * MINUTE) });
  return { ...scene, sam, ava, samBooking, avaBooking };
}

describe("registers", () => {
  it("shows first name and initial only, with who came", async () => {
    const { provider, slot, sam, ava } = await pastSession();
    const register = await slotRegister(db(), { providerId: provider.id, slotId: slot.id });
    expect(register.title).toBe("Street dance");
    expect(register.people.map((p) => [p.name, p.status, p.redeemedByName])).toEqual([
      [registerName("Ava", ava.youngPerson.lastName), "BOOKED", null],
      [registerName("Sam", sam.youngPerson.lastName), "CAME", "Jo"],
    ]);
    expect(register.people[0]!.name).toMatch(/^Ava [A-Z]\.$/);
    expect(JSON.stringify(register)).not.toContain(sam.youngPerson.lastName);
    expect(register.counts).toEqual({ booked: 2, came: 1, missed: 0, waiting: 1 });
  });

  it("lists a day's sessions by London day", async () => {
    const { provider, slot } = await pastSession();
    const day = await dayRegister(db(), { providerId: provider.id, day: londonDay(slot.startsAt) });
    expect(day.slots.map((s) => s.id)).toContain(slot.id);
    const tomorrow = await dayRegister(db(), { providerId: provider.id, day: londonDay(new Date(slot.startsAt.getTime() + 24 * HOUR)) });
    expect(tomorrow.slots.map((s) => s.id)).not.toContain(slot.id);
  });

  it("takes a London day as local midnight to midnight, in winter and summer", () => {
    expect(londonDayBounds("2026-01-15")).toEqual({ from: new Date("2026-01-15T00:00:00Z"), until: new Date("2026-01-16T00:00:00Z") });
    expect(londonDayBounds("2026-07-15")).toEqual({ from: new Date("2026-07-14T23:00:00Z"), until: new Date("2026-07-15T23:00:00Z") });
  });

  it("marks a no-show only after the session and its grace period, and gives the credit back", async () => {
    const { provider, slot, ava, avaBooking, council } = await pastSession();
    await expectDomainError(markMissed(db(), { providerId: provider.id, bookingId: avaBooking.id, now: new Date(slot.endsAt.getTime() + 30 * MINUTE) }), "INVALID_INPUT", /after the session/);
    expect((await slotRegister(db(), { providerId: provider.id, slotId: slot.id, now: new Date(slot.endsAt.getTime() + 30 * MINUTE) })).people[0]!.canMarkMissed).toBe(false);

    const later = new Date(slot.endsAt.getTime() + 3 * HOUR);
    expect((await slotRegister(db(), { providerId: provider.id, slotId: slot.id, now: later })).people[0]!.canMarkMissed).toBe(true);
    expect(await markMissed(db(), { providerId: provider.id, bookingId: avaBooking.id, now: later })).toMatchObject({ outcome: "NO_SHOW", changed: true });
    expect(await walletBalance(ava.allocation!.id)).toBe(5_000);
    expect((await slotRegister(db(), { providerId: provider.id, slotId: slot.id })).counts).toEqual({ booked: 2, came: 1, missed: 1, waiting: 0 });
    await expectLedgerOk(council.id);
  });

  it("cannot mark another provider's booking", async () => {
    const { avaBooking, council } = await pastSession();
    const { provider: other } = await createProvider({ councilId: council.id });
    await expectDomainError(markMissed(db(), { providerId: other.id, bookingId: avaBooking.id }), "NOT_FOUND");
    expect((await db().booking.findUniqueOrThrow({ where: { id: avaBooking.id } })).status).toBe("CONFIRMED");
  });
});

describe("register pages", () => {
  it("show the manager their own session, and 404 for another provider's", async () => {
    const { provider, slot, council } = await pastSession();
    const manager = await createMember("PROVIDER_MANAGER", { providerId: provider.id });
    const page = unwrap<{ slot: { people: unknown[] } }>(await registerLoader(routeArgs(getRequest(`/provider/bookings/${slot.id}`, await signIn(manager.id)), { slotId: slot.id })));
    expect(page.data.slot.people).toHaveLength(2);

    const { provider: other } = await createProvider({ councilId: council.id });
    const stranger = await createMember("PROVIDER_MANAGER", { providerId: other.id });
    const cookie = await signIn(stranger.id);
    expect(statusOf(await thrownBy(registerLoader(routeArgs(getRequest(`/provider/bookings/${slot.id}`, cookie), { slotId: slot.id }))))).toBe(404);
    expect(statusOf(await thrownBy(registerLoader(routeArgs(getRequest("/provider/bookings/nonsense", cookie), { slotId: "nonsense" }))))).toBe(404);
    const day = unwrap<{ slots: unknown[] }>(await bookingsLoader(routeArgs(getRequest(`/provider/bookings?day=${londonDay(slot.startsAt)}`, cookie))));
    expect(day.data.slots).toEqual([]);
  });

  it("refuse to mark a booking that is not on this session's register", async () => {
    const { provider, slot, activity, programme } = await pastSession();
    const otherSlot = await createSlot({ activityId: activity.id });
    const someone = await createYoungPerson({ programmeId: programme.id });
    const elsewhere = await bookSlot(db(), { youngPersonId: someone.youngPerson.id, slotId: otherSlot.id, requestKey: randomUUID() });
    const manager = await createMember("PROVIDER_MANAGER", { providerId: provider.id });
    const reply = unwrap<{ error: string }>(
      await registerAction(routeArgs(formRequest(`/provider/bookings/${slot.id}`, { intent: "missed", bookingId: elsewhere.id }, { cookie: await signIn(manager.id) }), { slotId: slot.id })),
    );
    expect(reply.status).toBe(404);
    expect((await db().booking.findUniqueOrThrow({ where: { id: elsewhere.id } })).status).toBe("CONFIRMED");
  });

  it("home shows today's sessions with counts and the earnings summary", async () => {
    const scene = await createScene({ slot: { startsAt: new Date(Date.now() + 10 * MINUTE) } });
    const manager = await createMember("PROVIDER_MANAGER", { providerId: scene.provider.id });
    const home = unwrap<{ slots: Array<{ id: string; booked: number }>; earnings: { totalPence: number } }>(
      await homeLoader(routeArgs(getRequest("/provider", await signIn(manager.id)))),
    );
    // A slot ten minutes from now is today in London unless it is ten to midnight.
    if (londonDay(new Date()) === londonDay(scene.slot.startsAt)) expect(home.data.slots.map((s) => s.id)).toEqual([scene.slot.id]);
    expect(home.data.earnings.totalPence).toBe(0);
  });
});
