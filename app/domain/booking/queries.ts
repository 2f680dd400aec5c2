// What a young person sees of their own pass and bookings.
import type { Db } from "~/lib/db.server";
import { penceFromBigInt } from "../money";

/** Total spendable credit across live allocations, and the soonest expiry. */
export async function passSummary(db: Db, youngPersonId: string, now = new Date()) {
  const allocations = await db.allocation.findMany({
    where: { youngPersonId },
    select: { id: true, status: true, expiresAt: true, programme: { select: { name: true } }, wallet: { select: { balancePence: true } } },
    orderBy: { expiresAt: "asc" },
  });
  const live = allocations.filter((a) => a.status === "ACTIVE" && a.expiresAt > now);
  return {
    balancePence: live.reduce((sum, a) => sum + penceFromBigInt(a.wallet?.balancePence ?? 0n), 0),
    expiresAt: live[0]?.expiresAt.toISOString() ?? null,
    frozen: allocations.some((a) => a.status === "FROZEN"),
    programmes: allocations.map((a) => ({
      id: a.id,
      name: a.programme.name,
      status: a.status,
      expiresAt: a.expiresAt.toISOString(),
      balancePence: penceFromBigInt(a.wallet?.balancePence ?? 0n),
    })),
  };
}

export async function upcomingBookings(db: Db, youngPersonId: string, now = new Date()) {
  const bookings = await db.booking.findMany({
    where: { youngPersonId, status: "CONFIRMED", slot: { endsAt: { gt: now } } },
    orderBy: { slot: { startsAt: "asc" } },
    take: 20,
    select: {
      id: true,
      code: true,
      pricePence: true,
      slot: {
        select: {
          startsAt: true,
          endsAt: true,
          activity: { select: { id: true, title: true, category: true, cancellationCutoffHours: true, venue: { select: { name: true } } } },
        },
      },
    },
  });
  return bookings.map((b) => ({
    id: b.id,
    code: b.code,
    pricePence: b.pricePence,
    startsAt: b.slot.startsAt.toISOString(),
    endsAt: b.slot.endsAt.toISOString(),
    activityId: b.slot.activity.id,
    title: b.slot.activity.title,
    category: b.slot.activity.category,
    venueName: b.slot.activity.venue.name,
    cancelUntil: new Date(b.slot.startsAt.getTime() - b.slot.activity.cancellationCutoffHours * 3_600_000).toISOString(),
  }));
}
