// Retention: a set time after their last programme ends, young people's personal data is removed or made
// anonymous, while the ledger and the council's evidence give exactly the same answers as before.
import { randomUUID } from "node:crypto";
import { access } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { getEnv } from "~/lib/env.server";
import { storeFile } from "~/lib/uploads.server";
import { getSessionUserId } from "~/lib/session.server";
import { bookSlot, chargePass, redeemBooking } from "~/domain/booking";
import { budgetDashboard } from "~/domain/evidence/budget";
import { evidenceDashboard, type DateRange } from "~/domain/evidence/evidence";
import { verifyLedger } from "~/domain/ledger";
import { ANONYMISED_NAME, birthYearOnly, runRetention, setRetentionMonths } from "~/domain/privacy/retention";
import { FORMER_STAFF_NAME } from "~/domain/privacy/retention-records";
import { QUEUES } from "~/lib/queues.server";
import { processJob, schedules } from "../../workers/maintenance";
import { calendarDay, createActivity, createCouncil, createProgramme, createProvider, createSlot, createYoungPerson, daysFromNow, doorActor } from "../factories";
import { expectDomainError, expectLedgerOk } from "../helpers";
import { createMember, createUser, getRequest, signIn } from "../support/actors";
import { fakeJob, useWorkerTestEnvironment } from "../support/workers";

useWorkerTestEnvironment();

const db = () => getDb();
const day = (offset: number) => calendarDay(daysFromNow(offset)).toISOString().slice(0, 10);
// From before the old programme began to today: every use, issue and suggestion of the scene is inside it.
const RANGE: DateRange = { from: day(-800), to: day(0) };

/**
 * A council with a programme that ended 14 months ago and one still running. Ages 11, 14 and 17 sit in the
 * middle of their evidence age bands, where keeping only the birth year cannot move anyone to another band.
 */
async function councilWithAFinishedProgramme() {
  const council = await createCouncil();
  const old = await createProgramme({ councilId: council.id, startsOn: daysFromNow(-800), endsOn: daysFromNow(-425), fundedPence: 200_000 });
  const live = await createProgramme({ councilId: council.id, fundedPence: 200_000 });
  const { provider, venue } = await createProvider({ councilId: council.id });
  // Ages are as of today; the activity ran over a year ago, when they were younger.
  const activity = await createActivity({ providerId: provider.id, councilId: council.id, venueId: venue.id, pricePence: 700, cancellationCutoffHours: 0, minAge: 8 });
  const slot = await createSlot({ activityId: activity.id, startsAt: daysFromNow(-440), capacity: 20 });

  const person = (programmeId: string, age: number, ward: string, needsFlags: ("SEND" | "FREE_SCHOOL_MEALS")[] = []) =>
    createYoungPerson({ programmeId, age, ward, needsFlags, phone: `+4477009${String(Math.floor(Math.random() * 1e5)).padStart(5, "0")}` });
  const leaver = await person(old.id, 11, "Riverside", ["SEND"]);
  const classmate = await person(old.id, 17, "Hill Top", ["FREE_SCHOOL_MEALS"]);
  const stillHere = await person(live.id, 14, "Riverside");

  // The leaver booked, came, was rated and charged at a till, all while the old programme ran.
  const bookedAt = daysFromNow(-445);
  const booking = await bookSlot(db(), { youngPersonId: leaver.youngPerson.id, slotId: slot.id, requestKey: randomUUID(), now: bookedAt });
  await redeemBooking(db(), { code: booking.code, providerId: provider.id, actor: doorActor(), now: slot.startsAt });
  // Door staff who took the charge, signed in last over a year ago and was then removed from the team.
  const departed = await createUser({ displayName: "Sam Doorley", phone: `+4477008${String(Math.floor(Math.random() * 1e5)).padStart(5, "0")}` });
  await db().user.update({ where: { id: departed.id }, data: { createdAt: daysFromNow(-700), lastSignInAt: daysFromNow(-400) } });
  await chargePass(db(), {
    passCode: classmate.youngPerson.passCode,
    providerId: provider.id,
    activityId: activity.id,
    amountPence: 300,
    requestKey: randomUUID(),
    actor: { userId: departed.id, name: departed.displayName },
    now: daysFromNow(-438),
  });
  await db().rating.create({
    data: { councilId: council.id, bookingId: booking.id, youngPersonId: leaver.youngPerson.id, activityId: activity.id, providerId: provider.id, stars: 4, comment: "Loved it, my mum Jane came too", wouldGoAgain: true, createdAt: daysFromNow(-439) },
  });
  await db().demandNote.create({ data: { councilId: council.id, youngPersonId: leaver.youngPerson.id, kind: "SUGGESTION", text: "Skateboarding lessons", createdAt: daysFromNow(-450) } });
  await db().favourite.create({ data: { youngPersonId: leaver.youngPerson.id, activityId: activity.id } });

  // Signed in, with a guardian who consented, messages sent to both, a code waiting and an application with a proof of address.
  const leaverUser = await createMember("YOUNG_PERSON", { youngPersonId: leaver.youngPerson.id }, { email: leaver.youngPerson.email });
  const cookie = await signIn(leaverUser.id);
  const guardianEmail = `guardian-${randomUUID().slice(0, 8)}@example.test`;
  const guardian = await createMember("GUARDIAN", { youngPersonId: leaver.youngPerson.id }, { email: guardianEmail, displayName: `${leaver.youngPerson.firstName}'s parent or guardian` });
  await db().guardianConsent.create({
    data: { youngPersonId: leaver.youngPerson.id, guardianContact: guardianEmail, tokenHash: randomUUID(), expiresAt: daysFromNow(-600), consentedAt: daysFromNow(-606), guardianUserId: guardian.id },
  });
  for (const recipient of [leaver.youngPerson.email!, guardianEmail, leaver.youngPerson.phone!]) {
    await db().message.create({ data: { channel: recipient.startsWith("+") ? "SMS" : "EMAIL", recipient, template: "booking-confirmed", subject: "Booked", body: `Hi ${leaver.youngPerson.firstName}, you are booked.`, status: "SENT" } });
  }
  await db().verification.create({ data: { purpose: "SIGN_IN", target: leaver.youngPerson.email!, codeHash: "x", expiresAt: daysFromNow(1) } });
  const proof = await storeFile(db(), { bytes: new TextEncoder().encode("%PDF-1.4 proof"), type: "pdf", originalName: "council-tax-bill.pdf", kind: "PROOF_OF_ADDRESS", councilId: council.id });
  await db().passApplication.create({
    data: {
      councilId: council.id,
      firstName: leaver.youngPerson.firstName,
      lastName: leaver.youngPerson.lastName,
      dateOfBirth: leaver.youngPerson.dateOfBirth,
      postcode: "AB1 2CD",
      email: leaver.youngPerson.email,
      guardianContact: guardianEmail,
      proofFileId: proof.id,
      status: "APPROVED",
      youngPersonId: leaver.youngPerson.id,
    },
  });
  const records = await recordsDueAndNot(council.id, provider.id, departed.id);
  return { council, old, live, provider, activity, leaver, classmate, stillHere, leaverUser, guardian, guardianEmail, cookie, proof, departed, records };
}

/**
 * Personal data outside the young people's records, each once past its period and once not yet: stored API
 * replies, enrolment import reports with their roll files, rejected applications with a proof file, and staff accounts.
 */
async function recordsDueAndNot(councilId: string, providerId: string, departedUserId: string) {
  const reply = (key: string, ageDays: number) =>
    db().apiIdempotency.create({ data: { providerId, idempotencyKey: key, requestHash: "h", status: 201, body: { firstName: "Jane" }, createdAt: daysFromNow(-ageDays) } });
  await reply("old-reply", 8);
  await reply("recent-reply", 6);

  const roll = async (name: string) =>
    storeFile(db(), { bytes: new TextEncoder().encode("external_ref,first_name\nR1,Jane Smith\n"), type: "csv", originalName: name, kind: "ENROLMENT_CSV", councilId });
  const importJob = async (fileId: string, finishedDaysAgo: number) =>
    db().backgroundJob.create({
      data: {
        councilId,
        kind: "ENROLMENT_IMPORT",
        status: "SUCCEEDED",
        fileId,
        input: { fileName: "roll.csv" },
        result: { created: 3, updated: 1, badRows: 1, errors: [{ line: 3, message: 'external_ref "R1" Jane Smith has no date of birth' }], elapsedMs: 12 },
        createdAt: daysFromNow(-finishedDaysAgo),
        finishedAt: daysFromNow(-finishedDaysAgo),
      },
    });
  const oldRoll = await roll("old-roll.csv");
  const recentRoll = await roll("recent-roll.csv");
  const oldImport = await importJob(oldRoll.id, 400);
  const recentImport = await importJob(recentRoll.id, 30);

  const application = async (status: "REJECTED" | "PENDING", decidedDaysAgo: number) => {
    const proof = await storeFile(db(), { bytes: new TextEncoder().encode("%PDF-1.4 bill"), type: "pdf", originalName: "bill.pdf", kind: "PROOF_OF_ADDRESS", councilId });
    return db().passApplication.create({
      data: {
        councilId,
        firstName: "Alexa",
        lastName: "Rejectedson",
        dateOfBirth: new Date("2012-03-14"),
        postcode: "NB1 4XY",
        email: `applicant-${randomUUID().slice(0, 8)}@example.test`,
        phone: "+447700900999",
        guardianContact: "parent@example.test",
        proofFileId: proof.id,
        status,
        rejectionReason: status === "REJECTED" ? "Lives outside the council's area." : null,
        decidedAt: status === "REJECTED" ? daysFromNow(-decidedDaysAgo) : null,
        createdAt: daysFromNow(-decidedDaysAgo - 5),
      },
    });
  };
  const oldRejected = await application("REJECTED", 400);
  const recentRejected = await application("REJECTED", 30);
  const oldPending = await application("PENDING", 400);

  // The departed door staff member has a session and is named in an audit row; a current manager who has not
  // signed in for as long keeps everything, as does someone with no membership who signed in last month.
  await signIn(departedUserId);
  await db().auditEvent.create({ data: { councilId, actorUserId: departedUserId, action: "booking.redeemed", entityType: "Booking", entityId: randomUUID() } });
  const manager = await createMember("PROVIDER_MANAGER", { providerId });
  await db().user.update({ where: { id: manager.id }, data: { createdAt: daysFromNow(-700), lastSignInAt: daysFromNow(-400) } });
  const recentLeaver = await createUser();
  await db().user.update({ where: { id: recentLeaver.id }, data: { createdAt: daysFromNow(-700), lastSignInAt: daysFromNow(-30) } });
  return { oldRoll, recentRoll, oldImport, recentImport, oldRejected, recentRejected, oldPending, manager, recentLeaver };
}

/** Every figure the council reads back: evidence, the budget dashboard, the ledger check and the transfers themselves. */
async function figures(councilId: string) {
  const [evidence, budget, ledger, transfers] = await Promise.all([
    evidenceDashboard(db(), councilId, RANGE, { deprivation: { Riverside: 1, "Hill Top": 9 } }),
    budgetDashboard(db(), councilId, { now: new Date(`${RANGE.to}T12:00:00Z`) }),
    verifyLedger(db(), councilId),
    db().transfer.findMany({ where: { councilId }, orderBy: { id: "asc" }, select: { id: true, kind: true, amountPence: true, debitAccountId: true, creditAccountId: true } }),
  ]);
  return { evidence, budget, ledger, transfers };
}

async function personRow(id: string) {
  return db().youngPerson.findUniqueOrThrow({ where: { id } });
}

describe("the retention job", () => {
  it("leaves the evidence, the budget figures and the ledger exactly as they were", async () => {
    const scene = await councilWithAFinishedProgramme();
    await expectLedgerOk(scene.council.id);
    const before = await figures(scene.council.id);
    expect(before.evidence.takeUp.overall.used).toBe(2);

    await runRetention(db());
    expect((await personRow(scene.leaver.youngPerson.id)).anonymisedAt).not.toBeNull();

    const after = await figures(scene.council.id);
    expect(after).toEqual(before);
    expect(after.ledger.ok).toBe(true);
  });

  it("removes names, contact details, exact birth date, full postcode, sign-ins, guardians, messages and comments", async () => {
    const scene = await councilWithAFinishedProgramme();
    const original = await personRow(scene.leaver.youngPerson.id);

    await runRetention(db());

    const person = await personRow(scene.leaver.youngPerson.id);
    expect(person).toMatchObject({
      firstName: ANONYMISED_NAME,
      lastName: "",
      email: null,
      phone: null,
      externalRef: null,
      postcode: "AB1",
      latitude: null,
      longitude: null,
      userId: null,
      activationCode: null,
      status: "DEACTIVATED",
      // Kept for the council's figures.
      ward: "Riverside",
      needsFlags: ["SEND"],
    });
    expect(person.anonymisedAt).toBeInstanceOf(Date);
    expect(person.dateOfBirth).toEqual(birthYearOnly(original.dateOfBirth));
    expect(person.dateOfBirth.getUTCFullYear()).toBe(original.dateOfBirth.getUTCFullYear());
    expect(person.passCode).not.toBe(original.passCode);

    // Their sign-in is gone: the account, its session (the old cookie no longer signs anyone in) and the codes.
    expect(await db().user.findUnique({ where: { id: scene.leaverUser.id } })).toBeNull();
    expect(await getSessionUserId(getRequest("/young", scene.cookie))).toBeNull();
    expect(await db().verification.count({ where: { target: original.email! } })).toBe(0);
    // The guardian's contact, consent link and account (only for this child) are gone.
    expect(await db().guardianConsent.count({ where: { youngPersonId: person.id } })).toBe(0);
    expect(await db().user.findUnique({ where: { id: scene.guardian.id } })).toBeNull();
    expect(await db().membership.count({ where: { youngPersonId: person.id } })).toBe(0);
    // Messages: the fact one was sent stays, not to whom or what it said.
    const contacts = [original.email!, original.phone!, scene.guardianEmail];
    expect(await db().message.count({ where: { recipient: { in: contacts } } })).toBe(0);
    expect(await db().message.count({ where: { body: { contains: original.firstName } } })).toBe(0);
    // Ratings keep their stars, not their words; suggestions stay as demand, without who made them; favourites go.
    expect(await db().rating.findMany({ where: { youngPersonId: person.id }, select: { stars: true, comment: true, wouldGoAgain: true } })).toEqual([
      { stars: 4, comment: null, wouldGoAgain: true },
    ]);
    expect(await db().demandNote.findMany({ where: { councilId: scene.council.id }, select: { text: true, youngPersonId: true } })).toEqual([
      { text: "Skateboarding lessons", youngPersonId: null },
    ]);
    expect(await db().favourite.count({ where: { youngPersonId: person.id } })).toBe(0);
    // The application: anonymised, its proof of address deleted from the database and the disk.
    expect(await db().passApplication.findFirstOrThrow({ where: { youngPersonId: person.id } })).toMatchObject({
      firstName: ANONYMISED_NAME,
      lastName: "",
      email: null,
      phone: null,
      guardianContact: null,
      postcode: "AB1",
      proofFileId: null,
    });
    expect(await db().storedFile.findUnique({ where: { id: scene.proof.id } })).toBeNull();
    await expect(access(path.join(path.resolve(getEnv().UPLOAD_DIR), scene.proof.storedName))).rejects.toMatchObject({ code: "ENOENT" });
    // Nothing left in the young person's row, anywhere, that matches what identified them.
    const text = JSON.stringify(await db().youngPerson.findMany({ where: { councilId: scene.council.id, anonymisedAt: { not: null } } }));
    for (const identifying of [original.firstName, original.lastName, original.email!, original.phone!, original.passCode, "AB1 2CD"]) expect(text).not.toContain(identifying);
    // And it is on the record that it happened.
    expect(await db().auditEvent.count({ where: { entityId: person.id, action: "young_person.anonymised" } })).toBe(1);
  });

  it("changes nothing when it runs a second time", async () => {
    const scene = await councilWithAFinishedProgramme();
    await runRetention(db());
    const snapshot = async () => ({
      people: await db().youngPerson.findMany({ where: { councilId: scene.council.id }, orderBy: { id: "asc" } }),
      messages: await db().message.findMany({ orderBy: { id: "asc" } }),
      audit: await db().auditEvent.count({ where: { councilId: scene.council.id } }),
      users: await db().user.findMany({ orderBy: { id: "asc" } }),
      replies: await db().apiIdempotency.findMany({ orderBy: { idempotencyKey: "asc" } }),
      jobs: await db().backgroundJob.findMany({ where: { councilId: scene.council.id }, orderBy: { id: "asc" } }),
      applications: await db().passApplication.findMany({ where: { councilId: scene.council.id }, orderBy: { id: "asc" } }),
      files: await db().storedFile.findMany({ orderBy: { id: "asc" } }),
      redemptions: await db().redemption.findMany({ orderBy: { id: "asc" } }),
      figures: await figures(scene.council.id),
    });
    const once = await snapshot();

    expect(await runRetention(db())).toEqual({ anonymised: 0, importReportsCleared: 0, applicationsAnonymised: 0, apiRepliesRemoved: 0, staffAnonymised: 0 });
    expect(await snapshot()).toEqual(once);
  });

  it("leaves alone someone still in a live programme, and waits for the council's own retention period", async () => {
    const scene = await councilWithAFinishedProgramme();
    await setRetentionMonths(db(), { councilId: scene.council.id, actorUserId: null, months: 24 });
    await runRetention(db());
    expect((await personRow(scene.leaver.youngPerson.id)).anonymisedAt).toBeNull();

    await setRetentionMonths(db(), { councilId: scene.council.id, actorUserId: null, months: 12 });
    await runRetention(db());

    const stillHere = await personRow(scene.stillHere.youngPerson.id);
    expect(stillHere).toEqual({ ...scene.stillHere.youngPerson });
    expect((await personRow(scene.leaver.youngPerson.id)).anonymisedAt).not.toBeNull();
  });

  it("waits while a booking still holds credit, even after the retention period", async () => {
    const council = await createCouncil();
    const old = await createProgramme({ councilId: council.id, startsOn: daysFromNow(-800), endsOn: daysFromNow(-425) });
    const { provider } = await createProvider({ councilId: council.id });
    const activity = await createActivity({ providerId: provider.id, councilId: council.id });
    const slot = await createSlot({ activityId: activity.id, startsAt: daysFromNow(-440) });
    const { youngPerson } = await createYoungPerson({ programmeId: old.id });
    // Booked and never redeemed, released or marked a no-show: the hold is still open.
    await bookSlot(db(), { youngPersonId: youngPerson.id, slotId: slot.id, requestKey: randomUUID(), now: daysFromNow(-445) });

    await runRetention(db());
    expect(await personRow(youngPerson.id)).toEqual({ ...youngPerson });
  });

  it("accepts a retention period of whole months from 1 to 120, and nothing else", async () => {
    const council = await createCouncil();
    for (const months of [0, -3, 121, 6.5, "twelve", null]) {
      await expectDomainError(setRetentionMonths(db(), { councilId: council.id, actorUserId: null, months }), "INVALID_INPUT", /month/);
    }
    expect(await setRetentionMonths(db(), { councilId: council.id, actorUserId: null, months: "18" })).toBe(18);
    expect((await db().council.findUniqueOrThrow({ where: { id: council.id } })).retentionMonths).toBe(18);
    // The database refuses what the form would: a bad value written around the domain fails too.
    await expect(db().council.update({ where: { id: council.id }, data: { retentionMonths: 0 } })).rejects.toThrow(/retentionMonths_range|check constraint/i);
  });

  it("anonymises each person once when two runs overlap (a duplicated scheduler, a stalled job run again)", async () => {
    const scene = await councilWithAFinishedProgramme();
    const due = [scene.leaver.youngPerson.id, scene.classmate.youngPerson.id];

    const [first, second] = await Promise.all([runRetention(db()), runRetention(db())]);

    expect(first.anonymised + second.anonymised).toBeGreaterThanOrEqual(due.length);
    for (const id of due) {
      expect(await db().auditEvent.count({ where: { entityId: id, action: "young_person.anonymised" } })).toBe(1);
      expect((await personRow(id)).firstName).toBe(ANONYMISED_NAME);
    }
    expect(first.staffAnonymised + second.staffAnonymised).toBe(1);
    expect(first.applicationsAnonymised + second.applicationsAnonymised).toBe(1);
    expect(first.importReportsCleared + second.importReportsCleared).toBe(1);
    expect(await db().auditEvent.count({ where: { entityId: scene.departed.id, action: "user.anonymised" } })).toBe(1);
    expect(await db().auditEvent.count({ where: { councilId: scene.council.id, action: { in: ["import_reports.removed", "pass_applications.anonymised"] } } })).toBe(2);
    await expectLedgerOk(scene.council.id);
  });

  it("removes stored API replies after 7 days, import reports and roll files, rejected applications and the staff who left", async () => {
    const scene = await councilWithAFinishedProgramme();
    const { records } = scene;
    const stored = (name: string) => access(path.join(path.resolve(getEnv().UPLOAD_DIR), name)).then(() => true, () => false);
    const oldProof = await db().storedFile.findUniqueOrThrow({ where: { id: records.oldRejected.proofFileId! } });
    const recentProof = await db().storedFile.findUniqueOrThrow({ where: { id: records.recentRejected.proofFileId! } });
    expect(await stored(records.oldRoll.storedName)).toBe(true);
    expect(await stored(oldProof.storedName)).toBe(true);

    const outcome = await runRetention(db());
    expect(outcome).toMatchObject({ importReportsCleared: 1, applicationsAnonymised: 1, apiRepliesRemoved: 1, staffAnonymised: 1 });

    // API replies: only a client's retry needs them.
    expect((await db().apiIdempotency.findMany({ where: { providerId: scene.provider.id } })).map((r) => r.idempotencyKey)).toEqual(["recent-reply"]);

    // The old import keeps its counts, loses its bad-row report and its roll file (row and bytes), and says so.
    const oldImport = await db().backgroundJob.findUniqueOrThrow({ where: { id: records.oldImport.id } });
    expect(oldImport.fileId).toBeNull();
    expect(oldImport.result).toMatchObject({ created: 3, updated: 1, badRows: 1, errors: [], reportRemovedAt: expect.any(String) });
    expect(JSON.stringify(oldImport.result)).not.toContain("Jane");
    expect(await db().storedFile.findUnique({ where: { id: records.oldRoll.id } })).toBeNull();
    expect(await stored(records.oldRoll.storedName)).toBe(false);
    expect(await db().backgroundJob.findUniqueOrThrow({ where: { id: records.recentImport.id } })).toEqual(records.recentImport);
    expect(await stored(records.recentRoll.storedName)).toBe(true);

    // The old rejected application keeps its decision, not who it was about; its proof file is gone.
    const rejected = await db().passApplication.findUniqueOrThrow({ where: { id: records.oldRejected.id } });
    expect(rejected).toMatchObject({ firstName: ANONYMISED_NAME, lastName: "", email: null, phone: null, guardianContact: null, proofFileId: null, postcode: "NB1", status: "REJECTED" });
    expect(rejected.dateOfBirth).toEqual(birthYearOnly(records.oldRejected.dateOfBirth));
    expect(await db().storedFile.findUnique({ where: { id: oldProof.id } })).toBeNull();
    expect(await stored(oldProof.storedName)).toBe(false);
    expect(await db().passApplication.findUniqueOrThrow({ where: { id: records.recentRejected.id } })).toEqual(records.recentRejected);
    expect(await db().passApplication.findUniqueOrThrow({ where: { id: records.oldPending.id } })).toEqual(records.oldPending);
    expect(await stored(recentProof.storedName)).toBe(true);

    // The departed staff member: same id (audit rows and the redemption still point to it), no name, contacts or sessions.
    const departed = await db().user.findUniqueOrThrow({ where: { id: scene.departed.id } });
    expect(departed).toMatchObject({ displayName: FORMER_STAFF_NAME, email: null, phone: null });
    expect(await db().session.count({ where: { userId: departed.id } })).toBe(0);
    expect(await db().auditEvent.count({ where: { actorUserId: departed.id } })).toBe(1);
    const redemptions = await db().redemption.findMany({ where: { redeemedByUserId: departed.id } });
    expect(redemptions.length).toBe(1);
    expect(redemptions.map((r) => r.redeemedByName)).toEqual([FORMER_STAFF_NAME]);
    // A current manager and someone who signed in last month keep everything.
    expect(await db().user.findUniqueOrThrow({ where: { id: records.manager.id } })).toMatchObject({ displayName: records.manager.displayName, email: records.manager.email });
    expect((await db().user.findUniqueOrThrow({ where: { id: records.recentLeaver.id } })).email).toBe(records.recentLeaver.email);
  });

  it("waits for the council's own retention period before clearing import reports and rejected applications", async () => {
    const scene = await councilWithAFinishedProgramme();
    await setRetentionMonths(db(), { councilId: scene.council.id, actorUserId: null, months: 24 });
    const outcome = await runRetention(db());
    expect(outcome).toMatchObject({ importReportsCleared: 0, applicationsAnonymised: 0 });
    expect(await db().backgroundJob.findUniqueOrThrow({ where: { id: scene.records.oldImport.id } })).toEqual(scene.records.oldImport);
    expect(await db().passApplication.findUniqueOrThrow({ where: { id: scene.records.oldRejected.id } })).toEqual(scene.records.oldRejected);
  });

  it("is scheduled daily on the maintenance queue with a payload the queue accepts", () => {
    const schedule = schedules.find((s) => s.id === "apply-retention");
    expect(schedule?.repeat).toEqual({ pattern: "30 3 * * *", tz: "Europe/London" });
    expect(QUEUES.maintenance.payload.parse(schedule?.data)).toEqual({ task: "apply-retention" });
  });

  it("runs as the maintenance queue's apply-retention job", async () => {
    const scene = await councilWithAFinishedProgramme();
    const result = await processJob(fakeJob({ task: "apply-retention" }), "token");
    expect(result.anonymised).toBeGreaterThanOrEqual(2);
    for (const { youngPerson } of [scene.leaver, scene.classmate]) expect((await personRow(youngPerson.id)).anonymisedAt).not.toBeNull();
    expect((await personRow(scene.stillHere.youngPerson.id)).anonymisedAt).toBeNull();
  });
});
