// Queue "reminders": the day-before reminder for each booking, hourly through the day.
import type { Processor, RepeatOptions } from "bullmq";
import { getDb } from "~/lib/db.server";
import { QUEUES, type Payload } from "~/lib/queues.server";
import { sendDayBeforeReminders } from "~/domain/booking/reminders";

export const queue = QUEUES.reminders;

/** Job schedulers (BullMQ 6): on the hour from 09:00 to 20:00 London time; each run is idempotent (dedupe keys). */
export const schedules: { id: string; repeat: Omit<RepeatOptions, "key">; data: Payload<"reminders"> }[] = [
  { id: "send-day-before-reminders", repeat: { pattern: "0 9-20 * * *", tz: "Europe/London" }, data: { task: "send-day-before-reminders" } },
];

export const processJob: Processor = async (job) => {
  const payload = queue.payload.parse(job.data);
  switch (payload.task) {
    case "send-day-before-reminders":
      return sendDayBeforeReminders(getDb(), { now: new Date() });
  }
};
