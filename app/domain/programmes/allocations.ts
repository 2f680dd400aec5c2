// Funding programmes and a young person's credit: issue, top up, freeze, revoke and expire.
import { isUniqueViolation, type Db, type DbTx } from "~/lib/db.server";
import type { NeedsFlag } from "~/generated/prisma/enums";
import { z } from "zod";
import { recordAudit } from "../audit";
import { DomainError } from "../errors";
import {
  councilAccountId,
  createWalletAccount,
  postTransfer,
  programmeBudgetAccountId,
} from "../ledger";
import { penceFromBigInt } from "../money";

// partialRecord: in Zod 4 a record keyed by an enum requires every key, and most programmes set only some uplifts.
export const upliftsSchema = z.partialRecord(z.enum(["FREE_SCHOOL_MEALS", "CARE_EXPERIENCED", "SEND", "YOUNG_CARER"]), z.number().int().min(0));

/** Base allocation plus the uplift of each needs flag the young person has. */
export function allocationAmountPence(
  programme: { baseAllocationPence: number; upliftsPence: unknown },
  needsFlags: readonly NeedsFlag[],
): number {
  const uplifts = upliftsSchema.parse(programme.upliftsPence ?? {});
  return needsFlags.reduce((total, flag) => total + (uplifts[flag] ?? 0), programme.baseAllocationPence);
}

/** Moves money from the council into a programme's budget. */
export async function fundProgramme(
  db: Db,
  input: { programmeId: string; amountPence: number; idempotencyKey: string; actorUserId?: string; reason?: string },
) {
  if (!Number.isSafeInteger(input.amountPence) || input.amountPence <= 0) {
    throw new DomainError("INVALID_INPUT", "Enter an amount of money greater than zero.", "amount");
  }
  return db.$transaction(async (tx) => {
    const programme = await tx.programme.findUnique({ where: { id: input.programmeId } });
    if (!programme) throw new DomainError("NOT_FOUND", "That programme does not exist.");
    const from = await councilAccountId(tx, programme.councilId, "COUNCIL_FUNDING");
    const to = await programmeBudgetAccountId(tx, programme.councilId, programme.id);
    const posted = await postTransfer(tx, {
      councilId: programme.councilId,
      kind: "FUND",
      debitAccountId: from,
      creditAccountId: to,
      amountPence: input.amountPence,
      idempotencyKey: `fund:${input.idempotencyKey}`,
      actorUserId: input.actorUserId,
      reason: input.reason,
    });
    if (posted.created) {
      await recordAudit(tx, {
        councilId: programme.councilId,
        actorUserId: input.actorUserId,
        action: "programme.funded",
        entityType: "Programme",
        entityId: programme.id,
        data: { amountPence: input.amountPence },
      });
    }
    return posted;
  });
}

/**
 * Gives one young person their allocation from a programme: the allocation, its wallet and the
 * issuing transfer in one transaction. Issuing twice returns the first allocation.
 */
export async function issueAllocation(
  db: Db,
  input: { programmeId: string; youngPersonId: string; actorUserId?: string; amountPence?: number },
) {
  try {
    return await issueOnce(db, input);
  } catch (error) {
    // Issued by someone else at the same moment: the allocation is theirs, and so is the answer.
    if (isUniqueViolation(error)) {
      const existing = await db.allocation.findUnique({
        where: { programmeId_youngPersonId: { programmeId: input.programmeId, youngPersonId: input.youngPersonId } },
      });
      if (existing) return existing;
    }
    throw error;
  }
}

async function issueOnce(db: Db, input: { programmeId: string; youngPersonId: string; actorUserId?: string; amountPence?: number }) {
  return db.$transaction(async (tx) => {
    const programme = await tx.programme.findUnique({ where: { id: input.programmeId } });
    const youngPerson = await tx.youngPerson.findUnique({ where: { id: input.youngPersonId } });
    if (!programme || !youngPerson || youngPerson.councilId !== programme.councilId) {
      throw new DomainError("NOT_FOUND", "That young person or programme does not exist in this council.");
    }
    const existing = await tx.allocation.findUnique({
      where: { programmeId_youngPersonId: { programmeId: programme.id, youngPersonId: youngPerson.id } },
    });
    if (existing) return existing;

    const amountPence = input.amountPence ?? allocationAmountPence(programme, youngPerson.needsFlags);
    const allocation = await tx.allocation.create({
      data: {
        councilId: programme.councilId,
        programmeId: programme.id,
        youngPersonId: youngPerson.id,
        expiresAt: endOfDay(programme.endsOn),
      },
    });
    const walletId = await createWalletAccount(tx, programme.councilId, allocation.id);
    if (amountPence > 0) {
      const budgetId = await programmeBudgetAccountId(tx, programme.councilId, programme.id);
      try {
        await postTransfer(tx, {
          councilId: programme.councilId,
          kind: "ISSUE",
          debitAccountId: budgetId,
          creditAccountId: walletId,
          amountPence,
          idempotencyKey: `issue:${allocation.id}`,
          actorUserId: input.actorUserId,
        });
      } catch (error) {
        if (error instanceof DomainError && error.code === "INSUFFICIENT_FUNDS") {
          throw new DomainError("INSUFFICIENT_FUNDS", `The programme budget has less than ${amountPence} pence left to issue.`);
        }
        throw error;
      }
    }
    await recordAudit(tx, {
      councilId: programme.councilId,
      actorUserId: input.actorUserId,
      action: "allocation.issued",
      entityType: "Allocation",
      entityId: allocation.id,
      data: { amountPence },
    });
    return allocation;
  });
}

/** Adds credit to a live allocation from its programme's budget; rewards are top-ups with a reason. */
export async function topUpAllocation(
  db: Db,
  input: { allocationId: string; amountPence: number; reason: string; idempotencyKey: string; actorUserId?: string },
) {
  if (!Number.isSafeInteger(input.amountPence) || input.amountPence <= 0) {
    throw new DomainError("INVALID_INPUT", "Enter an amount of money greater than zero.", "amount");
  }
  if (input.reason.trim() === "") throw new DomainError("INVALID_INPUT", "Say why this top-up is given.", "reason");
  return db.$transaction(async (tx) => {
    const allocation = await lockAllocation(tx, input.allocationId);
    if (allocation.status === "REVOKED" || allocation.status === "EXPIRED") {
      throw new DomainError(allocation.status === "REVOKED" ? "ALLOCATION_REVOKED" : "ALLOCATION_EXPIRED", "This pass can no longer be topped up.");
    }
    const budgetId = await programmeBudgetAccountId(tx, allocation.councilId, allocation.programmeId);
    const posted = await postTransfer(tx, {
      councilId: allocation.councilId,
      kind: "TOP_UP",
      debitAccountId: budgetId,
      creditAccountId: allocation.walletId,
      amountPence: input.amountPence,
      idempotencyKey: `top-up:${input.idempotencyKey}`,
      reason: input.reason,
      actorUserId: input.actorUserId,
    });
    if (posted.created) {
      await recordAudit(tx, {
        councilId: allocation.councilId,
        actorUserId: input.actorUserId,
        action: "allocation.topped_up",
        entityType: "Allocation",
        entityId: allocation.id,
        data: { amountPence: input.amountPence, reason: input.reason },
      });
    }
    return posted;
  });
}

export async function setAllocationFrozen(db: Db, input: { allocationId: string; frozen: boolean; actorUserId?: string }) {
  return db.$transaction(async (tx) => {
    const allocation = await lockAllocation(tx, input.allocationId);
    const from = input.frozen ? "ACTIVE" : "FROZEN";
    if (allocation.status !== from) return allocation.status;
    const to = input.frozen ? "FROZEN" : "ACTIVE";
    await tx.allocation.update({ where: { id: allocation.id }, data: { status: to } });
    await recordAudit(tx, {
      councilId: allocation.councilId,
      actorUserId: input.actorUserId,
      action: input.frozen ? "allocation.frozen" : "allocation.unfrozen",
      entityType: "Allocation",
      entityId: allocation.id,
    });
    return to;
  });
}

/** Ends an allocation early: unspent credit goes back to the programme budget. Held bookings stay held. */
export function revokeAllocation(db: Db, input: { allocationId: string; reason: string; actorUserId?: string }) {
  return endAllocation(db, { ...input, to: "REVOKED" });
}

/** At its expiry date unspent credit goes back to the programme budget. Running it twice does nothing more. */
export function expireAllocation(db: Db, input: { allocationId: string; now: Date }) {
  return endAllocation(db, { allocationId: input.allocationId, to: "EXPIRED", now: input.now });
}

async function endAllocation(
  db: Db,
  input: { allocationId: string; to: "REVOKED" | "EXPIRED"; now?: Date; reason?: string; actorUserId?: string },
) {
  return db.$transaction(async (tx) => {
    const allocation = await lockAllocation(tx, input.allocationId);
    if (allocation.status === "REVOKED" || allocation.status === "EXPIRED") return { returnedPence: 0, status: allocation.status };
    if (input.to === "EXPIRED" && input.now && allocation.expiresAt > input.now) {
      throw new DomainError("INVALID_INPUT", "This pass has not reached its expiry date yet.");
    }
    await tx.allocation.update({ where: { id: allocation.id }, data: { status: input.to } });
    const wallet = await tx.account.findUniqueOrThrow({ where: { id: allocation.walletId }, select: { balancePence: true } });
    const returnedPence = penceFromBigInt(wallet.balancePence);
    if (returnedPence > 0) {
      const budgetId = await programmeBudgetAccountId(tx, allocation.councilId, allocation.programmeId);
      await postTransfer(tx, {
        councilId: allocation.councilId,
        kind: input.to === "REVOKED" ? "REVOKE" : "EXPIRE",
        debitAccountId: allocation.walletId,
        creditAccountId: budgetId,
        amountPence: returnedPence,
        idempotencyKey: `${input.to === "REVOKED" ? "revoke" : "expire"}:${allocation.id}`,
        reason: input.reason,
        actorUserId: input.actorUserId,
      });
    }
    await recordAudit(tx, {
      councilId: allocation.councilId,
      actorUserId: input.actorUserId,
      action: input.to === "REVOKED" ? "allocation.revoked" : "allocation.expired",
      entityType: "Allocation",
      entityId: allocation.id,
      data: { returnedPence, reason: input.reason ?? null },
    });
    return { returnedPence, status: input.to };
  });
}

type LockedAllocation = {
  id: string;
  councilId: string;
  programmeId: string;
  youngPersonId: string;
  status: "ACTIVE" | "FROZEN" | "REVOKED" | "EXPIRED";
  expiresAt: Date;
  walletId: string;
};

/** Locks the allocation row: everything that changes an allocation's status goes through this lock first. */
export async function lockAllocation(tx: DbTx, allocationId: string): Promise<LockedAllocation> {
  const rows = await tx.$queryRaw<LockedAllocation[]>`
    SELECT al."id", al."councilId", al."programmeId", al."youngPersonId", al."status", al."expiresAt", w."id" AS "walletId"
    FROM "Allocation" al JOIN "Account" w ON w."allocationId" = al."id"
    WHERE al."id" = ${allocationId}::uuid
    FOR UPDATE OF al`;
  const allocation = rows[0];
  if (!allocation) throw new DomainError("NOT_FOUND", "That pass does not exist.");
  return allocation;
}

function endOfDay(date: Date): Date {
  // Programme dates are calendar days; credit lasts to the end of the last day (UTC, within an hour of London).
  const end = new Date(date);
  end.setUTCHours(23, 59, 59, 999);
  return end;
}
