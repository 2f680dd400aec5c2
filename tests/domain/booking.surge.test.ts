// Booking under a surge, against the real database: everything below runs at the same moment over separate pooled
// connections, so PostgreSQL's locks decide who wins. Booking takes the slot's row last (after the booking row,
// the allocation's shared lock and the wallet), so these races are the proof that the new order still never
// oversells, never deadlocks with cancelling or the waiting list, and moves every penny exactly once.
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { bookSlot, cancelBooking, expireOffers, joinWaitlist, leaveWaitlist } from "~/domain/booking";
import { DomainError } from "~/domain/errors";
import { openHold } from "~/domain/ledger/holds";
import { createScene, createYoungPeople, createYoungPerson } from "../factories";
import { domainCodes, expectDomainError, expectLedgerOk, holdBalance, placesTaken, settle, walletBalance } from "../helpers";

const db = () => getDb();
const MINUTE = 60_000;
const PRICE = 300;

/** The slot's counters match its rows, nobody holds an offer on a place they booked, nobody is oversold. */
async function expectSlotExact(slotId: string) {
  const slot = await db().slot.findUniqueOrThrow({ where: { id: slotId } });
  const confirmed = await db().booking.findMany({ where: { slotId, status: "CONFIRMED" }, select: { youngPersonId: true } });
  const offers = await db().waitlistEntry.findMany({ where: { slotId, status: "OFFERED" }, select: { youngPersonId: true } });
  expect(slot.booked + slot.offered).toBeLessThanOrEqual(slot.capacity);
  expect(slot.booked).toBe(confirmed.length);
  expect(slot.offered).toBe(offers.length);
  expect(new Set(confirmed.map((b) => b.youngPersonId)).size).toBe(confirmed.length);
  const booked = new Set(confirmed.map((b) => b.youngPersonId));
  expect(offers.filter((o) => booked.has(o.youngPersonId))).toEqual([]);
  return { slot, confirmed: confirmed.length };
}

/** Each person's credit is exactly what they started with less what their live bookings hold. */
async function expectEveryPennyOnce(people: { allocationId: string; youngPersonId: string; startPence: number }[], slotId: string) {
  for (const person of people) {
    const live = await db().booking.findMany({ where: { slotId, youngPersonId: person.youngPersonId, status: "CONFIRMED" }, select: { id: true } });
    const held = (await Promise.all(live.map((b) => holdBalance(b.id)))).reduce((a, b) => a + b, 0);
    expect(held).toBe(live.length * PRICE);
    expect((await walletBalance(person.allocationId)) + held).toBe(person.startPence);
  }
}

describe("booking under a surge", () => {
  it("300 young people booking a 1-place session at once: exactly one is confirmed and charged, the rest are told it is full", async () => {
    const { council, programme, slot } = await createScene({ activity: { capacity: 1, pricePence: PRICE } });
    const people = await createYoungPeople(300, { programmeId: programme.id, allocationPence: 1_000 });

    const { fulfilled, rejected } = await settle(
      people.map(({ youngPerson }) => bookSlot(db(), { youngPersonId: youngPerson.id, slotId: slot.id, requestKey: randomUUID() })),
    );

    expect(fulfilled).toHaveLength(1);
    expect(new Set(domainCodes(rejected))).toEqual(new Set(["SLOT_FULL"]));
    expect(await placesTaken(slot.id)).toBe(1);
    const balances = await Promise.all(people.map((p) => walletBalance(p.allocation!.id)));
    expect(balances.filter((b) => b === 1_000 - PRICE)).toHaveLength(1);
    expect(balances.filter((b) => b === 1_000)).toHaveLength(299);
    // Nothing half-written by the 299 refused: one booking, one hold, one BOOK transfer.
    expect(await db().booking.count({ where: { slotId: slot.id } })).toBe(1);
    expect(await db().transfer.count({ where: { councilId: council.id, kind: "BOOK" } })).toBe(1);
    expect(await db().account.count({ where: { councilId: council.id, type: "BOOKING_HOLD" } })).toBe(1);
    await expectLedgerOk(council.id);
  });

  it("an N-place session booked by more people than places while its booked people cancel: never oversold, each place and penny counted once", async () => {
    const capacity = 12;
    const { council, programme, slot } = await createScene({ activity: { capacity, pricePence: PRICE } });
    const people = await createYoungPeople(40, { programmeId: programme.id, allocationPence: 1_000 });
    const first = people.slice(0, capacity);
    const bookings: Awaited<ReturnType<typeof bookSlot>>[] = [];
    for (const { youngPerson } of first) bookings.push(await bookSlot(db(), { youngPersonId: youngPerson.id, slotId: slot.id, requestKey: randomUUID() }));

    // Half the booked cancel while 28 others book: at most the 6 freed places can go, and never one twice.
    const cancels = first.slice(0, 6).map(({ youngPerson }, i) => cancelBooking(db(), { bookingId: bookings[i]!.id, youngPersonId: youngPerson.id }));
    const books = people.slice(capacity).map(({ youngPerson }) => bookSlot(db(), { youngPersonId: youngPerson.id, slotId: slot.id, requestKey: randomUUID() }));
    const [cancelled, booked] = await Promise.all([settle(cancels), settle(books)]);

    expect(cancelled.rejected).toEqual([]);
    expect(new Set(domainCodes(booked.rejected))).toEqual(booked.rejected.length > 0 ? new Set(["SLOT_FULL"]) : new Set());
    const { confirmed } = await expectSlotExact(slot.id);
    expect(confirmed).toBe(capacity - 6 + booked.fulfilled.length);
    expect(booked.fulfilled.length).toBeLessThanOrEqual(6);
    await expectEveryPennyOnce(
      people.map((p) => ({ allocationId: p.allocation!.id, youngPersonId: p.youngPerson.id, startPence: 1_000 })),
      slot.id,
    );
    await expectLedgerOk(council.id);
  });

  it("an offered place is booked only by the person offered it, even while strangers book the same session at the same moment", async () => {
    const { council, programme, slot } = await createScene({ activity: { capacity: 2, pricePence: PRICE } });
    const [a, b, offered, ...strangers] = await createYoungPeople(12, { programmeId: programme.id, allocationPence: 1_000 });
    const booking = await bookSlot(db(), { youngPersonId: a!.youngPerson.id, slotId: slot.id, requestKey: randomUUID() });
    await bookSlot(db(), { youngPersonId: b!.youngPerson.id, slotId: slot.id, requestKey: randomUUID() });
    await joinWaitlist(db(), { youngPersonId: offered!.youngPerson.id, slotId: slot.id });
    await cancelBooking(db(), { bookingId: booking.id, youngPersonId: a!.youngPerson.id });
    expect(await db().waitlistEntry.count({ where: { slotId: slot.id, status: "OFFERED" } })).toBe(1);

    const theirs = bookSlot(db(), { youngPersonId: offered!.youngPerson.id, slotId: slot.id, requestKey: randomUUID() });
    const others = strangers.map(({ youngPerson }) => bookSlot(db(), { youngPersonId: youngPerson.id, slotId: slot.id, requestKey: randomUUID() }));
    const [mine, rest] = await Promise.all([theirs, settle(others)]);

    expect(mine.created).toBe(true);
    expect(rest.fulfilled).toEqual([]);
    expect(new Set(domainCodes(rest.rejected))).toEqual(new Set(["SLOT_FULL"]));
    expect(await db().waitlistEntry.findFirstOrThrow({ where: { youngPersonId: offered!.youngPerson.id } })).toMatchObject({ status: "BOOKED", bookingId: mine.id });
    await expectSlotExact(slot.id);
    await expectLedgerOk(council.id);
  });

  it("property: any mix of simultaneous bookings, double taps, cancellations, waiting-list joins and leaves, and offers running out leaves the slot and the ledger exact", async () => {
    type Op =
      | { kind: "book"; who: number; twice: boolean }
      | { kind: "cancel"; who: number }
      | { kind: "join"; who: number }
      | { kind: "leave"; who: number }
      | { kind: "expire" };
    const PEOPLE = 8;
    const who = fc.integer({ min: 0, max: PEOPLE - 1 });
    const op: fc.Arbitrary<Op> = fc.oneof(
      { weight: 4, arbitrary: fc.record({ kind: fc.constant("book" as const), who, twice: fc.boolean() }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant("cancel" as const), who }) },
      { weight: 2, arbitrary: fc.record({ kind: fc.constant("join" as const), who }) },
      { weight: 1, arbitrary: fc.record({ kind: fc.constant("leave" as const), who }) },
      { weight: 1, arbitrary: fc.constant({ kind: "expire" as const }) },
    );

    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 1, max: 4 }),
        // Some people can afford one booking, some none: a refused debit must leave nothing behind.
        fc.array(fc.constantFrom(1_000, PRICE, PRICE - 1), { minLength: PEOPLE, maxLength: PEOPLE }),
        fc.array(fc.array(op, { minLength: 1, maxLength: 10 }), { minLength: 1, maxLength: 3 }),
        async (capacity, credits, rounds) => {
          const { council, programme, slot } = await createScene({ activity: { capacity, pricePence: PRICE }, slot: { startsAt: new Date(Date.now() + 3 * 24 * 60 * MINUTE) } });
          await db().programme.update({ where: { id: programme.id }, data: { waitlistOfferMinutes: 30 } });
          const people = [];
          for (const credit of credits) {
            const { youngPerson, allocation } = await createYoungPerson({ programmeId: programme.id, allocationPence: credit });
            people.push({ youngPersonId: youngPerson.id, allocationId: allocation!.id, startPence: credit });
          }
          let now = new Date();

          for (const round of rounds) {
            // Each round's operations start together, against the state the previous round left.
            const live = await db().booking.findMany({ where: { slotId: slot.id, status: "CONFIRMED" }, select: { id: true, youngPersonId: true } });
            const entries = await db().waitlistEntry.findMany({ where: { slotId: slot.id, status: { in: ["WAITING", "OFFERED"] } }, select: { id: true, youngPersonId: true } });
            const calls: Promise<unknown>[] = [];
            for (const o of round) {
              if (o.kind === "expire") {
                calls.push(expireOffers(db(), { now: new Date(now.getTime() + 31 * MINUTE) }));
                continue;
              }
              const youngPersonId = people[o.who]!.youngPersonId;
              if (o.kind === "book") {
                const requestKey = randomUUID();
                const book = () => bookSlot(db(), { youngPersonId, slotId: slot.id, requestKey, now });
                calls.push(book());
                if (o.twice) calls.push(book());
              }
              if (o.kind === "join") calls.push(joinWaitlist(db(), { youngPersonId, slotId: slot.id, now }));
              const booking = live.find((b) => b.youngPersonId === youngPersonId);
              if (o.kind === "cancel" && booking) calls.push(cancelBooking(db(), { bookingId: booking.id, youngPersonId, now }));
              const entry = entries.find((e) => e.youngPersonId === youngPersonId);
              if (o.kind === "leave" && entry) calls.push(leaveWaitlist(db(), { youngPersonId, entryId: entry.id, now }));
            }
            const { rejected } = await settle(calls);
            // Refusals are part of the game; a crash, a deadlock or a constraint error is a bug.
            for (const error of rejected) expect(error, String(error)).toBeInstanceOf(DomainError);
            if (round.some((o) => o.kind === "expire")) now = new Date(now.getTime() + 31 * MINUTE);

            await expectSlotExact(slot.id);
            await expectEveryPennyOnce(people, slot.id);
          }
          // A double tap is one booking: every request key booked at most once.
          const keys = await db().booking.groupBy({ by: ["youngPersonId", "requestKey"], where: { slotId: slot.id }, _count: true });
          expect(keys.every((k) => k._count === 1)).toBe(true);
          await expectLedgerOk(council.id);
        },
      ),
      { numRuns: 12 },
    );
  });
});

describe("opening a booking's hold (ledger openHold)", () => {
  it("moves the price from the wallet into a new hold with one BOOK transfer, or refuses and writes nothing", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2_000 }), fc.integer({ min: 1, max: 2_000 }), async (credit, price) => {
        const { council, programme, slot } = await createScene({ activity: { capacity: 5, pricePence: 0 } });
        const { youngPerson, allocation } = await createYoungPerson({ programmeId: programme.id, allocationPence: credit });
        // A free booking gives the hold a booking to belong to; the hold is then opened for `price` directly.
        const booking = await bookSlot(db(), { youngPersonId: youngPerson.id, slotId: slot.id, requestKey: randomUUID() });
        const wallet = await db().account.findUniqueOrThrow({ where: { allocationId: allocation!.id }, select: { id: true } });
        const open = () => openHold(db(), { councilId: council.id, walletId: wallet.id, bookingId: booking.id, amountPence: price });

        if (price <= credit) {
          const opened = await open();
          expect(await walletBalance(allocation!.id)).toBe(credit - price);
          expect(await holdBalance(booking.id)).toBe(price);
          const transfer = await db().transfer.findUniqueOrThrow({ where: { idempotencyKey: `book:${booking.id}` } });
          expect(transfer).toMatchObject({ id: opened.transferId, kind: "BOOK", debitAccountId: wallet.id, creditAccountId: opened.holdAccountId, amountPence: price, bookingId: booking.id });
          // A second hold for the same booking is refused by the database and changes nothing.
          await expect(open()).rejects.toThrow();
          expect(await walletBalance(allocation!.id)).toBe(credit - price);
          expect(await db().transfer.count({ where: { bookingId: booking.id } })).toBe(1);
        } else {
          await expectDomainError(open(), "INSUFFICIENT_FUNDS");
          expect(await walletBalance(allocation!.id)).toBe(credit);
          expect(await db().account.count({ where: { bookingId: booking.id } })).toBe(0);
          expect(await db().transfer.count({ where: { bookingId: booking.id } })).toBe(0);
        }
      }),
      { numRuns: 15 },
    );
  });

  it("many holds on one wallet at once never take it below zero", async () => {
    const { council, programme, slot } = await createScene({ activity: { capacity: 20, pricePence: 0 } });
    const { youngPerson, allocation } = await createYoungPerson({ programmeId: programme.id, allocationPence: 1_000 });
    const others = await createYoungPeople(19, { programmeId: programme.id, allocationPence: 0 });
    const wallet = await db().account.findUniqueOrThrow({ where: { allocationId: allocation!.id }, select: { id: true } });
    const bookings = await Promise.all(
      [youngPerson, ...others.map((o) => o.youngPerson)].map((p) => bookSlot(db(), { youngPersonId: p.id, slotId: slot.id, requestKey: randomUUID() })),
    );

    const { fulfilled, rejected } = await settle(
      bookings.map((b) => openHold(db(), { councilId: council.id, walletId: wallet.id, bookingId: b.id, amountPence: 300 })),
    );

    expect(fulfilled).toHaveLength(3);
    expect(domainCodes(rejected)).toEqual(Array(17).fill("INSUFFICIENT_FUNDS"));
    expect(await walletBalance(allocation!.id)).toBe(100);
    expect(await db().transfer.count({ where: { councilId: council.id, kind: "BOOK" } })).toBe(3);
  });
});
