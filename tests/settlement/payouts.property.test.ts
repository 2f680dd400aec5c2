// Property: whatever redemptions providers earn, a payout run pays each provider exactly the sum of the
// redemptions it took, each redemption is taken once, and the ledger still adds up after paying.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { createPayoutRun, generateBankFile, markBankFilePaid, parseBankFile } from "~/domain/settlement";
import { councilBalance, expectLedgerOk } from "../helpers";
import { payableScene } from "./support";

const db = () => getDb();

describe("payout runs, for any mix of earnings", () => {
  it("pay each provider the sum of the redemptions they took, once, and the bank file adds up to the run", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.array(fc.integer({ min: 1, max: 20_000 }), { minLength: 0, maxLength: 4 }), { minLength: 1, maxLength: 4 }),
        fc.integer({ min: 0, max: 2 }),
        async (earnings, runsBeforePaying) => {
          const scene = await payableScene(earnings.map((charges) => ({ charges })));
          const run = await createPayoutRun(db(), { councilId: scene.council.id });
          // More runs find nothing left to take.
          for (let i = 0; i < runsBeforePaying; i++) expect(await createPayoutRun(db(), { councilId: scene.council.id })).toBeNull();

          const expected = scene.providers.map((p) => p.plan.charges.reduce((a, b) => a + b, 0));
          const total = expected.reduce((a, b) => a + b, 0);
          if (total === 0) {
            expect(run).toBeNull();
            return;
          }
          const paidTo = new Map(run!.payouts.map((p) => [p.providerId, p.amountPence]));
          scene.providers.forEach((p, i) => expect(paidTo.get(p.provider.id) ?? 0).toBe(expected[i]));
          expect(Number(run!.totalPence)).toBe(total);
          for (const payout of run!.payouts) {
            const taken = await db().redemption.aggregate({ where: { payoutId: payout.id }, _sum: { amountPence: true } });
            expect(taken._sum.amountPence).toBe(payout.amountPence);
          }
          expect(await db().redemption.count({ where: { councilId: scene.council.id, payoutId: null } })).toBe(0);

          const file = await generateBankFile(db(), { councilId: scene.council.id, runId: run!.id });
          expect(parseBankFile(file.content).totalPence).toBe(total);
          const user = await db().user.create({ data: { displayName: "Fran", email: `fran-${file.id}@example.test` } });
          await markBankFilePaid(db(), { councilId: scene.council.id, bankFileId: file.id, actorUserId: user.id });
          await markBankFilePaid(db(), { councilId: scene.council.id, bankFileId: file.id, actorUserId: user.id });
          expect(await councilBalance(scene.council.id, "PAID_OUT")).toBe(total);
          await expectLedgerOk(scene.council.id);
        },
      ),
      { numRuns: 15 },
    );
  });
});
