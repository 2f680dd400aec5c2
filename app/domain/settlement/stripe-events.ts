// Stripe webhook events: verified against the raw body, stored once by event id, then processed by the
// settlement worker. Processing re-reads the account or transfer from Stripe, so duplicates, stale
// events and any order of delivery leave the same state as the clean sequence.
import type Stripe from "stripe";
import type { Db } from "~/lib/db.server";
import { recordAudit } from "../audit";
import { markPayoutPaidIn } from "./payouts";
import { syncStripeAccount } from "./provider-payments";

/** Stripe's own default: a signature older than five minutes is refused, so a captured request cannot be replayed later. */
export const WEBHOOK_TOLERANCE_SECONDS = 300;

export type VerifiedStripeEvent = { id: string; type: string; account: string | null; objectId: string | null; livemode: boolean };

export class WebhookSignatureError extends Error {
  override name = "WebhookSignatureError";
}

/**
 * Checks the Stripe-Signature header against the raw body and reads what we store. Accepts classic
 * snapshot events (`object: "event"`) and Accounts v2 thin events (`object: "v2.core.event"`).
 */
export function verifyStripeWebhook(stripe: Stripe, input: { rawBody: string; signature: string | null; secret: string }): VerifiedStripeEvent {
  if (!input.signature) throw new WebhookSignatureError("No Stripe-Signature header");
  let kind: unknown;
  try {
    kind = (JSON.parse(input.rawBody) as { object?: unknown }).object;
  } catch {
    throw new WebhookSignatureError("The body is not JSON");
  }
  try {
    if (kind === "v2.core.event") {
      const notification = stripe.parseEventNotification(input.rawBody, input.signature, input.secret, WEBHOOK_TOLERANCE_SECONDS) as unknown as {
        id: string;
        type: string;
        livemode: boolean;
        context?: string | null;
        related_object?: { id: string } | null;
      };
      if (typeof notification.id !== "string" || notification.id === "" || typeof notification.type !== "string") throw new WebhookSignatureError("The event has no id or type");
      return {
        id: notification.id,
        type: notification.type,
        account: textOrNull(notification.context),
        objectId: textOrNull(notification.related_object?.id),
        livemode: notification.livemode === true,
      };
    }
    const event = stripe.webhooks.constructEvent(input.rawBody, input.signature, input.secret, WEBHOOK_TOLERANCE_SECONDS);
    // Signed is not the same as well-formed: an event without a string id and type cannot be stored once by id.
    if (typeof event.id !== "string" || event.id === "" || typeof event.type !== "string") throw new WebhookSignatureError("The event has no id or type");
    const object = event.data.object as { id?: string; account?: string | { id: string } };
    const nestedAccount = typeof object.account === "string" ? object.account : object.account?.id;
    // Account-level events are about an acct_... even when the object is a capability or a person.
    const objectId = event.type.startsWith("account.") || event.type.startsWith("capability.") || event.type.startsWith("person.")
      ? (object.id?.startsWith("acct_") ? object.id : (nestedAccount ?? event.account ?? null))
      : (object.id ?? null);
    return { id: event.id, type: event.type, account: textOrNull(event.account), objectId: textOrNull(objectId), livemode: event.livemode === true };
  } catch (error) {
    if (error instanceof WebhookSignatureError) throw error;
    throw new WebhookSignatureError(error instanceof Error ? error.message : "signature verification failed");
  }
}

const textOrNull = (value: unknown): string | null => (typeof value === "string" ? value : null);

/** Stores an event once: a duplicate delivery answers `isNew: false` and changes nothing. */
export async function recordStripeEvent(db: Db, event: VerifiedStripeEvent) {
  const inserted = await db.$executeRaw`
    INSERT INTO "StripeEvent" ("id", "type", "account", "objectId", "livemode")
    VALUES (${event.id}, ${event.type}, ${event.account}, ${event.objectId}, ${event.livemode})
    ON CONFLICT ("id") DO NOTHING`;
  return { isNew: inserted === 1 };
}

export type EventOutcome = { eventId: string; outcome: "already-processed" | "unknown-event" | "ignored" | "account-synced" | "transfer-reconciled"; detail?: unknown };

/** Processes one stored event. Running it twice, or after a crash half way, gives the same state. */
export async function processStripeEvent(db: Db, stripe: Stripe, input: { eventId: string; now?: Date }): Promise<EventOutcome> {
  const event = await db.stripeEvent.findUnique({ where: { id: input.eventId } });
  if (!event) return { eventId: input.eventId, outcome: "unknown-event" };
  if (event.processedAt) return { eventId: event.id, outcome: "already-processed" };
  try {
    let outcome: EventOutcome;
    if (isAccountEvent(event.type) && event.objectId?.startsWith("acct_")) {
      const result = await syncStripeAccount(db, stripe, { accountId: event.objectId, now: input.now });
      outcome = { eventId: event.id, outcome: "account-synced", detail: result };
    } else if (event.type.startsWith("transfer.") && event.objectId?.startsWith("tr_")) {
      outcome = { eventId: event.id, outcome: "transfer-reconciled", detail: await reconcileTransfer(db, stripe, { transferId: event.objectId, now: input.now }) };
    } else {
      outcome = { eventId: event.id, outcome: "ignored" };
    }
    await db.stripeEvent.updateMany({ where: { id: event.id, processedAt: null }, data: { processedAt: input.now ?? new Date(), error: null } });
    return outcome;
  } catch (error) {
    await db.stripeEvent.update({ where: { id: event.id }, data: { error: error instanceof Error ? error.message.slice(0, 500) : String(error) } });
    throw error;
  }
}

function isAccountEvent(type: string) {
  return type.startsWith("account.") || type.startsWith("capability.") || type.startsWith("person.") || type.startsWith("v2.core.account");
}

/**
 * Matches a Stripe transfer to its payout by the payout id in its metadata. A transfer we made but never
 * heard back about records the payout paid; a reversal is reported on the payout, never silently undone.
 */
export async function reconcileTransfer(db: Db, stripe: Stripe, input: { transferId: string; now?: Date }) {
  const transfer = await stripe.transfers.retrieve(input.transferId);
  const payoutId = transfer.metadata?.payout_id;
  if (!payoutId) return { matched: false as const };
  return db.$transaction(async (tx) => {
    const payout = await tx.payout.findUnique({
      where: { id: payoutId },
      select: { id: true, councilId: true, status: true, method: true, amountPence: true, stripeTransferId: true, provider: { select: { stripeAccountId: true } } },
    });
    if (!payout || payout.method !== "STRIPE_TRANSFER") return { matched: false as const };
    const matches = transfer.amount === payout.amountPence && transfer.destination === payout.provider.stripeAccountId;
    if (!matches || (payout.stripeTransferId && payout.stripeTransferId !== transfer.id)) {
      await recordAudit(tx, { councilId: payout.councilId, action: "payout.stripe-mismatch", entityType: "Payout", entityId: payout.id, data: { transferId: transfer.id, amount: transfer.amount } });
      return { matched: true as const, payoutId, difference: true };
    }
    if (transfer.reversed || transfer.amount_reversed > 0) {
      await tx.payout.update({ where: { id: payout.id }, data: { failureReason: `Stripe reports ${transfer.amount_reversed} pence of transfer ${transfer.id} reversed. Check with the provider before paying again.` } });
      await recordAudit(tx, { councilId: payout.councilId, action: "payout.transfer-reversed", entityType: "Payout", entityId: payout.id, data: { transferId: transfer.id, amountReversed: transfer.amount_reversed } });
      return { matched: true as const, payoutId, reversed: true };
    }
    const paid = await markPayoutPaidIn(tx, { payoutId: payout.id, stripeTransferId: transfer.id, now: input.now });
    return { matched: true as const, payoutId, paidNow: paid.changed };
  });
}

/** Events stored but not processed (the queue add was lost, or processing failed): what the sweep picks up. */
export async function unprocessedStripeEvents(db: Db, input: { receivedBefore: Date; limit: number }) {
  const rows = await db.stripeEvent.findMany({
    where: { processedAt: null, receivedAt: { lte: input.receivedBefore } },
    orderBy: { receivedAt: "asc" },
    take: input.limit,
    select: { id: true },
  });
  return rows.map((r) => r.id);
}
