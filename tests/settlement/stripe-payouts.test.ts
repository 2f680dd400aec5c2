// Stripe Connect payouts: exactly one transfer per payout whatever Stripe answers, with retries and parking.
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import {
  ATTEMPT_LEASE_MS,
  createPayoutRun,
  MAX_STRIPE_ATTEMPTS,
  payPayoutByStripe,
  retryParkedPayout,
  stripeIdempotencyKey,
  syncStripeAccount,
} from "~/domain/settlement";
import { processJob } from "../../workers/settlement";
import { fakeStripe, failNextStripeTransfer, setRecipientTransfers, setStripeAvailableBalance } from "../mocks/stripe";
import { councilBalance, expectLedgerOk } from "../helpers";
import { fakeJob, useWorkerTestEnvironment } from "../support/workers";
import { createMember } from "../support/actors";
import { payableScene, stripe, useStripeKeys } from "./support";

const db = () => getDb();
const HOUR = 60 * 60 * 1000;

useWorkerTestEnvironment();
useStripeKeys();

/** One approved run with one Stripe payout of `pence` to a provider who can receive transfers. */
async function stripePayout(pence = 1_500, paidBy: "stripe" | "stripe-not-ready" = "stripe") {
  const scene = await payableScene([{ charges: [pence], paidBy }]);
  const run = await createPayoutRun(db(), { councilId: scene.council.id, stripeAvailable: true });
  const payout = run!.payouts[0]!;
  expect(payout.method).toBe("STRIPE_TRANSFER");
  return { scene, run: run!, payout, accountId: scene.providers[0]!.stripeAccountId! };
}

const transfersFor = (payoutId: string) => fakeStripe.transfers.filter((t) => t.metadata.payout_id === payoutId);
const payoutRow = (id: string) => db().payout.findUniqueOrThrow({ where: { id } });
/** The next attempt's moment: after the backoff (or lease) the payout asked for. */
async function whenDue(id: string) {
  const row = await payoutRow(id);
  return new Date((row.nextAttemptAt ?? new Date()).getTime() + 1);
}

describe("a Stripe payout", () => {
  it("is one transfer to the provider's connected account, in the run's transfer group, keyed by the payout", async () => {
    const { scene, run, payout, accountId } = await stripePayout(1_500);
    const result = await payPayoutByStripe(db(), stripe(), { payoutId: payout.id });
    expect(result).toMatchObject({ outcome: "paid", replayed: false });
    expect(transfersFor(payout.id)).toEqual([
      expect.objectContaining({ amount: 1_500, currency: "gbp", destination: accountId, transfer_group: run.transferGroup, metadata: expect.objectContaining({ payout_id: payout.id }) }),
    ]);
    expect(fakeStripe.requests.find((r) => r.path === "/v1/transfers")?.idempotencyKey).toBe(`payout:${payout.id}`);
    expect(await payoutRow(payout.id)).toMatchObject({ status: "PAID", stripeTransferId: transfersFor(payout.id)[0]!.id, attempts: 1 });
    expect(await councilBalance(scene.council.id, "PAID_OUT")).toBe(1_500);
    // Paying it again is a no-op: no second call to Stripe.
    expect(await payPayoutByStripe(db(), stripe(), { payoutId: payout.id })).toEqual({ outcome: "already-paid" });
    expect(fakeStripe.requests.filter((r) => r.path === "/v1/transfers" && r.method === "POST")).toHaveLength(1);
    await expectLedgerOk(scene.council.id);
  });

  it("after a 500 (which Stripe stores under the key) looks for a transfer, finds none, and pays once under a new key", async () => {
    const { payout } = await stripePayout();
    failNextStripeTransfer({ kind: "error", status: 500 });
    const first = await payPayoutByStripe(db(), stripe(), { payoutId: payout.id });
    expect(first).toMatchObject({ outcome: "retry" });
    expect((await payoutRow(payout.id)).status).toBe("PENDING");

    const second = await payPayoutByStripe(db(), stripe(), { payoutId: payout.id, now: await whenDue(payout.id) });
    expect(second).toMatchObject({ outcome: "paid" });
    expect(transfersFor(payout.id)).toHaveLength(1);
    expect((await payoutRow(payout.id)).idempotencyKey).toBe(stripeIdempotencyKey(payout.id, 1));
    // The listing came before the second POST.
    const calls = fakeStripe.requests.map((r) => `${r.method} ${r.path}`);
    expect(calls).toEqual(["POST /v1/transfers", "GET /v1/transfers", "POST /v1/transfers"]);
  });

  it("after a timeout retries with the same key and gets exactly one transfer", async () => {
    const { payout } = await stripePayout();
    failNextStripeTransfer({ kind: "network-error" });
    expect(await payPayoutByStripe(db(), stripe(), { payoutId: payout.id })).toMatchObject({ outcome: "retry" });
    expect(await payPayoutByStripe(db(), stripe(), { payoutId: payout.id, now: await whenDue(payout.id) })).toMatchObject({ outcome: "paid" });
    expect(transfersFor(payout.id)).toHaveLength(1);
    const keys = fakeStripe.requests.filter((r) => r.method === "POST").map((r) => r.idempotencyKey);
    expect(keys).toEqual([`payout:${payout.id}`, `payout:${payout.id}`]);
  });

  it("when Stripe made the transfer but the answer was lost, records that one transfer and makes no other", async () => {
    const { payout } = await stripePayout();
    failNextStripeTransfer({ kind: "lose-response" });
    expect(await payPayoutByStripe(db(), stripe(), { payoutId: payout.id })).toMatchObject({ outcome: "retry" });
    expect(fakeStripe.transfers).toHaveLength(1);
    const result = await payPayoutByStripe(db(), stripe(), { payoutId: payout.id, now: await whenDue(payout.id) });
    expect(result).toMatchObject({ outcome: "paid", transferId: fakeStripe.transfers[0]!.id, replayed: true });
    expect(transfersFor(payout.id)).toHaveLength(1);
  });

  it("on a 429 backs off without using up an attempt, then pays once", async () => {
    const { payout } = await stripePayout();
    failNextStripeTransfer({ kind: "error", status: 429 }, { kind: "error", status: 429 });
    expect(await payPayoutByStripe(db(), stripe(), { payoutId: payout.id })).toMatchObject({ outcome: "retry" });
    expect((await payoutRow(payout.id)).attempts).toBe(0);
    expect(await payPayoutByStripe(db(), stripe(), { payoutId: payout.id, now: await whenDue(payout.id) })).toMatchObject({ outcome: "retry" });
    expect((await payoutRow(payout.id)).attempts).toBe(0);
    expect(await payPayoutByStripe(db(), stripe(), { payoutId: payout.id, now: await whenDue(payout.id) })).toMatchObject({ outcome: "paid" });
    expect(transfersFor(payout.id)).toHaveLength(1);
  });

  it("backs off exponentially and parks with the last reason after the last attempt", async () => {
    const { payout } = await stripePayout();
    const gaps: number[] = [];
    let now = new Date();
    for (let i = 0; i < MAX_STRIPE_ATTEMPTS; i++) {
      failNextStripeTransfer({ kind: "network-error" });
      const result = await payPayoutByStripe(db(), stripe(), { payoutId: payout.id, now });
      if (i < MAX_STRIPE_ATTEMPTS - 1) {
        expect(result).toMatchObject({ outcome: "retry" });
        const next = await whenDue(payout.id);
        gaps.push(next.getTime() - now.getTime());
        now = next;
      } else {
        expect(result).toMatchObject({ outcome: "parked" });
      }
    }
    for (let i = 1; i < gaps.length; i++) expect(gaps[i]!).toBeGreaterThanOrEqual(gaps[i - 1]!);
    expect(gaps[1]! / gaps[0]!).toBeCloseTo(2, 1);
    const parked = await payoutRow(payout.id);
    expect(parked.status).toBe("PARKED");
    expect(parked.failureReason).toMatch(/Gave up after 8 attempts.*No answer from Stripe/);
    expect(fakeStripe.transfers).toHaveLength(0);
  });

  it("parks on insufficient platform balance, and after a top-up and a retry is paid exactly once", async () => {
    const { scene, payout } = await stripePayout(5_000);
    await createMember("FINANCE_OFFICER", { councilId: scene.council.id }, { email: `finance-${payout.id}@example.test` });
    setStripeAvailableBalance(1_000);
    const result = await payPayoutByStripe(db(), stripe(), { payoutId: payout.id });
    expect(result).toMatchObject({ outcome: "parked", reason: expect.stringMatching(/balance is too low/) });
    // The finance officer is told why, through the outbox.
    const told = await db().message.findMany({ where: { recipient: `finance-${payout.id}@example.test` } });
    expect(told).toEqual([expect.objectContaining({ template: "payout-parked", subject: expect.stringContaining("needs you"), body: expect.stringMatching(/£50\.00[\s\S]*balance is too low/) })]);
    expect(told[0]!.body).not.toContain("[new key]");
    // Parked payouts are not tried again by themselves.
    expect(await payPayoutByStripe(db(), stripe(), { payoutId: payout.id, now: new Date(Date.now() + 24 * HOUR) })).toMatchObject({ outcome: "parked" });

    setStripeAvailableBalance(100_000);
    const finance = await db().user.create({ data: { displayName: "Fran", email: `fran-${payout.id}@example.test` } });
    expect(await retryParkedPayout(db(), { councilId: scene.council.id, payoutId: payout.id, actorUserId: finance.id })).toEqual({ changed: true });
    expect(await retryParkedPayout(db(), { councilId: scene.council.id, payoutId: payout.id, actorUserId: finance.id })).toEqual({ changed: false });
    // Stripe stored the balance_insufficient answer under the key; the retry lists, then uses a new key.
    const paid = await payPayoutByStripe(db(), stripe(), { payoutId: payout.id, now: new Date(Date.now() + 1_000) });
    expect(paid).toMatchObject({ outcome: "paid" });
    expect(transfersFor(payout.id)).toHaveLength(1);
    expect(fakeStripe.availablePence).toBe(95_000);
    await expectLedgerOk(scene.council.id);
  });

  it("is never attempted to an account that cannot receive transfers; it is paid once Stripe enables the account", async () => {
    const { payout, accountId } = await stripePayout(900, "stripe-not-ready");
    const result = await payPayoutByStripe(db(), stripe(), { payoutId: payout.id });
    expect(result).toMatchObject({ outcome: "parked", reason: expect.stringMatching(/cannot receive payouts yet/) });
    expect(fakeStripe.requests.filter((r) => r.path === "/v1/transfers")).toHaveLength(0);

    setRecipientTransfers(accountId, "active");
    const synced = await syncStripeAccount(db(), stripe(), { accountId });
    expect(synced).toMatchObject({ payoutsEnabled: true, reopenedPayoutIds: [payout.id] });
    expect(await payPayoutByStripe(db(), stripe(), { payoutId: payout.id })).toMatchObject({ outcome: "paid" });
    expect(transfersFor(payout.id)).toHaveLength(1);
  });

  it("waits while its run awaits approval", async () => {
    const scene = await payableScene([{ charges: [9_000], paidBy: "stripe" }]);
    const run = await createPayoutRun(db(), { councilId: scene.council.id, stripeAvailable: true, approvalThresholdPence: 100 });
    expect(await payPayoutByStripe(db(), stripe(), { payoutId: run!.payouts[0]!.id })).toEqual({ outcome: "waiting-for-approval" });
    expect(fakeStripe.requests).toHaveLength(0);
  });

  it("paid by two workers at the same moment is one transfer", async () => {
    const { payout } = await stripePayout();
    const results = await Promise.all([payPayoutByStripe(db(), stripe(), { payoutId: payout.id }), payPayoutByStripe(db(), stripe(), { payoutId: payout.id })]);
    expect(results.map((r) => r.outcome).sort()).toEqual(["not-due", "paid"]);
    expect(transfersFor(payout.id)).toHaveLength(1);
  });

  it("whose worker died mid-call is taken up again after the lease, with the same key", async () => {
    const { payout } = await stripePayout();
    // A worker claimed the attempt and died before calling Stripe.
    const now = new Date();
    await db().payout.update({ where: { id: payout.id }, data: { status: "PROCESSING", attempts: 1, lastAttemptAt: now, nextAttemptAt: new Date(now.getTime() + ATTEMPT_LEASE_MS) } });
    expect(await payPayoutByStripe(db(), stripe(), { payoutId: payout.id, now })).toEqual({ outcome: "not-due" });
    const later = new Date(now.getTime() + ATTEMPT_LEASE_MS + 1);
    expect(await payPayoutByStripe(db(), stripe(), { payoutId: payout.id, now: later })).toMatchObject({ outcome: "paid" });
    expect(fakeStripe.requests.filter((r) => r.method === "POST").map((r) => r.idempotencyKey)).toEqual([`payout:${payout.id}`]);
  });
});

describe('settlement jobs, run twice, act once', () => {
  it('"create-payout-runs" twice opens one run and pays each Stripe payout once', async () => {
    const scene = await payableScene([{ charges: [700], paidBy: "stripe" }, { charges: [300], paidBy: "stripe" }, { charges: [200], paidBy: "bank" }]);
    await processJob(fakeJob({ task: "create-payout-runs" }));
    await processJob(fakeJob({ task: "create-payout-runs" }));
    expect(await db().payoutRun.count({ where: { councilId: scene.council.id } })).toBe(1);
    await processJob(fakeJob({ task: "pay-due-payouts" }));
    await processJob(fakeJob({ task: "pay-due-payouts" }));
    const payouts = await db().payout.findMany({ where: { councilId: scene.council.id } });
    for (const p of payouts.filter((p) => p.method === "STRIPE_TRANSFER")) {
      expect(p.status).toBe("PAID");
      expect(transfersFor(p.id)).toHaveLength(1);
    }
    expect(payouts.filter((p) => p.method === "BANK_FILE").map((p) => p.status)).toEqual(["PENDING"]);
    await expectLedgerOk(scene.council.id);
  });

  it('"pay-payout" twice for the same payout makes one transfer', async () => {
    const { payout } = await stripePayout();
    await processJob(fakeJob({ task: "pay-payout", payoutId: payout.id }));
    await processJob(fakeJob({ task: "pay-payout", payoutId: payout.id }));
    expect(transfersFor(payout.id)).toHaveLength(1);
  });
});

describe("reconciling a run with Stripe", () => {
  it("finds every paid payout matching its one transfer, and reports a transfer nobody recorded", async () => {
    const { reconcileRunWithStripe, latestReconciliation } = await import("~/domain/settlement");
    const { scene, run, payout, accountId } = await stripePayout(2_000);
    await payPayoutByStripe(db(), stripe(), { payoutId: payout.id });
    expect(await reconcileRunWithStripe(db(), stripe(), { runId: run.id })).toMatchObject({ transfers: 1, differences: [] });
    expect(await latestReconciliation(db(), { councilId: scene.council.id, runId: run.id })).toMatchObject({ matches: true });

    // Someone pays the provider again by hand in Stripe's dashboard, in the same group.
    await stripe().transfers.create({ amount: 2_000, currency: "gbp", destination: accountId, transfer_group: run.transferGroup!, metadata: { payout_id: payout.id } }, { idempotencyKey: "by-hand" });
    const checked = (await processJob(fakeJob({ task: "reconcile-runs" }))) as { withDifferences: string[] };
    // (Earlier tests' runs differ too: the fake Stripe starts empty for every test.)
    expect(checked.withDifferences).toContain(run.id);
    const report = await reconcileRunWithStripe(db(), stripe(), { runId: run.id });
    expect(report.differences).toEqual([expect.stringMatching(new RegExp(`payout ${payout.id} is paid in Playpass but Stripe has 2 transfers`))]);
    // Reported, not fixed: the payout and the ledger are as they were.
    expect(await payoutRow(payout.id)).toMatchObject({ status: "PAID" });
    expect(await latestReconciliation(db(), { councilId: scene.council.id, runId: run.id })).toMatchObject({ matches: false, differences: 1 });
  });
});
