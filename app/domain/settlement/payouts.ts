// Payout runs in the ledger: redemptions become payable after the dispute window, are grouped
// per provider into payouts, and each payout is paid once. (Stripe and bank files sit on top of this.)
import { randomUUID } from "node:crypto";
import type { Db, DbTx } from "~/lib/db.server";
import { councilAccountId, postTransfer, postTransfers, providerPayableAccountIds } from "../ledger";
import { DomainError } from "../errors";
import { recordAudit } from "../audit";
import { penceFromBigInt } from "../money";
import { notHeldByADisputeSql, payableForRunSql } from "../reconciliation/payable";

/** Redemptions whose dispute window has passed become payable. */
export async function makeRedemptionsPayable(db: Db, input: { councilId: string; now?: Date }) {
  const result = await db.redemption.updateMany({
    where: { councilId: input.councilId, status: "PENDING", payableAt: { lte: input.now ?? new Date() } },
    data: { status: "PAYABLE" },
  });
  return result.count;
}

/** Stripe's transfer_group for every transfer of a run: derived from the run id, so it never changes. */
export const transferGroupFor = (runId: string) => `payout-run-${runId}`;

export type CreatePayoutRunInput = {
  councilId: string;
  /** Runs whose total is above this wait for a finance officer. */
  approvalThresholdPence?: number;
  /** Whether Stripe payouts are possible at all (a secret key is set); otherwise every payout goes in the bank file. */
  stripeAvailable?: boolean;
  /** A scheduled run: do nothing when the council already has a run created at or after this moment. */
  notIfRunSince?: Date;
  now?: Date;
};

/**
 * Opens a payout run: takes every payable redemption of the council (and every one past its dispute
 * window that no dispute holds, without waiting for the sweep to mark it payable), one payout per provider,
 * and moves each payout's money from the provider's payable balance to payouts in flight.
 * Runs over the programme's approval threshold wait for a finance officer.
 */
export async function createPayoutRun(db: Db, input: CreatePayoutRunInput) {
  // A dispute raised while the run was claiming undoes the attempt; the next one sees it from the start.
  for (let attempt = 1; ; attempt++) {
    try {
      return await openPayoutRun(db, input);
    } catch (error) {
      if (!(error instanceof DisputeRaisedDuringRun) || attempt >= 3) throw error;
    }
  }
}

async function openPayoutRun(db: Db, input: CreatePayoutRunInput) {
  const now = input.now ?? new Date();
  return db.$transaction(async (tx) => {
    // One run at a time per council: the lock makes a second concurrent run wait, then find nothing left.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('payout-run'), hashtext(${input.councilId}))`;
    if (input.notIfRunSince) {
      const recent = await tx.payoutRun.count({ where: { councilId: input.councilId, createdAt: { gte: input.notIfRunSince } } });
      if (recent > 0) return null;
    }
    // What the run takes, per provider: payable redemptions, and those past their dispute window that the
    // reconciliation sweep has not marked yet (payableForRunSql), so a run never waits for a pass of its own.
    const grouped = await tx.$queryRaw<{ providerId: string; amountPence: bigint }[]>`
      SELECT r."providerId", sum(r."amountPence")::bigint AS "amountPence" FROM "Redemption" r
      WHERE ${payableForRunSql(input.councilId, now)}
      GROUP BY r."providerId" ORDER BY r."providerId"`;
    if (grouped.length === 0) return null;
    const payable = grouped.map((p) => ({ providerId: p.providerId, amountPence: penceFromBigInt(p.amountPence) }));

    const total = payable.reduce((sum, p) => sum + p.amountPence, 0);
    const needsApproval = input.approvalThresholdPence !== undefined && total > input.approvalThresholdPence;
    const runId = randomUUID();
    const run = await tx.payoutRun.create({
      data: {
        id: runId,
        councilId: input.councilId,
        status: needsApproval ? "AWAITING_APPROVAL" : "APPROVED",
        totalPence: BigInt(total),
        transferGroup: transferGroupFor(runId),
        createdAt: now,
        approvedAt: needsApproval ? null : now,
      },
    });
    const inFlight = await councilAccountId(tx, input.councilId, "PAYOUT_IN_FLIGHT");
    // Set-based, so a council with hundreds of providers and a million redemptions opens its run in a
    // few statements, well inside the transaction's time limit.
    const providerIds = payable.map((p) => p.providerId);
    const providers = await tx.provider.findMany({ where: { id: { in: providerIds } }, select: { id: true, payoutMethod: true, stripeAccountId: true } });
    const providerOf = new Map(providers.map((p) => [p.id, p]));
    const payouts = payable.map(({ providerId, amountPence }) => {
      const provider = providerOf.get(providerId)!;
      const id = randomUUID();
      // A provider who chose Stripe and has an account is paid by transfer (parked until the account can
      // receive); everyone else, and everyone when Stripe is not configured, is paid by the bank file.
      const byStripe = input.stripeAvailable === true && provider.payoutMethod === "STRIPE_TRANSFER" && provider.stripeAccountId !== null;
      // The Stripe idempotency key is derived from the payout id and stored before any call is made.
      return { id, providerId, amountPence, method: byStripe ? ("STRIPE_TRANSFER" as const) : ("BANK_FILE" as const), idempotencyKey: stripeIdempotencyKey(id, 0) };
    });
    await tx.payout.createMany({ data: payouts.map((p) => ({ ...p, runId: run.id, councilId: input.councilId, createdAt: now })) });
    // Claim exactly the rows each payout pays, under the same conditions they were grouped by (a dispute
    // opened meanwhile holds its redemption back), and add up what each payout claimed in the same
    // statement; a redemption with a payoutId can never be taken again.
    const claimed = await tx.$queryRaw<{ payoutId: string; amountPence: bigint }[]>`
      WITH claimed AS (
        UPDATE "Redemption" r SET "status" = 'IN_PAYOUT', "payoutId" = p."id"
        FROM "Payout" p
        WHERE p."runId" = ${run.id}::uuid AND r."providerId" = p."providerId" AND ${payableForRunSql(input.councilId, now)}
        RETURNING r."payoutId", r."amountPence")
      SELECT "payoutId", sum("amountPence")::bigint AS "amountPence" FROM claimed GROUP BY "payoutId"`;
    const claimedOf = new Map(claimed.map((c) => [c.payoutId, penceFromBigInt(c.amountPence)]));
    const different = payouts.find((p) => claimedOf.get(p.id) !== p.amountPence);
    if (different) throw new Error(`payout ${different.id} claimed a different amount than it grouped`);
    // The claim judged disputes as they stood when it began. A dispute committed while it waited for a row
    // (an attendance report flipping a redemption back to PENDING, which the claim then re-checks and still
    // takes) was invisible to it; this statement sees it. Any held redemption means this attempt is given up
    // and the next, which sees the dispute from the start, leaves it out.
    const [held] = await tx.$queryRaw<{ count: number }[]>`
      SELECT COUNT(*)::int AS "count" FROM "Redemption" r JOIN "Payout" p ON p."id" = r."payoutId"
      WHERE p."runId" = ${run.id}::uuid AND NOT (${notHeldByADisputeSql})`;
    if (held && held.count > 0) throw new DisputeRaisedDuringRun(held.count);
    const payableAccounts = await providerPayableAccountIds(tx, input.councilId, providerIds);
    await postTransfers(
      tx,
      input.councilId,
      payouts.map((p) => ({
        kind: "PAYOUT_START" as const,
        debitAccountId: payableAccounts.get(p.providerId)!,
        creditAccountId: inFlight,
        amountPence: p.amountPence,
        idempotencyKey: `payout-start:${p.id}`,
        payoutId: p.id,
      })),
    );
    return tx.payoutRun.findUniqueOrThrow({ where: { id: run.id }, include: { payouts: true } });
    // A run claims every payable redemption of the council at once (a million rows take minutes on small
    // hardware); it is a background job holding only its own advisory lock, so it gets the time it needs.
  }, { timeout: 10 * 60_000 });
}

/**
 * The Stripe idempotency key of a payout. Generation 0 is `payout:<id>`; a new generation is only
 * taken after Stripe answered a 5xx (which it stores under the key) and a listing of the run's
 * transfer group showed no transfer for the payout.
 */
export function stripeIdempotencyKey(payoutId: string, generation: number) {
  return generation === 0 ? `payout:${payoutId}` : `payout:${payoutId}:${generation}`;
}

/** A finance officer approves a run that waits for approval; approving twice changes nothing. */
export async function approvePayoutRun(db: Db, input: { councilId: string; runId: string; actorUserId: string; now?: Date }) {
  return db.$transaction(async (tx) => {
    const run = await tx.payoutRun.findFirst({ where: { id: input.runId, councilId: input.councilId }, select: { id: true, status: true } });
    if (!run) throw new DomainError("NOT_FOUND", "That payout run does not exist.");
    const updated = await tx.payoutRun.updateMany({
      where: { id: run.id, status: "AWAITING_APPROVAL" },
      data: { status: "APPROVED", approvedAt: input.now ?? new Date(), approvedByUserId: input.actorUserId },
    });
    if (updated.count === 0) {
      if (run.status === "APPROVED" || run.status === "PAYING" || run.status === "COMPLETED") return { changed: false };
      throw new DomainError("PAYOUT_RUN_STATE", "This payout run cannot be approved now.");
    }
    await recordAudit(tx, { councilId: input.councilId, actorUserId: input.actorUserId, action: "payout-run.approve", entityType: "PayoutRun", entityId: run.id });
    return { changed: true };
  });
}

/** Records that a payout reached the provider. Recording it twice changes nothing. */
export async function markPayoutPaid(db: Db, input: { payoutId: string; stripeTransferId?: string; now?: Date }) {
  return db.$transaction((tx) => markPayoutPaidIn(tx, input));
}

export async function markPayoutPaidIn(tx: DbTx, input: { payoutId: string; stripeTransferId?: string; now?: Date }) {
  const payout = await tx.payout.findUnique({ where: { id: input.payoutId } });
  if (!payout) throw new DomainError("NOT_FOUND", "That payout does not exist.");
  const claimed = await tx.payout.updateMany({
    where: { id: payout.id, status: { in: ["PENDING", "PROCESSING", "PARKED"] } },
    data: {
      status: "PAID",
      paidAt: input.now ?? new Date(),
      stripeTransferId: input.stripeTransferId ?? null,
      nextAttemptAt: null,
      failureReason: null,
    },
  });
  if (claimed.count === 0) return { changed: false };
  await postTransfer(tx, {
    councilId: payout.councilId,
    kind: "PAYOUT_COMPLETE",
    debitAccountId: await councilAccountId(tx, payout.councilId, "PAYOUT_IN_FLIGHT"),
    creditAccountId: await councilAccountId(tx, payout.councilId, "PAID_OUT"),
    amountPence: payout.amountPence,
    idempotencyKey: `payout-complete:${payout.id}`,
    payoutId: payout.id,
  });
  await tx.redemption.updateMany({ where: { payoutId: payout.id }, data: { status: "PAID" } });
  const open = await tx.payout.count({ where: { runId: payout.runId, status: { not: "PAID" } } });
  if (open === 0) await tx.payoutRun.update({ where: { id: payout.runId }, data: { status: "COMPLETED", completedAt: input.now ?? new Date() } });
  return { changed: true };
}

/**
 * markPayoutPaidIn for many payouts of one council at once (a bank file finance has sent): the same claim
 * from PENDING, PROCESSING or PARKED, the same PAYOUT_COMPLETE transfer per payout under the same key, its
 * redemptions marked paid and each run completed once nothing in it is unpaid. Answers with the payouts
 * this call paid; those already paid are left as they are.
 */
export async function markPayoutsPaidIn(tx: DbTx, input: { councilId: string; payoutIds: readonly string[]; now?: Date }): Promise<string[]> {
  if (input.payoutIds.length === 0) return [];
  const now = input.now ?? new Date();
  // Locked in id order, as paying them one by one did, so two callers never deadlock.
  await tx.$queryRaw`SELECT "id" FROM "Payout" WHERE "id" = ANY(${input.payoutIds}::uuid[]) AND "councilId" = ${input.councilId}::uuid ORDER BY "id" FOR UPDATE`;
  const claimed = await tx.$queryRaw<{ id: string; runId: string; amountPence: number }[]>`
    UPDATE "Payout" SET "status" = 'PAID', "paidAt" = ${now}, "stripeTransferId" = NULL, "nextAttemptAt" = NULL, "failureReason" = NULL
    WHERE "id" = ANY(${input.payoutIds}::uuid[]) AND "councilId" = ${input.councilId}::uuid AND "status" IN ('PENDING', 'PROCESSING', 'PARKED')
    RETURNING "id", "runId", "amountPence"`;
  if (claimed.length === 0) return [];
  claimed.sort((a, b) => (a.id < b.id ? -1 : 1));
  const inFlight = await councilAccountId(tx, input.councilId, "PAYOUT_IN_FLIGHT");
  const paidOut = await councilAccountId(tx, input.councilId, "PAID_OUT");
  await postTransfers(
    tx,
    input.councilId,
    claimed.map((payout) => ({
      kind: "PAYOUT_COMPLETE" as const,
      debitAccountId: inFlight,
      creditAccountId: paidOut,
      amountPence: payout.amountPence,
      idempotencyKey: `payout-complete:${payout.id}`,
      payoutId: payout.id,
    })),
  );
  const ids = claimed.map((payout) => payout.id);
  await tx.$executeRaw`UPDATE "Redemption" SET "status" = 'PAID' WHERE "payoutId" = ANY(${ids}::uuid[])`;
  const runIds = [...new Set(claimed.map((payout) => payout.runId))];
  await tx.$executeRaw`
    UPDATE "PayoutRun" r SET "status" = 'COMPLETED', "completedAt" = ${now}
    WHERE r."id" = ANY(${runIds}::uuid[]) AND NOT EXISTS (SELECT 1 FROM "Payout" p WHERE p."runId" = r."id" AND p."status" <> 'PAID')`;
  return ids;
}

/** A dispute was raised on a redemption while a payout run was claiming it: the attempt rolls back and is made again. */
class DisputeRaisedDuringRun extends Error {
  constructor(readonly held: number) {
    super(`${held} redemption(s) were disputed while the payout run claimed them; the attempt was rolled back`);
    this.name = "DisputeRaisedDuringRun";
  }
}
