// The queue dashboard (platform admins) and failed background work (council officers, their own council only).
import { UnrecoverableError, Worker } from "bullmq";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { getEnv } from "~/lib/env.server";
import { getQueue } from "~/lib/queues.server";
import { createRedis } from "~/lib/redis.server";
import { createPayoutRun } from "~/domain/settlement";
import { action as queuesAction, loader as queuesLoader } from "~/routes/admin.queues";
import { loader as failedJobsLoader } from "~/routes/council.failed-jobs";
import { createCouncil } from "../factories";
import { createMember, createUser, formRequest, getRequest, redirectLocation, routeArgs, signIn, statusOf, thrownBy, unwrap } from "../support/actors";
import { useWorkerTestEnvironment } from "../support/workers";
import { payableScene } from "./support";

const db = () => getDb();

useWorkerTestEnvironment();

/** A settlement job for the payout that fails for good, through a real BullMQ worker. */
async function failedPayoutJob(payoutId: string, reason: string) {
  const queue = getQueue("settlement");
  const jobId = `pay-payout-${payoutId}`;
  await queue.add("settlement", { task: "pay-payout", payoutId }, { jobId, attempts: 1 });
  const connection = createRedis("worker");
  const worker = new Worker("settlement", async () => {
    throw new UnrecoverableError(reason);
  }, { connection, prefix: getEnv().REDIS_PREFIX, autorun: false });
  const failed = new Promise<void>((resolve) => worker.on("failed", (job) => job?.id === jobId && resolve()));
  void worker.run();
  await failed;
  await worker.close();
  await connection.quit();
  return jobId;
}

describe("the queue dashboard", () => {
  it("shows platform admins each queue's counts and the failed jobs with their reasons, and retries one", async () => {
    const scene = await payableScene([{ charges: [500], paidBy: "stripe" }]);
    const run = await createPayoutRun(db(), { councilId: scene.council.id, stripeAvailable: true });
    const jobId = await failedPayoutJob(run!.payouts[0]!.id, "Stripe refused the transfer: test reason");

    const admin = await createUser({ displayName: "Ada Admin" });
    await db().user.update({ where: { id: admin.id }, data: { isPlatformAdmin: true } });
    const cookie = await signIn(admin.id);
    const page = unwrap<Awaited<ReturnType<typeof queuesLoader>>>(await queuesLoader(routeArgs(getRequest("/admin/queues?queue=settlement", cookie)))).data;
    expect(page.counts.map((c) => c.queue)).toEqual(expect.arrayContaining(["notifications", "settlement", "reconciliation"]));
    expect(page.counts.find((c) => c.queue === "settlement")!.failed).toBeGreaterThanOrEqual(1);
    expect(page.failed).toEqual(expect.arrayContaining([expect.objectContaining({ id: jobId, failedReason: "Stripe refused the transfer: test reason", attemptsMade: 1 })]));

    const thrown = await queuesAction(routeArgs(formRequest("/admin/queues", { intent: "retry", queue: "settlement", jobId }, { cookie })));
    expect(redirectLocation(thrown)).toBe(`/admin/queues?queue=settlement&retried=${jobId}`);
    expect(await (await getQueue("settlement").getJob(jobId))!.getState()).toMatch(/waiting|prioritized|active/);
    // Not failed any more: retrying it again is refused with a reason.
    const again = unwrap<{ error: string }>(await queuesAction(routeArgs(formRequest("/admin/queues", { intent: "retry", queue: "settlement", jobId }, { cookie }))));
    expect(again.status).toBe(400);
    expect(again.data.error).toMatch(/not failed/);
    await getQueue("settlement").remove(jobId);
  });

  it("is only for platform admins", async () => {
    const council = await createCouncil();
    const officer = await createMember("FINANCE_OFFICER", { councilId: council.id });
    expect(statusOf(await thrownBy(queuesLoader(routeArgs(getRequest("/admin/queues", await signIn(officer.id))))))).toBe(403);
    expect(redirectLocation(await thrownBy(queuesLoader(routeArgs(getRequest("/admin/queues")))))).toMatch(/^\/login/);
  });
});

describe("failed background work for officers", () => {
  it("shows an officer their own council's failed jobs with the reason, and none of another council's", async () => {
    const scene = await payableScene([{ charges: [500], paidBy: "stripe", name: "Failing Swim Club" }]);
    const run = await createPayoutRun(db(), { councilId: scene.council.id, stripeAvailable: true });
    const jobId = await failedPayoutJob(run!.payouts[0]!.id, "The platform's Stripe balance is too low");

    const officer = await createMember("OFFICER", { councilId: scene.council.id });
    const mine = unwrap<Awaited<ReturnType<typeof failedJobsLoader>>>(await failedJobsLoader(routeArgs(getRequest("/council/failed-jobs", await signIn(officer.id))))).data;
    expect(mine.jobs).toEqual([expect.objectContaining({ id: jobId, what: "Paying Failing Swim Club by Stripe", failedReason: "The platform's Stripe balance is too low", link: `/council/payouts/${run!.id}` })]);

    const other = await createCouncil();
    const stranger = await createMember("OFFICER", { councilId: other.id });
    const theirs = unwrap<Awaited<ReturnType<typeof failedJobsLoader>>>(await failedJobsLoader(routeArgs(getRequest("/council/failed-jobs", await signIn(stranger.id))))).data;
    expect(theirs.jobs).toEqual([]);
    await getQueue("settlement").remove(jobId);
  });
});
