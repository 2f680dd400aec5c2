// The reminders queue: one message the day before each booking, never in the night, whatever runs overlap.
import { randomUUID } from "node:crypto";
import { TZDate, tz } from "@date-fns/tz";
import { startOfDay } from "date-fns";
import { afterEach, describe, expect, it, vi } from "vitest";
import { getDb } from "~/lib/db.server";
import { bookSlot, cancelBooking } from "~/domain/booking";
import { dayBeforeReminderKey, sendDayBeforeReminders, tomorrowInLondon, withinReminderHours } from "~/domain/booking/reminders";
import { fakeJob, useWorkerTestEnvironment } from "../support/workers";
import { processJob as runReminders, schedules } from "../../workers/reminders";
import { processJob as runNotification } from "../../workers/notifications";
import { createActivity, createScene, createSlot, createYoungPerson } from "../factories";

const db = () => getDb();
const HOUR = 3_600_000;

useWorkerTestEnvironment();
afterEach(() => {
  vi.useRealTimers();
});

/** Midnight in London ten days from now: the programme is running, and the session times read as London times. */
const DAY0 = new Date(startOfDay(new Date(Date.now() + 10 * 24 * HOUR), { in: tz("Europe/London") }).getTime());
/** London wall-clock time `hours` into the day `days` after DAY0 (right across a clock change too). */
function at(days: number, hours: number): Date {
  const day = new TZDate(DAY0.getTime(), "Europe/London");
  return new Date(new TZDate(day.getFullYear(), day.getMonth(), day.getDate() + days, Math.floor(hours), Math.round((hours % 1) * 60), "Europe/London").getTime());
}
/** 17:00 London time, well inside the reminder hours. */
const RUN_AT = at(0, 17);

/** A booking made two days before a session at `startsAt`. */
async function bookingAt(startsAt: Date, person: { email?: string | null; phone?: string | null } = {}) {
  const scene = await createScene({ activity: { title: "Junior climbing", pricePence: 400 }, slot: { startsAt } });
  const { youngPerson } = await createYoungPerson({ programmeId: scene.programme.id, ...person });
  const booking = await bookSlot(db(), { youngPersonId: youngPerson.id, slotId: scene.slot.id, requestKey: randomUUID(), now: new Date(RUN_AT.getTime() - 48 * HOUR) });
  return { ...scene, youngPerson, booking };
}

const remindersFor = (bookingId: string) => db().message.findMany({ where: { dedupeKey: dayBeforeReminderKey(bookingId) } });

describe("day-before reminders", () => {
  it("queue one message per booking starting tomorrow, however many runs there are", async () => {
    const tomorrow = await bookingAt(at(1, 10.5));
    const today = await bookingAt(at(0, 19));
    const dayAfter = await bookingAt(at(2, 9));

    await sendDayBeforeReminders(db(), { now: RUN_AT });
    await sendDayBeforeReminders(db(), { now: new Date(RUN_AT.getTime() + HOUR) });
    await Promise.all([sendDayBeforeReminders(db(), { now: RUN_AT }), sendDayBeforeReminders(db(), { now: RUN_AT })]);

    const sent = await remindersFor(tomorrow.booking.id);
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ template: "booking-reminder", channel: "EMAIL", recipient: tomorrow.youngPerson.email, subject: "Tomorrow: Junior climbing" });
    expect(sent[0]!.body).toContain("tomorrow at 10:30");
    expect(sent[0]!.body).toContain(`Your door code is ${tomorrow.booking.code}`);
    expect(await remindersFor(today.booking.id)).toHaveLength(0);
    expect(await remindersFor(dayAfter.booking.id)).toHaveLength(0);
  });

  it("send by text when there is no email, and skip cancelled bookings and people with no contact", async () => {
    const startsAt = at(1, 16);
    const byText = await bookingAt(startsAt, { email: null, phone: "+447700900777" });
    const cancelled = await bookingAt(startsAt);
    await cancelBooking(db(), { bookingId: cancelled.booking.id, youngPersonId: cancelled.youngPerson.id, now: new Date(RUN_AT.getTime() - 47 * HOUR) });
    const unreachable = await bookingAt(startsAt, { email: null, phone: null });

    await sendDayBeforeReminders(db(), { now: RUN_AT });
    expect(await remindersFor(byText.booking.id)).toMatchObject([{ channel: "SMS", recipient: "+447700900777" }]);
    expect(await remindersFor(cancelled.booking.id)).toHaveLength(0);
    expect(await remindersFor(unreachable.booking.id)).toHaveLength(0);
  });

  it("wait for a booking made in the last few hours, and send nothing in the night", async () => {
    const scene = await createScene({ slot: { startsAt: at(1, 11) } });
    const { youngPerson } = await createYoungPerson({ programmeId: scene.programme.id });
    const fresh = await bookSlot(db(), { youngPersonId: youngPerson.id, slotId: scene.slot.id, requestKey: randomUUID(), now: new Date(RUN_AT.getTime() - HOUR) });
    await db().booking.update({ where: { id: fresh.id }, data: { createdAt: new Date(RUN_AT.getTime() - HOUR) } });
    await sendDayBeforeReminders(db(), { now: RUN_AT });
    expect(await remindersFor(fresh.id)).toHaveLength(0);
    await sendDayBeforeReminders(db(), { now: new Date(RUN_AT.getTime() + 2 * HOUR) });
    expect(await remindersFor(fresh.id)).toHaveLength(1);

    const late = await sendDayBeforeReminders(db(), { now: at(0, 22.5) });
    expect(late).toEqual({ checked: 0, queued: 0, quietHours: true });
    expect(withinReminderHours(new Date("2031-01-14T08:59:00.000Z"))).toBe(false);
    expect(withinReminderHours(new Date("2031-01-14T09:00:00.000Z"))).toBe(true);
    // British Summer Time: 08:30 UTC is 09:30 in London.
    expect(withinReminderHours(new Date("2031-07-14T08:30:00.000Z"))).toBe(true);
    expect(withinReminderHours(new Date("2031-07-14T20:00:00.000Z"))).toBe(false);
  });

  it("reads tomorrow in London time, across the clocks going forward", () => {
    // Sunday 30 March 2031 is 23 hours long in London.
    const { from, to } = tomorrowInLondon(new Date("2031-03-29T18:00:00.000Z"));
    expect(from.toISOString()).toBe("2031-03-30T00:00:00.000Z");
    expect(to.toISOString()).toBe("2031-03-30T23:00:00.000Z");
  });
});

describe('the "reminders" worker', () => {
  it("is scheduled hourly in the day, London time, and its job queues the reminders the notifications queue delivers", async () => {
    expect(schedules).toEqual([expect.objectContaining({ id: "send-day-before-reminders", repeat: { pattern: "0 9-20 * * *", tz: "Europe/London" } })]);

    const scene = await createScene();
    const activity = await createActivity({ providerId: scene.provider.id, councilId: scene.council.id, title: "Film club" });
    const slot = await createSlot({ activityId: activity.id, startsAt: at(1, 18) });
    const { youngPerson } = await createYoungPerson({ programmeId: scene.programme.id });
    const booking = await bookSlot(db(), { youngPersonId: youngPerson.id, slotId: slot.id, requestKey: randomUUID(), now: new Date(RUN_AT.getTime() - 48 * HOUR) });
    // The booking was made days ago, as far as the reminder run can tell.
    await db().booking.update({ where: { id: booking.id }, data: { createdAt: new Date(RUN_AT.getTime() - 48 * HOUR) } });

    vi.useFakeTimers({ toFake: ["Date"], now: RUN_AT });
    const result = await runReminders(fakeJob({ task: "send-day-before-reminders" }));
    await runReminders(fakeJob({ task: "send-day-before-reminders" }));
    vi.useRealTimers();

    expect(result).toMatchObject({ quietHours: false });
    const [message, ...more] = await remindersFor(booking.id);
    expect(more).toEqual([]);
    await expect(runNotification(fakeJob({ messageId: message!.id }))).resolves.toBe("OUTBOX");
  });
});
