// A provider's coming sessions with how full they are, for the portal and the door.
import type { Db } from "~/lib/db.server";

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
