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
  const inDays = (days: number) => new Date(Date.now() + days * 24 * 60 * MINUTE);
  // Independent records are made side by side; only what depends on another waits for it.
  const [slot, soonSlot, freeSlot, laterSlot, person, enrolee, child, applicant, manager] = await Promise.all([
    createSlot({ activityId: activity.id }),
    createSlot({ activityId: activity.id, startsAt: new Date(Date.now() + 30 * MINUTE) }),
    createSlot({ activityId: activity.id, startsAt: inDays(10) }),
    createSlot({ activityId: activity.id, startsAt: inDays(14) }),
    createYoungPerson({ programmeId: programme.id, firstName: `${label}Kid${suffix}` }),
    // An officer's actions on a person (freeze, top up, revoke) aim at someone other than the signed-in young person.
    createYoungPerson({ programmeId: programme.id, firstName: `${label}Enrolee${suffix}` }),
    createYoungPerson({ programmeId: programme.id, age: 12, firstName: `${label}Child${suffix}` }),
    createProvider({ councilId: council.id, vetting: "APPLIED", name: `${label} Applicant ${suffix}` }),
    createMember("PROVIDER_MANAGER", { providerId: provider.id }),
  ]);

  const spending = (async () => {
    const book = (slotId: string) => bookSlot(db(), { youngPersonId: person.youngPerson.id, slotId, requestKey: randomUUID() });
    const booking = await book(slot.id);
    const soonBooking = await book(soonSlot.id);
    // Bookings are ended by some allowed requests; each route that ends one gets its own.
    const laterBooking = await book(laterSlot.id);
    await chargePass(db(), { passCode: person.youngPerson.passCode, providerId: provider.id, activityId: activity.id, amountPence: 300, requestKey: randomUUID(), actor: doorActor() });
    return { booking, soonBooking, laterBooking };
  })();
  // Someone else in the same council with a booking of their own: being in one council is no key to a neighbour's records.
  const neighbourBooking = bookSlot(db(), { youngPersonId: enrolee.youngPerson.id, slotId: laterSlot.id, requestKey: randomUUID() });

  const storeText = (text: string, fields: Omit<Parameters<typeof storeFile>[1], "bytes" | "type">) => storeFile(db(), { bytes: new TextEncoder().encode(text), type: "pdf", ...fields });
  const [safeguardingFile, proof, job, run, dispute, report, apiKey, members, spent] = await Promise.all([
    storeText("%PDF-1.4 safeguarding policy", { originalName: "policy.pdf", kind: "SAFEGUARDING_POLICY", councilId: council.id, providerId: applicant.provider.id }),
    storeText("%PDF-1.4 council tax bill", { originalName: "bill.pdf", kind: "PROOF_OF_ADDRESS", councilId: council.id }),
    db().backgroundJob.create({ data: { councilId: council.id, kind: "ISSUE_ALL", status: "SUCCEEDED", processed: 1, total: 1, input: { programmeId: programme.id } } }),
    db().payoutRun.create({ data: { councilId: council.id, status: "COMPLETED", totalPence: 300n } }),
    db().dispute.create({ data: { councilId: council.id, providerId: provider.id, kind: "UNKNOWN_CODE", dedupeKey: `matrix-${randomUUID()}`, detail: "A code nobody knows." } }),
    db().attendanceReport.create({
      data: { providerId: provider.id, source: "CSV", reference: `matrix-${suffix}.csv`, status: "PROCESSED", lineCount: 0, processedAt: new Date() },
    }),
    createApiKey(db(), { providerId: provider.id, name: `${label} till`, actorUserId: manager.id }),
    Promise.all([
      createMember("YOUNG_PERSON", { youngPersonId: person.youngPerson.id }),
      createMember("GUARDIAN", { youngPersonId: child.youngPerson.id }),
      createMember("DOOR_STAFF", { providerId: provider.id }),
      createMember("OFFICER", { councilId: council.id }),
      createMember("FINANCE_OFFICER", { councilId: council.id }),
    ]),
    spending,
  ]);
  const [youngUser, guardian, doorStaff, officer, finance] = members;
  const { booking, soonBooking, laterBooking } = spent;
  const neighbour = { bookingId: (await neighbourBooking).id };

  const [payout, bankFile, application] = await Promise.all([
    db().payout.create({
      data: { runId: run.id, councilId: council.id, providerId: provider.id, amountPence: 300, method: "BANK_FILE", status: "PAID", idempotencyKey: `matrix-${randomUUID()}` },
    }),
    db().bankFile.create({
      data: { councilId: council.id, runId: run.id, fileName: "payments.csv", content: "sort_code,account_number\r\n", sha256: "0".repeat(64), totalPence: 300n, lineCount: 1 },
    }),
    db().passApplication.create({
      data: {
        councilId: council.id,
        proofFileId: proof.id,
        firstName: `${label}Applicant`,
        lastName: "Young",
        dateOfBirth: new Date(Date.UTC(2012, 0, 1)),
        postcode: "AB1 2CD",
        email: `apply-${uniqueSuffix()}@example.test`,
      },
    }),
  ]);
  // A read-only fixture: the payout lists the council's one till charge, as a paid run would.
  await db().redemption.updateMany({ where: { councilId: council.id }, data: { payoutId: payout.id, status: "PAID" } });

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
    /** Records of another young person in this council, by route parameter name. */
    neighbour,
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
