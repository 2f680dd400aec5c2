// Demo data for activation and young people's choices: invited young people with known activation codes
// (a 14-year-old, an 11-year-old from a letter, and one whose code has run out), and for Sam some past
// activities (rated and not yet rated) and saved favourites.
import type { Db } from "~/lib/db.server";
import { bookSlot, redeemBooking } from "~/domain/booking";
import { newPassCode } from "~/domain/codes";
import { isDomainError } from "~/domain/errors";
import { issueAllocation } from "~/domain/programmes";
import { rateBooking, setFavourite } from "~/domain/young/choices";

const DAY = 24 * 60 * 60 * 1000;

/** Printed in the README: type one at /activate, or open /activate?code=... */
export const DEMO_ACTIVATION_CODES = {
  fourteen: "NB14-TEEN-2026",
  eleven: "NB11-KEEN-2026",
  expired: "NB16-PAST-2025",
  // Kept for the browser test that activates a pass and goes on to book with it.
  journey: "NB15-GAME-2026",
} as const;

function yearsAgo(today: Date, years: number, monthsOffset: number) {
  return new Date(Date.UTC(today.getUTCFullYear() - years, today.getUTCMonth() - monthsOffset, 15));
}

export async function seedYoungChoices(db: Db, input: { councilId: string; programmeId: string; now: Date }) {
  const { councilId, programmeId, now } = input;
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

  const invited = [
    // Has an email on record: the code goes there (read it in /dev/outbox).
    { ref: "NB-DEMO-14", firstName: "Maya", lastName: "Brooks", dob: yearsAgo(today, 14, 3), email: "maya@example.com", code: DEMO_ACTIVATION_CODES.fourteen, expiresAt: new Date(now.getTime() + 60 * DAY) },
    // A letter with no contact details: gives a phone or email when activating, then asks a guardian.
    { ref: "NB-DEMO-11", firstName: "Leo", lastName: "Ahmed", dob: yearsAgo(today, 11, 2), email: null, code: DEMO_ACTIVATION_CODES.eleven, expiresAt: new Date(now.getTime() + 60 * DAY) },
    { ref: "NB-DEMO-15", firstName: "Noah", lastName: "Clarke", dob: yearsAgo(today, 15, 1), email: "noah@example.com", code: DEMO_ACTIVATION_CODES.journey, expiresAt: new Date(now.getTime() + 60 * DAY) },
    { ref: "NB-DEMO-16", firstName: "Kasia", lastName: "Nowak", dob: yearsAgo(today, 16, 5), email: null, code: DEMO_ACTIVATION_CODES.expired, expiresAt: new Date(now.getTime() - 3 * DAY) },
  ];
  for (const person of invited) {
    const youngPerson = await db.youngPerson.create({
      data: {
        councilId,
        externalRef: person.ref,
        firstName: person.firstName,
        lastName: person.lastName,
        dateOfBirth: person.dob,
        postcode: "NB3 7HX",
        ward: "Eastfield",
        email: person.email,
        passCode: newPassCode(),
        activationCode: person.code,
        activationExpiresAt: person.expiresAt,
        invitedAt: new Date(now.getTime() - 7 * DAY),
        status: "INVITED",
      },
    });
    await issueAllocation(db, { programmeId, youngPersonId: youngPerson.id });
  }

  // Sam: three things done in the last three weeks, two rated, one waiting to be rated; two saved favourites.
  const sam = await db.youngPerson.findFirstOrThrow({ where: { councilId, email: "sam@example.com" }, select: { id: true, userId: true } });
  const pastSlots = await db.slot.findMany({
    where: { activity: { councilId, pricePence: { lte: 500 }, minAge: { lte: 14 }, maxAge: { gte: 14 } }, startsAt: { lt: new Date(now.getTime() - DAY), gt: new Date(now.getTime() - 21 * DAY) }, status: "SCHEDULED" },
    orderBy: { startsAt: "asc" },
    select: { id: true, startsAt: true, booked: true, capacity: true, activity: { select: { id: true, providerId: true, category: true } } },
  });
  const usedActivities = new Set<string>();
  const done: { bookingId: string; category: string }[] = [];
  for (const slot of pastSlots) {
    if (done.length === 3) break;
    if (usedActivities.has(slot.activity.id) || slot.booked >= slot.capacity) continue;
    try {
      const booking = await bookSlot(db, { youngPersonId: sam.id, slotId: slot.id, requestKey: `seed-sam-done-${done.length}`, now: new Date(slot.startsAt.getTime() - 5 * DAY) });
      await redeemBooking(db, { code: booking.code, providerId: slot.activity.providerId, actor: { userId: null, name: "Front desk" }, now: new Date(slot.startsAt.getTime() + 5 * 60_000) });
      usedActivities.add(slot.activity.id);
      done.push({ bookingId: booking.id, category: slot.activity.category });
    } catch (error) {
      if (!isDomainError(error)) throw error;
    }
  }
  const actor = { youngPersonId: sam.id, councilId, userId: sam.userId! };
  const ratings = [
    { stars: 5, wouldGoAgain: true, comment: "Really friendly coach. Going again with my mates." },
    { stars: 3, wouldGoAgain: false, comment: "It was OK but a bit crowded." },
  ];
  for (const [index, rating] of ratings.entries()) {
    const booking = done[index + 1];
    if (booking) await rateBooking(db, actor, { bookingId: booking.bookingId, ...rating });
  }

  const favourites = await db.activity.findMany({
    where: { councilId, status: "LIVE", minAge: { lte: 14 }, maxAge: { gte: 14 }, category: { in: ["CLIMBING", "MUSIC", "RECORDING_STUDIO"] } },
    orderBy: { title: "asc" },
    take: 2,
    select: { id: true },
  });
  for (const activity of favourites) await setFavourite(db, actor, { activityId: activity.id, favourite: true });

  await db.demandNote.create({
    data: { councilId, youngPersonId: sam.id, kind: "SUGGESTION", text: "Skateboarding lessons at the harbour skate park", category: "SPORT" },
  });
  return { invited: invited.length, samActivities: done.length, samFavourites: favourites.length };
}
