// What young people tell us: ratings of what they did, favourite activities, and suggestions of what is missing.
import { isUniqueViolation, type Db } from "~/lib/db.server";
import type { Category } from "~/generated/prisma/enums";
import { recordAudit } from "../audit";
import { DomainError } from "../errors";
import { activityCardSelect } from "../providers/catalogue";

import { COMMENT_MAX, SUGGESTION_MAX, SUGGESTIONS_PER_DAY } from "./limits";

export { COMMENT_MAX, SUGGESTION_MAX, SUGGESTIONS_PER_DAY };

type YoungActor = { youngPersonId: string; councilId: string };

const notFound = () => new DomainError("NOT_FOUND", "We could not find that booking.");

/** A booking of their own they may rate: used at the door (redeemed), and not rated yet. */
export async function rateableBooking(db: Db, actor: YoungActor, bookingId: string) {
  const booking = await db.booking.findFirst({
    where: { id: bookingId, youngPersonId: actor.youngPersonId, councilId: actor.councilId },
    select: {
      id: true,
      status: true,
      slot: { select: { startsAt: true, activity: { select: { id: true, title: true, provider: { select: { name: true } } } } } },
      rating: { select: { stars: true, comment: true, wouldGoAgain: true, createdAt: true } },
    },
  });
  if (!booking) throw notFound();
  return {
    id: booking.id,
    canRate: booking.status === "REDEEMED" && !booking.rating,
    redeemed: booking.status === "REDEEMED",
    startsAt: booking.slot.startsAt.toISOString(),
    activityId: booking.slot.activity.id,
    title: booking.slot.activity.title,
    providerName: booking.slot.activity.provider.name,
    rating: booking.rating ? { ...booking.rating, createdAt: booking.rating.createdAt.toISOString() } : null,
  };
}

export type RatingInput = { bookingId: string; stars: number; comment?: string | null; wouldGoAgain: boolean };

/** Rates one of their own redeemed bookings, once. */
export async function rateBooking(db: Db, actor: YoungActor & { userId: string }, input: RatingInput) {
  if (!Number.isInteger(input.stars) || input.stars < 1 || input.stars > 5) {
    throw new DomainError("INVALID_INPUT", "Choose from 1 to 5 stars.", "stars");
  }
  const comment = input.comment?.trim() || null;
  if (comment && comment.length > COMMENT_MAX) {
    throw new DomainError("INVALID_INPUT", `Keep your comment to ${COMMENT_MAX} characters or fewer.`, "comment");
  }
  const booking = await db.booking.findFirst({
    where: { id: input.bookingId, youngPersonId: actor.youngPersonId, councilId: actor.councilId },
    select: { id: true, status: true, slot: { select: { activity: { select: { id: true, providerId: true } } } }, rating: { select: { id: true } } },
  });
  if (!booking) throw notFound();
  if (booking.rating) throw new DomainError("ALREADY_RATED", "You have already rated this. Thanks for telling us!");
  if (booking.status !== "REDEEMED") {
    throw new DomainError("NOT_RATEABLE", "You can rate an activity once you have been to it and your code was scanned at the door.");
  }
  try {
    return await db.$transaction(async (tx) => {
      const rating = await tx.rating.create({
        data: {
          councilId: actor.councilId,
          bookingId: booking.id,
          youngPersonId: actor.youngPersonId,
          activityId: booking.slot.activity.id,
          providerId: booking.slot.activity.providerId,
          stars: input.stars,
          comment,
          wouldGoAgain: input.wouldGoAgain,
        },
        select: { id: true, stars: true, wouldGoAgain: true },
      });
      await recordAudit(tx, { councilId: actor.councilId, actorUserId: actor.userId, action: "rating.created", entityType: "Rating", entityId: rating.id, data: { stars: rating.stars } });
      return rating;
    });
  } catch (error) {
    // Two taps at once: the unique booking id lets one rating in.
    if (isUniqueViolation(error)) {
      throw new DomainError("ALREADY_RATED", "You have already rated this. Thanks for telling us!");
    }
    throw error;
  }
}

/** Their ratings by booking id, for history lists. */
export async function ratingsByBooking(db: Db, youngPersonId: string, bookingIds: string[]) {
  if (bookingIds.length === 0) return {};
  const ratings = await db.rating.findMany({
    where: { youngPersonId, bookingId: { in: bookingIds } },
    select: { bookingId: true, stars: true, wouldGoAgain: true },
  });
  return Object.fromEntries(ratings.map((r) => [r.bookingId, { stars: r.stars, wouldGoAgain: r.wouldGoAgain }]));
}

/**
 * Hearts an activity, or takes the heart away. Setting (not toggling) makes a repeated submit harmless.
 * Only activities of the young person's own council can be hearted; another council's is "not found".
 */
export async function setFavourite(db: Db, actor: YoungActor, input: { activityId: string; favourite: boolean }) {
  const activity = await db.activity.findFirst({ where: { id: input.activityId, councilId: actor.councilId }, select: { id: true, title: true } });
  if (!activity) throw new DomainError("NOT_FOUND", "We could not find that activity.");
  if (input.favourite) {
    await db.favourite.createMany({ data: [{ youngPersonId: actor.youngPersonId, activityId: activity.id }], skipDuplicates: true });
  } else {
    await db.favourite.deleteMany({ where: { youngPersonId: actor.youngPersonId, activityId: activity.id } });
  }
  return { activityId: activity.id, title: activity.title, favourite: input.favourite };
}

/** Their hearted activities, newest first, each with its next session that has a place. */
export async function favouriteActivities(db: Db, actor: YoungActor, now = new Date()) {
  const favourites = await db.favourite.findMany({
    where: { youngPersonId: actor.youngPersonId, activity: { councilId: actor.councilId } },
    orderBy: { createdAt: "desc" },
    select: {
      activity: {
        select: { ...activityCardSelect(now, 10), status: true },
      },
    },
  });
  return favourites.map(({ activity }) => {
    const next = activity.slots.find((s) => s.booked + s.offered < s.capacity);
    return {
      id: activity.id,
      title: activity.title,
      category: activity.category,
      pricePence: activity.pricePence,
      live: activity.status === "LIVE",
      providerName: activity.provider.name,
      venueName: activity.venue.name,
      nextSlotAt: next?.startsAt.toISOString(),
      placesLeft: next ? next.capacity - next.booked - next.offered : undefined,
    };
  });
}

export async function favouriteIds(db: Db, youngPersonId: string, activityIds: string[]): Promise<Set<string>> {
  if (activityIds.length === 0) return new Set();
  const rows = await db.favourite.findMany({ where: { youngPersonId, activityId: { in: activityIds } }, select: { activityId: true } });
  return new Set(rows.map((r) => r.activityId));
}

/** "Suggest an activity or provider that is not on Playpass": evidence of demand for the council. */
export async function suggestActivity(db: Db, actor: YoungActor, input: { text: string; category?: Category | null }, now = new Date()) {
  const text = input.text.trim().replace(/\s+/g, " ");
  if (text.length < 3) throw new DomainError("INVALID_INPUT", "Tell us what you would like to do, in a few words.", "text");
  if (text.length > SUGGESTION_MAX) throw new DomainError("INVALID_INPUT", `Keep it to ${SUGGESTION_MAX} characters or fewer.`, "text");
  const today = await db.demandNote.count({
    where: { youngPersonId: actor.youngPersonId, kind: "SUGGESTION", createdAt: { gt: new Date(now.getTime() - 24 * 60 * 60 * 1000) } },
  });
  if (today >= SUGGESTIONS_PER_DAY) {
    throw new DomainError("INVALID_INPUT", "Thanks for all your ideas today! You can send more tomorrow.", "text");
  }
  return db.demandNote.create({
    data: { councilId: actor.councilId, youngPersonId: actor.youngPersonId, kind: "SUGGESTION", text, category: input.category ?? null },
    select: { id: true, text: true, category: true },
  });
}
