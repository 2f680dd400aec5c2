// Demo data for exploring and waiting lists: the fictional Northbridge postcode districts with their centres,
// venue locations and access features, every young person's home district centre, a popular five-a-side
// session that is full with a waiting list, and a place held for Sam from another full session's list.
import { randomUUID } from "node:crypto";
import type { Db } from "~/lib/db.server";
import { bookSlot, cancelBooking, joinWaitlist } from "~/domain/booking";
import { isDomainError } from "~/domain/errors";
import { penceFromBigInt } from "~/domain/money";
import { districtCentre, loadPostcodeDistricts } from "~/domain/places";
import { topUpAllocation } from "~/domain/programmes";
import type { AccessibilityFeature } from "~/generated/prisma/enums";

const DAY = 24 * 60 * 60 * 1000;

/** Northbridge is made up, so are its districts: centres spread over a town about 5 miles across. */
export const NORTHBRIDGE_DISTRICTS = [
  { outwardCode: "NB1", latitude: 54.6, longitude: -1.55 }, // Castle, the town centre
  { outwardCode: "NB2", latitude: 54.592, longitude: -1.53 }, // Riverside
  { outwardCode: "NB3", latitude: 54.603, longitude: -1.505 }, // Eastfield
  { outwardCode: "NB4", latitude: 54.62, longitude: -1.56 }, // Hill Top
  { outwardCode: "NB5", latitude: 54.585, longitude: -1.575 }, // Millbrook
  { outwardCode: "NB6", latitude: 54.628, longitude: -1.54 }, // Northgate
  { outwardCode: "NB7", latitude: 54.575, longitude: -1.545 }, // St Anne's
  { outwardCode: "NB8", latitude: 54.605, longitude: -1.6 }, // Westmoor
];

/** A venue sits a little off its district's centre, the same way every time. */
function offset(name: string): [number, number] {
  let hash = 0;
  for (const c of name) hash = (hash * 31 + c.charCodeAt(0)) >>> 0;
  return [((hash % 80) - 40) / 10_000, (((hash >>> 8) % 80) - 40) / 10_000];
}

/** What a venue's activities say about access, as the features young people can filter by. */
function featuresFrom(text: string): AccessibilityFeature[] {
  const t = text.toLowerCase();
  const features = new Set<AccessibilityFeature>();
  if (/step-free|lift|ground floor|hoist/.test(t)) features.add("STEP_FREE");
  if (/accessible (toilet|changing)/.test(t)) features.add("ACCESSIBLE_TOILET");
  if (/hoist/.test(t)) features.add("CHANGING_PLACES");
  if (/quiet/.test(t)) features.add("QUIET_SESSIONS");
  return [...features];
}

export async function seedYoungExplore(db: Db, input: { councilId: string; now: Date }) {
  const { councilId, now } = input;
  await loadPostcodeDistricts(db, NORTHBRIDGE_DISTRICTS, "Playpass demo: fictional Northbridge districts");

  const venues = await db.venue.findMany({ select: { id: true, name: true, postcode: true, activities: { select: { accessibility: true } } } });
  for (const venue of venues) {
    const centre = await districtCentre(db, venue.postcode);
    if (!centre) continue;
    const [dLat, dLng] = offset(venue.name);
    const features = featuresFrom(venue.activities.map((a) => a.accessibility).join(" "));
    if (venue.name.includes("Leisure Centre")) features.push("HEARING_LOOP");
    await db.venue.update({
      where: { id: venue.id },
      data: { latitude: centre.latitude + dLat, longitude: centre.longitude + dLng, accessibilityFeatures: [...new Set(features)] },
    });
  }
  // Home is the district's centre, never the address: enough for "near me", nothing more.
  for (const district of NORTHBRIDGE_DISTRICTS) {
    await db.youngPerson.updateMany({
      where: { councilId, postcode: { startsWith: `${district.outwardCode} ` } },
      data: { latitude: district.latitude, longitude: district.longitude },
    });
  }

  const sam = await db.youngPerson.findFirstOrThrow({ where: { councilId, email: "sam@example.com" }, select: { id: true } });
  // Sam has been busy in the demo: an attendance reward leaves enough to book and show the journey (a top-up with a reason).
  const samAllocation = await db.allocation.findFirst({ where: { youngPersonId: sam.id, status: "ACTIVE" }, select: { id: true, wallet: { select: { balancePence: true } } } });
  const samBalance = penceFromBigInt(samAllocation?.wallet?.balancePence ?? 0n);
  if (samAllocation && samBalance < 4_000) {
    await topUpAllocation(db, { allocationId: samAllocation.id, amountPence: 4_000 - samBalance, reason: "Reward for going to five sessions", idempotencyKey: `seed-explore:sam-reward:${samAllocation.id}` });
  }
  const pitchSlots = await db.slot.findMany({
    where: { activity: { councilId, title: { startsWith: "Five-a-side" } }, status: "SCHEDULED", startsAt: { gt: new Date(now.getTime() + 2 * DAY) } },
    orderBy: { startsAt: "asc" },
    take: 2,
    select: { id: true },
  });
  if (pitchSlots.length < 2) return;
  const others = await db.youngPerson.findMany({
    where: { councilId, id: { not: sam.id }, allocations: { some: { status: "ACTIVE" } } },
    orderBy: { externalRef: "asc" },
    select: { id: true },
  });
  const queue = others.map((p) => p.id);

  /** Books the slot full with people other than Sam; returns their bookings. */
  async function fill(slotId: string) {
    const made: Array<{ id: string; youngPersonId: string }> = [];
    for (;;) {
      const slot = await db.slot.findUniqueOrThrow({ where: { id: slotId }, select: { booked: true, offered: true, capacity: true } });
      if (slot.booked + slot.offered >= slot.capacity || queue.length === 0) return made;
      const youngPersonId = queue.shift()!;
      try {
        const booking = await bookSlot(db, { youngPersonId, slotId, requestKey: `seed-explore-${randomUUID()}`, now });
        made.push({ id: booking.id, youngPersonId });
      } catch (error) {
        if (!isDomainError(error)) throw error; // too young, not enough credit: someone else books it
      }
    }
  }
  async function wait(slotId: string, youngPersonId: string) {
    try {
      await joinWaitlist(db, { youngPersonId, slotId, now });
      return true;
    } catch (error) {
      if (!isDomainError(error)) throw error;
      return false;
    }
  }

  // The popular one: full, three in line. Sam can join it too.
  const [popular, held] = pitchSlots as [{ id: string }, { id: string }];
  await fill(popular.id);
  for (let joined = 0; joined < 3 && queue.length > 0; ) if (await wait(popular.id, queue.shift()!)) joined += 1;

  // Sam's: full, Sam first in line, then someone cancels and the place is held for Sam.
  await fill(held.id);
  const giveUp = await db.booking.findFirst({ where: { slotId: held.id, status: "CONFIRMED", youngPersonId: { not: sam.id } }, select: { id: true, youngPersonId: true } });
  if ((await wait(held.id, sam.id)) && giveUp) {
    await cancelBooking(db, { bookingId: giveUp.id, youngPersonId: giveUp.youngPersonId, now });
  }
}
