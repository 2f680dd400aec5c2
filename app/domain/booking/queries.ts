// What a young person sees of their own pass and bookings.
import type { Db, DbTx } from "~/lib/db.server";
import type { AllocationStatus } from "~/generated/prisma/enums";
import type { Prisma } from "~/generated/prisma/client";
import { penceFromBigInt } from "../money";

type AllocationRow = { id: string; status: AllocationStatus; expiresAt: Date; programmeName: string; balancePence: bigint | null };

/**
 * Total spendable credit across live allocations, and the soonest expiry. One statement (allocations with their
 * programme and wallet joined): every young page shows the balance, and Prisma's nested select was three.
 */
export async function passSummary(db: DbTx, youngPersonId: string, now = new Date()) {
  const allocations = await db.$queryRaw<AllocationRow[]>`
    SELECT a."id", a."status"::text AS "status", a."expiresAt", p."name" AS "programmeName", w."balancePence"
    FROM "Allocation" a
    JOIN "Programme" p ON p."id" = a."programmeId"
    LEFT JOIN "Account" w ON w."allocationId" = a."id"
    WHERE a."youngPersonId" = ${youngPersonId}::uuid
    ORDER BY a."expiresAt" ASC, a."id" ASC`;
  const live = allocations.filter((a) => a.status === "ACTIVE" && a.expiresAt > now);
  return {
    balancePence: live.reduce((sum, a) => sum + penceFromBigInt(a.balancePence ?? 0n), 0),
    expiresAt: live[0]?.expiresAt.toISOString() ?? null,
    frozen: allocations.some((a) => a.status === "FROZEN"),
    programmes: allocations.map((a) => ({
      id: a.id,
      name: a.programmeName,
      status: a.status,
      expiresAt: a.expiresAt.toISOString(),
      balancePence: penceFromBigInt(a.balancePence ?? 0n),
    })),
  };
}

export type PastBookingStatus = "REDEEMED" | "CANCELLED" | "PROVIDER_CANCELLED" | "NO_SHOW" | "ENDED";

const bookingCardSelect = {
  id: true,
  code: true,
  pricePence: true,
  status: true,
  slot: {
    select: {
      startsAt: true,
      endsAt: true,
      activity: {
        select: {
          id: true,
          title: true,
          cancellationCutoffHours: true,
          venue: { select: { name: true, addressLine1: true, town: true, postcode: true } },
        },
      },
    },
  },
} as const;

/**
 * A young person's bookings, split as they think of them: still to go to (confirmed, not yet over),
 * and everything else, newest first. Always scoped to their own id.
 */
type BookingCardRow = Prisma.BookingGetPayload<{ select: typeof bookingCardSelect }>;

function card(b: BookingCardRow) {
  return {
    id: b.id,
    code: b.code,
    pricePence: b.pricePence,
    startsAt: b.slot.startsAt.toISOString(),
    endsAt: b.slot.endsAt.toISOString(),
    activityId: b.slot.activity.id,
    title: b.slot.activity.title,
    venueName: b.slot.activity.venue.name,
    venueAddress: `${b.slot.activity.venue.addressLine1}, ${b.slot.activity.venue.town} ${b.slot.activity.venue.postcode}`,
  };
}

type UpcomingRow = {
  id: string;
  code: string;
  pricePence: number;
  startsAt: Date;
  endsAt: Date;
  activityId: string;
  title: string;
  cancellationCutoffHours: number;
  venueName: string;
  addressLine1: string;
  town: string;
  postcode: string;
};

/**
 * Bookings still to go to (confirmed, not yet over), soonest first, with the last moment to cancel. One statement
 * (booking, slot, activity and venue joined) where Prisma's nested select made four round trips in a row.
 */
export async function upcomingBookings(db: DbTx, youngPersonId: string, now = new Date(), take?: number) {
  const rows = await db.$queryRaw<UpcomingRow[]>`
    SELECT b."id", b."code", b."pricePence", s."startsAt", s."endsAt", a."id" AS "activityId", a."title", a."cancellationCutoffHours",
      v."name" AS "venueName", v."addressLine1", v."town", v."postcode"
    FROM "Booking" b
    JOIN "Slot" s ON s."id" = b."slotId"
    JOIN "Activity" a ON a."id" = s."activityId"
    JOIN "Venue" v ON v."id" = a."venueId"
    WHERE b."youngPersonId" = ${youngPersonId}::uuid AND b."status" = 'CONFIRMED' AND s."endsAt" > ${now}
    ORDER BY s."startsAt" ASC, b."id" ASC
    LIMIT ${take ?? null}::int`;
  return rows.map((b) => ({
    id: b.id,
    code: b.code,
    pricePence: b.pricePence,
    startsAt: b.startsAt.toISOString(),
    endsAt: b.endsAt.toISOString(),
    activityId: b.activityId,
    title: b.title,
    venueName: b.venueName,
    venueAddress: `${b.addressLine1}, ${b.town} ${b.postcode}`,
    cancelUntil: new Date(b.startsAt.getTime() - b.cancellationCutoffHours * 3_600_000).toISOString(),
  }));
}

/**
 * A young person's bookings, split as they think of them: still to go to, and everything else,
 * newest first. Always scoped to their own id.
 */
export async function myBookings(db: Db, youngPersonId: string, now = new Date(), pastLimit = 50) {
  const [upcoming, past] = await Promise.all([
    upcomingBookings(db, youngPersonId, now),
    db.booking.findMany({
      where: { youngPersonId, OR: [{ status: { not: "CONFIRMED" } }, { slot: { endsAt: { lte: now } } }] },
      orderBy: [{ slot: { startsAt: "desc" } }, { createdAt: "desc" }],
      take: pastLimit,
      select: bookingCardSelect,
    }),
  ]);
  return {
    upcoming,
    // A confirmed booking whose session is over is waiting to be marked used or missed.
    past: past.map((b) => ({ ...card(b), status: (b.status === "CONFIRMED" ? "ENDED" : b.status) as PastBookingStatus })),
  };
}

/** One of the young person's own bookings with what a calendar entry needs; null when it is not theirs. */
export async function bookingForCalendar(db: Db, youngPersonId: string, bookingId: string) {
  const booking = await db.booking.findFirst({
    where: { id: bookingId, youngPersonId },
    select: {
      id: true,
      code: true,
      status: true,
      createdAt: true,
      slot: {
        select: {
          startsAt: true,
          endsAt: true,
          activity: {
            select: {
              title: true,
              provider: { select: { name: true } },
              venue: { select: { name: true, addressLine1: true, town: true, postcode: true } },
            },
          },
        },
      },
    },
  });
  if (!booking) return null;
  const { activity } = booking.slot;
  return {
    id: booking.id,
    code: booking.code,
    cancelled: booking.status === "CANCELLED" || booking.status === "PROVIDER_CANCELLED",
    createdAt: booking.createdAt,
    startsAt: booking.slot.startsAt,
    endsAt: booking.slot.endsAt,
    title: activity.title,
    providerName: activity.provider.name,
    location: `${activity.venue.name}, ${activity.venue.addressLine1}, ${activity.venue.town} ${activity.venue.postcode}`,
  };
}

/** The code a till scans or types for walk-in use of the pass. */
export async function passCodeOf(db: Db, youngPersonId: string): Promise<string> {
  const youngPerson = await db.youngPerson.findUniqueOrThrow({ where: { id: youngPersonId }, select: { passCode: true } });
  return youngPerson.passCode;
}
