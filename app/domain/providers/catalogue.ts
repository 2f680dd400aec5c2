// What young people can see: live activities of approved providers, with their coming slots.
import type { Db } from "~/lib/db.server";
import type { Category } from "~/generated/prisma/enums";

export type ActivitySummary = {
  id: string;
  title: string;
  category: Category;
  providerName: string;
  venueName: string;
  pricePence: number;
  nextSlotAt: string | null;
  placesLeft: number | null;
};

const bookable = (now: Date) =>
  ({
    status: "LIVE",
    provider: { councils: { some: { status: "APPROVED" } } },
    slots: { some: { status: "SCHEDULED", startsAt: { gt: now } } },
  }) as const;

/** Live activities with a coming slot, soonest first; scoped to a council when one is given. */
export async function listBookableActivities(
  db: Db,
  input: { councilId?: string; now?: Date; take?: number },
): Promise<ActivitySummary[]> {
  const now = input.now ?? new Date();
  const activities = await db.activity.findMany({
    where: {
      ...bookable(now),
      ...(input.councilId ? { councilId: input.councilId, provider: { councils: { some: { councilId: input.councilId, status: "APPROVED" } } } } : {}),
    },
    select: {
      id: true,
      title: true,
      category: true,
      pricePence: true,
      provider: { select: { name: true } },
      venue: { select: { name: true } },
      slots: {
        where: { status: "SCHEDULED", startsAt: { gt: now } },
        orderBy: { startsAt: "asc" },
        take: 1,
        select: { startsAt: true, capacity: true, booked: true },
      },
    },
    take: 200,
  });
  return activities
    .map((a) => ({
      id: a.id,
      title: a.title,
      category: a.category,
      providerName: a.provider.name,
      venueName: a.venue.name,
      pricePence: a.pricePence,
      nextSlotAt: a.slots[0]?.startsAt.toISOString() ?? null,
      placesLeft: a.slots[0] ? a.slots[0].capacity - a.slots[0].booked : null,
    }))
    .sort((a, b) => (a.nextSlotAt ?? "").localeCompare(b.nextSlotAt ?? ""))
    .slice(0, input.take ?? 60);
}

/** One activity with its coming slots and places left, or null when it is not bookable. */
export async function getActivityPage(db: Db, input: { activityId: string; now?: Date }) {
  const now = input.now ?? new Date();
  const activity = await db.activity.findFirst({
    where: { id: input.activityId, status: "LIVE", provider: { councils: { some: { status: "APPROVED" } } } },
    select: {
      id: true,
      councilId: true,
      title: true,
      description: true,
      category: true,
      minAge: true,
      maxAge: true,
      pricePence: true,
      accessibility: true,
      whatToBring: true,
      cancellationCutoffHours: true,
      provider: { select: { name: true } },
      venue: { select: { name: true, addressLine1: true, town: true, postcode: true } },
      slots: {
        where: { status: "SCHEDULED", startsAt: { gt: now } },
        orderBy: { startsAt: "asc" },
        take: 30,
        select: { id: true, startsAt: true, endsAt: true, capacity: true, booked: true },
      },
    },
  });
  if (!activity) return null;
  return {
    ...activity,
    slots: activity.slots.map((s) => ({
      id: s.id,
      startsAt: s.startsAt.toISOString(),
      endsAt: s.endsAt.toISOString(),
      placesLeft: s.capacity - s.booked,
    })),
  };
}
