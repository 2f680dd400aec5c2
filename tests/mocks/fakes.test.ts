// The fakes behave like the vendors where our reliability depends on it, checked through the vendors' own SDKs.
import { randomUUID } from "node:crypto";
import { NotifyClient } from "notifications-node-client";
import Stripe from "stripe";
import { describe, expect, it } from "vitest";
import { allowConsoleError } from "../setup/console";
import { failNextNotify, notificationsTo, notifySent } from "./notify";
import { addStripeAccount, failNextStripeTransfer, fakeStripe, setStripeAvailableBalance } from "./stripe";

const stripe = (maxNetworkRetries = 0) => new Stripe("sk_test_fake", { maxNetworkRetries });
const NOTIFY_KEY = `playpass_test-${randomUUID()}-${randomUUID()}`;
const TEMPLATE = randomUUID();

function transferParams(destination: string, amount = 1_250) {
  return { amount, currency: "gbp", destination, transfer_group: "run_1", metadata: { payout_id: "p_1" } };
}

describe("fake Stripe", () => {
  it("answers the same Idempotency-Key with the same transfer, and makes it once", async () => {
    const account = addStripeAccount();
    const first = await stripe().transfers.create(transferParams(account.id), { idempotencyKey: "payout:1" });
    const again = await stripe().transfers.create(transferParams(account.id), { idempotencyKey: "payout:1" });
    expect(again.id).toBe(first.id);
    expect(first).toMatchObject({ amount: 1_250, currency: "gbp", destination: account.id, transfer_group: "run_1", metadata: { payout_id: "p_1" } });
    expect(fakeStripe.transfers).toHaveLength(1);
    expect(fakeStripe.requests.map((r) => r.replayed)).toEqual([false, true]);
  });

  it("refuses the same Idempotency-Key with a different body (idempotency_error) and stores nothing new", async () => {
    const account = addStripeAccount();
    await stripe().transfers.create(transferParams(account.id), { idempotencyKey: "payout:2" });
    await expect(stripe().transfers.create(transferParams(account.id, 999), { idempotencyKey: "payout:2" })).rejects.toMatchObject({
      type: "StripeIdempotencyError",
      statusCode: 400,
    });
    expect(fakeStripe.transfers).toHaveLength(1);
  });

  it("a lost response is replayed on retry with the same key: exactly one transfer", async () => {
    const account = addStripeAccount();
    failNextStripeTransfer({ kind: "lose-response" });
    const transfer = await stripe(2).transfers.create(transferParams(account.id), { idempotencyKey: "payout:3" });
    expect(fakeStripe.transfers).toEqual([expect.objectContaining({ id: transfer.id })]);
    expect(fakeStripe.requests.filter((r) => r.path === "/v1/transfers").map((r) => r.idempotencyKey)).toEqual(["payout:3", "payout:3"]);
  });

  it("stores a 500 under its key like Stripe does, but never a 429", async () => {
    const account = addStripeAccount();
    failNextStripeTransfer({ kind: "error", status: 429 }, { kind: "error", status: 500 });
    await expect(stripe().transfers.create(transferParams(account.id), { idempotencyKey: "k" })).rejects.toMatchObject({ statusCode: 429 });
    await expect(stripe().transfers.create(transferParams(account.id), { idempotencyKey: "k" })).rejects.toMatchObject({ statusCode: 500 });
    await expect(stripe().transfers.create(transferParams(account.id), { idempotencyKey: "k" })).rejects.toMatchObject({ statusCode: 500 });
    expect(fakeStripe.transfers).toHaveLength(0);
  });

  it("refuses a transfer above the platform's available balance with balance_insufficient", async () => {
    const account = addStripeAccount();
    setStripeAvailableBalance(1_000);
    await expect(stripe().transfers.create(transferParams(account.id, 1_001), { idempotencyKey: "big" })).rejects.toMatchObject({ code: "balance_insufficient" });
    await expect(stripe().transfers.create(transferParams(account.id, 1_000), { idempotencyKey: "fits" })).resolves.toMatchObject({ amount: 1_000 });
  });

  it("lists transfers by transfer_group (newest first) and retrieves accounts", async () => {
    const account = addStripeAccount({ payouts_enabled: false });
    await stripe().transfers.create({ ...transferParams(account.id), transfer_group: "run_a" }, { idempotencyKey: "a1" });
    await stripe().transfers.create({ ...transferParams(account.id, 10), transfer_group: "run_b" }, { idempotencyKey: "b1" });
    const listed = await stripe().transfers.list({ transfer_group: "run_b" });
    expect(listed.data.map((t) => t.amount)).toEqual([10]);
    await expect(stripe().accounts.retrieve(account.id)).resolves.toMatchObject({ id: account.id, payouts_enabled: false });
    await expect(stripe().accounts.retrieve("acct_missing")).rejects.toMatchObject({ statusCode: 404, code: "resource_missing" });
  });

  it("refuses a destination that cannot receive transfers", async () => {
    const account = addStripeAccount({ capabilities: { transfers: "inactive" } });
    await expect(stripe().transfers.create(transferParams(account.id), { idempotencyKey: "x" })).rejects.toMatchObject({ code: "insufficient_capabilities_for_transfer" });
  });
});

describe("fake GOV.UK Notify", () => {
  it("records each SMS and email sent, with its personalisation and reference", async () => {
    const notify = new NotifyClient(NOTIFY_KEY);
    const sms = await notify.sendSms(TEMPLATE, "+447700900001", { personalisation: { subject: "", body: "Your code is 123456" }, reference: "msg-1" });
    await notify.sendEmail(TEMPLATE, "sam@example.test", { personalisation: { subject: "Hello", body: "Welcome" }, reference: "msg-2" });
    expect(sms.data.id).toBe(notifySent[0]!.id);
    expect(notificationsTo("+447700900001")).toEqual([expect.objectContaining({ channel: "SMS", templateId: TEMPLATE, reference: "msg-1", personalisation: { subject: "", body: "Your code is 123456" } })]);
    expect(notificationsTo("sam@example.test")).toEqual([expect.objectContaining({ channel: "EMAIL", reference: "msg-2" })]);
  });

  it("answers with an injected failure status, then works again", async () => {
    const notify = new NotifyClient(NOTIFY_KEY);
    failNextNotify(500);
    await expect(notify.sendSms(TEMPLATE, "+447700900002", {})).rejects.toMatchObject({ response: { status: 500 } });
    await expect(notify.sendSms(TEMPLATE, "+447700900002", {})).resolves.toMatchObject({ status: 201 });
    expect(notifySent).toHaveLength(1);
  });

  it("starts every test empty", () => {
    expect(notifySent).toEqual([]);
    expect(fakeStripe.transfers).toEqual([]);
  });
});

describe("the network outside the fakes", () => {
  it("is refused: a request nobody impersonates fails instead of reaching the internet", async () => {
    allowConsoleError(/intercepted a request without a matching request handler/);
    await expect(fetch("https://example.com/")).rejects.toThrow();
  });
});
