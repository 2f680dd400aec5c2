// Registers: a provider's sessions for a day, who is booked on each (first name and initial only), who came,
// and marking someone as missed once the session and its grace period are over.
import { TZDate } from "@date-fns/tz";
import { addDays, format, startOfDay } from "date-fns";
import type { Db } from "~/lib/db.server";
import type { BookingStatus } from "~/generated/prisma/enums";
import type { Prisma } from "~/generated/prisma/client";
import { ageBand, ageOn, markNoShow, noShowAfter } from "../booking";
import { DomainError } from "../errors";

const ZONE = "Europe/London";

/** "2026-11-23" for the Europe/London day a moment falls on. */
export function londonDay(at: Date): string {
  return format(new TZDate(at, ZONE), "yyyy-MM-dd");
}

/** The first and last moment of a Europe/London calendar day ("2026-11-23"), whatever the clocks did. */
export function londonDayBounds(day: string): { from: Date; until: Date } {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const from = startOfDay(new TZDate(y, m - 1, d, ZONE));
  const until = addDays(from, 1);
  return { from: new Date(from.getTime()), until: new Date(until.getTime()) };
}

export type RegisterStatus = "BOOKED" | "CAME" | "MISSED" | "CANCELLED";

function registerStatus(status: BookingStatus): RegisterStatus {
  if (status === "REDEEMED") return "CAME";
  if (status === "NO_SHOW") return "MISSED";
  if (status === "CONFIRMED") return "BOOKED";
  return "CANCELLED";
}

/** "Sam T.": enough for a register, no more. */
export function registerName(firstName: string, lastName: string): string {
  const initial = lastName.trim().charAt(0).toUpperCase();
  return initial ? `${firstName.trim()} ${initial}.` : firstName.trim();
}

const slotSelect = {
  id: true,
  startsAt: true,
  endsAt: true,
  capacity: true,
  booked: true,
  status: true,
  activity: { select: { title: true, venue: { select: { name: true } } } },
  bookings: {
    select: {
      id: true,
      code: true,
      status: true,
      youngPerson: { select: { firstName: true, lastName: true, dateOfBirth: true } },
      redemption: { select: { redeemedAt: true, redeemedByName: true } },
      allocation: { select: { programme: { select: { noShowGraceMinutes: true } } } },
    },
    orderBy: [{ youngPerson: { firstName: "asc" } }, { youngPerson: { lastName: "asc" } }],
  },
} satisfies Prisma.SlotSelect;

type SlotRow = Awaited<ReturnType<typeof loadSlots>>[number];

function loadSlots(db: Db, where: { providerId: string; slotId?: string; from?: Date; until?: Date }) {
  return db.slot.findMany({
    where: {
      activity: { providerId: where.providerId },
      ...(where.slotId ? { id: where.slotId } : {}),
      ...(where.from && where.until ? { startsAt: { gte: where.from, lt: where.until } } : {}),
    },
    orderBy: [{ startsAt: "asc" }, { activity: { title: "asc" } }],
    select: slotSelect,
  });
}

function toRegister(slot: SlotRow, now: Date) {
  const people = slot.bookings.map((b) => {
    const status = registerStatus(b.status);
    return {
      bookingId: b.id,
      name: registerName(b.youngPerson.firstName, b.youngPerson.lastName),
      ageBand: ageBand(ageOn(b.youngPerson.dateOfBirth, slot.startsAt)),
      code: b.code,
      status,
      redeemedAt: b.redemption?.redeemedAt ?? null,
      redeemedByName: b.redemption?.redeemedByName ?? null,
      canMarkMissed: status === "BOOKED" && now >= noShowAfter(slot, b.allocation.programme),
    };
  });
  const counted = people.filter((p) => p.status !== "CANCELLED");
  return {
    id: slot.id,
    title: slot.activity.title,
    venue: slot.activity.venue.name,
    startsAt: slot.startsAt,
    endsAt: slot.endsAt,
    capacity: slot.capacity,
    cancelled: slot.status === "CANCELLED",
    counts: {
      booked: counted.length,
      came: counted.filter((p) => p.status === "CAME").length,
      missed: counted.filter((p) => p.status === "MISSED").length,
      waiting: counted.filter((p) => p.status === "BOOKED").length,
    },
    people,
  };
}

export type SlotRegister = ReturnType<typeof toRegister>;

/** Every session of the provider on a London day, each with its register. */
export async function dayRegister(db: Db, input: { providerId: string; day: string; now?: Date }) {
  const { from, until } = londonDayBounds(input.day);
  const slots = await loadSlots(db, { providerId: input.providerId, from, until });
  const now = input.now ?? new Date();
  return { day: input.day, slots: slots.map((s) => toRegister(s, now)) };
}

/** One session's register; another provider's session is not found. */
export async function slotRegister(db: Db, input: { providerId: string; slotId: string; now?: Date }) {
  const [slot] = await loadSlots(db, { providerId: input.providerId, slotId: input.slotId });
  if (!slot) throw new DomainError("NOT_FOUND", "We could not find that session.");
  return toRegister(slot, input.now ?? new Date());
}

/** Marks a booking at one of this provider's sessions as missed (after the session and grace period). */
export async function markMissed(db: Db, input: { providerId: string; bookingId: string; now?: Date }) {
  const booking = await db.booking.findFirst({
    where: { id: input.bookingId, slot: { activity: { providerId: input.providerId } } },
    select: { id: true },
  });
  if (!booking) throw new DomainError("NOT_FOUND", "We could not find that booking.");
  return markNoShow(db, { bookingId: booking.id, now: input.now });
}
