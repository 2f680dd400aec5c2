// Retention of young people's personal data: a set time after their last programme ends, names, contact
// details, exact birth date, full postcode, guardians' contacts, consent links, sign-ins, messages and
// free-text comments go; what the ledger and the council's evidence need (ward, birth year, needs flags,
// district, every booking, redemption and transfer) stays, tied to a record nobody can put a name to.
import { randomBytes } from "node:crypto";
import { z } from "zod";
import type { Db, DbTx } from "~/lib/db.server";
import { recordAudit } from "../audit";
import { newPassCode } from "../codes";
import { DomainError } from "../errors";
import { outwardCodeOf } from "../places/postcodes";
import {
  ANONYMISED_NAME,
  anonymiseApplicationIn,
  anonymiseDepartedStaff,
  anonymiseRejectedApplications,
  birthYearOnly,
  clearOldImportReports,
  removeOldApiReplies,
  removeUpload,
} from "./retention-records";

/** A council's retention period: whole months, at least one, at most ten years (the database checks the same). */
export const retentionMonthsSchema = z.coerce
  .number({ error: "Enter the number of months as a whole number." })
  .int("Enter the number of months as a whole number.")
  .min(1, "Keep data for at least 1 month after a programme ends.")
  .max(120, "Keep data for at most 120 months (10 years) after a programme ends.");

export { ANONYMISED_NAME, birthYearOnly } from "./retention-records";

export async function setRetentionMonths(db: Db, input: { councilId: string; actorUserId: string | null; months: unknown }) {
  const parsed = retentionMonthsSchema.safeParse(input.months);
  if (!parsed.success) throw new DomainError("INVALID_INPUT", parsed.error.issues[0]?.message ?? "Enter a number of months.", "retentionMonths");
  return db.$transaction(async (tx) => {
    const before = await tx.council.findUniqueOrThrow({ where: { id: input.councilId }, select: { retentionMonths: true } });
    await tx.council.update({ where: { id: input.councilId }, data: { retentionMonths: parsed.data } });
    await recordAudit(tx, {
      councilId: input.councilId,
      actorUserId: input.actorUserId,
      action: "council.retention_changed",
      entityType: "Council",
      entityId: input.councilId,
      data: { from: before.retentionMonths, to: parsed.data },
    });
    return parsed.data;
  });
}

/**
 * Young people whose data is due to go: not yet anonymised, the retention period has passed since the end of
 * their last programme (the later of its end date and their pass's expiry; their enrolment when they never had
 * a pass), and nothing is still open: no booking holding credit, no dispute an officer has yet to decide.
 */
export async function youngPeopleDueForAnonymisation(db: DbTx, now: Date, limit = 500): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    SELECT yp."id"
    FROM "YoungPerson" yp
    JOIN "Council" c ON c."id" = yp."councilId"
    WHERE yp."anonymisedAt" IS NULL
      AND COALESCE(
        (SELECT MAX(GREATEST((p."endsOn" + 1)::timestamp AT TIME ZONE 'Europe/London', al."expiresAt"))
         FROM "Allocation" al JOIN "Programme" p ON p."id" = al."programmeId"
         WHERE al."youngPersonId" = yp."id"),
        yp."createdAt"
      ) + make_interval(months => c."retentionMonths") <= ${now}
      AND NOT EXISTS (SELECT 1 FROM "Booking" b WHERE b."youngPersonId" = yp."id" AND b."status" = 'CONFIRMED')
      AND NOT EXISTS (
        SELECT 1 FROM "Dispute" d
        WHERE d."status" = 'OPEN'
          AND (d."bookingId" IN (SELECT b."id" FROM "Booking" b WHERE b."youngPersonId" = yp."id")
            OR d."redemptionId" IN (SELECT r."id" FROM "Redemption" r WHERE r."youngPersonId" = yp."id"))
      )
    ORDER BY yp."createdAt", yp."id"
    LIMIT ${limit}`;
  return rows.map((r) => r.id);
}

export type AnonymiseOutcome = { anonymised: boolean; storedFiles: string[] };

/**
 * Anonymises one young person in one transaction. The first statement claims the record (only a record not yet
 * anonymised is changed), so a second run, or two runs at once, change nothing more. Uploaded proof-of-address
 * files are removed from disk after the commit.
 */
export async function anonymiseYoungPerson(db: Db, youngPersonId: string, now = new Date()): Promise<AnonymiseOutcome> {
  const outcome = await db.$transaction(async (tx) => {
    const person = await tx.youngPerson.findUnique({
      where: { id: youngPersonId },
      select: { councilId: true, firstName: true, email: true, phone: true, postcode: true, dateOfBirth: true, userId: true, anonymisedAt: true },
    });
    if (!person || person.anonymisedAt) return { anonymised: false, storedFiles: [] };
    const claimed = await tx.youngPerson.updateMany({
      where: { id: youngPersonId, anonymisedAt: null },
      data: {
        anonymisedAt: now,
        firstName: ANONYMISED_NAME,
        lastName: "",
        externalRef: null,
        dateOfBirth: birthYearOnly(person.dateOfBirth),
        postcode: outwardCodeOf(person.postcode) ?? "",
        email: null,
        phone: null,
        latitude: null,
        longitude: null,
        status: "DEACTIVATED",
        // A fresh random code nobody has seen: the old one, on a phone or a letter, no longer finds this record.
        passCode: newPassCode(),
        activationCode: null,
        activationExpiresAt: null,
        userId: null,
      },
    });
    if (claimed.count === 0) return { anonymised: false, storedFiles: [] };

    const consents = await tx.guardianConsent.findMany({ where: { youngPersonId }, select: { guardianContact: true } });
    const contacts = [person.email, person.phone, ...consents.map((c) => c.guardianContact)].filter((c): c is string => Boolean(c));
    await tx.guardianConsent.deleteMany({ where: { youngPersonId } });

    // Sign-ins: the young person's account and every link to their record; a guardian keeps an account only for another child.
    const links = await tx.membership.findMany({ where: { youngPersonId }, select: { userId: true, role: true } });
    await tx.membership.deleteMany({ where: { youngPersonId } });
    const userIds = [...new Set([...links.map((l) => l.userId), ...(person.userId ? [person.userId] : [])])];
    for (const userId of userIds) {
      const user = await tx.user.findUnique({
        where: { id: userId },
        select: { displayName: true, isPlatformAdmin: true, _count: { select: { memberships: true } } },
      });
      if (!user) continue;
      if (user._count.memberships === 0 && !user.isPlatformAdmin) {
        await tx.user.delete({ where: { id: userId } }); // sessions go with it (cascade)
      } else if (user.displayName === `${person.firstName}'s parent or guardian`) {
        await tx.user.update({ where: { id: userId }, data: { displayName: "Parent or guardian" } });
      }
    }

    if (contacts.length > 0) {
      await tx.verification.deleteMany({ where: { target: { in: contacts } } });
      // The fact a message went stays (for delivery figures); who it went to and what it said do not.
      await tx.message.updateMany({ where: { recipient: { in: contacts } }, data: { recipient: "[anonymised]", subject: "", body: "" } });
    }

    await tx.rating.updateMany({ where: { youngPersonId, comment: { not: null } }, data: { comment: null } });
    await tx.favourite.deleteMany({ where: { youngPersonId } });
    // Suggestions stay as evidence of demand, no longer tied to who made them.
    await tx.demandNote.updateMany({ where: { youngPersonId }, data: { youngPersonId: null } });

    const applications = await tx.passApplication.findMany({ where: { youngPersonId }, select: { id: true, dateOfBirth: true, postcode: true, proofFileId: true } });
    const storedFiles: string[] = [];
    for (const application of applications) {
      const storedName = await anonymiseApplicationIn(tx, application);
      if (storedName) storedFiles.push(storedName);
    }

    await recordAudit(tx, {
      councilId: person.councilId,
      action: "young_person.anonymised",
      entityType: "YoungPerson",
      entityId: youngPersonId,
      data: { reason: "retention period passed" },
    });
    return { anonymised: true, storedFiles };
  });
  for (const storedName of outcome.storedFiles) await removeUpload(storedName);
  return outcome;
}

/**
 * The daily job: anonymises every young person due, a batch at a time, one transaction each; then, council by
 * council, clears old import reports and roll files and anonymises old rejected applications; then removes stored
 * API replies past API_REPLY_RETENTION_DAYS and anonymises staff who left (retention-records.ts). Running it again
 * changes nothing.
 */
export async function runRetention(db: Db, options: { now?: Date; batchSize?: number } = {}) {
  const now = options.now ?? new Date();
  let anonymised = 0;
  // Each pass only sees people not yet anonymised, so the loop ends when none are due.
  for (;;) {
    const due = await youngPeopleDueForAnonymisation(db, now, options.batchSize ?? 500);
    if (due.length === 0) break;
    let changed = 0;
    for (const id of due) if ((await anonymiseYoungPerson(db, id, now)).anonymised) changed += 1;
    anonymised += changed;
    if (changed === 0) break;
  }
  let importReportsCleared = 0;
  let applicationsAnonymised = 0;
  for (const council of await db.council.findMany({ select: { id: true, retentionMonths: true }, orderBy: { id: "asc" } })) {
    importReportsCleared += await clearOldImportReports(db, council, now);
    applicationsAnonymised += await anonymiseRejectedApplications(db, council, now);
  }
  const apiRepliesRemoved = await removeOldApiReplies(db, now);
  const staffAnonymised = await anonymiseDepartedStaff(db, now);
  return { anonymised, importReportsCleared, applicationsAnonymised, apiRepliesRemoved, staffAnonymised };
}
