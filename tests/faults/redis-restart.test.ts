// RELIABILITY 18-19: Redis crashes while jobs are queued. Back with its data, each queued job runs once; back
// empty, the sweepers re-enqueue from PostgreSQL (the outbox, council jobs) and each piece of work still happens
// once, and the job schedulers are upserted again. While Redis is down the web app fails fast and keeps its write.
import { Worker, type Job } from "bullmq";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { getEnv, resetEnvForTests } from "~/lib/env.server";
import { closeQueues, enqueue, getQueue } from "~/lib/queues.server";
import { closeRedis, createRedis } from "~/lib/redis.server";
import { issueAllocationsBatch, startIssueAll } from "~/domain/programmes";
import { HEARTBEAT_STALE_MS, runCouncilJob } from "~/domain/programmes/jobs";
import type { Db } from "~/lib/db.server";
import { processJob as runNotification } from "../../workers/notifications";
import { processJob as runMaintenance, schedules as maintenanceSchedules } from "../../workers/maintenance";
import { processJob as runCouncilJobs, schedules as councilJobSchedules } from "../../workers/council-jobs";
import { notifySent } from "../mocks/notify";
import { createCouncil, createProgramme, createYoungPerson } from "../factories";
import { expectLedgerOk } from "../helpers";
import { allowConsoleError } from "../setup/console";
import { fakeJob } from "../support/workers";
import { pendingTexts, restartableRedis, waitFor } from "./support";
import { useNotifyKeys } from "../support/notify-keys";

const db = () => getDb();
useNotifyKeys();

let redis: Awaited<ReturnType<typeof restartableRedis>>;
const urlBefore = process.env.REDIS_URL;
let workers: Worker[] = [];

beforeAll(async () => {
  redis = await restartableRedis();
  process.env.REDIS_URL = redis.url;
  resetEnvForTests();
});
afterEach(async () => {
  await Promise.all(workers.map((w) => w.close()));
  workers = [];
  await closeQueues();
  await closeRedis();
});
afterAll(async () => {
  await redis.stop();
  process.env.REDIS_URL = urlBefore;
  resetEnvForTests();
});

/**
 * A queue with no error listener prints each refused reconnect while Redis is down, and a connection reset when it
 * is killed under an open connection (which one depends on timing): expected in these tests, nothing else is.
 */
const allowRedisDown = () => allowConsoleError(/\[ioredis\] Unhandled error event|ECONNREFUSED|read ECONNRESET/);

/** A worker process's worker for one queue, on this file's Redis. */
function startWorker(queue: "notifications" | "council-jobs", processor: (job: Job, token?: string) => Promise<unknown>) {
  const worker = new Worker(queue, processor, { connection: createRedis("worker"), prefix: getEnv().REDIS_PREFIX, concurrency: 2 });
  // A worker that was connected when Redis went away reconnects by itself; the errors meanwhile are expected.
  worker.on("error", () => undefined);
  workers.push(worker);
  return worker;
}

const sendsOf = (ids: string[]) => ids.map((id) => notifySent.filter((n) => n.reference === id).length);
const allSent = async (ids: string[]) => (await db().message.count({ where: { id: { in: ids }, status: "SENT" } })) === ids.length;

describe("Redis crashes while jobs are queued", () => {
  it("back with its data: every queued job runs exactly once", async () => {
    const ids = await pendingTexts(5);
    for (const id of ids) await enqueue("notifications", `message-${id}`, { messageId: id });
    await closeQueues();

    allowRedisDown();
    await redis.restartWithData();
    startWorker("notifications", runNotification);
    await waitFor("every message sent", () => allSent(ids));
    expect(sendsOf(ids)).toEqual([1, 1, 1, 1, 1]);
  });

  it("back empty: schedulers are upserted again and the sweepers redo from PostgreSQL what was lost, once", async () => {
    const ids = await pendingTexts(3);
    const council = await createCouncil();
    const programme = await createProgramme({ councilId: council.id, fundedPence: 100_000, baseAllocationPence: 1_000 });
    await Promise.all([1, 2, 3, 4].map(() => createYoungPerson({ councilId: council.id, withAllocation: false })));
    const issue = await startIssueAll(db(), { councilId: council.id }, programme.id);
    await db().backgroundJob.update({ where: { id: issue.id }, data: { createdAt: new Date(Date.now() - 5 * 60_000) } });
    for (const id of ids) await enqueue("notifications", `message-${id}`, { messageId: id });
    await enqueue("council-jobs", `council-job-${issue.id}`, { task: "run", backgroundJobId: issue.id });
    await closeQueues();

    allowRedisDown();
    await redis.restartEmpty();
    expect(await getQueue("notifications").count()).toBe(0);
    // What the worker process does at every start (workers/index.ts): upsert each scheduler.
    for (const schedule of maintenanceSchedules) await getQueue("maintenance").upsertJobScheduler(schedule.id, schedule.repeat, { name: schedule.id, data: schedule.data });
    for (const schedule of councilJobSchedules) await getQueue("council-jobs").upsertJobScheduler(schedule.id, schedule.repeat, { name: schedule.id, data: schedule.data });
    expect((await getQueue("maintenance").getJobSchedulers()).map((s) => s.key).sort()).toEqual(maintenanceSchedules.map((s) => s.id).sort());
    expect((await getQueue("council-jobs").getJobSchedulers()).map((s) => s.key)).toEqual(["resend-queued-council-jobs"]);

    // The sweepers' runs, as their schedulers fire them, twice over (a duplicate scheduler must do no harm).
    startWorker("notifications", runNotification);
    startWorker("council-jobs", runCouncilJobs);
    for (let run = 0; run < 2; run++) {
      await runMaintenance(fakeJob({ task: "sweep-outbox" }), "");
      await runCouncilJobs(fakeJob({ task: "resend-queued" }), "");
    }
    await waitFor("every message sent", () => allSent(ids));
    await waitFor("the issuing job done", async () => (await db().backgroundJob.findUniqueOrThrow({ where: { id: issue.id } })).status === "SUCCEEDED");
    await runMaintenance(fakeJob({ task: "sweep-outbox" }), "");
    await runCouncilJobs(fakeJob({ task: "resend-queued" }), "");

    expect(sendsOf(ids)).toEqual([1, 1, 1]);
    expect(await db().allocation.count({ where: { programmeId: programme.id } })).toBe(4);
    await expectLedgerOk(council.id);
  });

  it("while it is down, the web app's enqueue fails fast with a clear error and the outbox row is sent later", async () => {
    const [id] = await pendingTexts(1);
    allowRedisDown();
    await redis.kill();
    try {
      // A queue that never reached Redis, and one that had (its commands fail at once, with no offline queue).
      await expect(enqueue("notifications", `message-${id}`, { messageId: id! })).rejects.toThrow(/is not reachable: job message-.* was not queued/);
      await closeQueues();
      await redis.start();
      await enqueue("maintenance", "warm-up", { task: "expire-sessions" });
      await redis.kill();
      await expect(enqueue("notifications", `message-${id}`, { messageId: id! })).rejects.toThrow(/not reachable|enableOfflineQueue|writeable|Connection is closed/);
    } finally {
      await closeQueues();
      await closeRedis();
      await redis.start();
    }
    expect(await db().message.findUniqueOrThrow({ where: { id: id! }, select: { status: true } })).toEqual({ status: "PENDING" });

    startWorker("notifications", runNotification);
    await runMaintenance(fakeJob({ task: "sweep-outbox" }), "");
    await waitFor("the message sent", () => allSent([id!]));
    expect(sendsOf([id!])).toEqual([1]);
  });
});

describe("Redis empties while a council job runs", () => {
  /** Issuing to four young people, two of them done by a run that is gone: RUNNING, its heartbeat `ago` ms old. */
  async function halfDoneIssuing(ago: number) {
    const council = await createCouncil();
    const programme = await createProgramme({ councilId: council.id, fundedPence: 100_000, baseAllocationPence: 1_000 });
    await Promise.all([1, 2, 3, 4].map(() => createYoungPerson({ councilId: council.id, withAllocation: false })));
    const issue = await startIssueAll(db(), { councilId: council.id }, programme.id);
    await issueAllocationsBatch(db(), { councilId: council.id, programmeId: programme.id, limit: 2 });
    const at = new Date(Date.now() - ago);
    await db().backgroundJob.update({ where: { id: issue.id }, data: { status: "RUNNING", createdAt: at, startedAt: at, heartbeatAt: at, processed: 2, total: 4 } });
    return { council, programme, issue };
  }

  /** The council-jobs worker, counting the runs that claimed a job (a run of a finished job claims nothing). */
  function countingCouncilWorker() {
    const runs: string[] = [];
    startWorker("council-jobs", async (job, token) => {
      const outcome = (await runCouncilJobs(job, token ?? "")) as { ran?: boolean };
      if (job.data.task === "run" && outcome.ran) runs.push(job.data.backgroundJobId);
      return outcome;
    });
    return runs;
  }

  const sweep = () => runCouncilJobs(fakeJob({ task: "resend-queued" }), "") as Promise<{ resent: number; resumed: number }>;
  const row = (id: string) => db().backgroundJob.findUniqueOrThrow({ where: { id } });

  it("a RUNNING job whose queue job vanished is run again by the sweeper and finishes exactly once", async () => {
    const { council, programme, issue } = await halfDoneIssuing(HEARTBEAT_STALE_MS + 60_000);
    // Its queue job, as the worker that died had taken it; then Redis comes back empty.
    await enqueue("council-jobs", `council-job-${issue.id}`, { task: "run", backgroundJobId: issue.id });
    await closeQueues();
    allowRedisDown();
    await redis.restartEmpty();
    expect(await getQueue("council-jobs").getJob(`council-job-${issue.id}`)).toBeUndefined();

    const runs = countingCouncilWorker();
    // Two sweeps at once (a duplicate scheduler), then more while it runs and after: one job, one run.
    await Promise.all([sweep(), sweep()]);
    await waitFor("the issuing job done", async () => (await row(issue.id)).status === "SUCCEEDED");
    await sweep();
    await sweep();
    await waitFor("the queue idle", async () => {
      const counts = await getQueue("council-jobs").getJobCounts("waiting", "active", "delayed");
      return Object.values(counts).every((count) => count === 0);
    });

    expect(runs).toEqual([issue.id]);
    const done = await row(issue.id);
    expect(done).toMatchObject({ status: "SUCCEEDED", processed: 2, error: null });
    expect(done.result).toMatchObject({ issued: 2 });
    expect(done.finishedAt).not.toBeNull();
    expect(await db().allocation.count({ where: { programmeId: programme.id } })).toBe(4);
    await expectLedgerOk(council.id);
  });

  it("a job a worker is really running is not doubled: by its recent heartbeat, or by the queue holding its job", async () => {
    // Redis emptied while a worker still runs the job: the queue job is gone, but the heartbeat is fresh.
    const alive = await halfDoneIssuing(20_000);
    allowRedisDown();
    await redis.restartEmpty();
    expect(await sweep()).toMatchObject({ resumed: 0 });
    expect(await getQueue("council-jobs").getJob(`council-job-${alive.issue.id}`)).toBeUndefined();
    expect((await row(alive.issue.id)).status).toBe("RUNNING");

    // Heartbeat old, but the queue still holds its job (waiting for a worker): that job will run it, nothing is added.
    const held = await halfDoneIssuing(HEARTBEAT_STALE_MS + 60_000);
    await enqueue("council-jobs", `council-job-${held.issue.id}`, { task: "run", backgroundJobId: held.issue.id });
    const queued = await getQueue("council-jobs").getJob(`council-job-${held.issue.id}`);
    expect(await sweep()).toMatchObject({ resumed: 0 });
    const after = await getQueue("council-jobs").getJob(`council-job-${held.issue.id}`);
    expect(after?.timestamp).toBe(queued?.timestamp);
    expect(await after?.getState()).toBe("waiting");

    const runs = countingCouncilWorker();
    await waitFor("the held job done", async () => (await row(held.issue.id)).status === "SUCCEEDED");
    await sweep();
    expect(runs).toEqual([held.issue.id]);
    expect(await db().allocation.count({ where: { programmeId: held.programme.id } })).toBe(4);
    // The live job, its heartbeat now old (its worker died after all), is taken up then, once.
    await db().backgroundJob.update({ where: { id: alive.issue.id }, data: { heartbeatAt: new Date(Date.now() - HEARTBEAT_STALE_MS - 60_000) } });
    expect(await sweep()).toMatchObject({ resumed: 1 });
    await waitFor("the once-live job done", async () => (await row(alive.issue.id)).status === "SUCCEEDED");
    expect(runs).toEqual([held.issue.id, alive.issue.id]);
    expect(await db().allocation.count({ where: { programmeId: alive.programme.id } })).toBe(4);
    await expectLedgerOk(alive.council.id);
    await expectLedgerOk(held.council.id);
  });

  /** The database as one run sees it: its first write to BackgroundJob after its claim waits until thawed (a stopped process). */
  function freezingDb() {
    let thaw!: () => void;
    const thawed = new Promise<void>((resolve) => (thaw = resolve));
    let froze!: () => void;
    const frozen = new Promise<void>((resolve) => (froze = resolve));
    const base = db();
    const jobs = new Proxy(base.backgroundJob, {
      get(target, prop) {
        if (prop === "updateMany") {
          return async (args: Parameters<typeof target.updateMany>[0]) => {
            froze();
            await thawed;
            return target.updateMany(args);
          };
        }
        const value: unknown = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const frozenDb = new Proxy(base, {
      get(target, prop) {
        if (prop === "backgroundJob") return jobs;
        const value: unknown = Reflect.get(target, prop);
        return typeof value === "function" ? value.bind(target) : value;
      },
    }) as Db;
    return { db: frozenDb, frozen, thaw };
  }

  it("a run frozen past the threshold and taken over stops at its next progress write; the job finishes once", async () => {
    const { council, programme, issue } = await halfDoneIssuing(HEARTBEAT_STALE_MS + 60_000);
    // The first run claims the job and freezes; its queue job is lost, and the re-queued run claims it too.
    const a = freezingDb();
    const first = runCouncilJob(a.db, issue.id);
    await a.frozen;
    const claimedByFirst = await row(issue.id);
    const b = freezingDb();
    const second = runCouncilJob(b.db, issue.id);
    await b.frozen;
    // Each claim writes its heartbeat and a token of its own.
    const claimedBySecond = await row(issue.id);
    expect(claimedBySecond.heartbeatAt!.getTime()).toBeGreaterThan(Date.now() - HEARTBEAT_STALE_MS);
    expect(claimedBySecond.runToken).not.toBeNull();
    expect(claimedBySecond.runToken).not.toBe(claimedByFirst.runToken);

    // The first wakes while the second still runs: its claim is no longer the row's, so it stops there.
    a.thaw();
    expect(await first).toEqual({ ran: true, superseded: true });
    expect((await row(issue.id)).status).toBe("RUNNING");
    b.thaw();
    expect(await second).toMatchObject({ ran: true, finished: true, result: { issued: 2 } });

    expect(await row(issue.id)).toMatchObject({ status: "SUCCEEDED", processed: 2, result: { issued: 2 } });
    expect(await db().allocation.count({ where: { programmeId: programme.id } })).toBe(4);
    await expectLedgerOk(council.id);
  });
});
