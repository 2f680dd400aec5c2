// Demo data for door mode, registers and the team page at Northbridge Leisure Centre: a swim session starting
// in half an hour (door open now) with Ava and others booked, an earlier one today with who came and who missed,
// a Soundbox session today (a second provider's booking to be refused at Northbridge's door), and a pending
// invitation for a new member of door staff.
import type { Db } from "~/lib/db.server";
import { bookSlot, markNoShow, redeemBooking } from "~/domain/booking";
import { isDomainError } from "~/domain/errors";
import { createInvitation } from "~/domain/identity/invitations";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** The invited address in the README: the link is in the development outbox. */
export const DEMO_INVITED_EMAIL = "newcoach@nb-leisure.example";

export async function seedProviderTeam(db: Db, input: { councilId: string; now: Date }) {
  const { councilId, now } = input;
  const leisure = await db.provider.findFirstOrThrow({ where: { name: "Northbridge Leisure Centre" }, select: { id: true } });
  const soundbox = await db.provider.findFirstOrThrow({ where: { name: "Soundbox Studios" }, select: { id: true } });
  const swim = await db.activity.findFirstOrThrow({ where: { providerId: leisure.id, title: "Teen swim session" } });
  const beats = await db.activity.findFirstOrThrow({ where: { providerId: soundbox.id, title: "Beat-making workshop" } });
  const manager = await db.user.findUniqueOrThrow({ where: { email: "manager@nb-leisure.example" }, select: { id: true, displayName: true } });

  // Whole five minutes, so the times read well on the door and the register.
  const soon = new Date(Math.ceil((now.getTime() + 30 * MINUTE) / (5 * MINUTE)) * 5 * MINUTE);
  const upcoming = await db.slot.create({ data: { activityId: swim.id, startsAt: soon, endsAt: new Date(soon.getTime() + HOUR), capacity: swim.capacity } });
  const earlierStart = new Date(soon.getTime() - 6 * HOUR);
  const earlier = await db.slot.create({ data: { activityId: swim.id, startsAt: earlierStart, endsAt: new Date(earlierStart.getTime() + HOUR), capacity: swim.capacity } });
  const studioStart = new Date(soon.getTime() + 3 * HOUR);
  const studio = await db.slot.create({ data: { activityId: beats.id, startsAt: studioStart, endsAt: new Date(studioStart.getTime() + 90 * MINUTE), capacity: beats.capacity } });

  const ava = await db.youngPerson.findFirstOrThrow({ where: { councilId, phone: "+447700900001" }, select: { id: true } });
  // Others with credit and of an age for a teen swim; Sam is left alone for the booking demo.
  const others = await db.youngPerson.findMany({
    where: { councilId, email: null, phone: { not: "+447700900001" }, allocations: { some: { status: "ACTIVE" } } },
    select: { id: true, dateOfBirth: true },
    orderBy: { externalRef: "asc" },
    take: 40,
  });
  const teens = others.filter((p) => {
    const age = (now.getTime() - p.dateOfBirth.getTime()) / (365.25 * 24 * HOUR);
    return age >= 12 && age < 17;
  });

  const book = async (youngPersonId: string, slotId: string, key: string, at: Date) => {
    try {
      return await bookSlot(db, { youngPersonId, slotId, requestKey: `seed-door-${key}`, now: at });
    } catch (error) {
      if (isDomainError(error)) return null; // not enough credit or not allowed: skip them, as in life
      throw error;
    }
  };

  // Ava: today's swim at Northbridge and today's workshop at Soundbox (the door demo's two codes).
  await book(ava.id, upcoming.id, "ava-swim", now);
  await book(ava.id, studio.id, "ava-studio", now);
  for (const [i, person] of teens.slice(0, 5).entries()) await book(person.id, upcoming.id, `upcoming-${i}`, now);
  const alreadyIn = teens[5] ? await book(teens[5].id, upcoming.id, "upcoming-in", now) : null;
  if (alreadyIn) await redeemBooking(db, { code: alreadyIn.code, providerId: leisure.id, actor: { userId: null, name: "Jo" }, now });

  // Earlier today: booked the day before; most came, one did not (marked once the grace period was over).
  const dayBefore = new Date(earlierStart.getTime() - 24 * HOUR);
  const earlierBookings = [];
  for (const [i, person] of teens.slice(6, 12).entries()) {
    const booking = await book(person.id, earlier.id, `earlier-${i}`, dayBefore);
    if (booking) earlierBookings.push(booking);
  }
  for (const [i, booking] of earlierBookings.entries()) {
    if (i === earlierBookings.length - 1) {
      const graceOver = new Date(earlierStart.getTime() + 4 * HOUR);
      if (graceOver <= now) await markNoShow(db, { bookingId: booking.id, now: graceOver });
      continue;
    }
    await redeemBooking(db, { code: booking.code, providerId: leisure.id, actor: { userId: null, name: "Jo" }, now: new Date(earlierStart.getTime() + (2 + i) * MINUTE) });
  }

  // A new coach invited to the door; the link is in the development outbox.
  await createInvitation(db, {
    email: DEMO_INVITED_EMAIL,
    role: "DOOR_STAFF",
    scope: { providerId: leisure.id },
    invitedBy: { userId: manager.id, name: manager.displayName },
    now,
  });
}
