// Stripe down during payouts. Single failures (500, timeout, 429, a lost answer, a worker killed mid-call) are
// proven in tests/settlement/stripe-payouts.test.ts and tests/settlement/crash.test.ts; here Stripe is down for
// whole runs and then back, and the webhook endpoint meets a database that is down.
import { http, HttpResponse } from "msw";
import { describe, expect, it } from "vitest";
import { createPrismaClient, getDb, setDb } from "~/lib/db.server";
import { action as stripeWebhook } from "~/routes/webhooks.stripe";
import { processJob as runSettlement } from "../../workers/settlement";
import { mswServer } from "../mocks/server";
import { fakeStripe, signedStripeWebhook, stripeEventFor } from "../mocks/stripe";
import { expectLedgerOk } from "../helpers";
import { fakeJob, useWorkerTestEnvironment } from "../support/workers";
import { payableScene, TEST_WEBHOOK_SECRET, useStripeKeys } from "../settlement/support";

const db = () => getDb();
useWorkerTestEnvironment();
useStripeKeys();

/** Every Stripe endpoint answers 500, or drops the connection, until the handlers are reset. */
function stripeDown(how: "500" | "no-answer") {
  mswServer.use(
    http.all("https://api.stripe.com/*", () =>
      how === "500" ? HttpResponse.json({ error: { type: "api_error", message: "Stripe is down" } }, { status: 500 }) : HttpResponse.error(),
    ),
  );
}

/** Time passes: backoffs are over and a new attempt is due. */
async function timePasses(councilId: string) {
  await db().payout.updateMany({ where: { councilId, nextAttemptAt: { not: null } }, data: { nextAttemptAt: new Date(Date.now() - 1_000) } });
}

const payWhatIsDue = () => runSettlement(fakeJob({ task: "pay-due-payouts" }), "");

describe("Stripe down for whole payout runs, then back", () => {
  for (const how of ["500", "no-answer"] as const) {
    it(`(${how === "500" ? "every call a 500" : "no call answered"}) pays nothing while it is down, parks nothing early, then pays each provider exactly once`, async () => {
      const scene = await payableScene([
        { charges: [1_200], paidBy: "stripe" },
        { charges: [800, 150], paidBy: "stripe" },
        { charges: [500], paidBy: "stripe" },
      ]);
      await runSettlement(fakeJob({ task: "create-payout-runs" }), "");
      stripeDown(how);
      for (let round = 0; round < 3; round++) {
        await payWhatIsDue();
        await timePasses(scene.council.id);
      }
      const whileDown = await db().payout.findMany({ where: { councilId: scene.council.id } });
      expect(whileDown).toHaveLength(3);
      // Still waiting to be paid, none given up on after a few failed rounds.
      for (const payout of whileDown) expect(payout.status, payout.failureReason ?? "").not.toMatch(/^(PAID|PARKED)$/);
      expect(fakeStripe.transfers).toHaveLength(0);
      await expectLedgerOk(scene.council.id);

      mswServer.resetHandlers();
      await timePasses(scene.council.id);
      await payWhatIsDue();
      await timePasses(scene.council.id);
      await payWhatIsDue();

      const payouts = await db().payout.findMany({ where: { councilId: scene.council.id } });
      expect(payouts.map((p) => p.status)).toEqual(["PAID", "PAID", "PAID"]);
      for (const payout of payouts) {
        const transfers = fakeStripe.transfers.filter((t) => t.metadata.payout_id === payout.id);
        expect(transfers.map((t) => t.amount)).toEqual([payout.amountPence]);
      }
      expect(payouts.map((p) => p.amountPence).sort((a, b) => a - b)).toEqual([500, 950, 1_200]);
      await expectLedgerOk(scene.council.id);
    });
  }
});

describe("the Stripe webhook endpoint while the database is down", () => {
  it("answers with an error (a 5xx, so Stripe delivers again), stores nothing, and the redelivery is stored once", async () => {
    const event = stripeEventFor("account.updated", { id: "acct_fault_test", object: "account" }, { account: "acct_fault_test" });
    const { body, header } = signedStripeWebhook(event, TEST_WEBHOOK_SECRET);
    const deliver = () =>
      stripeWebhook({
        request: new Request("http://localhost/webhooks/stripe", { method: "POST", headers: { "Content-Type": "application/json", "Stripe-Signature": header }, body }),
        params: {},
        context: {},
      });

    const working = getDb();
    const unreachable = createPrismaClient("postgresql://postgres@127.0.0.1:1/playpass_down", 1);
    setDb(unreachable);
    try {
      // A thrown error, not a Response: Remix answers 500, and Stripe retries a 5xx for days.
      await expect(deliver()).rejects.toThrow();
    } finally {
      setDb(working);
      await unreachable.$disconnect();
    }
    expect(await db().stripeEvent.count({ where: { id: String(event.id) } })).toBe(0);

    const redelivered = await deliver();
    expect(redelivered.status).toBe(200);
    expect(await redelivered.json()).toEqual({ received: true, duplicate: false });
    const again = await deliver();
    expect(await again.json()).toEqual({ received: true, duplicate: true });
    expect(await db().stripeEvent.count({ where: { id: String(event.id) } })).toBe(1);
  });
});
