import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import {
  actOnPass,
  issueAllocationsBatch,
  issuingPreview,
  runCouncilJob,
  startGroupTopUp,
  startIssueAll,
  type IssueAllResult,
} from "~/domain/programmes";
import type { NeedsFlag } from "~/generated/prisma/enums";
import { createCouncil, createProgramme, createYoungPerson, dateOfBirthForAge, uniqueSuffix } from "../factories";
import { budgetBalance, expectDomainError, expectLedgerOk, walletBalance } from "../helpers";

const db = () => getDb();

/** Enrolled young people with no allocation, written in one go. */
async function enrol(councilId: string, people: { needs?: NeedsFlag[]; age?: number; ward?: string; postcode?: string }[]) {
  const suffix = uniqueSuffix();
  await db().youngPerson.createMany({
    data: people.map((p, i) => ({
      councilId,
      externalRef: `e-${suffix}-${i}`,
      firstName: `Young${i}`,
      lastName: `Person${suffix}`,
      dateOfBirth: dateOfBirthForAge(p.age ?? 14),
      postcode: p.postcode ?? "NB1 2AA",
      ward: p.ward ?? "Central",
      needsFlags: p.needs ?? [],
      passCode: `T-${suffix}-${i}`,
    })),
  });
}

async function allocationsOf(programmeId: string) {
  return db().allocation.findMany({ where: { programmeId }, select: { youngPersonId: true, wallet: { select: { balancePence: true } } } });
}

describe("who is eligible and what issuing would cost", () => {
  it("counts only people in the age range, in the programme's wards or postcode areas, who have no allocation yet", async () => {
    const council = await createCouncil();
    const programme = await createProgramme({ councilId: council.id, fundedPence: 100_000, baseAllocationPence: 5_000, upliftsPence: { FREE_SCHOOL_MEALS: 2_000 }, minAge: 11, maxAge: 16 });
    await db().programme.update({ where: { id: programme.id }, data: { eligibleWards: ["Riverside"], eligiblePostcodes: ["NB1", "NB2 4"] } });
    await enrol(council.id, [
      { age: 12, ward: "Riverside", postcode: "ZZ9 9ZZ" }, // by ward
      { age: 13, ward: "Hill", postcode: "NB1 5XY", needs: ["FREE_SCHOOL_MEALS"] }, // by outward code
      { age: 14, ward: "Hill", postcode: "NB2 4QQ" }, // by sector
      { age: 14, ward: "Hill", postcode: "NB12 1AA" }, // NB12 is not NB1
      { age: 14, ward: "Hill", postcode: "NB2 5QQ" }, // another sector
      { age: 10, ward: "Riverside" }, // too young
      { age: 17, ward: "Riverside" }, // too old
    ]);
    await createYoungPerson({ councilId: council.id, programmeId: programme.id, ward: "Riverside" }); // already has one

    const preview = await issuingPreview(db(), council.id, programme.id);
    expect(preview).toMatchObject({ people: 3, costPence: 5_000 * 3 + 2_000, alreadyIssued: 1, shortfallPence: 0 });
    expect(preview.budgetLeftPence).toBe(100_000 - 5_000);
  });

  it("shows the shortfall when the budget cannot cover everyone, before anything is issued", async () => {
    const council = await createCouncil();
    const programme = await createProgramme({ councilId: council.id, fundedPence: 12_000, baseAllocationPence: 5_000 });
    await enrol(council.id, [{}, {}, {}]);
    const preview = await issuingPreview(db(), council.id, programme.id);
    expect(preview).toMatchObject({ people: 3, costPence: 15_000, budgetLeftPence: 12_000, shortfallPence: 3_000 });
    expect(await allocationsOf(programme.id)).toHaveLength(0);
  });

  it("is a 404 for another council's programme", async () => {
    const programme = await createProgramme();
    const other = await createCouncil();
    await expectDomainError(issuingPreview(db(), other.id, programme.id), "NOT_FOUND");
  });
});

describe("issuing to everyone eligible", () => {
  it("issues base allocation plus uplifts to everyone eligible, and a second run issues nothing more", async () => {
    const council = await createCouncil();
    const programme = await createProgramme({ councilId: council.id, fundedPence: 100_000, baseAllocationPence: 5_000, upliftsPence: { SEND: 1_500, YOUNG_CARER: 500 } });
    await enrol(council.id, [{}, { needs: ["SEND"] }, { needs: ["SEND", "YOUNG_CARER"] }]);
    const job = await startIssueAll(db(), { councilId: council.id }, programme.id);
    const run = await runCouncilJob(db(), job.id);
    expect(run.ran && "result" in run && run.result).toMatchObject({ issued: 3, issuedPence: 5_000 + 6_500 + 7_000, stoppedForBudget: false });
    const balances = (await allocationsOf(programme.id)).map((a) => Number(a.wallet!.balancePence)).sort();
    expect(balances).toEqual([5_000, 6_500, 7_000]);

    const again = await runCouncilJob(db(), (await startIssueAll(db(), { councilId: council.id }, programme.id)).id);
    expect(again.ran && "result" in again && again.result).toMatchObject({ issued: 0 });
    const stored = await db().backgroundJob.findUniqueOrThrow({ where: { id: job.id } });
    expect(stored).toMatchObject({ status: "SUCCEEDED", processed: 3, total: 3 });
    await expectLedgerOk(council.id);
  });

  it("stops at the budget, says so, and has issued what fits", async () => {
    const council = await createCouncil();
    const programme = await createProgramme({ councilId: council.id, fundedPence: 12_000, baseAllocationPence: 5_000 });
    await enrol(council.id, [{}, {}, {}]);
    const job = await startIssueAll(db(), { councilId: council.id }, programme.id);
    await runCouncilJob(db(), job.id);
    const stored = await db().backgroundJob.findUniqueOrThrow({ where: { id: job.id } });
    expect(stored.status).toBe("SUCCEEDED");
    expect(stored.result as IssueAllResult).toMatchObject({ issued: 2, issuedPence: 10_000, stoppedForBudget: true, nextNeedsPence: 5_000, budgetLeftPence: 2_000 });
    expect(await budgetBalance(programme.id)).toBe(2_000);
    expect(await allocationsOf(programme.id)).toHaveLength(2);
    await expectLedgerOk(council.id);
  });

  it("two issuing jobs racing on one programme issue each person once and stop together at the budget", async () => {
    const council = await createCouncil();
    const programme = await createProgramme({ councilId: council.id, fundedPence: 5_000 * 300 + 2_500, baseAllocationPence: 5_000 });
    await enrol(council.id, Array.from({ length: 400 }, () => ({})));
    const jobs = await Promise.all(
      [1, 2].map(() => db().backgroundJob.create({ data: { councilId: council.id, kind: "ISSUE_ALL", input: { programmeId: programme.id } }, select: { id: true } })),
    );
    await Promise.all(jobs.map((job) => runCouncilJob(db(), job.id)));
    const results = await db().backgroundJob.findMany({ where: { id: { in: jobs.map((j) => j.id) } }, select: { status: true, result: true } });
    expect(results.map((r) => r.status)).toEqual(["SUCCEEDED", "SUCCEEDED"]);
    expect(results.reduce((sum, r) => sum + (r.result as IssueAllResult).issued, 0)).toBe(300);
    expect(results.some((r) => (r.result as IssueAllResult).stoppedForBudget)).toBe(true);
    expect(await allocationsOf(programme.id)).toHaveLength(300);
    expect(await budgetBalance(programme.id)).toBe(2_500);
    await expectLedgerOk(council.id);
  });

  it("refuses to issue from a draft programme", async () => {
    const council = await createCouncil();
    const programme = await createProgramme({ councilId: council.id });
    await db().programme.update({ where: { id: programme.id }, data: { status: "DRAFT" } });
    await expectDomainError(startIssueAll(db(), { councilId: council.id }, programme.id), "INVALID_INPUT", /draft/);
  });

  it("never overspends the budget when two issuing runs race (any budget, any mix of needs)", async () => {
    const needs = fc.subarray<NeedsFlag>(["FREE_SCHOOL_MEALS", "CARE_EXPERIENCED", "SEND", "YOUNG_CARER"]);
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 60_000 }),
        fc.integer({ min: 1, max: 9_000 }),
        fc.array(needs, { minLength: 1, maxLength: 14 }),
        fc.integer({ min: 1, max: 6 }),
        async (fundedPence, basePence, people, batchSize) => {
          const council = await createCouncil();
          const uplifts = { FREE_SCHOOL_MEALS: 1_000, CARE_EXPERIENCED: 2_500, SEND: 700, YOUNG_CARER: 1 };
          const programme = await createProgramme({ councilId: council.id, fundedPence, baseAllocationPence: basePence, upliftsPence: uplifts });
          await enrol(council.id, people.map((n) => ({ needs: n })));
          const runToEnd = async () => {
            for (;;) {
              const batch = await issueAllocationsBatch(db(), { councilId: council.id, programmeId: programme.id, limit: batchSize });
              if (batch.done) return batch;
            }
          };
          await Promise.all([runToEnd(), runToEnd()]);

          const allocations = await allocationsOf(programme.id);
          const issued = allocations.reduce((sum, a) => sum + Number(a.wallet!.balancePence), 0);
          const left = await budgetBalance(programme.id);
          expect(left).toBeGreaterThanOrEqual(0);
          expect(issued + left).toBe(fundedPence);
          expect(new Set(allocations.map((a) => a.youngPersonId)).size).toBe(allocations.length);
          // Whoever is left without a pass is left because the budget could not cover them.
          const preview = await issuingPreview(db(), council.id, programme.id);
          if (preview.people > 0) expect(left).toBeLessThan(basePence + 2_500 + 1_000 + 700 + 1);
          await expectLedgerOk(council.id);
        },
      ),
      { numRuns: 15 },
    );
  });
});

describe("group top-ups, rewards, freezing and revoking", () => {
  it("tops up everyone in a ward with a reason, once each even if the job runs twice", async () => {
    const council = await createCouncil();
    const programme = await createProgramme({ councilId: council.id, fundedPence: 100_000, baseAllocationPence: 1_000 });
    const riverside = await Promise.all([1, 2].map(() => createYoungPerson({ councilId: council.id, programmeId: programme.id, ward: "Riverside" })));
    const hill = await createYoungPerson({ councilId: council.id, programmeId: programme.id, ward: "Hill" });
    const job = await startGroupTopUp(db(), { councilId: council.id }, { programmeId: programme.id, filter: { ward: "Riverside" }, amountPence: 750, reason: "Summer holiday boost" });
    await runCouncilJob(db(), job.id);
    // A stalled job delivered again: claimed as finished, it does nothing.
    await db().backgroundJob.update({ where: { id: job.id }, data: { status: "RUNNING" } });
    await runCouncilJob(db(), job.id);
    for (const person of riverside) expect(await walletBalance(person.allocation!.id)).toBe(1_750);
    expect(await walletBalance(hill.allocation!.id)).toBe(1_000);
    const reasons = await db().transfer.findMany({ where: { kind: "TOP_UP", councilId: council.id }, select: { reason: true } });
    expect(reasons).toEqual([{ reason: "Summer holiday boost" }, { reason: "Summer holiday boost" }]);
    await expectLedgerOk(council.id);
  });

  it("stops a group top-up at the budget and says so", async () => {
    const council = await createCouncil();
    const programme = await createProgramme({ councilId: council.id, fundedPence: 3_500, baseAllocationPence: 1_000 });
    await Promise.all([1, 2, 3].map(() => createYoungPerson({ councilId: council.id, programmeId: programme.id })));
    const job = await startGroupTopUp(db(), { councilId: council.id }, { programmeId: programme.id, filter: {}, amountPence: 400, reason: "Attendance" });
    await runCouncilJob(db(), job.id);
    const stored = await db().backgroundJob.findUniqueOrThrow({ where: { id: job.id } });
    expect(stored.result).toMatchObject({ toppedUp: 1, stoppedForBudget: true, budgetLeftPence: 100 });
    await expectLedgerOk(council.id);
  });

  it("gives a reward with its reason, freezes, unfreezes and revokes (credit back to the budget)", async () => {
    const council = await createCouncil();
    const programme = await createProgramme({ councilId: council.id, fundedPence: 50_000, baseAllocationPence: 5_000 });
    const { youngPerson, allocation } = await createYoungPerson({ councilId: council.id, programmeId: programme.id });
    const context = { councilId: council.id };
    await actOnPass(db(), context, youngPerson.id, { intent: "reward", allocationId: allocation!.id, amountPence: 500, reason: "came to 5 sessions", idempotencyKey: "r1" });
    await actOnPass(db(), context, youngPerson.id, { intent: "reward", allocationId: allocation!.id, amountPence: 500, reason: "came to 5 sessions", idempotencyKey: "r1" });
    expect(await walletBalance(allocation!.id)).toBe(5_500);
    expect(await actOnPass(db(), context, youngPerson.id, { intent: "freeze", allocationId: allocation!.id })).toBe("FROZEN");
    expect(await actOnPass(db(), context, youngPerson.id, { intent: "unfreeze", allocationId: allocation!.id })).toBe("ACTIVE");
    await actOnPass(db(), context, youngPerson.id, { intent: "revoke", allocationId: allocation!.id, reason: "moved away" });
    expect(await walletBalance(allocation!.id)).toBe(0);
    expect(await budgetBalance(programme.id)).toBe(50_000);
    await expectLedgerOk(council.id);
  });

  it("refuses a top-up larger than what is left, next to the amount", async () => {
    const council = await createCouncil();
    const programme = await createProgramme({ councilId: council.id, fundedPence: 6_000, baseAllocationPence: 5_000 });
    const { youngPerson, allocation } = await createYoungPerson({ councilId: council.id, programmeId: programme.id });
    const error = await expectDomainError(
      actOnPass(db(), { councilId: council.id }, youngPerson.id, { intent: "top-up", allocationId: allocation!.id, amountPence: 2_000, reason: "extra", idempotencyKey: "t1" }),
      "INSUFFICIENT_FUNDS",
    );
    expect(error.field).toBe("amount");
  });

  it("treats another council's young person or pass as not found", async () => {
    const { youngPerson, allocation } = await createYoungPerson();
    const other = await createCouncil();
    await expectDomainError(actOnPass(db(), { councilId: other.id }, youngPerson.id, { intent: "freeze", allocationId: allocation!.id }), "NOT_FOUND");
  });
});
