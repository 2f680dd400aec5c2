// A worker process for the fault tests: runs one job the way the worker would (FAULT_QUEUE, FAULT_PAYLOAD), then
// exits. PLAYPASS_CRASH_AT makes it SIGKILL itself at that checkpoint. Notify calls go to FAULT_NOTIFY_PROXY, where
// the parent test's fake Notify (which outlives every child) answers.
import type { Job } from "bullmq";
import { bypass, http } from "msw";
import { setupServer } from "msw/node";
import { getDb } from "~/lib/db.server";
import { closeQueues } from "~/lib/queues.server";
import { closeRedis } from "~/lib/redis.server";
import { processJob as councilJobs } from "../../workers/council-jobs";
import { processJob as notifications } from "../../workers/notifications";

const proxy = process.env.FAULT_NOTIFY_PROXY;
const server = setupServer(
  http.all("https://api.notifications.service.gov.uk/*", async ({ request }) => {
    const url = new URL(request.url);
    const body = request.method === "GET" ? undefined : await request.arrayBuffer();
    // bypass(): the forwarded request itself must not be intercepted again.
    return fetch(bypass(new Request(`${proxy}${url.pathname}${url.search}`, { method: request.method, headers: request.headers, body })));
  }),
);
server.listen({ onUnhandledRequest: "error" });

const processors = { "council-jobs": councilJobs, notifications };
const queue = process.env.FAULT_QUEUE as keyof typeof processors;
const job = { id: `child-${process.pid}`, data: JSON.parse(process.env.FAULT_PAYLOAD ?? "{}"), attemptsMade: 0, opts: {} } as unknown as Job;
await processors[queue](job, "");
server.close();
await closeQueues();
await closeRedis();
await getDb().$disconnect();
