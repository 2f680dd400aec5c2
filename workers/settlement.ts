// Queue "settlement": scheduled payout runs, Stripe transfers (with their retries) and Stripe webhook events.
import { UnrecoverableError, type Processor, type RepeatOptions } from "bullmq";
import { getDb } from "~/lib/db.server";
import { QUEUES, requeue, type Payload } from "~/lib/queues.server";
import { getStripe } from "~/lib/stripe.server";
import {
  createDuePayoutRuns,
  dueStripePayouts,
  payPayoutByStripe,
  processStripeEvent,
  reconcileRunWithStripe,
  runsToReconcile,
  settleCouncilNow,
  unprocessedStripeEvents,
} from "~/domain/settlement";

export const queue = QUEUES.settlement;

const MINUTE = 60 * 1000;
const PAYOUTS_PER_SWEEP = 100;
const EVENTS_PER_SWEEP = 500;

/** Job schedulers (BullMQ 6): upserted at every start; each run is idempotent, so duplicates are harmless. */
export const schedules: { id: string; repeat: Omit<RepeatOptions, "key">; data: Payload<"settlement"> }[] = [
  // Runs are opened at most once per council per day or week (the period is checked under a lock).
  { id: "create-payout-runs", repeat: { every: 15 * MINUTE }, data: { task: "create-payout-runs" } },
  // Retries with backoff: each payout's next attempt is kept in the database, so this sweep finds it.
  { id: "pay-due-payouts", repeat: { every: MINUTE }, data: { task: "pay-due-payouts" } },
  // Events stored but never processed (the queue add was lost with the process): processed here.
  { id: "sweep-stripe-events", repeat: { every: 5 * MINUTE }, data: { task: "sweep-stripe-events" } },
  // Daily at 06:00 London time: every recent run's Stripe payouts checked against Stripe's transfers.
  { id: "reconcile-runs", repeat: { pattern: "0 6 * * *", tz: "Europe/London" }, data: { task: "reconcile-runs" } },
];

/**
 * The job id of paying one payout: re-adding it while the first is stored is harmless. Re-adds go through
 * requeue, so a job that failed for good under the same id (kept for weeks) is retried rather than ignored.
 */
export const payPayoutJobId = (payoutId: string) => `pay-payout-${payoutId}`;
export const stripeEventJobId = (eventId: string) => `stripe-event-${eventId}`;

export const processJob: Processor = async (job) => {
  const payload = queue.payload.parse(job.data);
  const db = getDb();
  const now = new Date();
  const stripe = getStripe();
  switch (payload.task) {
    case "create-payout-runs": {
      const result = await createDuePayoutRuns(db, { now, stripeAvailable: stripe !== null });
      // Approved runs start paying at once; the sweep would find them within a minute anyway.
      if (stripe) {
        for (const payoutId of await dueStripePayouts(db, { now, limit: PAYOUTS_PER_SWEEP })) {
          await requeue("settlement", payPayoutJobId(payoutId), { task: "pay-payout", payoutId });
        }
      }
      return result;
    }
    case "settle-council-now": {
      const result = await settleCouncilNow(db, { councilId: payload.councilId, now, stripeAvailable: stripe !== null });
      if (stripe) {
        for (const payoutId of await dueStripePayouts(db, { now, limit: PAYOUTS_PER_SWEEP })) {
          await requeue("settlement", payPayoutJobId(payoutId), { task: "pay-payout", payoutId });
        }
      }
      return result;
    }
    case "pay-payout": {
      if (!stripe) throw new UnrecoverableError("STRIPE_SECRET_KEY is not set: Stripe payouts are paid by bank file instead");
      return payPayoutByStripe(db, stripe, { payoutId: payload.payoutId, now });
    }
    case "pay-due-payouts": {
      if (!stripe) return { skipped: "Stripe is not configured" };
      const outcomes: Record<string, number> = {};
      for (const payoutId of await dueStripePayouts(db, { now, limit: PAYOUTS_PER_SWEEP })) {
        const result = await payPayoutByStripe(db, stripe, { payoutId, now: new Date() });
        outcomes[result.outcome] = (outcomes[result.outcome] ?? 0) + 1;
      }
      return outcomes;
    }
    case "process-stripe-event": {
      if (!stripe) throw new UnrecoverableError("STRIPE_SECRET_KEY is not set: Stripe events cannot be processed");
      return processStripeEvent(db, stripe, { eventId: payload.eventId, now });
    }
    case "sweep-stripe-events": {
      if (!stripe) return { skipped: "Stripe is not configured" };
      const ids = await unprocessedStripeEvents(db, { receivedBefore: new Date(now.getTime() - MINUTE), limit: EVENTS_PER_SWEEP });
      for (const eventId of ids) await requeue("settlement", stripeEventJobId(eventId), { task: "process-stripe-event", eventId });
      return { requeued: ids.length };
    }
    case "reconcile-runs": {
      if (!stripe) return { skipped: "Stripe is not configured" };
      const results = [];
      for (const runId of await runsToReconcile(db, { now })) results.push(await reconcileRunWithStripe(db, stripe, { runId }));
      return { runs: results.length, withDifferences: results.filter((r) => r.differences.length > 0).map((r) => r.runId) };
    }
  }
};
