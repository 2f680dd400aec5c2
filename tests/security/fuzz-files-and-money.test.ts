// Money typed wrong, files that are not what they claim, and CSV files that are malformed or hostile: each is a
// 4xx naming the field (or the CSV line), and the database is exactly as it was. Plus the production server's
// body-type guard, which refuses non-form bodies to pages before any action runs.
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { checkFormBody } from "~/lib/http-guards.server";
import { runCouncilJob, startEnrolmentImport } from "~/domain/programmes";
import { parseEnrolmentCsv } from "~/domain/programmes/enrolment";
import { action as personAction } from "~/routes/council.young-people.$youngPersonId";
import { action as groupTopUpAction } from "~/routes/council.young-people.top-up";
import { action as doorAction } from "~/routes/provider.door";
import { action as activityAction } from "~/routes/provider.activities.$id._index";
import { action as newProgrammeAction } from "~/routes/council.programmes.new";
import { action as attendanceUploadAction } from "~/routes/provider.attendance._index";
import { action as importAction } from "~/routes/council.young-people.import";
import { action as passApplicationAction } from "~/routes/apply-for-a-pass";
import { action as providerApplicationAction } from "~/routes/providers.apply._index";
import { createTenant, type Tenant } from "./world";
import { BAD_MONEY, callRoute, expectClearRefusal, expectDatabaseUnchanged, fieldsRequest, hostileString, multipartRequest, snapshotDatabase, type Answer } from "./fuzz-support";

let tenant: Tenant;

beforeAll(async () => {
  tenant = await createTenant("Files");
}, 60_000);

/** The field names a form reply (Conform's `error`, or a route's `field`/`fileError`) complains about. */
function fieldsComplainedAbout(body: unknown): string[] {
  if (typeof body !== "object" || body === null) return [];
  const record = body as Record<string, unknown>;
  const names: string[] = [];
  if (typeof record.field === "string") names.push(record.field);
  if (typeof record.fileError === "string") names.push("file");
  const error = record.error;
  if (error && typeof error === "object" && !Array.isArray(error)) names.push(...Object.keys(error));
  for (const value of Object.values(record)) if (value && typeof value === "object") names.push(...fieldsComplainedAbout(value));
  return names;
}

function expectRefusedNaming(answer: Answer, field: string, what: string) {
  expectClearRefusal(answer, what);
  expect(fieldsComplainedAbout(answer.body), `${what}: ${JSON.stringify(answer.body).slice(0, 300)}`).toContain(field);
}

// ---------------------------------------------------------------------------------------------

type MoneyForm = { name: string; field: string; send: (amount: string) => Promise<Answer> };

const moneyForms = (): MoneyForm[] => [
  {
    name: "a young person's top-up",
    field: "amount",
    send: (amount) =>
      callRoute(
        personAction,
        fieldsRequest(`/council/young-people/${tenant.enrolee.id}`, [["intent", "top-up"], ["allocationId", tenant.enroleeAllocation.id], ["amount", amount], ["reason", "Fuzzed top-up"], ["idempotencyKey", randomUUID()]], tenant.cookies.officer),
        { youngPersonId: tenant.enrolee.id },
      ),
  },
  {
    name: "a group top-up",
    field: "amount",
    send: (amount) =>
      callRoute(groupTopUpAction, fieldsRequest("/council/young-people/top-up", [["programmeId", tenant.programme.id], ["amount", amount], ["reason", "Fuzzed group top-up"]], tenant.cookies.officer)),
  },
  {
    name: "a walk-in charge at the door",
    field: "amount",
    send: (amount) =>
      callRoute(
        doorAction,
        fieldsRequest("/provider/door", [["intent", "charge"], ["passCode", tenant.youngPerson.passCode], ["requestKey", randomUUID()], ["activityId", tenant.activity.id], ["amount", amount]], tenant.cookies.doorStaff),
      ),
  },
  {
    name: "an activity's price",
    field: "price",
    send: (amount) =>
      callRoute(activityAction, fieldsRequest(`/provider/activities/${tenant.activity.id}`, [["intent", "save"], ["title", "Fuzzed swim"], ["price", amount]], tenant.cookies.manager), { id: tenant.activity.id }),
  },
  {
    name: "a new programme's budget",
    field: "budget",
    send: (amount) => callRoute(newProgrammeAction, fieldsRequest("/council/programmes/new", [["name", "Fuzzed programme"], ["budget", amount], ["baseAllocation", "50"]], tenant.cookies.officer)),
  },
];

/** Amounts no form may take: fractions of a penny, negatives, exponents, and numbers past any budget. */
const badAmount = fc.oneof(
  fc.constantFrom(...BAD_MONEY),
  fc.tuple(fc.nat({ max: 10_000 }), fc.integer({ min: 0, max: 999_999 })).map(([pounds, fraction]) => `${pounds}.${String(fraction).padStart(3, "0")}`),
  fc.integer({ min: -1_000_000, max: -1 }).map(String),
  fc.double({ noNaN: true, min: 1e9, max: 1e300 }).map((n) => n.toExponential()),
  fc.nat({ max: 1_000 }).map((n) => `${n}£`),
);

describe("money typed wrong", () => {
  it.each(moneyForms().map((form) => [form.name, form] as const))("%s refuses every bad amount, naming the field, and moves no money", async (_name, form) => {
    const actual = moneyForms().find((f) => f.name === form.name)!;
    let before = await snapshotDatabase();
    await fc.assert(
      fc.asyncProperty(badAmount, async (amount) => {
        const answer = await actual.send(amount);
        expectRefusedNaming(answer, actual.field, `${actual.name} of ${JSON.stringify(amount)}`);
        before = await expectDatabaseUnchanged(before, `${actual.name} of ${JSON.stringify(amount)}`);
      }),
      { seed: 7_041, numRuns: 30, endOnFailure: true },
    );
  });
});

// ---------------------------------------------------------------------------------------------

const MB = 1024 * 1024;
const file = (bytes: Uint8Array | string, name: string, type: string) => new File([Buffer.from(typeof bytes === "string" ? new TextEncoder().encode(bytes) : bytes)], name, { type });

/** Files that lie about what they are, or are too big, or are nothing at all. */
const BAD_FILES = () => [
  { name: "an HTML page named .jpg", file: file("<!doctype html><script>alert(1)</script>", "photo.jpg", "image/jpeg") },
  { name: "an SVG with a script", file: file('<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', "photo.png", "image/png") },
  { name: "a zip", file: file(new Uint8Array([0x50, 0x4b, 0x03, 0x04, 0x14, 0, 0, 0, 8, 0]), "documents.pdf", "application/pdf") },
  { name: "an empty file", file: file(new Uint8Array(), "empty.pdf", "application/pdf") },
  { name: "a 30 MB file", file: file(new Uint8Array(30 * MB).fill(0x25), "huge.pdf", "application/pdf") },
  { name: "an executable", file: file(new Uint8Array([0x4d, 0x5a, 0x90, 0, 3, 0, 0, 0]), "setup.exe.pdf", "application/pdf") },
];

describe("uploads that are not what they claim", () => {
  const uploads = () => [
    {
      name: "an activity photo",
      field: "photo",
      send: (f: File) =>
        callRoute(activityAction, multipartRequest(`/provider/activities/${tenant.activity.id}`, { intent: "photo", photo: f, alt: "A pool" }, tenant.cookies.manager), { id: tenant.activity.id }),
    },
    { name: "a proof of address", field: "proof", send: (f: File) => callRoute(passApplicationAction, multipartRequest("/apply-for-a-pass", { proof: f, firstName: "Fuzz" })) },
    {
      name: "a provider application's insurance certificate",
      field: "insurance",
      send: (f: File) => callRoute(providerApplicationAction, multipartRequest("/providers/apply", { insurance: f, safeguarding: f, organisationName: "Fuzz Ltd" })),
    },
    { name: "an enrolment CSV", field: "file", send: (f: File) => callRoute(importAction, multipartRequest("/council/young-people/import", { file: f }, tenant.cookies.officer)) },
    { name: "an attendance CSV", field: "file", send: (f: File) => callRoute(attendanceUploadAction, multipartRequest("/provider/attendance", { file: f }, tenant.cookies.manager)) },
  ];

  it.each(uploads().map((u) => [u.name, u] as const))("%s: wrong-type, empty and oversized files are refused with a message and nothing stored", async (_name, upload) => {
    let before = await snapshotDatabase();
    for (const bad of BAD_FILES()) {
      const answer = await upload.send(bad.file);
      const what = `${upload.name} with ${bad.name}`;
      expectClearRefusal(answer, what);
      expect(JSON.stringify(answer.body), what).toMatch(/file|PDF|photo|image|CSV|document|certificate|proof|large|MB/i);
      before = await expectDatabaseUnchanged(before, what);
    }
  });
});

// ---------------------------------------------------------------------------------------------

const csvCell = fc.oneof(hostileString.filter((value) => value.length < 200), fc.constantFrom('"', '""', '"a,b"', "a\nb", "=HYPERLINK(\"http://evil.example\",\"x\")", "@SUM(A1)", "\ufeff"));
const quote = (cell: string) => (/[",\n\r]/.test(cell) ? `"${cell.replaceAll('"', '""')}"` : cell);

describe("attendance CSV files", () => {
  const upload = (csv: string) => callRoute(attendanceUploadAction, multipartRequest("/provider/attendance", { file: file(csv, "register.csv", "text/csv") }, tenant.cookies.manager));

  it("lists every bad row by line number and stores nothing, whatever the rows hold", async () => {
    let before = await snapshotDatabase();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(csvCell, csvCell), { minLength: 1, maxLength: 6 }), fc.boolean(), async (rows, bom) => {
        const csv = `${bom ? "\ufeff" : ""}booking_code,attended\n${rows.map((row) => row.map(quote).join(",")).join("\n")}\n`;
        const answer = await upload(csv);
        const what = `attendance CSV ${JSON.stringify(csv).slice(0, 200)}`;
        expectClearRefusal(answer, what);
        const problems = (answer.body as { problems?: Array<{ line: number; message: string }> }).problems ?? [];
        // A refusal of the file as a whole (not UTF-8, an HTML-looking first line) names the file; otherwise each problem names its line.
        if (problems.length === 0) expect((answer.body as { fileError?: string }).fileError, what).toMatch(/\w/);
        for (const problem of problems) expect(problem.line, what).toBeGreaterThanOrEqual(1);
        before = await expectDatabaseUnchanged(before, what);
      }),
      { seed: 7_051, numRuns: 25, endOnFailure: true },
    );
  });

  it("refuses wrong columns, no rows, unbalanced quotes and a formula, each with its own message", async () => {
    let before = await snapshotDatabase();
    const files = ["", "\ufeff", "booking_code,attended\n", "name,when\nSam,today\n", 'booking_code,attended\n"ABCD-2345,true\n', "booking_code,attended\n=HYPERLINK(\"http://evil.example\"),yes\n", "booking_code;attended\nABCD-2345;yes\n"];
    for (const csv of files) {
      const answer = await upload(csv);
      expectClearRefusal(answer, `attendance CSV ${JSON.stringify(csv)}`);
      before = await expectDatabaseUnchanged(before, `attendance CSV ${JSON.stringify(csv)}`);
    }
  });
});

describe("enrolment CSV files", () => {
  it("parses any rows without crashing, and every error names a line of the file", async () => {
    const header = "external_ref,first_name,last_name,date_of_birth,postcode,ward,needs,email,phone";
    await fc.assert(
      fc.asyncProperty(fc.array(fc.array(csvCell, { minLength: 0, maxLength: 11 }), { minLength: 0, maxLength: 8 }), fc.boolean(), async (rows, bom) => {
        const csv = `${bom ? "\ufeff" : ""}${header}\n${rows.map((row) => row.map(quote).join(",")).join("\n")}`;
        const { errors } = await parseEnrolmentCsv(Buffer.from(csv));
        const lines = csv.split("\n").length;
        for (const error of errors) {
          expect(error.line, csv).toBeGreaterThanOrEqual(1);
          expect(error.line, csv).toBeLessThanOrEqual(lines);
          expect(error.message, csv).toMatch(/\w{3,}/);
        }
      }),
      { seed: 7_061, numRuns: 60, endOnFailure: true },
    );
  });

  it("a file of only bad rows enrols nobody: formulas, injections and impossible dates are each reported by line", async () => {
    const csv = [
      "external_ref,first_name,last_name,date_of_birth,postcode,ward,needs,email,phone",
      'r1,"=HYPERLINK(""http://evil.example"")",Smith,2012-01-01,AB1 2CD,Central,,,',
      "r2,Sam,Jones,2012-02-30,AB1 2CD,Central,,,",
      "r3,Sam,Jones,not a date,AB1 2CD,Central,,,",
      "r4,Sam,Jones,2012-01-01,AB1 2CD,Central,NOT_A_FLAG,,",
      `r5,${"x".repeat(5_000)},Jones,2012-01-01,AB1 2CD,Central,,,`,
      "r6,Sam,Jones,2012-01-01,AB1 2CD,Central,,not-an-email,",
      "r7,Sam,Jones,2012-01-01,AB1 2CD,Central,,,12",
    ].join("\n");
    const peopleBefore = await getDb().youngPerson.count({ where: { councilId: tenant.council.id } });
    const job = await startEnrolmentImport(getDb(), { councilId: tenant.council.id }, { bytes: Buffer.from(csv), type: "csv", originalName: "bad.csv" });
    await runCouncilJob(getDb(), job.id);
    const finished = await getDb().backgroundJob.findUniqueOrThrow({ where: { id: job.id } });
    const result = finished.result as { created: number; updated: number; errors: Array<{ line: number }> };
    expect({ created: result.created, updated: result.updated }).toEqual({ created: 0, updated: 0 });
    expect(result.errors.map((error) => error.line).sort((a, b) => a - b)).toEqual([2, 3, 4, 5, 6, 7, 8]);
    expect(await getDb().youngPerson.count({ where: { councilId: tenant.council.id } })).toBe(peopleBefore);
  });
});

// ---------------------------------------------------------------------------------------------

describe("the production server's form-body guard", () => {
  const page = (contentType: string | undefined, method = "POST", path = "/young/suggest") => checkFormBody({ method, path, contentType });

  it("lets forms through, in any case and with parameters", () => {
    for (const type of ["application/x-www-form-urlencoded", "application/x-www-form-urlencoded; charset=UTF-8", "MULTIPART/FORM-DATA; boundary=abc", " multipart/form-data ;boundary=x"]) {
      expect(page(type), type).toEqual({ ok: true });
    }
  });

  it("refuses any other body sent to a page with a reason naming the type it got", () => {
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom("application/json", "text/plain", "application/xml", "text/html", "application/octet-stream", "multipart/mixed"), fc.string({ maxLength: 30 })), (type) => {
        fc.pre(!["application/x-www-form-urlencoded", "multipart/form-data"].includes(type.split(";")[0]!.trim().toLowerCase()));
        const verdict = page(type);
        expect(verdict.ok, type).toBe(false);
        if (!verdict.ok) expect(verdict.reason).toMatch(/form must be sent as/);
      }),
      { seed: 7_071, numRuns: 200 },
    );
    expect(page(undefined)).toEqual({ ok: false, reason: expect.stringMatching(/form must be sent as/) });
  });

  it("leaves reads, the JSON API and webhooks to their own checks", () => {
    expect(page("application/json", "GET")).toEqual({ ok: true });
    expect(page("application/json", "POST", "/api/v1/redemptions")).toEqual({ ok: true });
    expect(page("application/json", "POST", "/webhooks/stripe")).toEqual({ ok: true });
    expect(page("application/json", "POST", "/api/v1x")).toMatchObject({ ok: false });
  });
});
