// GOV.UK Notify down (500s, 429s, timeouts, answers lost after it accepted) and then back: every outbox message
// reaches Notify exactly once, through the real notifications queue and the outbox sweeper.
import { Worker } from "bullmq";
import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { getEnv } from "~/lib/env.server";
import { closeQueues, getQueue } from "~/lib/queues.server";
import { closeRedis, createRedis } from "~/lib/redis.server";
import { deliverMessage } from "~/domain/notifications/send";
import { processJob as runNotification } from "../../workers/notifications";
import { processJob as runMaintenance } from "../../workers/maintenance";
import { failNextNotify, notifySent } from "../mocks/notify";
import { fakeJob } from "../support/workers";
import { pendingTexts, waitFor } from "./support";
import { useNotifyKeys } from "../support/notify-keys";

const db = () => getDb();
useNotifyKeys();

let worker: Worker | undefined;
afterAll(async () => {
  await worker?.close();
  await closeQueues();
  await closeRedis();
});

/** Each message's Notify sends, by our reference. */
async function sendsPerMessage(ids: string[]) {
  return ids.map((id) => notifySent.filter((n) => n.reference === id).length);
}

async function statuses(ids: string[]) {
  const rows = await db().message.findMany({ where: { id: { in: ids } }, select: { status: true } });
  return rows.map((r) => r.status);
}

describe("Notify down, then back", () => {
  it("through the queue: 500s, 429s and lost answers end with every message sent exactly once", async () => {
    const ids = await pendingTexts(6);
    // Notify is down for a while: errors, rate limits, and two messages it accepted but whose answer never came.
    failNextNotify(500, 500, 429, "lost", 503, 429, 500, "lost", 502);
    worker = new Worker("notifications", runNotification, { connection: createRedis("worker"), prefix: getEnv().REDIS_PREFIX, concurrency: 3 });
    for (const id of ids) {
      await getQueue("notifications").add("notifications", { messageId: id }, { jobId: `message-${id}`, attempts: 10, backoff: { type: "fixed", delay: 50 } });
    }

    await waitFor("every message SENT", async () => (await statuses(ids)).every((s) => s === "SENT"));
    expect(await sendsPerMessage(ids)).toEqual(ids.map(() => 1));
    const rows = await db().message.findMany({ where: { id: { in: ids } } });
    for (const row of rows) expect(row.notifyId).toBe(notifySent.find((n) => n.reference === row.id)!.id);
  });

  it("down for longer than a job's attempts: the outbox sweeper sends it once Notify is back", async () => {
    const [id] = await pendingTexts(1);
    failNextNotify(500, 500, 500);
    worker ??= new Worker("notifications", runNotification, { connection: createRedis("worker"), prefix: getEnv().REDIS_PREFIX });
    await getQueue("notifications").add("notifications", { messageId: id! }, { jobId: `message-${id}`, attempts: 2, backoff: { type: "fixed", delay: 50 } });
    const job = await waitFor("the job to fail for good", async () => {
      const found = await getQueue("notifications").getJob(`message-${id}`);
      return found && (await found.isFailed()) ? found : null;
    });
    expect(job.attemptsMade).toBe(2);
    expect(await statuses([id!])).toEqual(["PENDING"]);

    // Notify is back; the sweeper's run re-sends what is still PENDING, even though a failed job holds its id.
    await runMaintenance(fakeJob({ task: "sweep-outbox" }), "");
    await waitFor("the message SENT", async () => (await statuses([id!]))[0] === "SENT");
    expect(await sendsPerMessage([id!])).toEqual([1]);
  });

  it("a send that times out is looked up by reference on retry, not sent again", async () => {
    const [slow, failing] = await pendingTexts(2);
    failNextNotify("slow");
    await expect(deliverMessage(db(), slow!, { timeoutMs: 200 })).rejects.toThrow(/did not answer within 200 ms/);
    await waitFor("Notify to have the slow message", async () => notifySent.some((n) => n.reference === slow));
    expect(await deliverMessage(db(), slow!, { timeoutMs: 200 })).toBe("SENT");
    expect(await sendsPerMessage([slow!])).toEqual([1]);

    // A 500 after a timed-out lookup that found nothing: the next try sends it, once.
    failNextNotify(500);
    await expect(deliverMessage(db(), failing!)).rejects.toThrow();
    expect(await deliverMessage(db(), failing!)).toBe("SENT");
    expect(await deliverMessage(db(), failing!)).toBe("ALREADY_DONE");
    expect(await sendsPerMessage([failing!])).toEqual([1]);
  });
});
