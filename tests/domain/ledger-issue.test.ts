// issueToNewWallets: a roll's wallets opened with their ISSUE credit and the budget debited, in one statement.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { postTransfer, programmeBudgetAccountId } from "~/domain/ledger";
import { issueToNewWallets } from "~/domain/ledger/transfers";
import { createProgramme, createYoungPerson } from "../factories";
import { budgetBalance, domainCodes, expectDomainError, expectLedgerOk, settle, walletBalance } from "../helpers";

const db = () => getDb();

/** A funded programme and `count` allocations made without wallets, as the issuing job makes them. */
async function budgetAndAllocations(fundedPence: number, count: number) {
  const programme = await createProgramme({ fundedPence });
  const budgetId = await programmeBudgetAccountId(db(), programme.councilId, programme.id);
  const allocationIds: string[] = [];
  for (let i = 0; i < count; i += 1) {
    const { youngPerson } = await createYoungPerson({ councilId: programme.councilId, withAllocation: false });
    const allocation = await db().allocation.create({
      data: { councilId: programme.councilId, programmeId: programme.id, youngPersonId: youngPerson.id, expiresAt: programme.endsOn },
    });
    allocationIds.push(allocation.id);
  }
  return { programme, councilId: programme.councilId, budgetId, allocationIds };
}

const written = async (allocationIds: string[]) => ({
  wallets: await db().account.count({ where: { allocationId: { in: allocationIds } } }),
  transfers: await db().transfer.count({ where: { idempotencyKey: { in: allocationIds.map((id) => `issue:${id}`) } } }),
});

describe("issueToNewWallets", () => {
  it("opens each wallet with its credit under the key issue:<allocation>, debits the budget by the sum, and an empty wallet gets no transfer", async () => {
    const { programme, councilId, budgetId, allocationIds } = await budgetAndAllocations(10_000, 3);
    const amounts = [1_000, 0, 2_500];
    const walletOf = await db().$transaction((tx) =>
      issueToNewWallets(tx, { councilId, budgetAccountId: budgetId, wallets: allocationIds.map((allocationId, i) => ({ allocationId, amountPence: amounts[i]! })) }),
    );
    expect(walletOf.size).toBe(3);
    expect(await Promise.all(allocationIds.map(walletBalance))).toEqual(amounts);
    expect(await budgetBalance(programme.id)).toBe(10_000 - 3_500);
    const issues = await db().transfer.findMany({ where: { kind: "ISSUE", debitAccountId: budgetId }, orderBy: { amountPence: "asc" } });
    expect(issues.map((t) => [t.idempotencyKey, t.creditAccountId, t.amountPence])).toEqual([
      [`issue:${allocationIds[0]}`, walletOf.get(allocationIds[0]!), 1_000],
      [`issue:${allocationIds[2]}`, walletOf.get(allocationIds[2]!), 2_500],
    ]);
    await expectLedgerOk(councilId);
  });

  it("INSUFFICIENT_FUNDS when the batch needs a penny more than the budget holds, and writes nothing", async () => {
    const { programme, councilId, budgetId, allocationIds } = await budgetAndAllocations(3_000, 2);
    const wallets = [
      { allocationId: allocationIds[0]!, amountPence: 1_500 },
      { allocationId: allocationIds[1]!, amountPence: 1_501 },
    ];
    await expectDomainError(
      db().$transaction((tx) => issueToNewWallets(tx, { councilId, budgetAccountId: budgetId, wallets })),
      "INSUFFICIENT_FUNDS",
    );
    // Given the client instead of a transaction, it opens its own, so the refusal leaves nothing either.
    await expectDomainError(issueToNewWallets(db(), { councilId, budgetAccountId: budgetId, wallets }), "INSUFFICIENT_FUNDS");
    expect(await written(allocationIds)).toEqual({ wallets: 0, transfers: 0 });
    expect(await budgetBalance(programme.id)).toBe(3_000);
    await expectLedgerOk(councilId);
  });

  it("never skips a key posted before: the whole batch is refused and nothing more is written", async () => {
    const { programme, councilId, budgetId, allocationIds } = await budgetAndAllocations(10_000, 2);
    // Someone posted the first allocation's issue already (to some wallet): opening it again must not credit it twice.
    const other = await createYoungPerson({ councilId, allocationPence: 0 });
    await postTransfer(db(), { councilId, kind: "ISSUE", debitAccountId: budgetId, creditAccountId: other.walletId!, amountPence: 700, idempotencyKey: `issue:${allocationIds[0]}` });
    const before = await budgetBalance(programme.id);
    await expect(
      db().$transaction((tx) =>
        issueToNewWallets(tx, { councilId, budgetAccountId: budgetId, wallets: allocationIds.map((allocationId) => ({ allocationId, amountPence: 700 })) }),
      ),
    ).rejects.toThrow();
    expect(await written(allocationIds)).toEqual({ wallets: 0, transfers: 1 });
    expect(await budgetBalance(programme.id)).toBe(before);
    await expectLedgerOk(councilId);
  });

  it("refuses a budget of another council, and writes nothing", async () => {
    const { councilId, allocationIds } = await budgetAndAllocations(5_000, 1);
    const other = await budgetAndAllocations(5_000, 0);
    await expect(
      db().$transaction((tx) => issueToNewWallets(tx, { councilId, budgetAccountId: other.budgetId, wallets: [{ allocationId: allocationIds[0]!, amountPence: 100 }] })),
    ).rejects.toThrow(/not a programme budget of council/);
    expect(await written(allocationIds)).toEqual({ wallets: 0, transfers: 0 });
    expect(await budgetBalance(other.programme.id)).toBe(5_000);
  });

  it("two batches racing on one budget that covers only one of them: one is issued, the other refused, never below zero", async () => {
    const { programme, councilId, budgetId, allocationIds } = await budgetAndAllocations(5_000, 4);
    const batch = (ids: string[]) =>
      db().$transaction((tx) => issueToNewWallets(tx, { councilId, budgetAccountId: budgetId, wallets: ids.map((allocationId) => ({ allocationId, amountPence: 1_500 })) }));
    const outcomes = await settle([batch(allocationIds.slice(0, 2)), batch(allocationIds.slice(2))]);
    expect(outcomes.fulfilled).toHaveLength(1);
    expect(domainCodes(outcomes.rejected)).toEqual(["INSUFFICIENT_FUNDS"]);
    expect(await budgetBalance(programme.id)).toBe(2_000);
    expect((await written(allocationIds)).transfers).toBe(2);
    await expectLedgerOk(councilId);
  });

  it("for any budget and any amounts, either issues them all and the budget falls by their sum, or refuses and nothing changes", async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 20_000 }), fc.array(fc.integer({ min: 0, max: 6_000 }), { minLength: 1, maxLength: 5 }), async (funded, amounts) => {
        const { programme, councilId, budgetId, allocationIds } = await budgetAndAllocations(funded, amounts.length);
        const wallets = allocationIds.map((allocationId, i) => ({ allocationId, amountPence: amounts[i]! }));
        const total = amounts.reduce((a, b) => a + b, 0);
        const outcome = await db()
          .$transaction((tx) => issueToNewWallets(tx, { councilId, budgetAccountId: budgetId, wallets }))
          .then(() => "issued" as const, (error: unknown) => error);
        if (total <= funded) {
          expect(outcome).toBe("issued");
          expect(await budgetBalance(programme.id)).toBe(funded - total);
          expect(await Promise.all(allocationIds.map(walletBalance))).toEqual(amounts);
        } else {
          expect((outcome as { code?: string }).code).toBe("INSUFFICIENT_FUNDS");
          expect(await budgetBalance(programme.id)).toBe(funded);
          expect(await written(allocationIds)).toEqual({ wallets: 0, transfers: 0 });
        }
        await expectLedgerOk(councilId);
      }),
      { numRuns: 15 },
    );
  });
});
