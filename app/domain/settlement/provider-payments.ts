// How a provider is paid: a Stripe connected account (Accounts v2, recipient configuration, Stripe-hosted
// onboarding) or bank details for the council's bank file. Stripe's view of an account is always
// re-read from Stripe, never taken from a webhook body, so events in any order give the same state.
import type Stripe from "stripe";
import type { Db } from "~/lib/db.server";
import { recordAudit } from "../audit";
import { DomainError } from "../errors";
import { bankDetailsSchema, formatSortCode, maskAccountNumber, type BankDetails } from "../providers/bank-details";

/** What the provider's payments page shows: never the full account number. */
export async function providerPaymentSettings(db: Db, providerId: string) {
  const provider = await db.provider.findUniqueOrThrow({
    where: { id: providerId },
    select: {
      name: true,
      payoutMethod: true,
      bankAccountName: true,
      bankSortCode: true,
      bankAccountNumber: true,
      stripeAccountId: true,
      stripePayoutsEnabled: true,
      stripeDetailsSubmitted: true,
      stripeDisabledReason: true,
      stripeAccountUpdatedAt: true,
    },
  });
  return {
    name: provider.name,
    payoutMethod: provider.payoutMethod,
    bank: provider.bankAccountNumber
      ? { accountName: provider.bankAccountName!, sortCode: formatSortCode(provider.bankSortCode!), accountNumber: maskAccountNumber(provider.bankAccountNumber) }
      : null,
    stripe: provider.stripeAccountId
      ? {
          payoutsEnabled: provider.stripePayoutsEnabled,
          detailsSubmitted: provider.stripeDetailsSubmitted,
          disabledReason: provider.stripeDisabledReason,
          checkedAt: provider.stripeAccountUpdatedAt,
        }
      : null,
  };
}

/** Saves bank details (validated with the one bank-details schema) and pays this provider by bank file from now on. */
export async function saveBankDetails(db: Db, input: { providerId: string; actorUserId: string; details: BankDetails }) {
  const details = bankDetailsSchema.parse(input.details);
  await db.$transaction(async (tx) => {
    await tx.provider.update({
      where: { id: input.providerId },
      data: { bankAccountName: details.accountName, bankSortCode: details.sortCode, bankAccountNumber: details.accountNumber, payoutMethod: "BANK_FILE" },
    });
    // The audit trail records that details changed, never the details themselves.
    await recordAudit(tx, { actorUserId: input.actorUserId, action: "provider.bank-details", entityType: "Provider", entityId: input.providerId });
  });
}

/** Switches between the ways of being paid; Stripe needs an account that has been started. */
export async function choosePayoutMethod(db: Db, input: { providerId: string; actorUserId: string; method: "STRIPE_TRANSFER" | "BANK_FILE" }) {
  const provider = await db.provider.findUniqueOrThrow({ where: { id: input.providerId }, select: { stripeAccountId: true, bankAccountNumber: true } });
  if (input.method === "STRIPE_TRANSFER" && !provider.stripeAccountId) {
    throw new DomainError("PAYOUT_STATE", "Set up your Stripe account first.");
  }
  if (input.method === "BANK_FILE" && !provider.bankAccountNumber) {
    throw new DomainError("PAYOUT_STATE", "Enter your bank details first.", "accountNumber");
  }
  await db.$transaction(async (tx) => {
    await tx.provider.update({ where: { id: input.providerId }, data: { payoutMethod: input.method } });
    await recordAudit(tx, { actorUserId: input.actorUserId, action: "provider.payout-method", entityType: "Provider", entityId: input.providerId, data: { method: input.method } });
  });
}

/**
 * Starts or resumes Stripe onboarding: creates the provider's connected account once (an idempotency
 * key per provider makes a double click or a crash create one account), then a fresh account link.
 */
export async function startStripeOnboarding(db: Db, stripe: Stripe, input: { providerId: string; actorUserId: string; returnUrl: string; refreshUrl: string }) {
  const provider = await db.provider.findUniqueOrThrow({
    where: { id: input.providerId },
    select: { id: true, name: true, contactEmail: true, website: true, stripeAccountId: true },
  });
  let accountId = provider.stripeAccountId;
  if (!accountId) {
    const account = await stripe.v2.core.accounts.create(
      {
        display_name: provider.name,
        contact_email: provider.contactEmail,
        // Stripe hosts onboarding and a light dashboard; the platform carries fees and losses, as for any payee of public money.
        dashboard: "express",
        identity: { country: "gb" },
        defaults: {
          currency: "gbp",
          locales: ["en-GB"],
          responsibilities: { fees_collector: "application", losses_collector: "application" },
          ...(provider.website ? { profile: { business_url: provider.website } } : {}),
        },
        // Providers only receive money from the platform: the recipient configuration with transfers into their Stripe balance.
        configuration: { recipient: { capabilities: { stripe_balance: { stripe_transfers: { requested: true } } } } },
        metadata: { provider_id: provider.id },
        include: ["configuration.recipient", "requirements"],
      },
      { idempotencyKey: `provider-account:${provider.id}` },
    );
    const saved = await db.provider.updateMany({ where: { id: provider.id, stripeAccountId: null }, data: { stripeAccountId: account.id, payoutMethod: "STRIPE_TRANSFER" } });
    if (saved.count === 0) {
      accountId = (await db.provider.findUniqueOrThrow({ where: { id: provider.id }, select: { stripeAccountId: true } })).stripeAccountId;
    } else {
      accountId = account.id;
      await recordAudit(db, { actorUserId: input.actorUserId, action: "provider.stripe-account", entityType: "Provider", entityId: provider.id, data: { stripeAccountId: account.id } });
    }
  }
  const link = await stripe.v2.core.accountLinks.create({
    account: accountId!,
    use_case: {
      type: "account_onboarding",
      account_onboarding: {
        // Only what Stripe needs now; the rest is asked when it becomes due.
        collection_options: { fields: "currently_due" },
        refresh_url: input.refreshUrl,
        return_url: input.returnUrl,
      },
    },
  } as Stripe.V2.Core.AccountLinkCreateParams);
  return { accountId: accountId!, url: link.url };
}

type AccountState = { payoutsEnabled: boolean; detailsSubmitted: boolean; disabledReason: string | null };

/** What Playpass needs to know from a v2 account: can it receive transfers now, and if not, why. */
export function accountState(account: Stripe.V2.Core.Account): AccountState {
  const transfers = account.configuration?.recipient?.capabilities?.stripe_balance?.stripe_transfers;
  const deadline = account.requirements?.summary?.minimum_deadline?.status;
  const detailsSubmitted = deadline !== "currently_due" && deadline !== "past_due";
  if (account.closed) return { payoutsEnabled: false, detailsSubmitted, disabledReason: "account closed" };
  if (transfers?.status === "active") return { payoutsEnabled: true, detailsSubmitted, disabledReason: null };
  const detail = transfers?.status_details?.[0]?.code;
  return { payoutsEnabled: false, detailsSubmitted, disabledReason: detail ?? (transfers ? `transfers ${transfers.status}` : "transfers not requested") };
}

const ACCOUNT_PARK_REASON = "The provider's Stripe account cannot receive";

/**
 * Re-reads a connected account from Stripe and records whether it can receive payouts. A slower read
 * never overwrites a newer one. Payouts parked because the account could not receive are sent round again
 * when it can. Returns the payouts made due again.
 */
export async function syncStripeAccount(db: Db, stripe: Stripe, input: { accountId: string; now?: Date }) {
  const provider = await db.provider.findUnique({ where: { stripeAccountId: input.accountId }, select: { id: true, stripePayoutsEnabled: true } });
  if (!provider) return { known: false as const, reopenedPayoutIds: [] as string[] };
  const readAt = input.now ?? new Date();
  const account = await stripe.v2.core.accounts.retrieve(input.accountId, { include: ["configuration.recipient", "requirements"] });
  const state = accountState(account);
  return db.$transaction(async (tx) => {
    const updated = await tx.provider.updateMany({
      where: { id: provider.id, OR: [{ stripeAccountUpdatedAt: null }, { stripeAccountUpdatedAt: { lte: readAt } }] },
      data: {
        stripePayoutsEnabled: state.payoutsEnabled,
        stripeDetailsSubmitted: state.detailsSubmitted,
        stripeDisabledReason: state.disabledReason,
        stripeAccountUpdatedAt: readAt,
      },
    });
    if (updated.count > 0 && provider.stripePayoutsEnabled !== state.payoutsEnabled) {
      await recordAudit(tx, {
        action: state.payoutsEnabled ? "provider.stripe-payouts-on" : "provider.stripe-payouts-off",
        entityType: "Provider",
        entityId: provider.id,
        data: { reason: state.disabledReason },
      });
    }
    let reopenedPayoutIds: string[] = [];
    if (state.payoutsEnabled) {
      const parked = await tx.payout.findMany({
        where: { providerId: provider.id, method: "STRIPE_TRANSFER", status: "PARKED", failureReason: { contains: ACCOUNT_PARK_REASON } },
        select: { id: true },
      });
      reopenedPayoutIds = parked.map((p) => p.id);
      if (reopenedPayoutIds.length > 0) {
        await tx.payout.updateMany({ where: { id: { in: reopenedPayoutIds }, status: "PARKED" }, data: { status: "PENDING", nextAttemptAt: readAt } });
      }
    }
    return { known: true as const, ...state, reopenedPayoutIds };
  });
}
