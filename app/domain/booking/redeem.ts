// Redemption at the door: by the slot's own provider, inside its window, once. A second scan answers with the first.
import type { Db, DbTx } from "~/lib/db.server";
import { normaliseCode } from "../codes";
import { DomainError } from "../errors";
import { providerPayableAccountId } from "../ledger";
import { bookingEnded } from "./cancel";
import { endHold } from "./end-hold";
import { ageBand, ageOn, redemptionWindow } from "./windows";

export type DoorActor = { userId: string | null; name: string };

export type RedeemResult = {
  outcome: "REDEEMED" | "ALREADY_REDEEMED";
  redeemedAt: Date;
  redeemedByName: string;
  firstName: string;
  ageBand: string;
  activityTitle: string;
  slotStartsAt: Date;
};

const DAY = 24 * 60 * 60 * 1000;

/** A code no booking has; also how the door answers another provider's booking, so it learns nothing more. */
export const unknownBookingCode = () => new DomainError("UNKNOWN_CODE", "That code is not a Playpass booking. Check it and try again.", "code");

export async function redeemBooking(
  db: Db,
  input: { code: string; providerId: string; actor: DoorActor; now?: Date },
): Promise<RedeemResult> {
  const now = input.now ?? new Date();
  const code = normaliseCode(input.code);
  const booking = code
    ? await db.booking.findUnique({
        where: { code },
        include: {
          slot: { include: { activity: { select: { title: true, providerId: true } } } },
          youngPerson: { select: { firstName: true, dateOfBirth: true } },
          allocation: { select: { programme: { select: { disputeWindowDays: true } } } },
          redemption: { select: { redeemedAt: true, redeemedByName: true } },
        },
      })
    : null;
  if (!booking) throw unknownBookingCode();
  if (booking.slot.activity.providerId !== input.providerId) {
    throw new DomainError("WRONG_PROVIDER", "This booking is for another provider's activity, so it cannot be used here.", "code");
  }
  const view = {
    firstName: booking.youngPerson.firstName,
    ageBand: ageBand(ageOn(booking.youngPerson.dateOfBirth, now)),
    activityTitle: booking.slot.activity.title,
    slotStartsAt: booking.slot.startsAt,
  };
  if (booking.redemption) return { outcome: "ALREADY_REDEEMED", ...booking.redemption, ...view };
  if (booking.status !== "CONFIRMED") throw bookingEnded(booking.status);
  const window = redemptionWindow(booking.slot);
  if (now < window.opensAt || now > window.closesAt) {
    throw new DomainError(
      "OUTSIDE_REDEMPTION_WINDOW",
      `This booking is for ${booking.slot.startsAt.toLocaleString("en-GB", { timeZone: "Europe/London", dateStyle: "medium", timeStyle: "short" })}. It can be used from an hour before the start until two hours after the end.`,
      "code",
    );
  }

  return db.$transaction(async (tx) => {
    const claimed = await tx.booking.updateMany({
      where: { id: booking.id, status: "CONFIRMED" },
      data: { status: "REDEEMED", endedAt: now },
    });
    if (claimed.count === 0) return answerAfterRace(tx, booking.id, view);

    const redemption = await tx.redemption.create({
      data: {
        councilId: booking.councilId,
        providerId: input.providerId,
        youngPersonId: booking.youngPersonId,
        bookingId: booking.id,
        amountPence: booking.pricePence,
        method: "BOOKING_CODE",
        redeemedAt: now,
        redeemedByUserId: input.actor.userId,
        redeemedByName: input.actor.name,
        payableAt: new Date(now.getTime() + booking.allocation.programme.disputeWindowDays * DAY),
        idempotencyKey: `redeem:${booking.id}`,
      },
      select: { id: true },
    });
    const payable = await providerPayableAccountId(tx, booking.councilId, input.providerId);
    await endHold(tx, booking, { kind: "REDEEM", accountId: payable, redemptionId: redemption.id, actorUserId: input.actor.userId ?? undefined });
    return { outcome: "REDEEMED" as const, redeemedAt: now, redeemedByName: input.actor.name, ...view };
  });
}

/** Someone else changed the booking between our read and our claim: answer with what they did. */
async function answerAfterRace(tx: DbTx, bookingId: string, view: Omit<RedeemResult, "outcome" | "redeemedAt" | "redeemedByName">): Promise<RedeemResult> {
  const current = await tx.booking.findUniqueOrThrow({
    where: { id: bookingId },
    select: { status: true, redemption: { select: { redeemedAt: true, redeemedByName: true } } },
  });
  if (current.redemption) return { outcome: "ALREADY_REDEEMED", ...current.redemption, ...view };
  throw bookingEnded(current.status);
}
