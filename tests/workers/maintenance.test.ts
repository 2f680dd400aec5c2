import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { getDb } from "~/lib/db.server";
import { getQueue } from "~/lib/queues.server";
import { createRedis, evictionPolicyProblem } from "~/lib/redis.server";
import { fakeJob, useWorkerTestEnvironment } from "../support/workers";
import { processJob as runMaintenance } from "../../workers/maintenance";
import { processJob as runNotification } from "../../workers/notifications";
import { createProgramme, createYoungPerson, uniqueSuffix } from "../factories";
import { createUser } from "../support/actors";
import { startThrowawayRedis } from "../support/redis-server";

const db = () => getDb();
const SECOND = 1_000;


async function pendingMessage(createdAt = new Date()) {
  return db().message.create({
    data: { channel: "EMAIL", recipient: `someone-${uniqueSuffix()}@example.test`, template: "test", subject: "Hello", body: "A test message.", createdAt },
  });
}

const notificationJob = (messageId: string) => getQueue("notifications").getJob(`message-${messageId}`);

useWorkerTestEnvironment();

describe('maintenance "sweep-outbox"', () => {
  it("puts PENDING messages older than 30 s on the notifications queue, and leaves newer ones", async () => {
    const stuck = await pendingMessage(new Date(Date.now() - 31 * SECOND));
    const fresh = await pendingMessage(new Date(Date.now() - 20 * SECOND));

    const result = (await runMaintenance(fakeJob({ task: "sweep-outbox" }))) as { requeued: number };
    expect(result.requeued).toBeGreaterThanOrEqual(1);

    const job = await notificationJob(stuck.id);
    expect(job?.name).toBe("notifications");
    expect(job?.data).toEqual({ messageId: stuck.id });
    expect(job?.opts.attempts).toBeGreaterThan(1);
    expect(await notificationJob(fresh.id)).toBeUndefined();
  });

  it("leaves messages that are no longer PENDING alone", async () => {
    const old = new Date(Date.now() - 10 * 60 * SECOND);
    const sent = await db().message.update({ where: { id: (await pendingMessage(old)).id }, data: { status: "SENT" } });
    const failed = await db().message.update({ where: { id: (await pendingMessage(old)).id }, data: { status: "FAILED" } });
    await runMaintenance(fakeJob({ task: "sweep-outbox" }));
    expect(await notificationJob(sent.id)).toBeUndefined();
    expect(await notificationJob(failed.id)).toBeUndefined();
  });

  it("sweeping twice queues a message once (the job id is the message's)", async () => {
    const stuck = await pendingMessage(new Date(Date.now() - 5 * 60 * SECOND));
    await runMaintenance(fakeJob({ task: "sweep-outbox" }));
    await runMaintenance(fakeJob({ task: "sweep-outbox" }));
    const jobs = await getQueue("notifications").getJobs(["waiting", "delayed", "active", "prioritized"]);
    expect(jobs.filter((j) => (j.data as { messageId?: string }).messageId === stuck.id)).toHaveLength(1);
  });
});

describe('maintenance "verify-ledgers"', () => {
  it("reports every council and none broken when the ledgers add up", async () => {
    const programme = await createProgramme({ fundedPence: 40_000 });
    await createYoungPerson({ programmeId: programme.id, allocationPence: 3_000 });
    await createProgramme({ fundedPence: 12_345 });

    const result = await runMaintenance(fakeJob({ task: "verify-ledgers" }));
    expect(result).toEqual({ councils: await db().council.count(), broken: 0 });
  });

  it('records an AuditEvent "ledger.invariant_violated" for a council whose balance was tampered with', async () => {
    const tampered = await createProgramme({ fundedPence: 40_000 });
    const untouched = await createProgramme({ fundedPence: 40_000 });
    const budget = await db().account.findFirstOrThrow({ where: { programmeId: tampered.id, type: "PROGRAMME_BUDGET" }, select: { id: true } });

    // Behind the ledger's back, as a bad migration or a hand-edit would.
    await db().$executeRaw`UPDATE "Account" SET "balancePence" = "balancePence" + 1 WHERE id = ${budget.id}::uuid`;
    try {
      const result = await runMaintenance(fakeJob({ task: "verify-ledgers" }));
      expect(result).toEqual({ councils: await db().council.count(), broken: 1 });

      const events = await db().auditEvent.findMany({ where: { action: "ledger.invariant_violated" } });
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({ councilId: tampered.councilId, entityType: "Council", entityId: tampered.councilId, actorUserId: null });
      const data = events[0]!.data as { violations: number; first: string | null };
      expect(data.violations).toBeGreaterThanOrEqual(1);
      expect(data.first).toContain(budget.id);
      expect(await db().auditEvent.count({ where: { action: "ledger.invariant_violated", councilId: untouched.councilId } })).toBe(0);
    } finally {
      await db().$executeRaw`UPDATE "Account" SET "balancePence" = "balancePence" - 1 WHERE id = ${budget.id}::uuid`;
    }
    expect(await runMaintenance(fakeJob({ task: "verify-ledgers" }))).toMatchObject({ broken: 0 });
  });
});

describe('maintenance "expire-sessions"', () => {
  it("deletes expired sessions and day-old codes, and keeps live ones", async () => {
    const user = await createUser();
    const now = Date.now();
    await db().session.createMany({
      data: [
        { id: `expired-${uniqueSuffix()}`, userId: user.id, expiresAt: new Date(now - SECOND) },
        { id: `live-${uniqueSuffix()}`, userId: user.id, expiresAt: new Date(now + 60 * 60 * SECOND) },
      ],
    });
    const target = `codes-${uniqueSuffix()}@example.test`;
    await db().verification.createMany({
      data: [
        { purpose: "SIGN_IN", target, codeHash: "a".repeat(64), expiresAt: new Date(now - 25 * 60 * 60 * SECOND) },
        { purpose: "SIGN_IN", target, codeHash: "b".repeat(64), expiresAt: new Date(now - 60 * SECOND) },
      ],
    });
    await runMaintenance(fakeJob({ task: "expire-sessions" }));
    expect((await db().session.findMany({ where: { userId: user.id } })).map((s) => s.id.split("-")[0])).toEqual(["live"]);
    expect(await db().verification.count({ where: { target } })).toBe(1);
  });
});

describe("job payloads", () => {
  it.each([
    ["an unknown task", { task: "drop-everything" }],
    ["no task", {}],
    ["no payload", null],
    ["a task of the wrong type", { task: 42 }],
  ])("maintenance refuses %s with a Zod error", async (_what, data) => {
    await expect(runMaintenance(fakeJob(data))).rejects.toBeInstanceOf(z.ZodError);
  });

  it.each([
    ["a message id that is not a UUID", { messageId: "message-1" }],
    ["no message id", {}],
  ])("notifications refuses %s with a Zod error", async (_what, data) => {
    await expect(runNotification(fakeJob(data))).rejects.toBeInstanceOf(z.ZodError);
  });
});

describe("notifications without a Notify key", () => {
  it("keeps the message for the outbox page (OUTBOX) instead of sending it", async () => {
    const message = await pendingMessage();
    await expect(runNotification(fakeJob({ messageId: message.id }))).resolves.toBe("OUTBOX");
    expect(await db().message.findUniqueOrThrow({ where: { id: message.id } })).toMatchObject({ status: "OUTBOX", body: "A test message.", notifyId: null });
    // A second delivery of the same job (BullMQ is at least once) changes nothing.
    await expect(runNotification(fakeJob({ messageId: message.id }))).resolves.toBe("ALREADY_DONE");
  });
});

describe("evictionPolicyProblem", () => {
  it("names the policy and the fix when Redis may evict keys, and is null once it is noeviction", async () => {
    const throwaway = await startThrowawayRedis(["--maxmemory-policy", "allkeys-lru"]);
    const redis = new Redis(throwaway.url, { lazyConnect: true, maxRetriesPerRequest: 1 });
    try {
      await redis.connect();
      const problem = await evictionPolicyProblem(redis);
      expect(problem).toContain('"allkeys-lru"');
      expect(problem).toContain("redis-cli config set maxmemory-policy noeviction");

      await redis.config("SET", "maxmemory-policy", "volatile-ttl");
      expect(await evictionPolicyProblem(redis)).toContain('"volatile-ttl"');

      await redis.config("SET", "maxmemory-policy", "noeviction");
      expect(await evictionPolicyProblem(redis)).toBeNull();
    } finally {
      redis.disconnect();
      await throwaway.stop();
    }
  });

  it("is null for the main Redis the workers use", async () => {
    const redis = createRedis("worker");
    try {
      expect(await evictionPolicyProblem(redis)).toBeNull();
    } finally {
      redis.disconnect();
    }
  });
});
