// The payout pages as Remix calls them: tenancy (another council's run is a 404), finance-only actions,
// downloads, and the provider's payment settings.
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { createPayoutRun, generateBankFile } from "~/domain/settlement";
import { loader as runsLoader } from "~/routes/council.payouts._index";
import { action as runAction, loader as runLoader } from "~/routes/council.payouts.$runId._index";
import { loader as bankFileLoader } from "~/routes/council.payouts.$runId.bank-files.$fileId";
import { loader as statementLoader } from "~/routes/council.payouts.$runId.statements.$payoutId";
import { action as paymentsAction, loader as paymentsLoader } from "~/routes/provider.payments._index";
import { loader as stripeReturnLoader } from "~/routes/provider.payments.stripe-return";
import { fakeStripe, setRecipientTransfers } from "../mocks/stripe";
import { createCouncil } from "../factories";
import { createMember, formRequest, getRequest, redirectLocation, routeArgs, signIn, statusOf, thrownBy, unwrap } from "../support/actors";
import { useWorkerTestEnvironment } from "../support/workers";
import { payableScene, useStripeKeys } from "./support";

const db = () => getDb();

useWorkerTestEnvironment();
useStripeKeys();

async function runAwaitingApproval() {
  const scene = await payableScene([{ charges: [4_000] }, { charges: [3_000] }]);
  const run = await createPayoutRun(db(), { councilId: scene.council.id, approvalThresholdPence: 5_000 });
  return { scene, run: run! };
}

describe("council payout pages", () => {
  it("list the council's runs and show a run's lines to any officer", async () => {
    const { scene, run } = await runAwaitingApproval();
    const officer = await createMember("OFFICER", { councilId: scene.council.id });
    const cookie = await signIn(officer.id);
    const list = unwrap<Awaited<ReturnType<typeof runsLoader>>>(await runsLoader(routeArgs(getRequest("/council/payouts", cookie)))).data;
    expect(list.runs).toEqual([expect.objectContaining({ id: run.id, status: "AWAITING_APPROVAL", totalPence: 7_000, payouts: 2 })]);
    const detail = unwrap<Awaited<ReturnType<typeof runLoader>>>(await runLoader(routeArgs(getRequest(`/council/payouts/${run.id}`, cookie), { runId: run.id }))).data;
    expect(detail.run.payouts.map((p) => p.amountPence).sort()).toEqual([3_000, 4_000]);
    expect(detail.isFinance).toBe(false);
  });

  it("let only a finance officer approve a run; an officer is refused", async () => {
    const { scene, run } = await runAwaitingApproval();
    const officer = await createMember("OFFICER", { councilId: scene.council.id });
    const refused = await thrownBy(runAction(routeArgs(formRequest(`/council/payouts/${run.id}`, { intent: "approve" }, { cookie: await signIn(officer.id) }), { runId: run.id })));
    expect(statusOf(refused)).toBe(403);

    const finance = await createMember("FINANCE_OFFICER", { councilId: scene.council.id });
    const cookie = await signIn(finance.id);
    const approved = await runAction(routeArgs(formRequest(`/council/payouts/${run.id}`, { intent: "approve" }, { cookie }), { runId: run.id }));
    expect(redirectLocation(approved)).toBe(`/council/payouts/${run.id}?done=approve`);
    expect(await db().payoutRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ status: "APPROVED", approvedByUserId: finance.id });

    const made = await runAction(routeArgs(formRequest(`/council/payouts/${run.id}`, { intent: "bank-file" }, { cookie }), { runId: run.id }));
    expect(redirectLocation(made)).toBe(`/council/payouts/${run.id}?done=bank-file`);
    const file = await db().bankFile.findFirstOrThrow({ where: { runId: run.id } });
    const download = (await bankFileLoader(routeArgs(getRequest(`/council/payouts/${run.id}/bank-files/${file.id}`, cookie), { runId: run.id, fileId: file.id }))) as Response;
    expect(download.headers.get("Content-Disposition")).toContain(`attachment; filename="${file.fileName}"`);
    expect(await download.text()).toBe(file.content);

    const paid = await runAction(routeArgs(formRequest(`/council/payouts/${run.id}`, { intent: "mark-file-paid", bankFileId: file.id }, { cookie }), { runId: run.id }));
    expect(redirectLocation(paid)).toBe(`/council/payouts/${run.id}?done=mark-file-paid`);
    expect(await db().payoutRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ status: "COMPLETED" });
  });

  it("answer 404 for another council's run, file and statement, to its officers and its finance officers", async () => {
    const { run } = await runAwaitingApproval();
    const other = await createCouncil();
    const finance = await createMember("FINANCE_OFFICER", { councilId: other.id });
    const cookie = await signIn(finance.id);
    expect(statusOf(await thrownBy(runLoader(routeArgs(getRequest(`/council/payouts/${run.id}`, cookie), { runId: run.id }))))).toBe(404);
    expect(statusOf(await thrownBy(runAction(routeArgs(formRequest(`/council/payouts/${run.id}`, { intent: "approve" }, { cookie }), { runId: run.id }))))).toBe(404);
    expect(await db().payoutRun.findUniqueOrThrow({ where: { id: run.id } })).toMatchObject({ status: "AWAITING_APPROVAL" });

    await db().payoutRun.update({ where: { id: run.id }, data: { status: "APPROVED" } });
    const file = await generateBankFile(db(), { councilId: run.councilId, runId: run.id });
    expect(statusOf(await thrownBy(bankFileLoader(routeArgs(getRequest("/", cookie), { runId: run.id, fileId: file.id }))))).toBe(404);
    const payoutId = run.payouts[0]!.id;
    expect(statusOf(await thrownBy(statementLoader(routeArgs(getRequest("/", cookie), { runId: run.id, payoutId }))))).toBe(404);
    const list = unwrap<Awaited<ReturnType<typeof runsLoader>>>(await runsLoader(routeArgs(getRequest("/council/payouts", cookie)))).data;
    expect(list.runs).toEqual([]);
  });
});

describe("the provider's payments page", () => {
  it("saves bank details through the shared schema, with errors next to the fields, and shows them masked", async () => {
    const scene = await payableScene([{ charges: [100], paidBy: "bank-without-details" }]);
    const provider = scene.providers[0]!.provider;
    const manager = await createMember("PROVIDER_MANAGER", { providerId: provider.id });
    const cookie = await signIn(manager.id);

    const bad = unwrap<{ result: { error: Record<string, string[]> } }>(
      await paymentsAction(routeArgs(formRequest("/provider/payments", { intent: "bank-details", accountName: "A", sortCode: "12-34", accountNumber: "12ab" }, { cookie }))),
    );
    expect(bad.status).toBe(400);
    expect(bad.data.result.error).toMatchObject({ accountName: [expect.stringMatching(/at least 2/)], sortCode: [expect.stringMatching(/6 digits/)], accountNumber: [expect.stringMatching(/only digits/)] });
    expect(await db().provider.findUniqueOrThrow({ where: { id: provider.id }, select: { bankAccountNumber: true } })).toEqual({ bankAccountNumber: null });

    const saved = await paymentsAction(routeArgs(formRequest("/provider/payments", { intent: "bank-details", accountName: "Swim Club Ltd", sortCode: "30 99 50", accountNumber: "733445" }, { cookie })));
    expect(redirectLocation(saved)).toBe("/provider/payments?done=bank-details");
    expect(await db().provider.findUniqueOrThrow({ where: { id: provider.id } })).toMatchObject({ bankSortCode: "309950", bankAccountNumber: "00733445", payoutMethod: "BANK_FILE" });
    const page = unwrap<Awaited<ReturnType<typeof paymentsLoader>>>(await paymentsLoader(routeArgs(getRequest("/provider/payments", cookie)))).data;
    expect(page.settings.bank).toEqual({ accountName: "Swim Club Ltd", sortCode: "30-99-50", accountNumber: "****3445" });
    expect(JSON.stringify(page)).not.toContain("00733445");
  });

  it("starts Stripe onboarding once (one account however often it is clicked) and reads the account back on return", async () => {
    const scene = await payableScene([{ charges: [100], paidBy: "bank" }]);
    const provider = scene.providers[0]!.provider;
    const manager = await createMember("PROVIDER_MANAGER", { providerId: provider.id });
    const cookie = await signIn(manager.id);

    const first = redirectLocation(await paymentsAction(routeArgs(formRequest("/provider/payments", { intent: "stripe-onboarding" }, { cookie }))));
    const second = redirectLocation(await paymentsAction(routeArgs(formRequest("/provider/payments", { intent: "stripe-onboarding" }, { cookie }))));
    expect(first).toMatch(/^https:\/\/connect\.stripe\.com\//);
    expect(second).not.toBe(first);
    expect(fakeStripe.recipients.size).toBe(1);
    const accountId = [...fakeStripe.recipients.keys()][0]!;
    expect(fakeStripe.accountLinks.map((l) => l.account)).toEqual([accountId, accountId]);
    expect(fakeStripe.accountLinks[0]!.return_url).toMatch(/\/provider\/payments\/stripe-return$/);
    expect(fakeStripe.accountLinks[0]!.refresh_url).toMatch(/\/provider\/payments\/stripe-refresh$/);
    expect(await db().provider.findUniqueOrThrow({ where: { id: provider.id } })).toMatchObject({ stripeAccountId: accountId, payoutMethod: "STRIPE_TRANSFER", stripePayoutsEnabled: false });

    setRecipientTransfers(accountId, "active");
    expect(redirectLocation(await stripeReturnLoader(routeArgs(getRequest("/provider/payments/stripe-return", cookie))))).toBe("/provider/payments?done=stripe-return");
    expect(await db().provider.findUniqueOrThrow({ where: { id: provider.id } })).toMatchObject({ stripePayoutsEnabled: true });
  });

  it("is for managers only: door staff are refused", async () => {
    const scene = await payableScene([{ charges: [100] }]);
    const door = await createMember("DOOR_STAFF", { providerId: scene.providers[0]!.provider.id });
    expect(statusOf(await thrownBy(paymentsLoader(routeArgs(getRequest("/provider/payments", await signIn(door.id))))))).toBe(403);
  });
});
