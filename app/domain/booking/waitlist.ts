// Waiting lists for full slots: joining, leaving, offering a freed place to the first in line, and expiring offers.
// A place offered is held in Slot.offered (booked + offered <= capacity, enforced by a CHECK), so nobody else can
// book it while the offer stands. Every change takes the slot's row lock first, the order booking and cancelling
// take it, so offers, bookings and cancellations of one slot happen one at a time.
import type { Db, DbTx } from "~/lib/db.server";
import { Prisma } from "~/generated/prisma/client";
import { DomainError } from "../errors";
import { queueMessage } from "../notifications/messages";
import { ageOn } from "./windows";

const MINUTE = 60_000;
/** When a young person has no live allocation to say otherwise (the schema's default). */
const DEFAULT_OFFER_MINUTES = 120;

export type JoinedWaitlist = { entryId: string; position: number; alreadyWaiting: boolean };

/** Puts a young person in the queue for a full slot; joining twice keeps their first place. */
export async function joinWaitlist(db: Db, input: { youngPersonId: string; slotId: string; now?: Date }): Promise<JoinedWaitlist> {
  const now = input.now ?? new Date();
  const slot = await db.slot.findUnique({ where: { id: input.slotId }, include: { activity: true } });
  const youngPerson = await db.youngPerson.findUnique({ where: { id: input.youngPersonId } });
  if (!slot || !youngPerson || slot.activity.councilId !== youngPerson.councilId) {
    throw new DomainError("NOT_FOUND", "We could not find that session.");
  }
  const { activity } = slot;
  if (slot.status === "CANCELLED") throw new DomainError("SLOT_CANCELLED", "This session has been cancelled by the provider. Pick another time.", "slotId");
  if (activity.status !== "LIVE") throw new DomainError("ACTIVITY_UNAVAILABLE", "This activity is not taking bookings at the moment.");
  if (slot.startsAt <= now) throw new DomainError("SLOT_STARTED", "This session has already started. Pick a later time.", "slotId");
  const age = ageOn(youngPerson.dateOfBirth, slot.startsAt);
  if (age < activity.minAge || age > activity.maxAge) {
    throw new DomainError("AGE_NOT_ELIGIBLE", `This activity is for ages ${activity.minAge} to ${activity.maxAge}.`);
  }
  const usable = await db.allocation.count({
    where: { youngPersonId: youngPerson.id, status: "ACTIVE", expiresAt: { gt: now }, programme: { allowedCategories: { has: activity.category } } },
  });
  if (usable === 0) {
    throw new DomainError("ACTIVITY_NOT_ALLOWED", "Your pass cannot be used for this kind of activity, so you cannot join its waiting list.");
  }
  const booked = await db.booking.count({ where: { slotId: slot.id, youngPersonId: youngPerson.id, status: "CONFIRMED" } });
  if (booked > 0) throw new DomainError("ALREADY_BOOKED", "You have already booked this session. You can find it in My bookings.", "slotId");

  const existing = await liveEntry(db, slot.id, youngPerson.id);
  if (existing) return { entryId: existing.id, position: await positionOf(db, existing), alreadyWaiting: true };
  if (slot.booked + slot.offered < slot.capacity) {
    throw new DomainError("WAITLIST_NOT_NEEDED", "There are places left on this session, so you can book it now.", "slotId");
  }

  // ON CONFLICT DO NOTHING against the one-live-entry-per-person index: a double tap joins once.
  const [created] = await db.waitlistEntry.createManyAndReturn({
    data: [{ councilId: activity.councilId, slotId: slot.id, youngPersonId: youngPerson.id }],
    skipDuplicates: true,
    select: { id: true, createdAt: true, status: true },
  });
  const entry = created ?? (await liveEntry(db, slot.id, youngPerson.id));
  if (!entry) throw new Error(`waitlist: entry for ${youngPerson.id} on ${slot.id} vanished after insert`);
  // A place freed between our check and the insert found nobody waiting: offer it now rather than leave it idle.
  await offerFreedPlacesForSlot(db, { slotId: slot.id, now });
  const current = await db.waitlistEntry.findUniqueOrThrow({ where: { id: entry.id }, select: { id: true, createdAt: true, status: true } });
  return { entryId: entry.id, position: await positionOf(db, current), alreadyWaiting: !created };
}

/** Leaves the queue; a place held for them goes to the next in line. Leaving twice is not an error. */
export async function leaveWaitlist(db: Db, input: { youngPersonId: string; entryId: string; now?: Date }) {
  const now = input.now ?? new Date();
  const entry = await db.waitlistEntry.findUnique({ where: { id: input.entryId }, select: { id: true, slotId: true, youngPersonId: true, status: true } });
  if (!entry || entry.youngPersonId !== input.youngPersonId) throw new DomainError("NOT_FOUND", "We could not find that waiting list place.");
  if (entry.status !== "WAITING" && entry.status !== "OFFERED") return { left: false, status: entry.status };

  return db.$transaction(async (tx) => {
    await lockSlot(tx, entry.slotId);
    const [before] = await tx.$queryRaw<{ status: string }[]>`
      SELECT "status"::text AS "status" FROM "WaitlistEntry" WHERE "id" = ${entry.id}::uuid FOR UPDATE`;
    if (!before || (before.status !== "WAITING" && before.status !== "OFFERED")) return { left: false, status: before?.status ?? "LEFT" };
    await tx.waitlistEntry.update({ where: { id: entry.id }, data: { status: "LEFT" } });
    const left = before;
    if (left.status === "OFFERED") {
      await tx.$executeRaw`UPDATE "Slot" SET "offered" = "offered" - 1 WHERE "id" = ${entry.slotId}::uuid`;
      await offerFreedPlaces(tx, entry.slotId, now);
    }
    return { left: true, status: "LEFT" as const };
  });
}

/**
 * Offers every free place of a slot to the first people waiting, in the order they joined. The caller's
 * transaction must already hold the slot's row lock or take it here (it is re-entrant within a transaction).
 * Messages go through the outbox in the same transaction, so an offer is never made without being told.
 */
export async function offerFreedPlaces(tx: DbTx, slotId: string, now: Date): Promise<number> {
  const slot = await lockSlot(tx, slotId);
  if (!slot || slot.status !== "SCHEDULED" || slot.startsAt <= now) return 0;
  let free = slot.capacity - slot.booked - slot.offered;
  let offered = 0;
  while (free > 0) {
    const next = await tx.waitlistEntry.findFirst({
      where: { slotId, status: "WAITING" },
      orderBy: [{ createdAt: "asc" }, { id: "asc" }],
      select: { id: true, youngPerson: { select: { id: true, firstName: true, email: true, phone: true } } },
    });
    if (!next) break;
    const minutes = await offerMinutesFor(tx, next.youngPerson.id, now);
    const expiresAt = new Date(Math.min(now.getTime() + minutes * MINUTE, slot.startsAt.getTime()));
    const claimed = await tx.waitlistEntry.updateMany({
      where: { id: next.id, status: "WAITING" },
      data: { status: "OFFERED", offeredAt: now, offerExpiresAt: expiresAt },
    });
    if (claimed.count === 0) continue;
    await tx.$executeRaw`UPDATE "Slot" SET "offered" = "offered" + 1 WHERE "id" = ${slotId}::uuid`;
    await queueMessage(tx, next.youngPerson, {
      template: "waitlist-offer",
      subject: `A place at ${slot.title} is yours`,
      body:
        `Hi ${next.youngPerson.firstName}, a place came up at ${slot.title} on ${londonDateTime(slot.startsAt)}. ` +
        `It is held for you until ${londonTime(expiresAt)}${sameLondonDay(expiresAt, now) ? "" : ` on ${londonDay(expiresAt)}`}. ` +
        `Open Playpass and go to My bookings to book it. If you do not want it, do nothing and it goes to the next person.`,
      dedupeKey: `waitlist-offer:${next.id}`,
    });
    free -= 1;
    offered += 1;
  }
  return offered;
}

/** Offers a slot's free places in a transaction of its own (after a join, a capacity increase, or from the worker). */
export async function offerFreedPlacesForSlot(db: Db, input: { slotId: string; now?: Date }): Promise<number> {
  const now = input.now ?? new Date();
  return db.$transaction((tx) => offerFreedPlaces(tx, input.slotId, now));
}

/**
 * Ends offers nobody took in time and passes each place to the next in line; then offers any place left free on a
 * slot with people waiting (a capacity increase, or an offer job lost between a commit and the queue).
 */
export async function expireOffers(db: Db, input: { now?: Date; limit?: number } = {}) {
  const now = input.now ?? new Date();
  const due = await db.waitlistEntry.findMany({
    where: { status: "OFFERED", offerExpiresAt: { lte: now } },
    orderBy: { offerExpiresAt: "asc" },
    take: input.limit ?? 500,
    select: { id: true, slotId: true },
  });
  let expired = 0;
  let offered = 0;
  for (const entry of due) {
    await db.$transaction(async (tx) => {
      await lockSlot(tx, entry.slotId);
      const ended = await tx.waitlistEntry.updateMany({
        where: { id: entry.id, status: "OFFERED", offerExpiresAt: { lte: now } },
        data: { status: "EXPIRED" },
      });
      if (ended.count === 0) return; // booked or left meanwhile
      expired += 1;
      await tx.$executeRaw`UPDATE "Slot" SET "offered" = "offered" - 1 WHERE "id" = ${entry.slotId}::uuid`;
      offered += await offerFreedPlaces(tx, entry.slotId, now);
    });
  }
  const idle = await db.$queryRaw<{ id: string }[]>`
    SELECT s."id" FROM "Slot" s
    WHERE s."status" = 'SCHEDULED' AND s."startsAt" > ${now} AND s."booked" + s."offered" < s."capacity"
      AND EXISTS (SELECT 1 FROM "WaitlistEntry" e WHERE e."slotId" = s."id" AND e."status" = 'WAITING')
    LIMIT 500`;
  for (const slot of idle) offered += await offerFreedPlacesForSlot(db, { slotId: slot.id, now });
  return { expired, offered };
}

/** The young person's live waiting-list places, soonest session first, with their place in the queue or their offer. */
export async function myWaitlist(db: DbTx, youngPersonId: string, now = new Date()) {
  const entries = await db.waitlistEntry.findMany({
    where: { youngPersonId, status: { in: ["WAITING", "OFFERED"] }, slot: { startsAt: { gt: now }, status: "SCHEDULED" } },
    orderBy: { slot: { startsAt: "asc" } },
    select: {
      id: true,
      status: true,
      createdAt: true,
      offerExpiresAt: true,
      slot: {
        select: {
          id: true,
          startsAt: true,
          endsAt: true,
          activity: { select: { id: true, title: true, pricePence: true, venue: { select: { name: true } } } },
        },
      },
    },
  });
  return Promise.all(
    entries.map(async (e) => ({
      id: e.id,
      slotId: e.slot.id,
      activityId: e.slot.activity.id,
      title: e.slot.activity.title,
      venueName: e.slot.activity.venue.name,
      pricePence: e.slot.activity.pricePence,
      startsAt: e.slot.startsAt.toISOString(),
      endsAt: e.slot.endsAt.toISOString(),
      // An offer past its time is on its way to the next person: show it as waiting no longer.
      offer: e.status === "OFFERED" && e.offerExpiresAt && e.offerExpiresAt > now ? { expiresAt: e.offerExpiresAt.toISOString() } : null,
      position: e.status === "WAITING" ? await positionOf(db, e) : null,
    })),
  );
}

/** The young person's live place on a slot's list, if any (for the activity page). */
export async function waitlistStatusFor(db: DbTx, youngPersonId: string, slotIds: string[], now = new Date()) {
  const entries = await db.waitlistEntry.findMany({
    where: { youngPersonId, slotId: { in: slotIds }, status: { in: ["WAITING", "OFFERED"] } },
    select: { id: true, slotId: true, status: true, createdAt: true, offerExpiresAt: true },
  });
  const bySlot = new Map<string, { entryId: string; position: number | null; offerExpiresAt: string | null }>();
  for (const e of entries) {
    const offerLive = e.status === "OFFERED" && e.offerExpiresAt !== null && e.offerExpiresAt > now;
    bySlot.set(e.slotId, {
      entryId: e.id,
      position: e.status === "WAITING" ? await positionOf(db, e) : null,
      offerExpiresAt: offerLive ? e.offerExpiresAt!.toISOString() : null,
    });
  }
  return bySlot;
}

type LockedSlot = { id: string; status: string; capacity: number; booked: number; offered: number; startsAt: Date; title: string };

async function lockSlot(tx: DbTx, slotId: string): Promise<LockedSlot | undefined> {
  const [slot] = await tx.$queryRaw<LockedSlot[]>`
    SELECT s."id", s."status"::text AS "status", s."capacity", s."booked", s."offered", s."startsAt", a."title"
    FROM "Slot" s JOIN "Activity" a ON a."id" = s."activityId"
    WHERE s."id" = ${slotId}::uuid
    FOR NO KEY UPDATE OF s`;
  return slot;
}

async function liveEntry(db: DbTx, slotId: string, youngPersonId: string) {
  return db.waitlistEntry.findFirst({
    where: { slotId, youngPersonId, status: { in: ["WAITING", "OFFERED"] } },
    select: { id: true, createdAt: true, status: true },
  });
}

/** 1 for the first in line; an offered entry counts as at the front. */
async function positionOf(db: DbTx, entry: { id: string; createdAt: Date; status: string }): Promise<number> {
  if (entry.status === "OFFERED") return 1;
  const [row] = await db.$queryRaw<{ ahead: bigint }[]>(Prisma.sql`
    SELECT COUNT(*) AS "ahead" FROM "WaitlistEntry" e
    WHERE e."slotId" = (SELECT "slotId" FROM "WaitlistEntry" WHERE "id" = ${entry.id}::uuid)
      AND e."status" = 'WAITING' AND (e."createdAt", e."id") < (${entry.createdAt}, ${entry.id}::uuid)`);
  return Number(row?.ahead ?? 0n) + 1;
}

/** The shortest hold among the young person's live programmes: the council's promise is kept for every one. */
async function offerMinutesFor(tx: DbTx, youngPersonId: string, now: Date): Promise<number> {
  const programmes = await tx.allocation.findMany({
    where: { youngPersonId, status: "ACTIVE", expiresAt: { gt: now } },
    select: { programme: { select: { waitlistOfferMinutes: true } } },
  });
  const minutes = programmes.map((a) => a.programme.waitlistOfferMinutes);
  return minutes.length > 0 ? Math.min(...minutes) : DEFAULT_OFFER_MINUTES;
}

const zone = "Europe/London";
const londonDateTime = (d: Date) => d.toLocaleString("en-GB", { timeZone: zone, weekday: "long", day: "numeric", month: "long", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const londonTime = (d: Date) => d.toLocaleTimeString("en-GB", { timeZone: zone, hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
const londonDay = (d: Date) => d.toLocaleDateString("en-GB", { timeZone: zone, weekday: "long", day: "numeric", month: "long" });
const sameLondonDay = (a: Date, b: Date) => londonDay(a) === londonDay(b);
