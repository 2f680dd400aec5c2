// The budget dashboard adds up to the ledger: whatever mix of issuing, booking, spending, refunds, revokes and
// payouts happened, its flows and balances agree with each other, with the accounts and with verifyLedger.
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { bookSlot, cancelBooking, chargePass, redeemBooking } from "~/domain/booking";
import { budgetDashboard, burnDownSeries, checkFigures, project, type BudgetFigures, type BurnDownPoint } from "~/domain/evidence/budget";
import { latestLedgerCheck } from "~/domain/evidence/ledger-checks";
import { verifyLedger } from "~/domain/ledger";
import { penceFromBigInt } from "~/domain/money";
import { revokeAllocation, topUpAllocation } from "~/domain/programmes";
import { createPayoutRun, makeRedemptionsPayable, markPayoutPaid } from "~/domain/settlement";
import { action as overviewAction, loader as overviewLoader } from "~/routes/council._index";
import { loader as budgetLoader } from "~/routes/council.budget";
import { createScene, createSlot, createYoungPerson, doorActor } from "../factories";
import { expectLedgerOk } from "../helpers";
import { createMember, formRequest, getRequest, redirectLocation, routeArgs, signIn, thrownBy, unwrap } from "../support/actors";

const db = () => getDb();
const MINUTE = 60_000;

async function accountTotals(councilId: string) {
  const rows = await db().account.groupBy({ by: ["type"], where: { councilId }, _sum: { balancePence: true } });
  return Object.fromEntries(rows.map((r) => [r.type, penceFromBigInt(r._sum.balancePence ?? 0n)])) as Record<string, number>;
}

async function expectDashboardMatchesLedger(councilId: string) {
  const { figures, checks } = await budgetDashboard(db(), councilId);
  const report = await verifyLedger(db(), councilId);
  const accounts = await accountTotals(councilId);
  expect(checks.filter((c) => !c.ok)).toEqual([]);
  expect(figures.fundedPence).toBe(report.fundedPence);
  expect(figures).toMatchObject({
    remainingPence: accounts.PROGRAMME_BUDGET ?? 0,
    onPassesPence: accounts.WALLET ?? 0,
    heldByBookingsPence: accounts.BOOKING_HOLD ?? 0,
    owedToProvidersPence: accounts.PROVIDER_PAYABLE ?? 0,
    payoutsInFlightPence: accounts.PAYOUT_IN_FLIGHT ?? 0,
    paidOutPence: accounts.PAID_OUT ?? 0,
  });
  return figures;
}

describe("budget figures", () => {
  it("splits a known story into funded, issued, returned, held, redeemed and paid out", async () => {
    const scene = await createScene({ programme: { fundedPence: 100_000 }, activity: { pricePence: 1_200, cancellationCutoffHours: 0 }, slot: { startsAt: new Date(Date.now() + 30 * MINUTE) } });
    const a = await createYoungPerson({ programmeId: scene.programme.id, allocationPence: 5_000 });
    const b = await createYoungPerson({ programmeId: scene.programme.id, allocationPence: 3_000 });
    await topUpAllocation(db(), { allocationId: a.allocation!.id, amountPence: 500, reason: "Attendance reward", idempotencyKey: randomUUID() });
    const redeemed = await bookSlot(db(), { youngPersonId: a.youngPerson.id, slotId: scene.slot.id, requestKey: randomUUID() });
    await redeemBooking(db(), { code: redeemed.code, providerId: scene.provider.id, actor: doorActor() });
    const laterSlot = await createSlot({ activityId: scene.activity.id, startsAt: new Date(Date.now() + 3 * 24 * 60 * MINUTE) });
    await bookSlot(db(), { youngPersonId: a.youngPerson.id, slotId: laterSlot.id, requestKey: randomUUID() });
    await revokeAllocation(db(), { allocationId: b.allocation!.id, reason: "Moved out of the area" });
    await makeRedemptionsPayable(db(), { councilId: scene.council.id, now: new Date(Date.now() + 10 * 24 * 60 * MINUTE) });
    const run = await createPayoutRun(db(), { councilId: scene.council.id, approvalThresholdPence: 1_000_000 });
    for (const payout of run!.payouts) await markPayoutPaid(db(), { payoutId: payout.id });

    const figures = await expectDashboardMatchesLedger(scene.council.id);
    const { burnDown } = await budgetDashboard(db(), scene.council.id);
    // The burn-down ends today at what the ledger says is left: funded less redeemed.
    expect(burnDown.at(-1)).toMatchObject({ spentToDatePence: 1_200, leftToSpendPence: 100_000 - 1_200 });
    expect(burnDown[0]!.day).toBe(scene.programme.startsOn.toISOString().slice(0, 10));
    expect(figures).toEqual({
      fundedPence: 100_000,
      issuedPence: 8_500,
      returnedPence: 3_000,
      redeemedPence: 1_200,
      remainingPence: 100_000 - 8_500 + 3_000,
      onPassesPence: 5_500 - 1_200 - 1_200,
      heldByBookingsPence: 1_200,
      owedToProvidersPence: 0,
      payoutsInFlightPence: 0,
      paidOutPence: 1_200,
    } satisfies BudgetFigures);
    await expectLedgerOk(scene.council.id);
  });

  it("adds up to the ledger after any sequence of issuing, booking, spending, cancelling, revoking and paying out", async () => {
    const scene = await createScene({ programme: { fundedPence: 200_000 }, activity: { pricePence: 700, cancellationCutoffHours: 0, capacity: 50 }, slot: { startsAt: new Date(Date.now() + 30 * MINUTE) } });
    const councilId = scene.council.id;
    const people = await Promise.all([0, 1, 2].map(() => createYoungPerson({ programmeId: scene.programme.id, allocationPence: 4_000 })));
    const bookings: { id: string; code: string; youngPersonId: string }[] = [];

    const op = fc.oneof(
      fc.record({ kind: fc.constant("book" as const), who: fc.nat(2) }),
      fc.record({ kind: fc.constant("redeem" as const), which: fc.nat(20) }),
      fc.record({ kind: fc.constant("cancel" as const), which: fc.nat(20) }),
      fc.record({ kind: fc.constant("charge" as const), who: fc.nat(2), amount: fc.integer({ min: 1, max: 900 }) }),
      fc.record({ kind: fc.constant("topUp" as const), who: fc.nat(2), amount: fc.integer({ min: 1, max: 2_000 }) }),
      fc.record({ kind: fc.constant("revoke" as const), who: fc.nat(2) }),
      fc.record({ kind: fc.constant("payout" as const), paid: fc.boolean() }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 6 }), async (ops) => {
        for (const step of ops) {
          try {
            switch (step.kind) {
              case "book": {
                const who = people[step.who]!.youngPerson.id;
                const booked = await bookSlot(db(), { youngPersonId: who, slotId: scene.slot.id, requestKey: randomUUID() });
                bookings.push({ ...booked, youngPersonId: who });
                break;
              }
              case "redeem": {
                const booking = bookings[step.which % Math.max(1, bookings.length)];
                if (booking) await redeemBooking(db(), { code: booking.code, providerId: scene.provider.id, actor: doorActor() });
                break;
              }
              case "cancel": {
                const booking = bookings[step.which % Math.max(1, bookings.length)];
                if (booking) await cancelBooking(db(), { bookingId: booking.id, youngPersonId: booking.youngPersonId });
                break;
              }
              case "charge":
                await chargePass(db(), {
                  passCode: people[step.who]!.youngPerson.passCode,
                  providerId: scene.provider.id,
                  activityId: scene.activity.id,
                  amountPence: step.amount,
                  requestKey: randomUUID(),
                  actor: doorActor(),
                });
                break;
              case "topUp":
                await topUpAllocation(db(), { allocationId: people[step.who]!.allocation!.id, amountPence: step.amount, reason: "Reward", idempotencyKey: randomUUID() });
                break;
              case "revoke":
                await revokeAllocation(db(), { allocationId: people[step.who]!.allocation!.id, reason: "Left the scheme" });
                break;
              case "payout": {
                await makeRedemptionsPayable(db(), { councilId, now: new Date(Date.now() + 10 * 24 * 60 * MINUTE) });
                const run = await createPayoutRun(db(), { councilId, approvalThresholdPence: 10_000_000 });
                if (run && step.paid) for (const payout of run.payouts) await markPayoutPaid(db(), { payoutId: payout.id });
                break;
              }
            }
          } catch (error) {
            // Refusals (not enough credit, revoked pass, already used) are part of life; crashes are not.
            if (!(error instanceof Error && error.name === "DomainError")) throw error;
          }
        }
        await expectDashboardMatchesLedger(councilId);
      }),
      { numRuns: 8 },
    );
    await expectLedgerOk(councilId);
  });

  it("shows a council's budget page with only its own figures", async () => {
    const mine = await createScene({ programme: { fundedPence: 40_000 } });
    const theirs = await createScene({ programme: { fundedPence: 90_000 } });
    await createYoungPerson({ programmeId: theirs.programme.id, allocationPence: 7_000 });
    const officer = await createMember("FINANCE_OFFICER", { councilId: mine.council.id });
    const page = unwrap<Awaited<ReturnType<typeof budgetLoader>>>(await budgetLoader(routeArgs(getRequest("/council/budget", await signIn(officer.id)))));
    expect(page.data.figures).toMatchObject({ fundedPence: 40_000, issuedPence: 0, remainingPence: 40_000 });
    expect(page.data.programmes.map((p) => p.id)).toEqual([mine.programme.id]);
    expect(page.data.burnDown.at(-1)).toMatchObject({ spentPence: 0, spentToDatePence: 0, leftToSpendPence: 40_000 });
  });
});

describe("the projection", () => {
  const figures = (funded: number, redeemed: number): BudgetFigures => ({
    fundedPence: funded,
    issuedPence: 0,
    returnedPence: 0,
    redeemedPence: redeemed,
    remainingPence: 0,
    onPassesPence: 0,
    heldByBookingsPence: 0,
    owedToProvidersPence: 0,
    payoutsInFlightPence: 0,
    paidOutPence: 0,
  });
  const days = (n: number, spentPerDay: number, funded: number): BurnDownPoint[] =>
    Array.from({ length: n }, (_, i) => ({
      day: new Date(Date.UTC(2026, 8, 1 + i)).toISOString().slice(0, 10),
      spentPence: spentPerDay,
      spentToDatePence: spentPerDay * (i + 1),
      leftToSpendPence: funded - spentPerDay * (i + 1),
    }));

  it("carries the last 28 days' average spend to the end date", () => {
    const points = days(60, 1_000, 500_000);
    // 30 October to 30 December is 61 days; 440,000 not yet spent less 61 x 1,000.
    const p = project(points, figures(500_000, 60_000), "2026-12-30", points.at(-1)!.day)!;
    expect(p).toMatchObject({ windowDays: 28, spentInWindowPence: 28_000, dailySpendPence: 1_000, daysLeft: 61, projectedSpendPence: 61_000, unspentAtEndPence: 379_000, runsOutOn: null });
  });

  it("burns down everything funded by each day's spend, from the programme's start to today", () => {
    const rows = [
      { day: new Date("2026-09-03T00:00:00Z"), spent: 500n },
      { day: new Date("2026-09-05T00:00:00Z"), spent: 1_200n },
    ];
    expect(burnDownSeries(rows, 10_000, "2026-09-02", "2026-09-05")).toEqual([
      { day: "2026-09-02", spentPence: 0, spentToDatePence: 0, leftToSpendPence: 10_000 },
      { day: "2026-09-03", spentPence: 500, spentToDatePence: 500, leftToSpendPence: 9_500 },
      { day: "2026-09-04", spentPence: 0, spentToDatePence: 500, leftToSpendPence: 9_500 },
      { day: "2026-09-05", spentPence: 1_200, spentToDatePence: 1_700, leftToSpendPence: 8_300 },
    ]);
  });

  it("says when the money runs out before the end", () => {
    const points = days(10, 10_000, 150_000);
    const p = project(points, figures(150_000, 100_000), "2027-06-30", points.at(-1)!.day)!;
    expect(p.windowDays).toBe(10);
    expect(p.unspentAtEndPence).toBe(0);
    expect(p.runsOutOn).toBe("2026-09-15");
  });

  it("checks each identity and names the one that fails", () => {
    const ok = { ...figures(1_000, 0), issuedPence: 400, remainingPence: 600, onPassesPence: 400 };
    expect(checkFigures(ok).every((c) => c.ok)).toBe(true);
    const broken = checkFigures({ ...ok, onPassesPence: 399 });
    expect(broken.filter((c) => !c.ok).map((c) => c.rule)).toEqual(["Every balance together equals what was funded"]);
  });
});

describe("the ledger check on the overview", () => {
  it("checks once for a council never checked, then shows the latest result on record instead of checking every visit", async () => {
    const scene = await createScene();
    const officer = await createMember("OFFICER", { councilId: scene.council.id });
    const cookie = await signIn(officer.id);
    const first = unwrap<Awaited<ReturnType<typeof overviewLoader>>>(await overviewLoader(routeArgs(getRequest("/council", cookie))));
    expect(first.data.ledger).toMatchObject({ ok: true, problems: 0, by: "Playpass" });
    await overviewLoader(routeArgs(getRequest("/council", cookie)));
    expect(await db().auditEvent.count({ where: { councilId: scene.council.id, action: "ledger.checked" } })).toBe(1);

    // The hourly worker records a problem: the page says so until the next good check.
    await db().auditEvent.create({
      data: { councilId: scene.council.id, action: "ledger.invariant_violated", entityType: "Council", entityId: scene.council.id, data: { violations: 2 } },
    });
    const broken = await latestLedgerCheck(db(), scene.council.id);
    expect(broken).toMatchObject({ ok: false, problems: 2, by: "the hourly check" });

    expect(redirectLocation(await thrownBy(overviewAction(routeArgs(formRequest("/council", {}, { cookie })))))).toBe("/council");
    const again = await latestLedgerCheck(db(), scene.council.id);
    expect(again).toMatchObject({ ok: true, problems: 0, by: officer.displayName });
  });
});
