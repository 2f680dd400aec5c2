// The ledger check as the console shows it: the latest result on record (the hourly worker records every
// problem it finds; officers can run a check on demand), instead of a full check on every page view.
import type { Db } from "~/lib/db.server";
import { recordAudit } from "../audit";
import { verifyLedger } from "../ledger";

export type LedgerCheck = { ok: boolean; problems: number; checkedAt: string; by: string };

const CHECK_ACTIONS = ["ledger.checked", "ledger.invariant_violated"];

/** The newest check on record; a council never checked is checked now, once, so the page always has an answer. */
export async function latestLedgerCheck(db: Db, councilId: string): Promise<LedgerCheck> {
  const latest = await db.auditEvent.findFirst({
    where: { councilId, action: { in: CHECK_ACTIONS } },
    orderBy: { id: "desc" },
    select: { action: true, actorUserId: true, data: true, createdAt: true },
  });
  if (!latest) return checkLedgerNow(db, { councilId, actorUserId: null });
  const data = (latest.data ?? {}) as Record<string, unknown>;
  const problems = Number(latest.action === "ledger.checked" ? (data.problems ?? 0) : (data.violations ?? 1));
  let by = "the hourly check";
  if (latest.actorUserId) {
    const user = await db.user.findUnique({ where: { id: latest.actorUserId }, select: { displayName: true } });
    by = user?.displayName ?? "an officer";
  } else if (latest.action === "ledger.checked") {
    by = "Playpass";
  }
  return { ok: latest.action === "ledger.checked" && problems === 0, problems, checkedAt: latest.createdAt.toISOString(), by };
}

/** Runs the full check now and records its result. */
export async function checkLedgerNow(db: Db, input: { councilId: string; actorUserId: string | null }): Promise<LedgerCheck> {
  const report = await verifyLedger(db, input.councilId);
  const checkedAt = new Date();
  await recordAudit(db, {
    councilId: input.councilId,
    actorUserId: input.actorUserId,
    action: report.ok ? "ledger.checked" : "ledger.invariant_violated",
    entityType: "Council",
    entityId: input.councilId,
    data: report.ok ? { problems: 0, fundedPence: report.fundedPence } : { violations: report.violations.length, first: report.violations[0] ?? null },
  });
  let by = "Playpass";
  if (input.actorUserId) {
    by = (await db.user.findUnique({ where: { id: input.actorUserId }, select: { displayName: true } }))?.displayName ?? "an officer";
  }
  return { ok: report.ok, problems: report.violations.length, checkedAt: checkedAt.toISOString(), by };
}
