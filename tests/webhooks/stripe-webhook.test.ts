// The Stripe webhook endpoint: only Stripe's signed, fresh, unaltered deliveries count; each event is
// processed once; and any order of events, with duplicates, leaves the same state as the clean sequence.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { getQueue } from "~/lib/queues.server";
import { createPayoutRun, payPayoutByStripe } from "~/domain/settlement";
import { action } from "~/routes/webhooks.stripe";
import { processJob } from "../../workers/settlement";
import { fakeStripe, failNextStripeTransfer, setRecipientTransfers, signedStripeWebhook, stripeEventFor, stripeThinEventFor } from "../mocks/stripe";
import { fakeJob, useWorkerTestEnvironment } from "../support/workers";
import { payableScene, stripe, TEST_WEBHOOK_SECRET, useStripeKeys } from "../settlement/support";
import { expectLedgerOk } from "../helpers";

const db = () => getDb();

useWorkerTestEnvironment();
useStripeKeys();

function post(body: string, signature: string | null) {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  if (signature !== null) headers["Stripe-Signature"] = signature;
  return action({ request: new Request("http://localhost/webhooks/stripe", { method: "POST", headers, body }), params: {}, context: {} });
}

async function deliver(event: Record<string, unknown>, options: { secret?: string; timestamp?: number } = {}) {
  const { body, header } = signedStripeWebhook(event, options.secret ?? TEST_WEBHOOK_SECRET, { timestamp: options.timestamp });
  const response = await post(body, header);
  return { status: response.status, json: (await response.json()) as { received?: boolean; duplicate?: boolean; error?: string } };
}

const stored = (id: string) => db().stripeEvent.findUnique({ where: { id } });

async function providerWithAccount(status: "active" | "pending" = "pending") {
  const scene = await payableScene([{ charges: [600], paidBy: status === "active" ? "stripe" : "stripe-not-ready" }]);
  const { provider, stripeAccountId } = scene.providers[0]!;
  return { scene, providerId: provider.id, accountId: stripeAccountId! };
}

const accountEvent = (accountId: string, extra: Record<string, unknown> = {}) => stripeEventFor("account.updated", { id: accountId, object: "account", ...extra }, { account: accountId });

describe("the Stripe webhook endpoint", () => {
  it("stores a signed event once, queues it for the settlement worker, and answers a duplicate with 200 and no effect", async () => {
    const { accountId } = await providerWithAccount();
    const event = accountEvent(accountId);
    const first = await deliver(event);
    expect(first).toEqual({ status: 200, json: { received: true, duplicate: false } });
    expect(await stored(event.id)).toMatchObject({ type: "account.updated", objectId: accountId, processedAt: null });
    expect(await getQueue("settlement").getJob(`stripe-event-${event.id}`)).toMatchObject({ data: { task: "process-stripe-event", eventId: event.id } });

    const again = await deliver(event);
    expect(again).toEqual({ status: 200, json: { received: true, duplicate: true } });
    expect(await db().stripeEvent.count({ where: { id: event.id } })).toBe(1);
  });

  it("refuses a forged signature, a missing one, a re-serialised body and an old timestamp, storing nothing", async () => {
    const { accountId } = await providerWithAccount();
    const event = accountEvent(accountId);

    expect((await deliver(event, { secret: "whsec_someone_else" })).status).toBe(400);
    const { body, header } = signedStripeWebhook(event, TEST_WEBHOOK_SECRET);
    expect((await post(body, null)).status).toBe(400);
    // Same content, different bytes: the signature no longer matches.
    expect((await post(JSON.stringify(JSON.parse(body), null, 2), header)).status).toBe(400);
    // Signed properly, but ten minutes ago: outside Stripe's 300-second tolerance.
    expect((await deliver(event, { timestamp: Math.floor(Date.now() / 1000) - 600 })).status).toBe(400);
    expect((await post("not json", header)).status).toBe(400);

    expect(await stored(event.id)).toBeNull();
    expect(await db().provider.findUniqueOrThrow({ where: { stripeAccountId: accountId }, select: { stripeAccountUpdatedAt: true } })).toEqual({ stripeAccountUpdatedAt: null });
  });

  it("accepts an Accounts v2 thin event and processing it switches payouts on", async () => {
    const { providerId, accountId } = await providerWithAccount();
    setRecipientTransfers(accountId, "active");
    const event = stripeThinEventFor("v2.core.account[configuration.recipient].capability_status_updated", accountId);
    expect((await deliver(event)).status).toBe(200);
    expect(await stored(event.id)).toMatchObject({ objectId: accountId });
    await processJob(fakeJob({ task: "process-stripe-event", eventId: event.id }));
    expect(await db().provider.findUniqueOrThrow({ where: { id: providerId } })).toMatchObject({ stripePayoutsEnabled: true, stripeDisabledReason: null });
  });
});

describe("processing account events", () => {
  it("switches payouts off with Stripe's reason, and on again, by re-reading the account", async () => {
    const { providerId, accountId } = await providerWithAccount("active");
    setRecipientTransfers(accountId, "restricted", "requirements_past_due");
    const off = accountEvent(accountId);
    await deliver(off);
    await processJob(fakeJob({ task: "process-stripe-event", eventId: off.id }));
    expect(await db().provider.findUniqueOrThrow({ where: { id: providerId } })).toMatchObject({ stripePayoutsEnabled: false, stripeDisabledReason: "requirements_past_due" });
    expect((await stored(off.id))?.processedAt).not.toBeNull();

    setRecipientTransfers(accountId, "active");
    const on = accountEvent(accountId);
    await deliver(on);
    await processJob(fakeJob({ task: "process-stripe-event", eventId: on.id }));
    expect(await db().provider.findUniqueOrThrow({ where: { id: providerId } })).toMatchObject({ stripePayoutsEnabled: true, stripeDisabledReason: null });
    expect(await db().auditEvent.count({ where: { entityId: providerId, action: { in: ["provider.stripe-payouts-on", "provider.stripe-payouts-off"] } } })).toBe(2);
  });

  it("in any order, with duplicates, leave the same state as the clean sequence", async () => {
    await fc.assert(
      fc.asyncProperty(
        // Deliveries of three events (0: restricted, 1: active, 2: active again): any order, each one to three times.
        fc.array(fc.integer({ min: 0, max: 2 }), { minLength: 3, maxLength: 8 }).filter((xs) => [0, 1, 2].every((i) => xs.includes(i))),
        async (order) => {
          const { providerId, accountId } = await providerWithAccount();
          const events = [accountEvent(accountId), accountEvent(accountId), accountEvent(accountId)];
          // Stripe's account is where the clean sequence left it: transfers active.
          setRecipientTransfers(accountId, "active");
          for (const index of order) {
            await deliver(events[index]!);
            await processJob(fakeJob({ task: "process-stripe-event", eventId: events[index]!.id }));
          }
          const provider = await db().provider.findUniqueOrThrow({ where: { id: providerId } });
          expect(provider).toMatchObject({ stripePayoutsEnabled: true, stripeDisabledReason: null, stripeDetailsSubmitted: true });
          expect(await db().stripeEvent.count({ where: { id: { in: events.map((e) => e.id) }, processedAt: { not: null } } })).toBe(3);
        },
      ),
      { numRuns: 12 },
    );
  });

  it("a slow read of an old state never overwrites a newer one", async () => {
    const { providerId, accountId } = await providerWithAccount();
    setRecipientTransfers(accountId, "active");
    const newer = accountEvent(accountId);
    await deliver(newer);
    await processJob(fakeJob({ task: "process-stripe-event", eventId: newer.id }));
    // A worker that read the account earlier (when it was restricted) commits late.
    const { syncStripeAccount } = await import("~/domain/settlement");
    setRecipientTransfers(accountId, "restricted", "requirements_past_due");
    await syncStripeAccount(db(), stripe(), { accountId, now: new Date(Date.now() - 60_000) });
    expect(await db().provider.findUniqueOrThrow({ where: { id: providerId } })).toMatchObject({ stripePayoutsEnabled: true });
  });
});

describe("processing transfer events", () => {
  it("records a payout paid when Stripe made the transfer but our call never heard back, once, whatever the order", async () => {
    const scene = await payableScene([{ charges: [1_100], paidBy: "stripe" }]);
    const run = await createPayoutRun(db(), { councilId: scene.council.id, stripeAvailable: true });
    const payout = run!.payouts[0]!;
    failNextStripeTransfer({ kind: "lose-response" });
    expect(await payPayoutByStripe(db(), stripe(), { payoutId: payout.id })).toMatchObject({ outcome: "retry" });
    const transfer = fakeStripe.transfers[0]!;

    const created = stripeEventFor("transfer.created", { ...transfer });
    const updated = stripeEventFor("transfer.updated", { ...transfer, description: "changed" });
    for (const event of [updated, created, updated, created]) {
      await deliver(event);
      await processJob(fakeJob({ task: "process-stripe-event", eventId: event.id }));
    }
    expect(await db().payout.findUniqueOrThrow({ where: { id: payout.id } })).toMatchObject({ status: "PAID", stripeTransferId: transfer.id });
    // The worker's own retry later finds it paid and does nothing.
    expect(await payPayoutByStripe(db(), stripe(), { payoutId: payout.id, now: new Date(Date.now() + 3_600_000) })).toEqual({ outcome: "already-paid" });
    expect(fakeStripe.transfers).toHaveLength(1);
    expect(await db().transfer.count({ where: { payoutId: payout.id, kind: "PAYOUT_COMPLETE" } })).toBe(1);
    await expectLedgerOk(scene.council.id);
  });

  it("events stored but never queued are picked up by the sweep", async () => {
    const { providerId, accountId } = await providerWithAccount();
    setRecipientTransfers(accountId, "active");
    const event = accountEvent(accountId);
    await db().stripeEvent.create({ data: { id: event.id, type: event.type, objectId: accountId, receivedAt: new Date(Date.now() - 10 * 60_000) } });
    expect(await processJob(fakeJob({ task: "sweep-stripe-events" }))).toMatchObject({ requeued: expect.any(Number) });
    expect(await getQueue("settlement").getJob(`stripe-event-${event.id}`)).toBeTruthy();
    await processJob(fakeJob({ task: "process-stripe-event", eventId: event.id }));
    expect(await db().provider.findUniqueOrThrow({ where: { id: providerId } })).toMatchObject({ stripePayoutsEnabled: true });
  });
});
