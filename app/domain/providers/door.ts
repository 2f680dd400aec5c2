// Door mode: what a provider's door sees for a scanned or typed code, and the two things it can do with it:
// redeem a booking, or take a walk-in charge on a pass. Money moves only in the booking module's functions.
import type { Db } from "~/lib/db.server";
import { chargePass, redeemBooking, redemptionWindow, REDEEM_CLOSES_MINUTES_AFTER_END, REDEEM_OPENS_MINUTES_BEFORE_START, ageBand, ageOn, type DoorActor, type RedeemResult } from "../booking";
import { normaliseCode } from "../codes";
import { unknownBookingCode } from "../booking/redeem";
import { DomainError, isDomainError } from "../errors";
import { formatPence } from "../money";

export type CodeKind = "BOOKING" | "PASS";

/** Booking codes are 8 symbols, pass codes 16; anything else is neither. */
export function codeKind(input: string): CodeKind | null {
  const symbols = normaliseCode(input).replace(/-/g, "");
  if (symbols.length === 8) return "BOOKING";
  if (symbols.length === 16) return "PASS";
  return null;
}

export type DoorRedeemed = RedeemResult & { kind: "BOOKING" };

export type PassActivity = { id: string; title: string; pricePence: number; maxChargePence: number };

export type DoorPass = {
  kind: "PASS";
  passCode: string;
  firstName: string;
  ageBand: string;
  /** The most this pass can pay for any one of the activities below. */
  availablePence: number;
  activities: PassActivity[];
  /** Their bookings with this provider that the door can redeem right now (shown the pass instead of the booking). */
  bookingsNow: Array<{ code: string; activityTitle: string; slotStartsAt: Date }>;
};

/**
 * A booking code is redeemed; a pass code opens the walk-in charge with what the pass can pay for here. Another
 * provider's booking code gets the same answer as a code nobody has.
 */
export async function scanAtDoor(
  db: Db,
  input: { code: string; providerId: string; actor: DoorActor; now?: Date },
): Promise<DoorRedeemed | DoorPass> {
  const kind = codeKind(input.code);
  if (kind === "PASS") return passAtDoor(db, { passCode: input.code, providerId: input.providerId, now: input.now });
  if (kind === null) {
    throw new DomainError("UNKNOWN_CODE", "That is not a Playpass code. Booking codes have 8 letters and numbers, like 7K3M-Q9TX.", "code");
  }
  try {
    const result = await redeemBooking(db, { code: input.code, providerId: input.providerId, actor: input.actor, now: input.now });
    return { kind: "BOOKING", ...result };
  } catch (error) {
    // Another provider's booking is answered as no booking at all, as the API does: the door must not learn that a code exists elsewhere.
    if (isDomainError(error, "WRONG_PROVIDER")) throw unknownBookingCode();
    throw error;
  }
}

/** Who holds the pass (first name and age band only) and how much of each of this provider's activities it can pay for. */
export async function passAtDoor(db: Db, input: { passCode: string; providerId: string; now?: Date }): Promise<DoorPass> {
  const now = input.now ?? new Date();
  const passCode = normaliseCode(input.passCode);
  const youngPerson = passCode
    ? await db.youngPerson.findUnique({ where: { passCode }, select: { id: true, councilId: true, firstName: true, dateOfBirth: true, status: true } })
    : null;
  if (!youngPerson) throw new DomainError("UNKNOWN_CODE", "That is not a Playpass pass code. Check it and try again.", "code");
  const vetting = await db.providerCouncil.findUnique({
    where: { providerId_councilId: { providerId: input.providerId, councilId: youngPerson.councilId } },
    select: { status: true },
  });
  if (vetting?.status !== "APPROVED") {
    throw new DomainError("WRONG_PROVIDER", "This pass is from a council whose scheme your organisation is not part of, so it cannot be used here.", "code");
  }
  if (youngPerson.status !== "ACTIVE") throw new DomainError("ALLOCATION_FROZEN", "This pass is not active, so it cannot be used.", "code");

  const MINUTE = 60_000;
  const [activities, allocations, bookings] = await Promise.all([
    db.activity.findMany({
      where: { providerId: input.providerId, councilId: youngPerson.councilId, status: "LIVE", pricePence: { gt: 0 } },
      select: { id: true, title: true, pricePence: true, category: true },
      orderBy: { title: "asc" },
    }),
    db.allocation.findMany({
      where: { youngPersonId: youngPerson.id, status: "ACTIVE", expiresAt: { gt: now } },
      select: { programme: { select: { allowedCategories: true } }, wallet: { select: { balancePence: true } } },
    }),
    db.booking.findMany({
      where: {
        youngPersonId: youngPerson.id,
        status: "CONFIRMED",
        slot: {
          activity: { providerId: input.providerId },
          startsAt: { lte: new Date(now.getTime() + REDEEM_OPENS_MINUTES_BEFORE_START * MINUTE) },
          endsAt: { gte: new Date(now.getTime() - REDEEM_CLOSES_MINUTES_AFTER_END * MINUTE) },
        },
      },
      select: { code: true, slot: { select: { startsAt: true, endsAt: true, activity: { select: { title: true } } } } },
      orderBy: { slot: { startsAt: "asc" } },
    }),
  ]);
  // chargePass takes the whole amount from one allocation, so the most it can charge is the largest single wallet allowed.
  const bestFor = (category: string) =>
    Math.max(0, ...allocations.filter((a) => (a.programme.allowedCategories as string[]).includes(category)).map((a) => Number(a.wallet?.balancePence ?? 0n)));
  const priced = activities.map((a) => ({ id: a.id, title: a.title, pricePence: a.pricePence, maxChargePence: Math.min(a.pricePence, bestFor(a.category)) }));
  return {
    kind: "PASS",
    passCode,
    firstName: youngPerson.firstName,
    ageBand: ageBand(ageOn(youngPerson.dateOfBirth, now)),
    availablePence: Math.max(0, ...allocations.map((a) => Number(a.wallet?.balancePence ?? 0n))),
    activities: priced,
    bookingsNow: bookings
      .filter((b) => {
        const window = redemptionWindow(b.slot);
        return now >= window.opensAt && now <= window.closesAt;
      })
      .map((b) => ({ code: b.code, activityTitle: b.slot.activity.title, slotStartsAt: b.slot.startsAt })),
  };
}

export type DoorCharged = { redemptionId: string; amountPence: number; created: boolean; firstName: string; activityTitle: string };

/** A walk-in charge on a pass for one of this provider's activities: up to its price and what the pass holds. */
export async function chargeAtDoor(
  db: Db,
  input: { passCode: string; providerId: string; activityId: string; amountPence: number; requestKey: string; actor: DoorActor; now?: Date },
): Promise<DoorCharged> {
  const pass = await passAtDoor(db, { passCode: input.passCode, providerId: input.providerId, now: input.now });
  const activity = pass.activities.find((a) => a.id === input.activityId);
  if (!activity) throw new DomainError("NOT_FOUND", "Choose one of your activities.", "activityId");
  if (input.amountPence > activity.pricePence) {
    throw new DomainError("AMOUNT_TOO_HIGH", `The most you can charge for ${activity.title} is ${formatPence(activity.pricePence)}.`, "amount");
  }
  const charged = await chargePass(db, {
    passCode: input.passCode,
    providerId: input.providerId,
    activityId: input.activityId,
    amountPence: input.amountPence,
    requestKey: input.requestKey,
    actor: input.actor,
    now: input.now,
  });
  return { ...charged, firstName: pass.firstName, activityTitle: activity.title };
}
