// Scheduled payout runs: per council, daily or weekly as its programmes say, at most one per period.
import { TZDate } from "@date-fns/tz";
import { startOfDay, startOfISOWeek } from "date-fns";
import type { Db } from "~/lib/db.server";
import { logger } from "~/lib/logger.server";
import { makeDueRedemptionsPayable } from "../reconciliation/payable";
import { checkpoint } from "./checkpoints";
import { createPayoutRun } from "./payouts";

const ZONE = "Europe/London";

/**
 * How a council is paid out: daily if any of its live programmes asks for daily payouts (providers
 * are paid sooner), weekly otherwise; the approval threshold is the strictest of its programmes'.
 */
export async function councilPayoutPolicy(db: Db, councilId: string) {
  const programmes = await db.programme.findMany({
    where: { councilId, status: { in: ["ACTIVE", "CLOSED"] } },
    select: { payoutSchedule: true, approvalThresholdPence: true },
  });
  const schedule = programmes.some((p) => p.payoutSchedule === "DAILY") ? ("DAILY" as const) : ("WEEKLY" as const);
  const approvalThresholdPence = programmes.length > 0 ? Math.min(...programmes.map((p) => p.approvalThresholdPence)) : 0;
  return { schedule, approvalThresholdPence };
}

/** The start of the current payout period in London: today, or this week's Monday. */
export function periodStart(schedule: "DAILY" | "WEEKLY", now: Date): Date {
  const local = new TZDate(now, ZONE);
  return new Date((schedule === "DAILY" ? startOfDay(local) : startOfISOWeek(local)).getTime());
}

/**
 * Opens this period's payout run for every council with payable redemptions and no run yet in the
 * period. Running it twice, or on two workers at once, opens each run once.
 */
export async function createDuePayoutRuns(db: Db, input: { now: Date; stripeAvailable: boolean }) {
  // Councils with something a run would take (payable, or past the dispute window and not yet swept).
  const councils = await db.$queryRaw<{ councilId: string }[]>`
    SELECT DISTINCT "councilId" FROM "Redemption"
    WHERE "payoutId" IS NULL AND "amountPence" > 0 AND ("status" = 'PAYABLE' OR ("status" = 'PENDING' AND "payableAt" <= ${input.now}))
    ORDER BY 1`;
  const created: { runId: string; councilId: string; status: string; payoutIds: string[] }[] = [];
  for (const { councilId } of councils) {
    const policy = await councilPayoutPolicy(db, councilId);
    const run = await createPayoutRun(db, {
      councilId,
      approvalThresholdPence: policy.approvalThresholdPence,
      stripeAvailable: input.stripeAvailable,
      notIfRunSince: periodStart(policy.schedule, input.now),
      now: input.now,
    });
    if (run) {
      created.push({ runId: run.id, councilId, status: run.status, payoutIds: run.payouts.map((p) => p.id) });
      logger.info({ councilId, runId: run.id, status: run.status, payouts: run.payouts.length }, "payout run opened");
      checkpoint("run-opened");
    }
  }
  return { councils: councils.length, created };
}

/**
 * A finance officer's "run settlement now": redemptions past their dispute window (and not held
 * by a dispute) become payable, and a run opens at once whatever the schedule, under the usual approval
 * threshold. Running it twice opens one run: the second finds every payable redemption already claimed.
 */
export async function settleCouncilNow(db: Db, input: { councilId: string; now: Date; stripeAvailable: boolean }) {
  // The same sweep as the scheduled one (every council): what it makes payable is due anyway.
  const { madePayable } = await makeDueRedemptionsPayable(db, { now: input.now });
  const policy = await councilPayoutPolicy(db, input.councilId);
  const run = await createPayoutRun(db, {
    councilId: input.councilId,
    approvalThresholdPence: policy.approvalThresholdPence,
    stripeAvailable: input.stripeAvailable,
    now: input.now,
  });
  if (run) logger.info({ councilId: input.councilId, runId: run.id, status: run.status, payouts: run.payouts.length }, "payout run opened on request");
  return { madePayable, run: run ? { runId: run.id, status: run.status, payoutIds: run.payouts.map((p) => p.id) } : null };
}
