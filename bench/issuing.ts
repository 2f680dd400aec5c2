// Benchmark 8.1c: enrol and issue allocations to many young people through the council console's own
// background jobs, beside COPY of the same number of rows into the same tables in the same run.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { resetEnvForTests } from "~/lib/env.server";
import { newPassCode } from "~/domain/codes";
import { ENROLMENT_COLUMNS } from "~/domain/programmes/enrolment";
import { programmeBudgetAccountId, verifyLedger } from "~/domain/ledger";
import { runCouncilJob, startEnrolmentImport, startIssueAll } from "~/domain/programmes";
import { benchProgramme, createBenchDatabase, round, run, secondsSince } from "./money-db";
import { timeRatio, type BenchRow } from "./types";

const WARDS = ["Riverside", "Hillside", "Central", "Northgate", "Eastfield", "Southbank", "Westmoor", "Oldtown"];
/** benchProgramme's base allocation. */
const BASE_PENCE = 5_000;
const FSM_UPLIFT_PENCE = 2_500;

export async function benchIssuing(ctx: { databaseUrl: string; adminUrl: string; count: number }): Promise<BenchRow[]> {
  const uploads = await mkdtemp(path.join(tmpdir(), "playpass-bench-issuing-"));
  const uploadDirBefore = process.env.UPLOAD_DIR;
  process.env.UPLOAD_DIR = uploads;
  resetEnvForTests();
  const database = await createBenchDatabase({ ...ctx, what: "issuing" });
  const { db } = database;
  try {
    const rows = roll(ctx.count);
    const csv = Buffer.from([ENROLMENT_COLUMNS.join(","), ...rows.map((r) => ENROLMENT_COLUMNS.map((c) => r[c]).join(","))].join("\n") + "\n");
    const ours = await setUpCouncil(db, "ours", ctx.count);
    const copied = await setUpCouncil(db, "copied", ctx.count);

    // The baseline first, into the same (then emptier) tables: what the machine can write, by COPY.
    const copy = await copyBaseline(database.url, copied, rows);

    // Our path, as the officer's pages start it and the worker runs it.
    const started = performance.now();
    const importJob = await startEnrolmentImport(db, { councilId: ours.councilId }, { bytes: csv, type: "csv", originalName: "roll.csv" });
    const imported = await runCouncilJob(db, importJob.id);
    const enrolledSeconds = secondsSince(started);
    const issueJob = await startIssueAll(db, { councilId: ours.councilId }, ours.programmeId);
    const issued = await runCouncilJob(db, issueJob.id);
    const seconds = secondsSince(started);

    const importResult = imported.ran ? (imported as { result?: { created?: number } }).result : undefined;
    const issueResult = issued.ran ? (issued as { result?: { issued?: number; issuedPence?: number } }).result : undefined;
    const [counts] = await db.$queryRaw<{ people: number; allocations: number; wallets: number; issues: number }[]>`
      SELECT (SELECT count(*)::int FROM "YoungPerson" WHERE "councilId" = ${ours.councilId}::uuid) AS people,
             (SELECT count(*)::int FROM "Allocation" WHERE "councilId" = ${ours.councilId}::uuid) AS allocations,
             (SELECT count(*)::int FROM "Account" WHERE "councilId" = ${ours.councilId}::uuid AND "type" = 'WALLET') AS wallets,
             (SELECT count(*)::int FROM "Transfer" WHERE "councilId" = ${ours.councilId}::uuid AND "kind" = 'ISSUE') AS issues`;
    const ledger = await verifyLedger(db, ours.councilId);
    const complete = counts!.people === ctx.count && counts!.allocations === ctx.count && counts!.wallets === ctx.count && counts!.issues === ctx.count;
    const ratio = round(timeRatio(seconds, copy.seconds));
    return [
      {
        area: "c. Issuing",
        measure: `enrol (CSV import job) and issue (issue-to-everyone job) ${ctx.count.toLocaleString("en-GB")} young people, with wallets and ledger transfers`,
        figure: { value: round(seconds), unit: "s" },
        baseline: { measure: `COPY of the same ${(4 * ctx.count).toLocaleString("en-GB")} rows into YoungPerson, Allocation, Account and Transfer`, figure: { value: round(copy.seconds), unit: "s" } },
        ratio,
        target: "ratio >= 0.2",
        met: ratio >= 0.2 && complete && ledger.ok,
        note:
          `import ${round(enrolledSeconds)} s (created ${importResult?.created ?? "?"}), issue ${round(seconds - enrolledSeconds)} s (issued ${issueResult?.issued ?? "?"}, ` +
          `£${((issueResult?.issuedPence ?? 0) / 100).toLocaleString("en-GB")}); rows ${counts!.people}/${counts!.allocations}/${counts!.wallets}/${counts!.issues}; ` +
          `verifyLedger ${ledger.ok ? "passes" : `FAILS: ${ledger.violations.slice(0, 3).join("; ")}`}`,
      },
    ];
  } finally {
    await database.drop();
    await rm(uploads, { recursive: true, force: true });
    if (uploadDirBefore === undefined) delete process.env.UPLOAD_DIR;
    else process.env.UPLOAD_DIR = uploadDirBefore;
    resetEnvForTests();
  }
}

type Row = Record<(typeof ENROLMENT_COLUMNS)[number], string>;

/** A school roll: ages 11-17, spread over wards and postcodes, one in five on free school meals. */
function roll(count: number): Row[] {
  return Array.from({ length: count }, (_, i) => ({
    external_ref: `pupil-${i}`,
    first_name: `First${i}`,
    last_name: `Last${i % 997}`,
    date_of_birth: `${2009 + (i % 7)}-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 28)).padStart(2, "0")}`,
    postcode: `NB${1 + (i % 9)} ${i % 10}${"ABDEFGHJ"[i % 8]}${"LNPQRSTU"[(i >> 3) % 8]}`,
    ward: WARDS[i % WARDS.length]!,
    needs: i % 5 === 0 ? "FSM" : "",
    email: i % 3 === 0 ? `pupil${i}@example.com` : "",
    phone: "",
  }));
}

/** A council with an active programme funded for everyone on the roll, through the product's own code. */
async function setUpCouncil(db: Awaited<ReturnType<typeof createBenchDatabase>>["db"], slug: string, count: number) {
  const council = await db.council.create({ data: { name: `Bench ${slug}`, slug: `bench-${slug}` } });
  const { programme, data } = await benchProgramme(db, {
    councilId: council.id,
    budgetPence: count * (BASE_PENCE + FSM_UPLIFT_PENCE),
    upliftsPence: { FREE_SCHOOL_MEALS: FSM_UPLIFT_PENCE },
    startedDaysAgo: 1,
    endsInDays: 365,
  });
  const budgetId = await programmeBudgetAccountId(db, council.id, programme.id);
  return { councilId: council.id, programmeId: programme.id, budgetId, expiresAt: new Date(data.endsOn.getTime() + 86_399_999) };
}

const field = (value: string) => (/[",\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value);
const line = (values: (string | number | null)[]) => values.map((v) => (v === null ? "" : field(String(v)))).join(",");

/**
 * COPY of as many rows as our path writes into the four tables it fills (people, allocations, wallets,
 * issue transfers), in one psql session. Preparing the data is not timed; the ledger of this second
 * council is not kept consistent (no budget debit), as it is only a measure of raw writes.
 */
async function copyBaseline(url: string, council: { councilId: string; programmeId: string; budgetId: string; expiresAt: Date }, rows: Row[]) {
  const people: string[] = [];
  const allocations: string[] = [];
  const wallets: string[] = [];
  const transfers: string[] = [];
  const expires = council.expiresAt.toISOString();
  for (const r of rows) {
    const personId = randomUUID();
    const allocationId = randomUUID();
    const walletId = randomUUID();
    const amount = r.needs ? BASE_PENCE + FSM_UPLIFT_PENCE : BASE_PENCE;
    people.push(line([personId, council.councilId, r.external_ref, r.first_name, r.last_name, r.date_of_birth, r.postcode, r.ward, r.needs ? "{FREE_SCHOOL_MEALS}" : "{}", r.email || null, newPassCode()]));
    allocations.push(line([allocationId, council.councilId, council.programmeId, personId, expires]));
    wallets.push(line([walletId, council.councilId, "WALLET", amount, allocationId]));
    transfers.push(line([council.councilId, "ISSUE", council.budgetId, walletId, amount, `copy-issue:${allocationId}`]));
  }
  const block = (sql: string, lines: string[]) => `${sql} FROM STDIN WITH (FORMAT csv);\n${lines.join("\n")}\n\\.\n`;
  const script =
    block(`COPY "YoungPerson" ("id", "councilId", "externalRef", "firstName", "lastName", "dateOfBirth", "postcode", "ward", "needsFlags", "email", "passCode")`, people) +
    block(`COPY "Allocation" ("id", "councilId", "programmeId", "youngPersonId", "expiresAt")`, allocations) +
    block(`COPY "Account" ("id", "councilId", "type", "balancePence", "allocationId")`, wallets) +
    block(`COPY "Transfer" ("councilId", "kind", "debitAccountId", "creditAccountId", "amountPence", "idempotencyKey")`, transfers);
  const file = path.join(tmpdir(), `playpass-bench-copy-${process.pid}.sql`);
  await writeFile(file, script);
  try {
    const started = performance.now();
    await run("psql", ["-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", url, "-f", file]);
    return { seconds: secondsSince(started) };
  } finally {
    await rm(file, { force: true });
  }
}
