// A statement per provider per payout: the redemptions it paid, as CSV for the provider and the council.
import type { DbTx } from "~/lib/db.server";
import { DomainError } from "../errors";
import { poundsText } from "./bank-files";

export type StatementScope = { councilId: string } | { providerId: string };

const STATEMENT_HEADER = ["redemption", "redeemed_at", "activity", "session_starts_at", "how", "amount_gbp"];

/** Quoted when needed; text a spreadsheet would run as a formula (=, +, -, @) starts with an apostrophe. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** The payout and its redemptions, seen by its council or its provider; anyone else gets NOT_FOUND. */
export async function payoutStatement(db: DbTx, input: { payoutId: string; scope: StatementScope }) {
  const payout = await db.payout.findFirst({
    where: { id: input.payoutId, ...input.scope },
    include: {
      provider: { select: { name: true } },
      run: { select: { id: true, createdAt: true, council: { select: { name: true } } } },
      redemptions: {
        orderBy: [{ redeemedAt: "asc" }, { id: "asc" }],
        select: {
          id: true,
          amountPence: true,
          method: true,
          redeemedAt: true,
          booking: { select: { slot: { select: { startsAt: true, activity: { select: { title: true } } } } } },
        },
      },
    },
  });
  if (!payout) throw new DomainError("NOT_FOUND", "That payout does not exist.");
  return payout;
}

/** The statement as CSV: one line per redemption, then the total, which equals the payout. */
export async function payoutStatementCsv(db: DbTx, input: { payoutId: string; scope: StatementScope }) {
  const payout = await payoutStatement(db, input);
  const lines = payout.redemptions.map((r) =>
    [
      r.id,
      r.redeemedAt.toISOString(),
      r.booking?.slot.activity.title ?? "Walk-in charge at the till",
      r.booking?.slot.startsAt.toISOString() ?? "",
      r.method,
      poundsText(r.amountPence),
    ]
      .map(csvField)
      .join(","),
  );
  const total = payout.redemptions.reduce((sum, r) => sum + r.amountPence, 0);
  if (total !== payout.amountPence) throw new Error(`payout ${payout.id} of ${payout.amountPence} lists redemptions worth ${total}`);
  const content = [STATEMENT_HEADER.join(","), ...lines, ["TOTAL", "", "", "", "", poundsText(total)].join(",")].join("\r\n") + "\r\n";
  const fileName = `playpass-statement-${payout.provider.name.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "")}-${payout.id.slice(0, 8)}.csv`;
  return { fileName, content, payout };
}
