// What the council console shows of payout runs: their status, per-provider lines, files, failures and retries.
import type { DbTx } from "~/lib/db.server";
import { DomainError } from "../errors";
import { penceFromBigInt } from "../money";

export async function listPayoutRuns(db: DbTx, input: { councilId: string; take?: number }) {
  const runs = await db.payoutRun.findMany({
    where: { councilId: input.councilId },
    orderBy: { createdAt: "desc" },
    take: input.take ?? 100,
    select: {
      id: true,
      status: true,
      totalPence: true,
      createdAt: true,
      approvedAt: true,
      completedAt: true,
      _count: { select: { payouts: true } },
      payouts: { where: { status: { in: ["PARKED", "FAILED"] } }, select: { id: true } },
    },
  });
  return runs.map((run) => ({
    id: run.id,
    status: run.status,
    totalPence: penceFromBigInt(run.totalPence),
    createdAt: run.createdAt,
    approvedAt: run.approvedAt,
    completedAt: run.completedAt,
    payouts: run._count.payouts,
    problems: run.payouts.length,
  }));
}

export async function payoutRunDetail(db: DbTx, input: { councilId: string; runId: string }) {
  const run = await db.payoutRun.findFirst({
    where: { id: input.runId, councilId: input.councilId },
    select: {
      id: true,
      status: true,
      totalPence: true,
      createdAt: true,
      approvedAt: true,
      completedAt: true,
      transferGroup: true,
      payouts: {
        orderBy: [{ provider: { name: "asc" } }, { id: "asc" }],
        select: {
          id: true,
          amountPence: true,
          method: true,
          status: true,
          attempts: true,
          failureReason: true,
          nextAttemptAt: true,
          lastAttemptAt: true,
          paidAt: true,
          stripeTransferId: true,
          bankFileId: true,
          provider: { select: { name: true } },
          _count: { select: { redemptions: true } },
        },
      },
      bankFiles: { orderBy: { createdAt: "asc" }, select: { id: true, fileName: true, totalPence: true, lineCount: true, createdAt: true, payouts: { select: { status: true } } } },
    },
  });
  if (!run) throw new DomainError("NOT_FOUND", "That payout run does not exist.");
  let approvedBy: string | null = null;
  const approval = await db.payoutRun.findUniqueOrThrow({ where: { id: run.id }, select: { approvedByUserId: true } });
  if (approval.approvedByUserId) {
    approvedBy = (await db.user.findUnique({ where: { id: approval.approvedByUserId }, select: { displayName: true } }))?.displayName ?? null;
  }
  return {
    ...run,
    totalPence: penceFromBigInt(run.totalPence),
    approvedBy,
    payouts: run.payouts.map((p) => ({
      ...p,
      providerName: p.provider.name,
      redemptions: p._count.redemptions,
      // The internal "[new key]" mark is ours, not the officer's.
      failureReason: p.failureReason?.replace(/^\[new key\] /, "") ?? null,
    })),
    bankFiles: run.bankFiles.map((f) => ({
      id: f.id,
      fileName: f.fileName,
      totalPence: penceFromBigInt(f.totalPence),
      lineCount: f.lineCount,
      createdAt: f.createdAt,
      allPaid: f.payouts.every((p) => p.status === "PAID"),
    })),
  };
}
