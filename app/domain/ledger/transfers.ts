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
