// Queue "reconciliation": scheduled no-show sweeps, redemptions made payable, expiry reminders and expiry.
import type { Processor, RepeatOptions } from "bullmq";
import { getDb } from "~/lib/db.server";
import { QUEUES, type Payload } from "~/lib/queues.server";
import { makeDueRedemptionsPayable, sweepNoShows } from "~/domain/reconciliation";
import { expireDueAllocations, sendExpiryReminders } from "~/domain/programmes";

export const queue = QUEUES.reconciliation;

const MINUTE = 60 * 1000;
/** Per run; what is left over is taken by the next run. */
const NO_SHOWS_PER_RUN = 1_000;
const EXPIRIES_PER_RUN = 5_000;

/** Job schedulers (BullMQ 6): upserted at every start; each run is idempotent, so duplicates are harmless. */
export const schedules: { id: string; repeat: Omit<RepeatOptions, "key">; data: Payload<"reconciliation"> }[] = [
  { id: "sweep-no-shows", repeat: { every: 5 * MINUTE }, data: { task: "sweep-no-shows" } },
  { id: "make-payable", repeat: { every: 5 * MINUTE }, data: { task: "make-payable" } },
  // Daily at 10:00 London time: a message to a young person should not arrive in the night.
  { id: "send-expiry-reminders", repeat: { pattern: "0 10 * * *", tz: "Europe/London" }, data: { task: "send-expiry-reminders" } },
  { id: "expire-allocations", repeat: { every: 60 * MINUTE }, data: { task: "expire-allocations" } },
];

export const processJob: Processor = async (job) => {
  const payload = queue.payload.parse(job.data);
  const db = getDb();
  const now = new Date();
  switch (payload.task) {
    case "sweep-no-shows":
      return failIfAnyFailed(await sweepNoShows(db, { now, limit: NO_SHOWS_PER_RUN }), "bookings");
    case "make-payable":
      return makeDueRedemptionsPayable(db, { now });
    case "send-expiry-reminders":
      return sendExpiryReminders(db, { now });
    case "expire-allocations":
      return failIfAnyFailed(await expireDueAllocations(db, { now, limit: EXPIRIES_PER_RUN }), "allocations");
  }
};

/** The rest of the batch is done; failing the job makes BullMQ retry the failed items with backoff and keep the reason. */
function failIfAnyFailed<T extends { failed: string[] }>(result: T, what: string): T {
  if (result.failed.length > 0) throw new Error(`${result.failed.length} ${what} could not be processed: ${result.failed.slice(0, 10).join(", ")}`);
  return result;
}
