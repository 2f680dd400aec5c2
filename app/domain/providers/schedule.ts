// A provider's coming sessions with how full they are, for the portal and the door.
import { TZDate } from "@date-fns/tz";
import { z } from "zod";
import type { Db, DbTx } from "~/lib/db.server";
import { recordAudit } from "../audit";
import { cancelSlot } from "../booking";
import { DomainError } from "../errors";
import { requireUuid } from "./ids";
import type { ProviderActor } from "./venues";

export async function providerSchedule(db: Db, input: { providerId: string; from: Date; days: number }) {
  const until = new Date(input.from.getTime() + input.days * 24 * 60 * 60 * 1000);
  const [provider, slots] = await Promise.all([
    db.provider.findUniqueOrThrow({ where: { id: input.providerId }, select: { name: true } }),
    db.slot.findMany({
      where: { activity: { providerId: input.providerId }, startsAt: { gte: input.from, lt: until } },
      orderBy: { startsAt: "asc" },
      take: 200,
      select: {
        id: true,
        startsAt: true,
        endsAt: true,
        capacity: true,
        booked: true,
        status: true,
        activity: { select: { title: true } },
        _count: { select: { bookings: { where: { status: "REDEEMED" } } } },
      },
    }),
  ]);
  return {
    providerName: provider.name,
    slots: slots.map((s) => ({
      id: s.id,
      title: s.activity.title,
      startsAt: s.startsAt.toISOString(),
      endsAt: s.endsAt.toISOString(),
      capacity: s.capacity,
      booked: s.booked,
      redeemed: s._count.bookings,
      cancelled: s.status === "CANCELLED",
    })),
  };
}

// ---------------------------------------------------------------- making and changing sessions
// Times are Europe/London wall-clock times: a weekly 10:00 session is at 10:00 in summer and in winter, so its
// instant moves by an hour across the clock change. A time that happens twice (01:30 on the last Sunday of
// October) is the later, GMT one; a time that does not exist (01:30 on the last Sunday of March) moves an hour on.

export const LONDON = "Europe/London";
export const MAX_SERIES_DAYS = 366;
export const MAX_SERIES_SLOTS = 400;
export const WEEKDAY_LABELS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const UK_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/** "2026-10-25" or "25/10/2026" → the calendar day at midnight UTC (as @db.Date holds it), or null. */
export function parseCalendarDate(value: string): Date | null {
  const trimmed = value.trim();
  const iso = ISO_DATE.exec(trimmed);
  const uk = UK_DATE.exec(trimmed);
  const [year, month, day] = iso ? [Number(iso[1]), Number(iso[2]), Number(iso[3])] : uk ? [Number(uk[3]), Number(uk[2]), Number(uk[1])] : [NaN, NaN, NaN];
  if (!Number.isInteger(year)) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? date : null;
}

/** The instant a London wall-clock time on a calendar day happens. */
export function londonInstant(day: Date, time: string): Date {
  const [hours, minutes] = time.split(":").map(Number);
  return new Date(new TZDate(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), hours!, minutes!, LONDON).getTime());
}

/** 1 = Monday … 7 = Sunday, for a calendar day. */
export function isoWeekday(day: Date): number {
  return day.getUTCDay() === 0 ? 7 : day.getUTCDay();
}

export function dayKey(day: Date): string {
  return day.toISOString().slice(0, 10);
}

export type WeeklyPattern = { weekdays: number[]; startTime: string; durationMinutes: number; fromDate: Date; toDate: Date; exceptDates: Date[] };

/** Every session a weekly pattern makes: each chosen weekday from fromDate to toDate (both included), less the exceptions. */
export function weeklyOccurrences(pattern: WeeklyPattern): Array<{ day: Date; startsAt: Date; endsAt: Date }> {
  const skip = new Set(pattern.exceptDates.map(dayKey));
  const days = new Set(pattern.weekdays);
  const occurrences: Array<{ day: Date; startsAt: Date; endsAt: Date }> = [];
  for (let day = pattern.fromDate; day.getTime() <= pattern.toDate.getTime(); day = new Date(day.getTime() + DAY_MS)) {
    if (!days.has(isoWeekday(day)) || skip.has(dayKey(day))) continue;
    const startsAt = londonInstant(day, pattern.startTime);
    occurrences.push({ day, startsAt, endsAt: new Date(startsAt.getTime() + pattern.durationMinutes * 60_000) });
  }
  return occurrences;
}

const DAY_MS = 24 * 60 * 60 * 1000;

const timeSchema = z
  .string({ error: "Enter the start time" })
  .trim()
  .min(1, { error: "Enter the start time", abort: true })
  .transform((value, ctx) => {
    const match = /^(\d{1,2})[:.](\d{2})$/.exec(value);
    const hours = Number(match?.[1]);
    const minutes = Number(match?.[2]);
    if (!match || hours > 23 || minutes > 59) {
      ctx.addIssue({ code: "custom", message: "Enter the start time on the 24-hour clock, like 17:30" });
      return z.NEVER;
    }
    return `${String(hours).padStart(2, "0")}:${String(minutes).padStart(2, "0")}`;
  });

const dateSchema = (what: string) =>
  z
    .string({ error: `Enter ${what}` })
    .trim()
    .min(1, { error: `Enter ${what}`, abort: true })
    .transform((value, ctx) => {
      const date = parseCalendarDate(value);
      if (!date) {
        ctx.addIssue({ code: "custom", message: `Enter ${what} as a real date, like 2026-11-28` });
        return z.NEVER;
      }
      return date;
    });

const durationSchema = z
  .number({ error: "Enter how long it lasts, in minutes" })
  .int({ error: "Enter how long it lasts as a whole number of minutes" })
  .min(15, { error: "A session must last at least 15 minutes" })
  .max(720, { error: "A session can last at most 12 hours (720 minutes)" });

const capacitySchema = z
  .number({ error: "Enter the number of places" })
  .int({ error: "Enter the number of places as a whole number" })
  .min(1, { error: "A session needs at least 1 place" })
  .max(500, { error: "A session can have at most 500 places" });

export const oneOffSlotSchema = z.object({
  date: dateSchema("the date"),
  startTime: timeSchema,
  durationMinutes: durationSchema,
  capacity: capacitySchema,
});
export type OneOffSlotInput = z.output<typeof oneOffSlotSchema>;

export const slotSeriesSchema = z
  .object({
    weekdays: z
      .array(z.coerce.number().int().min(1).max(7), { error: "Choose at least one day of the week" })
      .min(1, { error: "Choose at least one day of the week" }),
    startTime: timeSchema,
    durationMinutes: durationSchema,
    fromDate: dateSchema("the first date"),
    toDate: dateSchema("the last date"),
    exceptDates: z
      .string()
      .optional()
      .transform((value, ctx) => {
        const parts = (value ?? "").split(/[\s,;]+/).filter(Boolean);
        const dates: Date[] = [];
        for (const part of parts) {
          const date = parseCalendarDate(part);
          if (!date) {
            ctx.addIssue({ code: "custom", message: `“${part.slice(0, 20)}” is not a date: write each date like 2026-12-26, separated by commas or new lines` });
            return z.NEVER;
          }
          dates.push(date);
        }
        return dates;
      }),
    capacity: capacitySchema,
  })
  .superRefine((value, ctx) => {
    if (!(value.fromDate instanceof Date) || !(value.toDate instanceof Date)) return;
    if (value.toDate < value.fromDate) {
      ctx.addIssue({ code: "custom", path: ["toDate"], message: "The last date must be on or after the first date" });
    } else if ((value.toDate.getTime() - value.fromDate.getTime()) / DAY_MS >= MAX_SERIES_DAYS) {
      ctx.addIssue({ code: "custom", path: ["toDate"], message: "A weekly pattern can run for up to a year; add another one after that" });
    }
    const outside = (Array.isArray(value.exceptDates) ? value.exceptDates : []).find((d) => d < value.fromDate || d > value.toDate);
    if (outside && value.toDate >= value.fromDate) {
      ctx.addIssue({ code: "custom", path: ["exceptDates"], message: `${dayKey(outside)} is outside the dates the pattern runs` });
    }
    // Runs even when another field is wrong, so every problem is shown in one round.
  }, { when: () => true })
  .transform((value) => ({ ...value, weekdays: [...new Set(value.weekdays)].sort(), exceptDates: value.exceptDates ?? [] }));
export type SlotSeriesInput = z.output<typeof slotSeriesSchema>;

export const changeCapacitySchema = z.object({ slotId: z.uuid({ error: "Choose a session" }), capacity: capacitySchema });
export const cancelSlotSchema = z.object({
  slotId: z.uuid({ error: "Choose a session" }),
  reason: z
    .string({ error: "Say why the session is cancelled: young people are told" })
    .trim()
    .min(1, { error: "Say why the session is cancelled: young people are told", abort: true })
    .min(3, { error: "Say why the session is cancelled in a few words", abort: true })
    .max(200, { error: "The reason must be 200 characters or fewer" }),
});

async function lockBookableActivity(tx: DbTx, providerId: string, activityId: string) {
  requireUuid(activityId, "that activity");
  const [activity] = await tx.$queryRaw<Array<{ id: string; status: string; councilId: string }>>`
    SELECT "id", "status"::text AS "status", "councilId"::text AS "councilId" FROM "Activity"
    WHERE "id" = ${activityId}::uuid AND "providerId" = ${providerId}::uuid FOR UPDATE`;
  if (!activity) throw new DomainError("NOT_FOUND", "We could not find that activity.");
  if (activity.status === "ARCHIVED") throw new DomainError("ACTIVITY_UNAVAILABLE", "This activity is archived: it cannot have new sessions.");
  return activity;
}

/** One session on a day at a London time. */
export async function addOneOffSlot(db: Db, actor: ProviderActor, activityId: string, input: OneOffSlotInput, now = new Date()) {
  const startsAt = londonInstant(input.date, input.startTime);
  if (startsAt <= now) throw new DomainError("INVALID_INPUT", "The session must start in the future.", "date");
  return db.$transaction(async (tx) => {
    const activity = await lockBookableActivity(tx, actor.providerId, activityId);
    const slot = await tx.slot.create({
      data: { activityId, startsAt, endsAt: new Date(startsAt.getTime() + input.durationMinutes * 60_000), capacity: input.capacity },
      select: { id: true, startsAt: true },
    });
    await recordAudit(tx, { councilId: activity.councilId, actorUserId: actor.userId, action: "slot.created", entityType: "Slot", entityId: slot.id, data: { startsAt: slot.startsAt.toISOString() } });
    return slot;
  });
}

/** A weekly pattern and every coming session it makes, in one go. Sessions already past are not made. */
export async function addSlotSeries(db: Db, actor: ProviderActor, activityId: string, input: SlotSeriesInput, now = new Date()) {
  const occurrences = weeklyOccurrences(input).filter((o) => o.startsAt > now);
  if (occurrences.length === 0) {
    throw new DomainError("INVALID_INPUT", "Those dates and days make no sessions in the future. Check the days of the week and the dates.", "weekdays");
  }
  if (occurrences.length > MAX_SERIES_SLOTS) {
    throw new DomainError("INVALID_INPUT", `That makes ${occurrences.length} sessions; the most at once is ${MAX_SERIES_SLOTS}. Choose a shorter date range.`, "toDate");
  }
  return db.$transaction(async (tx) => {
    const activity = await lockBookableActivity(tx, actor.providerId, activityId);
    const series = await tx.slotSeries.create({
      data: {
        activityId,
        weekdays: input.weekdays,
        startTime: input.startTime,
        durationMinutes: input.durationMinutes,
        fromDate: input.fromDate,
        toDate: input.toDate,
        exceptDates: input.exceptDates,
        capacity: input.capacity,
      },
      select: { id: true },
    });
    await tx.slot.createMany({
      data: occurrences.map((o) => ({ activityId, seriesId: series.id, startsAt: o.startsAt, endsAt: o.endsAt, capacity: input.capacity })),
    });
    await recordAudit(tx, { councilId: activity.councilId, actorUserId: actor.userId, action: "slot_series.created", entityType: "SlotSeries", entityId: series.id, data: { slots: occurrences.length } });
    return { seriesId: series.id, slotsCreated: occurrences.length };
  });
}

/**
 * Changes a coming session's places. It never goes below the places booked plus those offered from the
 * waiting list: the check is in the UPDATE itself, so a booking landing at the same moment cannot slip under it.
 */
export async function changeSlotCapacity(db: Db, actor: ProviderActor, input: { slotId: string; capacity: number }, now = new Date()) {
  const slotId = requireUuid(input.slotId, "that session");
  return db.$transaction(async (tx) => {
    const slot = await tx.slot.findFirst({
      where: { id: slotId, activity: { providerId: actor.providerId } },
      select: { id: true, status: true, endsAt: true, capacity: true, activity: { select: { councilId: true } } },
    });
    if (!slot) throw new DomainError("NOT_FOUND", "We could not find that session.");
    if (slot.status === "CANCELLED") throw new DomainError("SLOT_CANCELLED", "This session is cancelled.");
    if (slot.endsAt <= now) throw new DomainError("SLOT_STARTED", "This session has finished; its places can no longer change.");
    const changed = await tx.$executeRaw`
      UPDATE "Slot" SET "capacity" = ${input.capacity} WHERE "id" = ${slotId}::uuid AND "booked" + "offered" <= ${input.capacity}`;
    if (changed === 0) {
      const current = await tx.slot.findUniqueOrThrow({ where: { id: slotId }, select: { booked: true, offered: true } });
      const taken = current.booked + current.offered;
      const offered = current.offered > 0 ? ` and ${current.offered} offered to the waiting list` : "";
      throw new DomainError("CAPACITY_BELOW_BOOKED", `This session has ${current.booked} ${current.booked === 1 ? "place" : "places"} booked${offered}, so it needs at least ${taken} ${taken === 1 ? "place" : "places"}.`, "capacity", { taken });
    }
    await recordAudit(tx, { councilId: slot.activity.councilId, actorUserId: actor.userId, action: "slot.capacity_changed", entityType: "Slot", entityId: slotId, data: { before: slot.capacity, after: input.capacity } });
    return { capacity: input.capacity };
  });
}

/** Cancels a session: every booking refunded at once and each young person told (booking/cancelSlot). */
export async function cancelProviderSlot(db: Db, actor: ProviderActor, input: { slotId: string; reason: string }, now = new Date()) {
  const slotId = requireUuid(input.slotId, "that session");
  const slot = await db.slot.findFirst({ where: { id: slotId, activity: { providerId: actor.providerId } }, select: { endsAt: true } });
  if (!slot) throw new DomainError("NOT_FOUND", "We could not find that session.");
  if (slot.endsAt <= now) throw new DomainError("SLOT_STARTED", "This session has finished, so it cannot be cancelled.");
  return cancelSlot(db, { slotId, providerId: actor.providerId, reason: input.reason, actorUserId: actor.userId, now });
}

/** An activity's sessions for its slots page: coming ones (and the last week's), and its weekly patterns. */
export async function activitySlots(db: Db, providerId: string, activityId: string, now = new Date()) {
  requireUuid(activityId, "that activity");
  const activity = await db.activity.findFirst({
    where: { id: activityId, providerId },
    select: {
      id: true,
      title: true,
      status: true,
      capacity: true,
      series: { select: { id: true, weekdays: true, startTime: true, durationMinutes: true, fromDate: true, toDate: true, exceptDates: true, capacity: true }, orderBy: { createdAt: "asc" } },
      slots: {
        where: { endsAt: { gt: new Date(now.getTime() - 7 * DAY_MS) } },
        orderBy: { startsAt: "asc" },
        take: 300,
        select: { id: true, startsAt: true, endsAt: true, capacity: true, booked: true, offered: true, status: true, cancelledReason: true, seriesId: true },
      },
    },
  });
  if (!activity) throw new DomainError("NOT_FOUND", "We could not find that activity.");
  return {
    id: activity.id,
    title: activity.title,
    status: activity.status,
    capacity: activity.capacity,
    series: activity.series.map((s) => ({
      ...s,
      weekdayNames: s.weekdays.map((d) => WEEKDAY_LABELS[d - 1]!),
      fromDate: dayKey(s.fromDate),
      toDate: dayKey(s.toDate),
      exceptDates: s.exceptDates.map(dayKey),
    })),
    slots: activity.slots.map((s) => ({
      ...s,
      startsAt: s.startsAt.toISOString(),
      endsAt: s.endsAt.toISOString(),
      finished: s.endsAt <= now,
      cancelled: s.status === "CANCELLED",
    })),
  };
}
