// The queue dashboard's server side: counts per queue, failed jobs with their reasons, and retrying one,
// read natively through BullMQ's Queue API (Bull Board would need an Express or Hono adapter we do not run).
import type { Job } from "bullmq";
import { DomainError } from "~/domain/errors";
import { getQueue, QUEUES, type QueueName } from "~/lib/queues.server";

export const QUEUE_NAMES = Object.keys(QUEUES) as QueueName[];
const COUNTED = ["waiting", "active", "delayed", "prioritized", "failed", "completed"] as const;

export type QueueCounts = { queue: QueueName } & Record<(typeof COUNTED)[number], number>;

export async function queueCounts(): Promise<QueueCounts[]> {
  return Promise.all(
    QUEUE_NAMES.map(async (queue) => {
      const counts = await getQueue(queue).getJobCounts(...COUNTED);
      return { queue, ...Object.fromEntries(COUNTED.map((state) => [state, counts[state] ?? 0])) } as QueueCounts;
    }),
  );
}

export type FailedJob = {
  queue: QueueName;
  id: string;
  name: string;
  /** Job payloads carry ids only (no personal data), so they can be shown. */
  data: Record<string, unknown>;
  failedReason: string;
  attemptsMade: number;
  maxAttempts: number;
  failedAt: string | null;
  createdAt: string;
};

function describe(queue: QueueName, job: Job): FailedJob {
  return {
    queue,
    id: job.id ?? "",
    name: job.name,
    data: typeof job.data === "object" && job.data !== null ? (job.data as Record<string, unknown>) : {},
    failedReason: job.failedReason || "No reason recorded",
    attemptsMade: job.attemptsMade,
    maxAttempts: job.opts.attempts ?? 1,
    failedAt: job.finishedOn ? new Date(job.finishedOn).toISOString() : null,
    createdAt: new Date(job.timestamp).toISOString(),
  };
}

/** Jobs in the failed set: BullMQ puts a job there only when it will not retry it by itself any more. */
export async function failedJobs(queue: QueueName, limit = 50): Promise<FailedJob[]> {
  const jobs = await getQueue(queue).getFailed(0, limit - 1);
  return jobs.filter((job): job is Job => Boolean(job)).map((job) => describe(queue, job));
}

/** Puts a failed job back in its queue for another round of attempts. */
export async function retryFailedJob(queue: QueueName, jobId: string) {
  const job = await getQueue(queue).getJob(jobId);
  if (!job) throw new DomainError("NOT_FOUND", "That job is no longer stored.");
  const state = await job.getState();
  if (state !== "failed") throw new DomainError("INVALID_INPUT", `That job is ${state}, not failed: there is nothing to retry.`);
  await job.retry("failed");
}
