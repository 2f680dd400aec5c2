// Waiting lists: who may join, the order places are offered in, holding a place for the person offered it,
// and what happens when they book it, leave, or let it run out.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { bookSlot, cancelBooking, cancelSlot, expireOffers, joinWaitlist, leaveWaitlist, myWaitlist, offerFreedPlacesForSlot } from "~/domain/booking";
import { createScene, createYoungPeople, createYoungPerson } from "../factories";
import { expectDomainError, expectLedgerOk, walletBalance } from "../helpers";

const db = () => getDb();
const MINUTE = 60_000;
const book = (youngPersonId: string, slotId: string, now?: Date) => bookSlot(db(), { youngPersonId, slotId, requestKey: randomUUID(), now });

/** A slot of `capacity` places, all booked, and `waiting` more young people in the same programme. */
async function fullSlot(capacity: number, waiting: number, options: { offerMinutes?: number } = {}) {
  const scene = await createScene({ activity: { capacity, pricePence: 500 } });
  if (options.offerMinutes) await db().programme.update({ where: { id: scene.programme.id }, data: { waitlistOfferMinutes: options.offerMinutes } });
  const bookers = await createYoungPeople(capacity, { programmeId: scene.programme.id, allocationPence: 2_000 });
  const bookings = [];
  for (const p of bookers) bookings.push(await book(p.youngPerson.id, scene.slot.id));
  const waiters = await createYoungPeople(waiting, { programmeId: scene.programme.id, allocationPence: 2_000 });
  return { ...scene, bookers, bookings, waiters };
}

async function slotCounts(slotId: string) {
  return db().slot.findUniqueOrThrow({ where: { id: slotId }, select: { booked: true, offered: true, capacity: true } });
}

async function entryOf(slotId: string, youngPersonId: string) {
  return db().waitlistEntry.findFirstOrThrow({ where: { slotId, youngPersonId }, orderBy: { createdAt: "desc" } });
}

describe("joining a waiting list", () => {
  it("puts people in line in the order they joined, and joining twice keeps the first place", async () => {
    const { slot, waiters } = await fullSlot(1, 3);
    const positions = [];
    for (const w of waiters) positions.push((await joinWaitlist(db(), { youngPersonId: w.youngPerson.id, slotId: slot.id })).position);
    expect(positions).toEqual([1, 2, 3]);

    const again = await joinWaitlist(db(), { youngPersonId: waiters[1]!.youngPerson.id, slotId: slot.id });
    expect(again).toMatchObject({ position: 2, alreadyWaiting: true });
    expect(await db().waitlistEntry.count({ where: { slotId: slot.id } })).toBe(3);
  });

  it("is refused while places are left: they can book instead", async () => {
    const { programme, slot } = await createScene({ activity: { capacity: 5 } });
    const { youngPerson } = await createYoungPerson({ programmeId: programme.id });
    await expectDomainError(joinWaitlist(db(), { youngPersonId: youngPerson.id, slotId: slot.id }), "WAITLIST_NOT_NEEDED", /book it now/);
  });

  it("is refused to someone already booked on the session, too young, or whose pass does not cover the activity", async () => {
    const { council, programme, slot, bookers } = await fullSlot(1, 0);
    await expectDomainError(joinWaitlist(db(), { youngPersonId: bookers[0]!.youngPerson.id, slotId: slot.id }), "ALREADY_BOOKED");
    const child = await createYoungPerson({ programmeId: programme.id, age: 8 });
    await expectDomainError(joinWaitlist(db(), { youngPersonId: child.youngPerson.id, slotId: slot.id }), "AGE_NOT_ELIGIBLE", /ages 11 to 18/);
    const musicOnly = await createYoungPerson({ councilId: council.id, programmeId: (await db().programme.create({
      data: { ...(await db().programme.findUniqueOrThrow({ where: { id: programme.id }, omit: { id: true, createdAt: true } })), name: "Music only", allowedCategories: ["MUSIC"], upliftsPence: {} },
    })).id, allocationPence: 0 });
    await expectDomainError(joinWaitlist(db(), { youngPersonId: musicOnly.youngPerson.id, slotId: slot.id }), "ACTIVITY_NOT_ALLOWED");
  });

  it("treats another council's session as not found", async () => {
    const { slot } = await fullSlot(1, 0);
    const outsider = await createYoungPerson();
    await expectDomainError(joinWaitlist(db(), { youngPersonId: outsider.youngPerson.id, slotId: slot.id }), "NOT_FOUND");
  });
});

describe("offering a freed place", () => {
  it("holds a cancelled place for the first in line, for the programme's offer time, and tells them", async () => {
    const now = new Date();
    const { slot, bookings, bookers, waiters } = await fullSlot(2, 2, { offerMinutes: 45 });
    const [first, second] = waiters;
    await joinWaitlist(db(), { youngPersonId: first!.youngPerson.id, slotId: slot.id, now });
    await joinWaitlist(db(), { youngPersonId: second!.youngPerson.id, slotId: slot.id, now });

    await cancelBooking(db(), { bookingId: bookings[0]!.id, youngPersonId: bookers[0]!.youngPerson.id, now });

    expect(await slotCounts(slot.id)).toMatchObject({ booked: 1, offered: 1 });
    const offer = await entryOf(slot.id, first!.youngPerson.id);
    expect(offer.status).toBe("OFFERED");
    expect(offer.offerExpiresAt!.getTime() - now.getTime()).toBe(45 * MINUTE);
    expect((await entryOf(slot.id, second!.youngPerson.id)).status).toBe("WAITING");
    const message = await db().message.findFirstOrThrow({ where: { dedupeKey: `waitlist-offer:${offer.id}` } });
    expect(message.recipient).toBe(first!.youngPerson.email);
    expect(message.body).toMatch(/held for you until \d\d:\d\d/);
  });

  it("tells someone with only a phone by text message", async () => {
    const { programme, slot, bookings, bookers } = await fullSlot(1, 0);
    const texter = await createYoungPerson({ programmeId: programme.id, email: null, phone: "+447700900123" });
    await joinWaitlist(db(), { youngPersonId: texter.youngPerson.id, slotId: slot.id });
    await cancelBooking(db(), { bookingId: bookings[0]!.id, youngPersonId: bookers[0]!.youngPerson.id });
    const offer = await entryOf(slot.id, texter.youngPerson.id);
    expect(await db().message.findFirstOrThrow({ where: { dedupeKey: `waitlist-offer:${offer.id}` } })).toMatchObject({ channel: "SMS", recipient: "+447700900123" });
  });

  it("counts a held place as taken for everyone else, and lets the person offered it book into it", async () => {
    const { council, programme, slot, bookings, bookers, waiters } = await fullSlot(1, 1);
    const [waiter] = waiters;
    await joinWaitlist(db(), { youngPersonId: waiter!.youngPerson.id, slotId: slot.id });
    await cancelBooking(db(), { bookingId: bookings[0]!.id, youngPersonId: bookers[0]!.youngPerson.id });

    const stranger = await createYoungPerson({ programmeId: programme.id });
    await expectDomainError(book(stranger.youngPerson.id, slot.id), "SLOT_FULL", /waiting list/);

    const booked = await book(waiter!.youngPerson.id, slot.id);
    expect(await slotCounts(slot.id)).toMatchObject({ booked: 1, offered: 0 });
    expect(await entryOf(slot.id, waiter!.youngPerson.id)).toMatchObject({ status: "BOOKED", bookingId: booked.id });
    expect(await walletBalance(waiter!.allocation!.id)).toBe(1_500);
    await expectLedgerOk(council.id);
  });

  it("passes an unanswered offer to the next in line when it runs out, and then frees the place when nobody is left", async () => {
    const now = new Date();
    const { slot, bookings, bookers, waiters } = await fullSlot(1, 2, { offerMinutes: 30 });
    for (const w of waiters) await joinWaitlist(db(), { youngPersonId: w.youngPerson.id, slotId: slot.id, now });
    await cancelBooking(db(), { bookingId: bookings[0]!.id, youngPersonId: bookers[0]!.youngPerson.id, now });

    // The sweep covers every slot (other tests' offers too), so each step is checked on this slot's own rows.
    await expireOffers(db(), { now: new Date(now.getTime() + 29 * MINUTE) });
    expect((await entryOf(slot.id, waiters[0]!.youngPerson.id)).status).toBe("OFFERED");
    const later = new Date(now.getTime() + 31 * MINUTE);
    await expireOffers(db(), { now: later });
    expect((await entryOf(slot.id, waiters[0]!.youngPerson.id)).status).toBe("EXPIRED");
    expect((await entryOf(slot.id, waiters[1]!.youngPerson.id)).status).toBe("OFFERED");
    await expectDomainError(book(waiters[0]!.youngPerson.id, slot.id, later), "SLOT_FULL");

    await expireOffers(db(), { now: new Date(now.getTime() + 62 * MINUTE) });
    expect((await entryOf(slot.id, waiters[1]!.youngPerson.id)).status).toBe("EXPIRED");
    expect(await slotCounts(slot.id)).toMatchObject({ booked: 0, offered: 0 });
  });

  it("never holds a place past the start of the session", async () => {
    const startsAt = new Date(Date.now() + 50 * MINUTE);
    const { slot, bookings, bookers, waiters } = await fullSlot(1, 1, { offerMinutes: 120 });
    await db().slot.update({ where: { id: slot.id }, data: { startsAt, endsAt: new Date(startsAt.getTime() + 60 * MINUTE) } });
    await db().activity.update({ where: { id: slot.activityId }, data: { cancellationCutoffHours: 0 } });
    await joinWaitlist(db(), { youngPersonId: waiters[0]!.youngPerson.id, slotId: slot.id });
    await cancelBooking(db(), { bookingId: bookings[0]!.id, youngPersonId: bookers[0]!.youngPerson.id });
    expect((await entryOf(slot.id, waiters[0]!.youngPerson.id)).offerExpiresAt).toEqual(startsAt);
  });

  it("offers places added by a capacity increase to the people waiting, one each, in order", async () => {
    const { slot, waiters } = await fullSlot(1, 3);
    for (const w of waiters) await joinWaitlist(db(), { youngPersonId: w.youngPerson.id, slotId: slot.id });
    await db().slot.update({ where: { id: slot.id }, data: { capacity: 3 } });

    expect(await offerFreedPlacesForSlot(db(), { slotId: slot.id })).toBe(2);
    const statuses = await Promise.all(waiters.map((w) => entryOf(slot.id, w.youngPerson.id).then((e) => e.status)));
    expect(statuses).toEqual(["OFFERED", "OFFERED", "WAITING"]);
    expect(await slotCounts(slot.id)).toMatchObject({ booked: 1, offered: 2, capacity: 3 });
  });

  it("the scheduled sweep finds free places on a slot with people waiting, even when no job was queued", async () => {
    const { slot, waiters } = await fullSlot(1, 1);
    await joinWaitlist(db(), { youngPersonId: waiters[0]!.youngPerson.id, slotId: slot.id });
    await db().slot.update({ where: { id: slot.id }, data: { capacity: 2 } });
    expect(await expireOffers(db())).toMatchObject({ offered: 1 });
    expect((await entryOf(slot.id, waiters[0]!.youngPerson.id)).status).toBe("OFFERED");
  });
});

describe("leaving and closing", () => {
  it("leaving with an offer passes the held place straight to the next in line; leaving twice is harmless", async () => {
    const { slot, bookings, bookers, waiters } = await fullSlot(1, 2);
    for (const w of waiters) await joinWaitlist(db(), { youngPersonId: w.youngPerson.id, slotId: slot.id });
    await cancelBooking(db(), { bookingId: bookings[0]!.id, youngPersonId: bookers[0]!.youngPerson.id });
    const offer = await entryOf(slot.id, waiters[0]!.youngPerson.id);

    expect(await leaveWaitlist(db(), { youngPersonId: waiters[0]!.youngPerson.id, entryId: offer.id })).toMatchObject({ left: true });
    expect(await leaveWaitlist(db(), { youngPersonId: waiters[0]!.youngPerson.id, entryId: offer.id })).toMatchObject({ left: false });
    expect((await entryOf(slot.id, waiters[1]!.youngPerson.id)).status).toBe("OFFERED");
    expect(await slotCounts(slot.id)).toMatchObject({ booked: 0, offered: 1 });
  });

  it("nobody can leave someone else's place in a waiting list", async () => {
    const { slot, waiters } = await fullSlot(1, 2);
    const joined = await joinWaitlist(db(), { youngPersonId: waiters[0]!.youngPerson.id, slotId: slot.id });
    await expectDomainError(leaveWaitlist(db(), { youngPersonId: waiters[1]!.youngPerson.id, entryId: joined.entryId }), "NOT_FOUND");
  });

  it("a provider cancelling the session closes its waiting list and releases held places", async () => {
    const { council, provider, slot, bookings, bookers, waiters } = await fullSlot(1, 2);
    for (const w of waiters) await joinWaitlist(db(), { youngPersonId: w.youngPerson.id, slotId: slot.id });
    await cancelBooking(db(), { bookingId: bookings[0]!.id, youngPersonId: bookers[0]!.youngPerson.id });
    await cancelSlot(db(), { slotId: slot.id, providerId: provider.id, reason: "Pool closed" });
    expect(await slotCounts(slot.id)).toMatchObject({ booked: 0, offered: 0 });
    expect(await db().waitlistEntry.count({ where: { slotId: slot.id, status: { in: ["WAITING", "OFFERED"] } } })).toBe(0);
    await expectLedgerOk(council.id);
  });

  it("shows a young person their places in line and their offers, soonest first", async () => {
    const { slot, bookings, bookers, waiters } = await fullSlot(1, 2);
    for (const w of waiters) await joinWaitlist(db(), { youngPersonId: w.youngPerson.id, slotId: slot.id });
    expect(await myWaitlist(db(), waiters[1]!.youngPerson.id)).toEqual([expect.objectContaining({ slotId: slot.id, position: 2, offer: null })]);
    await cancelBooking(db(), { bookingId: bookings[0]!.id, youngPersonId: bookers[0]!.youngPerson.id });
    const [mine] = await myWaitlist(db(), waiters[0]!.youngPerson.id);
    expect(mine).toMatchObject({ slotId: slot.id, position: null, offer: { expiresAt: expect.any(String) } });
  });
});
