// Waiting lists under real parallelism: every call runs at the same moment over its own pooled connection,
// so PostgreSQL's row locks, not JavaScript's single thread, decide who wins.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { bookSlot, cancelBooking, expireOffers, joinWaitlist } from "~/domain/booking";
import { createScene, createYoungPeople } from "../factories";
import { domainCodes, expectLedgerOk, settle } from "../helpers";

const db = () => getDb();
const MINUTE = 60_000;
const ROUNDS = 6;

async function fullSlotWithQueue(capacity: number, waiting: number) {
  const scene = await createScene({ activity: { capacity, pricePence: 400 } });
  await db().programme.update({ where: { id: scene.programme.id }, data: { waitlistOfferMinutes: 30 } });
  const bookers = await createYoungPeople(capacity, { programmeId: scene.programme.id, allocationPence: 2_000 });
  const bookings = [];
  for (const p of bookers) bookings.push(await bookSlot(db(), { youngPersonId: p.youngPerson.id, slotId: scene.slot.id, requestKey: randomUUID() }));
  const waiters = await createYoungPeople(waiting, { programmeId: scene.programme.id, allocationPence: 2_000 });
  for (const w of waiters) await joinWaitlist(db(), { youngPersonId: w.youngPerson.id, slotId: scene.slot.id });
  return { ...scene, bookers, bookings, waiters };
}

/** The slot's counters agree with its rows, and never promise more places than it has. */
async function expectSlotConsistent(slotId: string) {
  const slot = await db().slot.findUniqueOrThrow({ where: { id: slotId } });
  const confirmed = await db().booking.count({ where: { slotId, status: "CONFIRMED" } });
  const offers = await db().waitlistEntry.count({ where: { slotId, status: "OFFERED" } });
  expect({ booked: slot.booked, offered: slot.offered }).toEqual({ booked: confirmed, offered: offers });
  expect(slot.booked + slot.offered).toBeLessThanOrEqual(slot.capacity);
  return slot;
}

describe("waiting lists under concurrency", () => {
  it("50 young people joining a full slot at once get 50 distinct places in line, and double taps join once", async () => {
    const { slot, programme } = await fullSlotWithQueue(2, 0);
    const people = await createYoungPeople(50, { programmeId: programme.id });
    const joins = people.flatMap(({ youngPerson }) => [youngPerson.id, youngPerson.id]).map((id) => joinWaitlist(db(), { youngPersonId: id, slotId: slot.id }));
    const { fulfilled, rejected } = await settle(joins);
    expect(rejected).toEqual([]);
    expect(fulfilled).toHaveLength(100);
    expect(await db().waitlistEntry.count({ where: { slotId: slot.id, status: "WAITING" } })).toBe(50);
    const entries = await db().waitlistEntry.findMany({ where: { slotId: slot.id }, orderBy: [{ createdAt: "asc" }, { id: "asc" }] });
    expect(new Set(entries.map((e) => e.youngPersonId)).size).toBe(50);
    // Each person's two answers name the same entry.
    const byPerson = new Map<string, Set<string>>();
    fulfilled.forEach((joined, i) => {
      const id = people[Math.floor(i / 2)]!.youngPerson.id;
      byPerson.set(id, (byPerson.get(id) ?? new Set()).add(joined.entryId));
    });
    expect([...byPerson.values()].every((ids) => ids.size === 1)).toBe(true);
  });

  it("two cancellations at the same moment offer two places to the first two in line, never more", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { council, slot, bookings, bookers, waiters } = await fullSlotWithQueue(2, 3);
      const { rejected } = await settle(
        bookings.map((b, i) => cancelBooking(db(), { bookingId: b.id, youngPersonId: bookers[i]!.youngPerson.id })),
      );
      expect(rejected).toEqual([]);
      const state = await expectSlotConsistent(slot.id);
      expect(state).toMatchObject({ booked: 0, offered: 2 });
      const statuses = await Promise.all(
        waiters.map((w) => db().waitlistEntry.findFirstOrThrow({ where: { slotId: slot.id, youngPersonId: w.youngPerson.id } }).then((e) => e.status)),
      );
      expect(statuses).toEqual(["OFFERED", "OFFERED", "WAITING"]);
      await expectLedgerOk(council.id);
    }
  });

  it("an offer running out at the moment its holder books it: exactly one of them wins, and the place is counted once", async () => {
    const outcomes = new Set<string>();
    for (let round = 0; round < ROUNDS * 2; round++) {
      const now = new Date();
      const { council, slot, bookings, bookers, waiters } = await fullSlotWithQueue(1, 2);
      await cancelBooking(db(), { bookingId: bookings[0]!.id, youngPersonId: bookers[0]!.youngPerson.id, now });
      const holder = waiters[0]!.youngPerson.id;
      const offer = await db().waitlistEntry.findFirstOrThrow({ where: { slotId: slot.id, youngPersonId: holder } });
      // The booking is made just inside the offer, the sweep runs just past it: both are entitled to try.
      const bookAt = new Date(offer.offerExpiresAt!.getTime() - 1);
      const sweepAt = new Date(offer.offerExpiresAt!.getTime() + 1);

      const [booked] = await Promise.allSettled([
        bookSlot(db(), { youngPersonId: holder, slotId: slot.id, requestKey: randomUUID(), now: bookAt }),
        expireOffers(db(), { now: sweepAt }),
      ]);
      const entry = await db().waitlistEntry.findUniqueOrThrow({ where: { id: offer.id } });
      const next = await db().waitlistEntry.findFirstOrThrow({ where: { slotId: slot.id, youngPersonId: waiters[1]!.youngPerson.id } });
      if (booked.status === "fulfilled") {
        expect(entry).toMatchObject({ status: "BOOKED", bookingId: booked.value.id });
        expect(next.status).toBe("WAITING");
        outcomes.add("booked");
      } else {
        expect(domainCodes([booked.reason])[0]).toMatch(/^(SLOT_FULL|OFFER_EXPIRED)$/);
        expect(entry.status).toBe("EXPIRED");
        expect(next.status).toBe("OFFERED");
        outcomes.add("expired");
      }
      const state = await expectSlotConsistent(slot.id);
      expect(state.booked + state.offered).toBe(1);
      await expectLedgerOk(council.id);
    }
    expect(outcomes.size).toBeGreaterThan(0);
  });

  it("while a freed place is offered, strangers booking at the same moment as the cancellation never take it", async () => {
    for (let round = 0; round < ROUNDS; round++) {
      const { council, programme, slot, bookings, bookers, waiters } = await fullSlotWithQueue(1, 1);
      const strangers = await createYoungPeople(5, { programmeId: programme.id });
      const { fulfilled } = await settle<unknown>([
        cancelBooking(db(), { bookingId: bookings[0]!.id, youngPersonId: bookers[0]!.youngPerson.id }),
        ...strangers.map((s) => bookSlot(db(), { youngPersonId: s.youngPerson.id, slotId: slot.id, requestKey: randomUUID() })),
      ]);
      expect(fulfilled).toHaveLength(1); // the cancellation alone
      const state = await expectSlotConsistent(slot.id);
      expect(state).toMatchObject({ booked: 0, offered: 1 });
      expect((await db().waitlistEntry.findFirstOrThrow({ where: { youngPersonId: waiters[0]!.youngPerson.id } })).status).toBe("OFFERED");
      await expectLedgerOk(council.id);
    }
  });

  it("never oversells when cancellations, bookings, joins and expiries all run at once", async () => {
    const now = new Date();
    const { council, programme, slot, bookings, bookers } = await fullSlotWithQueue(4, 6);
    const strangers = await createYoungPeople(6, { programmeId: programme.id });
    const late = await createYoungPeople(4, { programmeId: programme.id });
    await settle<unknown>([
      ...bookings.map((b, i) => cancelBooking(db(), { bookingId: b.id, youngPersonId: bookers[i]!.youngPerson.id, now })),
      ...strangers.map((s) => bookSlot(db(), { youngPersonId: s.youngPerson.id, slotId: slot.id, requestKey: randomUUID(), now })),
      ...late.map((p) => joinWaitlist(db(), { youngPersonId: p.youngPerson.id, slotId: slot.id, now })),
      expireOffers(db(), { now: new Date(now.getTime() + 31 * MINUTE) }),
    ]);
    await expectSlotConsistent(slot.id);
    await expectLedgerOk(council.id);
  });
});
