// Model-based test of the money rules: random sequences of everything that moves money (issue, top up,
// book, cancel, provider cancels, redeem, till charge, no-show, expire, revoke, freeze, payouts) run
// against the real domain functions and a small in-memory model that predicts every outcome and balance.
// After EVERY step the ledger's invariants are verified and every balance is compared with the model.
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { DomainError, type DomainErrorCode } from "~/domain/errors";
import { verifyLedger } from "~/domain/ledger";
import { penceFromBigInt } from "~/domain/money";
import { bookSlot, cancelBooking, cancelSlot, chargePass, markNoShow, redeemBooking } from "~/domain/booking";
import { expireAllocation, issueAllocation, revokeAllocation, setAllocationFrozen, topUpAllocation } from "~/domain/programmes";
import { createPayoutRun, makeRedemptionsPayable, markPayoutPaid } from "~/domain/settlement";
import type { Category } from "~/generated/prisma/enums";
import { calendarDay, createActivity, createCouncil, createProgramme, createProvider, createYoungPerson, doorActor } from "../factories";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
/** RUNS sequences of MIN_STEPS..MAX_STEPS steps: about 2,500 steps; PROPERTY_RUNS=500 for a long soak. */
const RUNS = Number(process.env.PROPERTY_RUNS ?? 60);
const MIN_STEPS = 40;
const MAX_STEPS = 60;
const MAX_PEOPLE = 9;

// ---------------------------------------------------------------- the world each run starts from

type ProgrammeKey = "release" | "charge";
const PROGRAMMES: Record<ProgrammeKey, { noShowPolicy: "RELEASE" | "CHARGE"; graceMinutes: number; disputeDays: number; categories: Category[]; fundedPence: number }> = {
  release: { noShowPolicy: "RELEASE", graceMinutes: 60, disputeDays: 0, categories: ["SWIMMING", "MUSIC"], fundedPence: 7_000 },
  charge: { noShowPolicy: "CHARGE", graceMinutes: 30, disputeDays: 1, categories: ["SWIMMING", "MUSIC", "GYM"], fundedPence: 6_000 },
};
// Slots from 3 h to 44 h after the start; allocations expire at the end of the next day (about 40 h in).
const ACTIVITIES: { provider: 0 | 1; category: Category; pricePence: number; capacity: number; cutoffHours: number; slotsAtHours: number[] }[] = [
  { provider: 0, category: "SWIMMING", pricePence: 500, capacity: 3, cutoffHours: 24, slotsAtHours: [3, 26] },
  { provider: 0, category: "GYM", pricePence: 300, capacity: 2, cutoffHours: 2, slotsAtHours: [14, 44] },
  { provider: 1, category: "MUSIC", pricePence: 0, capacity: 2, cutoffHours: 0, slotsAtHours: [6, 20] },
  { provider: 1, category: "SWIMMING", pricePence: 1_200, capacity: 4, cutoffHours: 12, slotsAtHours: [10, 36] },
];
const INITIAL_PEOPLE: { programme: ProgrammeKey; allocationPence: number }[] = [
  { programme: "release", allocationPence: 2_000 },
  { programme: "release", allocationPence: 2_500 },
  { programme: "charge", allocationPence: 1_500 },
];

type AllocationStatus = "ACTIVE" | "FROZEN" | "REVOKED" | "EXPIRED";
type BookingStatus = "CONFIRMED" | "REDEEMED" | "CANCELLED" | "PROVIDER_CANCELLED" | "NO_SHOW";
type RedemptionStatus = "PENDING" | "PAYABLE" | "IN_PAYOUT" | "PAID";

type Person = { youngPersonId: string; allocationId: string; passCode: string; programme: ProgrammeKey; status: AllocationStatus; expiresAt: number; wallet: number };
type Slot = { id: string; activity: number; startsAt: number; endsAt: number; capacity: number; booked: number; cancelled: boolean };
type Booking = { id: string; code: string; person: number; slot: number; price: number; status: BookingStatus; requestKey: string; redemption: number | null };
type Redemption = { id: string; provider: 0 | 1; amount: number; status: RedemptionStatus; payableAt: number; payout: number | null };
type Charge = { person: number; activity: number; amount: number; requestKey: string; redemptionId: string };
type Payout = { id: string; amount: number; paid: boolean };

type Model = {
  now: number;
  budgets: Record<ProgrammeKey, number>;
  people: Person[];
  slots: Slot[];
  bookings: Booking[];
  redemptions: Redemption[];
  charges: Charge[];
  payouts: Payout[];
  payable: [number, number];
  inFlight: number;
  paidOut: number;
};

type Real = {
  councilId: string;
  funded: number;
  programmeIds: Record<ProgrammeKey, string>;
  providerIds: [string, string];
  activityIds: string[];
};

let stepsRun = 0;

async function setupWorld(): Promise<{ model: Model; real: Real }> {
  const db = getDb();
  currentKind = "setup";
  // Tomorrow 08:00 UTC; the allocations expire at the end of the day after (about T0 + 40 h).
  const t0 = calendarDay(new Date(Date.now() + DAY)).getTime() + 8 * HOUR;
  const council = await createCouncil();
  const programmeIds = {} as Record<ProgrammeKey, string>;
  for (const key of ["release", "charge"] as const) {
    const p = PROGRAMMES[key];
    const programme = await createProgramme({
      councilId: council.id,
      fundedPence: p.fundedPence,
      allowedCategories: p.categories,
      noShowPolicy: p.noShowPolicy,
      noShowGraceMinutes: p.graceMinutes,
      disputeWindowDays: p.disputeDays,
      startsOn: new Date(t0 - 30 * DAY),
      endsOn: new Date(t0 + DAY),
    });
    programmeIds[key] = programme.id;
  }
  const providers = [await createProvider({ councilId: council.id }), await createProvider({ councilId: council.id })];
  const model: Model = {
    now: t0,
    budgets: { release: PROGRAMMES.release.fundedPence, charge: PROGRAMMES.charge.fundedPence },
    people: [],
    slots: [],
    bookings: [],
    redemptions: [],
    charges: [],
    payouts: [],
    payable: [0, 0],
    inFlight: 0,
    paidOut: 0,
  };
  const activityIds: string[] = [];
  for (const [index, spec] of ACTIVITIES.entries()) {
    const { provider, venue } = providers[spec.provider]!;
    const activity = await createActivity({
      providerId: provider.id,
      councilId: council.id,
      venueId: venue.id,
      category: spec.category,
      pricePence: spec.pricePence,
      capacity: spec.capacity,
      cancellationCutoffHours: spec.cutoffHours,
    });
    activityIds.push(activity.id);
    for (const hours of spec.slotsAtHours) {
      const startsAt = t0 + hours * HOUR;
      const endsAt = startsAt + 90 * MINUTE;
      const slot = await db.slot.create({ data: { activityId: activity.id, startsAt: new Date(startsAt), endsAt: new Date(endsAt), capacity: spec.capacity } });
      model.slots.push({ id: slot.id, activity: index, startsAt, endsAt, capacity: spec.capacity, booked: 0, cancelled: false });
    }
  }
  const real: Real = {
    councilId: council.id,
    funded: PROGRAMMES.release.fundedPence + PROGRAMMES.charge.fundedPence,
    programmeIds,
    providerIds: [providers[0]!.provider.id, providers[1]!.provider.id],
    activityIds,
  };
  for (const person of INITIAL_PEOPLE) await issue(model, real, person.programme, person.allocationPence);
  return { model, real };
}

// ---------------------------------------------------------------- steps: predict, act, compare, update the model

type Outcome<T> = { ok: true; value: T } | { ok: false; code: DomainErrorCode };

/** What each kind of step did, counted: proof the sequences reach every branch (printed with PROPERTY_STATS=1). */
const seen = new Map<string, number>();
let currentKind = "";
const count = (what: string) => seen.set(what, (seen.get(what) ?? 0) + 1);

async function attempt<T>(call: () => Promise<T>): Promise<Outcome<T>> {
  try {
    const value = await call();
    seen.set(`${currentKind} ok`, (seen.get(`${currentKind} ok`) ?? 0) + 1);
    return { ok: true, value };
  } catch (error) {
    if (error instanceof DomainError) {
      seen.set(`${currentKind} ${error.code}`, (seen.get(`${currentKind} ${error.code}`) ?? 0) + 1);
      return { ok: false, code: error.code };
    }
    throw error;
  }
}

function expectRefused(outcome: Outcome<unknown>, code: DomainErrorCode) {
  expect(outcome.ok ? { ok: true, value: outcome.value } : outcome).toEqual({ ok: false, code });
}

function expectDone<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) expect.fail(`expected success, got ${outcome.code}`);
  return outcome.value;
}

const now = (m: Model) => new Date(m.now);
const isLive = (status: BookingStatus) => status === "CONFIRMED" || status === "REDEEMED" || status === "NO_SHOW";
const allocationEnded = (p: Person) => p.status === "REVOKED" || p.status === "EXPIRED";

/** Held credit back: to the wallet while the allocation can be spent, otherwise to its programme's budget. */
function refund(m: Model, person: Person, pence: number) {
  if (pence > 0) count(`refund to ${allocationEnded(person) ? "budget (allocation ended)" : "wallet"}`);
  if (allocationEnded(person)) m.budgets[person.programme] += pence;
  else person.wallet += pence;
}

function redemptionFor(m: Model, provider: 0 | 1, id: string, amount: number, disputeDays: number): number {
  m.redemptions.push({ id, provider, amount, status: "PENDING", payableAt: m.now + disputeDays * DAY, payout: null });
  m.payable[provider] += amount;
  return m.redemptions.length - 1;
}

async function issue(m: Model, r: Real, programme: ProgrammeKey, amountPence: number) {
  const { youngPerson } = await createYoungPerson({ councilId: r.councilId, withAllocation: false });
  const outcome = await attempt(() => issueAllocation(getDb(), { programmeId: r.programmeIds[programme], youngPersonId: youngPerson.id, amountPence }));
  if (amountPence > m.budgets[programme]) return expectRefused(outcome, "INSUFFICIENT_FUNDS");
  const allocation = expectDone(outcome);
  m.budgets[programme] -= amountPence;
  m.people.push({
    youngPersonId: youngPerson.id,
    allocationId: allocation.id,
    passCode: youngPerson.passCode,
    programme,
    status: "ACTIVE",
    expiresAt: allocation.expiresAt.getTime(),
    wallet: amountPence,
  });
}

type Op =
  | { kind: "issue"; programme: ProgrammeKey; amount: number }
  | { kind: "topUp"; person: number; amount: number }
  | { kind: "book"; person: number; slot: number; repeatEarlierRequest: boolean }
  | { kind: "cancel"; booking: number }
  | { kind: "cancelSlot"; slot: number }
  | { kind: "redeem"; booking: number; variant: "own provider" | "other provider" | "unknown code"; onlyConfirmed: boolean }
  | { kind: "charge"; person: number; activity: number; amount: number; repeatEarlierCharge: boolean }
  | { kind: "noShow"; booking: number }
  | { kind: "expire"; person: number }
  | { kind: "revoke"; person: number }
  | { kind: "freeze"; person: number; frozen: boolean }
  | { kind: "advance"; minutes: number }
  /** Moves the clock (forward only) to a moment around a slot: its door window, its end, its no-show grace. */
  | { kind: "goToSlot"; slot: number; minutesFromStart: number }
  | { kind: "makePayable" }
  | { kind: "payoutRun" }
  | { kind: "markPaid"; payout: number };

function applicable(m: Model, op: Op): boolean {
  switch (op.kind) {
    case "issue":
      return m.people.length < MAX_PEOPLE;
    case "cancel":
    case "redeem":
    case "noShow":
      return m.bookings.length > 0;
    case "markPaid":
      return m.payouts.length > 0;
    case "goToSlot":
      return reachableSlots(m, op.minutesFromStart).length > 0;
    case "advance":
      return m.now < m.slots.reduce((latest, s) => Math.max(latest, s.endsAt), 0) + 2 * DAY;
    default:
      return true;
  }
}

const pick = <T>(list: T[], index: number): [T, number] => [list[index % list.length]!, index % list.length];
/** Time only moves forward: the slots whose moment (start + minutes) is still ahead. */
const reachableSlots = (m: Model, minutesFromStart: number) => m.slots.filter((s) => s.startsAt + minutesFromStart * MINUTE > m.now);
const doorOpen = (m: Model, slot: Slot) => m.now >= slot.startsAt - 60 * MINUTE && m.now <= slot.endsAt + 120 * MINUTE;

async function perform(m: Model, r: Real, op: Op) {
  const db = getDb();
  switch (op.kind) {
    case "issue":
      return issue(m, r, op.programme, op.amount);

    case "topUp": {
      const [person] = pick(m.people, op.person);
      const outcome = await attempt(() =>
        topUpAllocation(db, { allocationId: person.allocationId, amountPence: op.amount, reason: "reward for attendance", idempotencyKey: randomUUID() }),
      );
      if (person.status === "REVOKED") return expectRefused(outcome, "ALLOCATION_REVOKED");
      if (person.status === "EXPIRED") return expectRefused(outcome, "ALLOCATION_EXPIRED");
      if (op.amount > m.budgets[person.programme]) return expectRefused(outcome, "INSUFFICIENT_FUNDS");
      expect(expectDone(outcome).created).toBe(true);
      m.budgets[person.programme] -= op.amount;
      person.wallet += op.amount;
      return;
    }

    case "book": {
      const [person, personIndex] = pick(m.people, op.person);
      const earlier = m.bookings.filter((b) => b.person === personIndex);
      if (op.repeatEarlierRequest && earlier.length > 0) {
        // The same form sent again answers with the first booking, whatever has happened to it since.
        const [first] = pick(earlier, op.slot);
        const outcome = await attempt(() => bookSlot(db, { youngPersonId: person.youngPersonId, slotId: m.slots[first.slot]!.id, requestKey: first.requestKey, now: now(m) }));
        expect(expectDone(outcome)).toMatchObject({ id: first.id, created: false });
        return;
      }
      const [slot, slotIndex] = pick(m.slots, op.slot);
      const activity = ACTIVITIES[slot.activity]!;
      const requestKey = randomUUID();
      const outcome = await attempt(() => bookSlot(db, { youngPersonId: person.youngPersonId, slotId: slot.id, requestKey, now: now(m) }));
      if (slot.cancelled) return expectRefused(outcome, "SLOT_CANCELLED");
      if (slot.startsAt <= m.now) return expectRefused(outcome, "SLOT_STARTED");
      if (!PROGRAMMES[person.programme].categories.includes(activity.category)) return expectRefused(outcome, "ACTIVITY_NOT_ALLOWED");
      if (person.status === "FROZEN") return expectRefused(outcome, "ALLOCATION_FROZEN");
      if (person.status === "REVOKED") return expectRefused(outcome, "ALLOCATION_REVOKED");
      if (person.status === "EXPIRED" || person.expiresAt <= m.now) return expectRefused(outcome, "ALLOCATION_EXPIRED");
      if (activity.pricePence > person.wallet) return expectRefused(outcome, "NOT_ENOUGH_CREDIT");
      if (slot.booked >= slot.capacity) return expectRefused(outcome, "SLOT_FULL");
      if (m.bookings.some((b) => b.person === personIndex && b.slot === slotIndex && isLive(b.status))) return expectRefused(outcome, "ALREADY_BOOKED");
      const booked = expectDone(outcome);
      expect(booked).toMatchObject({ pricePence: activity.pricePence, created: true });
      slot.booked++;
      person.wallet -= activity.pricePence;
      m.bookings.push({ id: booked.id, code: booked.code, person: personIndex, slot: slotIndex, price: activity.pricePence, status: "CONFIRMED", requestKey, redemption: null });
      return;
    }

    case "cancel": {
      const [booking] = pick(m.bookings, op.booking);
      const person = m.people[booking.person]!;
      const slot = m.slots[booking.slot]!;
      const outcome = await attempt(() => cancelBooking(db, { bookingId: booking.id, youngPersonId: person.youngPersonId, now: now(m) }));
      if (booking.status === "CANCELLED" || booking.status === "PROVIDER_CANCELLED") {
        expect(expectDone(outcome)).toEqual({ bookingId: booking.id, refundedPence: booking.price, alreadyCancelled: true });
        return;
      }
      if (booking.status === "REDEEMED") return expectRefused(outcome, "ALREADY_REDEEMED");
      if (booking.status === "NO_SHOW") return expectRefused(outcome, "BOOKING_ENDED");
      if (m.now > slot.startsAt - ACTIVITIES[slot.activity]!.cutoffHours * HOUR) return expectRefused(outcome, "PAST_CUTOFF");
      expect(expectDone(outcome)).toEqual({ bookingId: booking.id, refundedPence: booking.price, alreadyCancelled: false });
      booking.status = "CANCELLED";
      slot.booked--;
      refund(m, person, booking.price);
      return;
    }

    case "cancelSlot": {
      const [slot, slotIndex] = pick(m.slots, op.slot);
      const providerId = r.providerIds[ACTIVITIES[slot.activity]!.provider];
      const outcome = await attempt(() => cancelSlot(db, { slotId: slot.id, providerId, reason: "instructor ill", now: now(m) }));
      if (slot.cancelled) {
        expect(expectDone(outcome)).toEqual({ refundedBookings: 0, alreadyCancelled: true });
        return;
      }
      const confirmed = m.bookings.filter((b) => b.slot === slotIndex && b.status === "CONFIRMED");
      expect(expectDone(outcome)).toEqual({ refundedBookings: confirmed.length, alreadyCancelled: false });
      slot.cancelled = true;
      for (const booking of confirmed) {
        booking.status = "PROVIDER_CANCELLED";
        slot.booked--;
        refund(m, m.people[booking.person]!, booking.price);
      }
      return;
    }

    case "redeem": {
      // Mostly someone actually at the door: a confirmed booking whose door window is open, when there is one.
      const confirmed = m.bookings.filter((b) => b.status === "CONFIRMED");
      const atTheDoor = confirmed.filter((b) => doorOpen(m, m.slots[b.slot]!));
      const candidates = !op.onlyConfirmed ? m.bookings : atTheDoor.length > 0 ? atTheDoor : confirmed.length > 0 ? confirmed : m.bookings;
      const [booking] = pick(candidates, op.booking);
      const slot = m.slots[booking.slot]!;
      const provider = ACTIVITIES[slot.activity]!.provider;
      const providerId = r.providerIds[op.variant === "other provider" ? 1 - provider : provider]!;
      const code = op.variant === "unknown code" ? "ZZZZ-ZZZZ" : booking.code;
      const outcome = await attempt(() => redeemBooking(db, { code, providerId, actor: doorActor("Jo"), now: now(m) }));
      if (op.variant === "unknown code") return expectRefused(outcome, "UNKNOWN_CODE");
      if (op.variant === "other provider") return expectRefused(outcome, "WRONG_PROVIDER");
      if (booking.redemption !== null) {
        expect(expectDone(outcome).outcome).toBe("ALREADY_REDEEMED");
        return;
      }
      if (booking.status !== "CONFIRMED") return expectRefused(outcome, "BOOKING_ENDED");
      if (m.now < slot.startsAt - 60 * MINUTE || m.now > slot.endsAt + 120 * MINUTE) return expectRefused(outcome, "OUTSIDE_REDEMPTION_WINDOW");
      expect(expectDone(outcome)).toMatchObject({ outcome: "REDEEMED", redeemedByName: "Jo" });
      const row = await db.redemption.findUniqueOrThrow({ where: { bookingId: booking.id }, select: { id: true } });
      booking.status = "REDEEMED";
      booking.redemption = redemptionFor(m, provider, row.id, booking.price, PROGRAMMES[m.people[booking.person]!.programme].disputeDays);
      return;
    }

    case "charge": {
      if (op.repeatEarlierCharge && m.charges.length > 0) {
        const [first] = pick(m.charges, op.person);
        const spec = ACTIVITIES[first.activity]!;
        const outcome = await attempt(() =>
          chargePass(db, {
            passCode: m.people[first.person]!.passCode,
            providerId: r.providerIds[spec.provider],
            activityId: r.activityIds[first.activity]!,
            amountPence: first.amount,
            requestKey: first.requestKey,
            actor: doorActor(),
            now: now(m),
          }),
        );
        expect(expectDone(outcome)).toEqual({ redemptionId: first.redemptionId, amountPence: first.amount, created: false });
        return;
      }
      const [person, personIndex] = pick(m.people, op.person);
      const [spec, activityIndex] = pick(ACTIVITIES, op.activity);
      const requestKey = randomUUID();
      const outcome = await attempt(() =>
        chargePass(db, {
          passCode: person.passCode,
          providerId: r.providerIds[spec.provider],
          activityId: r.activityIds[activityIndex]!,
          amountPence: op.amount,
          requestKey,
          actor: doorActor(),
          now: now(m),
        }),
      );
      if (op.amount > spec.pricePence) return expectRefused(outcome, "AMOUNT_TOO_HIGH");
      const usable = person.status === "ACTIVE" && person.expiresAt > m.now && PROGRAMMES[person.programme].categories.includes(spec.category);
      if (!usable) return expectRefused(outcome, "ACTIVITY_NOT_ALLOWED");
      if (op.amount > person.wallet) return expectRefused(outcome, "NOT_ENOUGH_CREDIT");
      const charged = expectDone(outcome);
      expect(charged).toMatchObject({ amountPence: op.amount, created: true });
      person.wallet -= op.amount;
      redemptionFor(m, spec.provider, charged.redemptionId, op.amount, PROGRAMMES[person.programme].disputeDays);
      m.charges.push({ person: personIndex, activity: activityIndex, amount: op.amount, requestKey, redemptionId: charged.redemptionId });
      return;
    }

    case "noShow": {
      const [booking] = pick(m.bookings, op.booking);
      const slot = m.slots[booking.slot]!;
      const person = m.people[booking.person]!;
      const programme = PROGRAMMES[person.programme];
      const outcome = await attempt(() => markNoShow(db, { bookingId: booking.id, now: now(m) }));
      if (booking.status !== "CONFIRMED") {
        expect(expectDone(outcome)).toEqual({ outcome: booking.status, changed: false });
        return;
      }
      // Never while the door could still redeem it (two hours after the end), whatever the grace.
      if (m.now < slot.endsAt + Math.max(programme.graceMinutes, 120) * MINUTE) return expectRefused(outcome, "INVALID_INPUT");
      expect(expectDone(outcome)).toEqual({ outcome: "NO_SHOW", changed: true });
      booking.status = "NO_SHOW";
      if (programme.noShowPolicy === "RELEASE") {
        refund(m, person, booking.price);
      } else {
        const row = await db.redemption.findUniqueOrThrow({ where: { bookingId: booking.id }, select: { id: true } });
        booking.redemption = redemptionFor(m, ACTIVITIES[slot.activity]!.provider, row.id, booking.price, programme.disputeDays);
      }
      return;
    }

    case "expire": {
      const [person] = pick(m.people, op.person);
      const outcome = await attempt(() => expireAllocation(db, { allocationId: person.allocationId, now: now(m) }));
      if (allocationEnded(person)) {
        expect(expectDone(outcome)).toEqual({ returnedPence: 0, status: person.status });
        return;
      }
      if (person.expiresAt > m.now) return expectRefused(outcome, "INVALID_INPUT");
      expect(expectDone(outcome)).toEqual({ returnedPence: person.wallet, status: "EXPIRED" });
      m.budgets[person.programme] += person.wallet;
      person.wallet = 0;
      person.status = "EXPIRED";
      return;
    }

    case "revoke": {
      const [person] = pick(m.people, op.person);
      const outcome = await attempt(() => revokeAllocation(db, { allocationId: person.allocationId, reason: "moved away" }));
      if (allocationEnded(person)) {
        expect(expectDone(outcome)).toEqual({ returnedPence: 0, status: person.status });
        return;
      }
      expect(expectDone(outcome)).toEqual({ returnedPence: person.wallet, status: "REVOKED" });
      m.budgets[person.programme] += person.wallet;
      person.wallet = 0;
      person.status = "REVOKED";
      return;
    }

    case "freeze": {
      const [person] = pick(m.people, op.person);
      const outcome = await attempt(() => setAllocationFrozen(db, { allocationId: person.allocationId, frozen: op.frozen }));
      const from = op.frozen ? "ACTIVE" : "FROZEN";
      if (person.status === from) person.status = op.frozen ? "FROZEN" : "ACTIVE";
      expect(expectDone(outcome)).toBe(person.status);
      return;
    }

    case "advance":
      m.now += op.minutes * MINUTE;
      return;

    case "goToSlot": {
      // Preferably a slot someone has booked, so doors, no-shows and payouts have something to work on.
      const reachable = reachableSlots(m, op.minutesFromStart);
      const booked = reachable.filter((s) => m.bookings.some((b) => b.status === "CONFIRMED" && m.slots[b.slot] === s));
      const [slot] = pick(booked.length > 0 ? booked : reachable, op.slot);
      m.now = slot.startsAt + op.minutesFromStart * MINUTE;
      return;
    }

    case "makePayable": {
      const due = m.redemptions.filter((x) => x.status === "PENDING" && x.payableAt <= m.now);
      expect(await makeRedemptionsPayable(db, { councilId: r.councilId, now: now(m) })).toBe(due.length);
      count(`makePayable ${due.length > 0 ? "some" : "none"}`);
      for (const x of due) x.status = "PAYABLE";
      return;
    }

    case "payoutRun": {
      const run = await createPayoutRun(db, { councilId: r.councilId, now: now(m) });
      // A run takes what is payable and what has passed its dispute window without waiting for makePayable.
      const taken = m.redemptions.filter((x) => x.payout === null && x.amount > 0 && (x.status === "PAYABLE" || (x.status === "PENDING" && x.payableAt <= m.now)));
      count(`payoutRun ${taken.length > 0 ? "created" : "nothing to pay"}`);
      if (taken.length === 0) {
        expect(run).toBeNull();
        return;
      }
      expect(run).not.toBeNull();
      const byProvider = [0, 0];
      for (const x of taken) byProvider[x.provider]! += x.amount;
      const payouts = run!.payouts.map((p) => ({ provider: r.providerIds.indexOf(p.providerId), amount: p.amountPence }));
      expect(payouts.sort((a, b) => a.provider - b.provider)).toEqual(
        ([0, 1] as const).filter((p) => byProvider[p]! > 0).map((p) => ({ provider: p, amount: byProvider[p] })),
      );
      for (const payout of run!.payouts) {
        const provider = r.providerIds.indexOf(payout.providerId) as 0 | 1;
        m.payouts.push({ id: payout.id, amount: payout.amountPence, paid: false });
        for (const x of taken.filter((t) => t.provider === provider)) {
          x.status = "IN_PAYOUT";
          x.payout = m.payouts.length - 1;
        }
        m.payable[provider] -= payout.amountPence;
        m.inFlight += payout.amountPence;
      }
      return;
    }

    case "markPaid": {
      const [payout, payoutIndex] = pick(m.payouts, op.payout);
      const result = await markPayoutPaid(db, { payoutId: payout.id, now: now(m) });
      expect(result).toEqual({ changed: !payout.paid });
      count(`markPaid ${payout.paid ? "again" : "paid"}`);
      if (!payout.paid) {
        payout.paid = true;
        m.inFlight -= payout.amount;
        m.paidOut += payout.amount;
        for (const x of m.redemptions.filter((x) => x.payout === payoutIndex)) x.status = "PAID";
      }
      return;
    }
  }
}

/** The whole council, read back and compared with the model; then every ledger invariant. */
async function compareWithModel(m: Model, r: Real, after: string) {
  const db = getDb();
  const [report, accounts, slots, bookings, allocations, redemptions] = await Promise.all([
    verifyLedger(db, r.councilId),
    db.account.findMany({ where: { councilId: r.councilId }, select: { type: true, balancePence: true, allocationId: true, programmeId: true, providerId: true } }),
    db.slot.findMany({ where: { activity: { councilId: r.councilId } }, select: { id: true, booked: true } }),
    db.booking.findMany({ where: { councilId: r.councilId }, select: { id: true, status: true } }),
    db.allocation.findMany({ where: { councilId: r.councilId }, select: { id: true, status: true } }),
    db.redemption.findMany({ where: { councilId: r.councilId }, select: { id: true, status: true, amountPence: true } }),
  ]);
  expect(report.violations, `ledger invariants after ${after}`).toEqual([]);
  expect(report.ok).toBe(true);
  expect(report.fundedPence).toBe(r.funded);

  const balance = (where: (a: (typeof accounts)[number]) => boolean) => penceFromBigInt(accounts.find(where)?.balancePence ?? 0n);
  const actual = {
    budgets: { release: balance((a) => a.programmeId === r.programmeIds.release), charge: balance((a) => a.programmeId === r.programmeIds.charge) },
    wallets: m.people.map((p) => balance((a) => a.allocationId === p.allocationId)),
    payable: r.providerIds.map((id) => balance((a) => a.type === "PROVIDER_PAYABLE" && a.providerId === id)),
    inFlight: balance((a) => a.type === "PAYOUT_IN_FLIGHT"),
    paidOut: balance((a) => a.type === "PAID_OUT"),
    booked: m.slots.map((s) => slots.find((x) => x.id === s.id)?.booked),
    bookings: m.bookings.map((b) => bookings.find((x) => x.id === b.id)?.status),
    allocations: m.people.map((p) => allocations.find((x) => x.id === p.allocationId)?.status),
    redemptions: m.redemptions.map((x) => redemptions.find((y) => y.id === x.id)).map((y) => y && { status: y.status, amount: y.amountPence }),
  };
  const expected = {
    budgets: m.budgets,
    wallets: m.people.map((p) => p.wallet),
    payable: m.payable,
    inFlight: m.inFlight,
    paidOut: m.paidOut,
    booked: m.slots.map((s) => s.booked),
    bookings: m.bookings.map((b) => b.status),
    allocations: m.people.map((p) => p.status),
    redemptions: m.redemptions.map((x) => ({ status: x.status, amount: x.amount })),
  };
  expect(actual, `database vs model after ${after}`).toEqual(expected);
  expect(bookings).toHaveLength(m.bookings.length);
  expect(redemptions).toHaveLength(m.redemptions.length);
}

class Step implements fc.AsyncCommand<Model, Real> {
  constructor(readonly op: Op) {}
  check(m: Readonly<Model>) {
    return applicable(m as Model, this.op);
  }
  async run(m: Model, r: Real) {
    currentKind = this.op.kind;
    seen.set(`${currentKind} (steps)`, (seen.get(`${currentKind} (steps)`) ?? 0) + 1);
    await perform(m, r, this.op);
    stepsRun++;
    await compareWithModel(m, r, this.toString());
  }
  toString() {
    return JSON.stringify(this.op);
  }
}

const index = fc.nat({ max: 1_000 });
const step = (arbitrary: fc.Arbitrary<Op>, weight: number) => ({ arbitrary: arbitrary.map((op) => new Step(op)), weight });
const steps = [
  step(fc.record({ kind: fc.constant("issue" as const), programme: fc.constantFrom<ProgrammeKey>("release", "charge"), amount: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 4_000 })) }), 2),
  step(fc.record({ kind: fc.constant("topUp" as const), person: index, amount: fc.integer({ min: 1, max: 3_000 }) }), 2),
  step(fc.record({ kind: fc.constant("book" as const), person: index, slot: index, repeatEarlierRequest: fc.integer({ min: 0, max: 6 }).map((n) => n === 0) }), 10),
  step(fc.record({ kind: fc.constant("cancel" as const), booking: index }), 4),
  step(fc.record({ kind: fc.constant("cancelSlot" as const), slot: index }), 1),
  step(
    fc.record({
      kind: fc.constant("redeem" as const),
      booking: index,
      variant: fc.constantFrom("own provider", "own provider", "own provider", "other provider", "unknown code"),
      onlyConfirmed: fc.boolean(),
    }),
    6,
  ),
  step(fc.record({ kind: fc.constant("charge" as const), person: index, activity: index, amount: fc.integer({ min: 1, max: 1_300 }), repeatEarlierCharge: fc.boolean() }), 4),
  step(fc.record({ kind: fc.constant("noShow" as const), booking: index }), 4),
  step(fc.record({ kind: fc.constant("expire" as const), person: index }), 2),
  step(fc.record({ kind: fc.constant("revoke" as const), person: index }), 2),
  step(fc.record({ kind: fc.constant("freeze" as const), person: index, frozen: fc.boolean() }), 2),
  // Mostly short steps (door windows are hours wide), sometimes long ones (to reach no-shows and expiry).
  step(fc.record({ kind: fc.constant("advance" as const), minutes: fc.oneof({ arbitrary: fc.integer({ min: 5, max: 120 }), weight: 2 }, { arbitrary: fc.integer({ min: 120, max: 16 * 60 }), weight: 1 }) }), 6),
  step(fc.record({ kind: fc.constant("goToSlot" as const), slot: index, minutesFromStart: fc.integer({ min: -70, max: 240 }) }), 5),
  step(fc.constant({ kind: "makePayable" as const }), 3),
  step(fc.constant({ kind: "payoutRun" as const }), 2),
  step(fc.record({ kind: fc.constant("markPaid" as const), payout: index }), 4),
];

describe("the ledger under random sequences of everything that moves money", () => {
  it(
    "keeps every balance as the model predicts, and every invariant, after every step",
    async () => {
      await fc.assert(
        // A plain array of commands (not fc.commands) so every sequence is long; shrinking still works on arrays.
        fc.asyncProperty(fc.array(fc.oneof(...steps), { minLength: MIN_STEPS, maxLength: MAX_STEPS }), (commands) =>
          fc.asyncModelRun(setupWorld, commands),
        ),
        // A failure prints its seed and path: replay it with PROPERTY_SEED and PROPERTY_PATH (PROPERTY_SHRINK=1 to shrink it).
        {
          numRuns: RUNS,
          endOnFailure: process.env.PROPERTY_SHRINK !== "1",
          ...(process.env.PROPERTY_SEED ? { seed: Number(process.env.PROPERTY_SEED), path: process.env.PROPERTY_PATH } : {}),
        },
      );
      if (process.env.PROPERTY_STATS === "1") console.info({ stepsRun, outcomes: Object.fromEntries([...seen].sort()) });
      // Thousands of operations in total, each followed by the full comparison.
      expect(stepsRun).toBeGreaterThanOrEqual(RUNS * 30);
    },
    600_000,
  );
});
