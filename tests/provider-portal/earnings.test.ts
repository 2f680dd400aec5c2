// Earnings add up: redeemed, waiting for payout and paid come from redemptions and agree with the ledger;
// each payout's statement lists exactly what it paid, as CSV and PDF, for its own provider only.
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { chargePass } from "~/domain/booking";
import { createPayoutRun, makeRedemptionsPayable, markPayoutPaid } from "~/domain/settlement";
import { earningsSummary, payoutStatement, poundsForCsv, providerPayouts, statementCsv, statementPdf } from "~/domain/providers/earnings";
import { loader as earningsLoader } from "~/routes/provider.earnings._index";
import { loader as statementLoader } from "~/routes/provider.earnings.$payoutId";
import { loader as csvLoader } from "~/routes/provider.earnings.$payoutId_.statement[.]csv";
import { createProvider, createScene, createYoungPerson, doorActor } from "../factories";
import { expectLedgerOk, payableBalance } from "../helpers";
import { createMember, getRequest, routeArgs, signIn, statusOf, thrownBy, unwrap } from "../support/actors";

const db = () => getDb();
const DAY = 24 * 60 * 60 * 1000;

async function earningScene() {
  const scene = await createScene({ activity: { pricePence: 500, title: "Gym" }, programme: { disputeWindowDays: 3 } });
  const person = await createYoungPerson({ programmeId: scene.programme.id, allocationPence: 100_000, firstName: "Ava" });
  const charge = (amountPence: number, daysAgo: number) =>
    chargePass(db(), {
      passCode: person.youngPerson.passCode,
      providerId: scene.provider.id,
      activityId: scene.activity.id,
      amountPence,
      requestKey: randomUUID(),
      actor: doorActor(),
      now: new Date(Date.now() - daysAgo * DAY),
    });
  return { ...scene, ...person, charge };
}

describe("earnings", () => {
  it("splits what was redeemed into checking, waiting, paying and paid, matching the ledger", async () => {
    const { council, provider, programme, charge } = await earningScene();
    await charge(300, 10);
    await charge(450, 9);
    await makeRedemptionsPayable(db(), { councilId: council.id });
    const run = await createPayoutRun(db(), { councilId: council.id, approvalThresholdPence: programme.approvalThresholdPence });
    await markPayoutPaid(db(), { payoutId: run!.payouts[0]!.id });
    await charge(125, 8);
    await makeRedemptionsPayable(db(), { councilId: council.id });
    await charge(200, 0);

    const summary = await earningsSummary(db(), { providerId: provider.id });
    expect(summary).toEqual({
      checkingPence: 200,
      readyPence: 125,
      payingPence: 0,
      paidPence: 750,
      totalPence: 1_075,
      redemptions: 4,
      ledgerPayablePence: 325,
      addsUp: true,
    });
    expect(await payableBalance(council.id, provider.id)).toBe(325);
    await expectLedgerOk(council.id);
  });

  it("adds up whatever happens: any charges, payout runs and payments", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({ amountPence: fc.integer({ min: 1, max: 500 }), daysAgo: fc.integer({ min: 0, max: 8 }), thenRun: fc.boolean(), thenPay: fc.boolean() }),
          { minLength: 1, maxLength: 6 },
        ),
        async (steps) => {
          const { council, provider, charge } = await earningScene();
          for (const step of steps) {
            await charge(step.amountPence, step.daysAgo);
            if (!step.thenRun) continue;
            await makeRedemptionsPayable(db(), { councilId: council.id });
            const run = await createPayoutRun(db(), { councilId: council.id });
            if (run && step.thenPay) for (const payout of run.payouts) await markPayoutPaid(db(), { payoutId: payout.id });
          }
          const summary = await earningsSummary(db(), { providerId: provider.id });
          expect(summary.totalPence).toBe(steps.reduce((n, s) => n + s.amountPence, 0));
          expect(summary.redemptions).toBe(steps.length);
          expect(summary.addsUp).toBe(true);

          const payouts = await providerPayouts(db(), { providerId: provider.id });
          expect(summary.paidPence + summary.payingPence).toBe(payouts.reduce((n, p) => n + p.amountPence, 0));
          expect(summary.paidPence).toBe(payouts.filter((p) => p.status === "PAID").reduce((n, p) => n + p.amountPence, 0));
          for (const payout of payouts) {
            const statement = await payoutStatement(db(), { providerId: provider.id, payoutId: payout.id });
            expect(statement.linesTotalPence).toBe(statement.amountPence);
            expect(statement.lines).toHaveLength(payout.lines);
          }
          await expectLedgerOk(council.id);
        },
      ),
      { numRuns: 12 },
    );
  });
});

describe("statements", () => {
  async function paidPayout() {
    const scene = await earningScene();
    await scene.charge(300, 10);
    await scene.charge(450, 9);
    await makeRedemptionsPayable(db(), { councilId: scene.council.id });
    const run = await createPayoutRun(db(), { councilId: scene.council.id });
    const payoutId = run!.payouts[0]!.id;
    await markPayoutPaid(db(), { payoutId });
    return { ...scene, payoutId };
  }

  it("writes one CSV line per redemption and a total that equals the payout", async () => {
    const { provider, payoutId, youngPerson } = await paidPayout();
    const statement = await payoutStatement(db(), { providerId: provider.id, payoutId });
    const csv = statementCsv(statement);
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toBe("Redeemed at,Reference,Description,Young person,Method,Amount (GBP)");
    expect(lines).toHaveLength(4);
    const initial = youngPerson.lastName.charAt(0).toUpperCase();
    expect(lines[1]).toMatch(new RegExp(`^"\\d{2}/\\d{2}/\\d{4}, \\d{2}:\\d{2}",Walk-in,Walk-in charge at the till,Ava ${initial}\\.,Walk-in charge,3\\.00$`));
    expect(lines[2]).toMatch(/,4\.50$/);
    expect(lines[3]).toBe(`,,Total paid in payout ${statement.reference},,,7.50`);
    const amounts = lines.slice(1, -1).map((line) => Math.round(Number(line.split(",").at(-1)) * 100));
    expect(amounts.reduce((a, b) => a + b, 0)).toBe(statement.amountPence);
  });

  it("keeps spreadsheet formulas out of the CSV", () => {
    const csv = statementCsv({
      id: randomUUID(),
      runId: randomUUID(),
      runCreatedAt: new Date("2026-11-02T10:00:00Z"),
      amountPence: 100,
      method: "BANK_FILE",
      status: "PAID",
      paidAt: null,
      councilName: "C",
      providerName: "P",
      reference: "PP-1",
      linesTotalPence: 100,
      lines: [{ redeemedAt: new Date("2026-11-01T10:00:00Z"), reference: "X", description: '=HYPERLINK("evil")', youngPerson: "+Sam", method: "POINT_OF_SALE", amountPence: 100 }],
    });
    expect(csv).toContain(`"'=HYPERLINK(""evil"")"`);
    expect(csv).toContain(",'+Sam,");
  });

  it("formats pence as pounds for spreadsheets", () => {
    expect([0, 5, 99, 100, 1234, 100000].map(poundsForCsv)).toEqual(["0.00", "0.05", "0.99", "1.00", "12.34", "1000.00"]);
  });

  it("makes a PDF of the statement", async () => {
    const { provider, payoutId } = await paidPayout();
    const pdf = await statementPdf(await payoutStatement(db(), { providerId: provider.id, payoutId }));
    expect(pdf.subarray(0, 5).toString("latin1")).toBe("%PDF-");
    expect(pdf.length).toBeGreaterThan(1_000);
  });

  it("downloads the CSV for the provider's manager, and answers 404 to another provider's manager", async () => {
    const { provider, council, payoutId } = await paidPayout();
    const manager = await createMember("PROVIDER_MANAGER", { providerId: provider.id });
    const response = await csvLoader(routeArgs(getRequest(`/provider/earnings/${payoutId}/statement.csv`, await signIn(manager.id)), { payoutId }));
    expect(response.headers.get("Content-Type")).toBe("text/csv; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toMatch(/^attachment; filename="playpass-statement-\d{4}-\d{2}-\d{2}-PP-[0-9A-F]{8}\.csv"$/);
    expect(await response.text()).toContain("7.50");

    const { provider: other } = await createProvider({ councilId: council.id });
    const stranger = await createMember("PROVIDER_MANAGER", { providerId: other.id });
    const cookie = await signIn(stranger.id);
    expect(statusOf(await thrownBy(csvLoader(routeArgs(getRequest(`/provider/earnings/${payoutId}/statement.csv`, cookie), { payoutId }))))).toBe(404);
    expect(statusOf(await thrownBy(statementLoader(routeArgs(getRequest(`/provider/earnings/${payoutId}`, cookie), { payoutId }))))).toBe(404);
    const theirs = unwrap<{ payouts: unknown[]; summary: { totalPence: number } }>(await earningsLoader(routeArgs(getRequest("/provider/earnings", cookie))));
    expect(theirs.data).toMatchObject({ payouts: [], summary: { totalPence: 0 } });
  });
});
