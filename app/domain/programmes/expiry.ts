// Allocation expiry: a plain reminder 14 and 3 days before the date, then unspent credit back to the programme budget.
import type { Db } from "~/lib/db.server";
import { logger } from "~/lib/logger.server";
import { formatPence, penceFromBigInt } from "../money";
import { queueMessage } from "../notifications/messages";
import { expireAllocation } from "./allocations";

const DAY = 24 * 60 * 60 * 1000;
const BATCH = 500;

/** Days before expiry a reminder is due, longest first. */
export const EXPIRY_REMINDER_DAYS = [14, 3] as const;
export type ExpiryReminderDays = (typeof EXPIRY_REMINDER_DAYS)[number];

/**
 * The reminder due for an allocation expiring at `expiresAt`, or null. A reminder stays due until the next
 * one is (so a missed daily run catches up), and the 14-day one is never sent once the 3-day one is due.
 */
export function expiryReminderDue(expiresAt: Date, now: Date): ExpiryReminderDays | null {
  const left = expiresAt.getTime() - now.getTime();
  if (left <= 0) return null;
  const due = EXPIRY_REMINDER_DAYS.filter((days) => left <= days * DAY);
  return due.length === 0 ? null : due[due.length - 1]!;
}

/** At most one message per allocation per reminder, however many runs there are and however they overlap. */
export const expiryReminderKey = (allocationId: string, days: ExpiryReminderDays) => `expiry-reminder:${days}:${allocationId}`;

/**
 * Queues the due expiry reminders: ACTIVE allocations with credit left, expiring within 14 days, whose
 * young person can be reached. Plain facts only; nothing that pushes a child to spend.
 */
export async function sendExpiryReminders(db: Db, input: { now: Date }) {
  const { now } = input;
  const horizon = new Date(now.getTime() + Math.max(...EXPIRY_REMINDER_DAYS) * DAY);
  let checked = 0;
  let queued = 0;
  let after: string | undefined;
  for (;;) {
    const batch = await db.allocation.findMany({
      where: {
        status: "ACTIVE",
        expiresAt: { gt: now, lte: horizon },
        wallet: { is: { balancePence: { gt: 0n } } },
        youngPerson: { status: { not: "DEACTIVATED" } },
        ...(after ? { id: { gt: after } } : {}),
      },
      select: {
        id: true,
        expiresAt: true,
        wallet: { select: { balancePence: true } },
        youngPerson: { select: { firstName: true, email: true, phone: true } },
      },
      orderBy: { id: "asc" },
      take: BATCH,
    });
    for (const allocation of batch) {
      checked += 1;
      const days = expiryReminderDue(allocation.expiresAt, now);
      if (days === null || !allocation.wallet) continue;
      const leftPence = penceFromBigInt(allocation.wallet.balancePence);
      const until = formatExpiryDate(allocation.expiresAt, now);
      const id = await queueMessage(db, allocation.youngPerson, {
        template: "expiry-reminder",
        subject: "Your Playpass credit",
        body: `Hi ${allocation.youngPerson.firstName}, you have ${formatPence(leftPence)} left on your Playpass. It can be used until ${until}.`,
        dedupeKey: expiryReminderKey(allocation.id, days),
      });
      if (id) queued += 1;
    }
    if (batch.length < BATCH) break;
    after = batch[batch.length - 1]!.id;
  }
  return { checked, queued };
}

/**
 * Expires every allocation past its date that is still ACTIVE or FROZEN, up to `limit` per run, through
 * expireAllocation (unspent credit back to the budget, once). Held bookings stay held and redeemable.
 * One allocation failing does not stop the rest; its id is reported so the job can be retried.
 */
export async function expireDueAllocations(db: Db, input: { now: Date; limit: number }) {
  const due = await db.allocation.findMany({
    where: { status: { in: ["ACTIVE", "FROZEN"] }, expiresAt: { lte: input.now } },
    select: { id: true },
    orderBy: [{ expiresAt: "asc" }, { id: "asc" }],
    take: input.limit,
  });
  let returnedPence = 0;
  const failed: string[] = [];
  for (const { id } of due) {
    try {
      returnedPence += (await expireAllocation(db, { allocationId: id, now: input.now })).returnedPence;
    } catch (error) {
      failed.push(id);
      logger.error({ allocationId: id, error: error instanceof Error ? error.message : String(error) }, "allocation could not be expired");
    }
  }
  return { expired: due.length - failed.length, returnedPence, failed, more: due.length === input.limit };
}

/** "1 September", with the year when it is not this year. Expiry is the end of a UTC calendar day, so the day is read in UTC. */
function formatExpiryDate(expiresAt: Date, now: Date): string {
  const sameYear = expiresAt.getUTCFullYear() === now.getUTCFullYear();
  return expiresAt.toLocaleDateString("en-GB", { timeZone: "UTC", day: "numeric", month: "long", ...(sameYear ? {} : { year: "numeric" }) });
}
