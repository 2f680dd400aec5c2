// Demo data: one council with a funded programme, ~200 young people, 10 providers with four weeks
// of sessions, and some bookings, redemptions and a paid payout. Every penny goes through the domain
// functions, so the demo ledger adds up like a real one. Running it again changes nothing.
import { getDb } from "~/lib/db.server";
import { bookSlot, redeemBooking, cancelBooking } from "~/domain/booking";
import { newActivationCode, newPassCode } from "~/domain/codes";
import { fundProgramme, issueAllocation } from "~/domain/programmes";
import { createPayoutRun, makeRedemptionsPayable, markPayoutPaid } from "~/domain/settlement";
import { verifyLedger } from "~/domain/ledger";
import { isDomainError } from "~/domain/errors";
import { seedYoungChoices } from "./seed/young-choices";
import { seedEvidence } from "./seed/evidence";
import { seedProviderTeam } from "./seed/provider-team";
import { seedAttendance } from "./seed/attendance";
import { seedYoungExplore } from "./seed/young-explore";
import { seedProviderPortal } from "./seed/provider-portal";
import { seedCouncil } from "./seed/council";
import { seedSettlement } from "./seed/settlement";
import type { Category, NeedsFlag } from "~/generated/prisma/enums";
import { prng } from "./seed/random";

const COUNCIL_SLUG = "northbridge";
const DAY = 24 * 60 * 60 * 1000;


const FIRST_NAMES = ["Aisha", "Ben", "Chloe", "Daniel", "Ella", "Finn", "Grace", "Harry", "Isla", "Jacob", "Kai", "Leah", "Mohammed", "Nia", "Oscar", "Priya", "Quinn", "Ruby", "Samir", "Tia", "Umar", "Violet", "Wiktor", "Yusuf", "Zara", "Amara", "Callum", "Demi", "Ethan", "Freya"];
const LAST_NAMES = ["Ahmed", "Brown", "Campbell", "Davies", "Evans", "Fraser", "Green", "Hussain", "Jones", "Khan", "Lewis", "Murphy", "Nowak", "Okafor", "Patel", "Roberts", "Smith", "Taylor", "Walker", "Wilson"];
const WARDS = [
  { ward: "Castle", postcode: "NB1 2AA" },
  { ward: "Riverside", postcode: "NB2 4QT" },
  { ward: "Eastfield", postcode: "NB3 7HX" },
  { ward: "Hill Top", postcode: "NB4 1LP" },
  { ward: "Millbrook", postcode: "NB5 3RW" },
  { ward: "Northgate", postcode: "NB6 8JD" },
  { ward: "St Anne's", postcode: "NB7 5EN" },
  { ward: "Westmoor", postcode: "NB8 6GB" },
];

type ActivitySeed = {
  title: string;
  category: Category;
  pricePence: number;
  capacity: number;
  minAge: number;
  maxAge: number;
  minutes: number;
  /** Days of the week (0 = Sunday) and the hour it starts. */
  when: Array<[number, number]>;
  description: string;
  accessibility?: string;
  whatToBring?: string;
};

const PROVIDERS: Array<{ name: string; email: string; venue: string; address: string; postcode: string; activities: ActivitySeed[] }> = [
  {
    name: "Northbridge Leisure Centre",
    email: "bookings@nb-leisure.example",
    venue: "Northbridge Leisure Centre",
    address: "1 Castle Street",
    postcode: "NB1 3LC",
    activities: [
      { title: "Teen swim session", category: "SWIMMING", pricePence: 350, capacity: 30, minAge: 11, maxAge: 18, minutes: 60, when: [[3, 17], [6, 10]], description: "Lane and fun swimming just for 11 to 18 year olds, with a lifeguard on every side of the pool.", accessibility: "Pool hoist, accessible changing room, step-free from the car park.", whatToBring: "Swimwear and a towel. Lockers take a £1 coin you get back." },
      { title: "Gym induction for under-18s", category: "GYM", pricePence: 500, capacity: 8, minAge: 14, maxAge: 18, minutes: 45, when: [[2, 18]], description: "Learn to use the gym safely with a qualified instructor. After this you can book teen gym sessions.", accessibility: "Step-free access and a lift to the gym floor.", whatToBring: "Trainers and a water bottle." },
    ],
  },
  {
    name: "Riverside 3G Pitches",
    email: "hello@riverside-pitches.example",
    venue: "Riverside Sports Ground",
    address: "Mill Lane",
    postcode: "NB2 5RS",
    activities: [
      { title: "Five-a-side pitch hire (1 hour)", category: "FOOTBALL", pricePence: 800, capacity: 2, minAge: 12, maxAge: 25, minutes: 60, when: [[5, 18], [6, 11], [0, 14]], description: "Book a floodlit five-a-side pitch for you and your mates. One booking holds the pitch; bring your team.", whatToBring: "Football boots or trainers (no metal studs). Balls and bibs provided." },
      { title: "Girls' football drop-in", category: "FOOTBALL", pricePence: 0, capacity: 24, minAge: 11, maxAge: 16, minutes: 90, when: [[4, 17]], description: "Friendly coached football for girls of every level. Free with Playpass.", accessibility: "Changing rooms step-free; accessible toilet on site." },
    ],
  },
  {
    name: "Soundbox Studios",
    email: "studio@soundbox.example",
    venue: "Soundbox Studios",
    address: "12 Foundry Yard",
    postcode: "NB3 9SB",
    activities: [
      { title: "Recording studio session (2 hours)", category: "RECORDING_STUDIO", pricePence: 1500, capacity: 4, minAge: 13, maxAge: 25, minutes: 120, when: [[2, 16], [4, 16], [6, 13]], description: "Record your track with a sound engineer. Bring lyrics, beats or instruments; leave with a mixed demo.", accessibility: "Ground floor studio, step-free. Ear defenders available.", whatToBring: "Your lyrics or files on a USB stick or phone." },
      { title: "Beat-making workshop", category: "MUSIC", pricePence: 600, capacity: 10, minAge: 11, maxAge: 18, minutes: 90, when: [[3, 16]], description: "Make beats on laptops with a producer. No experience needed." },
    ],
  },
  {
    name: "Move Dance Academy",
    email: "info@movedance.example",
    venue: "Move Dance Academy",
    address: "4 Market Square",
    postcode: "NB1 4MD",
    activities: [
      { title: "Street dance", category: "DANCE", pricePence: 400, capacity: 20, minAge: 10, maxAge: 16, minutes: 60, when: [[1, 17], [6, 12]], description: "Hip hop and street dance with routines to the latest tracks.", accessibility: "First floor studio with a lift." },
    ],
  },
  {
    name: "Peak Climbing Wall",
    email: "climb@peakwall.example",
    venue: "Peak Climbing Wall",
    address: "Unit 7, Westmoor Trading Estate",
    postcode: "NB8 2PC",
    activities: [
      { title: "Bouldering taster", category: "CLIMBING", pricePence: 900, capacity: 12, minAge: 10, maxAge: 18, minutes: 90, when: [[2, 17], [0, 10]], description: "Climb without ropes on low walls over thick mats, coached by instructors.", whatToBring: "Loose clothes. Climbing shoes are lent free." },
    ],
  },
  {
    name: "Open Arts Collective",
    email: "make@openarts.example",
    venue: "The Old Library",
    address: "22 Church Road",
    postcode: "NB7 1OA",
    activities: [
      { title: "Graffiti art and stencils", category: "ARTS", pricePence: 300, capacity: 15, minAge: 12, maxAge: 18, minutes: 120, when: [[6, 14]], description: "Design and spray your own stencil art on boards you take home.", accessibility: "Step-free, quiet room available." },
      { title: "Comic and manga drawing", category: "ARTS", pricePence: 0, capacity: 15, minAge: 10, maxAge: 16, minutes: 90, when: [[3, 16]], description: "Create your own characters and comic strips with an illustrator. Free with Playpass." },
    ],
  },
  {
    name: "Northbridge Youth Theatre",
    email: "stage@nbyt.example",
    venue: "Northbridge Arts Centre",
    address: "3 Theatre Lane",
    postcode: "NB1 6TH",
    activities: [
      { title: "Youth theatre club", category: "DRAMA", pricePence: 450, capacity: 18, minAge: 11, maxAge: 18, minutes: 120, when: [[1, 18]], description: "Games, improvisation and scenes, with a show at the end of term." },
    ],
  },
  {
    name: "Rhythm Music School",
    email: "lessons@rhythm.example",
    venue: "Rhythm Music School",
    address: "9 Station Approach",
    postcode: "NB6 3RM",
    activities: [
      { title: "Guitar lesson (30 minutes)", category: "MUSIC", pricePence: 1200, capacity: 1, minAge: 10, maxAge: 25, minutes: 30, when: [[1, 16], [3, 17], [5, 16]], description: "A one-to-one guitar lesson. Guitars provided." },
    ],
  },
  {
    name: "Northbridge Boxing Club",
    email: "coach@nbboxing.example",
    venue: "Northbridge Boxing Club",
    address: "The Arches, Dock Road",
    postcode: "NB2 8BX",
    activities: [
      { title: "Boxing fitness (non-contact)", category: "SPORT", pricePence: 300, capacity: 16, minAge: 12, maxAge: 18, minutes: 60, when: [[2, 18], [4, 18]], description: "Pads, skipping and circuits. No sparring." },
    ],
  },
  {
    name: "Wild Skills Outdoors",
    email: "adventure@wildskills.example",
    venue: "Hill Top Woods",
    address: "Hill Top Country Park",
    postcode: "NB4 9WS",
    activities: [
      { title: "Bushcraft and fire-lighting", category: "OUTDOORS", pricePence: 700, capacity: 12, minAge: 11, maxAge: 16, minutes: 180, when: [[6, 10]], description: "Shelter building, safe fire-lighting and cooking outdoors.", whatToBring: "Clothes for the weather and sturdy shoes." },
    ],
  },
];

async function main() {
  const db = getDb();
  const existing = await db.council.findUnique({ where: { slug: COUNCIL_SLUG } });
  if (existing) {
    console.log(`Demo data is already there (council "${existing.name}"); nothing to do.`);
    return;
  }
  const random = prng(20261123);
  const now = new Date();
  const today = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()));

  const council = await db.council.create({ data: { slug: COUNCIL_SLUG, name: "Northbridge Council" } });

  // People who run things.
  await db.user.create({ data: { email: "admin@playpass.example", displayName: "Pat (Playpass)", isPlatformAdmin: true } });
  await db.user.create({
    data: {
      email: "officer@northbridge.example",
      displayName: "Olu Adeyemi",
      memberships: { create: { role: "OFFICER", councilId: council.id } },
    },
  });
  await db.user.create({
    data: {
      email: "finance@northbridge.example",
      displayName: "Fran Hughes",
      memberships: { create: { role: "FINANCE_OFFICER", councilId: council.id } },
    },
  });

  const programme = await db.programme.create({
    data: {
      councilId: council.id,
      name: "Active Northbridge 2026–27",
      status: "ACTIVE",
      budgetPence: 5_000_000,
      baseAllocationPence: 5_000,
      upliftsPence: { FREE_SCHOOL_MEALS: 2_500, CARE_EXPERIENCED: 5_000, SEND: 3_000, YOUNG_CARER: 2_500 },
      minAge: 10,
      maxAge: 18,
      ageReferenceDate: new Date(Date.UTC(2026, 8, 1)),
      eligibleWards: WARDS.map((w) => w.ward),
      allowedCategories: ["SWIMMING", "GYM", "FOOTBALL", "SPORT", "CLIMBING", "DANCE", "MUSIC", "RECORDING_STUDIO", "ARTS", "DRAMA", "OUTDOORS"],
      startsOn: new Date(Date.UTC(2026, 8, 1)),
      endsOn: new Date(Date.UTC(2027, 7, 31)),
      maxPerBookingPence: 2_500,
      noShowPolicy: "RELEASE",
      disputeWindowDays: 3,
      payoutSchedule: "WEEKLY",
      approvalThresholdPence: 500_000,
    },
  });
  await fundProgramme(db, { programmeId: programme.id, amountPence: 5_000_000, idempotencyKey: `seed:${programme.id}`, reason: "2026–27 grant" });

  // Providers, their venues, staff, activities and four weeks of sessions (plus last week's, for history).
  const slotIds: Array<{ id: string; startsAt: Date; providerId: string; past: boolean }> = [];
  for (const [index, p] of PROVIDERS.entries()) {
    const provider = await db.provider.create({
      data: {
        name: p.name,
        contactEmail: p.email,
        councils: { create: { councilId: council.id, status: "APPROVED", decidedAt: now } },
        venues: { create: { name: p.venue, addressLine1: p.address, town: "Northbridge", postcode: p.postcode } },
      },
      include: { venues: true },
    });
    const slug = p.email.split("@")[1]!;
    await db.user.create({
      data: { email: `manager@${slug}`, displayName: `${p.name} manager`, memberships: { create: { role: "PROVIDER_MANAGER", providerId: provider.id } } },
    });
    if (index === 0) {
      await db.user.create({ data: { email: `door@${slug}`, displayName: "Jo", memberships: { create: { role: "DOOR_STAFF", providerId: provider.id } } } });
    }
    for (const a of p.activities) {
      const activity = await db.activity.create({
        data: {
          providerId: provider.id,
          councilId: council.id,
          venueId: provider.venues[0]!.id,
          title: a.title,
          description: a.description,
          category: a.category,
          minAge: a.minAge,
          maxAge: a.maxAge,
          pricePence: a.pricePence,
          capacity: a.capacity,
          accessibility: a.accessibility ?? "",
          whatToBring: a.whatToBring ?? "",
          cancellationCutoffHours: 24,
        },
      });
      for (let day = -7; day < 28; day++) {
        const date = new Date(today.getTime() + day * DAY);
        for (const [weekday, hour] of a.when) {
          if (date.getUTCDay() !== weekday) continue;
          const startsAt = new Date(date.getTime() + hour * 60 * 60 * 1000);
          const slot = await db.slot.create({
            data: { activityId: activity.id, startsAt, endsAt: new Date(startsAt.getTime() + a.minutes * 60_000), capacity: a.capacity },
          });
          slotIds.push({ id: slot.id, startsAt, providerId: provider.id, past: startsAt < now });
        }
      }
    }
  }
  // One provider is still waiting to be vetted.
  await db.provider.create({
    data: {
      name: "Harbour Skate Park",
      contactEmail: "ride@harbourskate.example",
      councils: { create: { councilId: council.id, status: "APPLIED" } },
      venues: { create: { name: "Harbour Skate Park", addressLine1: "Harbour Walk", town: "Northbridge", postcode: "NB2 1HS" } },
    },
  });

  // Young people: a spread of ages, wards and needs. The first two are the demo sign-ins.
  const youngPeople: string[] = [];
  for (let i = 0; i < 200; i++) {
    const age = i === 0 ? 14 : i === 1 ? 12 : random.int(10, 19);
    const birth = new Date(Date.UTC(today.getUTCFullYear() - age, random.int(0, 11), random.int(1, 28)));
    const place = random.pick(WARDS);
    const flags: NeedsFlag[] = [];
    if (random.chance(0.25)) flags.push("FREE_SCHOOL_MEALS");
    if (random.chance(0.04)) flags.push("CARE_EXPERIENCED");
    if (random.chance(0.1)) flags.push("SEND");
    if (random.chance(0.05)) flags.push("YOUNG_CARER");
    const firstName = i === 0 ? "Sam" : i === 1 ? "Ava" : random.pick(FIRST_NAMES);
    const lastName = i === 0 ? "Taylor" : i === 1 ? "Okafor" : random.pick(LAST_NAMES);
    const youngPerson = await db.youngPerson.create({
      data: {
        councilId: council.id,
        externalRef: `NB-${String(100000 + i)}`,
        firstName,
        lastName,
        dateOfBirth: birth,
        postcode: place.postcode,
        ward: place.ward,
        needsFlags: i === 0 ? ["FREE_SCHOOL_MEALS"] : flags,
        email: i === 0 ? "sam@example.com" : null,
        phone: i === 1 ? "+447700900001" : random.chance(0.6) ? `+447700${String(900100 + i)}` : null,
        passCode: newPassCode(),
        activationCode: i < 2 ? null : newActivationCode(),
        status: i < 2 ? "ACTIVE" : "INVITED",
        guardianConsentAt: i === 1 ? now : null,
      },
    });
    youngPeople.push(youngPerson.id);
    if (age >= programme.minAge && age <= programme.maxAge) await issueAllocation(db, { programmeId: programme.id, youngPersonId: youngPerson.id });
  }
  await db.user.create({
    data: {
      email: "sam@example.com",
      displayName: "Sam",
      youngPerson: { connect: { id: youngPeople[0]! } },
      memberships: { create: { role: "YOUNG_PERSON", youngPersonId: youngPeople[0]! } },
    },
  });
  await db.user.create({
    data: {
      phone: "+447700900001",
      displayName: "Ava",
      youngPerson: { connect: { id: youngPeople[1]! } },
      memberships: { create: { role: "YOUNG_PERSON", youngPersonId: youngPeople[1]! } },
    },
  });
  await db.user.create({
    data: { email: "guardian@example.com", displayName: "Grace Okafor", memberships: { create: { role: "GUARDIAN", youngPersonId: youngPeople[1]! } } },
  });

  // Bookings: last week's were booked, used at the door or missed; the coming weeks have bookings too.
  let booked = 0;
  let redeemed = 0;
  for (let i = 0; i < 320; i++) {
    const slot = random.pick(slotIds);
    const youngPersonId = random.pick(youngPeople);
    const bookedAt = slot.past ? new Date(slot.startsAt.getTime() - 5 * DAY) : now;
    try {
      const booking = await bookSlot(db, { youngPersonId, slotId: slot.id, requestKey: `seed-${i}`, now: bookedAt });
      booked += 1;
      if (slot.past && random.chance(0.8)) {
        await redeemBooking(db, { code: booking.code, providerId: slot.providerId, actor: { userId: null, name: "Front desk" }, now: new Date(slot.startsAt.getTime() + 5 * 60_000) });
        redeemed += 1;
      } else if (!slot.past && random.chance(0.05)) {
        await cancelBooking(db, { bookingId: booking.id, youngPersonId, now: bookedAt });
      }
    } catch (error) {
      if (!isDomainError(error)) throw error; // full, too young, not enough credit: as in life
    }
  }
  // Sam has something coming up.
  const samSlot = slotIds.find((s) => !s.past && s.startsAt.getTime() > now.getTime() + 2 * DAY);
  if (samSlot) await bookSlot(db, { youngPersonId: youngPeople[0]!, slotId: samSlot.id, requestKey: "seed-sam" }).catch((e) => { if (!isDomainError(e)) throw e; });

  // Redemptions older than the dispute window are payable; one payout run has been paid.
  await makeRedemptionsPayable(db, { councilId: council.id, now });
  const run = await createPayoutRun(db, { councilId: council.id, approvalThresholdPence: programme.approvalThresholdPence });
  if (run && run.status === "APPROVED") for (const payout of run.payouts) await markPayoutPaid(db, { payoutId: payout.id });

  await seedEvidence(db, { councilId: council.id, now });
  // After the evidence seed, which rates every redeemed booking: Sam keeps one to rate.
  await seedYoungChoices(db, { councilId: council.id, programmeId: programme.id, now });
  await seedProviderTeam(db, { councilId: council.id, now });
  await seedAttendance(db, { councilId: council.id, now });
  await seedProviderPortal(db, { councilId: council.id, now });

  await seedCouncil(db, { councilId: council.id, now });
  await seedSettlement(db, { councilId: council.id, now });
  // Last: the tills and settlement above spend Sam's credit; this leaves Sam enough to book in the demo.
  await seedYoungExplore(db, { councilId: council.id, now });

  const report = await verifyLedger(db, council.id);
  if (!report.ok) throw new Error(`Seeded ledger does not add up:\n${report.violations.join("\n")}`);
  console.log(`Seeded ${council.name}: ${youngPeople.length} young people, ${PROVIDERS.length} providers, ${slotIds.length} sessions, ${booked} bookings, ${redeemed} redeemed. Ledger adds up.`);
}

main()
  .then(() => getDb().$disconnect())
  .catch(async (error) => {
    console.error(error);
    await getDb().$disconnect();
    process.exit(1);
  });
