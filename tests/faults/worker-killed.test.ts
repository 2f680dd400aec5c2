// RELIABILITY 18-21: a real worker process SIGKILLed mid-job (PLAYPASS_CRASH_AT) and restarted finishes the job
// exactly once: issuing credit to everyone, an enrolment import, and sending a message through Notify.
// (Payout runs have their own crash test at every step: tests/settlement/crash.test.ts.)
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { resetEnvForTests } from "~/lib/env.server";
import type { WorkerCheckpoint } from "~/domain/settlement/checkpoints";
import { startEnrolmentImport, startIssueAll } from "~/domain/programmes";
import { ENROLMENT_COLUMNS } from "~/domain/programmes/enrolment";
import { notifySent } from "../mocks/notify";
import { createCouncil, createProgramme, createYoungPerson } from "../factories";
import { expectLedgerOk } from "../helpers";
import { startForwardingProxy, type ForwardingProxy } from "../support/forwarding-proxy";
import { fakeJob, useWorkerTestEnvironment } from "../support/workers";
import { processJob as runCouncilJob } from "../../workers/council-jobs";
import { processJob as runNotification } from "../../workers/notifications";
import { pendingTexts } from "./support";
import { useNotifyKeys } from "../support/notify-keys";

const db = () => getDb();
const CHILD = new URL("./worker-child.ts", import.meta.url).pathname;

useWorkerTestEnvironment();
const notifyKeys = useNotifyKeys();

// The children's Notify calls come here and go on to this process's fake Notify (MSW).
let proxy: ForwardingProxy;
let proxyUrl = "";
beforeAll(async () => {
  process.env.UPLOAD_DIR = mkdtempSync(path.join(tmpdir(), "playpass-faults-"));
  resetEnvForTests();
  proxy = await startForwardingProxy("https://api.notifications.service.gov.uk");
  proxyUrl = proxy.url;
});
afterAll(async () => {
  delete process.env.UPLOAD_DIR;
  resetEnvForTests();
  await proxy.close();
});

function runWorker(queue: "council-jobs" | "notifications", payload: object, crashAt?: WorkerCheckpoint) {
  return new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, ["--import", "tsx", CHILD], {
      cwd: process.cwd(),
      env: { ...process.env, ...notifyKeys, NODE_ENV: "test", FAULT_QUEUE: queue, FAULT_PAYLOAD: JSON.stringify(payload), FAULT_NOTIFY_PROXY: proxyUrl, PLAYPASS_CRASH_AT: crashAt ?? "" },
      stdio: ["ignore", "ignore", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    child.on("error", reject);
    child.on("exit", (code, signal) => resolve({ code, signal, stderr }));
  });
}

/**
 * Killed at the checkpoint; then another worker (this process) takes the job up, twice, as a restart and a
 * stalled duplicate would. Only the kill needs a child process, so the file stays quick.
 */
async function killThenRestart(queue: "council-jobs" | "notifications", payload: object, crashAt: WorkerCheckpoint) {
  const killed = await runWorker(queue, payload, crashAt);
  expect(killed.signal, killed.stderr).toBe("SIGKILL");
  const processJob = queue === "council-jobs" ? runCouncilJob : runNotification;
  for (let run = 0; run < 2; run++) await processJob(fakeJob(payload), "");
}

// A child process starts slowly on a busy machine: a kill and two restarts get more than the default minute.
const SLOW = 180_000;

describe("a worker killed mid-job and restarted", () => {
  it("issuing credit to everyone eligible: each young person gets exactly one pass, and the budget pays for each once", async () => {
    const council = await createCouncil();
    const programme = await createProgramme({ councilId: council.id, fundedPence: 1_000_000, baseAllocationPence: 2_000 });
    const people = await Promise.all(Array.from({ length: 12 }, () => createYoungPerson({ councilId: council.id, withAllocation: false })));
    const job = await startIssueAll(db(), { councilId: council.id }, programme.id);

    await killThenRestart("council-jobs", { task: "run", backgroundJobId: job.id }, "council-job-batch-written");

    const allocations = await db().allocation.findMany({ where: { programmeId: programme.id } });
    expect(allocations.map((a) => a.youngPersonId).sort()).toEqual(people.map((p) => p.youngPerson.id).sort());
    expect(await db().transfer.count({ where: { councilId: council.id, kind: "ISSUE" } })).toBe(12);
    expect(await db().backgroundJob.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ status: "SUCCEEDED" });
    await expectLedgerOk(council.id);
  }, SLOW);

  it("an enrolment import: every row is one young person, none twice, after a kill between batches", async () => {
    const council = await createCouncil();
    const rows = Array.from({ length: 1_500 }, (_, i) => [`fault-${i}`, `First${i}`, "Tester", "2012-03-14", "NB1 1AA", "Central", "", "", ""].join(","));
    const bytes = new TextEncoder().encode([ENROLMENT_COLUMNS.join(","), ...rows].join("\n") + "\n");
    const job = await startEnrolmentImport(db(), { councilId: council.id }, { bytes, type: "csv", originalName: "roll.csv" });

    await killThenRestart("council-jobs", { task: "run", backgroundJobId: job.id }, "council-job-batch-written");

    expect(await db().youngPerson.count({ where: { councilId: council.id } })).toBe(1_500);
    const distinct = await db().youngPerson.groupBy({ by: ["externalRef"], where: { councilId: council.id } });
    expect(distinct).toHaveLength(1_500);
    expect(await db().backgroundJob.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ status: "SUCCEEDED", processed: 1_500 });
  }, SLOW);

  it("sending a text: killed after Notify accepted it, the restart finds it in Notify and sends no second SMS", async () => {
    const [messageId] = await pendingTexts(1);

    await killThenRestart("notifications", { messageId }, "notify-accepted");

    expect(notifySent.filter((n) => n.reference === messageId)).toHaveLength(1);
    const message = await db().message.findUniqueOrThrow({ where: { id: messageId! } });
    expect(message).toMatchObject({ status: "SENT", notifyId: notifySent.find((n) => n.reference === messageId)!.id });
  }, SLOW);
});
