// Queue contracts shared by the web app and the workers: names, payload schemas, default job options.
import { Queue, type JobsOptions } from "bullmq";
import type { Redis } from "ioredis";
import { z } from "zod";
import { getEnv } from "./env.server";
import { createRedis } from "./redis.server";

export const QUEUES = {
  notifications: {
    name: "notifications",
    payload: z.object({ messageId: z.string().uuid() }),
  },
  maintenance: {
    name: "maintenance",
    payload: z.discriminatedUnion("task", [
      z.object({ task: z.literal("verify-ledgers") }),
      z.object({ task: z.literal("sweep-outbox") }),
      z.object({ task: z.literal("expire-sessions") }),
      // Anonymises young people whose council's retention period has passed (app/domain/privacy/retention.ts).
      z.object({ task: z.literal("apply-retention") }),
    ]),
  },
  reconciliation: {
    name: "reconciliation",
    payload: z.discriminatedUnion("task", [
      z.object({ task: z.literal("sweep-no-shows") }),
      z.object({ task: z.literal("make-payable") }),
      z.object({ task: z.literal("send-expiry-reminders") }),
      z.object({ task: z.literal("expire-allocations") }),
    ]),
  },
  // Payout runs, Stripe transfers, bank files and Stripe webhook events (workers/settlement.ts).
  settlement: {
    name: "settlement",
    payload: z.discriminatedUnion("task", [
      z.object({ task: z.literal("create-payout-runs") }),
      z.object({ task: z.literal("settle-council-now"), councilId: z.string().uuid() }),
      z.object({ task: z.literal("pay-payout"), payoutId: z.string().uuid() }),
      z.object({ task: z.literal("pay-due-payouts") }),
      z.object({ task: z.literal("process-stripe-event"), eventId: z.string().min(1) }),
      z.object({ task: z.literal("sweep-stripe-events") }),
      z.object({ task: z.literal("reconcile-runs") }),
    ]),
  },
  // Providers' attendance reports matched against bookings (workers/attendance.ts).
  attendance: {
    name: "attendance",
    payload: z.discriminatedUnion("task", [
      z.object({ task: z.literal("process-report"), reportId: z.string().uuid() }),
      // Re-enqueues reports whose job was lost between the upload's commit and its enqueue.
      z.object({ task: z.literal("sweep-received") }),
    ]),
  },
  // Council tasks with progress: enrolment imports, issuing, group top-ups, letters (workers/council-jobs.ts).
  "council-jobs": {
    name: "council-jobs",
    payload: z.discriminatedUnion("task", [
      z.object({ task: z.literal("run"), backgroundJobId: z.string().uuid() }),
      z.object({ task: z.literal("resend-queued") }),
    ]),
  },
  // Waiting lists: offering freed places and expiring unanswered offers (workers/waitlist.ts).
  waitlist: {
    name: "waitlist",
    payload: z.discriminatedUnion("task", [
      z.object({ task: z.literal("offer-freed-places"), slotId: z.string().uuid() }),
      z.object({ task: z.literal("expire-offers") }),
    ]),
  },
  // Reminders to young people: the day before a booking (workers/reminders.ts).
  reminders: {
    name: "reminders",
    payload: z.discriminatedUnion("task", [z.object({ task: z.literal("send-day-before-reminders") })]),
  },
} as const;

export type QueueName = keyof typeof QUEUES;
export type Payload<Q extends QueueName> = z.infer<(typeof QUEUES)[Q]["payload"]>;

export const DEFAULT_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: "exponential", delay: 2_000 },
  removeOnComplete: { age: 24 * 60 * 60, count: 10_000 },
  removeOnFail: { age: 14 * 24 * 60 * 60, count: 50_000 },
};

const queues = new Map<QueueName, Queue>();

export function getQueue<Q extends QueueName>(name: Q): Queue {
  let queue = queues.get(name);
  if (!queue) {
    queue = new Queue(QUEUES[name].name, {
      connection: createRedis("producer"),
      prefix: getEnv().REDIS_PREFIX,
      defaultJobOptions: DEFAULT_JOB_OPTIONS,
    });
    queues.set(name, queue);
  }
  return queue;
}

/** How long enqueue waits for Redis before failing; the caller's database row lets a sweeper add the job later. */
const ENQUEUE_TIMEOUT_MS = 2_000;

/** Adds a job after validating its payload; the job id comes from the business key, so re-adding is harmless. */
export async function enqueue<Q extends QueueName>(name: Q, jobId: string, payload: Payload<Q>) {
  const data = QUEUES[name].payload.parse(payload);
  // BullMQ waits for a first connection however long Redis is away; a web request must not hang on it.
  let timer: NodeJS.Timeout | undefined;
  const unreachable = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis at ${getEnv().REDIS_URL} is not reachable: job ${jobId} was not queued`)), ENQUEUE_TIMEOUT_MS);
  });
  try {
    await Promise.race([getQueue(name).add(name, data, { jobId }), unreachable]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * For sweepers re-sending work the database says is still due: like enqueue, but a job that finished under the
 * same id and is still kept (a failed one for weeks by removeOnFail, a completed one for a day by
 * removeOnComplete), which makes a plain add a no-op, is retried instead. A job still waiting or running is left
 * alone: it will do the work. Two sweeps racing over one kept job retry it once; the other finds it waiting.
 */
export async function requeue<Q extends QueueName>(name: Q, jobId: string, payload: Payload<Q>) {
  const existing = await getQueue(name).getJob(jobId);
  const state = existing ? await existing.getState() : "unknown";
  if (existing && (state === "failed" || state === "completed")) {
    try {
      await existing.retry(state, { resetAttemptsMade: true });
    } catch (error) {
      // Another sweep retried it first (BullMQ refuses a job no longer in that state): it is queued, as wanted.
      if ((await existing.getState()) === state) throw error;
    }
  } else {
    await enqueue(name, jobId, payload);
  }
}

/** Whether the queue holds a job with this id that is still to run or running (not finished, not lost). */
export async function isJobLive(name: QueueName, jobId: string) {
  const job = await getQueue(name).getJob(jobId);
  if (!job) return false;
  const state = await job.getState();
  return state !== "failed" && state !== "completed" && state !== "unknown";
}

export async function closeQueues() {
  // BullMQ leaves open a connection it was handed (it may be shared); each of ours belongs to its queue alone.
  await Promise.all(
    [...queues.values()].map(async (queue) => {
      await queue.close();
      await (queue.opts.connection as Redis).quit().catch(() => undefined);
    }),
  );
  queues.clear();
}
