// An officer of one council gets a 404 for every page and download of another council, on every council route
// that exists (read from app/routes, so a new route is covered the day it is added), and sees none of the other
// council's records on the pages that list things.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resetEnvForTests } from "~/lib/env.server";
import { storeFile } from "~/lib/uploads.server";
import { getDb } from "~/lib/db.server";
import { chargePass } from "~/domain/booking";
import { createMember, getRequest, routeArgs, signIn, statusOf, unwrap } from "../support/actors";
import { createProvider, createScene, createYoungPerson, doorActor, uniqueSuffix } from "../factories";

type RouteModule = { loader?: (args: ReturnType<typeof routeArgs>) => Promise<unknown> };

const modules = import.meta.glob<RouteModule>(["../../app/routes/council.*.{ts,tsx}", "../../app/routes/files.*.ts"]);
const db = () => getDb();

/** The URL path and params of a flat-routes file name: council.programmes.$programmeId._index.tsx -> /council/programmes/:programmeId. */
function routeOf(file: string) {
  const name = file.split("/").at(-1)!.replace(/\.(tsx|ts)$/, "");
  const segments = name
    .split(/\.(?![^[]*\])/)
    .filter((s) => s !== "_index")
    .map((s) => s.replace(/\[\.\]/g, "."));
  const params = segments.flatMap((s) => [...s.matchAll(/\$([A-Za-z0-9]+)/g)].map((m) => m[1]!));
  return { name, segments, params };
}

function pathFor(segments: string[], values: Record<string, string>) {
  return "/" + segments.map((s) => s.replace(/\$(\w+)/g, (_, p: string) => values[p] ?? p)).join("/");
}

type Tenant = Awaited<ReturnType<typeof createTenant>>;

/** A council with one of everything an officer's page can show or download. */
async function createTenant(label: string) {
  const scene = await createScene({ activity: { title: `${label} Climbing ${uniqueSuffix()}` } });
  const councilId = scene.council.id;
  const person = await createYoungPerson({ programmeId: scene.programme.id, firstName: `${label}Kid${uniqueSuffix()}` });
  await chargePass(db(), { passCode: person.youngPerson.passCode, providerId: scene.provider.id, activityId: scene.activity.id, amountPence: 300, requestKey: randomUUID(), actor: doorActor() });
  const applicant = await createProvider({ councilId, vetting: "APPLIED", name: `${label} Applicant ${uniqueSuffix()}` });
  const file = await storeFile(db(), {
    bytes: new TextEncoder().encode("%PDF-1.4 safeguarding policy"),
    type: "pdf",
    originalName: "policy.pdf",
    kind: "SAFEGUARDING_POLICY",
    councilId,
    providerId: applicant.provider.id,
  });
  const job = await db().backgroundJob.create({ data: { councilId, kind: "ISSUE_ALL", status: "SUCCEEDED", processed: 1, total: 1, input: { programmeId: scene.programme.id } } });
  const run = await db().payoutRun.create({ data: { councilId, status: "COMPLETED", totalPence: 300n } });
  const payout = await db().payout.create({
    data: { runId: run.id, councilId, providerId: scene.provider.id, amountPence: 300, method: "BANK_FILE", status: "PAID", idempotencyKey: `tenancy-${randomUUID()}` },
  });
  // A read-only fixture: the payout lists the council's one till charge, as a paid run would.
  await db().redemption.updateMany({ where: { councilId }, data: { payoutId: payout.id, status: "PAID" } });
  const bankFile = await db().bankFile.create({
    data: { councilId, runId: run.id, fileName: "payments.csv", content: "sort_code,account_number\r\n", sha256: "0".repeat(64), totalPence: 300n, lineCount: 1 },
  });
  const proof = await storeFile(db(), { bytes: new TextEncoder().encode("%PDF-1.4 council tax bill"), type: "pdf", originalName: "bill.pdf", kind: "PROOF_OF_ADDRESS", councilId });
  const application = await db().passApplication.create({
    data: { councilId, proofFileId: proof.id, firstName: `${label}Applicant`, lastName: "Young", dateOfBirth: new Date(Date.UTC(2012, 0, 1)), postcode: "AB1 2CD", email: `apply-${uniqueSuffix()}@example.test` },
  });
  const dispute = await db().dispute.create({
    data: { councilId, providerId: scene.provider.id, kind: "UNKNOWN_CODE", dedupeKey: `tenancy-${randomUUID()}`, detail: "A code nobody knows." },
  });
  const officer = await createMember("OFFICER", { councilId });
  const finance = await createMember("FINANCE_OFFICER", { councilId });
  const params: Record<string, string> = {
    programmeId: scene.programme.id,
    youngPersonId: person.youngPerson.id,
    providerId: applicant.provider.id,
    fileId: file.id,
    jobId: job.id,
    runId: run.id,
    payoutRunId: run.id,
    payoutId: payout.id,
    bankFileId: bankFile.id,
    applicationId: application.id,
    disputeId: dispute.id,
  };
  // Words that only this council's records contain: none may appear on another council's pages.
  const secrets = [scene.council.name, scene.programme.name, scene.provider.name, scene.activity.title, applicant.provider.name, person.youngPerson.firstName, application.firstName];
  // The same parameter name means different records on different routes.
  const paramsByRoute: Record<string, Record<string, string>> = { "council.payouts.$runId.bank-files.$fileId": { fileId: bankFile.id } };
  return { councilId, params, paramsByRoute, secrets, officer, finance, cookie: await signIn(officer.id), financeCookie: await signIn(finance.id) };
}

let mine: Tenant;
let uploads: string;
let theirs: Tenant;

beforeAll(async () => {
  uploads = await mkdtemp(path.join(tmpdir(), "playpass-tenancy-"));
  process.env.UPLOAD_DIR = uploads;
  resetEnvForTests();
  mine = await createTenant("Mine");
  theirs = await createTenant("Theirs");
});

afterAll(async () => {
  delete process.env.UPLOAD_DIR;
  resetEnvForTests();
  await rm(uploads, { recursive: true, force: true });
});

// Parameters that are not records of a tenant: the first value a page accepts.
const OPEN_PARAMS: Record<string, string> = { table: "spend-by-provider" };

const routes = Object.keys(modules)
  .map((file) => ({ file, ...routeOf(file) }))
  .sort((a, b) => a.name.localeCompare(b.name));

function serialise(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
}

async function readResult(result: unknown): Promise<string> {
  if (result instanceof Response) return result.text();
  return serialise(result);
}

describe("every council route is tenant-scoped", () => {
  it("finds the council routes in app/routes", () => {
    expect(routes.map((r) => r.name)).toEqual(expect.arrayContaining(["council._index", "council.budget", "council.evidence._index", "council.providers.$providerId"]));
  });

  const tenantRoutes = routes.filter((r) => r.params.some((p) => !(p in OPEN_PARAMS)));
  for (const route of tenantRoutes) {
    it(`${route.name}: another council's record is a 404, the officer's own is not`, async () => {
      const module = await modules[route.file]!();
      if (!module.loader) return; // an action-only route has no page or download to read
      const unknown = route.params.filter((p) => !(p in OPEN_PARAMS) && !(p in theirs.params));
      expect(unknown, `add a record for $${unknown.join(", $")} to createTenant in this test`).toEqual([]);

      const values = { ...OPEN_PARAMS, ...theirs.params, ...theirs.paramsByRoute[route.name] };
      const path = pathFor(route.segments, values);
      const call = (cookie: string) => statusOfCall(module.loader!(routeArgs(getRequest(path, cookie), pick(values, route.params))));
      expect(await call(mine.cookie), `${path} as an officer of another council`).toBe(404);
      // A role that may not open the page at all is refused before anything is looked up; otherwise 404 again.
      expect([404, 403], `${path} as a finance officer of another council`).toContain(await call(mine.financeCookie));
      // The council's own officer opens the same path, so the 404 above is about tenancy, not a broken fixture.
      expect(await call(theirs.cookie), `${path} as the council's own officer`).toBeLessThan(300);
    });
  }

  const listRoutes = routes.filter((r) => r.params.every((p) => p in OPEN_PARAMS));
  for (const route of listRoutes) {
    it(`${route.name}: shows none of another council's records`, async () => {
      const module = await modules[route.file]!();
      if (!module.loader) return;
      const path = pathFor(route.segments, OPEN_PARAMS);
      const page = await readResult(await module.loader(routeArgs(getRequest(path, mine.cookie), pick(OPEN_PARAMS, route.params))));
      for (const secret of theirs.secrets) expect(page, `${path} shows "${secret}" of another council`).not.toContain(secret);
    });
  }
});

/** The status a loader answers with, whether it returns or throws (a Response or data()). */
async function statusOfCall(promise: Promise<unknown>): Promise<number> {
  try {
    const result = await promise;
    if (result instanceof Response) return result.status;
    return unwrap(result).status;
  } catch (error) {
    return statusOf(error);
  }
}

function pick(values: Record<string, string>, keys: string[]): Record<string, string> {
  return Object.fromEntries(keys.map((k) => [k, values[k]!]));
}
