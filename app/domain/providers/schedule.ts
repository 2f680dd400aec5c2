// A provider's coming sessions with how full they are, for the portal and the door.
import type { Db, DbTx } from "~/lib/db.server";
import { recordAudit } from "../audit";
import { cancelSlot } from "../booking";
import { DomainError } from "../errors";
import { requireUuid } from "./ids";
import { dayKey, londonInstant, MAX_SERIES_SLOTS, WEEKDAY_LABELS, weeklyOccurrences, type OneOffSlotInput, type SlotSeriesInput } from "./forms";
import type { ProviderActor } from "./venues";

export {
  cancelSlotSchema,
  changeCapacitySchema,
  dayKey,
  isoWeekday,
  LONDON,
  londonInstant,
  MAX_SERIES_DAYS,
  MAX_SERIES_SLOTS,
  oneOffSlotSchema,
  parseCalendarDate,
  slotSeriesSchema,
  WEEKDAY_LABELS,
  weeklyOccurrences,
  type OneOffSlotInput,
  type SlotSeriesInput,
  type WeeklyPattern,
} from "./forms";

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

const DAY_MS = 24 * 60 * 60 * 1000;

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
