// Property: whatever young people do with a popular session (book, cancel, join and leave its waiting list) and
// however time passes (offers running out), the session is never oversold, its counters match its rows, and
// a place held for someone is held for exactly one person who has not booked it.
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { bookSlot, cancelBooking, expireOffers, joinWaitlist, leaveWaitlist } from "~/domain/booking";
import { DomainError } from "~/domain/errors";
import { createScene, createYoungPeople } from "../factories";
import { expectLedgerOk } from "../helpers";

const db = () => getDb();
const MINUTE = 60_000;
const PEOPLE = 5;

type Step =
  | { kind: "book"; who: number }
  | { kind: "cancel"; who: number }
  | { kind: "join"; who: number }
  | { kind: "leave"; who: number }
  | { kind: "wait"; minutes: number };

const who = fc.integer({ min: 0, max: PEOPLE - 1 });
const step: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ kind: fc.constant("book" as const), who }),
  fc.record({ kind: fc.constant("cancel" as const), who }),
  fc.record({ kind: fc.constant("join" as const), who }),
  fc.record({ kind: fc.constant("leave" as const), who }),
  fc.record({ kind: fc.constant("wait" as const), minutes: fc.integer({ min: 1, max: 40 }) }),
);

/** Refusals are part of the game; anything else is a bug. */
async function attempt(call: () => Promise<unknown>) {
  try {
    await call();
  } catch (error) {
    if (!(error instanceof DomainError)) throw error;
  }
}

describe("waiting lists, property-based", () => {
  it("never oversells a slot with waiting-list offers in play", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 3 }), fc.array(step, { minLength: 5, maxLength: 25 }), async (capacity, steps) => {
        const { council, programme, slot } = await createScene({ activity: { capacity, pricePence: 300 }, slot: { startsAt: new Date(Date.now() + 3 * 24 * 60 * MINUTE) } });
        await db().programme.update({ where: { id: programme.id }, data: { waitlistOfferMinutes: 30 } });
        const people = (await createYoungPeople(PEOPLE, { programmeId: programme.id, allocationPence: 3_000 })).map((p) => p.youngPerson.id);
        let now = new Date();

        for (const s of steps) {
          if (s.kind === "wait") {
            now = new Date(now.getTime() + s.minutes * MINUTE);
            await expireOffers(db(), { now });
            continue;
          }
          const youngPersonId = people[s.who]!;
          if (s.kind === "book") await attempt(() => bookSlot(db(), { youngPersonId, slotId: slot.id, requestKey: randomUUID(), now }));
          if (s.kind === "join") await attempt(() => joinWaitlist(db(), { youngPersonId, slotId: slot.id, now }));
          if (s.kind === "cancel") {
            const booking = await db().booking.findFirst({ where: { slotId: slot.id, youngPersonId, status: "CONFIRMED" } });
            if (booking) await attempt(() => cancelBooking(db(), { bookingId: booking.id, youngPersonId, now }));
          }
          if (s.kind === "leave") {
            const entry = await db().waitlistEntry.findFirst({ where: { slotId: slot.id, youngPersonId, status: { in: ["WAITING", "OFFERED"] } } });
            if (entry) await attempt(() => leaveWaitlist(db(), { youngPersonId, entryId: entry.id, now }));
          }

          const current = await db().slot.findUniqueOrThrow({ where: { id: slot.id } });
          const confirmed = await db().booking.findMany({ where: { slotId: slot.id, status: "CONFIRMED" }, select: { youngPersonId: true } });
          const offers = await db().waitlistEntry.findMany({ where: { slotId: slot.id, status: "OFFERED" }, select: { youngPersonId: true } });
          expect(current.booked + current.offered).toBeLessThanOrEqual(current.capacity);
          expect(current.booked).toBe(confirmed.length);
          expect(current.offered).toBe(offers.length);
          const bookedPeople = new Set(confirmed.map((b) => b.youngPersonId));
          expect(offers.filter((o) => bookedPeople.has(o.youngPersonId))).toEqual([]);
          // A free place is never left idle while someone is waiting for it.
          const waiting = await db().waitlistEntry.count({ where: { slotId: slot.id, status: "WAITING" } });
          if (waiting > 0) expect(current.booked + current.offered).toBe(current.capacity);
        }
        await expectLedgerOk(council.id);
      }),
      { numRuns: 15 },
    );
  });
});
