// Long council tasks run by the worker with progress on a BackgroundJob row: enrolment imports, issuing
// to everyone eligible, and group top-ups. A job may run twice (BullMQ delivers at least once); each
// kind is safe to repeat: imports upsert by reference, issuing skips people who have a pass, and each
// top-up carries a key made from the job.
import { Readable } from "node:stream";
import { z } from "zod";
import type { JobKind } from "~/generated/prisma/enums";
import type { Db } from "~/lib/db.server";
import { readStoredFile, storeFile, type FileType } from "~/lib/uploads.server";
import { recordAudit } from "../audit";
import { DomainError } from "../errors";
import { checkpoint } from "../settlement/checkpoints";
import { parseEnrolmentCsv, upsertYoungPeople } from "./enrolment";
import { budgetLeft, countEligibleWithout, getProgramme, isUuid, issueAllocationsBatch, type OfficerContext } from "./programmes";
import { countGroupTopUp, topUpGroupBatch, type YoungPeopleFilter } from "./young-people";

const IMPORT_BATCH = 1_000;
// Large enough that round trips do not dominate, small enough that the budget lock is held about a second.
const ISSUE_BATCH = 2_000;
const TOP_UP_BATCH = 200;

const filterSchema = z.object({
  q: z.string().optional(),
  ward: z.string().optional(),
  needs: z.enum(["FREE_SCHOOL_MEALS", "CARE_EXPERIENCED", "SEND", "YOUNG_CARER"]).optional(),
  status: z.enum(["INVITED", "ACTIVE", "AWAITING_CONSENT", "DEACTIVATED"]).optional(),
  noContact: z.boolean().optional(),
});

const INPUTS = {
  ENROLMENT_IMPORT: z.object({ fileName: z.string() }),
  ISSUE_ALL: z.object({ programmeId: z.string().uuid() }),
  GROUP_TOP_UP: z.object({ programmeId: z.string().uuid(), filter: filterSchema, amountPence: z.number().int().positive(), reason: z.string().min(1) }),
  ACTIVATION_LETTERS: z.object({}),
} satisfies Record<JobKind, z.ZodType>;

export type ImportResult = { created: number; updated: number; badRows: number; errors: { line: number; message: string }[]; elapsedMs: number };
export type IssueAllResult = { issued: number; issuedPence: number; stoppedForBudget: boolean; nextNeedsPence: number | null; budgetLeftPence: number };
export type GroupTopUpJobResult = { toppedUp: number; toppedUpPence: number; stoppedForBudget: boolean; budgetLeftPence: number };

/** The queue's job id for a BackgroundJob: adding it twice while BullMQ still holds it is one job. */
export const councilJobId = (backgroundJobId: string) => `council-job-${backgroundJobId}`;

/** The officer's own job, or NOT_FOUND. */
export async function getCouncilJob(db: Db, councilId: string, jobId: string) {
  if (!isUuid(jobId)) throw new DomainError("NOT_FOUND", "That task does not exist.");
  const job = await db.backgroundJob.findFirst({ where: { id: jobId, councilId } });
  if (!job) throw new DomainError("NOT_FOUND", "That task does not exist.");
  return job;
}

export async function listCouncilJobs(db: Db, councilId: string, take = 30) {
  return db.backgroundJob.findMany({
    where: { councilId },
    orderBy: { createdAt: "desc" },
    take,
    select: { id: true, kind: true, status: true, processed: true, total: true, createdAt: true, finishedAt: true, input: true },
  });
}

/** Keeps an uploaded enrolment file and records the import job; the caller enqueues it. */
export async function startEnrolmentImport(db: Db, context: OfficerContext, file: { bytes: Uint8Array; type: FileType; originalName: string }) {
  if (file.type !== "csv") throw new DomainError("INVALID_INPUT", "The file must be a CSV file. Save your spreadsheet as “CSV UTF-8” first.", "file");
  return db.$transaction(async (tx) => {
    const stored = await storeFile(tx, { ...file, kind: "ENROLMENT_CSV", councilId: context.councilId, uploadedByUserId: context.actorUserId });
    return tx.backgroundJob.create({
      data: { councilId: context.councilId, kind: "ENROLMENT_IMPORT", fileId: stored.id, input: { fileName: file.originalName }, createdByUserId: context.actorUserId ?? null },
      select: { id: true },
    });
  });
}

/** Records a job to issue every eligible young person of an active programme; one already waiting or running is returned instead. */
export async function startIssueAll(db: Db, context: OfficerContext, programmeId: string) {
  const programme = await getProgramme(db, context.councilId, programmeId);
  if (programme.status !== "ACTIVE") {
    throw new DomainError("INVALID_INPUT", programme.status === "DRAFT" ? "This programme is a draft. Make it active before issuing passes." : "This programme is closed, so no more passes can be issued from it.");
  }
  const running = await db.backgroundJob.findFirst({
    where: { councilId: context.councilId, kind: "ISSUE_ALL", status: { in: ["QUEUED", "RUNNING"] }, input: { path: ["programmeId"], equals: programmeId } },
    select: { id: true },
  });
  if (running) return running;
  return db.backgroundJob.create({
    data: { councilId: context.councilId, kind: "ISSUE_ALL", input: { programmeId }, createdByUserId: context.actorUserId ?? null },
    select: { id: true },
  });
}

export async function startGroupTopUp(
  db: Db,
  context: OfficerContext,
  input: { programmeId: string; filter: YoungPeopleFilter; amountPence: number; reason: string },
) {
  await getProgramme(db, context.councilId, input.programmeId);
  const reached = await countGroupTopUp(db, context.councilId, input.programmeId, input.filter);
  if (reached === 0) throw new DomainError("INVALID_INPUT", "Nobody in this group holds a pass from that programme.", "programmeId");
  const filter = filterSchema.parse(input.filter);
  return db.backgroundJob.create({
    data: {
      councilId: context.councilId,
      kind: "GROUP_TOP_UP",
      input: { programmeId: input.programmeId, filter, amountPence: input.amountPence, reason: input.reason },
      total: reached,
      createdByUserId: context.actorUserId ?? null,
    },
    select: { id: true },
  });
}

/** Jobs recorded but never picked up (the queue add was lost): the worker's sweep enqueues them again. */
export async function queuedJobsToResend(db: Db, olderThan: Date) {
  const rows = await db.backgroundJob.findMany({ where: { status: "QUEUED", createdAt: { lt: olderThan } }, select: { id: true }, take: 100 });
  return rows.map((r) => r.id);
}

/** How often a run writes its heartbeat, whatever its batches are doing. */
export const HEARTBEAT_MS = 30_000;
/**
 * A RUNNING job whose heartbeat is older than this has no live run: six missed heartbeats. A live run writes
 * one every 30 s from a timer, not between batches, so only a process that is gone (or stopped for minutes)
 * misses them; a slow batch or a busy pool delays one write by seconds, not minutes.
 */
export const HEARTBEAT_STALE_MS = 3 * 60_000;

/**
 * RUNNING jobs nobody has run for HEARTBEAT_STALE_MS (by heartbeat, or start for a row from before heartbeats).
 * The sweeper queues each again unless the queue still holds its job: the case where Redis lost the job while
 * a worker ran it (emptied, or the worker died and Redis lost the job with it), so BullMQ will not redeliver it.
 */
export async function staleRunningJobs(db: Db, now = new Date()) {
  const before = new Date(now.getTime() - HEARTBEAT_STALE_MS);
  const rows = await db.backgroundJob.findMany({
    where: { status: "RUNNING", OR: [{ heartbeatAt: { lt: before } }, { heartbeatAt: null, startedAt: { lt: before } }] },
    select: { id: true },
    take: 100,
  });
  return rows.map((r) => r.id);
}

/** Thrown by a run's progress write once another run has claimed its job: this run stops, the other carries on. */
class SupersededRun extends Error {}

/**
 * Runs one job to the end. Claims it first (a finished job is not run again), writes progress as it goes,
 * and records the outcome. A DomainError is the job's answer (FAILED with its message); anything else is
 * thrown so the queue retries. Each claim writes a new run token: a run whose token is no longer the row's
 * (re-queued after its queue job was lost, and claimed by another worker) stops at its next progress write.
 */
export async function runCouncilJob(db: Db, jobId: string) {
  const [job] = await db.$queryRaw<{ id: string; councilId: string; kind: JobKind; input: unknown; fileId: string | null; createdByUserId: string | null; runToken: string }[]>`
    UPDATE "BackgroundJob" SET "status" = 'RUNNING', "startedAt" = coalesce("startedAt", now()), "heartbeatAt" = now(), "runToken" = gen_random_uuid()
    WHERE "id" = ${jobId}::uuid AND "status" IN ('QUEUED', 'RUNNING')
    RETURNING "id", "councilId", "kind", "input", "fileId", "createdByUserId", "runToken"::text`;
  if (!job) return { ran: false as const };
  const mine = { id: job.id, status: "RUNNING" as const, runToken: job.runToken };
  const progress = async (processed: number, total?: number | null) => {
    const written = await db.backgroundJob.updateMany({ where: mine, data: { processed, heartbeatAt: new Date(), ...(total !== undefined ? { total } : {}) } });
    if (written.count === 0) throw new SupersededRun(`council job ${job.id} was claimed by another run or finished`);
  };
  // A failed heartbeat write is not the job's failure: the next one (or a progress write) tries again.
  const heartbeat = setInterval(() => {
    db.backgroundJob.updateMany({ where: mine, data: { heartbeatAt: new Date() } }).catch(() => undefined);
  }, HEARTBEAT_MS);
  heartbeat.unref();
  try {
    let result: Record<string, unknown>;
    switch (job.kind) {
      case "ENROLMENT_IMPORT":
        result = await runImport(db, job, progress);
        break;
      case "ISSUE_ALL":
        result = await runIssueAll(db, job, INPUTS.ISSUE_ALL.parse(job.input), progress);
        break;
      case "GROUP_TOP_UP":
        result = await runGroupTopUp(db, job, INPUTS.GROUP_TOP_UP.parse(job.input), progress);
        break;
      case "ACTIVATION_LETTERS":
        throw new DomainError("INVALID_INPUT", "Activation letters are made when they are downloaded, not in the background.");
    }
    // Only this run's RUNNING row is finished: if another run took the job over, this one's last batches were
    // repeats of idempotent work and the job is finished once, by that run.
    const finished = await db.backgroundJob.updateMany({ where: mine, data: { status: "SUCCEEDED", result: result as object, finishedAt: new Date() } });
    return { ran: true as const, result, finished: finished.count === 1 };
  } catch (error) {
    // Not a failure to retry: the run that superseded this one finishes the job.
    if (error instanceof SupersededRun) return { ran: true as const, superseded: true as const };
    if (error instanceof DomainError) {
      await markCouncilJobFailed(db, job.id, error.message);
      return { ran: true as const, error: error.message };
    }
    throw error;
  } finally {
    clearInterval(heartbeat);
  }
}

export async function markCouncilJobFailed(db: Db, jobId: string, message: string) {
  await db.backgroundJob.updateMany({ where: { id: jobId, status: { in: ["QUEUED", "RUNNING"] } }, data: { status: "FAILED", error: message.slice(0, 500), finishedAt: new Date() } });
}

type RunningJob = { id: string; councilId: string; fileId: string | null; createdByUserId: string | null };
type Progress = (processed: number, total?: number | null) => Promise<unknown>;

async function runImport(db: Db, job: RunningJob, progress: Progress): Promise<ImportResult> {
  const started = Date.now();
  const file = job.fileId ? await db.storedFile.findFirst({ where: { id: job.fileId, councilId: job.councilId, kind: "ENROLMENT_CSV" } }) : null;
  if (!file) throw new DomainError("NOT_FOUND", "The uploaded file is no longer there. Upload it again.");
  const { rows, errors } = await parseEnrolmentCsv(Readable.from([await readStoredFile(file)]));
  const badRows = errors.length;
  if (rows.length === 0) {
    await db.backgroundJob.update({ where: { id: job.id }, data: { result: { created: 0, updated: 0, badRows, errors, elapsedMs: Date.now() - started } } });
    throw new DomainError("INVALID_INPUT", errors[0] ? `Nothing was imported: line ${errors[0].line}: ${errors[0].message}.` : "Nothing was imported: the file has no rows.");
  }
  await progress(0, rows.length);
  let created = 0;
  let updated = 0;
  for (let start = 0; start < rows.length; start += IMPORT_BATCH) {
    const batch = rows.slice(start, start + IMPORT_BATCH);
    const written = await db.$transaction((tx) => upsertYoungPeople(tx, job.councilId, batch), { timeout: 60_000 });
    created += written.created;
    updated += written.updated;
    await progress(start + batch.length);
    checkpoint("council-job-batch-written");
  }
  await recordAudit(db, {
    councilId: job.councilId,
    actorUserId: job.createdByUserId,
    action: "young_people.imported",
    entityType: "BackgroundJob",
    entityId: job.id,
    data: { created, updated, badRows, file: file.originalName.slice(0, 100) },
  });
  return { created, updated, badRows, errors, elapsedMs: Date.now() - started };
}

async function runIssueAll(db: Db, job: RunningJob, input: z.infer<typeof INPUTS.ISSUE_ALL>, progress: Progress): Promise<IssueAllResult> {
  const total = await countEligibleWithout(db, job.councilId, input.programmeId);
  await progress(0, total);
  let issued = 0;
  let issuedPence = 0;
  let afterYoungPersonId: string | null = null;
  for (;;) {
    const batch = await issueAllocationsBatch(db, {
      councilId: job.councilId,
      programmeId: input.programmeId,
      limit: ISSUE_BATCH,
      actorUserId: job.createdByUserId,
      afterYoungPersonId,
    });
    afterYoungPersonId = batch.lastYoungPersonId;
    issued += batch.issued;
    issuedPence += batch.issuedPence;
    await progress(Math.min(issued, total), Math.max(total, issued));
    checkpoint("council-job-batch-written");
    if (batch.done) {
      return { issued, issuedPence, stoppedForBudget: batch.stoppedForBudget, nextNeedsPence: batch.nextNeedsPence, budgetLeftPence: await budgetLeft(db, input.programmeId) };
    }
  }
}

async function runGroupTopUp(db: Db, job: RunningJob, input: z.infer<typeof INPUTS.GROUP_TOP_UP>, progress: Progress): Promise<GroupTopUpJobResult> {
  let afterId: string | null = null;
  let toppedUp = 0;
  for (;;) {
    const batch = await topUpGroupBatch(db, {
      councilId: job.councilId,
      programmeId: input.programmeId,
      filter: input.filter,
      amountPence: input.amountPence,
      reason: input.reason,
      jobKey: `group:${job.id}`,
      afterId,
      limit: TOP_UP_BATCH,
      actorUserId: job.createdByUserId,
    });
    toppedUp += batch.toppedUp;
    afterId = batch.lastYoungPersonId;
    await progress(toppedUp);
    if (batch.done) {
      return { toppedUp, toppedUpPence: toppedUp * input.amountPence, stoppedForBudget: batch.stoppedForBudget, budgetLeftPence: await budgetLeft(db, input.programmeId) };
    }
  }
}
