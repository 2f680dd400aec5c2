// Cancelling: by the young person before the cut-off, or by the provider for a whole slot.
import type { Db } from "~/lib/db.server";
import { recordAudit } from "../audit";
import { DomainError } from "../errors";
import { queueMessage } from "../notifications/messages";
import { formatPence } from "../money";
import { cancellationDeadline } from "./windows";
import { endHold, refundAccountOf, releasePlace } from "./end-hold";
import { offerFreedPlaces } from "./waitlist";

export type CancelResult = { bookingId: string; refundedPence: number; alreadyCancelled: boolean };

/** The young person cancels before the activity's cut-off; their credit is back at once. */
export async function cancelBooking(
  db: Db,
  input: { bookingId: string; youngPersonId: string; actorUserId?: string; now?: Date },
): Promise<CancelResult> {
  const now = input.now ?? new Date();
  const booking = await db.booking.findUnique({
    where: { id: input.bookingId },
    include: { slot: { include: { activity: { select: { cancellationCutoffHours: true } } } } },
  });
  if (!booking || booking.youngPersonId !== input.youngPersonId) throw new DomainError("NOT_FOUND", "We could not find that booking.");
  if (booking.status === "CANCELLED" || booking.status === "PROVIDER_CANCELLED") {
    return { bookingId: booking.id, refundedPence: booking.pricePence, alreadyCancelled: true };
  }
  if (booking.status !== "CONFIRMED") throw bookingEnded(booking.status);
  const deadline = cancellationDeadline(booking.slot, booking.slot.activity);
  if (now > deadline) {
    throw new DomainError(
      "PAST_CUTOFF",
      `It is too late to cancel: this activity can be cancelled up to ${booking.slot.activity.cancellationCutoffHours} hours before it starts. Contact the provider if you cannot go.`,
    );
  }

  return db.$transaction(async (tx) => {
    // Slot before booking, the order cancelSlot and bookSlot lock in: the other order deadlocks with cancelSlot.
    await tx.$executeRaw`SELECT 1 FROM "Slot" WHERE "id" = ${booking.slotId}::uuid FOR NO KEY UPDATE`;
    const ended = await tx.booking.updateMany({
      where: { id: booking.id, status: "CONFIRMED" },
      data: { status: "CANCELLED", endedAt: now },
    });
    if (ended.count === 0) {
      const current = await tx.booking.findUniqueOrThrow({ where: { id: booking.id }, select: { status: true } });
      if (current.status === "CANCELLED" || current.status === "PROVIDER_CANCELLED") {
        return { bookingId: booking.id, refundedPence: booking.pricePence, alreadyCancelled: true };
      }
      throw bookingEnded(current.status);
    }
    await releasePlace(tx, booking.slotId);
    await endHold(tx, booking, { kind: "CANCEL", accountId: await refundAccountOf(tx, booking), actorUserId: input.actorUserId });
    // The freed place goes to the first on the waiting list in this same transaction, before anyone else can take it.
    await offerFreedPlaces(tx, booking.slotId, now);
    return { bookingId: booking.id, refundedPence: booking.pricePence, alreadyCancelled: false };
  });
}

/**
 * The provider cancels a slot: every confirmed booking is refunded at once and each young person
 * is told. Messages are written in the same transaction, so none is lost.
 */
export async function cancelSlot(
  db: Db,
  input: { slotId: string; providerId: string; reason: string; actorUserId?: string; now?: Date },
) {
  const now = input.now ?? new Date();
  return db.$transaction(async (tx) => {
    const slot = await tx.slot.findUnique({ where: { id: input.slotId }, include: { activity: true } });
    if (!slot || slot.activity.providerId !== input.providerId) throw new DomainError("NOT_FOUND", "We could not find that session.");
    const changed = await tx.slot.updateMany({ where: { id: slot.id, status: "SCHEDULED" }, data: { status: "CANCELLED", offered: 0 } });
    if (changed.count === 0) return { refundedBookings: 0, alreadyCancelled: true };
    // Nobody can be offered a place on a cancelled session: its waiting list closes with it.
    await tx.waitlistEntry.updateMany({ where: { slotId: slot.id, status: { in: ["WAITING", "OFFERED"] } }, data: { status: "EXPIRED" } });

    // Locks in the order every booking path takes them: slot, bookings, allocations, accounts. Every booking is
    // claimed in one conditional statement (one redeemed or cancelled meanwhile keeps its ending), then their
    // allocations in id order, before any account: so no refund here waits on expiry or a top-up holding the budget.
    const claimed = await tx.booking.updateManyAndReturn({
      where: { slotId: slot.id, status: "CONFIRMED" },
      data: { status: "PROVIDER_CANCELLED", endedAt: now },
      select: { id: true },
    });
    const bookings = await tx.booking.findMany({
      where: { id: { in: claimed.map((b) => b.id) } },
      include: { youngPerson: { select: { firstName: true, email: true, phone: true } } },
      orderBy: { id: "asc" },
    });
    const allocationIds = [...new Set(bookings.map((b) => b.allocationId))].sort();
    if (allocationIds.length > 0) {
      await tx.$queryRaw`SELECT 1 FROM "Allocation" WHERE "id" = ANY(${allocationIds}::uuid[]) ORDER BY "id" FOR SHARE`;
    }
    const refunded = bookings.length;
    for (const booking of bookings) {
      await releasePlace(tx, slot.id);
      const refundTo = await refundAccountOf(tx, booking);
      await endHold(tx, booking, { kind: "PROVIDER_CANCEL", accountId: refundTo, actorUserId: input.actorUserId });
      // A pass that has since expired or been stopped cannot take the credit back: it went to the programme instead.
      const backOnPass = booking.pricePence > 0 && (await tx.account.count({ where: { id: refundTo, type: "WALLET" } })) === 1;
      await queueMessage(tx, booking.youngPerson, {
        template: "slot-cancelled",
        subject: `${slot.activity.title} is cancelled`,
        body:
          // Parenthesised so trim() applies to the whole message, not just the part after the reason.
          (`Hi ${booking.youngPerson.firstName}, ${slot.activity.title} on ${slot.startsAt.toLocaleString("en-GB", { timeZone: "Europe/London", dateStyle: "full", timeStyle: "short" })} has been cancelled by the provider` +
          `${input.reason ? ` (${input.reason})` : ""}. ${backOnPass ? `${formatPence(booking.pricePence)} is back on your pass.` : ""}`).trim(),
      });
    }
    await recordAudit(tx, {
      councilId: slot.activity.councilId,
      actorUserId: input.actorUserId,
      action: "slot.cancelled",
      entityType: "Slot",
      entityId: slot.id,
      data: { refundedBookings: refunded, reason: input.reason },
    });
    return { refundedBookings: refunded, alreadyCancelled: false };
  });
}

export function bookingEnded(status: string): DomainError {
  switch (status) {
    case "REDEEMED":
      return new DomainError("ALREADY_REDEEMED", "This booking has already been used at the door.");
    case "NO_SHOW":
      return new DomainError("BOOKING_ENDED", "This booking was marked as missed after the session ended.");
    default:
      return new DomainError("BOOKING_ENDED", "This booking has been cancelled.");
  }
}
