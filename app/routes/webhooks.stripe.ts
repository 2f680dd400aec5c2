// Stripe webhook endpoint: the signature is checked against the raw body, the event stored once by id,
// and processing handed to the settlement worker (which re-reads the object from Stripe).
import type { ActionFunctionArgs } from "@remix-run/node";
import { recordStripeEvent, verifyStripeWebhook, WebhookSignatureError } from "~/domain/settlement";
import { getDb } from "~/lib/db.server";
import { logger } from "~/lib/logger.server";
import { enqueue } from "~/lib/queues.server";
import { getStripe, getStripeWebhookSecret } from "~/lib/stripe.server";

const MAX_BODY_BYTES = 512 * 1024;

const answer = (status: number, body: Record<string, unknown>) =>
  new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json", "Cache-Control": "no-store" } });

export async function loader() {
  return answer(405, { error: "Stripe sends webhooks with POST." });
}

export async function action({ request }: ActionFunctionArgs) {
  if (request.method !== "POST") return answer(405, { error: "Stripe sends webhooks with POST." });
  const stripe = getStripe();
  const secret = getStripeWebhookSecret();
  // Not configured: Stripe will retry for days, which is what we want once the keys are set.
  if (!stripe || !secret) return answer(503, { error: "Stripe webhooks are not configured here." });

  const length = Number(request.headers.get("Content-Length") ?? 0);
  if (length > MAX_BODY_BYTES) return answer(413, { error: "Body too large." });
  // The raw bytes as sent: the signature covers them, not a re-serialised object.
  const rawBody = await request.text();
  if (rawBody.length > MAX_BODY_BYTES) return answer(413, { error: "Body too large." });

  let event;
  try {
    event = verifyStripeWebhook(stripe, { rawBody, signature: request.headers.get("Stripe-Signature"), secret });
  } catch (error) {
    if (error instanceof WebhookSignatureError) {
      logger.warn({ reason: error.message }, "stripe webhook refused");
      return answer(400, { error: "Webhook signature verification failed." });
    }
    throw error;
  }

  const { isNew } = await recordStripeEvent(getDb(), event);
  // Stored first, queued second: if the queue add is lost, the settlement sweep finds the event unprocessed.
  if (isNew) {
    await enqueue("settlement", `stripe-event-${event.id}`, { task: "process-stripe-event", eventId: event.id }).catch((error: unknown) =>
      logger.warn({ eventId: event.id, error: error instanceof Error ? error.message : String(error) }, "stripe event stored but not queued; the sweep will process it"),
    );
  }
  return answer(200, { received: true, duplicate: !isNew });
}
