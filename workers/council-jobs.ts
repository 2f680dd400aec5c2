// Queue "council-jobs": enrolment imports, issuing to everyone eligible and group top-ups, each a
// BackgroundJob row the officer's page watches; and a sweep that re-sends jobs whose queue job was lost (never
// added, or lost by Redis while a worker ran it).
import { UnrecoverableError, type Processor } from "bullmq";
import { getDb } from "~/lib/db.server";
import { logger } from "~/lib/logger.server";
import { DEFAULT_JOB_OPTIONS, isJobLive, QUEUES, requeue, type Payload } from "~/lib/queues.server";
import { councilJobId, markCouncilJobFailed, queuedJobsToResend, runCouncilJob } from "~/domain/programmes";
import { staleRunningJobs } from "~/domain/programmes/jobs";

export const queue = QUEUES["council-jobs"];

export { councilJobId };

export const schedules: { id: string; repeat: { every: number }; data: Payload<"council-jobs"> }[] = [
  { id: "resend-queued-council-jobs", repeat: { every: 60 * 1000 }, data: { task: "resend-queued" } },
];

export const processJob: Processor = async (job) => {
  const parsed = queue.payload.safeParse(job.data);
  if (!parsed.success) throw new UnrecoverableError(`bad council-jobs payload: ${parsed.error.message}`);
  const payload = parsed.data;
  const db = getDb();
  if (payload.task === "resend-queued") {
    // Never picked up: the add was lost (Redis away at the time, or emptied since).
    const queued = await queuedJobsToResend(db, new Date(Date.now() - 60 * 1000));
    for (const id of queued) await requeue("council-jobs", councilJobId(id), { task: "run", backgroundJobId: id });
    // Started, but nobody has run them for minutes and the queue no longer holds a job that would run them
    // (Redis emptied mid-run, or lost the job of a worker that died). A job the queue still holds is left to it.
    let resumed = 0;
    for (const id of await staleRunningJobs(db)) {
      if (await isJobLive("council-jobs", councilJobId(id))) continue;
      await requeue("council-jobs", councilJobId(id), { task: "run", backgroundJobId: id });
      resumed++;
    }
    return { resent: queued.length, resumed };
  }
  try {
    return await runCouncilJob(db, payload.backgroundJobId);
  } catch (error) {
    // The last attempt: the officer's page must say it failed rather than wait for ever.
    const attempts = job.opts.attempts ?? DEFAULT_JOB_OPTIONS.attempts ?? 1;
    if (job.attemptsMade + 1 >= attempts) {
      logger.error({ backgroundJobId: payload.backgroundJobId, error: error instanceof Error ? error.message : String(error) }, "council job failed for good");
      await markCouncilJobFailed(db, payload.backgroundJobId, "Something went wrong while running this task. Nothing more will happen; start it again or ask for help.");
    }
    throw error;
  }
};
