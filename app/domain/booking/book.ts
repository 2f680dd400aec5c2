// Booking a slot: capacity and credit are taken together in one short transaction, or not at all.
import { isDatabaseUnavailable, type Db, type DbTx } from "~/lib/db.server";
import { Prisma } from "~/generated/prisma/client";
import { newBookingCode } from "../codes";
import { DomainError } from "../errors";
import { createHoldAccount, postTransfer, walletBalances } from "../ledger";
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
  const earlier = await findByRequestKey(db, input);
  if (earlier) return earlier;

  // Read and explain first, outside the transaction; the transaction re-checks everything that can change.
  const slot = await db.slot.findUnique({
    where: { id: input.slotId },
    include: { activity: true },
  });
  const youngPerson = await db.youngPerson.findUnique({ where: { id: input.youngPersonId } });
  if (!slot || !youngPerson || slot.activity.councilId !== youngPerson.councilId) {
    throw new DomainError("NOT_FOUND", "We could not find that session.");
  }
  const { activity } = slot;
  if (slot.status === "CANCELLED") throw new DomainError("SLOT_CANCELLED", "This session has been cancelled by the provider. Pick another time.", "slotId");
  if (activity.status !== "LIVE") throw new DomainError("ACTIVITY_UNAVAILABLE", "This activity is not taking bookings at the moment.");
  if (slot.startsAt <= now) throw new DomainError("SLOT_STARTED", "This session has already started. Pick a later time.", "slotId");

  const vetting = await db.providerCouncil.findUnique({
    where: { providerId_councilId: { providerId: activity.providerId, councilId: activity.councilId } },
    select: { status: true },
  });
  if (vetting?.status !== "APPROVED") {
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
  const allocation = await chooseAllocation(db, youngPerson.id, activity.category, activity.pricePence, now);
  // A place held for this young person from the waiting list: they book into it, nobody else can.
  const offer = await db.waitlistEntry.findFirst({
    where: { slotId: slot.id, youngPersonId: youngPerson.id, status: "OFFERED", offerExpiresAt: { gt: now } },
    select: { id: true },
  });

  try {
    return await db.$transaction(async (tx) => {
      // Places held for people offered them from the waiting list count as taken for everyone else.
      const taken = offer
        ? await tx.$executeRaw`
            UPDATE "Slot" SET "booked" = "booked" + 1, "offered" = "offered" - 1
            WHERE "id" = ${slot.id}::uuid AND "status" = 'SCHEDULED' AND "offered" > 0 AND "startsAt" > ${now}`
        : await tx.$executeRaw`
            UPDATE "Slot" SET "booked" = "booked" + 1
            WHERE "id" = ${slot.id}::uuid AND "status" = 'SCHEDULED' AND "booked" + "offered" < "capacity" AND "startsAt" > ${now}`;
      if (taken === 0) throw await whySlotUnavailable(tx, slot.id);

      // Shares the lock that freezing, revoking and expiring take, so none of them can slip in between.
      const [locked] = await tx.$queryRaw<{ status: string; expiresAt: Date }[]>`
        SELECT "status", "expiresAt" FROM "Allocation" WHERE "id" = ${allocation.id}::uuid FOR SHARE`;
      if (!locked || locked.status !== "ACTIVE" || locked.expiresAt <= now) {
        throw allocationProblem(locked?.status ?? "REVOKED", locked?.expiresAt ?? now, now);
      }

      const booking = await tx.booking.create({
        data: {
          councilId: activity.councilId,
          code: newBookingCode(),
          slotId: slot.id,
          youngPersonId: youngPerson.id,
          allocationId: allocation.id,
          pricePence: activity.pricePence,
          requestKey: input.requestKey,
        },
        select: { id: true, code: true, pricePence: true },
      });
      if (activity.pricePence > 0) await holdCredit(tx, activity.councilId, allocation, booking.id, activity.pricePence);
      // The slot lock is held, so an offer cannot expire under us once we are here; the check is the proof.
      const closed = await tx.waitlistEntry.updateMany({
        where: offer
          ? { id: offer.id, status: "OFFERED", offerExpiresAt: { gt: now } }
          : { slotId: slot.id, youngPersonId: youngPerson.id, status: "WAITING" },
        data: { status: "BOOKED", bookingId: booking.id },
      });
      if (offer && closed.count === 0) {
        throw new DomainError("OFFER_EXPIRED", "The place held for you has gone to the next person on the waiting list. Pick another time.", "slotId");
      }
      return { ...booking, created: true };
    });
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === "P2002") {
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

async function holdCredit(
  tx: DbTx,
  councilId: string,
  allocation: { id: string; walletId: string },
  bookingId: string,
  pricePence: number,
) {
  const holdId = await createHoldAccount(tx, councilId, bookingId);
  try {
    await postTransfer(tx, {
      councilId,
      kind: "BOOK",
      debitAccountId: allocation.walletId,
      creditAccountId: holdId,
      amountPence: pricePence,
      idempotencyKey: `book:${bookingId}`,
      bookingId,
    });
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

type UsableAllocation = { id: string; walletId: string };

/** The allocation to pay from: allowed for the category, live, with enough credit, expiring soonest. */
async function chooseAllocation(
  db: Db,
  youngPersonId: string,
  category: string,
  pricePence: number,
  now: Date,
): Promise<UsableAllocation> {
  const allocations = await db.allocation.findMany({
    where: { youngPersonId },
    include: { programme: { select: { allowedCategories: true, maxPerBookingPence: true } }, wallet: { select: { id: true } } },
    orderBy: { expiresAt: "asc" },
  });
  if (allocations.length === 0) {
    throw new DomainError("NO_ALLOCATION", "You do not have any Playpass credit yet. Your council will tell you when it is ready.");
  }
  const allowed = allocations.filter((a) => a.programme.allowedCategories.some((c) => c === category));
  if (allowed.length === 0) {
    throw new DomainError("ACTIVITY_NOT_ALLOWED", "Your pass cannot be used for this kind of activity. Try another category.");
  }
  const live = allowed.filter((a) => a.status === "ACTIVE" && a.expiresAt > now);
  if (live.length === 0) {
    const first = allowed[0]!;
    throw allocationProblem(first.status, first.expiresAt, now);
  }
  const withinLimit = live.filter((a) => a.programme.maxPerBookingPence === null || pricePence <= a.programme.maxPerBookingPence);
  if (withinLimit.length === 0) {
    const limit = live[0]!.programme.maxPerBookingPence!;
    throw new DomainError("OVER_BOOKING_LIMIT", `Your pass can pay up to ${formatPence(limit)} for one booking.`);
  }
  const balances = await walletBalances(db, withinLimit.map((a) => a.id));
  const usable = withinLimit.find((a) => (balances.get(a.id) ?? 0) >= pricePence) ?? (pricePence === 0 ? withinLimit[0] : undefined);
  if (!usable || !usable.wallet) {
    const best = Math.max(0, ...withinLimit.map((a) => balances.get(a.id) ?? 0));
    throw new DomainError(
      "NOT_ENOUGH_CREDIT",
      `This costs ${formatPence(pricePence)} and you have ${formatPence(best)} left. Try something cheaper or free.`,
      undefined,
      { balancePence: best, pricePence },
    );
  }
  return { id: usable.id, walletId: usable.wallet.id };
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
  if (slot.booked + slot.offered >= slot.capacity) {
    return new DomainError(
      "SLOT_FULL",
      "Sorry, this session is full. Join the waiting list and we will tell you if a place comes up, or pick another time.",
      "slotId",
    );
  }
  return new DomainError("SLOT_STARTED", "This session has already started. Pick a later time.", "slotId");
}
