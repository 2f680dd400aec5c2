// Opening a booking's hold: the price moves from a wallet into a new hold account, in one statement.
import type { Db, DbTx } from "~/lib/db.server";
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
 * unless the wallet is debited. A booking opens its hold once: a second call for the same booking fails on the
 * hold's unique booking id (and the transfer's key) and its statement changes nothing.
 */
export async function openHold(tx: DbTx, input: OpenHoldInput): Promise<OpenedHold> {
  assertPence(input.amountPence);
  if (input.amountPence <= 0) throw new RangeError(`hold amount must be positive, got ${input.amountPence}`);
  // As postTransfer: given the process's client, post in a transaction of our own.
  if (typeof (tx as { $connect?: unknown }).$connect === "function") {
    return (tx as Db).$transaction((inner) => openHold(inner, input));
  }
  const [opened] = await tx.$queryRaw<OpenedHold[]>`
    WITH debit AS (
      UPDATE "Account" SET "balancePence" = "balancePence" - ${input.amountPence}
      WHERE "id" = ${input.walletId}::uuid AND "councilId" = ${input.councilId}::uuid AND "type" = 'WALLET'
        AND "balancePence" >= ${input.amountPence}
      RETURNING "id"
    ), hold AS (
      INSERT INTO "Account" ("councilId", "type", "bookingId", "balancePence")
      SELECT ${input.councilId}::uuid, 'BOOKING_HOLD'::"AccountType", ${input.bookingId}::uuid, ${input.amountPence}::bigint FROM debit
      RETURNING "id"
    ), transfer AS (
      INSERT INTO "Transfer" ("councilId", "kind", "debitAccountId", "creditAccountId", "amountPence", "idempotencyKey", "bookingId")
      SELECT ${input.councilId}::uuid, 'BOOK'::"TransferKind", debit."id", hold."id", ${input.amountPence}::int,
        ${`book:${input.bookingId}`}, ${input.bookingId}::uuid
      FROM debit, hold
      RETURNING "id"
    )
    SELECT hold."id" AS "holdAccountId", transfer."id" AS "transferId" FROM hold, transfer`;
  if (opened) return opened;

  const wallet = await tx.account.count({ where: { id: input.walletId, councilId: input.councilId, type: "WALLET" } });
  if (!wallet) throw new Error(`ledger: wallet ${input.walletId} is not a wallet of council ${input.councilId}`);
  throw new DomainError("INSUFFICIENT_FUNDS", "There is not enough money in the account for this.", undefined, {
    accountId: input.walletId,
    amountPence: input.amountPence,
  });
}
