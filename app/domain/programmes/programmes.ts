// Programmes as officers set them up: create, edit (added budget is funded through the ledger), who is
// eligible, what issuing to everyone eligible would cost, and issuing in batches that never overspend.
import { Prisma } from "~/generated/prisma/client";
import type { NeedsFlag } from "~/generated/prisma/enums";
import type { Db, DbTx } from "~/lib/db.server";
import { recordAudit } from "../audit";
import { DomainError } from "../errors";
import { councilAccountId, postTransfer, programmeBudgetAccountId } from "../ledger";
import { issueToNewWallets } from "../ledger/transfers";
import { penceFromBigInt } from "../money";
import { allocationAmountPence } from "./allocations";
import type { ProgrammeData } from "./forms";

export type OfficerContext = { councilId: string; actorUserId?: string | null };

/** A programme of the officer's council, or NOT_FOUND (another council's programme does not exist for them). */
export async function getProgramme(db: DbTx, councilId: string, programmeId: string) {
  if (!isUuid(programmeId)) throw new DomainError("NOT_FOUND", "That programme does not exist.");
  const programme = await db.programme.findFirst({ where: { id: programmeId, councilId } });
  if (!programme) throw new DomainError("NOT_FOUND", "That programme does not exist.");
  return programme;
}

/** The council's programmes with what each has funded, left in its budget and issued. */
export async function listProgrammes(db: DbTx, councilId: string) {
  const programmes = await db.programme.findMany({
    where: { councilId },
    orderBy: [{ status: "asc" }, { startsOn: "desc" }],
    select: { id: true, name: true, status: true, budgetPence: true, baseAllocationPence: true, startsOn: true, endsOn: true, _count: { select: { allocations: true } } },
  });
  const budgets = await db.account.findMany({
    where: { councilId, type: "PROGRAMME_BUDGET", programmeId: { in: programmes.map((p) => p.id) } },
    select: { programmeId: true, balancePence: true },
  });
  const left = new Map(budgets.map((b) => [b.programmeId!, penceFromBigInt(b.balancePence)]));
  return programmes.map(({ _count, ...p }) => ({ ...p, allocations: _count.allocations, budgetLeftPence: left.get(p.id) ?? 0 }));
}

export async function createProgramme(db: Db, context: OfficerContext, data: ProgrammeData) {
  return db.$transaction(async (tx) => {
    const programme = await tx.programme.create({ data: { ...data, councilId: context.councilId } });
    await fundTo(tx, context, programme.id, 0, data.budgetPence);
    await recordAudit(tx, {
      councilId: context.councilId,
      actorUserId: context.actorUserId,
      action: "programme.created",
      entityType: "Programme",
      entityId: programme.id,
      data: { name: data.name, budgetPence: data.budgetPence, baseAllocationPence: data.baseAllocationPence },
    });
    return programme;
  });
}

/**
 * Saves a programme's settings. A higher budget funds the difference from the council; a budget is never
 * lowered (money already put in leaves only through the ledger's own movements).
 */
export async function updateProgramme(db: Db, context: OfficerContext, programmeId: string, data: ProgrammeData) {
  return db.$transaction(async (tx) => {
    await getProgramme(tx, context.councilId, programmeId);
    const [locked] = await tx.$queryRaw<{ budgetPence: number }[]>`
      SELECT "budgetPence" FROM "Programme" WHERE "id" = ${programmeId}::uuid FOR UPDATE`;
    const before = locked!.budgetPence;
    if (data.budgetPence < before) {
      throw new DomainError("INVALID_INPUT", `The funded budget cannot be lowered below £${(before / 100).toFixed(2)}, which has already been put in.`, "budget");
    }
    const programme = await tx.programme.update({ where: { id: programmeId }, data });
    await fundTo(tx, context, programmeId, before, data.budgetPence);
    await recordAudit(tx, {
      councilId: context.councilId,
      actorUserId: context.actorUserId,
      action: "programme.updated",
      entityType: "Programme",
      entityId: programmeId,
      data: { budgetBeforePence: before, budgetAfterPence: data.budgetPence, status: data.status },
    });
    return programme;
  });
}

/** Funds the programme from `from` up to `to` pence; the key names the target, so saving the same form twice funds once. */
async function fundTo(tx: DbTx, context: OfficerContext, programmeId: string, from: number, to: number) {
  if (to <= from) return;
  const councilFunding = await councilAccountId(tx, context.councilId, "COUNCIL_FUNDING");
  const budget = await programmeBudgetAccountId(tx, context.councilId, programmeId);
  await postTransfer(tx, {
    councilId: context.councilId,
    kind: "FUND",
    debitAccountId: councilFunding,
    creditAccountId: budget,
    amountPence: to - from,
    idempotencyKey: `fund:programme:${programmeId}:to:${to}`,
    actorUserId: context.actorUserId ?? undefined,
    reason: from === 0 ? "Programme budget" : "Programme budget raised",
  });
}

type EligibilityRules = {
  id: string;
  councilId: string;
  minAge: number;
  maxAge: number;
  ageReferenceDate: Date;
  eligibleWards: string[];
  eligiblePostcodes: string[];
};

/** The youngest and oldest dates of birth that are in the age range on the programme's reference date. */
export function dateOfBirthRange(rules: Pick<EligibilityRules, "minAge" | "maxAge" | "ageReferenceDate">) {
  const ref = rules.ageReferenceDate;
  const yearsBefore = (years: number) => new Date(Date.UTC(ref.getUTCFullYear() - years, ref.getUTCMonth(), ref.getUTCDate()));
  // Aged minAge or more: born on or before ref minus minAge years. Aged maxAge or less: born after ref minus (maxAge + 1) years.
  return { bornOnOrBefore: yearsBefore(rules.minAge), bornAfter: yearsBefore(rules.maxAge + 1) };
}

/**
 * SQL for "this young person (alias yp) is eligible for the programme and has no allocation from it":
 * in the council, not deactivated, in the age range, and in one of the areas (wards or postcode
 * prefixes; no areas means the whole council).
 */
export function eligibleWithoutAllocationSql(rules: EligibilityRules) {
  const { bornOnOrBefore, bornAfter } = dateOfBirthRange(rules);
  const wards = rules.eligibleWards.map((w) => w.toLowerCase());
  // "NB1" is an outward code: it matches "NB1 2AA" but not "NB12 3AA". "NB2 4" is a sector.
  const patterns = rules.eligiblePostcodes.map((p) => (p.includes(" ") ? `${p}%` : `${p} %`));
  const anyArea = wards.length === 0 && patterns.length === 0;
  return Prisma.sql`yp."councilId" = ${rules.councilId}::uuid
    AND yp."status" <> 'DEACTIVATED'
    AND yp."dateOfBirth" <= ${bornOnOrBefore}::date AND yp."dateOfBirth" > ${bornAfter}::date
    AND (${anyArea} OR lower(yp."ward") = ANY(${wards}::text[]) OR yp."postcode" LIKE ANY(${patterns}::text[]))
    AND NOT EXISTS (SELECT 1 FROM "Allocation" al WHERE al."programmeId" = ${rules.id}::uuid AND al."youngPersonId" = yp."id")`;
}

/** What issuing to everyone eligible who has nothing yet would cost, against what is left in the budget. */
export async function issuingPreview(db: DbTx, councilId: string, programmeId: string) {
  const programme = await getProgramme(db, councilId, programmeId);
  const groups = await db.$queryRaw<{ flags: NeedsFlag[]; people: number }[]>`
    SELECT yp."needsFlags"::text[] AS flags, count(*)::int AS people
    FROM "YoungPerson" yp WHERE ${eligibleWithoutAllocationSql(programme)}
    GROUP BY yp."needsFlags"`;
  const people = groups.reduce((sum, g) => sum + g.people, 0);
  const costPence = groups.reduce((sum, g) => sum + g.people * allocationAmountPence(programme, g.flags), 0);
  const budgetLeftPence = await budgetLeft(db, programmeId);
  const issued = await db.allocation.count({ where: { programmeId } });
  return { people, costPence, budgetLeftPence, shortfallPence: Math.max(0, costPence - budgetLeftPence), alreadyIssued: issued };
}

export async function budgetLeft(db: DbTx, programmeId: string): Promise<number> {
  const budget = await db.account.findFirst({ where: { programmeId, type: "PROGRAMME_BUDGET" }, select: { balancePence: true } });
  return penceFromBigInt(budget?.balancePence ?? 0n);
}

export type IssueBatchResult = {
  issued: number;
  issuedPence: number;
  stoppedForBudget: boolean;
  nextNeedsPence: number | null;
  done: boolean;
  /** The last person this batch looked at: the next batch of the same run starts after them. */
  lastYoungPersonId: string | null;
};

/**
 * Issues allocations to up to `limit` eligible young people who have none, in one transaction.
 * The budget account is locked first, so two issuing runs take turns and the second sees what the first
 * issued; people are taken in a fixed order and issuing stops at the first one the budget cannot cover.
 */
export async function issueAllocationsBatch(
  db: Db,
  input: { councilId: string; programmeId: string; limit: number; actorUserId?: string | null; afterYoungPersonId?: string | null },
): Promise<IssueBatchResult> {
  return db.$transaction(
    async (tx) => {
      const programme = await getProgramme(tx, input.councilId, input.programmeId);
      if (programme.status !== "ACTIVE") {
        throw new DomainError("INVALID_INPUT", programme.status === "DRAFT" ? "This programme is a draft. Make it active before issuing passes." : "This programme is closed, so no more passes can be issued from it.");
      }
      const budgetId = await programmeBudgetAccountId(tx, programme.councilId, programme.id);
      const [budget] = await tx.$queryRaw<{ balancePence: bigint }[]>`SELECT "balancePence" FROM "Account" WHERE "id" = ${budgetId}::uuid FOR UPDATE`;
      let left = penceFromBigInt(budget!.balancePence);

      const candidates = await tx.$queryRaw<{ id: string; flags: NeedsFlag[] }[]>`
        SELECT yp."id", yp."needsFlags"::text[] AS flags FROM "YoungPerson" yp
        WHERE ${eligibleWithoutAllocationSql(programme)}
          -- A run goes through people in id order: starting after the last one seen keeps each batch's search short
          -- (a plain range, which the primary key serves even in a generic plan; "$1 IS NULL OR ..." is not).
          AND yp."id" > ${input.afterYoungPersonId ?? "00000000-0000-0000-0000-000000000000"}::uuid
        ORDER BY yp."id" LIMIT ${input.limit}`;
      if (candidates.length === 0) return { issued: 0, issuedPence: 0, stoppedForBudget: false, nextNeedsPence: null, done: true, lastYoungPersonId: null };

      const fitting: { youngPersonId: string; amountPence: number }[] = [];
      let nextNeedsPence: number | null = null;
      for (const candidate of candidates) {
        const amountPence = allocationAmountPence(programme, candidate.flags);
        if (amountPence > left) {
          nextNeedsPence = amountPence;
          break;
        }
        left -= amountPence;
        fitting.push({ youngPersonId: candidate.id, amountPence });
      }
      const expiresAt = endOfDay(programme.endsOn);
      // Allocations in one statement. Someone issued one of these people a pass a moment ago (one at a
      // time, from their page): the conflict skips them.
      const allocations = await tx.$queryRaw<{ id: string; youngPersonId: string }[]>`
        INSERT INTO "Allocation" ("councilId", "programmeId", "youngPersonId", "expiresAt")
        SELECT ${programme.councilId}::uuid, ${programme.id}::uuid, p.id, ${expiresAt}::timestamptz
        FROM unnest(${fitting.map((f) => f.youngPersonId)}::uuid[]) WITH ORDINALITY AS p(id, n) ORDER BY p.n
        ON CONFLICT ("programmeId", "youngPersonId") DO NOTHING
        RETURNING "id", "youngPersonId"`;
      const amountOf = new Map(fitting.map((f) => [f.youngPersonId, f.amountPence]));
      // Their wallets, opened with the credit of their ISSUE transfers, and the budget debited, in one
      // statement of the ledger (the same keys and the same guard as posting them one by one).
      const wallets = allocations.map((allocation) => ({ allocationId: allocation.id, amountPence: amountOf.get(allocation.youngPersonId)! }));
      await issueToNewWallets(tx, { councilId: programme.councilId, budgetAccountId: budgetId, wallets, actorUserId: input.actorUserId });
      const issuedPence = wallets.reduce((sum, wallet) => sum + wallet.amountPence, 0);
      if (allocations.length > 0) {
        await recordAudit(tx, {
          councilId: programme.councilId,
          actorUserId: input.actorUserId,
          action: "allocations.issued",
          entityType: "Programme",
          entityId: programme.id,
          data: { count: allocations.length, amountPence: issuedPence },
        });
      }
      const stoppedForBudget = nextNeedsPence !== null;
      return {
        issued: allocations.length,
        issuedPence,
        stoppedForBudget,
        nextNeedsPence,
        done: stoppedForBudget || candidates.length < input.limit,
        lastYoungPersonId: candidates[candidates.length - 1]!.id,
      };
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
}

/** Counts the eligible people still without an allocation (the issuing job's total). */
export async function countEligibleWithout(db: DbTx, councilId: string, programmeId: string): Promise<number> {
  const programme = await getProgramme(db, councilId, programmeId);
  const [row] = await db.$queryRaw<{ n: number }[]>`SELECT count(*)::int AS n FROM "YoungPerson" yp WHERE ${eligibleWithoutAllocationSql(programme)}`;
  return row?.n ?? 0;
}

function endOfDay(date: Date): Date {
  const end = new Date(date);
  end.setUTCHours(23, 59, 59, 999);
  return end;
}

export function isUuid(value: string): boolean {
  return /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(value);
}
