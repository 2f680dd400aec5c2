// Queue "council-jobs": enrolment imports, issuing to everyone eligible and group top-ups, each a
// BackgroundJob row the officer's page watches; and a sweep that re-sends jobs whose queue add was lost.
import { UnrecoverableError, type Processor } from "bullmq";
import { getDb } from "~/lib/db.server";
import { logger } from "~/lib/logger.server";
import { DEFAULT_JOB_OPTIONS, enqueue, QUEUES, type Payload } from "~/lib/queues.server";
import { councilJobId, markCouncilJobFailed, queuedJobsToResend, runCouncilJob } from "~/domain/programmes";

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
    const ids = await queuedJobsToResend(db, new Date(Date.now() - 60 * 1000));
    for (const id of ids) await enqueue("council-jobs", councilJobId(id), { task: "run", backgroundJobId: id });
    return { resent: ids.length };
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
