// Delivers an outbox message through GOV.UK Notify, or keeps it for the development outbox page.
import { NotifyClient } from "notifications-node-client";
import type { Db } from "~/lib/db.server";
import { getEnv } from "~/lib/env.server";
import { logger } from "~/lib/logger.server";
import { checkpoint } from "../settlement/checkpoints";

let client: NotifyClient | undefined;
function notifyClient(apiKey: string) {
  client ??= new NotifyClient(apiKey);
  return client;
}

export type DeliveryOutcome = "SENT" | "OUTBOX" | "ALREADY_DONE";

/** How long one call to Notify may take before we give up on it (the client itself never times out). */
const NOTIFY_TIMEOUT_MS = 10_000;

/**
 * Sends one PENDING message and records the outcome, exactly once. Notify has no idempotency key, so
 * sendingAt is set before each call; a delivery that finds it already set (a crash, a timeout or a lost
 * answer after Notify may have accepted it) asks Notify for the message by its reference (our id) and
 * records that one instead of sending again.
 */
export async function deliverMessage(db: Db, messageId: string, options: { timeoutMs?: number } = {}): Promise<DeliveryOutcome> {
  const env = getEnv();
  const message = await db.message.findUnique({ where: { id: messageId } });
  if (!message || message.status !== "PENDING") return "ALREADY_DONE";

  if (!env.NOTIFY_API_KEY) {
    await db.message.updateMany({ where: { id: messageId, status: "PENDING" }, data: { status: "OUTBOX" } });
    return "OUTBOX";
  }

  const notify = notifyClient(env.NOTIFY_API_KEY);
  // Compare-and-set on sendingAt: of two deliveries running at once, one goes on and the other retries later.
  const claimed = await db.message.updateMany({ where: { id: messageId, status: "PENDING", sendingAt: message.sendingAt }, data: { sendingAt: new Date() } });
  if (claimed.count === 0) throw new Error(`message ${messageId} is being delivered by another job`);
  const timeoutMs = options.timeoutMs ?? NOTIFY_TIMEOUT_MS;
  try {
    if (message.sendingAt) {
      const earlier = await withTimeout(notify.getNotifications(message.channel === "EMAIL" ? "email" : "sms", undefined, message.id), timeoutMs);
      const found = (earlier.data as { notifications?: { id: string }[] }).notifications?.[0];
      if (found) return await recordSent(db, message, found.id);
    }
    const personalisation = { subject: message.subject, body: message.body };
    const response =
      message.channel === "EMAIL"
        ? await withTimeout(notify.sendEmail(env.NOTIFY_EMAIL_TEMPLATE_ID!, message.recipient, { personalisation, reference: message.id }), timeoutMs)
        : await withTimeout(notify.sendSms(env.NOTIFY_SMS_TEMPLATE_ID!, message.recipient, { personalisation, reference: message.id }), timeoutMs);
    checkpoint("notify-accepted");
    return await recordSent(db, message, response.data.id);
  } catch (error) {
    const status = (error as { response?: { status?: number } }).response?.status;
    logger.warn({ messageId, status, template: message.template }, "Notify did not accept a message");
    // 4xx other than rate limits will not succeed on retry: record why and stop.
    if (status !== undefined && status >= 400 && status < 500 && status !== 429) {
      await db.message.updateMany({ where: { id: messageId, status: "PENDING" }, data: { status: "FAILED", failureReason: `Notify answered ${status}` } });
      return "ALREADY_DONE";
    }
    throw error;
  }
}

async function recordSent(db: Db, message: { id: string; redactAfterSend: boolean }, notifyId: string): Promise<DeliveryOutcome> {
  await db.message.updateMany({
    where: { id: message.id, status: "PENDING" },
    data: { status: "SENT", sentAt: new Date(), notifyId, ...(message.redactAfterSend ? { body: "[sent; not kept]" } : {}) },
  });
  return "SENT";
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Notify did not answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
