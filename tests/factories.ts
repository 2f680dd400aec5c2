// Test data, built fresh for each test: through the domain where money moves (funding, issuing),
// with Prisma directly for plain records. Names and slugs are random so nothing collides.
import { randomBytes, randomUUID } from "node:crypto";
import { getDb } from "~/lib/db.server";
import { newActivationCode, newPassCode } from "~/domain/codes";
import { fundProgramme, issueAllocation } from "~/domain/programmes";
import { Category, type ActivityStatus, type NeedsFlag, type NoShowPolicy, type VettingStatus } from "~/generated/prisma/enums";

const DAY = 24 * 60 * 60 * 1000;
export const ALL_CATEGORIES = Object.values(Category);

export const uniqueSuffix = () => randomBytes(4).toString("hex");
const db = () => getDb();

export function daysFromNow(days: number, from = new Date()): Date {
  return new Date(from.getTime() + days * DAY);
}

/** A calendar date (midnight UTC), as the schema's @db.Date columns hold. */
export function calendarDay(date: Date): Date {
  return new Date(Date.UTC(date.getUTCFullYear(), date.getUTCMonth(), date.getUTCDate()));
}

/** A date of birth that makes someone `age` on `on`, well away from their birthday. */
export function dateOfBirthForAge(age: number, on = new Date()): Date {
  const shifted = new Date(on.getTime() - 60 * DAY);
  return new Date(Date.UTC(shifted.getUTCFullYear() - age, shifted.getUTCMonth(), Math.min(shifted.getUTCDate(), 28)));
}

export async function createCouncil(overrides: { name?: string; slug?: string } = {}) {
  const suffix = uniqueSuffix();
  return db().council.create({
    data: { name: overrides.name ?? `Test Council ${suffix}`, slug: overrides.slug ?? `test-council-${suffix}` },
  });
}

export type ProgrammeOptions = {
  councilId?: string;
  /** Put into the programme's budget through fundProgramme; 0 leaves it empty. */
  fundedPence?: number;
  baseAllocationPence?: number;
  upliftsPence?: Partial<Record<NeedsFlag, number>>;
  allowedCategories?: Category[];
  minAge?: number;
  maxAge?: number;
  startsOn?: Date;
  /** Allocations expire at the end of this (UTC) day. */
  endsOn?: Date;
  maxPerBookingPence?: number | null;
  noShowPolicy?: NoShowPolicy;
  noShowGraceMinutes?: number;
  disputeWindowDays?: number;
  approvalThresholdPence?: number;
};

/** An active programme, funded through the ledger. Creates its council when none is given. */
export async function createProgramme(options: ProgrammeOptions = {}) {
  const councilId = options.councilId ?? (await createCouncil()).id;
  const fundedPence = options.fundedPence ?? 1_000_000;
  const programme = await db().programme.create({
    data: {
      councilId,
      name: `Test Programme ${uniqueSuffix()}`,
      status: "ACTIVE",
      budgetPence: fundedPence,
      baseAllocationPence: options.baseAllocationPence ?? 5_000,
      upliftsPence: options.upliftsPence ?? {},
      minAge: options.minAge ?? 11,
      maxAge: options.maxAge ?? 18,
      ageReferenceDate: calendarDay(new Date()),
      eligibleWards: [],
      allowedCategories: options.allowedCategories ?? ALL_CATEGORIES,
      startsOn: calendarDay(options.startsOn ?? daysFromNow(-30)),
      endsOn: calendarDay(options.endsOn ?? daysFromNow(365)),
      maxPerBookingPence: options.maxPerBookingPence ?? null,
      noShowPolicy: options.noShowPolicy ?? "RELEASE",
      noShowGraceMinutes: options.noShowGraceMinutes ?? 60,
      disputeWindowDays: options.disputeWindowDays ?? 3,
      approvalThresholdPence: options.approvalThresholdPence ?? 500_000,
    },
  });
  if (fundedPence > 0) {
    await fundProgramme(db(), { programmeId: programme.id, amountPence: fundedPence, idempotencyKey: randomUUID(), reason: "test funding" });
  }
  return programme;
}

export type YoungPersonOptions = {
  councilId?: string;
  /** The programme to issue the allocation from; one is created (in the council) when missing. */
  programmeId?: string;
  /** The allocation's credit; the programme's base allocation when missing. */
  allocationPence?: number;
  /** false: enrolled, no allocation. */
  withAllocation?: boolean;
  age?: number;
  dateOfBirth?: Date;
  needsFlags?: NeedsFlag[];
  email?: string | null;
  phone?: string | null;
  firstName?: string;
  ward?: string;
};

/** An enrolled, activated young person with an allocation (issued through the domain) unless told otherwise. */
export async function createYoungPerson(options: YoungPersonOptions = {}) {
  let councilId = options.councilId;
  let programmeId = options.programmeId;
  if (programmeId && !councilId) {
    councilId = (await db().programme.findUniqueOrThrow({ where: { id: programmeId }, select: { councilId: true } })).councilId;
  }
  councilId ??= (await createCouncil()).id;
  const suffix = uniqueSuffix();
  const youngPerson = await db().youngPerson.create({
    data: {
      councilId,
      externalRef: `ref-${suffix}`,
      firstName: options.firstName ?? `Sam${suffix.slice(0, 3)}`,
      lastName: `Tester${suffix}`,
      dateOfBirth: options.dateOfBirth ?? dateOfBirthForAge(options.age ?? 14),
      postcode: "AB1 2CD",
      ward: options.ward ?? "Central",
      needsFlags: options.needsFlags ?? [],
      email: options.email === undefined ? `young-${suffix}@example.test` : options.email,
      phone: options.phone ?? null,
      status: "ACTIVE",
      passCode: newPassCode(),
    },
  });
  if (options.withAllocation === false) return { youngPerson, allocation: null, walletId: null };

  programmeId ??= (await createProgramme({ councilId })).id;
  const allocation = await issueAllocation(db(), { programmeId, youngPersonId: youngPerson.id, amountPence: options.allocationPence });
  const wallet = await db().account.findUniqueOrThrow({ where: { allocationId: allocation.id }, select: { id: true } });
  return { youngPerson, allocation, walletId: wallet.id };
}

/** Many young people with allocations, built a few at a time so the connection pool is not swamped. */
export async function createYoungPeople(count: number, options: YoungPersonOptions = {}) {
  const people: Awaited<ReturnType<typeof createYoungPerson>>[] = [];
  for (let start = 0; start < count; start += 10) {
    const batch = Array.from({ length: Math.min(10, count - start) }, () => createYoungPerson(options));
    people.push(...(await Promise.all(batch)));
  }
  return people;
}

export type ProviderOptions = {
  councilId: string;
  vetting?: VettingStatus;
  name?: string;
  stripeAccountId?: string | null;
  stripePayoutsEnabled?: boolean;
};

/** A provider vetted by the council (approved unless told otherwise), with one venue. */
export async function createProvider(options: ProviderOptions) {
  const suffix = uniqueSuffix();
  const provider = await db().provider.create({
    data: {
      name: options.name ?? `Test Provider ${suffix}`,
      contactEmail: `provider-${suffix}@example.test`,
      stripeAccountId: options.stripeAccountId ?? null,
      stripePayoutsEnabled: options.stripePayoutsEnabled ?? false,
    },
  });
  const vetting = options.vetting ?? "APPROVED";
  await db().providerCouncil.create({
    data: { providerId: provider.id, councilId: options.councilId, status: vetting, decidedAt: vetting === "APPLIED" ? null : new Date() },
  });
  const venue = await db().venue.create({
    data: { providerId: provider.id, name: `Venue ${suffix}`, addressLine1: "1 High Street", town: "Testtown", postcode: "AB1 2CD" },
  });
  return { provider, venue };
}

export type ActivityOptions = {
  providerId: string;
  councilId: string;
  venueId?: string;
  title?: string;
  category?: Category;
  pricePence?: number;
  capacity?: number;
  minAge?: number;
  maxAge?: number;
  cancellationCutoffHours?: number;
  status?: ActivityStatus;
};

export async function createActivity(options: ActivityOptions) {
  const venueId =
    options.venueId ?? (await db().venue.findFirstOrThrow({ where: { providerId: options.providerId }, select: { id: true } })).id;
  return db().activity.create({
    data: {
      providerId: options.providerId,
      councilId: options.councilId,
      venueId,
      title: options.title ?? `Activity ${uniqueSuffix()}`,
      description: "A test activity.",
      category: options.category ?? "SWIMMING",
      minAge: options.minAge ?? 11,
      maxAge: options.maxAge ?? 18,
      pricePence: options.pricePence ?? 500,
      capacity: options.capacity ?? 10,
      cancellationCutoffHours: options.cancellationCutoffHours ?? 24,
      status: options.status ?? "LIVE",
    },
  });
}

export type SlotOptions = {
  activityId: string;
  /** A week from now by default: bookable and cancellable. */
  startsAt?: Date;
  durationMinutes?: number;
  /** The activity's capacity by default. */
  capacity?: number;
};

export async function createSlot(options: SlotOptions) {
  const startsAt = options.startsAt ?? daysFromNow(7);
  const capacity = options.capacity ?? (await db().activity.findUniqueOrThrow({ where: { id: options.activityId }, select: { capacity: true } })).capacity;
  return db().slot.create({
    data: {
      activityId: options.activityId,
      startsAt,
      endsAt: new Date(startsAt.getTime() + (options.durationMinutes ?? 60) * 60_000),
      capacity,
    },
  });
}

export type SceneOptions = {
  programme?: Omit<ProgrammeOptions, "councilId">;
  activity?: Omit<ActivityOptions, "providerId" | "councilId" | "venueId">;
  slot?: Omit<SlotOptions, "activityId">;
  provider?: Omit<ProviderOptions, "councilId">;
};

/** The usual starting point: a council with a funded programme, an approved provider, an activity and a slot. */
export async function createScene(options: SceneOptions = {}) {
  const council = await createCouncil();
  const programme = await createProgramme({ councilId: council.id, ...options.programme });
  const { provider, venue } = await createProvider({ councilId: council.id, ...options.provider });
  const activity = await createActivity({ providerId: provider.id, councilId: council.id, venueId: venue.id, ...options.activity });
  const slot = await createSlot({ activityId: activity.id, ...options.slot });
  return { council, programme, provider, venue, activity, slot };
}

/** A door actor as redemption and till charges record it. */
export const doorActor = (name = "Jo at the door") => ({ userId: null, name });

export type InvitedYoungPersonOptions = YoungPersonOptions & {
  /** When the activation code stops working; none means it does not expire. */
  activationExpiresAt?: Date | null;
};

/** An enrolled young person who has not activated yet: status INVITED, an activation code, no sign-in. */
export async function createInvitedYoungPerson(options: InvitedYoungPersonOptions = {}) {
  const { activationExpiresAt, ...rest } = options;
  const created = await createYoungPerson(rest);
  const youngPerson = await db().youngPerson.update({
    where: { id: created.youngPerson.id },
    data: { status: "INVITED", activationCode: newActivationCode(), activationExpiresAt: activationExpiresAt ?? null, invitedAt: new Date() },
  });
  return { ...created, youngPerson, activationCode: youngPerson.activationCode! };
}
