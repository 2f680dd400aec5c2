// When a booking may be cancelled, redeemed or called a no-show, relative to its slot.

/** A door may scan from an hour before the slot starts... */
export const REDEEM_OPENS_MINUTES_BEFORE_START = 60;
/** ...until two hours after it ends. */
export const REDEEM_CLOSES_MINUTES_AFTER_END = 120;

const MINUTE = 60_000;

export function redemptionWindow(slot: { startsAt: Date; endsAt: Date }) {
  return {
    opensAt: new Date(slot.startsAt.getTime() - REDEEM_OPENS_MINUTES_BEFORE_START * MINUTE),
    closesAt: new Date(slot.endsAt.getTime() + REDEEM_CLOSES_MINUTES_AFTER_END * MINUTE),
  };
}

/** The last moment a young person can cancel and get their credit back. */
export function cancellationDeadline(slot: { startsAt: Date }, activity: { cancellationCutoffHours: number }) {
  return new Date(slot.startsAt.getTime() - activity.cancellationCutoffHours * 60 * MINUTE);
}

/** A booking becomes a no-show after the grace period, and never while the door could still redeem it. */
export function noShowAfter(slot: { endsAt: Date }, programme: { noShowGraceMinutes: number }) {
  const grace = Math.max(programme.noShowGraceMinutes, REDEEM_CLOSES_MINUTES_AFTER_END);
  return new Date(slot.endsAt.getTime() + grace * MINUTE);
}

export function ageOn(dateOfBirth: Date, on: Date): number {
  let age = on.getUTCFullYear() - dateOfBirth.getUTCFullYear();
  const beforeBirthday =
    on.getUTCMonth() < dateOfBirth.getUTCMonth() ||
    (on.getUTCMonth() === dateOfBirth.getUTCMonth() && on.getUTCDate() < dateOfBirth.getUTCDate());
  if (beforeBirthday) age -= 1;
  return age;
}

/** What a door sees instead of a date of birth. */
export function ageBand(age: number): string {
  if (age < 11) return "under 11";
  if (age <= 13) return "11 to 13";
  if (age <= 15) return "14 to 15";
  if (age <= 17) return "16 to 17";
  return "18 and over";
}
