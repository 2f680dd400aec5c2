// What a young person's home page shows besides balance and bookings: things to rate, and suggestions
// drawn from what they already chose (never "spend now" pressure).
import type { Db } from "~/lib/db.server";
import type { Category } from "~/generated/prisma/enums";
import { ageOn } from "../booking/windows";
import { activityCardSelect } from "../providers/catalogue";

const DAY = 24 * 60 * 60 * 1000;
/** How far back "rate what you did" looks. */
export const RATE_WITHIN_DAYS = 30;

/** Redeemed bookings of the last few weeks, newest first, with their rating when given. */
export async function recentActivities(db: Db, youngPersonId: string, now = new Date(), take = 5) {
  const rows = await db.booking.findMany({
    where: { youngPersonId, status: "REDEEMED", slot: { startsAt: { gt: new Date(now.getTime() - RATE_WITHIN_DAYS * DAY), lte: now } } },
    orderBy: { slot: { startsAt: "desc" } },
    take,
    select: {
      id: true,
      slot: { select: { startsAt: true, activity: { select: { id: true, title: true } } } },
      rating: { select: { stars: true, wouldGoAgain: true } },
    },
  });
  return rows.map((b) => ({
    bookingId: b.id,
    activityId: b.slot.activity.id,
    title: b.slot.activity.title,
    startsAt: b.slot.startsAt.toISOString(),
    rating: b.rating,
  }));
}

export type Suggestion = {
  id: string;
  title: string;
  category: Category;
  providerName: string;
  venueName: string;
  pricePence: number;
  nextSlotAt: string;
  placesLeft: number;
};

/**
 * Activities like the ones they booked or hearted: same categories, allowed by a programme they hold live
 * credit from, right for their age, from an approved provider, with a place in a coming session, and not
 * something they are already booked on. Soonest first.
 */
export async function suggestionsFor(db: Db, youngPersonId: string, now = new Date(), take = 4): Promise<Suggestion[]> {
  const youngPerson = await db.youngPerson.findUniqueOrThrow({
    where: { id: youngPersonId },
    select: {
      councilId: true,
      dateOfBirth: true,
      allocations: { where: { status: "ACTIVE", expiresAt: { gt: now } }, select: { programme: { select: { allowedCategories: true } } } },
    },
  });
  const allowed = new Set(youngPerson.allocations.flatMap((a) => a.programme.allowedCategories));
  if (allowed.size === 0) return [];

  const [booked, hearted] = await Promise.all([
    db.booking.findMany({ where: { youngPersonId }, select: { status: true, slot: { select: { endsAt: true, activity: { select: { id: true, category: true } } } } } }),
    db.favourite.findMany({ where: { youngPersonId }, select: { activity: { select: { category: true } } } }),
  ]);
  const interests = new Set<Category>([...booked.map((b) => b.slot.activity.category), ...hearted.map((f) => f.activity.category)].filter((c) => allowed.has(c)));
  if (interests.size === 0) return [];
  const alreadyGoing = new Set(booked.filter((b) => b.status === "CONFIRMED" && b.slot.endsAt > now).map((b) => b.slot.activity.id));

  const age = ageOn(youngPerson.dateOfBirth, now);
  const candidates = await db.activity.findMany({
    where: {
      councilId: youngPerson.councilId,
      status: "LIVE",
      category: { in: [...interests] },
      minAge: { lte: age },
      maxAge: { gte: age },
      id: { notIn: [...alreadyGoing] },
      provider: { councils: { some: { councilId: youngPerson.councilId, status: "APPROVED" } } },
      slots: { some: { status: "SCHEDULED", startsAt: { gt: now } } },
    },
    take: 40,
    select: activityCardSelect(now, 10),
  });
  const withPlaces: Suggestion[] = [];
  for (const activity of candidates) {
    const next = activity.slots.find((s) => s.booked + s.offered < s.capacity);
    if (!next) continue;
    withPlaces.push({
      id: activity.id,
      title: activity.title,
      category: activity.category,
      providerName: activity.provider.name,
      venueName: activity.venue.name,
      pricePence: activity.pricePence,
      nextSlotAt: next.startsAt.toISOString(),
      placesLeft: next.capacity - next.booked - next.offered,
    });
  }
  return withPlaces.sort((a, b) => a.nextSlotAt.localeCompare(b.nextSlotAt) || a.title.localeCompare(b.title)).slice(0, take);
}
