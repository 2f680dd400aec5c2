// Young people as a council officer sees them: the list with search and filters, one person's pass and
// statement, adding one by hand, and the officer's actions on a pass (top-up, reward, freeze, revoke).
import { Prisma } from "~/generated/prisma/client";
import type { AllocationStatus, NeedsFlag, YoungPersonStatus } from "~/generated/prisma/enums";
import type { Db, DbTx } from "~/lib/db.server";
import { recordAudit } from "../audit";
import { newPassCode } from "../codes";
import { DomainError } from "../errors";
import { walletStatement } from "../ledger";
import { penceFromBigInt } from "../money";
import { issueAllocation, revokeAllocation, setAllocationFrozen, topUpAllocation } from "./allocations";
import type { YoungPersonFormValue } from "./forms";
import { isUuid, type OfficerContext } from "./programmes";

export const PAGE_SIZE = 50;

/** Which young people an officer means: the list's filters, also used to pick a group for top-ups and letters. */
export type YoungPeopleFilter = {
  q?: string;
  ward?: string;
  needs?: NeedsFlag;
  status?: YoungPersonStatus;
  /** Only those with no email and no phone (for printed letters). */
  noContact?: boolean;
  /** Only those with an email or a phone (for invitations). */
  hasContact?: boolean;
  /** Only those holding an allocation from this programme. */
  programmeId?: string;
};

function whereFor(councilId: string, filter: YoungPeopleFilter): Prisma.YoungPersonWhereInput {
  const q = filter.q?.trim();
  const where: Prisma.YoungPersonWhereInput = { councilId };
  const and: Prisma.YoungPersonWhereInput[] = [];
  if (q) {
    const words = q.split(/\s+/).slice(0, 4);
    for (const word of words) {
      and.push({
        OR: [
          { firstName: { contains: word, mode: "insensitive" } },
          { lastName: { contains: word, mode: "insensitive" } },
          { externalRef: { equals: word, mode: "insensitive" } },
          { postcode: { startsWith: word.toUpperCase() } },
          { email: { equals: word.toLowerCase() } },
        ],
      });
    }
  }
  if (filter.ward) where.ward = filter.ward;
  if (filter.needs) where.needsFlags = { has: filter.needs };
  if (filter.status) where.status = filter.status;
  if (filter.noContact) and.push({ email: null, phone: null });
  if (filter.hasContact) and.push({ OR: [{ email: { not: null } }, { phone: { not: null } }] });
  if (filter.programmeId) where.allocations = { some: { programmeId: filter.programmeId } };
  if (and.length > 0) where.AND = and;
  return where;
}

export async function listYoungPeople(db: DbTx, councilId: string, filter: YoungPeopleFilter, page: number) {
  const where = whereFor(councilId, filter);
  const [total, people, wards] = await Promise.all([
    db.youngPerson.count({ where }),
    db.youngPerson.findMany({
      where,
      orderBy: [{ lastName: "asc" }, { firstName: "asc" }, { id: "asc" }],
      skip: (page - 1) * PAGE_SIZE,
      take: PAGE_SIZE,
      select: {
        id: true,
        firstName: true,
        lastName: true,
        dateOfBirth: true,
        ward: true,
        postcode: true,
        needsFlags: true,
        status: true,
        externalRef: true,
        allocations: { select: { status: true, wallet: { select: { balancePence: true } } } },
      },
    }),
    db.youngPerson.findMany({ where: { councilId }, distinct: ["ward"], select: { ward: true }, orderBy: { ward: "asc" } }),
  ]);
  return {
    total,
    pages: Math.max(1, Math.ceil(total / PAGE_SIZE)),
    wards: wards.map((w) => w.ward),
    people: people.map(({ allocations, ...p }) => ({
      ...p,
      balancePence: allocations.reduce((sum, a) => sum + penceFromBigInt(a.wallet?.balancePence ?? 0n), 0),
      allocationStatus: (allocations.find((a) => a.status === "ACTIVE") ?? allocations[0])?.status ?? null,
    })),
  };
}

/** Ids of the young people a filter picks, in a fixed order (for group actions). */
export async function youngPeopleIds(db: DbTx, councilId: string, filter: YoungPeopleFilter, limit: number) {
  const rows = await db.youngPerson.findMany({ where: whereFor(councilId, filter), select: { id: true }, orderBy: { id: "asc" }, take: limit });
  return rows.map((r) => r.id);
}

export async function countYoungPeople(db: DbTx, councilId: string, filter: YoungPeopleFilter) {
  return db.youngPerson.count({ where: whereFor(councilId, filter) });
}

/** One young person of the officer's council, with each allocation's balance and the statement. */
export async function getYoungPersonForOfficer(db: DbTx, councilId: string, youngPersonId: string) {
  if (!isUuid(youngPersonId)) throw new DomainError("NOT_FOUND", "That young person is not enrolled in this council.");
  const person = await db.youngPerson.findFirst({
    where: { id: youngPersonId, councilId },
    select: {
      id: true,
      firstName: true,
      lastName: true,
      dateOfBirth: true,
      postcode: true,
      ward: true,
      needsFlags: true,
      email: true,
      phone: true,
      status: true,
      externalRef: true,
      invitedAt: true,
      activatedAt: true,
      createdAt: true,
      allocations: {
        orderBy: { issuedAt: "desc" },
        select: {
          id: true,
          status: true,
          issuedAt: true,
          expiresAt: true,
          programme: { select: { id: true, name: true } },
          wallet: { select: { balancePence: true } },
        },
      },
    },
  });
  if (!person) throw new DomainError("NOT_FOUND", "That young person is not enrolled in this council.");
  const statement = await walletStatement(db, person.id);
  const programmes = await db.programme.findMany({
    where: { councilId, status: "ACTIVE", allocations: { none: { youngPersonId: person.id } } },
    select: { id: true, name: true },
    orderBy: { name: "asc" },
  });
  return {
    ...person,
    allocations: person.allocations.map(({ wallet, ...a }) => ({ ...a, balancePence: penceFromBigInt(wallet?.balancePence ?? 0n) })),
    statement,
    programmesToIssue: programmes,
  };
}

/** Adds one young person by hand. An external reference already in use is refused, next to its field. */
export async function addYoungPerson(db: Db, context: OfficerContext, value: YoungPersonFormValue) {
  return db.$transaction(async (tx) => {
    if (value.externalRef) {
      const taken = await tx.youngPerson.findFirst({ where: { councilId: context.councilId, externalRef: value.externalRef }, select: { id: true } });
      if (taken) throw new DomainError("INVALID_INPUT", "Someone is already enrolled with this reference.", "externalRef");
    }
    const person = await tx.youngPerson.create({
      data: {
        councilId: context.councilId,
        externalRef: value.externalRef,
        firstName: value.firstName,
        lastName: value.lastName,
        dateOfBirth: value.dateOfBirth,
        postcode: value.postcode,
        ward: value.ward,
        needsFlags: value.needsFlags,
        email: value.email,
        phone: value.phone,
        passCode: newPassCode(),
      },
      select: { id: true },
    });
    await recordAudit(tx, { councilId: context.councilId, actorUserId: context.actorUserId, action: "young_person.added", entityType: "YoungPerson", entityId: person.id });
    return person;
  });
}

/** An allocation of the officer's council, or NOT_FOUND. */
async function allocationInCouncil(db: DbTx, councilId: string, allocationId: string) {
  if (!isUuid(allocationId)) throw new DomainError("NOT_FOUND", "That pass does not exist.");
  const allocation = await db.allocation.findFirst({ where: { id: allocationId, councilId }, select: { id: true, youngPersonId: true, status: true } });
  if (!allocation) throw new DomainError("NOT_FOUND", "That pass does not exist.");
  return allocation;
}

export type PassAction =
  | { intent: "top-up" | "reward"; allocationId: string; amountPence: number; reason: string; idempotencyKey: string }
  | { intent: "freeze" | "unfreeze"; allocationId: string }
  | { intent: "revoke"; allocationId: string; reason: string }
  | { intent: "issue"; programmeId: string };

/** What an officer does to one young person's pass, always within their own council. */
export async function actOnPass(db: Db, context: OfficerContext, youngPersonId: string, action: PassAction) {
  const person = await db.youngPerson.findFirst({ where: { id: youngPersonId, councilId: context.councilId }, select: { id: true } });
  if (!person) throw new DomainError("NOT_FOUND", "That young person is not enrolled in this council.");
  const actorUserId = context.actorUserId ?? undefined;
  if (action.intent === "issue") {
    const programme = await db.programme.findFirst({ where: { id: action.programmeId, councilId: context.councilId }, select: { id: true, status: true } });
    if (!programme) throw new DomainError("NOT_FOUND", "That programme does not exist.");
    if (programme.status !== "ACTIVE") throw new DomainError("INVALID_INPUT", "Passes can only be issued from an active programme.", "programmeId");
    return issueAllocation(db, { programmeId: programme.id, youngPersonId, actorUserId });
  }
  const allocation = await allocationInCouncil(db, context.councilId, action.allocationId);
  if (allocation.youngPersonId !== youngPersonId) throw new DomainError("NOT_FOUND", "That pass does not exist.");
  switch (action.intent) {
    case "top-up":
    case "reward": {
      const reason = action.intent === "reward" ? `Reward: ${action.reason}` : action.reason;
      try {
        return await topUpAllocation(db, { allocationId: allocation.id, amountPence: action.amountPence, reason, idempotencyKey: action.idempotencyKey, actorUserId });
      } catch (error) {
        if (error instanceof DomainError && error.code === "INSUFFICIENT_FUNDS") {
          throw new DomainError("INSUFFICIENT_FUNDS", "The programme's budget does not have that much left.", "amount");
        }
        throw error;
      }
    }
    case "freeze":
    case "unfreeze":
      return setAllocationFrozen(db, { allocationId: allocation.id, frozen: action.intent === "freeze", actorUserId });
    case "revoke":
      return revokeAllocation(db, { allocationId: allocation.id, reason: action.reason, actorUserId });
  }
}

export type GroupTopUpResult = { toppedUp: number; toppedUpPence: number; stoppedForBudget: boolean; done: boolean; lastYoungPersonId: string | null };

/**
 * Tops up, from one programme, the next `limit` allocations of the people a filter picks (after `afterId`).
 * Each top-up has its own key from the job, so a job run twice tops up each person once; it stops at the
 * first one the budget cannot cover.
 */
export async function topUpGroupBatch(
  db: Db,
  input: { councilId: string; programmeId: string; filter: YoungPeopleFilter; amountPence: number; reason: string; jobKey: string; afterId: string | null; limit: number; actorUserId?: string | null },
): Promise<GroupTopUpResult> {
  const allocations = await db.allocation.findMany({
    where: {
      councilId: input.councilId,
      programmeId: input.programmeId,
      status: { in: ["ACTIVE", "FROZEN"] satisfies AllocationStatus[] },
      youngPerson: whereFor(input.councilId, { ...input.filter, programmeId: undefined }),
      ...(input.afterId ? { youngPersonId: { gt: input.afterId } } : {}),
    },
    orderBy: { youngPersonId: "asc" },
    take: input.limit,
    select: { id: true, youngPersonId: true },
  });
  let toppedUp = 0;
  let lastYoungPersonId: string | null = input.afterId;
  for (const allocation of allocations) {
    try {
      // Counted whether posted now or by an earlier run of the same job (same key): the person has it once.
      await topUpAllocation(db, {
        allocationId: allocation.id,
        amountPence: input.amountPence,
        reason: input.reason,
        idempotencyKey: `${input.jobKey}:${allocation.id}`,
        actorUserId: input.actorUserId ?? undefined,
      });
      toppedUp += 1;
    } catch (error) {
      if (error instanceof DomainError && error.code === "INSUFFICIENT_FUNDS") {
        return { toppedUp, toppedUpPence: toppedUp * input.amountPence, stoppedForBudget: true, done: true, lastYoungPersonId };
      }
      // Revoked or expired between the query and the top-up: nothing to give them.
      if (error instanceof DomainError && (error.code === "ALLOCATION_REVOKED" || error.code === "ALLOCATION_EXPIRED")) {
        lastYoungPersonId = allocation.youngPersonId;
        continue;
      }
      throw error;
    }
    lastYoungPersonId = allocation.youngPersonId;
  }
  return { toppedUp, toppedUpPence: toppedUp * input.amountPence, stoppedForBudget: false, done: allocations.length < input.limit, lastYoungPersonId };
}

/** How many allocations of a programme a group top-up would reach. */
export async function countGroupTopUp(db: DbTx, councilId: string, programmeId: string, filter: YoungPeopleFilter) {
  return db.allocation.count({
    where: { councilId, programmeId, status: { in: ["ACTIVE", "FROZEN"] }, youngPerson: whereFor(councilId, { ...filter, programmeId: undefined }) },
  });
}
