import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { resetEnvForTests } from "~/lib/env.server";
import { getQueue } from "~/lib/queues.server";
import { ENROLMENT_COLUMNS } from "~/domain/programmes/enrolment";
import { runCouncilJob, startEnrolmentImport, type ImportResult } from "~/domain/programmes";
import { action as importAction } from "~/routes/council.young-people.import";
import { loader as jobLoader } from "~/routes/council.jobs.$jobId";
import { councilJobId, processJob } from "../../workers/council-jobs";
import { createCouncil, uniqueSuffix } from "../factories";
import { createMember, getRequest, redirectLocation, routeArgs, signIn, statusOf, thrownBy, unwrap } from "../support/actors";
import { fakeJob, useWorkerTestEnvironment } from "../support/workers";

const db = () => getDb();
useWorkerTestEnvironment();

beforeAll(() => {
  process.env.UPLOAD_DIR = mkdtempSync(path.join(tmpdir(), "playpass-enrolment-"));
  resetEnvForTests();
});
afterAll(() => {
  delete process.env.UPLOAD_DIR;
  resetEnvForTests();
});

type Row = Record<(typeof ENROLMENT_COLUMNS)[number], string>;

function roll(count: number, prefix = `roll-${uniqueSuffix()}`): Row[] {
  return Array.from({ length: count }, (_, i) => ({
    external_ref: `${prefix}-${i}`,
    first_name: `First${i}`,
    last_name: "Tester",
    date_of_birth: `20${10 + (i % 5)}-0${1 + (i % 9)}-1${i % 10}`,
    postcode: `NB${1 + (i % 3)} ${i % 10}AA`,
    ward: ["Riverside", "Hill", "Central"][i % 3]!,
    needs: i % 7 === 0 ? "FSM" : "",
    email: "",
    phone: "",
  }));
}

const csv = (rows: Row[]) => [ENROLMENT_COLUMNS.join(","), ...rows.map((r) => ENROLMENT_COLUMNS.map((c) => r[c]).join(","))].join("\n") + "\n";

function uploadRequest(cookie: string, contents: string, name = "roll.csv") {
  const form = new FormData();
  form.append("file", new File([contents], name, { type: "text/csv" }));
  return new Request("http://localhost/council/young-people/import", { method: "POST", body: form, headers: { Cookie: cookie } });
}

async function officerOf(councilId: string) {
  const officer = await createMember("OFFICER", { councilId });
  return { officer, cookie: await signIn(officer.id) };
}

/** Uploads through the page, which answers with a redirect to the job's page; runs the job as the worker would. */
async function importThroughPage(cookie: string, contents: string) {
  const location = redirectLocation(await thrownBy(importAction(routeArgs(uploadRequest(cookie, contents)))));
  const jobId = location.replace("/council/jobs/", "");
  await processJob(fakeJob({ task: "run", backgroundJobId: jobId }));
  return db().backgroundJob.findUniqueOrThrow({ where: { id: jobId } });
}

describe("importing a roll in the background", () => {
  it("imports the good rows, reports each bad row by line with its reason, and a re-import of the fixed file updates instead of duplicating", async () => {
    const council = await createCouncil();
    const { cookie } = await officerOf(council.id);
    const rows = roll(500);
    rows[9] = { ...rows[9]!, postcode: "NOT A POSTCODE" };
    rows[200] = { ...rows[200]!, date_of_birth: "2012-02-30" };
    rows[411] = { ...rows[411]!, needs: "VIP" };

    const job = await importThroughPage(cookie, csv(rows));
    expect(job).toMatchObject({ status: "SUCCEEDED", processed: 497, total: 497 });
    const result = job.result as ImportResult;
    expect(result).toMatchObject({ created: 497, updated: 0, badRows: 3 });
    expect(result.errors).toEqual([
      { line: 11, message: 'postcode "NOT A POSTCODE" is not a UK postcode' },
      { line: 202, message: expect.stringMatching(/^date_of_birth "2012-02-30" is not a real date of birth/) },
      { line: 413, message: 'needs "VIP" is not one of FSM, CARE, SEND, CARER' },
    ]);
    expect(await db().youngPerson.count({ where: { councilId: council.id } })).toBe(497);
    const stored = await db().storedFile.findUniqueOrThrow({ where: { id: job.fileId! } });
    expect(stored).toMatchObject({ kind: "ENROLMENT_CSV", councilId: council.id, originalName: "roll.csv" });

    rows[9] = { ...rows[9]!, postcode: "NB1 9AA" };
    rows[200] = { ...rows[200]!, date_of_birth: "2012-02-28" };
    rows[411] = { ...rows[411]!, needs: "CARE", first_name: "Renamed" };
    const again = await importThroughPage(cookie, csv(rows));
    expect(again.result).toMatchObject({ created: 3, updated: 497, badRows: 0, errors: [] });
    expect(await db().youngPerson.count({ where: { councilId: council.id } })).toBe(500);
    expect(await db().youngPerson.findFirst({ where: { councilId: council.id, externalRef: rows[411]!.external_ref } })).toMatchObject({ firstName: "Renamed", needsFlags: ["CARE_EXPERIENCED"] });
    expect(await db().auditEvent.count({ where: { councilId: council.id, action: "young_people.imported" } })).toBe(2);
  });

  it("imports a 20,000-row roll in batches well within a minute", async () => {
    const council = await createCouncil();
    const file = Buffer.from(csv(roll(20_000)));
    const job = await startEnrolmentImport(db(), { councilId: council.id }, { bytes: file, type: "csv", originalName: "big.csv" });
    const started = Date.now();
    await runCouncilJob(db(), job.id);
    const elapsed = Date.now() - started;
    const stored = await db().backgroundJob.findUniqueOrThrow({ where: { id: job.id } });
    expect(stored).toMatchObject({ status: "SUCCEEDED", processed: 20_000, total: 20_000 });
    expect(await db().youngPerson.count({ where: { councilId: council.id } })).toBe(20_000);
    console.info(`20,000-row enrolment import: ${elapsed} ms`);
    expect(elapsed).toBeLessThan(60_000);
  });

  it("fails the job with a plain reason when the header is wrong, and writes nobody", async () => {
    const council = await createCouncil();
    const { cookie } = await officerOf(council.id);
    const job = await importThroughPage(cookie, "ref,name\n1,Sam\n");
    expect(job.status).toBe("FAILED");
    expect(job.error).toMatch(/^Nothing was imported: line 1: the header row is missing external_ref/);
    expect(await db().youngPerson.count({ where: { councilId: council.id } })).toBe(0);
  });

  it("refuses a file that is not CSV next to the file field, and starts nothing", async () => {
    const council = await createCouncil();
    const { cookie } = await officerOf(council.id);
    const form = new FormData();
    form.append("file", new File([Buffer.from("%PDF-1.7 hello")], "roll.csv", { type: "text/csv" }));
    const request = new Request("http://localhost/council/young-people/import", { method: "POST", body: form, headers: { Cookie: cookie } });
    const answer = unwrap<{ fileError: string }>(await importAction(routeArgs(request)));
    expect(answer.status).toBe(400);
    expect(answer.data.fileError).toMatch(/must be a CSV file/);
    expect(await db().backgroundJob.count({ where: { councilId: council.id } })).toBe(0);
  });

  it("runs a job once: a finished job delivered again does nothing", async () => {
    const council = await createCouncil();
    const job = await startEnrolmentImport(db(), { councilId: council.id }, { bytes: Buffer.from(csv(roll(3))), type: "csv", originalName: "r.csv" });
    expect((await runCouncilJob(db(), job.id)).ran).toBe(true);
    expect((await runCouncilJob(db(), job.id)).ran).toBe(false);
  });

  it("shows a job's progress only to officers of its council (another council gets a 404)", async () => {
    const council = await createCouncil();
    const job = await startEnrolmentImport(db(), { councilId: council.id }, { bytes: Buffer.from(csv(roll(3))), type: "csv", originalName: "r.csv" });
    const own = await officerOf(council.id);
    const page = unwrap<{ job: { status: string } }>(await jobLoader(routeArgs(getRequest(`/council/jobs/${job.id}`, own.cookie), { jobId: job.id })));
    expect(page.data.job.status).toBe("QUEUED");
    const other = await officerOf((await createCouncil()).id);
    expect(statusOf(await thrownBy(jobLoader(routeArgs(getRequest(`/council/jobs/${job.id}`, other.cookie), { jobId: job.id }))))).toBe(404);
  });

  it("re-sends a job whose queue add was lost, from the database, under the same job id", async () => {
    const council = await createCouncil();
    const job = await startEnrolmentImport(db(), { councilId: council.id }, { bytes: Buffer.from(csv(roll(2))), type: "csv", originalName: "lost.csv" });
    await db().backgroundJob.update({ where: { id: job.id }, data: { createdAt: new Date(Date.now() - 5 * 60_000) } });
    const swept = await processJob(fakeJob({ task: "resend-queued" }));
    expect(swept).toMatchObject({ resent: expect.any(Number) });
    const queued = await getQueue("council-jobs").getJob(councilJobId(job.id));
    expect(queued?.data).toEqual({ task: "run", backgroundJobId: job.id });
  });
});
