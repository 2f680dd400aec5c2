import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { councilAccountId, postTransfer, programmeBudgetAccountId, verifyLedger, type TransferInput } from "~/domain/ledger";
import { createProgramme, createYoungPerson } from "../factories";
import { budgetBalance, expectDomainError, expectLedgerOk, walletBalance } from "../helpers";

const db = () => getDb();

/** A funded programme and one wallet: a transfer from the budget to the wallet is the usual test subject. */
async function budgetAndWallet(fundedPence = 10_000) {
  const programme = await createProgramme({ fundedPence });
  const { allocation, walletId } = await createYoungPerson({ programmeId: programme.id, allocationPence: 0 });
  const budgetId = await programmeBudgetAccountId(db(), programme.councilId, programme.id);
  const topUp = (amountPence: number, idempotencyKey = randomUUID()): TransferInput => ({
    councilId: programme.councilId,
    kind: "TOP_UP",
    debitAccountId: budgetId,
    creditAccountId: walletId!,
    amountPence,
    idempotencyKey,
  });
  return { programme, councilId: programme.councilId, allocationId: allocation!.id, walletId: walletId!, budgetId, topUp };
}

const transfersWithKey = (idempotencyKey: string) => db().transfer.count({ where: { idempotencyKey } });

describe("postTransfer", () => {
  it("posts once when the same idempotency key is posted twice, answering with the first transfer", async () => {
    const { councilId, programme, allocationId, topUp } = await budgetAndWallet();
    const input = topUp(1_500);
    const first = await db().$transaction((tx) => postTransfer(tx, input));
    const second = await db().$transaction((tx) => postTransfer(tx, input));
    expect(first.created).toBe(true);
    expect(second).toEqual({ id: first.id, created: false });
    expect(await transfersWithKey(input.idempotencyKey)).toBe(1);
    expect(await walletBalance(allocationId)).toBe(1_500);
    expect(await budgetBalance(programme.id)).toBe(10_000 - 1_500);
    await expectLedgerOk(councilId);
  });

  it("IDEMPOTENCY_CONFLICT: the same key with a different amount is refused and changes nothing", async () => {
    const { councilId, allocationId, topUp } = await budgetAndWallet();
    const key = randomUUID();
    await db().$transaction((tx) => postTransfer(tx, topUp(1_000, key)));
    await expectDomainError(db().$transaction((tx) => postTransfer(tx, topUp(1_001, key))), "IDEMPOTENCY_CONFLICT", /already recorded with different details/);
    expect(await transfersWithKey(key)).toBe(1);
    expect(await walletBalance(allocationId)).toBe(1_000);
    await expectLedgerOk(councilId);
  });

  it("IDEMPOTENCY_CONFLICT: the same key between other accounts is refused", async () => {
    const { councilId, budgetId, walletId, topUp } = await budgetAndWallet();
    const key = randomUUID();
    await db().$transaction((tx) => postTransfer(tx, topUp(1_000, key)));
    const reversed: TransferInput = { ...topUp(1_000, key), kind: "REVOKE", debitAccountId: walletId, creditAccountId: budgetId };
    await expectDomainError(db().$transaction((tx) => postTransfer(tx, reversed)), "IDEMPOTENCY_CONFLICT");
    await expectLedgerOk(councilId);
  });

  it("INSUFFICIENT_FUNDS: a debit beyond the balance is refused and nothing is written", async () => {
    const { councilId, programme, allocationId, topUp } = await budgetAndWallet(2_000);
    const input = topUp(2_001);
    const transfersBefore = await db().transfer.count({ where: { councilId } });
    const error = await expectDomainError(db().$transaction((tx) => postTransfer(tx, input)), "INSUFFICIENT_FUNDS", /not enough money/);
    expect(error.details).toMatchObject({ amountPence: 2_001 });
    expect(await transfersWithKey(input.idempotencyKey)).toBe(0);
    expect(await db().transfer.count({ where: { councilId } })).toBe(transfersBefore);
    expect(await budgetBalance(programme.id)).toBe(2_000);
    expect(await walletBalance(allocationId)).toBe(0);
    await expectLedgerOk(councilId);
  });

  it("INSUFFICIENT_FUNDS: nothing is written even when called without a transaction", async () => {
    const { councilId, programme, topUp } = await budgetAndWallet(2_000);
    const input = topUp(2_001);
    await expectDomainError(postTransfer(db(), input), "INSUFFICIENT_FUNDS");
    expect(await transfersWithKey(input.idempotencyKey)).toBe(0);
    expect(await budgetBalance(programme.id)).toBe(2_000);
    await expectLedgerOk(councilId);
  });

  it("lets only the council's funding source go below zero", async () => {
    const { councilId, programme } = await budgetAndWallet(3_000);
    const funding = await councilAccountId(db(), councilId, "COUNCIL_FUNDING");
    const account = await db().account.findUniqueOrThrow({ where: { id: funding } });
    expect(account.balancePence).toBe(-3_000n);
    const report = await expectLedgerOk(councilId);
    expect(report).toMatchObject({ fundedPence: 3_000, heldPence: 3_000 });
    expect(await budgetBalance(programme.id)).toBe(3_000);
  });

  it("refuses amounts that are not a positive whole number of pence", async () => {
    const { topUp } = await budgetAndWallet();
    for (const amount of [0, -5, 1.5, Number.NaN]) {
      await expect(db().$transaction((tx) => postTransfer(tx, topUp(amount)))).rejects.toThrow(RangeError);
    }
  });

  it("refuses to move money between accounts of different councils", async () => {
    const a = await budgetAndWallet();
    const b = await budgetAndWallet();
    const across: TransferInput = { ...a.topUp(100), creditAccountId: b.walletId };
    await expect(db().$transaction((tx) => postTransfer(tx, across))).rejects.toThrow(/not in council/);
    expect(await transfersWithKey(across.idempotencyKey)).toBe(0);
    await expectLedgerOk(a.councilId);
    await expectLedgerOk(b.councilId);
  });
});

describe("the database's own guards", () => {
  it("transfers cannot be UPDATEd: they are append-only", async () => {
    const { councilId, topUp } = await budgetAndWallet();
    const { id } = await db().$transaction((tx) => postTransfer(tx, topUp(500)));
    await expect(db().$executeRaw`UPDATE "Transfer" SET "amountPence" = 1 WHERE "id" = ${id}`).rejects.toThrow(/append-only/);
    await expect(db().transfer.update({ where: { id }, data: { reason: "tampered" } })).rejects.toThrow(/append-only/);
    expect(await db().transfer.findUniqueOrThrow({ where: { id } })).toMatchObject({ amountPence: 500, reason: null });
    await expectLedgerOk(councilId);
  });

  it("transfers cannot be DELETEd: they are append-only", async () => {
    const { councilId, topUp } = await budgetAndWallet();
    const { id } = await db().$transaction((tx) => postTransfer(tx, topUp(500)));
    await expect(db().$executeRaw`DELETE FROM "Transfer" WHERE "id" = ${id}`).rejects.toThrow(/append-only/);
    await expect(db().transfer.delete({ where: { id } })).rejects.toThrow(/append-only/);
    expect(await db().transfer.count({ where: { id } })).toBe(1);
    await expectLedgerOk(councilId);
  });

  it("the CHECK constraint refuses a negative balance even when SQL bypasses postTransfer's guard", async () => {
    const { councilId, walletId, budgetId, topUp } = await budgetAndWallet();
    await db().$transaction((tx) => postTransfer(tx, topUp(500)));
    // The same UPDATE postTransfer makes, without its "balance >= amount" condition.
    await expect(db().$executeRaw`UPDATE "Account" SET "balancePence" = "balancePence" - 501 WHERE "id" = ${walletId}::uuid`).rejects.toThrow(
      /Account_balance_not_negative/,
    );
    await expect(db().$executeRaw`UPDATE "Account" SET "balancePence" = -1 WHERE "id" = ${budgetId}::uuid`).rejects.toThrow(/Account_balance_not_negative/);
    await expectLedgerOk(councilId);
  });

  it("a transfer must move a positive amount between two different accounts", async () => {
    const { councilId, walletId, budgetId } = await budgetAndWallet();
    const insert = (amount: number, debit: string, credit: string) =>
      db().$executeRaw`INSERT INTO "Transfer" ("councilId", "kind", "debitAccountId", "creditAccountId", "amountPence", "idempotencyKey")
        VALUES (${councilId}::uuid, 'TOP_UP', ${debit}::uuid, ${credit}::uuid, ${amount}, ${randomUUID()})`;
    await expect(insert(0, budgetId, walletId)).rejects.toThrow(/Transfer_amount_positive/);
    await expect(insert(-10, budgetId, walletId)).rejects.toThrow(/Transfer_amount_positive/);
    await expect(insert(10, walletId, walletId)).rejects.toThrow(/Transfer_two_accounts/);
    await expectLedgerOk(councilId);
  });

  it("verifyLedger notices a balance that no longer matches its transfers", async () => {
    const { councilId, walletId, topUp } = await budgetAndWallet();
    await db().$transaction((tx) => postTransfer(tx, topUp(500)));
    await db().$executeRaw`UPDATE "Account" SET "balancePence" = "balancePence" + 1 WHERE "id" = ${walletId}::uuid`;
    const report = await verifyLedger(db(), councilId);
    expect(report.ok).toBe(false);
    expect(report.violations).toEqual(
      expect.arrayContaining([expect.stringMatching(/balance 501 differs from its transfers 500/), expect.stringMatching(/balances add up to 10001 but 10000 was funded/)]),
    );
  });
});
