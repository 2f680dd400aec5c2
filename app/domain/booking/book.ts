// Booking a slot: capacity and credit are taken together in one short transaction, or not at all.
import { isDatabaseUnavailable, type Db, type DbTx } from "~/lib/db.server";
import { Prisma } from "~/generated/prisma/client";
import { newBookingCode } from "../codes";
import { DomainError } from "../errors";
import { openHold } from "../ledger/holds";
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
    return await db.$transaction(async (tx) => {
      // Locks in the order cancelling and the waiting list can never hold against us: the allocation (shared, as
      // freezing, revoking and expiring take it), the new booking, the wallet, and the slot last, so the one row
      // every booking of a popular session wants is held for a single statement and the commit.
      const [placed] = await tx.$queryRaw<{ status: string; expiresAt: Date; id: string | null; code: string | null; pricePence: number | null }[]>`
        WITH allocation AS (
          SELECT "status"::text AS "status", "expiresAt" FROM "Allocation" WHERE "id" = ${allocation.id}::uuid FOR SHARE
        ), booking AS (
          INSERT INTO "Booking" ("councilId", "code", "slotId", "youngPersonId", "allocationId", "pricePence", "requestKey")
          SELECT ${activity.councilId}::uuid, ${newBookingCode()}, ${slot.id}::uuid, ${youngPerson.id}::uuid, ${allocation.id}::uuid,
            ${activity.pricePence}::int, ${input.requestKey}
          FROM allocation WHERE allocation."status" = 'ACTIVE' AND allocation."expiresAt" > ${now}
          RETURNING "id", "code", "pricePence"
        )
        SELECT allocation."status", allocation."expiresAt", booking."id", booking."code", booking."pricePence"
        FROM allocation LEFT JOIN booking ON true`;
      if (!placed?.id || !placed.code || placed.pricePence === null) {
        throw allocationProblem(placed?.status ?? "REVOKED", placed?.expiresAt ?? now, now);
      }
      const booking = { id: placed.id, code: placed.code, pricePence: placed.pricePence };
      if (booking.pricePence > 0) await holdCredit(tx, activity.councilId, allocation.walletId, booking.id, booking.pricePence);

      // Places held for people offered them from the waiting list count as taken for everyone else. The slot's
      // lock is held from here to the commit, so an offer cannot expire under us; its entry closing is the proof.
      const [place] = await tx.$queryRaw<{ taken: number; closed: number }[]>`
        WITH place AS (
          UPDATE "Slot" SET "booked" = "booked" + 1, "offered" = "offered" - ${offerId ? 1 : 0}::int
          WHERE "id" = ${slot.id}::uuid AND "status" = 'SCHEDULED' AND "startsAt" > ${now}
            AND ${offerId ? Prisma.sql`"offered" > 0` : Prisma.sql`"booked" + "offered" < "capacity"`}
          RETURNING "id"
        ), closed AS (
          UPDATE "WaitlistEntry" e SET "status" = 'BOOKED', "bookingId" = ${booking.id}::uuid
          FROM place
          WHERE e."slotId" = place."id" AND e."youngPersonId" = ${youngPerson.id}::uuid
            AND ${offerId ? Prisma.sql`e."id" = ${offerId}::uuid AND e."status" = 'OFFERED' AND e."offerExpiresAt" > ${now}` : Prisma.sql`e."status" = 'WAITING'`}
          RETURNING e."id"
        )
        SELECT (SELECT COUNT(*) FROM place)::int AS "taken", (SELECT COUNT(*) FROM closed)::int AS "closed"`;
      if (!place || place.taken === 0) throw await whySlotUnavailable(tx, slot.id);
      if (offerId && place.closed === 0) {
        throw new DomainError("OFFER_EXPIRED", "The place held for you has gone to the next person on the waiting list. Pick another time.", "slotId");
      }
      return { ...booking, created: true };
    });
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

async function holdCredit(tx: DbTx, councilId: string, walletId: string, bookingId: string, pricePence: number) {
  try {
    await openHold(tx, { councilId, walletId, bookingId, amountPence: pricePence });
  } catch (error) {
    if (error instanceof DomainError && error.code === "INSUFFICIENT_FUNDS") {
      throw new DomainError(
        "NOT_ENOUGH_CREDIT",
        `You need ${formatPence(pricePence)} for this and your pass does not have enough left. Try something cheaper or free.`,
      );
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

/** A unique index refused the booking: Prisma's P2002 from its own queries, PostgreSQL's 23505 through a raw one. */
function isUniqueViolation(error: unknown): boolean {
  if (!(error instanceof Prisma.PrismaClientKnownRequestError)) return false;
  if (error.code === "P2002") return true;
  const meta = error.meta as { code?: unknown; driverAdapterError?: { cause?: { kind?: string; code?: string } } } | undefined;
  const cause = meta?.driverAdapterError?.cause;
  return meta?.code === "23505" || cause?.kind === "UniqueConstraintViolation" || cause?.code === "23505";
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

async function whySlotUnavailable(tx: DbTx, slotId: string): Promise<DomainError> {
  const slot = await tx.slot.findUniqueOrThrow({ where: { id: slotId }, select: { status: true, booked: true, offered: true, capacity: true } });
  if (slot.status === "CANCELLED") return new DomainError("SLOT_CANCELLED", "This session has been cancelled by the provider. Pick another time.", "slotId");
  if (slot.booked + slot.offered >= slot.capacity) return slotFull();
  return new DomainError("SLOT_STARTED", "This session has already started. Pick a later time.", "slotId");
}

function slotFull(): DomainError {
  return new DomainError(
    "SLOT_FULL",
    "Sorry, this session is full. Join the waiting list and we will tell you if a place comes up, or pick another time.",
    "slotId",
  );
}
