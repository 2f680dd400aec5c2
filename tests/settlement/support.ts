// Settlement scenes: a council whose providers have payable redemptions, paid by Stripe or by bank.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import { chargePass } from "~/domain/booking";
import { makeRedemptionsPayable } from "~/domain/settlement";
import { getDb } from "~/lib/db.server";
import { resetEnvForTests } from "~/lib/env.server";
import { getStripe } from "~/lib/stripe.server";
import { addStripeRecipient } from "../mocks/stripe";
import { createActivity, createCouncil, createProgramme, createProvider, createYoungPerson, doorActor, uniqueSuffix } from "../factories";

const db = () => getDb();

export const TEST_STRIPE_KEY = "sk_test_playpass_settlement";
export const TEST_WEBHOOK_SECRET = "whsec_playpass_settlement_test";

/** For the calling test file: Stripe configured with a test key (the fake answers it) and a webhook secret. */
export function useStripeKeys() {
  const before = { key: process.env.STRIPE_SECRET_KEY, secret: process.env.STRIPE_WEBHOOK_SECRET };
  beforeAll(() => {
    process.env.STRIPE_SECRET_KEY = TEST_STRIPE_KEY;
    process.env.STRIPE_WEBHOOK_SECRET = TEST_WEBHOOK_SECRET;
    resetEnvForTests();
  });
  afterAll(() => {
    for (const [name, value] of [["STRIPE_SECRET_KEY", before.key], ["STRIPE_WEBHOOK_SECRET", before.secret]] as const) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    resetEnvForTests();
  });
}

export function stripe() {
  const client = getStripe();
  if (!client) throw new Error("useStripeKeys() first");
  return client;
}

export type ProviderPlan = {
  /** Walk-in charges at the till, each one redemption, in pence. */
  charges: number[];
  paidBy?: "stripe" | "bank" | "stripe-not-ready" | "bank-without-details";
  name?: string;
};

/**
 * A council with one funded programme (no dispute window, so charges are payable at once) and one
 * provider per plan, each with the redemptions it asks for, all made payable.
 */
export async function payableScene(plans: ProviderPlan[], options: { approvalThresholdPence?: number; payoutSchedule?: "DAILY" | "WEEKLY"; now?: Date } = {}) {
  const now = options.now ?? new Date();
  const council = await createCouncil();
  const total = plans.flatMap((p) => p.charges).reduce((a, b) => a + b, 0);
  const programme = await createProgramme({
    councilId: council.id,
    fundedPence: total * 2 + 100_000,
    baseAllocationPence: total + 10_000,
    disputeWindowDays: 0,
    approvalThresholdPence: options.approvalThresholdPence ?? 100_000_000,
  });
  if (options.payoutSchedule) await db().programme.update({ where: { id: programme.id }, data: { payoutSchedule: options.payoutSchedule } });
  const { youngPerson } = await createYoungPerson({ programmeId: programme.id, allocationPence: total + 10_000 });

  const providers = [];
  for (const [index, plan] of plans.entries()) {
    const { provider } = await createProvider({ councilId: council.id, name: plan.name ?? `Provider ${index + 1} ${uniqueSuffix()}` });
    const paidBy = plan.paidBy ?? "bank";
    const stripeAccount = paidBy.startsWith("stripe") ? addStripeRecipient(paidBy === "stripe-not-ready" ? { transfers: { status: "pending", code: "requirements_past_due" } } : {}) : null;
    await db().provider.update({
      where: { id: provider.id },
      data: {
        payoutMethod: stripeAccount ? "STRIPE_TRANSFER" : "BANK_FILE",
        stripeAccountId: stripeAccount?.id ?? null,
        stripePayoutsEnabled: paidBy === "stripe",
        ...(paidBy === "bank"
          ? { bankAccountName: `${provider.name} Ltd`, bankSortCode: String(100000 + index).padStart(6, "0"), bankAccountNumber: String(12345670 + index).padStart(8, "0") }
          : {}),
      },
    });
    const activity = await createActivity({ providerId: provider.id, councilId: council.id, pricePence: 100_000 });
    for (const amountPence of plan.charges) {
      await chargePass(db(), { passCode: youngPerson.passCode, providerId: provider.id, activityId: activity.id, amountPence, requestKey: randomUUID(), actor: doorActor(), now: new Date(now.getTime() - 60_000) });
    }
    providers.push({ provider, activity, stripeAccountId: stripeAccount?.id ?? null, plan });
  }
  await makeRedemptionsPayable(db(), { councilId: council.id, now });
  return { council, programme, youngPerson, providers };
}
