// Officers' decisions on disputes: recorded with who, when and why, money moved through the ledger exactly once,
// and a decision that cannot apply refused with nothing changed.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import pg from "pg";
import { getDb } from "~/lib/db.server";
import { markNoShow, redeemBooking } from "~/domain/booking";
import { decideDispute, makeDueRedemptionsPayable, processAttendanceReport, submitAttendanceReport } from "~/domain/reconciliation";
import { createPayoutRun } from "~/domain/settlement";
import type { DisputeDecision } from "~/generated/prisma/enums";
import { doorActor } from "../factories";
import { expectDomainError, expectLedgerOk, holdBalance, payableBalance, settle, walletBalance } from "../helpers";
import { createMember } from "../support/actors";
import { otherProvidersBooking, pastSession } from "./fixtures";

const db = () => getDb();
const HOUR = 60 * 60_000;

type Scene = Awaited<ReturnType<typeof pastSession>>;

/** Reports the scene's bookings with the given attendance and returns the disputes raised, by booking. */
async function reportAndDispute(scene: Scene, attended: boolean[]) {
  const rows = scene.people.map((p, i) => ({ line: i + 2, code: p.booking.code, attended: attended[i]! }));
  const { reportId } = await submitAttendanceReport(db(), { providerId: scene.provider.id, source: "CSV", reference: `r-${Math.random()}`, rows, submittedByUserId: null });
  await processAttendanceReport(db(), { reportId });
  return db().dispute.findMany({ where: { reportId }, orderBy: { createdAt: "asc" } });
}

async function officerOf(councilId: string) {
  const officer = await createMember("OFFICER", { councilId }, { displayName: "Priya Officer" });
  return { userId: officer.id, name: "Priya Officer" };
}

const decide = (scene: Scene, disputeId: string, decision: DisputeDecision, actor: { userId: string; name: string }, note = "Checked the signing-in sheet.") =>
  decideDispute(db(), { councilId: scene.council.id, disputeId, decision, note, actor });

describe("deciding a dispute", () => {
  it("pays the provider for a booking reported present that the door missed: the held credit is redeemed", async () => {
    const scene = await pastSession(1);
    const [dispute] = await reportAndDispute(scene, [true]);
    const officer = await officerOf(scene.council.id);

    const result = await decide(scene, dispute!.id, "PAY_PROVIDER", officer);
    expect(result).toMatchObject({ effect: "BOOKING_REDEEMED", movedPence: 500 });
    expect(await payableBalance(scene.council.id, scene.provider.id)).toBe(500);
    expect(await holdBalance(scene.people[0]!.booking.id)).toBe(0);
    const redemption = await db().redemption.findUniqueOrThrow({ where: { bookingId: scene.people[0]!.booking.id } });
    expect(redemption).toMatchObject({ amountPence: 500, redeemedByName: "Priya Officer (council decision)", status: "PENDING" });
    await makeDueRedemptionsPayable(db(), { now: new Date() });
    expect((await db().redemption.findUniqueOrThrow({ where: { id: redemption.id } })).status).toBe("PAYABLE");
    await expectLedgerOk(scene.council.id);
  });

  it("records the decision, the note, who and when, with an audit event", async () => {
    const scene = await pastSession(1);
    const [dispute] = await reportAndDispute(scene, [true]);
    const officer = await officerOf(scene.council.id);
    await decide(scene, dispute!.id, "NO_ACTION", officer, "  The provider sent the wrong file.  ");
    expect(await db().dispute.findUniqueOrThrow({ where: { id: dispute!.id } })).toMatchObject({
      status: "RESOLVED",
      decision: "NO_ACTION",
      decisionNote: "The provider sent the wrong file.",
      decidedByUserId: officer.userId,
      decidedAt: expect.any(Date),
    });
    expect(await db().auditEvent.findFirst({ where: { entityType: "Dispute", entityId: dispute!.id } })).toMatchObject({
      action: "dispute.decided",
      actorUserId: officer.userId,
      councilId: scene.council.id,
      data: expect.objectContaining({ decision: "NO_ACTION", movedPence: 0 }),
    });
  });

  it("pays the provider after the no-show sweep released the credit, by charging the pass again", async () => {
    const scene = await pastSession(1, { endedAgo: 4 * HOUR });
    await markNoShow(db(), { bookingId: scene.people[0]!.booking.id });
    expect(await walletBalance(scene.people[0]!.allocation.id)).toBe(2_000);
    const [dispute] = await reportAndDispute(scene, [true]);
    const result = await decide(scene, dispute!.id, "PAY_PROVIDER", await officerOf(scene.council.id));
    expect(result).toMatchObject({ effect: "CHARGED_AFTER_RELEASE", movedPence: 500 });
    expect(await walletBalance(scene.people[0]!.allocation.id)).toBe(1_500);
    expect(await payableBalance(scene.council.id, scene.provider.id)).toBe(500);
    expect((await db().booking.findUniqueOrThrow({ where: { id: scene.people[0]!.booking.id } })).status).toBe("REDEEMED");
    await expectLedgerOk(scene.council.id);
  });

  it("refunds the young person for a redemption reported absent, and the provider is never paid it", async () => {
    const scene = await pastSession(1, { programme: { disputeWindowDays: 0 } });
    await redeemBooking(db(), { code: scene.people[0]!.booking.code, providerId: scene.provider.id, actor: doorActor(), now: scene.slot.startsAt });
    const [dispute] = await reportAndDispute(scene, [false]);
    expect(await walletBalance(scene.people[0]!.allocation.id)).toBe(1_500);

    const result = await decide(scene, dispute!.id, "REFUND_YOUNG_PERSON", await officerOf(scene.council.id));
    expect(result).toMatchObject({ effect: "REDEMPTION_REVERSED", movedPence: 500 });
    expect(await walletBalance(scene.people[0]!.allocation.id)).toBe(2_000);
    expect(await payableBalance(scene.council.id, scene.provider.id)).toBe(0);
    await makeDueRedemptionsPayable(db(), { now: new Date(Date.now() + 30 * 24 * HOUR) });
    expect((await db().redemption.findUniqueOrThrow({ where: { bookingId: scene.people[0]!.booking.id } })).status).toBe("PENDING");
    await expectLedgerOk(scene.council.id);
  });

  it("holds a redemption back from a payout run that takes the others straight past the dispute window: open, then refunded", async () => {
    const scene = await pastSession(3, { programme: { disputeWindowDays: 0 } });
    for (const person of scene.people) await redeemBooking(db(), { code: person.booking.code, providerId: scene.provider.id, actor: doorActor(), now: scene.slot.startsAt });
    // The first is reported absent (an open dispute); the sweep never ran, so all three are still PENDING.
    const [dispute] = await reportAndDispute(scene, [false, true, true]);
    const statuses = async () => Promise.all(scene.people.map(async (p) => (await db().redemption.findUniqueOrThrow({ where: { bookingId: p.booking.id } })).status));
    expect(await statuses()).toEqual(["PENDING", "PENDING", "PENDING"]);

    const run = await createPayoutRun(db(), { councilId: scene.council.id, now: new Date() });
    expect(run!.payouts.map((p) => p.amountPence)).toEqual([1_000]);
    expect(await statuses()).toEqual(["PENDING", "IN_PAYOUT", "IN_PAYOUT"]);

    // Refunded to the young person: never paid to the provider by any later run.
    await decide(scene, dispute!.id, "REFUND_YOUNG_PERSON", await officerOf(scene.council.id));
    expect(await createPayoutRun(db(), { councilId: scene.council.id, now: new Date(Date.now() + 30 * 24 * HOUR) })).toBeNull();
    expect(await statuses()).toEqual(["PENDING", "IN_PAYOUT", "IN_PAYOUT"]);
    expect(await payableBalance(scene.council.id, scene.provider.id)).toBe(0);
    await expectLedgerOk(scene.council.id);
  });

  it("a run racing a report that disputes its redemptions leaves each either in the payout or held back, and the payout adds up", async () => {
    for (let round = 0; round < 4; round += 1) {
      const scene = await pastSession(3, { programme: { disputeWindowDays: 0 } });
      for (const person of scene.people) await redeemBooking(db(), { code: person.booking.code, providerId: scene.provider.id, actor: doorActor(), now: scene.slot.startsAt });
      // Every redemption reported absent while the run opens: whichever commits first decides, the other adapts.
      const [run] = await Promise.allSettled([createPayoutRun(db(), { councilId: scene.council.id, now: new Date() }), reportAndDispute(scene, [false, false, false])]);
      const redemptions = await db().redemption.findMany({ where: { councilId: scene.council.id }, include: { disputes: true } });
      expect(redemptions).toHaveLength(3);
      for (const r of redemptions) {
        // Taken by the run (and the report found it already in a payout), or held back by the report: never in between.
        if (r.payoutId) expect(r.status).toBe("IN_PAYOUT");
        else expect(r.status).toBe("PENDING");
      }
      const taken = redemptions.filter((r) => r.payoutId).reduce((sum, r) => sum + r.amountPence, 0);
      const payouts = await db().payout.findMany({ where: { councilId: scene.council.id } });
      expect(payouts.reduce((sum, p) => sum + p.amountPence, 0)).toBe(taken);
      if (run!.status === "rejected") expect(taken).toBe(0);
      expect(await payableBalance(scene.council.id, scene.provider.id)).toBe(1_500 - taken);
      await expectLedgerOk(scene.council.id);
    }
  });

  it("refunds a booking reported absent-but-booked by ending it as a no-show with its credit back", async () => {
    const scene = await pastSession(1);
    const [dispute] = await reportAndDispute(scene, [true]);
    const result = await decide(scene, dispute!.id, "REFUND_YOUNG_PERSON", await officerOf(scene.council.id));
    expect(result).toMatchObject({ effect: "HOLD_RELEASED", movedPence: 500 });
    expect(await walletBalance(scene.people[0]!.allocation.id)).toBe(2_000);
    expect((await db().booking.findUniqueOrThrow({ where: { id: scene.people[0]!.booking.id } })).status).toBe("NO_SHOW");
    await expectLedgerOk(scene.council.id);
  });

  it("refuses to refund a redemption already in a payout, and changes nothing", async () => {
    const scene = await pastSession(1, { programme: { disputeWindowDays: 0 } });
    await redeemBooking(db(), { code: scene.people[0]!.booking.code, providerId: scene.provider.id, actor: doorActor(), now: scene.slot.startsAt });
    const [dispute] = await reportAndDispute(scene, [false]);
    await db().redemption.update({ where: { bookingId: scene.people[0]!.booking.id }, data: { status: "PAID" } });
    await expectDomainError(decide(scene, dispute!.id, "REFUND_YOUNG_PERSON", await officerOf(scene.council.id)), "DISPUTE_DECISION_NOT_POSSIBLE", /already in a payout/);
    expect((await db().dispute.findUniqueOrThrow({ where: { id: dispute!.id } })).status).toBe("OPEN");
    expect(await walletBalance(scene.people[0]!.allocation.id)).toBe(1_500);
  });

  it("allows only no action on a code that is not the provider's", async () => {
    const scene = await pastSession(1);
    const other = await otherProvidersBooking(scene);
    const { reportId } = await submitAttendanceReport(db(), { providerId: scene.provider.id, source: "API", reference: "x", rows: [{ line: 1, code: other.booking.code, attended: true }], submittedByUserId: null });
    await processAttendanceReport(db(), { reportId });
    const dispute = await db().dispute.findFirstOrThrow({ where: { reportId } });
    const officer = await officerOf(scene.council.id);
    await expectDomainError(decide(scene, dispute.id, "PAY_PROVIDER", officer), "DISPUTE_DECISION_NOT_POSSIBLE", /No action/);
    await expect(decide(scene, dispute.id, "NO_ACTION", officer)).resolves.toMatchObject({ effect: "NOTHING_MOVED" });
    await expectLedgerOk(scene.council.id);
  });

  it("is decided once: a second decision, even at the same moment, is refused and money moves once", async () => {
    const scene = await pastSession(1);
    const [dispute] = await reportAndDispute(scene, [true]);
    const officer = await officerOf(scene.council.id);
    const outcomes = await settle([decide(scene, dispute!.id, "PAY_PROVIDER", officer), decide(scene, dispute!.id, "PAY_PROVIDER", officer)]);
    expect(outcomes.fulfilled).toHaveLength(1);
    expect(outcomes.rejected.map((e) => (e as { code: string }).code)).toEqual(["DISPUTE_DECIDED"]);
    expect(await payableBalance(scene.council.id, scene.provider.id)).toBe(500);
    await expectLedgerOk(scene.council.id);
  });

  it("is not found by another council's officer, and needs a note", async () => {
    const scene = await pastSession(1);
    const elsewhere = await pastSession(1);
    const [dispute] = await reportAndDispute(scene, [true]);
    await expectDomainError(
      decideDispute(db(), { councilId: elsewhere.council.id, disputeId: dispute!.id, decision: "NO_ACTION", note: "x", actor: await officerOf(elsewhere.council.id) }),
      "NOT_FOUND",
    );
    await expectDomainError(decide(scene, dispute!.id, "NO_ACTION", await officerOf(scene.council.id), "   "), "INVALID_INPUT", /Say why/);
  });

  it("refuses to pay the provider for a booking another dispute already refunded, and charges nothing", async () => {
    const scene = await pastSession(1, { endedAgo: 4 * HOUR });
    const booking = scene.people[0]!.booking;
    await markNoShow(db(), { bookingId: booking.id });
    const [first] = await reportAndDispute(scene, [true]);
    const [second] = await reportAndDispute(scene, [true]);
    expect(first!.bookingId).toBe(booking.id);
    expect(second!.bookingId).toBe(booking.id);
    const officer = await officerOf(scene.council.id);
    await decide(scene, first!.id, "REFUND_YOUNG_PERSON", officer);
    const { allocationId } = await db().booking.findUniqueOrThrow({ where: { id: booking.id }, select: { allocationId: true } });
    const before = await walletBalance(allocationId);
    await expectDomainError(decide(scene, second!.id, "PAY_PROVIDER", officer), "DISPUTE_DECISION_NOT_POSSIBLE", /already decided as a refund/);
    expect(await walletBalance(allocationId)).toBe(before);
    expect(await db().redemption.count({ where: { bookingId: booking.id } })).toBe(0);
    expect((await db().dispute.findUniqueOrThrow({ where: { id: second!.id } })).status).toBe("OPEN");
    await expectLedgerOk(scene.council.id);
  });

  it("keeps every ledger invariant whatever is decided for whatever the door and the report said", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ redeemed: fc.boolean(), noShow: fc.boolean(), attended: fc.boolean(), decision: fc.constantFrom<DisputeDecision>("PAY_PROVIDER", "REFUND_YOUNG_PERSON", "NO_ACTION") }), { minLength: 1, maxLength: 3 }),
        async (cases) => {
          const scene = await pastSession(cases.length, { endedAgo: 4 * HOUR });
          for (const [i, c] of cases.entries()) {
            const booking = scene.people[i]!.booking;
            if (c.redeemed) await redeemBooking(db(), { code: booking.code, providerId: scene.provider.id, actor: doorActor(), now: scene.slot.startsAt });
            else if (c.noShow) await markNoShow(db(), { bookingId: booking.id });
          }
          const disputes = await reportAndDispute(scene, cases.map((c) => c.attended));
          const officer = await officerOf(scene.council.id);
          for (const dispute of disputes) {
            const c = cases[scene.people.findIndex((p) => p.booking.id === dispute.bookingId)]!;
            await decide(scene, dispute.id, c.decision, officer).catch((error: { code?: string }) => expect(error.code).toBe("DISPUTE_DECISION_NOT_POSSIBLE"));
          }
          await expectLedgerOk(scene.council.id);
          const payable = await db().redemption.aggregate({ where: { councilId: scene.council.id, NOT: { disputes: { some: { decision: "REFUND_YOUNG_PERSON" } } } }, _sum: { amountPence: true } });
          expect(await payableBalance(scene.council.id, scene.provider.id)).toBe(payable._sum.amountPence ?? 0);
        },
      ),
      { numRuns: 12 },
    );
  });
});

describe("a payout run racing a dispute", () => {
  async function waitForLockWaiters(watcher: pg.Client, count: number) {
    for (let i = 0; i < 500; i++) {
      const { rows } = await watcher.query<{ n: number }>(
        `SELECT COUNT(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      if (rows[0]!.n >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    throw new Error(`never saw ${count} sessions waiting on a lock`);
  }

  // The claim judges disputes as they stood when it began; one committed while it waited on the redemption's row
  // (the report flips it back to PENDING, which the claim re-checks and would still take) must still hold it.
  it("never pays a redemption whose dispute committed while the run was claiming it: that attempt is undone and the next leaves it out", async () => {
    const scene = await pastSession(2, { programme: { disputeWindowDays: 0 } });
    for (const p of scene.people) await redeemBooking(db(), { code: p.booking.code, providerId: scene.provider.id, actor: doorActor(), now: scene.slot.startsAt });
    await makeDueRedemptionsPayable(db(), { now: new Date() });
    const disputed = await db().redemption.findUniqueOrThrow({ where: { bookingId: scene.people[0]!.booking.id } });
    expect(disputed.status).toBe("PAYABLE");
    const rows = scene.people.map((p, i) => ({ line: i + 2, code: p.booking.code, attended: i !== 0 }));
    const { reportId } = await submitAttendanceReport(db(), { providerId: scene.provider.id, source: "CSV", reference: "race", rows, submittedByUserId: null });

    const blocker = new pg.Client({ connectionString: process.env.DATABASE_URL });
    const watcher = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await blocker.connect();
    await watcher.connect();
    try {
      // Holding the report's row stops processing at its last statement: dispute raised, redemption flipped, not committed.
      await blocker.query("BEGIN");
      await blocker.query(`SELECT 1 FROM "AttendanceReport" WHERE "id" = $1 FOR NO KEY UPDATE`, [reportId]);
      const attendance = processAttendanceReport(db(), { reportId });
      await waitForLockWaiters(watcher, 1);
      // The run groups without seeing the dispute, and its claim waits on the disputed redemption's row.
      const run = createPayoutRun(db(), { councilId: scene.council.id, now: new Date() });
      await waitForLockWaiters(watcher, 2);
      await blocker.query("COMMIT");
      await attendance;
      const opened = await run;
      // The attempt that claimed it was undone; the run opened by the next one pays only the other redemption.
      expect(opened?.payouts).toHaveLength(1);
      expect(await db().redemption.findUniqueOrThrow({ where: { id: disputed.id } })).toMatchObject({ status: "PENDING", payoutId: null });
      expect(await db().redemption.count({ where: { councilId: scene.council.id, payoutId: opened!.payouts[0]!.id } })).toBe(1);
      expect(opened!.totalPence).toBe(BigInt(scene.people[1]!.booking.pricePence));
    } finally {
      await blocker.end().catch(() => undefined);
      await watcher.end().catch(() => undefined);
    }
    await expectLedgerOk(scene.council.id);
  });
});
