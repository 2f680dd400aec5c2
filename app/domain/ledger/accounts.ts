// Ledger accounts: who owns each pot of money, created on first use and read cheaply.
import type { DbTx } from "~/lib/db.server";
import type { AccountType } from "~/generated/prisma/enums";
import { penceFromBigInt } from "../money";

type CouncilAccountType = Extract<AccountType, "COUNCIL_FUNDING" | "PAYOUT_IN_FLIGHT" | "PAID_OUT">;

/** The council's singleton account of a type (funding source, payouts in flight, paid out). */
export async function councilAccountId(tx: DbTx, councilId: string, type: CouncilAccountType): Promise<string> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO "Account" ("councilId", "type") VALUES (${councilId}::uuid, ${type}::"AccountType")
    ON CONFLICT ("councilId", "type") WHERE "type" IN ('COUNCIL_FUNDING', 'PAYOUT_IN_FLIGHT', 'PAID_OUT') DO NOTHING
    RETURNING "id"`;
  if (rows[0]) return rows[0].id;
  const found = await tx.account.findFirstOrThrow({ where: { councilId, type }, select: { id: true } });
  return found.id;
}

export async function programmeBudgetAccountId(tx: DbTx, councilId: string, programmeId: string): Promise<string> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO "Account" ("councilId", "type", "programmeId")
    VALUES (${councilId}::uuid, 'PROGRAMME_BUDGET', ${programmeId}::uuid)
    ON CONFLICT ("programmeId") WHERE "type" = 'PROGRAMME_BUDGET' DO NOTHING
    RETURNING "id"`;
  if (rows[0]) return rows[0].id;
  const found = await tx.account.findFirstOrThrow({
    where: { programmeId, type: "PROGRAMME_BUDGET" },
    select: { id: true },
  });
  return found.id;
}

export async function providerPayableAccountId(tx: DbTx, councilId: string, providerId: string): Promise<string> {
  const rows = await tx.$queryRaw<{ id: string }[]>`
    INSERT INTO "Account" ("councilId", "type", "providerId")
    VALUES (${councilId}::uuid, 'PROVIDER_PAYABLE', ${providerId}::uuid)
    ON CONFLICT ("councilId", "providerId") WHERE "type" = 'PROVIDER_PAYABLE' DO NOTHING
    RETURNING "id"`;
  if (rows[0]) return rows[0].id;
  const found = await tx.account.findFirstOrThrow({
    where: { councilId, providerId, type: "PROVIDER_PAYABLE" },
    select: { id: true },
  });
  return found.id;
}

/** The payable accounts of many providers of one council (created where missing), by provider id. */
export async function providerPayableAccountIds(tx: DbTx, councilId: string, providerIds: readonly string[]): Promise<Map<string, string>> {
  if (providerIds.length === 0) return new Map();
  await tx.$executeRaw`
    INSERT INTO "Account" ("councilId", "type", "providerId")
    SELECT ${councilId}::uuid, 'PROVIDER_PAYABLE', p.id FROM unnest(${providerIds}::uuid[]) AS p(id)
    ON CONFLICT ("councilId", "providerId") WHERE "type" = 'PROVIDER_PAYABLE' DO NOTHING`;
  const rows = await tx.$queryRaw<{ id: string; providerId: string }[]>`
    SELECT "id", "providerId" FROM "Account"
    WHERE "councilId" = ${councilId}::uuid AND "type" = 'PROVIDER_PAYABLE' AND "providerId" = ANY(${providerIds}::uuid[])`;
  return new Map(rows.map((r) => [r.providerId, r.id]));
}

export async function createWalletAccount(tx: DbTx, councilId: string, allocationId: string): Promise<string> {
  const account = await tx.account.create({
    data: { councilId, type: "WALLET", allocationId },
    select: { id: true },
  });
  return account.id;
}

export async function createHoldAccount(tx: DbTx, councilId: string, bookingId: string): Promise<string> {
  const account = await tx.account.create({
    data: { councilId, type: "BOOKING_HOLD", bookingId },
    select: { id: true },
  });
  return account.id;
}

export async function balanceOf(tx: DbTx, accountId: string): Promise<number> {
  const account = await tx.account.findUniqueOrThrow({ where: { id: accountId }, select: { balancePence: true } });
  return penceFromBigInt(account.balancePence);
}

/** Balances of many wallets at once, keyed by allocation id. */
export async function walletBalances(tx: DbTx, allocationIds: string[]): Promise<Map<string, number>> {
  const accounts = await tx.account.findMany({
    where: { type: "WALLET", allocationId: { in: allocationIds } },
    select: { allocationId: true, balancePence: true },
  });
  return new Map(accounts.map((a) => [a.allocationId!, penceFromBigInt(a.balancePence)]));
}
