// Delivers an outbox message through GOV.UK Notify, or keeps it for the development outbox page.
import { NotifyClient } from "notifications-node-client";
import type { Db } from "~/lib/db.server";
import { getEnv } from "~/lib/env.server";
import { logger } from "~/lib/logger.server";

let client: NotifyClient | undefined;
function notifyClient(apiKey: string) {
  client ??= new NotifyClient(apiKey);
  return client;
}

export type DeliveryOutcome = "SENT" | "OUTBOX" | "ALREADY_DONE";

/**
 * Sends one PENDING message and records the outcome. Notify's reference is our message id, so a
 * resend after a crash between the call and our update can be matched up in Notify.
 * (Delivery is at least once; codes are short-lived, so a rare duplicate SMS is harmless.)
 */
export async function deliverMessage(db: Db, messageId: string): Promise<DeliveryOutcome> {
  const env = getEnv();
  const message = await db.message.findUnique({ where: { id: messageId } });
  if (!message || message.status !== "PENDING") return "ALREADY_DONE";

  if (!env.NOTIFY_API_KEY) {
    await db.message.updateMany({ where: { id: messageId, status: "PENDING" }, data: { status: "OUTBOX" } });
    return "OUTBOX";
  }

  const notify = notifyClient(env.NOTIFY_API_KEY);
  const personalisation = { subject: message.subject, body: message.body };
  try {
    const response =
      message.channel === "EMAIL"
        ? await notify.sendEmail(env.NOTIFY_EMAIL_TEMPLATE_ID!, message.recipient, { personalisation, reference: message.id })
        : await notify.sendSms(env.NOTIFY_SMS_TEMPLATE_ID!, message.recipient, { personalisation, reference: message.id });
    await db.message.updateMany({
      where: { id: messageId, status: "PENDING" },
      data: {
        status: "SENT",
        sentAt: new Date(),
        notifyId: response.data.id,
        ...(message.redactAfterSend ? { body: "[sent; not kept]" } : {}),
      },
    });
    return "SENT";
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
