// Opening a booking's hold: the price moves from a wallet into a new hold account, in one statement.
import type { DbTx } from "~/lib/db.server";
import { Prisma } from "~/generated/prisma/client";
import { DomainError } from "../errors";
import { assertPence } from "../money";

export type OpenHoldInput = {
  councilId: string;
  walletId: string;
  bookingId: string;
  amountPence: number;
};

export type OpenedHold = { holdAccountId: string; transferId: bigint };

/**
 * Creates the booking's BOOKING_HOLD account and posts its BOOK transfer (key `book:<bookingId>`) from the wallet,
 * as postTransfer would, but in one statement instead of four (account, transfer, debit, credit), because booking
 * runs it while hundreds of others wait. The same rules: the debit is guarded in the UPDATE itself (READ COMMITTED
 * re-checks it against the newest row) and backed by the balance CHECK; the hold is a new row nobody else can lock,
 * so the wallet is the only existing account locked and there is no lock order to keep; the hold starts at the
 * amount its one transfer credits it with, so stored balances still equal the transfers. Nothing is written
 * unless the wallet is debited, so it needs no transaction of its own. A booking opens its hold once: a second
 * call for the same booking fails on the hold's unique booking id (and the transfer's key) and changes nothing.
 */
export async function openHold(tx: DbTx, input: OpenHoldInput): Promise<OpenedHold> {
  assertPence(input.amountPence);
  if (input.amountPence <= 0) throw new RangeError(`hold amount must be positive, got ${input.amountPence}`);
  // One statement: all of it or none of it, in the caller's transaction or on its own.
  const [opened] = await tx.$queryRaw<OpenedHold[]>`
    WITH ${openHoldSteps(input)}
    SELECT hold_account."id" AS "holdAccountId", hold_transfer."id" AS "transferId" FROM hold_account, hold_transfer`;
  if (opened) return opened;

  const wallet = await tx.account.count({ where: { id: input.walletId, councilId: input.councilId, type: "WALLET" } });
  if (!wallet) throw new Error(`ledger: wallet ${input.walletId} is not a wallet of council ${input.councilId}`);
  throw new DomainError("INSUFFICIENT_FUNDS", "There is not enough money in the account for this.", undefined, {
    accountId: input.walletId,
    amountPence: input.amountPence,
  });
}

/**
 * openHold's writes as CTEs (`hold_debit`, `hold_account`, `hold_transfer`) for a larger statement, so a caller that
 * must commit everything in one statement (booking a popular session) still moves money only through this module.
 * With `onlyIf` (the name of one of the caller's CTEs), nothing is written unless it has a row. The caller reads
 * `hold_debit` to know whether the wallet covered it, and must then write nothing else either.
 */
export function openHoldSteps(input: OpenHoldInput, onlyIf?: string): Prisma.Sql {
  assertPence(input.amountPence);
  if (input.amountPence <= 0) throw new RangeError(`hold amount must be positive, got ${input.amountPence}`);
  if (onlyIf !== undefined && !/^[a-z_]+$/.test(onlyIf)) throw new Error(`ledger: ${onlyIf} is not a CTE name`);
  const when = onlyIf ? Prisma.sql`AND EXISTS (SELECT 1 FROM ${Prisma.raw(onlyIf)})` : Prisma.empty;
  return Prisma.sql`
    hold_debit AS (
      UPDATE "Account" SET "balancePence" = "balancePence" - ${input.amountPence}
      WHERE "id" = ${input.walletId}::uuid AND "councilId" = ${input.councilId}::uuid AND "type" = 'WALLET'
        AND "balancePence" >= ${input.amountPence} ${when}
      RETURNING "id"
    ), hold_account AS (
      INSERT INTO "Account" ("councilId", "type", "bookingId", "balancePence")
      SELECT ${input.councilId}::uuid, 'BOOKING_HOLD'::"AccountType", ${input.bookingId}::uuid, ${input.amountPence}::bigint FROM hold_debit
      RETURNING "id"
    ), hold_transfer AS (
      INSERT INTO "Transfer" ("councilId", "kind", "debitAccountId", "creditAccountId", "amountPence", "idempotencyKey", "bookingId")
      SELECT ${input.councilId}::uuid, 'BOOK'::"TransferKind", hold_debit."id", hold_account."id", ${input.amountPence}::int,
        ${`book:${input.bookingId}`}, ${input.bookingId}::uuid
      FROM hold_debit, hold_account
      RETURNING "id"
    )`;
}
