// Failed background jobs that belong to one council: payloads carry ids only, so each is resolved to
// its council through the record it names (a payout, a council task, a session's activity).
import type { DbTx } from "~/lib/db.server";
import type { QueueName } from "~/lib/queues.server";
import { failedJobs, type FailedJob } from "./admin.queues.server";

/** Queues whose jobs name a council's record; the rest (notifications, platform sweeps) are for platform admins. */
const COUNCIL_QUEUES: QueueName[] = ["settlement", "council-jobs", "waitlist"];

export type CouncilFailedJob = FailedJob & { what: string; link: string | null };

export async function failedJobsOfCouncil(db: DbTx, councilId: string, perQueue = 200): Promise<CouncilFailedJob[]> {
  const jobs = (await Promise.all(COUNCIL_QUEUES.map((queue) => failedJobs(queue, perQueue)))).flat();
  const ids = (key: string) => [...new Set(jobs.map((j) => j.data[key]).filter((v): v is string => typeof v === "string" && /^[0-9a-f-]{36}$/i.test(v)))];

  const [payouts, councilJobs, slots] = await Promise.all([
    db.payout.findMany({ where: { id: { in: ids("payoutId") }, councilId }, select: { id: true, runId: true, amountPence: true, provider: { select: { name: true } } } }),
    db.backgroundJob.findMany({ where: { id: { in: ids("backgroundJobId") }, councilId }, select: { id: true, kind: true } }),
    db.slot.findMany({ where: { id: { in: ids("slotId") }, activity: { councilId } }, select: { id: true, activity: { select: { title: true } } } }),
  ]);
  const payoutById = new Map(payouts.map((p) => [p.id, p]));
  const councilJobById = new Map(councilJobs.map((j) => [j.id, j]));
  const slotById = new Map(slots.map((s) => [s.id, s]));

  const mine: CouncilFailedJob[] = [];
  for (const job of jobs) {
    const payout = typeof job.data.payoutId === "string" ? payoutById.get(job.data.payoutId) : undefined;
    const councilJob = typeof job.data.backgroundJobId === "string" ? councilJobById.get(job.data.backgroundJobId) : undefined;
    const slot = typeof job.data.slotId === "string" ? slotById.get(job.data.slotId) : undefined;
    if (payout) mine.push({ ...job, what: `Paying ${payout.provider.name} by Stripe`, link: `/council/payouts/${payout.runId}` });
    else if (councilJob) mine.push({ ...job, what: `Council task: ${councilJob.kind.toLowerCase().replace(/_/g, " ")}`, link: `/council/jobs/${councilJob.id}` });
    else if (slot) mine.push({ ...job, what: `Offering freed places for ${slot.activity.title}`, link: null });
  }
  return mine.sort((a, b) => (b.failedAt ?? "").localeCompare(a.failedAt ?? ""));
}
