// Demo data for the evidence dashboard: two months of past sessions used at the door (more in the better-off
// wards, so the deprivation gap shows), ratings of what was done, three months of searches with and without
// results, and suggestions from young people. Money moves only through the booking domain.
import type { Db } from "~/lib/db.server";
import { bookSlot, redeemBooking } from "~/domain/booking";
import { isDomainError } from "~/domain/errors";
import { wardDeprivationFor } from "~/domain/evidence/deprivation";
import type { Category, DemandKind } from "~/generated/prisma/enums";
import { prng } from "./random";

const DAY = 24 * 60 * 60 * 1000;


const FOUND: Array<[string, Category | null]> = [
  ["swimming", "SWIMMING"],
  ["football", "FOOTBALL"],
  ["climbing", "CLIMBING"],
  ["dance", "DANCE"],
  ["recording studio", "RECORDING_STUDIO"],
  ["gym", "GYM"],
  ["art", "ARTS"],
  ["drama", "DRAMA"],
  ["", null],
];
const NOT_FOUND: Array<[string, number]> = [
  ["skateboarding", 9],
  ["boxing", 8],
  ["esports", 6],
  ["horse riding", 4],
  ["coding club", 4],
  ["parkour", 3],
  ["ice skating", 3],
  ["fishing", 2],
  ["netball", 2],
  ["DJ lessons", 2],
];
const SUGGESTIONS: Array<{ kind: DemandKind; text: string; category: Category | null; searchQuery?: string }> = [
  { kind: "NO_RESULT", text: "Somewhere to skate that isn't the car park", category: "SPORT", searchQuery: "skateboarding" },
  { kind: "NO_RESULT", text: "Boxing for girls at the weekend", category: "SPORT", searchQuery: "boxing" },
  { kind: "NO_RESULT", text: "A gaming club where we can play FIFA tournaments", category: null, searchQuery: "esports" },
  { kind: "SUGGESTION", text: "Harbour Skate Park does sessions for beginners", category: "SPORT" },
  { kind: "SUGGESTION", text: "Learn to make beats on a laptop", category: "MUSIC" },
  { kind: "SUGGESTION", text: "Cheaper climbing after school", category: "CLIMBING" },
  { kind: "SUGGESTION", text: "Something on Sunday afternoons in Eastfield", category: null },
  { kind: "NO_RESULT", text: "Coding or robots club", category: null, searchQuery: "coding club" },
  { kind: "SUGGESTION", text: "Swimming lessons for people who can't swim yet (not babies)", category: "SWIMMING" },
  { kind: "SUGGESTION", text: "Riding stables near Hill Top", category: "OUTDOORS" },
  { kind: "NO_RESULT", text: "Free running / parkour classes", category: "SPORT", searchQuery: "parkour" },
  { kind: "SUGGESTION", text: "Photography walks", category: "ARTS" },
];
const COMMENTS = ["Really good, the coach was kind.", "Loved it!", "Bit busy but fun.", "Want to go every week.", "Didn't know anyone but it was fine.", null, null, null];

export async function seedEvidence(db: Db, input: { councilId: string; now: Date }) {
  const { councilId, now } = input;
  const random = prng(5_112_026);
  const council = await db.council.findUniqueOrThrow({ where: { id: councilId }, select: { slug: true } });
  const deciles = wardDeprivationFor(council.slug);

  // The demo's passes were issued when the programme started, not at the moment the seed ran.
  const programme = await db.programme.findFirst({ where: { councilId, status: "ACTIVE" }, orderBy: { startsOn: "asc" }, select: { startsOn: true } });
  if (programme && programme.startsOn < now) {
    await db.allocation.updateMany({ where: { councilId, issuedAt: { gt: programme.startsOn } }, data: { issuedAt: new Date(programme.startsOn.getTime() + 9 * 60 * 60 * 1000) } });
  }

  // Two months of weekly sessions before the main seed's history, each booked and mostly used at the door.
  const activities = await db.activity.findMany({
    where: { councilId, status: "LIVE", provider: { councils: { some: { councilId, status: "APPROVED" } } } },
    select: { id: true, providerId: true, capacity: true, slots: { orderBy: { startsAt: "asc" }, take: 1, select: { startsAt: true, endsAt: true } } },
  });
  const people = await db.youngPerson.findMany({
    where: { councilId, allocations: { some: { status: "ACTIVE" } } },
    select: { id: true, ward: true },
    orderBy: { externalRef: "asc" },
  });
  // Better-off wards use their passes more: the gap the dashboard is there to show.
  const weighted = people.flatMap((p) => Array.from({ length: 1 + Math.round(((deciles[p.ward] ?? 5) / 10) * 4) }, () => p));
  let used = 0;
  for (const activity of activities) {
    const first = activity.slots[0];
    if (!first) continue;
    const minutes = (first.endsAt.getTime() - first.startsAt.getTime()) / 60_000;
    for (let week = 9; week >= 2; week--) {
      const startsAt = new Date(first.startsAt.getTime() - week * 7 * DAY);
      if (startsAt.getTime() > now.getTime() - 8 * DAY) continue;
      const slot = await db.slot.create({
        data: { activityId: activity.id, startsAt, endsAt: new Date(startsAt.getTime() + minutes * 60_000), capacity: activity.capacity },
      });
      const attendees = random.int(0, 3);
      for (let i = 0; i < attendees; i++) {
        const person = random.pick(weighted);
        try {
          const booking = await bookSlot(db, { youngPersonId: person.id, slotId: slot.id, requestKey: `seed-evidence-${slot.id}-${i}`, now: new Date(startsAt.getTime() - random.int(1, 6) * DAY) });
          if (random.chance(0.9)) {
            await redeemBooking(db, { code: booking.code, providerId: activity.providerId, actor: { userId: null, name: "Front desk" }, now: new Date(startsAt.getTime() + 5 * 60_000) });
            used += 1;
          }
        } catch (error) {
          if (!isDomainError(error)) throw error; // too young, not enough credit, already booked: as in life
        }
      }
    }
  }

  // Ratings for about two thirds of what was used at the door, a day or two later.
  const redeemed = await db.booking.findMany({
    where: { councilId, status: "REDEEMED", rating: null },
    select: { id: true, youngPersonId: true, slot: { select: { startsAt: true, activity: { select: { id: true, providerId: true } } } } },
  });
  const ratings = redeemed
    .filter(() => random.chance(0.65))
    .map((b) => {
      const stars = random.pick([5, 5, 5, 4, 4, 4, 4, 3, 3, 2]);
      return {
        councilId,
        bookingId: b.id,
        youngPersonId: b.youngPersonId,
        activityId: b.slot.activity.id,
        providerId: b.slot.activity.providerId,
        stars,
        wouldGoAgain: stars >= 4 || random.chance(0.3),
        comment: random.pick(COMMENTS),
        createdAt: new Date(Math.min(now.getTime(), b.slot.startsAt.getTime() + random.int(1, 3) * DAY)),
      };
    });
  await db.rating.createMany({ data: ratings, skipDuplicates: true });

  // Three months of searches: most find something; the ones that do not are the unmet demand.
  const searches: Array<{ councilId: string; query: string; category: Category | null; resultCount: number; createdAt: Date }> = [];
  for (let i = 0; i < 520; i++) {
    const createdAt = new Date(now.getTime() - random.int(0, 90 * 24 * 60) * 60_000);
    const [query, category] = random.pick(FOUND);
    searches.push({ councilId, query, category, resultCount: random.int(1, 12), createdAt });
  }
  for (const [query, weight] of NOT_FOUND) {
    for (let i = 0; i < weight * 4; i++) {
      searches.push({ councilId, query: random.chance(0.2) ? query.toUpperCase() : query, category: null, resultCount: 0, createdAt: new Date(now.getTime() - random.int(0, 90 * 24 * 60) * 60_000) });
    }
  }
  await db.searchEvent.createMany({ data: searches });

  const notes = SUGGESTIONS.map((s, i) => ({
    councilId,
    youngPersonId: random.chance(0.5) ? random.pick(people).id : null,
    kind: s.kind,
    text: s.text,
    category: s.category,
    searchQuery: s.searchQuery ?? null,
    createdAt: new Date(now.getTime() - (i * 7 + random.int(0, 6)) * DAY),
  }));
  await db.demandNote.createMany({ data: notes });

  return { pastUses: used, ratings: ratings.length, searches: searches.length, suggestions: notes.length };
}
