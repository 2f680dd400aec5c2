import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { resetEnvForTests } from "~/lib/env.server";
import { startEnrolmentImport, submitPassApplication } from "~/domain/programmes";
import * as programmePage from "~/routes/council.programmes.$programmeId._index";
import * as programmeEdit from "~/routes/council.programmes.$programmeId.edit";
import * as personPage from "~/routes/council.young-people.$youngPersonId";
import * as jobPage from "~/routes/council.jobs.$jobId";
import * as applicationPage from "~/routes/council.applications.$applicationId._index";
import * as proofDownload from "~/routes/council.applications.$applicationId.proof";
import { createCouncil, createProgramme, createYoungPerson, dateOfBirthForAge } from "../factories";
import { createMember, formRequest, getRequest, routeArgs, signIn, statusOf, thrownBy } from "../support/actors";

const db = () => getDb();
beforeAll(() => {
  process.env.UPLOAD_DIR = mkdtempSync(path.join(tmpdir(), "playpass-tenancy-"));
  resetEnvForTests();
});
afterAll(() => {
  delete process.env.UPLOAD_DIR;
  resetEnvForTests();
});

describe("another council's records", () => {
  it("are a 404 on every programme, young person, task and application page and download, to read and to act", async () => {
    const council = await createCouncil();
    const programme = await createProgramme({ councilId: council.id });
    const { youngPerson, allocation } = await createYoungPerson({ councilId: council.id, programmeId: programme.id });
    const job = await startEnrolmentImport(db(), { councilId: council.id }, { bytes: Buffer.from("external_ref\n"), type: "csv", originalName: "x.csv" });
    const application = await submitPassApplication(
      db(),
      { councilId: council.id, firstName: "A", lastName: "B", dateOfBirth: dateOfBirthForAge(14), postcode: "NB1 1AA", email: "a@example.test", phone: null, guardianContact: null },
      { bytes: Buffer.from("%PDF-1.4\n%%EOF\n"), type: "pdf", originalName: "p.pdf" },
    );
    const stranger = await signIn((await createMember("OFFICER", { councilId: (await createCouncil()).id })).id);

    const reads: [string, (args: ReturnType<typeof routeArgs>) => Promise<unknown>, Record<string, string>][] = [
      [`/council/programmes/${programme.id}`, programmePage.loader, { programmeId: programme.id }],
      [`/council/programmes/${programme.id}/edit`, programmeEdit.loader, { programmeId: programme.id }],
      [`/council/young-people/${youngPerson.id}`, personPage.loader, { youngPersonId: youngPerson.id }],
      [`/council/jobs/${job.id}`, jobPage.loader, { jobId: job.id }],
      [`/council/applications/${application.id}`, applicationPage.loader, { applicationId: application.id }],
      [`/council/applications/${application.id}/proof`, proofDownload.loader, { applicationId: application.id }],
      ["/council/young-people/not-a-uuid", personPage.loader, { youngPersonId: "not-a-uuid" }],
    ];
    for (const [url, loader, params] of reads) {
      expect([url, statusOf(await thrownBy(loader(routeArgs(getRequest(url, stranger), params))))]).toEqual([url, 404]);
    }

    const writes: [string, (args: ReturnType<typeof routeArgs>) => Promise<unknown>, Record<string, string>, Record<string, string>][] = [
      [`/council/programmes/${programme.id}`, programmePage.action, { programmeId: programme.id }, {}],
      [`/council/young-people/${youngPerson.id}`, personPage.action, { youngPersonId: youngPerson.id }, { intent: "revoke", allocationId: allocation!.id, reason: "not mine to revoke" }],
      [`/council/applications/${application.id}`, applicationPage.action, { applicationId: application.id }, { intent: "reject", reason: "not mine to reject" }],
    ];
    for (const [url, action, params, fields] of writes) {
      expect([url, statusOf(await thrownBy(action(routeArgs(formRequest(url, fields, { cookie: stranger }), params))))]).toEqual([url, 404]);
    }
    expect((await db().allocation.findUniqueOrThrow({ where: { id: allocation!.id } })).status).toBe("ACTIVE");
    expect((await db().passApplication.findUniqueOrThrow({ where: { id: application.id } })).status).toBe("PENDING");
    expect(await db().backgroundJob.count({ where: { councilId: council.id, kind: "ISSUE_ALL" } })).toBe(0);
  });
});
