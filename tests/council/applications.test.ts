import { describe, expect, it } from "vitest";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll } from "vitest";
import { getDb } from "~/lib/db.server";
import { resetEnvForTests } from "~/lib/env.server";
import { approvePassApplication, rejectPassApplication } from "~/domain/programmes";
import { action as applyAction } from "~/routes/apply-for-a-pass";
import { loader as proofLoader } from "~/routes/council.applications.$applicationId.proof";
import { createCouncil, dateOfBirthForAge } from "../factories";
import { expectDomainError } from "../helpers";
import { createMember, getRequest, redirectLocation, routeArgs, signIn, statusOf, thrownBy, unwrap } from "../support/actors";
import { useWorkerTestEnvironment } from "../support/workers";

const db = () => getDb();
useWorkerTestEnvironment();
beforeAll(() => {
  process.env.UPLOAD_DIR = mkdtempSync(path.join(tmpdir(), "playpass-applications-"));
  resetEnvForTests();
});
afterAll(() => {
  delete process.env.UPLOAD_DIR;
  resetEnvForTests();
});

const PDF = Buffer.from("%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n");

function applyRequest(fields: Record<string, string>, proof: Buffer | null = PDF, address = `203.0.113.${Math.floor(Math.random() * 250)}`) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (proof) form.append("proof", new File([new Uint8Array(proof)], "council-tax.pdf", { type: "application/pdf" }));
  return new Request("http://localhost/apply-for-a-pass", { method: "POST", body: form, headers: { "x-playpass-client-address": address } });
}

const fields = (councilId: string, overrides: Record<string, string> = {}) => ({
  councilId,
  firstName: "Riley",
  lastName: "Applicant",
  dateOfBirth: dateOfBirthForAge(14).toISOString().slice(0, 10),
  postcode: "nb1 2aa",
  email: "riley@example.test",
  phone: "",
  guardianContact: "",
  ...overrides,
});

async function apply(councilId: string) {
  redirectLocation(await thrownBy(applyAction(routeArgs(applyRequest(fields(councilId))))));
  return db().passApplication.findFirstOrThrow({ where: { councilId }, orderBy: { createdAt: "desc" } });
}

describe("applying for a pass", () => {
  it("records the application with its proof of address and tells the applicant it has arrived", async () => {
    const council = await createCouncil();
    const application = await apply(council.id);
    expect(application).toMatchObject({ status: "PENDING", postcode: "NB1 2AA", email: "riley@example.test" });
    expect(await db().storedFile.findUniqueOrThrow({ where: { id: application.proofFileId! } })).toMatchObject({ kind: "PROOF_OF_ADDRESS", councilId: council.id, contentType: "application/pdf" });
    expect(await db().message.count({ where: { recipient: "riley@example.test", template: "pass-application-received" } })).toBe(1);
  });

  it("asks for the proof and a way to reply, next to those fields, and records nothing", async () => {
    const council = await createCouncil();
    const answer = unwrap<{ result: { error: Record<string, string[]> } }>(await applyAction(routeArgs(applyRequest(fields(council.id, { email: "" }), null))));
    expect(answer.status).toBe(400);
    expect(answer.data.result.error.proof).toEqual(["Choose a photo or PDF of your proof of address to upload."]);
    expect(answer.data.result.error.email).toEqual(["Give an email address or a mobile number so we can tell you the answer."]);
    expect(await db().passApplication.count({ where: { councilId: council.id } })).toBe(0);
  });

  it("refuses a web page dressed as a PDF, and anything a bot puts in the hidden field", async () => {
    const council = await createCouncil();
    const fake = unwrap<{ result: { error: Record<string, string[]> } }>(await applyAction(routeArgs(applyRequest(fields(council.id), Buffer.from("<html><script>alert(1)</script>")))));
    expect(fake.data.result.error.proof?.[0]).toMatch(/must be a PDF, a JPEG photo or a PNG image/);
    const bot = unwrap(await applyAction(routeArgs(applyRequest(fields(council.id, { website: "http://spam.example" })))));
    expect(bot.status).toBe(400);
    expect(await db().passApplication.count({ where: { councilId: council.id } })).toBe(0);
  });

  it("limits how often one address can apply", async () => {
    const council = await createCouncil();
    const address = "198.51.100.77";
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) {
      const outcome = await applyAction(routeArgs(applyRequest(fields(council.id), PDF, address))).catch((thrown: unknown) => thrown);
      statuses.push(outcome instanceof Response ? outcome.status : unwrap(outcome).status);
    }
    expect(statuses.slice(0, 30).every((s) => s === 302)).toBe(true);
    expect(statuses[30]).toBe(429);
  });
});

describe("deciding an application", () => {
  it("approving enrols the young person, waiting to activate, and tells them; it cannot be decided twice", async () => {
    const council = await createCouncil();
    const application = await apply(council.id);
    const person = await approvePassApplication(db(), { councilId: council.id }, application.id, { ward: "Riverside" });
    expect(await db().youngPerson.findUniqueOrThrow({ where: { id: person.id } })).toMatchObject({ status: "INVITED", firstName: "Riley", ward: "Riverside", postcode: "NB1 2AA", councilId: council.id });
    expect(await db().passApplication.findUniqueOrThrow({ where: { id: application.id } })).toMatchObject({ status: "APPROVED", youngPersonId: person.id });
    expect(await db().message.count({ where: { recipient: "riley@example.test", template: "pass-application-approved" } })).toBe(1);
    await expectDomainError(rejectPassApplication(db(), { councilId: council.id }, application.id, { reason: "Changed my mind." }), "INVALID_INPUT", /already approved/);
  });

  it("rejecting keeps the reason and sends it to the applicant", async () => {
    const council = await createCouncil();
    const application = await apply(council.id);
    await rejectPassApplication(db(), { councilId: council.id }, application.id, { reason: "The address is outside the council area" });
    expect(await db().passApplication.findUniqueOrThrow({ where: { id: application.id } })).toMatchObject({ status: "REJECTED", rejectionReason: "The address is outside the council area" });
    const message = await db().message.findFirstOrThrow({ where: { recipient: "riley@example.test", template: "pass-application-rejected" } });
    expect(message.body).toContain("The address is outside the council area");
    expect(await db().youngPerson.count({ where: { councilId: council.id } })).toBe(0);
  });

  it("another council's officers get a 404 for the application and its proof", async () => {
    const council = await createCouncil();
    const application = await apply(council.id);
    const other = await createCouncil();
    await expectDomainError(approvePassApplication(db(), { councilId: other.id }, application.id, { ward: "X" }), "NOT_FOUND");
    const stranger = await signIn((await createMember("OFFICER", { councilId: other.id })).id);
    expect(statusOf(await thrownBy(proofLoader(routeArgs(getRequest(`/council/applications/${application.id}/proof`, stranger), { applicationId: application.id }))))).toBe(404);
    const own = await signIn((await createMember("OFFICER", { councilId: council.id })).id);
    const download = (await proofLoader(routeArgs(getRequest(`/council/applications/${application.id}/proof`, own), { applicationId: application.id }))) as Response;
    expect(download.headers.get("Content-Disposition")).toMatch(/^attachment/);
    expect(Buffer.from(await download.arrayBuffer())).toEqual(PDF);
  });
});
