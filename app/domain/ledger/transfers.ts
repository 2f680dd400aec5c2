// Posting transfers: the only code that changes an account balance.
import type { Db, DbTx } from "~/lib/db.server";
import type { TransferKind } from "~/generated/prisma/enums";
import { DomainError } from "../errors";
import { assertPence } from "../money";

export type TransferInput = {
  councilId: string;
  kind: TransferKind;
  debitAccountId: string;
  creditAccountId: string;
  amountPence: number;
  /** One business action, one key: posting the same key again returns the first transfer. */
  idempotencyKey: string;
  reason?: string;
  actorUserId?: string;
  bookingId?: string;
  redemptionId?: string;
  payoutId?: string;
};

export type PostedTransfer = { id: bigint; created: boolean };

/**
 * Posts one transfer inside the caller's transaction. The debit is guarded in the UPDATE itself
 * (READ COMMITTED re-checks it against the newest row), backed by the balance CHECK constraint.
 * Accounts are updated in id order so concurrent transfers never deadlock on each other.
 */
export async function postTransfer(tx: DbTx, input: TransferInput): Promise<PostedTransfer> {
  assertPence(input.amountPence);
  if (input.amountPence <= 0) throw new RangeError(`transfer amount must be positive, got ${input.amountPence}`);
  // Given the process's client instead of a transaction (only a client has $connect), post in one of our own:
  // otherwise a refused debit would leave its transfer row behind, committed, with no balance change.
  if (typeof (tx as { $connect?: unknown }).$connect === "function") {
    return (tx as Db).$transaction((inner) => postTransfer(inner, input));
  }

  const inserted = await tx.$queryRaw<{ id: bigint }[]>`
    INSERT INTO "Transfer" ("councilId", "kind", "debitAccountId", "creditAccountId", "amountPence",
      "idempotencyKey", "reason", "actorUserId", "bookingId", "redemptionId", "payoutId")
    VALUES (${input.councilId}::uuid, ${input.kind}::"TransferKind", ${input.debitAccountId}::uuid,
      ${input.creditAccountId}::uuid, ${input.amountPence}, ${input.idempotencyKey}, ${input.reason ?? null},
      ${input.actorUserId ?? null}::uuid, ${input.bookingId ?? null}::uuid, ${input.redemptionId ?? null}::uuid,
      ${input.payoutId ?? null}::uuid)
    ON CONFLICT ("idempotencyKey") DO NOTHING
    RETURNING "id"`;

  if (inserted.length === 0) return sameAsBefore(tx, input);

  const debitFirst = input.debitAccountId < input.creditAccountId;
  if (debitFirst) {
    await debit(tx, input);
    await credit(tx, input);
  } else {
    await credit(tx, input);
    await debit(tx, input);
  }
  return { id: inserted[0]!.id, created: true };
}

async function debit(tx: DbTx, input: TransferInput) {
  const updated = await tx.$executeRaw`
    UPDATE "Account" SET "balancePence" = "balancePence" - ${input.amountPence}
    WHERE "id" = ${input.debitAccountId}::uuid AND "councilId" = ${input.councilId}::uuid
      AND ("type" = 'COUNCIL_FUNDING' OR "balancePence" >= ${input.amountPence})`;
  if (updated === 1) return;
  const exists = await tx.account.count({ where: { id: input.debitAccountId, councilId: input.councilId } });
  if (!exists) throw new Error(`ledger: debit account ${input.debitAccountId} is not in council ${input.councilId}`);
  throw new DomainError("INSUFFICIENT_FUNDS", "There is not enough money in the account for this.", undefined, {
    accountId: input.debitAccountId,
    amountPence: input.amountPence,
  });
}

async function credit(tx: DbTx, input: TransferInput) {
  const updated = await tx.$executeRaw`
    UPDATE "Account" SET "balancePence" = "balancePence" + ${input.amountPence}
    WHERE "id" = ${input.creditAccountId}::uuid AND "councilId" = ${input.councilId}::uuid`;
  if (updated !== 1) throw new Error(`ledger: credit account ${input.creditAccountId} is not in council ${input.councilId}`);
}

async function sameAsBefore(tx: DbTx, input: TransferInput): Promise<PostedTransfer> {
  const first = await tx.transfer.findUniqueOrThrow({ where: { idempotencyKey: input.idempotencyKey } });
  const same =
    first.councilId === input.councilId &&
    first.kind === input.kind &&
    first.debitAccountId === input.debitAccountId &&
    first.creditAccountId === input.creditAccountId &&
    first.amountPence === input.amountPence;
  if (!same) {
    throw new DomainError(
      "IDEMPOTENCY_CONFLICT",
      "This action was already recorded with different details.",
      undefined,
      { idempotencyKey: input.idempotencyKey },
    );
  }
  return { id: first.id, created: false };
}

/**
 * Posts many transfers of one council in the caller's transaction with a few statements instead of three
 * per transfer (issuing to a whole roll, opening a payout run). The same guarantees as postTransfer:
 * each key posts once (a key posted before is checked to be the same transfer, as postTransfer does),
 * the accounts are locked in id order, and an account is debited only if its balance before the batch
 * covers every debit of the batch (credits in the same batch are not counted, so no order of posting them
 * one by one could have gone below zero), backed by the balance CHECK constraint. All or nothing.
 */
export async function postTransfers(tx: DbTx, councilId: string, inputs: readonly Omit<TransferInput, "councilId">[]): Promise<PostedTransfer[]> {
  if (inputs.length === 0) return [];
  const keys = new Set<string>();
  for (const input of inputs) {
    assertPence(input.amountPence);
    if (input.amountPence <= 0) throw new RangeError(`transfer amount must be positive, got ${input.amountPence}`);
    if (keys.has(input.idempotencyKey)) throw new Error(`ledger: idempotency key ${input.idempotencyKey} is twice in one batch`);
    keys.add(input.idempotencyKey);
  }
  if (typeof (tx as { $connect?: unknown }).$connect === "function") {
    return (tx as Db).$transaction((inner) => postTransfers(inner, councilId, inputs));
  }
  const column = <T>(pick: (input: Omit<TransferInput, "councilId">) => T) => inputs.map(pick);
  const inserted = await tx.$queryRaw<{ id: bigint; idempotencyKey: string }[]>`
    INSERT INTO "Transfer" ("councilId", "kind", "debitAccountId", "creditAccountId", "amountPence",
      "idempotencyKey", "reason", "actorUserId", "bookingId", "redemptionId", "payoutId")
    SELECT ${councilId}::uuid, t.kind::"TransferKind", t.debit, t.credit, t.amount, t.key, t.reason, t.actor, t.booking, t.redemption, t.payout
    FROM unnest(${column((i) => i.kind)}::text[], ${column((i) => i.debitAccountId)}::uuid[], ${column((i) => i.creditAccountId)}::uuid[],
      ${column((i) => i.amountPence)}::int[], ${column((i) => i.idempotencyKey)}::text[], ${column((i) => i.reason ?? null)}::text[],
      ${column((i) => i.actorUserId ?? null)}::uuid[], ${column((i) => i.bookingId ?? null)}::uuid[], ${column((i) => i.redemptionId ?? null)}::uuid[],
      ${column((i) => i.payoutId ?? null)}::uuid[]) WITH ORDINALITY AS t(kind, debit, credit, amount, key, reason, actor, booking, redemption, payout, n)
    ORDER BY t.n
    ON CONFLICT ("idempotencyKey") DO NOTHING
    RETURNING "id", "idempotencyKey"`;
  const idOf = new Map(inserted.map((row) => [row.idempotencyKey, row.id]));

  const repeated = inputs.filter((input) => !idOf.has(input.idempotencyKey));
  const earlier = new Map<string, bigint>();
  for (const input of repeated) earlier.set(input.idempotencyKey, (await sameAsBefore(tx, { ...input, councilId })).id);

  // What the new transfers take from and give to each account.
  const debits = new Map<string, number>();
  const credits = new Map<string, number>();
  for (const input of inputs) {
    if (!idOf.has(input.idempotencyKey)) continue;
    debits.set(input.debitAccountId, (debits.get(input.debitAccountId) ?? 0) + input.amountPence);
    credits.set(input.creditAccountId, (credits.get(input.creditAccountId) ?? 0) + input.amountPence);
  }
  const accounts = [...new Set([...debits.keys(), ...credits.keys()])].sort();
  if (accounts.length > 0) {
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT "id" FROM "Account" WHERE "id" = ANY(${accounts}::uuid[]) AND "councilId" = ${councilId}::uuid ORDER BY "id" FOR UPDATE`;
    if (locked.length !== accounts.length) {
      const found = new Set(locked.map((row) => row.id));
      throw new Error(`ledger: account ${accounts.find((id) => !found.has(id))} is not in council ${councilId}`);
    }
    const taken = accounts.map((id) => debits.get(id) ?? 0);
    const given = accounts.map((id) => credits.get(id) ?? 0);
    const debited = [...debits.keys()];
    // Only accounts the batch takes from can fall short (when issuing, the budget alone, not 2,000 wallets).
    const short = await tx.$queryRaw<{ id: string }[]>`
      SELECT a."id" FROM "Account" a JOIN unnest(${debited}::uuid[], ${debited.map((id) => debits.get(id)!)}::bigint[]) AS d(id, taken) ON d.id = a."id"
      WHERE a."type" <> 'COUNCIL_FUNDING' AND a."balancePence" < d.taken`;
    if (short[0]) {
      throw new DomainError("INSUFFICIENT_FUNDS", "There is not enough money in the account for this.", undefined, {
        accountId: short[0].id,
        amountPence: debits.get(short[0].id) ?? 0,
      });
    }
    await tx.$executeRaw`
      UPDATE "Account" a SET "balancePence" = a."balancePence" - d.taken + d.given
      FROM unnest(${accounts}::uuid[], ${taken}::bigint[], ${given}::bigint[]) AS d(id, taken, given)
      WHERE a."id" = d.id`;
  }
  return inputs.map((input) => {
    const id = idOf.get(input.idempotencyKey);
    return id !== undefined ? { id, created: true } : { id: earlier.get(input.idempotencyKey)!, created: false };
  });
}

export type NewWallet = { allocationId: string; amountPence: number };

/**
 * Opens the wallets of allocations made earlier in the caller's transaction and issues each its credit from
 * a programme budget, in one statement (issuing to a whole roll): each wallet is written with the balance
 * of its one ISSUE transfer (key `issue:<allocationId>`, as issuing one at a time uses), the transfers are
 * written beside them, and the budget is debited by their sum, guarded as any debit is (its balance must
 * cover the sum; the CHECK constraint backs it). A new wallet cannot be seen or locked by anyone else before
 * the transaction commits, so it needs no lock and no second write to credit it. A key that exists already
 * is a unique violation, never skipped: nothing is written. INSUFFICIENT_FUNDS when the budget is short,
 * and the caller's transaction must then roll back. Answers each allocation's wallet id.
 */
export async function issueToNewWallets(
  tx: DbTx,
  input: { councilId: string; budgetAccountId: string; wallets: readonly NewWallet[]; actorUserId?: string | null },
): Promise<Map<string, string>> {
  if (input.wallets.length === 0) return new Map();
  for (const wallet of input.wallets) {
    assertPence(wallet.amountPence);
    if (wallet.amountPence < 0) throw new RangeError(`an issue must not be negative, got ${wallet.amountPence}`);
  }
  // Only inside a transaction: a refused debit must take the wallets and transfers written beside it with it.
  if (typeof (tx as { $connect?: unknown }).$connect === "function") {
    return (tx as Db).$transaction((inner) => issueToNewWallets(inner, input));
  }
  const totalPence = input.wallets.reduce((sum, wallet) => sum + wallet.amountPence, 0);
  const rows = await tx.$queryRaw<{ id: string; allocationId: string; debited: boolean }[]>`
    WITH wallet AS (
      INSERT INTO "Account" ("councilId", "type", "allocationId", "balancePence")
      SELECT ${input.councilId}::uuid, 'WALLET', w.allocation, w.amount
      FROM unnest(${input.wallets.map((w) => w.allocationId)}::uuid[], ${input.wallets.map((w) => w.amountPence)}::int[]) WITH ORDINALITY AS w(allocation, amount, n)
      ORDER BY w.n
      RETURNING "id", "allocationId", "balancePence"
    ), issue AS (
      INSERT INTO "Transfer" ("councilId", "kind", "debitAccountId", "creditAccountId", "amountPence", "idempotencyKey", "actorUserId")
      SELECT ${input.councilId}::uuid, 'ISSUE', ${input.budgetAccountId}::uuid, wallet."id", wallet."balancePence", 'issue:' || wallet."allocationId", ${input.actorUserId ?? null}::uuid
      FROM wallet WHERE wallet."balancePence" > 0
      RETURNING "amountPence"
    ), budget AS (
      UPDATE "Account" SET "balancePence" = "balancePence" - (SELECT coalesce(sum("amountPence"), 0) FROM issue)
      WHERE "id" = ${input.budgetAccountId}::uuid AND "councilId" = ${input.councilId}::uuid AND "type" = 'PROGRAMME_BUDGET'
        AND "balancePence" >= (SELECT coalesce(sum("amountPence"), 0) FROM issue)
      RETURNING "id"
    )
    SELECT wallet."id", wallet."allocationId", EXISTS (SELECT 1 FROM budget) AS debited FROM wallet`;
  if (rows.length !== input.wallets.length) throw new Error(`ledger: ${input.wallets.length - rows.length} wallets were not opened`);
  if (!rows[0]!.debited) {
    const budget = await tx.account.count({ where: { id: input.budgetAccountId, councilId: input.councilId, type: "PROGRAMME_BUDGET" } });
    if (!budget) throw new Error(`ledger: budget account ${input.budgetAccountId} is not a programme budget of council ${input.councilId}`);
    throw new DomainError("INSUFFICIENT_FUNDS", "There is not enough money in the account for this.", undefined, {
      accountId: input.budgetAccountId,
      amountPence: totalPence,
    });
  }
  return new Map(rows.map((row) => [row.allocationId, row.id]));
}
