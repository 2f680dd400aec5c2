// Payout runs, approval, the schedule, bank payment files and statements.
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import {
  approvePayoutRun,
  createDuePayoutRuns,
  createPayoutRun,
  generateBankFile,
  markBankFilePaid,
  parseBankFile,
  payoutStatementCsv,
  periodStart,
  renderBankFile,
  retryParkedPayout,
} from "~/domain/settlement";
import { councilBalance, expectDomainError, expectLedgerOk, payableBalance } from "../helpers";
import { createCouncil, createProvider } from "../factories";
import { payableScene } from "./support";

const db = () => getDb();
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

describe("a payout run", () => {
  it("pays each provider the sum of its payable redemptions, moving it from payable to in flight", async () => {
    const scene = await payableScene([{ charges: [500, 250] }, { charges: [1_000] }]);
    const run = await createPayoutRun(db(), { councilId: scene.council.id });
    expect(run!.status).toBe("APPROVED");
    expect(run!.transferGroup).toBe(`payout-run-${run!.id}`);
    const byProvider = Object.fromEntries(run!.payouts.map((p) => [p.providerId, p.amountPence]));
    expect(byProvider).toEqual({ [scene.providers[0]!.provider.id]: 750, [scene.providers[1]!.provider.id]: 1_000 });
    expect(await payableBalance(scene.council.id, scene.providers[0]!.provider.id)).toBe(0);
    expect(await councilBalance(scene.council.id, "PAYOUT_IN_FLIGHT")).toBe(1_750);
    // Nothing is left to take: a second run finds nothing.
    expect(await createPayoutRun(db(), { councilId: scene.council.id })).toBeNull();
    await expectLedgerOk(scene.council.id);
  });

  it("waits for a finance officer when its total is above the approval threshold, and is approved once", async () => {
    const scene = await payableScene([{ charges: [3_000] }, { charges: [2_500] }], { approvalThresholdPence: 5_000 });
    const run = await createPayoutRun(db(), { councilId: scene.council.id, approvalThresholdPence: 5_000 });
    expect(run!.status).toBe("AWAITING_APPROVAL");
    await expectDomainError(generateBankFile(db(), { councilId: scene.council.id, runId: run!.id }), "PAYOUT_RUN_STATE", /approve/);

    const user = await db().user.create({ data: { displayName: "Fran Finance", email: `fran-${run!.id}@example.test` } });
    expect(await approvePayoutRun(db(), { councilId: scene.council.id, runId: run!.id, actorUserId: user.id })).toEqual({ changed: true });
    expect(await approvePayoutRun(db(), { councilId: scene.council.id, runId: run!.id, actorUserId: user.id })).toEqual({ changed: false });
    const approved = await db().payoutRun.findUniqueOrThrow({ where: { id: run!.id } });
    expect(approved).toMatchObject({ status: "APPROVED", approvedByUserId: user.id });
    expect(await db().auditEvent.count({ where: { entityId: run!.id, action: "payout-run.approve" } })).toBe(1);
  });

  it("cannot be approved from another council: it does not exist there", async () => {
    const scene = await payableScene([{ charges: [3_000] }]);
    const run = await createPayoutRun(db(), { councilId: scene.council.id, approvalThresholdPence: 1 });
    const other = await createCouncil();
    const user = await db().user.create({ data: { displayName: "Other", email: `other-${run!.id}@example.test` } });
    await expectDomainError(approvePayoutRun(db(), { councilId: other.id, runId: run!.id, actorUserId: user.id }), "NOT_FOUND");
  });
});

describe("scheduled payout runs", () => {
  it("open one run per council per week by default: running the schedule twice opens it once", async () => {
    const now = new Date();
    const scene = await payableScene([{ charges: [400] }], { now });
    const first = await createDuePayoutRuns(db(), { now, stripeAvailable: false });
    const again = await createDuePayoutRuns(db(), { now: new Date(now.getTime() + HOUR), stripeAvailable: false });
    expect(first.created.filter((r) => r.councilId === scene.council.id)).toHaveLength(1);
    expect(again.created.filter((r) => r.councilId === scene.council.id)).toHaveLength(0);
    expect(await db().payoutRun.count({ where: { councilId: scene.council.id } })).toBe(1);
  });

  it("wait for the next week when weekly, but run again the next day when a programme asks for daily payouts", async () => {
    const monday = new Date("2026-11-16T09:00:00Z");
    const weekly = await payableScene([{ charges: [400] }], { now: monday, payoutSchedule: "WEEKLY" });
    const daily = await payableScene([{ charges: [400] }], { now: monday, payoutSchedule: "DAILY" });
    await createDuePayoutRuns(db(), { now: monday, stripeAvailable: false });

    // More money earned on Tuesday.
    const tuesday = new Date(monday.getTime() + DAY);
    await payMoreInto(weekly, tuesday);
    await payMoreInto(daily, tuesday);
    await createDuePayoutRuns(db(), { now: tuesday, stripeAvailable: false });
    expect(await db().payoutRun.count({ where: { councilId: weekly.council.id } })).toBe(1);
    expect(await db().payoutRun.count({ where: { councilId: daily.council.id } })).toBe(2);

    const nextMonday = new Date(monday.getTime() + 7 * DAY);
    await createDuePayoutRuns(db(), { now: nextMonday, stripeAvailable: false });
    expect(await db().payoutRun.count({ where: { councilId: weekly.council.id } })).toBe(2);
  });

  it("start their period at midnight and on Monday in London", () => {
    expect(periodStart("DAILY", new Date("2026-07-01T23:30:00Z")).toISOString()).toBe("2026-07-01T23:00:00.000Z");
    expect(periodStart("WEEKLY", new Date("2026-11-22T12:00:00Z")).toISOString()).toBe("2026-11-16T00:00:00.000Z");
  });
});

/** Another payable redemption for the scene's first provider, earned at `when`. */
async function payMoreInto(scene: Awaited<ReturnType<typeof payableScene>>, when: Date) {
  const { chargePass } = await import("~/domain/booking");
  const { makeRedemptionsPayable } = await import("~/domain/settlement");
  const { provider, activity } = scene.providers[0]!;
  await chargePass(db(), { passCode: scene.youngPerson.passCode, providerId: provider.id, activityId: activity.id, amountPence: 50, requestKey: `more-${when.getTime()}`, actor: { userId: null, name: "Till" }, now: new Date(when.getTime() - 60_000) });
  await makeRedemptionsPayable(db(), { councilId: scene.council.id, now: when });
}

describe("the bank payment file", () => {
  it("has one line per bank-paid provider with sort code, account, name, pounds and reference, adding up to the payouts", async () => {
    const scene = await payableScene([
      { charges: [1_234], name: "Zebra Swim Club" },
      { charges: [500, 5], name: "Apple Arts" },
    ]);
    const run = await createPayoutRun(db(), { councilId: scene.council.id });
    const file = await generateBankFile(db(), { councilId: scene.council.id, runId: run!.id });
    const parsed = parseBankFile(file.content);
    expect(parsed.lines.map((l) => [l.accountName, l.amountPence])).toEqual([
      ["APPLE ARTS LTD", 505],
      ["ZEBRA SWIM CLUB LT", 1_234],
    ]);
    expect(file.content.split("\r\n")[0]).toBe("sort_code,account_number,account_name,amount,reference");
    expect(file.content).toContain(",12.34,PLAYPASS ");
    expect(parsed.totalPence).toBe(1_739);
    expect(Number(file.totalPence)).toBe(1_739);
    expect(file.lineCount).toBe(2);
    expect(file.fileName).toMatch(new RegExp(`^playpass-${scene.council.slug}-\\d{4}-\\d{2}-\\d{2}-run-[0-9a-f]{8}\\.csv$`));
  });

  it("is byte-identical when asked for again, and puts each payout in exactly one file", async () => {
    const scene = await payableScene([{ charges: [700] }, { charges: [300] }]);
    const run = await createPayoutRun(db(), { councilId: scene.council.id });
    const [a, b] = await Promise.all([
      generateBankFile(db(), { councilId: scene.council.id, runId: run!.id }),
      generateBankFile(db(), { councilId: scene.council.id, runId: run!.id }),
    ]);
    expect(b.id).toBe(a.id);
    expect(b.content).toBe(a.content);
    expect(await db().bankFile.count({ where: { runId: run!.id } })).toBe(1);
    // Rendering its payouts again gives the same bytes.
    const payouts = await db().payout.findMany({ where: { bankFileId: a.id }, include: { provider: true } });
    const lines = payouts
      .map((p) => ({ providerName: p.provider.name, payoutId: p.id, sortCode: p.provider.bankSortCode!, accountNumber: p.provider.bankAccountNumber!, accountName: p.provider.bankAccountName!, amountPence: p.amountPence, reference: `PLAYPASS ${p.id.replace(/-/g, "").slice(0, 8).toUpperCase()}` }))
      .sort((x, y) => x.providerName.localeCompare(y.providerName, "en-GB") || x.payoutId.localeCompare(y.payoutId));
    expect(renderBankFile(lines)).toBe(a.content);
    expect(payouts.every((p) => p.status === "PROCESSING")).toBe(true);
  });

  it("parks a provider with no bank details with the reason, and files it once the details are in", async () => {
    const scene = await payableScene([{ charges: [800] }, { charges: [200], paidBy: "bank-without-details" }]);
    const run = await createPayoutRun(db(), { councilId: scene.council.id });
    const first = await generateBankFile(db(), { councilId: scene.council.id, runId: run!.id });
    expect(first.lineCount).toBe(1);
    const noDetails = scene.providers[1]!.provider;
    const parked = await db().payout.findFirstOrThrow({ where: { runId: run!.id, providerId: noDetails.id } });
    expect(parked).toMatchObject({ status: "PARKED", bankFileId: null });
    expect(parked.failureReason).toMatch(/has not given bank details/);

    await db().provider.update({ where: { id: noDetails.id }, data: { bankAccountName: "Late Details", bankSortCode: "309950", bankAccountNumber: "00733445" } });
    const user = await db().user.create({ data: { displayName: "Fran", email: `fran-${parked.id}@example.test` } });
    await retryParkedPayout(db(), { councilId: scene.council.id, payoutId: parked.id, actorUserId: user.id });
    const second = await generateBankFile(db(), { councilId: scene.council.id, runId: run!.id });
    expect(second.id).not.toBe(first.id);
    expect(parseBankFile(second.content).lines).toEqual([expect.objectContaining({ sortCode: "309950", accountNumber: "00733445", amountPence: 200 })]);
  });

  it("marked paid pays each of its payouts once and completes the run; marking it again changes nothing", async () => {
    const scene = await payableScene([{ charges: [650] }, { charges: [350] }]);
    const run = await createPayoutRun(db(), { councilId: scene.council.id });
    const file = await generateBankFile(db(), { councilId: scene.council.id, runId: run!.id });
    const user = await db().user.create({ data: { displayName: "Fran", email: `fran-${file.id}@example.test` } });
    const [first, second] = await Promise.all([
      markBankFilePaid(db(), { councilId: scene.council.id, bankFileId: file.id, actorUserId: user.id }),
      markBankFilePaid(db(), { councilId: scene.council.id, bankFileId: file.id, actorUserId: user.id }),
    ]);
    expect(first.paid + second.paid).toBe(2);
    expect(await councilBalance(scene.council.id, "PAID_OUT")).toBe(1_000);
    expect(await councilBalance(scene.council.id, "PAYOUT_IN_FLIGHT")).toBe(0);
    expect(await db().payoutRun.findUniqueOrThrow({ where: { id: run!.id } })).toMatchObject({ status: "COMPLETED" });
    expect(await db().redemption.count({ where: { councilId: scene.council.id, status: "PAID" } })).toBe(2);
    await expectLedgerOk(scene.council.id);
  });

  it("is NOT_FOUND from another council", async () => {
    const scene = await payableScene([{ charges: [650] }]);
    const run = await createPayoutRun(db(), { councilId: scene.council.id });
    const file = await generateBankFile(db(), { councilId: scene.council.id, runId: run!.id });
    const other = await createCouncil();
    await expectDomainError(generateBankFile(db(), { councilId: other.id, runId: run!.id }), "NOT_FOUND");
    const user = await db().user.create({ data: { displayName: "Mallory", email: `m-${file.id}@example.test` } });
    await expectDomainError(markBankFilePaid(db(), { councilId: other.id, bankFileId: file.id, actorUserId: user.id }), "NOT_FOUND");
  });
});

describe("a payout statement", () => {
  it("lists the redemptions the payout paid, totalling the payout, for its provider and its council only", async () => {
    const scene = await payableScene([{ charges: [120, 80, 300] }]);
    const run = await createPayoutRun(db(), { councilId: scene.council.id });
    const payout = run!.payouts[0]!;
    const { content, fileName } = await payoutStatementCsv(db(), { payoutId: payout.id, scope: { providerId: scene.providers[0]!.provider.id } });
    const rows = content.trimEnd().split("\r\n");
    expect(rows[0]).toBe("redemption,redeemed_at,activity,session_starts_at,how,amount_gbp");
    expect(rows.slice(1, -1).map((r) => r.split(",").at(-1)).sort()).toEqual(["0.80", "1.20", "3.00"]);
    expect(rows.at(-1)).toBe("TOTAL,,,,,5.00");
    expect(fileName).toMatch(/^playpass-statement-provider-1-.*\.csv$/);
    await expect(payoutStatementCsv(db(), { payoutId: payout.id, scope: { councilId: scene.council.id } })).resolves.toMatchObject({ content });

    const other = await createCouncil();
    const { provider: stranger } = await createProvider({ councilId: other.id });
    await expectDomainError(payoutStatementCsv(db(), { payoutId: payout.id, scope: { providerId: stranger.id } }), "NOT_FOUND");
    await expectDomainError(payoutStatementCsv(db(), { payoutId: payout.id, scope: { councilId: other.id } }), "NOT_FOUND");
  });
});

describe("a statement's CSV", () => {
  it("never lets a provider's text run as a spreadsheet formula", async () => {
    const scene = await payableScene([{ charges: [100] }]);
    const { randomUUID } = await import("node:crypto");
    const { createSlot, createYoungPerson, doorActor } = await import("../factories");
    const { bookSlot, redeemBooking } = await import("~/domain/booking");
    const { makeRedemptionsPayable } = await import("~/domain/settlement");
    const { provider, activity } = scene.providers[0]!;
    await db().activity.update({ where: { id: activity.id }, data: { title: '=HYPERLINK("http://evil.example","Swim")', pricePence: 300 } });
    const slot = await createSlot({ activityId: activity.id, startsAt: new Date(Date.now() + 60 * 60 * 1000) });
    const { youngPerson } = await createYoungPerson({ programmeId: scene.programme.id, allocationPence: 1_000 });
    const booking = await bookSlot(db(), { youngPersonId: youngPerson.id, slotId: slot.id, requestKey: randomUUID() });
    await redeemBooking(db(), { code: booking.code, providerId: provider.id, actor: doorActor(), now: slot.startsAt });
    await makeRedemptionsPayable(db(), { councilId: scene.council.id, now: new Date(Date.now() + 2 * DAY) });
    const run = await createPayoutRun(db(), { councilId: scene.council.id });
    const { content } = await payoutStatementCsv(db(), { payoutId: run!.payouts[0]!.id, scope: { councilId: scene.council.id } });
    expect(content).toContain(`"'=HYPERLINK(""http://evil.example"",""Swim"")"`);
    expect(content).not.toMatch(/(^|,)=HYPERLINK/m);
  });
});

describe("the redemptions table", () => {
  it("keeps the status out of every index and room on each page, so marking a run's redemptions paid writes no index entry (HOT)", async () => {
    const indexes = await db().$queryRaw<{ name: string; definition: string }[]>`
      SELECT indexrelid::regclass::text AS name, pg_get_indexdef(indexrelid) AS definition FROM pg_index WHERE indrelid = '"Redemption"'::regclass`;
    expect(indexes.length).toBeGreaterThan(0);
    expect(indexes.filter((i) => /"?status"?/.test(i.definition))).toEqual([]);
    const [table] = await db().$queryRaw<{ options: string[] | null }[]>`SELECT reloptions AS options FROM pg_class WHERE oid = '"Redemption"'::regclass`;
    expect(table!.options).toContain("fillfactor=50");
  });
});
