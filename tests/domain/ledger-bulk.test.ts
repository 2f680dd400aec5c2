// postTransfers: many transfers in a few statements, with every guarantee of posting them one by one.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { postTransfer, postTransfers, programmeBudgetAccountId } from "~/domain/ledger";
import { createProgramme, createYoungPerson } from "../factories";
import { budgetBalance, expectDomainError, expectLedgerOk, walletBalance } from "../helpers";

const db = () => getDb();

/** A funded programme and three empty wallets. */
async function budgetAndWallets(fundedPence: number) {
  const programme = await createProgramme({ fundedPence });
  const people = await Promise.all([0, 1, 2].map(() => createYoungPerson({ programmeId: programme.id, allocationPence: 0 })));
  const budgetId = await programmeBudgetAccountId(db(), programme.councilId, programme.id);
  const topUp = (person: number, amountPence: number, idempotencyKey = randomUUID()) => ({
    kind: "TOP_UP" as const,
    debitAccountId: budgetId,
    creditAccountId: people[person]!.walletId!,
    amountPence,
    idempotencyKey,
  });
  return { programme, councilId: programme.councilId, people, topUp };
}

const allocationOf = (people: Awaited<ReturnType<typeof budgetAndWallets>>["people"], i: number) => people[i]!.allocation!.id;

describe("postTransfers", () => {
  it("posts each transfer once, and posting the batch again changes nothing and answers with the first transfers", async () => {
    const { councilId, programme, people, topUp } = await budgetAndWallets(10_000);
    const batch = [topUp(0, 1_000), topUp(1, 2_000), topUp(2, 3_000)];
    const first = await db().$transaction((tx) => postTransfers(tx, councilId, batch));
    const again = await db().$transaction((tx) => postTransfers(tx, councilId, batch));
    expect(first.every((t) => t.created)).toBe(true);
    expect(again).toEqual(first.map((t) => ({ id: t.id, created: false })));
    expect(await budgetBalance(programme.id)).toBe(4_000);
    expect(await Promise.all([0, 1, 2].map((i) => walletBalance(allocationOf(people, i))))).toEqual([1_000, 2_000, 3_000]);
    await expectLedgerOk(councilId);
  });

  it("treats a key posted before by postTransfer as the same transfer, and refuses it with different details", async () => {
    const { councilId, people, topUp } = await budgetAndWallets(10_000);
    const earlier = topUp(0, 500);
    await postTransfer(db(), { ...earlier, councilId });
    const posted = await postTransfers(db(), councilId, [earlier, topUp(1, 700)]);
    expect(posted.map((t) => t.created)).toEqual([false, true]);
    await expectDomainError(postTransfers(db(), councilId, [{ ...earlier, amountPence: 501 }]), "IDEMPOTENCY_CONFLICT");
    expect(await walletBalance(allocationOf(people, 0))).toBe(500);
    await expectLedgerOk(councilId);
  });

  it("INSUFFICIENT_FUNDS: refuses the whole batch when its debits together exceed the balance, and writes nothing", async () => {
    const { councilId, programme, people, topUp } = await budgetAndWallets(5_000);
    const batch = [topUp(0, 2_000), topUp(1, 2_000), topUp(2, 1_001)];
    await expectDomainError(postTransfers(db(), councilId, batch), "INSUFFICIENT_FUNDS", /not enough money/);
    expect(await db().transfer.count({ where: { idempotencyKey: { in: batch.map((t) => t.idempotencyKey) } } })).toBe(0);
    expect(await budgetBalance(programme.id)).toBe(5_000);
    expect(await walletBalance(allocationOf(people, 0))).toBe(0);
    await expectLedgerOk(councilId);
  });

  it("refuses to move money to an account of another council", async () => {
    const { councilId, topUp } = await budgetAndWallets(5_000);
    const other = await budgetAndWallets(5_000);
    const across = { ...topUp(0, 100), creditAccountId: other.people[0]!.walletId! };
    await expect(postTransfers(db(), councilId, [across])).rejects.toThrow(/not in council/);
    await expectLedgerOk(councilId);
    await expectLedgerOk(other.councilId);
  });
});
