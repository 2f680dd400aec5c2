// Queue "notifications": deliver one outbox message through GOV.UK Notify.
import { getDb } from "~/lib/db.server";
import { QUEUES } from "~/lib/queues.server";
import { deliverMessage } from "~/domain/notifications/send";
import type { Processor } from "bullmq";

export const queue = QUEUES.notifications;

export const processJob: Processor = async (job) => {
  const { messageId } = queue.payload.parse(job.data);
  return deliverMessage(getDb(), messageId);
};
