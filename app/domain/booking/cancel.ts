// Cancelling: by the young person before the cut-off, or by the provider for a whole slot.
import type { Db } from "~/lib/db.server";
import { recordAudit } from "../audit";
import { DomainError } from "../errors";
import { queueMessage } from "../notifications/messages";
import { formatPence } from "../money";
import { cancellationDeadline } from "./windows";
import { endHold, releasePlace, walletIdOf } from "./end-hold";

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
    const ended = await tx.booking.updateMany({
      where: { id: booking.id, status: "CONFIRMED" },
      data: { status: "CANCELLED", endedAt: now },
    });
    if (ended.count === 0) {
      const current = await tx.booking.findUniqueOrThrow({ where: { id: booking.id }, select: { status: true } });
      if (current.status === "CANCELLED") return { bookingId: booking.id, refundedPence: booking.pricePence, alreadyCancelled: true };
      throw bookingEnded(current.status);
    }
    await releasePlace(tx, booking.slotId);
    await endHold(tx, booking, { kind: "CANCEL", accountId: await walletIdOf(tx, booking.allocationId), actorUserId: input.actorUserId });
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
    const changed = await tx.slot.updateMany({ where: { id: slot.id, status: "SCHEDULED" }, data: { status: "CANCELLED" } });
    if (changed.count === 0) return { refundedBookings: 0, alreadyCancelled: true };

    const bookings = await tx.booking.findMany({
      where: { slotId: slot.id, status: "CONFIRMED" },
      include: { youngPerson: { select: { firstName: true, email: true, phone: true } } },
    });
    for (const booking of bookings) {
      await tx.booking.update({ where: { id: booking.id }, data: { status: "PROVIDER_CANCELLED", endedAt: now } });
      await releasePlace(tx, slot.id);
      await endHold(tx, booking, { kind: "PROVIDER_CANCEL", accountId: await walletIdOf(tx, booking.allocationId), actorUserId: input.actorUserId });
      await queueMessage(tx, booking.youngPerson, {
        template: "slot-cancelled",
        subject: `${slot.activity.title} is cancelled`,
        body:
          `Hi ${booking.youngPerson.firstName}, ${slot.activity.title} on ${slot.startsAt.toLocaleString("en-GB", { timeZone: "Europe/London", dateStyle: "full", timeStyle: "short" })} has been cancelled by the provider` +
          `${input.reason ? ` (${input.reason})` : ""}. ${booking.pricePence > 0 ? `${formatPence(booking.pricePence)} is back on your pass.` : ""}`.trim(),
      });
    }
    await recordAudit(tx, {
      councilId: slot.activity.councilId,
      actorUserId: input.actorUserId,
      action: "slot.cancelled",
      entityType: "Slot",
      entityId: slot.id,
      data: { refundedBookings: bookings.length, reason: input.reason },
    });
    return { refundedBookings: bookings.length, alreadyCancelled: false };
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
