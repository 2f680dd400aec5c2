// The money benchmarks' own databases: created fresh and migrated for one run, dropped after, never shared.
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { fileURLToPath } from "node:url";
import pg from "pg";
import { createProgramme } from "~/domain/programmes";
import type { ProgrammeData } from "~/domain/programmes/forms";
import { createPrismaClient, type Db } from "~/lib/db.server";

const ROOT = fileURLToPath(new URL("..", import.meta.url));

/** The same server and credentials as `base`, another database. */
export function withDatabase(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Only names we made ourselves go into DDL (it takes no parameters). */
function quoteIdent(name: string): string {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`refusing to use "${name}" as a database name`);
  return `"${name}"`;
}

async function admin<T>(adminUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}

export type BenchDatabase = { name: string; url: string; db: Db; drop: () => Promise<void> };

/**
 * Creates `playpass_bench_<what>_<random>` next to `databaseUrl`, migrates it with the project's own
 * migrations, and hands back a Prisma client on it. `drop` disconnects and removes it.
 */
export async function createBenchDatabase(input: { databaseUrl: string; adminUrl: string; what: string; poolSize?: number }): Promise<BenchDatabase> {
  const name = `playpass_bench_${input.what}_${randomBytes(3).toString("hex")}`;
  await admin(input.adminUrl, (client) => client.query(`CREATE DATABASE ${quoteIdent(name)}`));
  const url = withDatabase(input.databaseUrl, name);
  try {
    await migrate(url);
  } catch (error) {
    await admin(input.adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`)).catch(() => undefined);
    throw error;
  }
  const db = createPrismaClient(url, input.poolSize ?? 10);
  if (process.env.BENCH_QUERY_STATS) collectQueryStats(db);
  return {
    name,
    url,
    db,
    drop: async () => {
      await db.$disconnect().catch(() => undefined);
      // BENCH_KEEP_DATABASE=1 leaves it for EXPLAIN ANALYZE afterwards; drop it yourself when done.
      if (process.env.BENCH_KEEP_DATABASE) return void console.error(`kept database ${name}`);
      await admin(input.adminUrl, (client) => client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`));
    },
  };
}

/** `prisma migrate deploy` against `url`, with the offline schema engine the README describes. */
function migrate(url: string): Promise<void> {
  return run(path.join(ROOT, "node_modules/.bin/prisma"), ["migrate", "deploy"], {
    DATABASE_URL: url,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? path.join(ROOT, "prisma/schema-engine-wasm.mjs"),
  });
}

/** Runs a command to the end; its output is kept and shown only when it fails. */
export function run(command: string, args: string[], env: Record<string, string> = {}, stdin?: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: [stdin === undefined ? "ignore" : "pipe", "pipe", "pipe"] });
    let output = "";
    child.stdout!.on("data", (chunk) => (output += chunk));
    child.stderr!.on("data", (chunk) => (output += chunk));
    if (stdin !== undefined) child.stdin!.end(stdin);
    child.on("error", reject);
    child.on("exit", (code) => (code === 0 ? resolve() : reject(new Error(`${path.basename(command)} ${args.join(" ")} exited with ${code}:\n${output.slice(-2000)}`))));
  });
}

/**
 * An active programme of a bench council, funded with `budgetPence`, made through the product's own
 * createProgramme (the money benches differ only in budget, uplifts and dates). Answers the programme and
 * the data it was made from.
 */
export async function benchProgramme(
  db: Db,
  input: { councilId: string; actorUserId?: string; budgetPence: number; upliftsPence?: ProgrammeData["upliftsPence"]; startedDaysAgo: number; endsInDays: number },
) {
  const today = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), new Date().getUTCDate()));
  const data: ProgrammeData = {
    name: "Bench programme",
    status: "ACTIVE",
    budgetPence: input.budgetPence,
    baseAllocationPence: 5_000,
    upliftsPence: input.upliftsPence ?? {},
    minAge: 8,
    maxAge: 19,
    ageReferenceDate: today,
    eligiblePostcodes: [],
    eligibleWards: [],
    allowedCategories: ["SWIMMING", "FOOTBALL", "MUSIC"],
    startsOn: new Date(today.getTime() - input.startedDaysAgo * 86_400_000),
    endsOn: new Date(today.getTime() + input.endsInDays * 86_400_000),
    maxPerBookingPence: null,
    noShowPolicy: "RELEASE",
    payoutSchedule: "WEEKLY",
    approvalThresholdPence: 500_000,
    waitlistOfferMinutes: 120,
  };
  const programme = await createProgramme(db, { councilId: input.councilId, actorUserId: input.actorUserId }, data);
  return { programme, data };
}

/** Seconds since `started` (from performance.now()). */
export const secondsSince = (started: number) => (performance.now() - started) / 1000;

/** A figure for a table: three significant figures at most. */
export const round = (value: number) => Number(value.toPrecision(3));

/** With BENCH_QUERY_STATS=1: the time spent in each kind of query, printed at exit (to find what limits a figure). */
function collectQueryStats(db: Db) {
  const stats = new Map<string, { count: number; ms: number }>();
  db.$on("query", (event) => {
    const key = event.query.replace(/\s+/g, " ").trim().slice(0, 110);
    const entry = stats.get(key) ?? { count: 0, ms: 0 };
    entry.count += 1;
    entry.ms += event.duration;
    stats.set(key, entry);
  });
  process.on("exit", () => {
    const top = [...stats.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 25);
    for (const [query, { count, ms }] of top) console.error(`${Math.round(ms).toString().padStart(8)} ms ${String(count).padStart(7)}x  ${query}`);
  });
}
