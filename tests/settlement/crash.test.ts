// RELIABILITY 9: a worker killed (SIGKILL) at each step of a payout run and restarted never pays twice
// and never loses a payout. The worker is a real child process; Stripe is the fake, reached over HTTP.
import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import type { SettlementCheckpoint } from "~/domain/settlement/checkpoints";
import { fakeStripe } from "../mocks/stripe";
import { expectLedgerOk } from "../helpers";
import { startForwardingProxy, type ForwardingProxy } from "../support/forwarding-proxy";
import { useWorkerTestEnvironment } from "../support/workers";
import { payableScene, TEST_STRIPE_KEY, useStripeKeys } from "./support";

const db = () => getDb();
const CHILD = new URL("./payout-worker-child.ts", import.meta.url).pathname;

useWorkerTestEnvironment();
useStripeKeys();

// The child's Stripe calls come here and go on to the fake Stripe of this process (MSW), whose ledger outlives every child.
let proxy: ForwardingProxy;
let proxyUrl = "";
beforeAll(async () => {
  proxy = await startForwardingProxy("https://api.stripe.com");
  proxyUrl = proxy.url;
});
afterAll(async () => {
  await proxy.close();
});

function runWorker(crashAt?: SettlementCheckpoint): Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD], {
      cwd: process.cwd(),
      env: {
        ...process.env,
        NODE_ENV: "test",
        STRIPE_SECRET_KEY: TEST_STRIPE_KEY,
        STRIPE_API_BASE: proxyUrl,
        PLAYPASS_CRASH_AT: crashAt ?? "",
      },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve({ code, signal, stderr }));
  });
}

/** Time passes: the claim a killed worker held lapses, and any backoff is over. */
async function letLeasesLapse(councilId: string) {
  await db().payout.updateMany({ where: { councilId, nextAttemptAt: { gt: new Date() } }, data: { nextAttemptAt: new Date(Date.now() - 1_000) } });
}

const STEPS: SettlementCheckpoint[] = ["run-opened", "attempt-claimed", "transfer-made", "payout-recorded"];

describe("a worker killed during a payout run", () => {
  for (const step of STEPS) {
    it(`at "${step}" and restarted pays every provider exactly once and loses no redemption`, async () => {
      const scene = await payableScene([
        { charges: [1_000, 250], paidBy: "stripe" },
        { charges: [700], paidBy: "stripe" },
        { charges: [333], paidBy: "stripe" },
        { charges: [400], paidBy: "bank" },
      ]);
      const killed = await runWorker(step);
      expect(killed.signal, killed.stderr).toBe("SIGKILL");

      await letLeasesLapse(scene.council.id);
      const restarted = await runWorker();
      expect(restarted.code, restarted.stderr).toBe(0);
      // And once more, as a stalled job or a second worker would: nothing changes.
      await letLeasesLapse(scene.council.id);
      expect((await runWorker()).code).toBe(0);

      expect(await db().payoutRun.count({ where: { councilId: scene.council.id } })).toBe(1);
      const payouts = await db().payout.findMany({ where: { councilId: scene.council.id }, include: { redemptions: true } });
      expect(payouts).toHaveLength(4);
      for (const payout of payouts.filter((p) => p.method === "STRIPE_TRANSFER")) {
        const transfers = fakeStripe.transfers.filter((t) => t.metadata.payout_id === payout.id);
        expect(transfers, `payout ${payout.id}`).toHaveLength(1);
        expect(payout).toMatchObject({ status: "PAID", stripeTransferId: transfers[0]!.id, amountPence: transfers[0]!.amount });
      }
      expect(payouts.find((p) => p.method === "BANK_FILE")).toMatchObject({ status: "PENDING", amountPence: 400 });
      const byProvider = Object.fromEntries(payouts.map((p) => [p.providerId, p.amountPence]));
      expect(scene.providers.map((p) => byProvider[p.provider.id])).toEqual([1_250, 700, 333, 400]);
      // Every redemption is in exactly one payout.
      const redemptions = await db().redemption.findMany({ where: { councilId: scene.council.id } });
      expect(redemptions.every((r) => r.payoutId !== null)).toBe(true);
      expect(payouts.flatMap((p) => p.redemptions).length).toBe(redemptions.length);
      await expectLedgerOk(scene.council.id);
    });
  }
});
