// The worker process: starts every BullMQ worker and job scheduler, and drains them on SIGTERM.
import { Worker, type Processor, type RepeatOptions } from "bullmq";
import { assertEnvAtStartup } from "~/lib/env.server";
import { getDb } from "~/lib/db.server";
import { logger } from "~/lib/logger.server";
import { createRedis, evictionPolicyProblem } from "~/lib/redis.server";
import { closeQueues, getQueue, type QueueName } from "~/lib/queues.server";
import * as notifications from "./notifications";
import * as maintenance from "./maintenance";
import * as reconciliation from "./reconciliation";
import * as councilJobs from "./council-jobs";
import * as waitlist from "./waitlist";
import * as attendance from "./attendance";
import * as reminders from "./reminders";
import * as settlement from "./settlement";

const SHUTDOWN_BOUND_MS = 20_000;

const env = assertEnvAtStartup();

async function refuseEvictingRedis() {
  const redis = createRedis("worker");
  try {
    const problem = await evictionPolicyProblem(redis);
    if (problem) {
      logger.fatal(problem);
      process.exit(1);
    }
  } finally {
    redis.disconnect();
  }
}

function startWorker(name: QueueName, processor: Processor, concurrency: number) {
  const worker = new Worker(name, processor, {
    connection: createRedis("worker"),
    prefix: env.REDIS_PREFIX,
    concurrency,
  });
  worker.on("failed", (job, error) =>
    logger.warn({ queue: name, jobId: job?.id, attempt: job?.attemptsMade, error: error.message }, "job failed"),
  );
  worker.on("error", (error) => logger.error({ queue: name, error: error.message }, "worker error"));
  return worker;
}

await refuseEvictingRedis();

type WorkerModule = {
  processJob: Processor;
  schedules?: readonly { id: string; repeat: Omit<RepeatOptions, "key">; data: unknown }[];
};
// One line per queue: its processor module and how many jobs it runs at once.
const MODULES: { queue: QueueName; module: WorkerModule; concurrency: number }[] = [
  { queue: "notifications", module: notifications, concurrency: 5 },
  { queue: "maintenance", module: maintenance, concurrency: 1 },
  { queue: "reconciliation", module: reconciliation, concurrency: 1 },
  { queue: "council-jobs", module: councilJobs, concurrency: 2 },
  { queue: "waitlist", module: waitlist, concurrency: 2 },
  { queue: "attendance", module: attendance, concurrency: 1 },
  { queue: "reminders", module: reminders, concurrency: 1 },
  { queue: "settlement", module: settlement, concurrency: 2 },
];

const workers = MODULES.map(({ queue, module, concurrency }) => startWorker(queue, module.processJob, concurrency));
for (const { queue, module } of MODULES) {
  for (const schedule of module.schedules ?? []) {
    await getQueue(queue).upsertJobScheduler(schedule.id, schedule.repeat, { name: schedule.id, data: schedule.data });
  }
}
logger.info({ queues: workers.map((w) => w.name) }, "workers started");

let stopping = false;
async function shutdown(signal: string) {
  if (stopping) return;
  stopping = true;
  logger.info({ signal }, "draining workers");
  const bound = setTimeout(() => {
    logger.error("workers did not drain in time; their jobs will be retried after the lock lapses");
    process.exit(1);
  }, SHUTDOWN_BOUND_MS);
  await Promise.all(workers.map((w) => w.close()));
  await closeQueues();
  await getDb().$disconnect();
  clearTimeout(bound);
  logger.info("workers stopped");
  process.exit(0);
}
process.on("SIGTERM", () => void shutdown("SIGTERM"));
process.on("SIGINT", () => void shutdown("SIGINT"));
