// A young person's statement: every transfer in or out of their wallets, in plain words, with a running balance.
import type { DbTx } from "~/lib/db.server";
import type { TransferKind } from "~/generated/prisma/enums";

/** What a movement was, in the words the statement uses. */
export type StatementEntryType = "issued" | "top-up" | "booked" | "refunded" | "charged" | "expired" | "revoked" | "other";

export type StatementEntry = {
  /** The transfer's id, as text (it is a BIGINT). */
  id: string;
  at: string;
  type: StatementEntryType;
  description: string;
  /** Positive when credit came in, negative when it went out. */
  amountPence: number;
  /** Across all of the person's wallets, just after this movement. */
  balancePence: number;
};

export type WalletStatement = {
  /** Newest first. */
  entries: StatementEntry[];
  /** The balance after the last movement: the sum of the person's wallet balances. */
  balancePence: number;
};

/** Read from the Transfer rows themselves, never from a copy, so the statement always matches the ledger. */
export async function walletStatement(db: DbTx, youngPersonId: string): Promise<WalletStatement> {
  const wallets = await db.account.findMany({
    where: { type: "WALLET", allocation: { youngPersonId } },
    select: { id: true, allocation: { select: { programme: { select: { name: true } } } } },
  });
  if (wallets.length === 0) return { entries: [], balancePence: 0 };
  const walletIds = wallets.map((w) => w.id);
  const programmeOf = new Map(wallets.map((w) => [w.id, w.allocation?.programme.name ?? "your council"]));

  const transfers = await db.transfer.findMany({
    where: { OR: [{ debitAccountId: { in: walletIds } }, { creditAccountId: { in: walletIds } }] },
    select: { id: true, kind: true, amountPence: true, debitAccountId: true, creditAccountId: true, reason: true, bookingId: true, redemptionId: true, createdAt: true },
    // Ids are handed out as transfers are posted, and a balance only changes with its transfer.
    orderBy: { id: "asc" },
  });

  const bookingIds = unique(transfers.map((t) => t.bookingId));
  const redemptionIds = unique(transfers.map((t) => t.redemptionId));
  const [bookings, redemptions] = await Promise.all([
    bookingIds.length > 0
      ? db.booking.findMany({ where: { id: { in: bookingIds }, youngPersonId }, select: { id: true, slot: { select: { activity: { select: { title: true } } } } } })
      : [],
    redemptionIds.length > 0
      ? db.redemption.findMany({ where: { id: { in: redemptionIds }, youngPersonId }, select: { id: true, provider: { select: { name: true } } } })
      : [],
  ]);
  const titleOf = new Map(bookings.map((b) => [b.id, b.slot.activity.title]));
  const providerOf = new Map(redemptions.map((r) => [r.id, r.provider.name]));

  const wallet = new Set(walletIds);
  let balancePence = 0;
  const entries: StatementEntry[] = [];
  for (const t of transfers) {
    const into = wallet.has(t.creditAccountId);
    const outOf = wallet.has(t.debitAccountId);
    if (into === outOf) continue; // between two of their own wallets: no change to what they have
    const amountPence = into ? t.amountPence : -t.amountPence;
    balancePence += amountPence;
    const walletId = into ? t.creditAccountId : t.debitAccountId;
    entries.push({
      id: t.id.toString(),
      at: t.createdAt.toISOString(),
      type: typeOf(t.kind),
      description: describe(t.kind, {
        title: t.bookingId ? titleOf.get(t.bookingId) : undefined,
        provider: t.redemptionId ? providerOf.get(t.redemptionId) : undefined,
        programme: programmeOf.get(walletId)!,
        reason: t.reason,
      }),
      amountPence,
      balancePence,
    });
  }
  return { entries: entries.reverse(), balancePence };
}

function typeOf(kind: TransferKind): StatementEntryType {
  switch (kind) {
    case "ISSUE":
      return "issued";
    case "TOP_UP":
      return "top-up";
    case "BOOK":
      return "booked";
    case "CANCEL":
    case "PROVIDER_CANCEL":
    case "NO_SHOW_RELEASE":
      return "refunded";
    case "CHARGE":
      return "charged";
    case "EXPIRE":
      return "expired";
    case "REVOKE":
      return "revoked";
    default:
      return "other";
  }
}

type Context = { title: string | undefined; provider: string | undefined; programme: string; reason: string | null };

// Plain words an 11-year-old can read. A revoke's reason is written for the council, so it is not shown.
function describe(kind: TransferKind, { title, provider, programme, reason }: Context): string {
  const activity = title ?? "an activity";
  switch (kind) {
    case "ISSUE":
      return `Credit from ${programme}`;
    case "TOP_UP":
      return reason ? `Extra credit: ${reason}` : "Extra credit";
    case "BOOK":
      return `Booked ${activity}`;
    case "CANCEL":
      return `Money back: you cancelled ${activity}`;
    case "PROVIDER_CANCEL":
      return `Money back: ${activity} was cancelled by the provider`;
    case "NO_SHOW_RELEASE":
      return `Money back: you missed ${activity}`;
    case "CHARGE":
      return provider ? `Paid at ${provider}` : "Paid at a till";
    case "EXPIRE":
      return `Unused credit from ${programme} ran out`;
    case "REVOKE":
      return `The council stopped your credit from ${programme}`;
    default:
      return "Change to your credit";
  }
}

function unique(ids: (string | null)[]): string[] {
  return [...new Set(ids.filter((id): id is string => id !== null))];
}
