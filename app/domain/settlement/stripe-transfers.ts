// Paying one payout by Stripe Connect transfer, exactly once whatever fails or crashes:
// the idempotency key is saved before the call, every retry first looks for a transfer Stripe
// already made for the payout, and failures are retried with backoff or parked with the reason.
import type Stripe from "stripe";
import type { Db, DbTx } from "~/lib/db.server";
import { getEnv } from "~/lib/env.server";
import { logger } from "~/lib/logger.server";
import { recordAudit } from "../audit";
import { DomainError } from "../errors";
import { formatPence } from "../money";
import { queueMessage } from "../notifications/messages";
import { checkpoint } from "./checkpoints";
import { markPayoutPaidIn, stripeIdempotencyKey } from "./payouts";

/** Retryable failures are tried this many times in all before the payout is parked. */
export const MAX_STRIPE_ATTEMPTS = 8;
const BASE_BACKOFF_MS = 30_000;
const MAX_BACKOFF_MS = 6 * 60 * 60 * 1000;
/** A claimed attempt holds the payout this long; a worker that dies mid-call is retried after it. */
export const ATTEMPT_LEASE_MS = 2 * 60 * 1000;

export function backoffMs(attempt: number): number {
  return Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS * 2 ** Math.max(0, attempt - 1));
}

export type PayOutcome =
  | { outcome: "paid"; transferId: string; replayed: boolean }
  | { outcome: "already-paid" }
  | { outcome: "not-due" }
  | { outcome: "waiting-for-approval" }
  | { outcome: "retry"; reason: string; nextAttemptAt: Date }
  | { outcome: "parked"; reason: string };

type Classified =
  | { kind: "retry-same-key"; reason: string; countsAsAttempt: boolean }
  | { kind: "retry-new-key"; reason: string }
  /** Stripe answered and stored its answer under the key, so a later retry needs the next key. */
  | { kind: "park"; reason: string };

/** What to do after Stripe's answer (RELIABILITY 12): 5xx, 409 and network errors retry; 429 backs off; other 4xx park. */
export function classifyStripeError(error: unknown): Classified {
  const e = error as { type?: string; statusCode?: number; code?: string; message?: string };
  const message = e.message ?? String(error);
  if (e.type === "StripeRateLimitError" || e.statusCode === 429) {
    return { kind: "retry-same-key", reason: "Stripe asked us to slow down (429)", countsAsAttempt: false };
  }
  if (e.type === "StripeConnectionError" || e.statusCode === undefined) {
    return { kind: "retry-same-key", reason: `No answer from Stripe: ${message}`, countsAsAttempt: true };
  }
  if (e.statusCode === 409) return { kind: "retry-same-key", reason: `Stripe reported a conflict (409): ${message}`, countsAsAttempt: true };
  // Stripe stores a 5xx under the key: the same key would only replay it. A new key is taken after a listing.
  if (e.statusCode >= 500) return { kind: "retry-new-key", reason: `Stripe had an error (${e.statusCode}): ${message}` };
  if (e.code === "balance_insufficient") {
    return { kind: "park", reason: "The platform's Stripe balance is too low for this transfer. Top up the balance, then try again." };
  }
  if (e.code === "insufficient_capabilities_for_transfer" || e.code === "account_invalid" || e.code === "resource_missing") {
    return { kind: "park", reason: `The provider's Stripe account cannot receive transfers: ${message}` };
  }
  return { kind: "park", reason: `Stripe refused the transfer (${e.statusCode}${e.code ? ` ${e.code}` : ""}): ${message}` };
}

/**
 * One attempt at paying a Stripe payout. Safe to run twice at once, after a crash at any point, and
 * on a payout that is already paid. Never makes a network call inside a database transaction.
 */
export async function payPayoutByStripe(db: Db, stripe: Stripe, input: { payoutId: string; now?: Date }): Promise<PayOutcome> {
  const now = input.now ?? new Date();
  const payout = await db.payout.findUnique({
    where: { id: input.payoutId },
    include: { run: { select: { status: true, transferGroup: true } }, provider: { select: { stripeAccountId: true, stripePayoutsEnabled: true, stripeDisabledReason: true } } },
  });
  if (!payout) throw new DomainError("NOT_FOUND", "That payout does not exist.");
  if (payout.status === "PAID") return { outcome: "already-paid" };
  if (payout.method !== "STRIPE_TRANSFER") throw new DomainError("PAYOUT_STATE", "This payout is paid by bank file, not by Stripe.");
  if (payout.run.status === "AWAITING_APPROVAL" || payout.run.status === "OPEN") return { outcome: "waiting-for-approval" };
  if (payout.status === "PARKED" || payout.status === "FAILED") return { outcome: "parked", reason: payout.failureReason ?? "parked" };

  // RELIABILITY 23: never call Stripe for an account that cannot receive transfers.
  const { stripeAccountId, stripePayoutsEnabled } = payout.provider;
  if (!stripeAccountId || !stripePayoutsEnabled) {
    const reason = `The provider's Stripe account cannot receive payouts yet${payout.provider.stripeDisabledReason ? ` (${payout.provider.stripeDisabledReason})` : ""}. It will be paid when Stripe enables it.`;
    await park(db, payout.id, payout.councilId, reason);
    return { outcome: "parked", reason };
  }

  // Claim the attempt: a lease in nextAttemptAt keeps a second worker out until this one has had its chance.
  const leaseUntil = new Date(now.getTime() + ATTEMPT_LEASE_MS);
  const claimed = await db.$queryRaw<{ attempts: number; idempotencyKey: string; failureReason: string | null }[]>`
    UPDATE "Payout" SET "status" = 'PROCESSING', "attempts" = "attempts" + 1, "lastAttemptAt" = ${now}, "nextAttemptAt" = ${leaseUntil}
    WHERE "id" = ${payout.id}::uuid AND "status" IN ('PENDING', 'PROCESSING')
      AND ("nextAttemptAt" IS NULL OR "nextAttemptAt" <= ${now})
    RETURNING "attempts", "idempotencyKey", "failureReason"`;
  const attempt = claimed[0];
  if (!attempt) return { outcome: "not-due" };
  checkpoint("attempt-claimed");
  await db.payoutRun.updateMany({ where: { id: payout.runId, status: "APPROVED" }, data: { status: "PAYING" } });

  let idempotencyKey = attempt.idempotencyKey;
  if (attempt.attempts > 1) {
    // A retry: Stripe may already have made the transfer (a lost response, a crash before our commit,
    // a key older than 24 hours). Find it by the run's transfer group before asking again.
    try {
      const existing = await findTransferForPayout(stripe, payout.run.transferGroup!, payout.id);
      if (existing) return recordPaid(db, payout.id, existing.id, now, true);
    } catch (error) {
      return afterFailure(db, payout, attempt.attempts, classifyStripeError(error), now);
    }
    if (attempt.failureReason?.startsWith(NEW_KEY_MARK)) {
      // The last answer was a stored 5xx and no transfer exists: the next generation of the key, saved first.
      const generation = Number(/:(\d+)$/.exec(idempotencyKey)?.[1] ?? 0) + 1;
      idempotencyKey = stripeIdempotencyKey(payout.id, generation);
      await db.payout.update({ where: { id: payout.id }, data: { idempotencyKey } });
    }
  }

  let transfer: Stripe.Transfer;
  try {
    transfer = await stripe.transfers.create(
      {
        amount: payout.amountPence,
        currency: "gbp",
        destination: stripeAccountId,
        transfer_group: payout.run.transferGroup!,
        description: `Playpass payout ${payout.id}`,
        metadata: { payout_id: payout.id, run_id: payout.runId, council_id: payout.councilId },
      },
      { idempotencyKey },
    );
  } catch (error) {
    return afterFailure(db, payout, attempt.attempts, classifyStripeError(error), now);
  }
  checkpoint("transfer-made");
  if (transfer.amount !== payout.amountPence || transfer.destination !== stripeAccountId) {
    // Never silently fixed (RELIABILITY 16): the difference is parked for a person to look at.
    const reason = `Stripe's transfer ${transfer.id} does not match the payout (amount ${transfer.amount}, destination ${String(transfer.destination)}).`;
    await park(db, payout.id, payout.councilId, reason);
    return { outcome: "parked", reason };
  }
  return recordPaid(db, payout.id, transfer.id, now, false);
}

const NEW_KEY_MARK = "[new key] ";

async function recordPaid(db: Db, payoutId: string, transferId: string, now: Date, replayed: boolean): Promise<PayOutcome> {
  await db.$transaction((tx) => markPayoutPaidIn(tx, { payoutId, stripeTransferId: transferId, now }));
  checkpoint("payout-recorded");
  return { outcome: "paid", transferId, replayed };
}

async function afterFailure(
  db: Db,
  payout: { id: string; councilId: string },
  attempts: number,
  failure: Classified,
  now: Date,
): Promise<PayOutcome> {
  logger.warn({ payoutId: payout.id, attempts, reason: failure.reason }, "stripe payout attempt failed");
  if (failure.kind === "park" || ((failure.kind !== "retry-same-key" || failure.countsAsAttempt) && attempts >= MAX_STRIPE_ATTEMPTS)) {
    const reason = failure.kind === "park" ? failure.reason : `Gave up after ${attempts} attempts. Last error: ${failure.reason}`;
    // Every park after an answer from Stripe means its answer is stored under the key: a retry takes the next one.
    const answered = failure.kind !== "retry-same-key";
    await park(db, payout.id, payout.councilId, answered ? `${NEW_KEY_MARK}${reason}` : reason);
    return { outcome: "parked", reason };
  }
  const countsAsAttempt = failure.kind === "retry-new-key" || failure.countsAsAttempt;
  const nextAttemptAt = new Date(now.getTime() + backoffMs(attempts));
  await db.payout.updateMany({
    where: { id: payout.id, status: "PROCESSING" },
    data: {
      status: "PENDING",
      nextAttemptAt,
      failureReason: failure.kind === "retry-new-key" ? `${NEW_KEY_MARK}${failure.reason}` : failure.reason,
      // A 429 does not use up an attempt.
      ...(countsAsAttempt ? {} : { attempts: { decrement: 1 } }),
    },
  });
  return { outcome: "retry", reason: failure.reason, nextAttemptAt };
}

async function park(db: Db, payoutId: string, councilId: string, reason: string) {
  await db.$transaction(async (tx) => {
    const parked = await tx.payout.updateMany({
      where: { id: payoutId, status: { in: ["PENDING", "PROCESSING"] } },
      data: { status: "PARKED", failureReason: reason, nextAttemptAt: null },
    });
    if (parked.count === 0) return;
    const times = await tx.auditEvent.count({ where: { entityType: "Payout", entityId: payoutId, action: "payout.park" } });
    await recordAudit(tx, { councilId, action: "payout.park", entityType: "Payout", entityId: payoutId, data: { reason: reason.replace(NEW_KEY_MARK, "") } });
    await tellFinanceOfficers(tx, { payoutId, reason: reason.replace(NEW_KEY_MARK, ""), episode: times + 1 });
  });
}

/** Each time a payout is parked, the council's finance officers are told why (once per parking, through the outbox). */
async function tellFinanceOfficers(tx: DbTx, input: { payoutId: string; reason: string; episode: number }) {
  const payout = await tx.payout.findUniqueOrThrow({
    where: { id: input.payoutId },
    select: { runId: true, councilId: true, amountPence: true, provider: { select: { name: true } } },
  });
  const officers = await tx.membership.findMany({
    where: { councilId: payout.councilId, role: "FINANCE_OFFICER" },
    select: { user: { select: { id: true, email: true, phone: true } } },
  });
  const link = `${getEnv().APP_URL}/council/payouts/${payout.runId}`;
  for (const { user } of officers) {
    await queueMessage(tx, user, {
      template: "payout-parked",
      subject: `A payout to ${payout.provider.name} needs you`,
      body: `Playpass could not pay ${formatPence(payout.amountPence)} to ${payout.provider.name}.\n\n${input.reason}\n\nNothing has been paid twice. See the payout run and try again when it is fixed: ${link}`,
      dedupeKey: `payout-parked:${input.payoutId}:${input.episode}:${user.id}`,
    });
  }
}

/** The transfer Stripe made for a payout, found by the run's transfer group and the payout id in its metadata. */
export async function findTransferForPayout(stripe: Stripe, transferGroup: string, payoutId: string): Promise<Stripe.Transfer | null> {
  for await (const transfer of stripe.transfers.list({ transfer_group: transferGroup, limit: 100 })) {
    if (transfer.metadata?.payout_id === payoutId && !transfer.reversed) return transfer;
  }
  return null;
}

/** A finance officer sends a parked payout round again (after a balance top-up, or once bank details are in): by Stripe at the next sweep, by bank in the next file. */
export async function retryParkedPayout(db: Db, input: { councilId: string; payoutId: string; actorUserId: string; now?: Date }) {
  return db.$transaction(async (tx) => {
    const payout = await tx.payout.findFirst({ where: { id: input.payoutId, councilId: input.councilId }, select: { id: true, status: true, method: true } });
    if (!payout) throw new DomainError("NOT_FOUND", "That payout does not exist.");
    const updated = await tx.payout.updateMany({
      where: { id: payout.id, status: "PARKED" },
      // Attempts start again; the key is kept, and the next attempt lists transfers before any call.
      data: { status: "PENDING", nextAttemptAt: input.now ?? new Date(), attempts: 1 },
    });
    if (updated.count === 0) return { changed: false };
    await recordAudit(tx, { councilId: input.councilId, actorUserId: input.actorUserId, action: "payout.retry", entityType: "Payout", entityId: payout.id });
    return { changed: true };
  });
}

/** Stripe payouts whose next attempt is due, oldest first: what the settlement sweep pays. */
export async function dueStripePayouts(db: Db, input: { now: Date; limit: number }) {
  const rows = await db.payout.findMany({
    where: {
      method: "STRIPE_TRANSFER",
      status: { in: ["PENDING", "PROCESSING"] },
      OR: [{ nextAttemptAt: null }, { nextAttemptAt: { lte: input.now } }],
      run: { status: { in: ["APPROVED", "PAYING"] } },
    },
    orderBy: { createdAt: "asc" },
    take: input.limit,
    select: { id: true },
  });
  return rows.map((r) => r.id);
}
