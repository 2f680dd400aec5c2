// Real parallelism: every call below runs at the same moment over its own pooled connection (pool of 20),
// so PostgreSQL's locks, not JavaScript's single thread, decide who wins.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { bookSlot, cancelBooking, cancelSlot, markNoShow, redeemBooking } from "~/domain/booking";
import { expireAllocation, revokeAllocation, topUpAllocation } from "~/domain/programmes";
import { createActivity, createScene, createSlot, createYoungPeople, createYoungPerson, daysFromNow, doorActor } from "../factories";
import { budgetBalance, domainCodes, expectLedgerOk, holdBalance, payableBalance, placesTaken, settle, walletBalance } from "../helpers";

const db = () => getDb();
const MINUTE = 60_000;
/** Each race is run this many times side by side, so a lucky interleaving cannot hide a bug. */
const ROUNDS = 8;

describe("booking under concurrency", () => {
  it("200 simultaneous bookings of a slot with capacity 10 confirm exactly 10", async () => {
    const { council, programme, slot } = await createScene({ activity: { capacity: 10, pricePence: 500 } });
    const people = await createYoungPeople(200, { programmeId: programme.id, allocationPence: 1_000 });

    const { fulfilled, rejected } = await settle(
      people.map(({ youngPerson }) => bookSlot(db(), { youngPersonId: youngPerson.id, slotId: slot.id, requestKey: randomUUID() })),
    );

    expect(fulfilled).toHaveLength(10);
    expect(new Set(domainCodes(rejected))).toEqual(new Set(["SLOT_FULL"]));
    expect(await placesTaken(slot.id)).toBe(10);
    expect(await db().booking.count({ where: { slotId: slot.id, status: "CONFIRMED" } })).toBe(10);
    const balances = await Promise.all(people.map((p) => walletBalance(p.allocation!.id)));
    expect(balances.filter((b) => b === 500)).toHaveLength(10);
    expect(balances.filter((b) => b === 1_000)).toHaveLength(190);
    await expectLedgerOk(council.id);
  });

  it("a young person with 2000 pence trying 10 simultaneous 500-pence bookings (10 different slots) gets exactly 4", async () => {
    const { council, programme, provider, venue } = await createScene();
    const activity = await createActivity({ providerId: provider.id, councilId: council.id, venueId: venue.id, pricePence: 500, capacity: 5 });
    const slots = await Promise.all(Array.from({ length: 10 }, (_, i) => createSlot({ activityId: activity.id, startsAt: daysFromNow(3 + i) })));
    const { youngPerson, allocation } = await createYoungPerson({ programmeId: programme.id, allocationPence: 2_000 });

    const { fulfilled, rejected } = await settle(
      slots.map((slot) => bookSlot(db(), { youngPersonId: youngPerson.id, slotId: slot.id, requestKey: randomUUID() })),
    );

    expect(fulfilled).toHaveLength(4);
    expect(domainCodes(rejected)).toEqual(Array(6).fill("NOT_ENOUGH_CREDIT"));
    expect(await walletBalance(allocation!.id)).toBe(0);
    const taken = await Promise.all(slots.map((slot) => placesTaken(slot.id)));
    expect(taken.reduce((a, b) => a + b, 0)).toBe(4);
    await expectLedgerOk(council.id);
  });

  it("a double-submitted booking (the same requestKey at the same moment) books once", async () => {
    const { council, programme, slot } = await createScene({ activity: { capacity: 50 } });
    const people = await createYoungPeople(ROUNDS, { programmeId: programme.id, allocationPence: 2_000 });

    await Promise.all(
      people.map(async ({ youngPerson, allocation }) => {
        const requestKey = randomUUID();
        const submit = () => bookSlot(db(), { youngPersonId: youngPerson.id, slotId: slot.id, requestKey });
        const answers = await Promise.all([submit(), submit(), submit()]);
        expect(new Set(answers.map((a) => a.id)).size).toBe(1);
        expect(answers.filter((a) => a.created)).toHaveLength(1);
        expect(await walletBalance(allocation!.id)).toBe(1_500);
      }),
    );
    expect(await placesTaken(slot.id)).toBe(ROUNDS);
    expect(await db().booking.count({ where: { slotId: slot.id } })).toBe(ROUNDS);
    await expectLedgerOk(council.id);
  });

  it("two simultaneous redemptions of one code redeem once: one REDEEMED, one ALREADY_REDEEMED", async () => {
    const { council, programme, slot, provider } = await createScene({ activity: { capacity: 50, pricePence: 700 } });
    const people = await createYoungPeople(ROUNDS, { programmeId: programme.id, allocationPence: 2_000 });
    const bookings = await Promise.all(
      people.map(({ youngPerson }) => bookSlot(db(), { youngPersonId: youngPerson.id, slotId: slot.id, requestKey: randomUUID() })),
    );

    await Promise.all(
      bookings.map(async (booking) => {
        const scan = (name: string) => redeemBooking(db(), { code: booking.code, providerId: provider.id, actor: doorActor(name), now: slot.startsAt });
        const answers = await Promise.all([scan("Jo"), scan("Sam")]);
        expect(answers.map((a) => a.outcome).sort()).toEqual(["ALREADY_REDEEMED", "REDEEMED"]);
        const first = answers.find((a) => a.outcome === "REDEEMED")!;
        const second = answers.find((a) => a.outcome === "ALREADY_REDEEMED")!;
        expect(second.redeemedByName).toBe(first.redeemedByName);
        expect(await db().redemption.count({ where: { bookingId: booking.id } })).toBe(1);
        expect(await db().transfer.count({ where: { bookingId: booking.id, kind: "REDEEM" } })).toBe(1);
        expect(await holdBalance(booking.id)).toBe(0);
      }),
    );
    expect(await payableBalance(council.id, provider.id)).toBe(700 * ROUNDS);
    await expectLedgerOk(council.id);
  });

  it("a no-show racing a late redemption: exactly one wins and the hold ends once", async () => {
    const { council, programme, slot, provider } = await createScene({ programme: { noShowGraceMinutes: 60 }, activity: { capacity: 50, pricePence: 400 } });
    const people = await createYoungPeople(ROUNDS, { programmeId: programme.id, allocationPence: 2_000 });
    // Each judges by its own clock: the door's last minute (end + 119 min) and a sweep just after it closed (end + 121 min).
    const doorNow = new Date(slot.endsAt.getTime() + 119 * MINUTE);
    const sweepNow = new Date(slot.endsAt.getTime() + 121 * MINUTE);

    const outcomes = await Promise.all(
      people.map(async ({ youngPerson, allocation }) => {
        const booking = await bookSlot(db(), { youngPersonId: youngPerson.id, slotId: slot.id, requestKey: randomUUID() });
        const [redeemed, noShow] = await Promise.allSettled([
          redeemBooking(db(), { code: booking.code, providerId: provider.id, actor: doorActor(), now: doorNow }),
          markNoShow(db(), { bookingId: booking.id, now: sweepNow }),
        ]);
        const final = await db().booking.findUniqueOrThrow({ where: { id: booking.id }, select: { status: true } });
        if (final.status === "REDEEMED") {
          expect(redeemed).toMatchObject({ status: "fulfilled", value: { outcome: "REDEEMED" } });
          expect(noShow).toMatchObject({ status: "fulfilled", value: { outcome: "REDEEMED", changed: false } });
          expect(await walletBalance(allocation!.id)).toBe(1_600);
        } else {
          expect(final.status).toBe("NO_SHOW");
          expect(noShow).toMatchObject({ status: "fulfilled", value: { outcome: "NO_SHOW", changed: true } });
          expect(redeemed).toMatchObject({ status: "rejected", reason: { code: "BOOKING_ENDED" } });
          expect(await walletBalance(allocation!.id)).toBe(2_000);
        }
        expect(await db().transfer.count({ where: { bookingId: booking.id, kind: { in: ["REDEEM", "NO_SHOW_RELEASE"] } } })).toBe(1);
        return final.status;
      }),
    );
    expect(await placesTaken(slot.id)).toBe(ROUNDS);
    expect(await payableBalance(council.id, provider.id)).toBe(400 * outcomes.filter((s) => s === "REDEEMED").length);
    await expectLedgerOk(council.id);
  });

  it("a no-show racing a cancellation: exactly one wins, and credit and the place come back at most once", async () => {
    const { council, programme, slot } = await createScene({ activity: { capacity: 50, pricePence: 400, cancellationCutoffHours: 0 } });
    const people = await createYoungPeople(ROUNDS, { programmeId: programme.id, allocationPence: 2_000 });
    // Each call judges by its own clock (a slow request from before the start, a sweep from after the end).
    const cancelNow = new Date(slot.startsAt.getTime() - MINUTE);
    const sweepNow = new Date(slot.endsAt.getTime() + 121 * MINUTE);

    const outcomes = await Promise.all(
      people.map(async ({ youngPerson, allocation }) => {
        const booking = await bookSlot(db(), { youngPersonId: youngPerson.id, slotId: slot.id, requestKey: randomUUID() });
        const [cancelled, noShow] = await Promise.allSettled([
          cancelBooking(db(), { bookingId: booking.id, youngPersonId: youngPerson.id, now: cancelNow }),
          markNoShow(db(), { bookingId: booking.id, now: sweepNow }),
        ]);
        const final = await db().booking.findUniqueOrThrow({ where: { id: booking.id }, select: { status: true } });
        if (final.status === "CANCELLED") {
          expect(cancelled).toMatchObject({ status: "fulfilled", value: { alreadyCancelled: false } });
          expect(noShow).toMatchObject({ status: "fulfilled", value: { changed: false } });
        } else {
          expect(final.status).toBe("NO_SHOW");
          expect(noShow).toMatchObject({ status: "fulfilled", value: { changed: true } });
          expect(cancelled).toMatchObject({ status: "rejected", reason: { code: "BOOKING_ENDED" } });
        }
        expect(await walletBalance(allocation!.id)).toBe(2_000);
        return final.status;
      }),
    );
    expect(await placesTaken(slot.id)).toBe(outcomes.filter((s) => s === "NO_SHOW").length);
    await expectLedgerOk(council.id);
  });

  it("an allocation expiring while its bookings are cancelled returns every penny to the budget exactly once", async () => {
    const { council, programme, slot } = await createScene({
      programme: { endsOn: daysFromNow(1), fundedPence: 100_000 },
      activity: { capacity: 50, pricePence: 300, cancellationCutoffHours: 0 },
      slot: { startsAt: daysFromNow(10) },
    });
    const people = await createYoungPeople(ROUNDS, { programmeId: programme.id, allocationPence: 1_000 });
    const bookings = await Promise.all(
      people.map(({ youngPerson }) => bookSlot(db(), { youngPersonId: youngPerson.id, slotId: slot.id, requestKey: randomUUID() })),
    );
    const now = daysFromNow(3);

    await Promise.all(
      people.map(async ({ youngPerson, allocation }, i) => {
        const [expired, cancelled] = await Promise.all([
          expireAllocation(db(), { allocationId: allocation!.id, now }),
          cancelBooking(db(), { bookingId: bookings[i]!.id, youngPersonId: youngPerson.id, now }),
        ]);
        expect(expired.status).toBe("EXPIRED");
        expect(cancelled.alreadyCancelled).toBe(false);
        // Whichever went first, nothing is left in a wallet nobody can spend.
        expect(await walletBalance(allocation!.id)).toBe(0);
      }),
    );
    expect(await budgetBalance(programme.id)).toBe(100_000);
    expect(await placesTaken(slot.id)).toBe(0);
    await expectLedgerOk(council.id);
  });

  it("an allocation expiring while it books: either the booking is refused or it is held, never both", async () => {
    const { council, programme, slot } = await createScene({
      programme: { endsOn: daysFromNow(1), fundedPence: 100_000 },
      activity: { capacity: 50, pricePence: 300 },
      slot: { startsAt: daysFromNow(10) },
    });
    const people = await createYoungPeople(ROUNDS, { programmeId: programme.id, allocationPence: 1_000 });
    const allocationExpiry = people[0]!.allocation!.expiresAt;

    await Promise.all(
      people.map(async ({ youngPerson, allocation }) => {
        const [booked, expired] = await Promise.allSettled([
          // A request made just before the expiry, arriving as the expiry job runs just after it.
          bookSlot(db(), { youngPersonId: youngPerson.id, slotId: slot.id, requestKey: randomUUID(), now: new Date(allocationExpiry.getTime() - MINUTE) }),
          expireAllocation(db(), { allocationId: allocation!.id, now: new Date(allocationExpiry.getTime() + MINUTE) }),
        ]);
        expect(expired).toMatchObject({ status: "fulfilled" });
        const { returnedPence } = (expired as PromiseFulfilledResult<{ returnedPence: number }>).value;
        if (booked.status === "fulfilled") {
          expect(returnedPence).toBe(700);
          expect(await holdBalance(booked.value.id)).toBe(300);
        } else {
          // Refused either by the locked re-check, or earlier because the expiry had already emptied the wallet.
          expect(["ALLOCATION_EXPIRED", "NOT_ENOUGH_CREDIT"]).toContain((booked.reason as { code?: string }).code);
          expect(returnedPence).toBe(1_000);
        }
        expect(await walletBalance(allocation!.id)).toBe(0);
      }),
    );
    await expectLedgerOk(council.id);
  });

  it("a provider cancelling a slot while the council revokes and tops up its young people's passes refunds everyone once, without deadlock", async () => {
    const { council, programme, slot, provider } = await createScene({ programme: { fundedPence: 200_000 }, activity: { capacity: 60, pricePence: 250 } });
    const people = await createYoungPeople(4 * ROUNDS, { programmeId: programme.id, allocationPence: 1_000 });
    await Promise.all(people.map(({ youngPerson }) => bookSlot(db(), { youngPersonId: youngPerson.id, slotId: slot.id, requestKey: randomUUID() })));
    // Some passes ended already: their refunds go to the programme budget, which the calls below also touch.
    const ended = people.filter((_, i) => i % 2 === 0);
    for (const { allocation } of ended) await revokeAllocation(db(), { allocationId: allocation!.id, reason: "left" });
    const live = people.filter((_, i) => i % 2 === 1);

    const results = await Promise.allSettled([
      cancelSlot(db(), { slotId: slot.id, providerId: provider.id, reason: "flood" }),
      ...live.map(({ allocation }, i) =>
        i % 2 === 0
          ? revokeAllocation(db(), { allocationId: allocation!.id, reason: "left" })
          : topUpAllocation(db(), { allocationId: allocation!.id, amountPence: 100, reason: "reward", idempotencyKey: randomUUID() }),
      ),
    ]);

    for (const result of results) expect(result.status, String((result as PromiseRejectedResult).reason)).toBe("fulfilled");
    expect(results[0]).toMatchObject({ value: { refundedBookings: people.length } });
    expect(await placesTaken(slot.id)).toBe(0);
    await expectLedgerOk(council.id);
  });

  it("a provider cancelling a slot while its young people cancel refunds each booking once", async () => {
    const { council, programme, slot, provider } = await createScene({ activity: { capacity: 50, pricePence: 250 } });
    const people = await createYoungPeople(ROUNDS, { programmeId: programme.id, allocationPence: 1_000 });
    const bookings = await Promise.all(
      people.map(({ youngPerson }) => bookSlot(db(), { youngPersonId: youngPerson.id, slotId: slot.id, requestKey: randomUUID() })),
    );

    const [slotCancelled, ...cancels] = await Promise.allSettled([
      cancelSlot(db(), { slotId: slot.id, providerId: provider.id, reason: "storm" }),
      ...bookings.map((booking, i) => cancelBooking(db(), { bookingId: booking.id, youngPersonId: people[i]!.youngPerson.id })),
    ]);

    expect(slotCancelled, String((slotCancelled as PromiseRejectedResult).reason)).toMatchObject({ status: "fulfilled", value: { alreadyCancelled: false } });
    for (const cancel of cancels) expect(cancel.status, String((cancel as PromiseRejectedResult).reason)).toBe("fulfilled");
    const refundedBySlot = (slotCancelled as PromiseFulfilledResult<{ refundedBookings: number }>).value.refundedBookings;
    const refundedByPeople = cancels.filter((c) => c.status === "fulfilled" && !c.value.alreadyCancelled).length;
    expect(refundedBySlot + refundedByPeople).toBe(ROUNDS);
    for (const { allocation } of people) expect(await walletBalance(allocation!.id)).toBe(1_000);
    expect(await placesTaken(slot.id)).toBe(0);
    await expectLedgerOk(council.id);
  });
});
