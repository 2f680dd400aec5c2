// Sweepers re-add work the database says is still due. BullMQ keeps a job that failed for good for weeks under
// its id (removeOnFail), and a plain add under a kept id is a no-op, so each sweeper must retry that job instead:
// the attendance, Stripe-event, payout and council-job sweepers, each past a kept failed job of its own.
import { Worker } from "bullmq";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { getEnv } from "~/lib/env.server";
import { getQueue, requeue, type Payload, type QueueName } from "~/lib/queues.server";
import { createRedis } from "~/lib/redis.server";
import { startIssueAll } from "~/domain/programmes";
import { submitAttendanceReport } from "~/domain/reconciliation";
import { processJob as runAttendance } from "../../workers/attendance";
import { processJob as runSettlement, payPayoutJobId, stripeEventJobId } from "../../workers/settlement";
import { processJob as runCouncilJobs, councilJobId } from "../../workers/council-jobs";
import { stripeEventFor } from "../mocks/stripe";
import { createCouncil, createProgramme, createYoungPerson } from "../factories";
import { fakeJob, useWorkerTestEnvironment } from "../support/workers";
import { payableScene, useStripeKeys } from "../settlement/support";
import { waitFor } from "../faults/support";

const db = () => getDb();
const MINUTE = 60_000;

useWorkerTestEnvironment();
useStripeKeys();

/** Adds the job under its id and lets a worker fail it on its only attempt: BullMQ keeps it, failed, under that id. */
async function failForGood<Q extends QueueName>(name: Q, jobId: string, data: Payload<Q>) {
  const queue = getQueue(name);
  await queue.add(name, data, { jobId, attempts: 1 });
  const connection = createRedis("worker");
  const worker = new Worker(
    queue.name,
    async (job) => {
      if (job.id === jobId) throw new Error("failed for good in this test");
    },
    { connection, prefix: getEnv().REDIS_PREFIX },
  );
  try {
    await waitFor(`job ${jobId} failed`, async () => (await (await queue.getJob(jobId))?.getState()) === "failed", 20_000);
  } finally {
    await worker.close();
    await connection.quit();
  }
  // What the sweepers did before: add under the same id. It changes nothing.
  await queue.add(name, data, { jobId });
  expect(await (await queue.getJob(jobId))!.getState()).toBe("failed");
}

/** The kept job is back in the queue to run again, with its attempts counted from zero. */
async function expectQueuedAgain(name: QueueName, jobId: string, data: unknown) {
  const job = (await getQueue(name).getJob(jobId))!;
  expect(await job.getState()).toBe("waiting");
  expect(job.data).toEqual(data);
  expect(job.attemptsMade).toBe(0);
}

describe("sweepers re-add past a kept failed job with the same id", () => {
  it("attendance: a report still RECEIVED whose job failed for good is queued again", async () => {
    const scene = await payableScene([{ charges: [500], paidBy: "bank" }]);
    const { reportId } = await submitAttendanceReport(db(), {
      providerId: scene.providers[0]!.provider.id,
      source: "CSV",
      reference: "kept-failed.csv",
      rows: [{ line: 2, code: "NOSUCHCODE", attended: true }],
      submittedByUserId: null,
    });
    await db().attendanceReport.update({ where: { id: reportId }, data: { createdAt: new Date(Date.now() - 10 * MINUTE) } });
    const data = { task: "process-report" as const, reportId };
    await failForGood("attendance", `attendance-report-${reportId}`, data);

    await runAttendance(fakeJob({ task: "sweep-received" }));
    await expectQueuedAgain("attendance", `attendance-report-${reportId}`, data);
    // A second sweep finds it waiting and leaves it as it is: one job.
    await runAttendance(fakeJob({ task: "sweep-received" }));
    await expectQueuedAgain("attendance", `attendance-report-${reportId}`, data);
  });

  it("Stripe events: an event never processed whose job failed for good is queued again", async () => {
    const scene = await payableScene([{ charges: [600], paidBy: "stripe-not-ready" }]);
    const accountId = scene.providers[0]!.stripeAccountId!;
    const event = stripeEventFor("account.updated", { id: accountId, object: "account" }, { account: accountId });
    await db().stripeEvent.create({ data: { id: event.id, type: event.type, objectId: accountId, receivedAt: new Date(Date.now() - 10 * MINUTE) } });
    const data = { task: "process-stripe-event" as const, eventId: event.id };
    await failForGood("settlement", stripeEventJobId(event.id), data);

    await runSettlement(fakeJob({ task: "sweep-stripe-events" }));
    await expectQueuedAgain("settlement", stripeEventJobId(event.id), data);
  });

  it("payouts: a due Stripe payout whose job failed for good is queued again when runs are made", async () => {
    const scene = await payableScene([{ charges: [700], paidBy: "stripe" }]);
    await runSettlement(fakeJob({ task: "create-payout-runs" }));
    const payout = await db().payout.findFirstOrThrow({ where: { councilId: scene.council.id, method: "STRIPE_TRANSFER" } });
    const data = { task: "pay-payout" as const, payoutId: payout.id };
    // The first add made by create-payout-runs is gone (Redis lost it): the job now kept is a failed one.
    await (await getQueue("settlement").getJob(payPayoutJobId(payout.id)))?.remove();
    await failForGood("settlement", payPayoutJobId(payout.id), data);

    await runSettlement(fakeJob({ task: "create-payout-runs" }));
    await expectQueuedAgain("settlement", payPayoutJobId(payout.id), data);
  });

  it("council jobs: a QUEUED job whose queue job failed for good is queued again", async () => {
    const council = await createCouncil();
    const programme = await createProgramme({ councilId: council.id, fundedPence: 10_000, baseAllocationPence: 1_000 });
    await createYoungPerson({ councilId: council.id, withAllocation: false });
    const job = await startIssueAll(db(), { councilId: council.id }, programme.id);
    await db().backgroundJob.update({ where: { id: job.id }, data: { createdAt: new Date(Date.now() - 5 * MINUTE) } });
    const data = { task: "run" as const, backgroundJobId: job.id };
    await failForGood("council-jobs", councilJobId(job.id), data);

    await runCouncilJobs(fakeJob({ task: "resend-queued" }), "");
    await expectQueuedAgain("council-jobs", councilJobId(job.id), data);
  });

  it("two sweeps racing over one kept failed job queue it once, and neither fails", async () => {
    const council = await createCouncil();
    const programme = await createProgramme({ councilId: council.id, fundedPence: 10_000, baseAllocationPence: 1_000 });
    const job = await startIssueAll(db(), { councilId: council.id }, programme.id);
    const data = { task: "run" as const, backgroundJobId: job.id };
    await failForGood("council-jobs", councilJobId(job.id), data);

    await Promise.all([requeue("council-jobs", councilJobId(job.id), data), requeue("council-jobs", councilJobId(job.id), data)]);
    await expectQueuedAgain("council-jobs", councilJobId(job.id), data);
    expect((await getQueue("council-jobs").getWaiting()).filter((j) => j.id === councilJobId(job.id))).toHaveLength(1);
  });
});
