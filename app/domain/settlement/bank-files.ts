// Bank payment files: the CSV a council's finance system imports to pay providers by BACS, and
// marking a file's payouts paid once finance has sent it. Each payout is in exactly one file.
import { createHash } from "node:crypto";
import { TZDate } from "@date-fns/tz";
import { format } from "date-fns";
import type { Db, DbTx } from "~/lib/db.server";
import { recordAudit } from "../audit";
import { DomainError } from "../errors";
import { penceFromBigInt } from "../money";
import { bacsAccountName } from "../providers/bank-details";
import { markPayoutsPaidIn } from "./payouts";

export const BANK_FILE_HEADER = ["sort_code", "account_number", "account_name", "amount", "reference"] as const;

export type BankFileLine = { sortCode: string; accountNumber: string; accountName: string; amountPence: number; reference: string };

/** "PLAYPASS 1A2B3C4D": what the provider sees on their statement (BACS carries 18 characters). */
export function bankReference(payoutId: string) {
  return `PLAYPASS ${payoutId.replace(/-/g, "").slice(0, 8).toUpperCase()}`;
}

/** Pence as pounds with two decimals, from integers only: 1250 → "12.50". */
export function poundsText(pence: number): string {
  return `${Math.floor(pence / 100)}.${String(pence % 100).padStart(2, "0")}`;
}

/** The file's bytes: the same lines always give the same text (RELIABILITY 17). */
export function renderBankFile(lines: ReadonlyArray<BankFileLine>): string {
  const rows = lines.map((l) => [l.sortCode, l.accountNumber, bacsAccountName(l.accountName), poundsText(l.amountPence), l.reference].join(","));
  return [BANK_FILE_HEADER.join(","), ...rows].join("\r\n") + "\r\n";
}

/** Reads a bank file back and checks that it adds up: what tests and finance's import see. */
export function parseBankFile(content: string): { lines: { sortCode: string; accountNumber: string; accountName: string; amountPence: number; reference: string }[]; totalPence: number } {
  const [header, ...rows] = content.trimEnd().split("\r\n");
  if (header !== BANK_FILE_HEADER.join(",")) throw new Error("not a Playpass bank file");
  const lines = rows.map((row) => {
    const [sortCode, accountNumber, accountName, amount, reference] = row.split(",");
    const [pounds, pence] = amount!.split(".");
    return { sortCode: sortCode!, accountNumber: accountNumber!, accountName: accountName!, amountPence: Number(pounds) * 100 + Number(pence), reference: reference! };
  });
  return { lines, totalPence: lines.reduce((sum, l) => sum + l.amountPence, 0) };
}

/**
 * Writes the bank payment file for a run's payouts that are paid by bank and not yet in a file.
 * Providers without bank details are parked with the reason. When every payout is already in a
 * file, the run's latest file is returned unchanged.
 */
export async function generateBankFile(db: Db, input: { councilId: string; runId: string; actorUserId?: string; now?: Date }) {
  return db.$transaction(async (tx) => {
    const run = await tx.payoutRun.findFirst({
      where: { id: input.runId, councilId: input.councilId },
      select: { id: true, status: true, createdAt: true, council: { select: { slug: true } } },
    });
    if (!run) throw new DomainError("NOT_FOUND", "That payout run does not exist.");
    if (run.status === "AWAITING_APPROVAL" || run.status === "OPEN") {
      throw new DomainError("PAYOUT_RUN_STATE", "A finance officer must approve this run before its bank file can be made.");
    }
    // One file at a time per run: a second request waits, then finds the payouts already filed.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('bank-file'), hashtext(${run.id}))`;

    const waiting = await tx.payout.findMany({
      where: { runId: run.id, method: "BANK_FILE", status: "PENDING", bankFileId: null },
      select: { id: true, amountPence: true, provider: { select: { name: true, bankAccountName: true, bankSortCode: true, bankAccountNumber: true } } },
    });
    const lines: (BankFileLine & { payoutId: string; providerName: string })[] = [];
    for (const payout of waiting) {
      const { bankAccountName: name, bankSortCode: sortCode, bankAccountNumber: accountNumber } = payout.provider;
      if (!name || !sortCode || !accountNumber) {
        await tx.payout.update({
          where: { id: payout.id },
          data: { status: "PARKED", failureReason: `${payout.provider.name} has not given bank details yet. Ask them to add them under Payments, then try again.` },
        });
        continue;
      }
      lines.push({ payoutId: payout.id, providerName: payout.provider.name, sortCode, accountNumber, accountName: name, amountPence: payout.amountPence, reference: bankReference(payout.id) });
    }

    if (lines.length === 0) {
      const latest = await tx.bankFile.findFirst({ where: { runId: run.id }, orderBy: { createdAt: "desc" } });
      if (latest) return latest;
      throw new DomainError("PAYOUT_RUN_STATE", "No payout in this run is waiting to be paid by bank.");
    }

    lines.sort((a, b) => a.providerName.localeCompare(b.providerName, "en-GB") || a.payoutId.localeCompare(b.payoutId));
    const content = renderBankFile(lines);
    const totalPence = lines.reduce((sum, l) => sum + l.amountPence, 0);
    // Totals checked: the file read back adds up to the payouts it pays.
    const check = parseBankFile(content);
    if (check.totalPence !== totalPence || check.lines.length !== lines.length) throw new Error(`bank file for run ${run.id} does not add up`);

    const earlier = await tx.bankFile.count({ where: { runId: run.id } });
    const day = format(new TZDate(run.createdAt, "Europe/London"), "yyyy-MM-dd");
    const fileName = `playpass-${run.council.slug}-${day}-run-${run.id.slice(0, 8)}${earlier > 0 ? `-${earlier + 1}` : ""}.csv`;
    const file = await tx.bankFile.create({
      data: {
        councilId: input.councilId,
        runId: run.id,
        fileName,
        content,
        sha256: createHash("sha256").update(content).digest("hex"),
        totalPence: BigInt(totalPence),
        lineCount: lines.length,
        createdAt: input.now ?? new Date(),
      },
    });
    const filed = await tx.payout.updateMany({
      where: { id: { in: lines.map((l) => l.payoutId) }, status: "PENDING", bankFileId: null },
      data: { bankFileId: file.id, status: "PROCESSING", lastAttemptAt: input.now ?? new Date() },
    });
    if (filed.count !== lines.length) throw new Error(`bank file for run ${run.id}: a payout was filed twice`);
    await tx.payoutRun.updateMany({ where: { id: run.id, status: "APPROVED" }, data: { status: "PAYING" } });
    await recordAudit(tx, {
      councilId: input.councilId,
      actorUserId: input.actorUserId ?? null,
      action: "bank-file.create",
      entityType: "BankFile",
      entityId: file.id,
      data: { runId: run.id, lineCount: lines.length, totalPence },
    });
    return file;
  });
}

/** The stored file for download, only within the officer's council. */
export async function getBankFile(db: DbTx, input: { councilId: string; bankFileId: string }) {
  const file = await db.bankFile.findFirst({ where: { id: input.bankFileId, councilId: input.councilId } });
  if (!file) throw new DomainError("NOT_FOUND", "That bank file does not exist.");
  return file;
}

/** Finance confirms the bank has sent the file: every payout in it is paid (once). */
export async function markBankFilePaid(db: Db, input: { councilId: string; bankFileId: string; actorUserId: string; now?: Date }) {
  return db.$transaction(async (tx) => {
    const file = await getBankFile(tx, input);
    const payouts = await tx.payout.findMany({ where: { bankFileId: file.id }, select: { id: true }, orderBy: { id: "asc" } });
    // All of the file's payouts in a few statements: a file of hundreds of providers fits the transaction's time.
    const paid = (await markPayoutsPaidIn(tx, { councilId: file.councilId, payoutIds: payouts.map((p) => p.id), now: input.now })).length;
    if (paid > 0) {
      await recordAudit(tx, {
        councilId: input.councilId,
        actorUserId: input.actorUserId,
        action: "bank-file.mark-paid",
        entityType: "BankFile",
        entityId: file.id,
        data: { payouts: paid, totalPence: penceFromBigInt(file.totalPence) },
      });
    }
    return { paid, alreadyPaid: payouts.length - paid };
    // Marks every redemption of the file's payouts paid: up to a run's million rows.
  }, { timeout: 10 * 60_000 });
}
