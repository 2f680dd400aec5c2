// After a slot ends plus the programme's grace period, an unredeemed booking is a no-show.
import type { Db } from "~/lib/db.server";
import { DomainError } from "../errors";
import { providerPayableAccountId } from "../ledger";
import { endHold, refundAccountOf } from "./end-hold";
import { noShowAfter } from "./windows";

const DAY = 24 * 60 * 60 * 1000;

/**
 * Marks one booking a no-show. The programme's policy decides where the hold goes: back to the
 * wallet (RELEASE) or to the provider as if redeemed (CHARGE). The place stays taken either way.
 */
export async function markNoShow(db: Db, input: { bookingId: string; now?: Date }) {
  const now = input.now ?? new Date();
  const booking = await db.booking.findUnique({
    where: { id: input.bookingId },
    include: {
      slot: { include: { activity: { select: { providerId: true } } } },
      allocation: { select: { programme: { select: { noShowPolicy: true, noShowGraceMinutes: true, disputeWindowDays: true } } } },
    },
  });
  if (!booking) throw new DomainError("NOT_FOUND", "We could not find that booking.");
  const { programme } = booking.allocation;
  if (booking.status !== "CONFIRMED") return { outcome: booking.status, changed: false };
  if (now < noShowAfter(booking.slot, programme)) {
    throw new DomainError("INVALID_INPUT", "A booking can only be marked as missed after the session and its grace period have ended.");
  }

  return db.$transaction(async (tx) => {
    const claimed = await tx.booking.updateMany({ where: { id: booking.id, status: "CONFIRMED" }, data: { status: "NO_SHOW", endedAt: now } });
    if (claimed.count === 0) {
      const current = await tx.booking.findUniqueOrThrow({ where: { id: booking.id }, select: { status: true } });
      return { outcome: current.status, changed: false };
    }
    if (programme.noShowPolicy === "RELEASE") {
      await endHold(tx, booking, { kind: "NO_SHOW_RELEASE", accountId: await refundAccountOf(tx, booking) });
    } else {
      const providerId = booking.slot.activity.providerId;
      const redemption = await tx.redemption.create({
        data: {
          councilId: booking.councilId,
          providerId,
          youngPersonId: booking.youngPersonId,
          bookingId: booking.id,
          amountPence: booking.pricePence,
          method: "NO_SHOW_CHARGE",
          redeemedAt: now,
          redeemedByName: "No-show policy",
          payableAt: new Date(now.getTime() + programme.disputeWindowDays * DAY),
          idempotencyKey: `redeem:${booking.id}`,
        },
        select: { id: true },
      });
      await endHold(tx, booking, { kind: "REDEEM", accountId: await providerPayableAccountId(tx, booking.councilId, providerId), redemptionId: redemption.id });
    }
    return { outcome: "NO_SHOW" as const, changed: true };
  });
}
