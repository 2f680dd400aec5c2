// Demo data for settlement: bank details for providers who have none, a run approved and paid by bank file
// whose file waits to be marked paid, and a run over the approval threshold waiting for the finance officer. (The main
// seed has already opened and paid a first run.) Money moves only through the domain, so the ledger adds up.
import type { Db } from "~/lib/db.server";
import { chargePass } from "~/domain/booking";
import { isDomainError } from "~/domain/errors";
import { approvePayoutRun, createPayoutRun, generateBankFile, makeRedemptionsPayable } from "~/domain/settlement";

const DAY = 24 * 60 * 60 * 1000;
const DEMO_THRESHOLD_PENCE = 1_500;

/** Walk-in charges at the tills of the council's providers, `daysAgo` days back, each with its own key. */
async function chargeSomePasses(db: Db, input: { councilId: string; now: Date; daysAgo: number; batch: string; count: number }) {
  const when = new Date(input.now.getTime() - input.daysAgo * DAY);
  const activities = await db.activity.findMany({
    where: { councilId: input.councilId, status: "LIVE", provider: { councils: { some: { councilId: input.councilId, status: "APPROVED" } } } },
    orderBy: [{ providerId: "asc" }, { title: "asc" }],
    select: { id: true, providerId: true, pricePence: true },
  });
  const passes = await db.youngPerson.findMany({
    where: { councilId: input.councilId, status: "ACTIVE", allocations: { some: { status: "ACTIVE", expiresAt: { gt: input.now } } } },
    orderBy: { createdAt: "asc" },
    select: { passCode: true },
    take: 40,
  });
  // One activity per provider, so each run has several providers.
  const perProvider = [...new Map(activities.map((a) => [a.providerId, a])).values()];
  let charged = 0;
  for (let i = 0; i < input.count && perProvider.length > 0 && passes.length > 0; i++) {
    const activity = perProvider[i % perProvider.length]!;
    const pass = passes[(i * 7) % passes.length]!;
    if (!pass.passCode) continue;
    try {
      await chargePass(db, {
        passCode: pass.passCode,
        providerId: activity.providerId,
        activityId: activity.id,
        amountPence: Math.min(activity.pricePence, 400 + ((i * 137) % 600)),
        requestKey: `seed-settlement-${input.batch}-${i}`,
        actor: { userId: null, name: "Till" },
        now: when,
      });
      charged += 1;
    } catch (error) {
      if (!isDomainError(error)) throw error; // not enough credit left on that pass, say
    }
  }
  return charged;
}

export async function seedSettlement(db: Db, input: { councilId: string; now: Date }) {
  const { councilId, now } = input;
  const finance = await db.user.findUniqueOrThrow({ where: { email: "finance@northbridge.example" }, select: { id: true } });

  // Providers who have not given bank details get demo ones.
  const withoutDetails = await db.provider.findMany({ where: { bankAccountNumber: null, councils: { some: { councilId } } }, orderBy: { name: "asc" }, select: { id: true, name: true } });
  for (const [i, provider] of withoutDetails.entries()) {
    await db.provider.update({
      where: { id: provider.id },
      data: { bankAccountName: provider.name, bankSortCode: `40${String(11 + i).padStart(2, "0")}${String(20 + i).padStart(2, "0")}`, bankAccountNumber: String(31_926_819 + i * 1_013).padStart(8, "0") },
    });
  }

  // The demo council's finance team checks every run over £15, so the demo shows approval at work.
  const programme = await db.programme.findFirst({ where: { councilId, status: "ACTIVE" }, orderBy: { createdAt: "asc" }, select: { id: true, disputeWindowDays: true } });
  if (programme) await db.programme.update({ where: { id: programme.id }, data: { approvalThresholdPence: DEMO_THRESHOLD_PENCE } });
  const window = programme?.disputeWindowDays ?? 3;

  // A run approved by finance and paid by bank file: the file is made and waits for finance to confirm the bank sent it.
  const yesterday = new Date(now.getTime() - DAY);
  await chargeSomePasses(db, { councilId, now, daysAgo: window + 3, batch: "bank", count: 8 });
  await makeRedemptionsPayable(db, { councilId, now: yesterday });
  const bankRun = await createPayoutRun(db, { councilId, approvalThresholdPence: DEMO_THRESHOLD_PENCE, now: yesterday });
  if (bankRun) {
    await approvePayoutRun(db, { councilId, runId: bankRun.id, actorUserId: finance.id, now: new Date(yesterday.getTime() + 30 * 60 * 1000) });
    await generateBankFile(db, { councilId, runId: bankRun.id, actorUserId: finance.id, now: new Date(yesterday.getTime() + 60 * 60 * 1000) });
  }

  // Today's run, over the threshold, waiting for the finance officer.
  await chargeSomePasses(db, { councilId, now, daysAgo: window + 1, batch: "approval", count: 16 });
  await makeRedemptionsPayable(db, { councilId, now });
  await createPayoutRun(db, { councilId, approvalThresholdPence: DEMO_THRESHOLD_PENCE, now });
}
