// Two councils, each with its own provider, people in every role and one of every record a route can name:
// the world the access-control tests call routes in. Built once per test file; its API is kept stable for the
// other security tests, which import it read-only.
import { randomUUID } from "node:crypto";
import { getDb } from "~/lib/db.server";
import { storeFile } from "~/lib/uploads.server";
import { bookSlot, chargePass } from "~/domain/booking";
import { createApiKey } from "~/domain/providers/api-keys";
import { createActivity, createProgramme, createProvider, createCouncil, createSlot, createYoungPerson, doorActor, uniqueSuffix } from "../factories";
import { createMember, createUser, signIn } from "../support/actors";

/** Everyone the matrix asks about. "apiClient" is a provider's own system: an API key and no session. */
export const ROLES = ["anonymous", "youngPerson", "guardian", "doorStaff", "manager", "officer", "finance", "admin", "apiClient"] as const;
export type RoleName = (typeof ROLES)[number];

const db = () => getDb();
const MINUTE = 60_000;

export type Tenant = Awaited<ReturnType<typeof createTenant>>;
export type World = { mine: Tenant; theirs: Tenant; adminCookie: string; adminUserId: string };

/**
 * A council with a funded programme and an approved provider serving it, a signed-in person in every role, and
 * one record of each kind a route parameter can name. `label` goes into every name, so a page that shows another
 * tenant's record can be caught by its words.
 */
export async function createTenant(label: string) {
  const suffix = uniqueSuffix();
  const council = await createCouncil({ name: `${label} Council ${suffix}` });
  const programme = await createProgramme({ councilId: council.id, fundedPence: 200_000, baseAllocationPence: 5_000 });
  const { provider, venue } = await createProvider({ councilId: council.id, name: `${label} Leisure ${suffix}` });
  const activity = await createActivity({ providerId: provider.id, councilId: council.id, venueId: venue.id, title: `${label} Climbing ${suffix}`, pricePence: 400 });
  const slot = await createSlot({ activityId: activity.id });
  const soonSlot = await createSlot({ activityId: activity.id, startsAt: new Date(Date.now() + 30 * MINUTE) });
  const freeSlot = await createSlot({ activityId: activity.id, startsAt: new Date(Date.now() + 10 * 24 * 60 * MINUTE) });
  const laterSlot = await createSlot({ activityId: activity.id, startsAt: new Date(Date.now() + 14 * 24 * 60 * MINUTE) });

  const person = await createYoungPerson({ programmeId: programme.id, firstName: `${label}Kid${suffix}` });
  const booking = await bookSlot(db(), { youngPersonId: person.youngPerson.id, slotId: slot.id, requestKey: randomUUID() });
  const soonBooking = await bookSlot(db(), { youngPersonId: person.youngPerson.id, slotId: soonSlot.id, requestKey: randomUUID() });
  // Bookings are ended by some allowed requests; each route that ends one gets its own.
  const laterBooking = await bookSlot(db(), { youngPersonId: person.youngPerson.id, slotId: laterSlot.id, requestKey: randomUUID() });
  // An officer's actions on a person (freeze, top up, revoke) aim at someone other than the signed-in young person.
  const enrolee = await createYoungPerson({ programmeId: programme.id, firstName: `${label}Enrolee${suffix}` });
  const child = await createYoungPerson({ programmeId: programme.id, age: 12, firstName: `${label}Child${suffix}` });
  await chargePass(db(), { passCode: person.youngPerson.passCode, providerId: provider.id, activityId: activity.id, amountPence: 300, requestKey: randomUUID(), actor: doorActor() });

  const applicant = await createProvider({ councilId: council.id, vetting: "APPLIED", name: `${label} Applicant ${suffix}` });
  const safeguardingFile = await storeFile(db(), {
    bytes: new TextEncoder().encode("%PDF-1.4 safeguarding policy"),
    type: "pdf",
    originalName: "policy.pdf",
    kind: "SAFEGUARDING_POLICY",
    councilId: council.id,
    providerId: applicant.provider.id,
  });
  const job = await db().backgroundJob.create({ data: { councilId: council.id, kind: "ISSUE_ALL", status: "SUCCEEDED", processed: 1, total: 1, input: { programmeId: programme.id } } });
  const run = await db().payoutRun.create({ data: { councilId: council.id, status: "COMPLETED", totalPence: 300n } });
  const payout = await db().payout.create({
    data: { runId: run.id, councilId: council.id, providerId: provider.id, amountPence: 300, method: "BANK_FILE", status: "PAID", idempotencyKey: `matrix-${randomUUID()}` },
  });
  // A read-only fixture: the payout lists the council's one till charge, as a paid run would.
  await db().redemption.updateMany({ where: { councilId: council.id }, data: { payoutId: payout.id, status: "PAID" } });
  const bankFile = await db().bankFile.create({
    data: { councilId: council.id, runId: run.id, fileName: "payments.csv", content: "sort_code,account_number\r\n", sha256: "0".repeat(64), totalPence: 300n, lineCount: 1 },
  });
  const proof = await storeFile(db(), { bytes: new TextEncoder().encode("%PDF-1.4 council tax bill"), type: "pdf", originalName: "bill.pdf", kind: "PROOF_OF_ADDRESS", councilId: council.id });
  const application = await db().passApplication.create({
    data: {
      councilId: council.id,
      proofFileId: proof.id,
      firstName: `${label}Applicant`,
      lastName: "Young",
      dateOfBirth: new Date(Date.UTC(2012, 0, 1)),
      postcode: "AB1 2CD",
      email: `apply-${uniqueSuffix()}@example.test`,
    },
  });
  const dispute = await db().dispute.create({
    data: { councilId: council.id, providerId: provider.id, kind: "UNKNOWN_CODE", dedupeKey: `matrix-${randomUUID()}`, detail: "A code nobody knows." },
  });
  const report = await db().attendanceReport.create({
    data: { providerId: provider.id, source: "CSV", reference: `matrix-${suffix}.csv`, status: "PROCESSED", lineCount: 0, processedAt: new Date() },
  });

  const youngUser = await createMember("YOUNG_PERSON", { youngPersonId: person.youngPerson.id });
  const guardian = await createMember("GUARDIAN", { youngPersonId: child.youngPerson.id });
  const doorStaff = await createMember("DOOR_STAFF", { providerId: provider.id });
  const manager = await createMember("PROVIDER_MANAGER", { providerId: provider.id });
  const officer = await createMember("OFFICER", { councilId: council.id });
  const finance = await createMember("FINANCE_OFFICER", { councilId: council.id });
  const apiKey = await createApiKey(db(), { providerId: provider.id, name: `${label} till`, actorUserId: manager.id });

  const users: Record<Exclude<RoleName, "anonymous" | "admin" | "apiClient">, string> = {
    youngPerson: youngUser.id,
    guardian: guardian.id,
    doorStaff: doorStaff.id,
    manager: manager.id,
    officer: officer.id,
    finance: finance.id,
  };
  const cookies = Object.fromEntries(await Promise.all(Object.entries(users).map(async ([role, id]) => [role, await signIn(id)] as const))) as Record<keyof typeof users, string>;

  return {
    label,
    council,
    programme,
    provider,
    venue,
    activity,
    slot,
    soonSlot,
    laterSlot,
    /** A session nobody has booked yet. */
    freeSlot,
    youngPerson: person.youngPerson,
    allocation: person.allocation!,
    booking,
    soonBooking,
    laterBooking,
    enrolee: enrolee.youngPerson,
    enroleeAllocation: enrolee.allocation!,
    child: child.youngPerson,
    applicant: applicant.provider,
    safeguardingFile,
    job,
    run,
    payout,
    bankFile,
    application,
    dispute,
    report,
    apiToken: apiKey.token,
    apiKeyId: apiKey.id,
    users,
    cookies,
    /** A record of this tenant for each route parameter name; routes that mean something else by a name say so. */
    params: {
      activityId: activity.id,
      id: activity.id,
      applicationId: application.id,
      bookingId: booking.id,
      disputeId: dispute.id,
      fileId: safeguardingFile.id,
      jobId: job.id,
      payoutId: payout.id,
      programmeId: programme.id,
      providerId: applicant.provider.id,
      reportId: report.id,
      runId: run.id,
      slotId: slot.id,
      venueId: venue.id,
      youngPersonId: enrolee.youngPerson.id,
    } as Record<string, string>,
  };
}

/** Two tenants ("mine", whose people make every request, and "theirs", whose records they aim at) and a platform admin. */
export async function createWorld(): Promise<World> {
  const [mine, theirs] = await Promise.all([createTenant("Mine"), createTenant("Theirs")]);
  const admin = await createUser({ displayName: "Platform Admin" });
  await db().user.update({ where: { id: admin.id }, data: { isPlatformAdmin: true } });
  return { mine, theirs, adminCookie: await signIn(admin.id), adminUserId: admin.id };
}

/** The headers a role's request carries: its session cookie, or a provider's API key, or nothing. */
export function credentialsOf(world: World, role: RoleName): Record<string, string> {
  if (role === "anonymous") return {};
  if (role === "admin") return { Cookie: world.adminCookie };
  if (role === "apiClient") return { Authorization: `Bearer ${world.mine.apiToken}` };
  return { Cookie: world.mine.cookies[role] };
}
