// Retention of the personal data that is not a young person's own record: stored API replies, enrolment import
// reports and the roll files behind them, rejected pass applications that never became a young person, and the
// accounts of staff and officers who have left. Each step claims its rows (FOR UPDATE SKIP LOCKED, and a
// condition that a finished row no longer meets), so a second run, or two runs at once, change nothing more.
// Nothing here touches the ledger, bookings, redemption amounts or what the evidence and budget pages read.
import { unlink } from "node:fs/promises";
import path from "node:path";
import type { Db, DbTx } from "~/lib/db.server";
import { getEnv } from "~/lib/env.server";
import { recordAudit } from "../audit";
import { outwardCodeOf } from "../places/postcodes";
import { API_REPLY_RETENTION_DAYS, DEFAULT_RETENTION_MONTHS } from "./inventory";

/**
 * Stored API replies exist only so a client's retry gets the first answer (app/lib/api-auth.server.ts); a claim
 * left by a dead request is taken over after a minute. Seven days (API_REPLY_RETENTION_DAYS, stated in the
 * inventory) is far longer than any client retries for.
 */
export { API_REPLY_RETENTION_DAYS };

/**
 * Staff and officers belong to no council once their last membership is removed, so their accounts follow one
 * fixed period: this many months with no membership and no sign-in.
 */
export const DEPARTED_STAFF_MONTHS = DEFAULT_RETENTION_MONTHS;

/** What a departed staff member's account says in place of their name; the id stays, so audit rows still resolve. */
export const FORMER_STAFF_NAME = "Former staff member";

/** What an anonymised young person or pass application says in place of a name. */
export const ANONYMISED_NAME = "Anonymised";

/** 1 July of the birth year: the year is kept for age bands, the day is not. Ages computed from it are out by at most one year. */
export function birthYearOnly(dateOfBirth: Date): Date {
  return new Date(Date.UTC(dateOfBirth.getUTCFullYear(), 6, 1));
}

/**
 * Takes the name, contacts, exact birth date, full postcode and proof-of-address file off a pass application
 * (the young person's own, or a rejected one that never became one). Returns the proof file's stored name, whose
 * bytes the caller removes after its transaction commits.
 */
export async function anonymiseApplicationIn(
  tx: DbTx,
  application: { id: string; dateOfBirth: Date; postcode: string; proofFileId: string | null },
): Promise<string | null> {
  await tx.passApplication.update({
    where: { id: application.id },
    data: {
      firstName: ANONYMISED_NAME,
      lastName: "",
      dateOfBirth: birthYearOnly(application.dateOfBirth),
      postcode: outwardCodeOf(application.postcode) ?? "",
      email: null,
      phone: null,
      guardianContact: null,
      proofFileId: null,
    },
  });
  if (!application.proofFileId) return null;
  const file = await tx.storedFile.findUnique({ where: { id: application.proofFileId }, select: { storedName: true } });
  if (!file) return null;
  await tx.storedFile.delete({ where: { id: application.proofFileId } });
  return file.storedName;
}

const BATCH = 500;

/** Removes stored API replies (and abandoned claims) older than API_REPLY_RETENTION_DAYS. */
export async function removeOldApiReplies(db: Db, now: Date): Promise<number> {
  const cutoff = new Date(now.getTime() - API_REPLY_RETENTION_DAYS * 86_400_000);
  let removed = 0;
  for (;;) {
    // The outer condition is checked again on the locked row: a claim taken over meanwhile (createdAt moved on) stays.
    const count = await db.$executeRaw`
      DELETE FROM "ApiIdempotency" a
      USING (SELECT "providerId", "idempotencyKey" FROM "ApiIdempotency" WHERE "createdAt" < ${cutoff} LIMIT ${BATCH * 10} FOR UPDATE SKIP LOCKED) due
      WHERE a."providerId" = due."providerId" AND a."idempotencyKey" = due."idempotencyKey" AND a."createdAt" < ${cutoff}`;
    removed += count;
    if (count === 0) break;
  }
  return removed;
}

/**
 * For each finished enrolment import older than its council's retention period: the bad-row report (which quotes
 * rows of the roll) is emptied and the uploaded roll file is removed, row and bytes. The job stays, with its
 * counts, no file and `reportRemovedAt` as the tombstone the jobs page can show.
 */
export async function clearOldImportReports(db: Db, council: { id: string; retentionMonths: number }, now: Date): Promise<number> {
  let cleared = 0;
  for (;;) {
    const outcome = await db.$transaction(async (tx) => {
      const jobs = await tx.$queryRaw<{ id: string; fileId: string | null }[]>`
        WITH due AS (
          SELECT "id", "fileId" FROM "BackgroundJob"
          WHERE "councilId" = ${council.id}::uuid AND "kind" = 'ENROLMENT_IMPORT' AND "status" IN ('SUCCEEDED', 'FAILED')
            AND NOT ("result" ? 'reportRemovedAt')
            AND COALESCE("finishedAt", "createdAt") + make_interval(months => ${council.retentionMonths}::int) <= ${now}
          ORDER BY "createdAt", "id" LIMIT ${BATCH}
          FOR UPDATE SKIP LOCKED
        )
        UPDATE "BackgroundJob" j
        SET "fileId" = NULL,
            "result" = (j."result" - 'errors') || jsonb_build_object('errors', '[]'::jsonb, 'reportRemovedAt', ${now.toISOString()}::text)
        FROM due WHERE j."id" = due."id"
        RETURNING j."id", due."fileId"`;
      const fileIds = jobs.map((j) => j.fileId).filter((id): id is string => id !== null);
      const files = fileIds.length
        ? await tx.storedFile.findMany({ where: { id: { in: fileIds }, councilId: council.id, kind: "ENROLMENT_CSV" }, select: { id: true, storedName: true } })
        : [];
      if (files.length) await tx.storedFile.deleteMany({ where: { id: { in: files.map((f) => f.id) } } });
      if (jobs.length) {
        await recordAudit(tx, {
          councilId: council.id,
          action: "import_reports.removed",
          entityType: "Council",
          entityId: council.id,
          data: { jobs: jobs.length, files: files.length, reason: "retention period passed" },
        });
      }
      return { count: jobs.length, storedNames: files.map((f) => f.storedName) };
    });
    for (const storedName of outcome.storedNames) await removeUpload(storedName);
    cleared += outcome.count;
    if (outcome.count < BATCH) break;
  }
  return cleared;
}

/**
 * Rejected applications that never became a young person, decided longer ago than the council's retention
 * period: the name, contacts, exact birth date and full postcode go, and the proof-of-address file (row and
 * bytes). The application stays, so counts of applications and decisions do not change.
 */
export async function anonymiseRejectedApplications(db: Db, council: { id: string; retentionMonths: number }, now: Date): Promise<number> {
  let anonymised = 0;
  for (;;) {
    const outcome = await db.$transaction(async (tx) => {
      const due = await tx.$queryRaw<{ id: string; dateOfBirth: Date; postcode: string; proofFileId: string | null }[]>`
        SELECT "id", "dateOfBirth", "postcode", "proofFileId" FROM "PassApplication"
        WHERE "councilId" = ${council.id}::uuid AND "status" = 'REJECTED' AND "youngPersonId" IS NULL
          AND NOT ("firstName" = ${ANONYMISED_NAME} AND "lastName" = '' AND "email" IS NULL AND "phone" IS NULL AND "guardianContact" IS NULL AND "proofFileId" IS NULL)
          AND COALESCE("decidedAt", "createdAt") + make_interval(months => ${council.retentionMonths}::int) <= ${now}
        ORDER BY "createdAt", "id" LIMIT ${BATCH}
        FOR UPDATE SKIP LOCKED`;
      const storedNames: string[] = [];
      for (const application of due) {
        const storedName = await anonymiseApplicationIn(tx, application);
        if (storedName) storedNames.push(storedName);
      }
      if (due.length) {
        await recordAudit(tx, {
          councilId: council.id,
          action: "pass_applications.anonymised",
          entityType: "Council",
          entityId: council.id,
          data: { applications: due.length, reason: "retention period passed" },
        });
      }
      return { count: due.length, storedNames };
    });
    for (const storedName of outcome.storedNames) await removeUpload(storedName);
    anonymised += outcome.count;
    if (outcome.count < BATCH) break;
  }
  return anonymised;
}

/**
 * Staff and officers who have left: no membership any more (removed from the team or the council), not a platform
 * admin, not a young person's account, and no sign-in (or, never signed in, no account creation) for
 * DEPARTED_STAFF_MONTHS. Their name, email and phone go, with their sessions, codes, invitations and the name on
 * redemptions they took; the id stays, so audit rows and redemptions still point at "a former staff member".
 */
export async function anonymiseDepartedStaff(db: Db, now: Date): Promise<number> {
  let anonymised = 0;
  for (;;) {
    const count = await db.$transaction(async (tx) => {
      const due = await tx.$queryRaw<{ id: string; email: string | null; phone: string | null }[]>`
        SELECT u."id", u."email", u."phone" FROM "User" u
        WHERE NOT u."isPlatformAdmin"
          AND NOT (u."displayName" = ${FORMER_STAFF_NAME} AND u."email" IS NULL AND u."phone" IS NULL)
          AND COALESCE(u."lastSignInAt", u."createdAt") + make_interval(months => ${DEPARTED_STAFF_MONTHS}::int) <= ${now}
          AND NOT EXISTS (SELECT 1 FROM "Membership" m WHERE m."userId" = u."id")
          AND NOT EXISTS (SELECT 1 FROM "YoungPerson" yp WHERE yp."userId" = u."id")
        ORDER BY u."createdAt", u."id" LIMIT ${BATCH}
        FOR UPDATE OF u SKIP LOCKED`;
      if (due.length === 0) return 0;
      const ids = due.map((u) => u.id);
      const contacts = due.flatMap((u) => [u.email, u.phone]).filter((c): c is string => Boolean(c));
      await tx.user.updateMany({ where: { id: { in: ids } }, data: { displayName: FORMER_STAFF_NAME, email: null, phone: null } });
      await tx.session.deleteMany({ where: { userId: { in: ids } } });
      await tx.redemption.updateMany({ where: { redeemedByUserId: { in: ids } }, data: { redeemedByName: FORMER_STAFF_NAME } });
      if (contacts.length) {
        await tx.verification.deleteMany({ where: { target: { in: contacts } } });
        await tx.invitation.deleteMany({ where: { email: { in: contacts }, OR: [{ acceptedAt: { not: null } }, { revokedAt: { not: null } }, { expiresAt: { lte: now } }] } });
        await tx.message.updateMany({ where: { recipient: { in: contacts } }, data: { recipient: "[anonymised]", subject: "", body: "" } });
      }
      for (const id of ids) {
        await recordAudit(tx, { action: "user.anonymised", entityType: "User", entityId: id, data: { reason: "left and retention period passed" } });
      }
      return due.length;
    });
    anonymised += count;
    if (count < BATCH) break;
  }
  return anonymised;
}

/** Removes an upload's bytes; the row that made it reachable is already gone. */
export async function removeUpload(storedName: string) {
  if (!/^[0-9a-f]{32}\.[a-z]+$/.test(storedName)) return;
  await unlink(path.join(path.resolve(getEnv().UPLOAD_DIR), storedName)).catch((error: NodeJS.ErrnoException) => {
    // Already gone (a run that died after its commit): the row, which is what made it reachable, is gone too.
    if (error.code !== "ENOENT") throw error;
  });
}
