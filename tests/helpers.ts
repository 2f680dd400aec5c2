// Assertions the money tests share: domain errors by code and words, ledger invariants, balances.
import { expect } from "vitest";
import { getDb } from "~/lib/db.server";
import { DomainError, type DomainErrorCode } from "~/domain/errors";
import { verifyLedger } from "~/domain/ledger";
import { penceFromBigInt } from "~/domain/money";

/** Awaits a call that must fail with this domain error; returns it for further checks. */
export async function expectDomainError(promise: Promise<unknown>, code: DomainErrorCode, words?: RegExp): Promise<DomainError> {
  let outcome: unknown;
  try {
    outcome = await promise;
  } catch (error) {
    expect(error, `expected DomainError ${code}`).toBeInstanceOf(DomainError);
    const domainError = error as DomainError;
    expect({ code: domainError.code, message: domainError.message }).toEqual({ code, message: expect.stringMatching(words ?? /\w/) });
    // Written for the person who caused it: a sentence, not a code or a stack.
    expect(domainError.message).toMatch(/^[A-Z].*[.!?)]$/s);
    expect(domainError.message).not.toMatch(/[A-Z]{3,}_[A-Z]{3,}|undefined|null|NaN|\[object/);
    return domainError;
  }
  throw new Error(`expected DomainError ${code}, but the call succeeded with ${JSON.stringify(outcome, bigintSafe)}`);
}

/** Every money invariant of the council holds (balances, holds, places, redemptions, payouts). */
export async function expectLedgerOk(councilId: string) {
  const report = await verifyLedger(getDb(), councilId);
  expect(report.violations).toEqual([]);
  expect(report.ok).toBe(true);
  return report;
}

export async function walletBalance(allocationId: string): Promise<number> {
  const wallet = await getDb().account.findUniqueOrThrow({ where: { allocationId }, select: { balancePence: true } });
  return penceFromBigInt(wallet.balancePence);
}

export async function budgetBalance(programmeId: string): Promise<number> {
  const budget = await getDb().account.findFirst({ where: { programmeId, type: "PROGRAMME_BUDGET" }, select: { balancePence: true } });
  return penceFromBigInt(budget?.balancePence ?? 0n);
}

export async function payableBalance(councilId: string, providerId: string): Promise<number> {
  const payable = await getDb().account.findFirst({ where: { councilId, providerId, type: "PROVIDER_PAYABLE" }, select: { balancePence: true } });
  return penceFromBigInt(payable?.balancePence ?? 0n);
}

export async function holdBalance(bookingId: string): Promise<number> {
  const hold = await getDb().account.findUnique({ where: { bookingId }, select: { balancePence: true } });
  return penceFromBigInt(hold?.balancePence ?? 0n);
}

export async function councilBalance(councilId: string, type: "PAYOUT_IN_FLIGHT" | "PAID_OUT"): Promise<number> {
  const account = await getDb().account.findFirst({ where: { councilId, type }, select: { balancePence: true } });
  return penceFromBigInt(account?.balancePence ?? 0n);
}

export async function placesTaken(slotId: string): Promise<number> {
  return (await getDb().slot.findUniqueOrThrow({ where: { id: slotId }, select: { booked: true } })).booked;
}

/** Promise.allSettled, split: what succeeded and what failed. */
export async function settle<T>(promises: Promise<T>[]) {
  const results = await Promise.allSettled(promises);
  return {
    fulfilled: results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : [])),
    rejected: results.flatMap((r) => (r.status === "rejected" ? [r.reason as unknown] : [])),
  };
}

/** Codes of the domain errors among failures; anything else is rethrown so a crash never passes as a refusal. */
export function domainCodes(errors: unknown[]): DomainErrorCode[] {
  return errors.map((error) => {
    if (error instanceof DomainError) return error.code;
    throw error;
  });
}

const bigintSafe = (_key: string, value: unknown) => (typeof value === "bigint" ? value.toString() : value);
