// Booking a slot: capacity and credit are taken together in one statement, or not at all.
import { randomUUID } from "node:crypto";
import { isDatabaseUnavailable, isUniqueViolation, type Db } from "~/lib/db.server";
import { Prisma } from "~/generated/prisma/client";
import { newBookingCode } from "../codes";
import { DomainError } from "../errors";
import { openHoldSteps } from "../ledger/holds";
import { formatPence } from "../money";
import { ageOn } from "./windows";

export type BookSlotInput = {
  youngPersonId: string;
  slotId: string;
  /** The form's one-off token: the same request twice books once. */
  requestKey: string;
  now?: Date;
};

export type BookedSlot = { id: string; code: string; pricePence: number; created: boolean };

export async function bookSlot(db: Db, input: BookSlotInput): Promise<BookedSlot> {
  const now = input.now ?? new Date();
  // Read and explain first, outside the transaction and in one query; the transaction re-checks everything that can change.
  const facts = await readBookingFacts(db, input, now);
  if (facts.earlier) return { ...facts.earlier, created: false };
  const { slot, activity, youngPerson } = facts;
  if (!slot || !activity || !youngPerson || activity.councilId !== youngPerson.councilId) {
    throw new DomainError("NOT_FOUND", "We could not find that session.");
  }
  if (slot.status === "CANCELLED") throw new DomainError("SLOT_CANCELLED", "This session has been cancelled by the provider. Pick another time.", "slotId");
  if (activity.status !== "LIVE") throw new DomainError("ACTIVITY_UNAVAILABLE", "This activity is not taking bookings at the moment.");
  if (slot.startsAt <= now) throw new DomainError("SLOT_STARTED", "This session has already started. Pick a later time.", "slotId");
  if (facts.vetting !== "APPROVED") {
    throw new DomainError("PROVIDER_NOT_APPROVED", "This provider is not taking Playpass bookings at the moment.");
  }
  const age = ageOn(youngPerson.dateOfBirth, slot.startsAt);
  if (age < activity.minAge || age > activity.maxAge) {
    throw new DomainError("AGE_NOT_ELIGIBLE", `This activity is for ages ${activity.minAge} to ${activity.maxAge}.`);
  }
  if (youngPerson.status === "AWAITING_CONSENT") {
    throw new DomainError(
      "AWAITING_CONSENT",
      "Your parent or carer needs to say yes before you can book. We sent them a link: ask them to open it, then try again.",
    );
  }
  const allocation = chooseAllocation(facts.allocations, activity.category, activity.pricePence, now);
  // A place held for this young person from the waiting list: they book into it, nobody else can.
  const offerId = facts.offerId;
  // Full when read: say so now rather than open a transaction to find out (the transaction's own check is the one that counts).
  if (offerId === null && slot.booked + slot.offered >= slot.capacity) throw slotFull();

  try {
    const placed = await placeBooking(db, {
      bookingId: randomUUID(),
      councilId: activity.councilId,
      slotId: slot.id,
      youngPersonId: youngPerson.id,
      allocation,
      pricePence: activity.pricePence,
      requestKey: input.requestKey,
      offerId,
      now,
    });
    if (placed.booking) return { ...placed.booking, created: true };
    throw whyNotPlaced(placed, offerId !== null, activity.pricePence, now);
  } catch (error) {
    if (isUniqueViolation(error)) {
      const same = await findByRequestKey(db, input);
      if (same) return same;
      throw new DomainError("ALREADY_BOOKED", "You have already booked this session. You can find it in My bookings.", "slotId");
    }
    // The connection died: unless the commit got through (then this is the booking), it was rolled back; the same request key books once.
    if (isDatabaseUnavailable(error)) {
      const committed = await findByRequestKey(db, input).catch(() => null);
      if (committed) return committed;
      throw new DomainError("TRY_AGAIN", "We could not book this just now and nothing was taken from your pass. Please try again.", "slotId");
    }
    throw error;
  }
}

async function findByRequestKey(db: Db, input: BookSlotInput): Promise<BookedSlot | null> {
  const booking = await db.booking.findUnique({
    where: { youngPersonId_requestKey: { youngPersonId: input.youngPersonId, requestKey: input.requestKey } },
    select: { id: true, code: true, pricePence: true },
  });
  return booking ? { ...booking, created: false } : null;
}

type BookingFacts = {
  earlier: { id: string; code: string; pricePence: number } | null;
  slot: { id: string; status: string; startsAt: Date; capacity: number; booked: number; offered: number } | null;
  activity: {
    councilId: string;
    status: string;
    minAge: number;
    maxAge: number;
    category: string;
    pricePence: number;
  } | null;
  vetting: string | null;
  youngPerson: { id: string; councilId: string; dateOfBirth: Date; status: string } | null;
  allocations: AllocationChoice[];
  offerId: string | null;
};

type AllocationChoice = {
  id: string;
  status: string;
  expiresAt: Date;
  allowedCategories: string[];
  maxPerBookingPence: number | null;
  walletId: string | null;
  balancePence: number;
};

type FactsRow = {
  earlier: { id: string; code: string; pricePence: number } | null;
  slotId: string | null;
  slotStatus: string | null;
  startsAt: Date | null;
  capacity: number | null;
  booked: number | null;
  offered: number | null;
  councilId: string | null;
  activityStatus: string | null;
  minAge: number | null;
  maxAge: number | null;
  category: string | null;
  pricePence: number | null;
  vetting: string | null;
  youngPersonId: string | null;
  youngPersonCouncilId: string | null;
  dateOfBirth: string | null;
  youngPersonStatus: string | null;
  allocations: Array<Omit<AllocationChoice, "expiresAt"> & { expiresAt: string }>;
  offerId: string | null;
};

/**
 * Everything booking checks before its transaction, in one round trip: an earlier booking with this request key,
 * the slot and its activity, the provider's vetting, the young person, their allocations (soonest expiry first)
 * with programme rules and wallet balances, and a live waiting-list offer of this slot to them.
 */
async function readBookingFacts(db: Db, input: BookSlotInput, now: Date): Promise<BookingFacts> {
  const [row] = await db.$queryRaw<FactsRow[]>`
    SELECT
      (SELECT json_build_object('id', b."id", 'code', b."code", 'pricePence', b."pricePence") FROM "Booking" b
        WHERE b."youngPersonId" = ${input.youngPersonId}::uuid AND b."requestKey" = ${input.requestKey}) AS "earlier",
      s."id" AS "slotId", s."status"::text AS "slotStatus", s."startsAt", s."capacity", s."booked", s."offered",
      a."councilId", a."status"::text AS "activityStatus", a."minAge", a."maxAge", a."category"::text AS "category", a."pricePence",
      (SELECT pc."status"::text FROM "ProviderCouncil" pc WHERE pc."providerId" = a."providerId" AND pc."councilId" = a."councilId") AS "vetting",
      yp."id" AS "youngPersonId", yp."councilId" AS "youngPersonCouncilId", to_char(yp."dateOfBirth", 'YYYY-MM-DD') AS "dateOfBirth",
      yp."status"::text AS "youngPersonStatus",
      COALESCE((
        SELECT json_agg(json_build_object('id', al."id", 'status', al."status", 'expiresAt', al."expiresAt",
            'allowedCategories', p."allowedCategories", 'maxPerBookingPence', p."maxPerBookingPence",
            'walletId', w."id", 'balancePence', COALESCE(w."balancePence", 0)) ORDER BY al."expiresAt", al."id")
        FROM "Allocation" al JOIN "Programme" p ON p."id" = al."programmeId" LEFT JOIN "Account" w ON w."allocationId" = al."id"
        WHERE al."youngPersonId" = yp."id"), '[]'::json) AS "allocations",
      (SELECT e."id" FROM "WaitlistEntry" e WHERE e."slotId" = s."id" AND e."youngPersonId" = yp."id"
        AND e."status" = 'OFFERED' AND e."offerExpiresAt" > ${now} LIMIT 1) AS "offerId"
    FROM (SELECT 1) AS one
    LEFT JOIN "YoungPerson" yp ON yp."id" = ${input.youngPersonId}::uuid
    LEFT JOIN "Slot" s ON s."id" = ${input.slotId}::uuid
    LEFT JOIN "Activity" a ON a."id" = s."activityId"`;
  if (!row) throw new Error("booking: the facts query returned no row");
  return {
    earlier: row.earlier,
    slot:
      row.slotId && row.slotStatus && row.startsAt && row.capacity !== null && row.booked !== null && row.offered !== null
        ? { id: row.slotId, status: row.slotStatus, startsAt: row.startsAt, capacity: row.capacity, booked: row.booked, offered: row.offered }
        : null,
    activity:
      row.councilId && row.activityStatus && row.category && row.minAge !== null && row.maxAge !== null && row.pricePence !== null
        ? { councilId: row.councilId, status: row.activityStatus, minAge: row.minAge, maxAge: row.maxAge, category: row.category, pricePence: row.pricePence }
        : null,
    vetting: row.vetting,
    youngPerson:
      row.youngPersonId && row.youngPersonCouncilId && row.dateOfBirth && row.youngPersonStatus
        ? { id: row.youngPersonId, councilId: row.youngPersonCouncilId, dateOfBirth: new Date(`${row.dateOfBirth}T00:00:00Z`), status: row.youngPersonStatus }
        : null,
    allocations: row.allocations.map((a) => ({ ...a, expiresAt: new Date(a.expiresAt), balancePence: Number(a.balancePence) })),
    offerId: row.offerId,
  };
}

type UsableAllocation = { id: string; walletId: string };

/** The allocation to pay from: allowed for the category, live, with enough credit, expiring soonest. */
function chooseAllocation(allocations: AllocationChoice[], category: string, pricePence: number, now: Date): UsableAllocation {
  if (allocations.length === 0) {
    throw new DomainError("NO_ALLOCATION", "You do not have any Playpass credit yet. Your council will tell you when it is ready.");
  }
  const allowed = allocations.filter((a) => a.allowedCategories.some((c) => c === category));
  if (allowed.length === 0) {
    throw new DomainError("ACTIVITY_NOT_ALLOWED", "Your pass cannot be used for this kind of activity. Try another category.");
  }
  const live = allowed.filter((a) => a.status === "ACTIVE" && a.expiresAt > now);
  if (live.length === 0) {
    const first = allowed[0]!;
    throw allocationProblem(first.status, first.expiresAt, now);
  }
  const withinLimit = live.filter((a) => a.maxPerBookingPence === null || pricePence <= a.maxPerBookingPence);
  if (withinLimit.length === 0) {
    const limit = live[0]!.maxPerBookingPence!;
    throw new DomainError("OVER_BOOKING_LIMIT", `Your pass can pay up to ${formatPence(limit)} for one booking.`);
  }
  const balanceOf = (a: AllocationChoice) => (a.walletId ? a.balancePence : 0);
  const usable = withinLimit.find((a) => balanceOf(a) >= pricePence) ?? (pricePence === 0 ? withinLimit[0] : undefined);
  if (!usable || !usable.walletId) {
    const best = Math.max(0, ...withinLimit.map(balanceOf));
    throw new DomainError(
      "NOT_ENOUGH_CREDIT",
      `This costs ${formatPence(pricePence)} and you have ${formatPence(best)} left. Try something cheaper or free.`,
      undefined,
      { balancePence: best, pricePence },
    );
  }
  return { id: usable.id, walletId: usable.walletId };
}

function allocationProblem(status: string, expiresAt: Date, now: Date): DomainError {
  if (status === "FROZEN") {
    return new DomainError("ALLOCATION_FROZEN", "Your pass is paused by the council. Contact them to find out why.");
  }
  if (status === "REVOKED") return new DomainError("ALLOCATION_REVOKED", "Your pass has been stopped by the council.");
  if (status === "EXPIRED" || expiresAt <= now) {
    return new DomainError("ALLOCATION_EXPIRED", "Your pass has expired, so it cannot be used for new bookings.");
  }
  return new DomainError("NO_ALLOCATION", "Your pass cannot be used right now.");
}

type PlaceInput = {
  bookingId: string;
  councilId: string;
  slotId: string;
  youngPersonId: string;
  allocation: UsableAllocation;
  pricePence: number;
  requestKey: string;
  /** The young person's live waiting-list offer of this slot, if any: they book into the place it holds. */
  offerId: string | null;
  now: Date;
};

/** What the booking statement found under its locks, and the booking when it was written. */
type Placed = {
  slotStatus: string;
  startsAt: Date;
  room: boolean;
  allocationStatus: string | null;
  allocationExpiresAt: Date | null;
  covered: boolean;
  offerHeld: boolean;
  booking: { id: string; code: string; pricePence: number } | null;
};

/**
 * The booking's writes in one statement, committed on its own: no transaction stays open across a round trip to
 * this process, so the slot's row (the one every booking of a popular session wants) is held only while PostgreSQL
 * runs the statement and commits it, as a plain UPDATE would be. The statement locks in the order cancelling, the
 * waiting list and the allocation jobs also take: the slot, the allocation (shared, as freezing, revoking and
 * expiring take it), a waiting-list offer, the wallet; checks everything under those locks; and writes the place,
 * the booking, the hold (the ledger's openHoldSteps) and the waiting-list entry only when every check passed. A
 * unique index (one live booking per person and slot, one booking per request key) refuses it whole.
 */
async function placeBooking(db: Db, input: PlaceInput): Promise<Placed> {
  const paid = input.pricePence > 0;
  const offer = input.offerId;
  // The opening comment names the statement within the first kilobyte, all that pg_stat_activity shows of a query.
  const [row] = await db.$queryRaw<(Omit<Placed, "booking"> & { bookingId: string | null; code: string | null })[]>`
    /* bookSlot: lock the slot, check, UPDATE "Slot", INSERT "Booking", open the hold, close the waiting-list entry */
    WITH slot AS (
      SELECT "status"::text AS "status", "startsAt", "capacity", "booked", "offered" FROM "Slot"
      WHERE "id" = ${input.slotId}::uuid FOR NO KEY UPDATE
    ), allocation AS (
      SELECT al."status"::text AS "status", al."expiresAt" FROM "Allocation" al, slot
      WHERE al."id" = ${input.allocation.id}::uuid FOR SHARE OF al
    ), offer AS (
      SELECT e."id" FROM "WaitlistEntry" e, allocation
      WHERE e."id" = ${offer}::uuid AND e."slotId" = ${input.slotId}::uuid AND e."youngPersonId" = ${input.youngPersonId}::uuid
        AND e."status" = 'OFFERED' AND e."offerExpiresAt" > ${input.now}
      FOR NO KEY UPDATE OF e
    ), wallet AS (
      -- The account openHoldSteps debits, on the same terms, so a booking is never written without its hold.
      SELECT w."balancePence" FROM "Account" w, allocation
      WHERE w."id" = ${input.allocation.walletId}::uuid AND w."councilId" = ${input.councilId}::uuid AND w."type" = 'WALLET' AND ${paid}
      FOR NO KEY UPDATE OF w
    ), checked AS (
      SELECT slot."status" = 'SCHEDULED' AND slot."startsAt" > ${input.now}
          AND ${offer ? Prisma.sql`slot."offered" > 0` : Prisma.sql`slot."booked" + slot."offered" < slot."capacity"`} AS "room",
        allocation."status" = 'ACTIVE' AND allocation."expiresAt" > ${input.now} AS "live",
        ${paid ? Prisma.sql`COALESCE((SELECT "balancePence" >= ${input.pricePence} FROM wallet), false)` : Prisma.sql`true`} AS "covered",
        EXISTS (SELECT 1 FROM offer) AS "offerHeld"
      FROM slot LEFT JOIN allocation ON true
    ), ok AS (
      SELECT 1 FROM checked WHERE "room" AND "live" AND "covered" AND ${offer ? Prisma.sql`"offerHeld"` : Prisma.sql`true`}
    ), place AS (
      UPDATE "Slot" SET "booked" = "booked" + 1, "offered" = "offered" - ${offer ? 1 : 0}::int
      WHERE "id" = ${input.slotId}::uuid AND EXISTS (SELECT 1 FROM ok)
      RETURNING "id"
    ), booking AS (
      INSERT INTO "Booking" ("id", "councilId", "code", "slotId", "youngPersonId", "allocationId", "pricePence", "requestKey")
      SELECT ${input.bookingId}::uuid, ${input.councilId}::uuid, ${newBookingCode()}, ${input.slotId}::uuid, ${input.youngPersonId}::uuid,
        ${input.allocation.id}::uuid, ${input.pricePence}::int, ${input.requestKey}
      FROM place
      RETURNING "id", "code"
    ), ${paid ? Prisma.sql`${openHoldSteps({ councilId: input.councilId, walletId: input.allocation.walletId, bookingId: input.bookingId, amountPence: input.pricePence }, "booking")},` : Prisma.empty}
    closed AS (
      UPDATE "WaitlistEntry" e SET "status" = 'BOOKED', "bookingId" = booking."id"
      FROM booking
      WHERE e."slotId" = ${input.slotId}::uuid AND e."youngPersonId" = ${input.youngPersonId}::uuid
        AND ${offer ? Prisma.sql`e."id" = ${offer}::uuid` : Prisma.sql`e."status" = 'WAITING'`}
      RETURNING e."id"
    )
    SELECT slot."status" AS "slotStatus", slot."startsAt", checked."room", allocation."status" AS "allocationStatus",
      allocation."expiresAt" AS "allocationExpiresAt", checked."covered", checked."offerHeld",
      (SELECT "id" FROM booking) AS "bookingId", (SELECT "code" FROM booking) AS "code"
    FROM slot CROSS JOIN checked LEFT JOIN allocation ON true`;
  if (!row) throw new DomainError("NOT_FOUND", "We could not find that session.");
  const { bookingId, code, ...found } = row;
  return { ...found, booking: bookingId && code ? { id: bookingId, code, pricePence: input.pricePence } : null };
}

/** Why the statement wrote nothing, checked in the order a person should hear it. */
function whyNotPlaced(placed: Placed, offered: boolean, pricePence: number, now: Date): DomainError {
  if (placed.slotStatus === "CANCELLED") return new DomainError("SLOT_CANCELLED", "This session has been cancelled by the provider. Pick another time.", "slotId");
  if (placed.startsAt <= now) return new DomainError("SLOT_STARTED", "This session has already started. Pick a later time.", "slotId");
  if (offered && !placed.offerHeld) {
    return new DomainError("OFFER_EXPIRED", "The place held for you has gone to the next person on the waiting list. Pick another time.", "slotId");
  }
  if (!placed.room) return slotFull();
  if (placed.allocationStatus !== "ACTIVE" || !placed.allocationExpiresAt || placed.allocationExpiresAt <= now) {
    return allocationProblem(placed.allocationStatus ?? "REVOKED", placed.allocationExpiresAt ?? now, now);
  }
  if (!placed.covered) {
    return new DomainError(
      "NOT_ENOUGH_CREDIT",
      `You need ${formatPence(pricePence)} for this and your pass does not have enough left. Try something cheaper or free.`,
    );
  }
  throw new Error("booking: the booking statement wrote nothing, yet every check passed");
}

function slotFull(): DomainError {
  return new DomainError(
    "SLOT_FULL",
    "Sorry, this session is full. Join the waiting list and we will tell you if a place comes up, or pick another time.",
    "slotId",
  );
}
