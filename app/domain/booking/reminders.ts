// Reminders the day before a booking, by SMS or email: once per booking (Message.dedupeKey), never in the night.
import { tz } from "@date-fns/tz";
import { addDays, getHours, startOfDay } from "date-fns";
import type { Db } from "~/lib/db.server";
import { queueMessage } from "../notifications/messages";

const ZONE = "Europe/London";
const HOUR = 60 * 60 * 1000;
const BATCH = 500;

/** Messages go out between 09:00 and 20:59 London time only. */
export const REMINDER_HOURS = { from: 9, until: 21 } as const;
/** A booking made in the last few hours needs no reminder yet: the confirmation is fresh. */
export const FRESH_BOOKING_HOURS = 3;

const timeFormat = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: ZONE });
const formatTimeLondon = (date: Date) => timeFormat.format(date);

export const dayBeforeReminderKey = (bookingId: string) => `booking-reminder:${bookingId}`;

export function withinReminderHours(now: Date): boolean {
  const hour = getHours(now, { in: tz(ZONE) });
  return hour >= REMINDER_HOURS.from && hour < REMINDER_HOURS.until;
}

/** Tomorrow in London, as the instants it starts and ends (23 or 25 hours long when the clocks change). */
export function tomorrowInLondon(now: Date): { from: Date; to: Date } {
  const today = startOfDay(now, { in: tz(ZONE) });
  return { from: new Date(addDays(today, 1).getTime()), to: new Date(addDays(today, 2).getTime()) };
}

/**
 * Queues a reminder for every confirmed booking whose session starts tomorrow (London time), to the young
 * person's email or phone. Runs hourly in the day; the dedupe key makes every run after the first a no-op
 * for a booking, and a booking made during the day is picked up by a later run.
 */
export async function sendDayBeforeReminders(db: Db, input: { now: Date }) {
  const { now } = input;
  if (!withinReminderHours(now)) return { checked: 0, queued: 0, quietHours: true };
  const { from, to } = tomorrowInLondon(now);
  let checked = 0;
  let queued = 0;
  let after: string | undefined;
  for (;;) {
    const batch = await db.booking.findMany({
      where: {
        status: "CONFIRMED",
        createdAt: { lte: new Date(now.getTime() - FRESH_BOOKING_HOURS * HOUR) },
        slot: { status: "SCHEDULED", startsAt: { gte: from, lt: to } },
        youngPerson: { status: { in: ["ACTIVE", "AWAITING_CONSENT"] } },
        ...(after ? { id: { gt: after } } : {}),
      },
      orderBy: { id: "asc" },
      take: BATCH,
      select: {
        id: true,
        code: true,
        youngPerson: { select: { firstName: true, email: true, phone: true } },
        slot: { select: { startsAt: true, activity: { select: { title: true, venue: { select: { name: true, addressLine1: true, postcode: true } } } } } },
      },
    });
    for (const booking of batch) {
      checked += 1;
      const { activity } = booking.slot;
      const id = await queueMessage(db, booking.youngPerson, {
        template: "booking-reminder",
        subject: `Tomorrow: ${activity.title}`,
        body:
          `Hi ${booking.youngPerson.firstName}, a reminder: ${activity.title} is tomorrow at ${formatTimeLondon(booking.slot.startsAt)}, ` +
          `at ${activity.venue.name}, ${activity.venue.addressLine1}, ${activity.venue.postcode}. Your door code is ${booking.code}. ` +
          `If you cannot go, please let them know so someone else can have the place.`,
        dedupeKey: dayBeforeReminderKey(booking.id),
      });
      if (id) queued += 1;
    }
    if (batch.length < BATCH) break;
    after = batch[batch.length - 1]!.id;
  }
  return { checked, queued, quietHours: false };
}
