// "Run settlement now": a finance officer asks the worker to pay providers at once instead of waiting for the
// schedule; only what has passed its dispute window is taken, and asking twice opens one run.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { chargePass } from "~/domain/booking";
import { createDuePayoutRuns, createPayoutRun } from "~/domain/settlement";
import { getDb } from "~/lib/db.server";
import { getQueue } from "~/lib/queues.server";
import { action as payoutsAction } from "~/routes/council.payouts._index";
import { processJob } from "../../workers/settlement";
import { doorActor } from "../factories";
import { expectLedgerOk } from "../helpers";
import { fakeStripe } from "../mocks/stripe";
import { createMember, formRequest, redirectLocation, routeArgs, signIn, statusOf, thrownBy } from "../support/actors";
import { fakeJob, useWorkerTestEnvironment } from "../support/workers";
import { payableScene, useStripeKeys } from "./support";

const db = () => getDb();
const DAY = 24 * 60 * 60 * 1000;

useWorkerTestEnvironment();
useStripeKeys();

/** A council that has had this period's scheduled run, then two more uses at the till: one past its dispute window, one not. */
async function councilAfterTheScheduledRun() {
  const scene = await payableScene([{ charges: [700], paidBy: "stripe" }, { charges: [300], paidBy: "bank" }]);
  const scheduled = await createPayoutRun(db(), { councilId: scene.council.id, stripeAvailable: true });
  const charge = (index: number, amountPence: number) =>
    chargePass(db(), {
      passCode: scene.youngPerson.passCode,
      providerId: scene.providers[index]!.provider.id,
      activityId: scene.providers[index]!.activity.id,
      amountPence,
      requestKey: randomUUID(),
      actor: doorActor(),
      now: new Date(Date.now() - 60_000),
    });
  const due = await charge(0, 450);
  const inWindow = await charge(1, 250);
  // Disputes can still be raised about this one until tomorrow.
  await db().redemption.update({ where: { id: inWindow.redemptionId }, data: { payableAt: new Date(Date.now() + DAY) } });
  return { scene, scheduled: scheduled!, due, inWindow };
}

describe("running settlement now", () => {
  it("opens a run at once with only what has passed the dispute window, even when the schedule has run this period", async () => {
    const { scene, scheduled, due, inWindow } = await councilAfterTheScheduledRun();
    // The schedule will not open a second run this period...
    expect((await createDuePayoutRuns(db(), { now: new Date(), stripeAvailable: true })).created.filter((r) => r.councilId === scene.council.id)).toEqual([]);

    // ...but a finance officer's request does.
    const result = (await processJob(fakeJob({ task: "settle-council-now", councilId: scene.council.id }))) as { madePayable: number; run: { runId: string } | null };
    expect(result.madePayable).toBeGreaterThanOrEqual(1);
    const run = await db().payoutRun.findUniqueOrThrow({ where: { id: result.run!.runId }, include: { payouts: { include: { redemptions: true } } } });
    expect(run.id).not.toBe(scheduled.id);
    expect(run.payouts).toHaveLength(1);
    expect(run.payouts[0]).toMatchObject({ method: "STRIPE_TRANSFER", amountPence: 450 });
    expect(run.payouts[0]!.redemptions.map((r) => r.id)).toEqual([due.redemptionId]);
    expect(await db().redemption.findUniqueOrThrow({ where: { id: inWindow.redemptionId } })).toMatchObject({ status: "PENDING", payoutId: null });
    await expectLedgerOk(scene.council.id);
  });

  it("opens one run and pays each Stripe payout once when asked twice", async () => {
    const { scene } = await councilAfterTheScheduledRun();
    await processJob(fakeJob({ task: "settle-council-now", councilId: scene.council.id }));
    const second = (await processJob(fakeJob({ task: "settle-council-now", councilId: scene.council.id }))) as { run: unknown };
    expect(second.run).toBeNull();
    expect(await db().payoutRun.count({ where: { councilId: scene.council.id } })).toBe(2);

    await processJob(fakeJob({ task: "pay-due-payouts" }));
    await processJob(fakeJob({ task: "pay-due-payouts" }));
    const payouts = await db().payout.findMany({ where: { councilId: scene.council.id, method: "STRIPE_TRANSFER" } });
    for (const payout of payouts) {
      expect(payout.status).toBe("PAID");
      expect(fakeStripe.transfers.filter((t) => t.metadata.payout_id === payout.id)).toHaveLength(1);
    }
    await expectLedgerOk(scene.council.id);
  });

  it("is a finance officer's button: an officer is refused, a finance officer's request reaches the worker's queue", async () => {
    const { scene } = await councilAfterTheScheduledRun();
    const officer = await createMember("OFFICER", { councilId: scene.council.id });
    const refused = await thrownBy(payoutsAction(routeArgs(formRequest("/council/payouts", { intent: "settle-now" }, { cookie: await signIn(officer.id) }))));
    expect(statusOf(refused)).toBe(403);

    const finance = await createMember("FINANCE_OFFICER", { councilId: scene.council.id });
    const started = await payoutsAction(routeArgs(formRequest("/council/payouts", { intent: "settle-now" }, { cookie: await signIn(finance.id) })));
    expect(redirectLocation(started)).toBe("/council/payouts?done=settle-now");
    const queued = await getQueue("settlement").getJobs(["waiting", "prioritized", "delayed"]);
    expect(queued.map((job) => job.data)).toContainEqual({ task: "settle-council-now", councilId: scene.council.id });
  });
});
