// Reconciliation closes (RELIABILITY 16): what Playpass says a run paid by Stripe must equal the
// transfers Stripe holds in the run's transfer group. A difference is recorded for people, never fixed here.
import type Stripe from "stripe";
import type { Db } from "~/lib/db.server";
import { recordAudit } from "../audit";
import { DomainError } from "../errors";

export type RunReconciliation = { runId: string; checkedPayouts: number; transfers: number; differences: string[] };

export async function reconcileRunWithStripe(db: Db, stripe: Stripe, input: { runId: string }): Promise<RunReconciliation> {
  const run = await db.payoutRun.findUnique({
    where: { id: input.runId },
    select: { id: true, councilId: true, transferGroup: true, payouts: { where: { method: "STRIPE_TRANSFER" }, select: { id: true, status: true, amountPence: true, stripeTransferId: true } } },
  });
  if (!run?.transferGroup) throw new DomainError("NOT_FOUND", "That payout run does not exist.");

  const transfers: Stripe.Transfer[] = [];
  for await (const transfer of stripe.transfers.list({ transfer_group: run.transferGroup, limit: 100 })) transfers.push(transfer);

  const differences: string[] = [];
  const byPayout = new Map<string, Stripe.Transfer[]>();
  for (const transfer of transfers) {
    const payoutId = transfer.metadata?.payout_id ?? "";
    byPayout.set(payoutId, [...(byPayout.get(payoutId) ?? []), transfer]);
  }
  for (const payout of run.payouts) {
    const found = byPayout.get(payout.id) ?? [];
    byPayout.delete(payout.id);
    if (payout.status === "PAID") {
      if (found.length !== 1) differences.push(`payout ${payout.id} is paid in Playpass but Stripe has ${found.length} transfers for it`);
      else if (found[0]!.id !== payout.stripeTransferId) differences.push(`payout ${payout.id} records transfer ${payout.stripeTransferId} but Stripe's is ${found[0]!.id}`);
      else if (found[0]!.amount - found[0]!.amount_reversed !== payout.amountPence) {
        differences.push(`payout ${payout.id} of ${payout.amountPence} pence: Stripe's transfer ${found[0]!.id} is ${found[0]!.amount} pence with ${found[0]!.amount_reversed} reversed`);
      }
    } else if (found.length > 0) {
      differences.push(`payout ${payout.id} is ${payout.status.toLowerCase()} in Playpass but Stripe has transfer ${found.map((t) => t.id).join(", ")}`);
    }
  }
  for (const [payoutId, extra] of byPayout) {
    differences.push(`Stripe has ${extra.length} transfer(s) in this run's group for ${payoutId ? `unknown payout ${payoutId}` : "no payout"}: ${extra.map((t) => t.id).join(", ")}`);
  }

  await recordAudit(db, {
    councilId: run.councilId,
    action: differences.length === 0 ? "payout-run.reconciled" : "payout-run.reconciliation-difference",
    entityType: "PayoutRun",
    entityId: run.id,
    data: { transfers: transfers.length, differences: differences.length, first: differences[0] ?? null },
  });
  return { runId: run.id, checkedPayouts: run.payouts.length, transfers: transfers.length, differences };
}

/** Runs with Stripe payouts from the last two weeks: what the daily reconciliation checks. */
export async function runsToReconcile(db: Db, input: { now: Date }) {
  const rows = await db.payoutRun.findMany({
    where: { createdAt: { gte: new Date(input.now.getTime() - 14 * 24 * 60 * 60 * 1000) }, status: { in: ["PAYING", "COMPLETED"] }, payouts: { some: { method: "STRIPE_TRANSFER" } } },
    select: { id: true },
    orderBy: { createdAt: "asc" },
  });
  return rows.map((r) => r.id);
}

/** The latest check of a run against Stripe, for its page. */
export async function latestReconciliation(db: Db, input: { councilId: string; runId: string }) {
  const event = await db.auditEvent.findFirst({
    where: { councilId: input.councilId, entityType: "PayoutRun", entityId: input.runId, action: { in: ["payout-run.reconciled", "payout-run.reconciliation-difference"] } },
    orderBy: { createdAt: "desc" },
    select: { action: true, createdAt: true, data: true },
  });
  if (!event) return null;
  const data = event.data as { differences?: number; first?: string | null };
  return { checkedAt: event.createdAt, matches: event.action === "payout-run.reconciled", differences: data.differences ?? 0, first: data.first ?? null };
}
