// A settlement worker process for the crash test: runs the jobs a worker runs for a payout run, in
// order, then exits. PLAYPASS_CRASH_AT makes it SIGKILL itself at that step.
import type { Job } from "bullmq";
import { getDb } from "~/lib/db.server";
import { closeQueues } from "~/lib/queues.server";
import { closeRedis } from "~/lib/redis.server";
import { processJob } from "../../workers/settlement";

const job = (data: unknown) => ({ id: `child-${process.pid}-${Date.now()}`, data, attemptsMade: 0 }) as unknown as Job;

await processJob(job({ task: "create-payout-runs" }), "");
await processJob(job({ task: "pay-due-payouts" }), "");
await closeQueues();
await closeRedis();
await getDb().$disconnect();
