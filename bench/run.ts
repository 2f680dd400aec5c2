// npm run bench: Playpass against this machine's own limits, measured side by side in one run.
// Builds and starts the production server and workers on loopback against a large data set, measures the young
// people's pages (a), booking (b), issuing (c), settlement (d) and page weight and memory (e), and writes
// bench/results.json and bench/results.md. See docs/performance.md for what each figure means.
//
//   npm run bench                          everything (about 10 minutes on 2 cores)
//   npm run bench -- --only a,b,e          some parts
//   npm run bench -- --skip-build          reuse build/ as it is
//   npm run bench -- --seconds 5           shorter page runs while iterating
//   npm run bench -- --database playpass_bench_x --port 3340 --out /tmp/x
//                                          its own database, ports (port and port + 1) and results files, so two
//                                          people can bench on one machine without dropping each other's database
import { randomBytes, randomUUID } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type { ChildProcess } from "node:child_process";
import { spawnSync } from "node:child_process";
import pg from "pg";
import { pageBytes, type PageBytes } from "./bytes";
import { migrate, peakRssBytes, percentile, recreateDatabase, ROOT, round, run, startNode, stopProcess, waitForHealth } from "./harness";
import { loadPage, postAll, type FormPost, type PageLoad } from "./load";
import { seedLarge, LARGE_SEED, type LargeSeed } from "./seed-large";
import { throughputRatio, type BenchRow } from "./types";

const ADMIN_URL = process.env.BENCH_ADMIN_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const PAGE_CONNECTIONS = 50;
const BOOKING_CLIENTS = 200;

function parseArgs(argv: string[]) {
  const value = (name: string) => {
    const at = argv.indexOf(name);
    return at >= 0 ? argv[at + 1] : undefined;
  };
  const only = new Set((value("--only") ?? "a,b,c,d,e").split(",").map((s) => s.trim().toLowerCase()));
  return {
    only,
    skipBuild: argv.includes("--skip-build"),
    pageSeconds: Number(value("--seconds") ?? 10),
    hotAttempts: Number(value("--hot") ?? 600),
    spreadAttempts: Number(value("--spread") ?? 600),
    issuingCount: Number(value("--issuing-count") ?? 100_000),
    redemptions: Number(value("--redemptions") ?? 1_000_000),
    database: value("--database") ?? "playpass_bench",
    port: Number(value("--port") ?? 3330),
    out: value("--out") ?? path.join(ROOT, "bench/results"),
  };
}

const args = parseArgs(process.argv.slice(2));
const DB_NAME = args.database;
const PORT = args.port;
const BARE_PORT = PORT + 1;
const BASE_URL = `http://localhost:${PORT}`;
const SESSION_SECRET = randomBytes(32).toString("hex");
const rows: BenchRow[] = [];
const log = (message: string) => process.stderr.write(`\x1b[1m[bench]\x1b[0m ${message}\n`);

/** Only one build at a time writes build/: other engineers' browser tests share it. */
async function withBuildLock(work: () => void) {
  const lock = "/tmp/locks/build";
  mkdirSync("/tmp/locks", { recursive: true });
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      log("waiting for the build lock");
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
  }
  try {
    work();
  } finally {
    rmdirSync(lock);
  }
}

async function buildProduction() {
  await withBuildLock(() => run("npx", ["remix", "vite:build"], { ...process.env, NODE_ENV: "production" }));
}

/**
 * This run's own copy of build/ (var/bench-<port>/build, taken under the build lock), which the web process and
 * workers run from: someone else's build during a run replaced the assets under the running server, and the bytes
 * part met 404s for the old ones. Under the project, so the compiled server still finds node_modules.
 */
async function snapshotBuild(): Promise<string> {
  const dir = path.join(ROOT, "var", `bench-${PORT}`);
  await withBuildLock(() => {
    rmSync(dir, { recursive: true, force: true });
    cpSync(path.join(ROOT, "build"), path.join(dir, "build"), { recursive: true });
  });
  return dir;
}

function appEnv(databaseUrl: string): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NODE_ENV: "production",
    PORT: String(PORT),
    APP_URL: BASE_URL,
    DATABASE_URL: databaseUrl,
    REDIS_PREFIX: `bench-${process.pid}`,
    SESSION_SECRET,
    // Every young person here signs in from one address; the highest multiplier the env allows.
    RATE_LIMIT_MULTIPLIER: "10000",
    LOG_LEVEL: "warn",
    ACCESS_LOG: "off",
    DEV_OUTBOX: "off",
    // The profile of a page run showed the web process idle 81% of the time, its 50 requests queued for 10
    // connections: 20 keeps PostgreSQL busy without crowding it (the bench's pgbench takes what is left).
    DATABASE_POOL_SIZE: "20",
  };
}

/**
 * Signed-in cookies for the first `count` young people. One session goes through startSession, exactly as sign-in
 * makes it; the rest are inserted in one statement (thousands of sign-ins one by one would take minutes on a busy
 * machine) and signed with the same cookie name and secret, so the server reads them as it reads any other.
 */
async function signIn(databaseUrl: string, count: number): Promise<Map<number, string>> {
  process.env.DATABASE_URL = databaseUrl;
  process.env.SESSION_SECRET = SESSION_SECRET;
  process.env.NODE_ENV = "production";
  process.env.LOG_LEVEL = "error";
  const { createPrismaClient, setDb } = await import("~/lib/db.server");
  const { startSession, SESSION_DAYS } = await import("~/lib/session.server");
  const { createCookie } = await import("@remix-run/node");
  const db = createPrismaClient(databaseUrl, 2);
  setDb(db);
  try {
    const people = await db.$queryRaw<{ userId: string; n: number }[]>`
      SELECT "userId", substring("externalRef" from 7)::int AS n
      FROM "YoungPerson" WHERE "externalRef" LIKE 'BENCH-%' AND substring("externalRef" from 7)::int <= ${count} ORDER BY n`;
    const cookies = new Map<number, string>();
    const first = people[0]!;
    cookies.set(first.n, (await startSession(new Request(BASE_URL), first.userId)).split(";")[0]!);
    const rest = people.slice(1).map((p) => ({ ...p, id: randomBytes(32).toString("base64url") }));
    await db.$executeRaw`
      INSERT INTO "Session" ("id", "userId", "expiresAt")
      SELECT id, "userId"::uuid, now() + make_interval(days => ${SESSION_DAYS})
      FROM jsonb_to_recordset(${JSON.stringify(rest)}::jsonb) AS r(id text, "userId" text)`;
    const cookie = createCookie("__playpass", { secrets: [SESSION_SECRET] });
    for (const person of rest) cookies.set(person.n, (await cookie.serialize(person.id)).split(";")[0]!);
    return cookies;
  } finally {
    await db.$disconnect();
  }
}

async function fetchPage(pathname: string, cookie: string): Promise<string> {
  const response = await fetch(new URL(pathname, BASE_URL), { headers: { Cookie: cookie }, redirect: "manual" });
  if (response.status !== 200) throw new Error(`${pathname} answered ${response.status} for a signed-in young person`);
  return response.text();
}

// ---------------------------------------------------------------- a. pages

async function benchPages(pages: Record<string, string>, cookie: string, bare: () => Promise<ChildProcess>) {
  const html: Record<string, string> = {};
  for (const pathname of Object.values(pages)) html[pathname] = await fetchPage(pathname, cookie);
  const dir = mkdtempSync(path.join(os.tmpdir(), "playpass-bench-"));
  const file = path.join(dir, "pages.json");
  writeFileSync(file, JSON.stringify(html));
  process.env.BENCH_BARE_PAGES = file;
  const bareServer = await bare();
  try {
    for (const [name, pathname] of Object.entries(pages)) {
      const options = { connections: PAGE_CONNECTIONS, seconds: args.pageSeconds, headers: { Cookie: cookie } };
      // A short warm-up for each, so both are measured with their code compiled.
      await loadPage(new URL(pathname, BASE_URL).href, { ...options, seconds: 2 });
      const ours = await loadPage(new URL(pathname, BASE_URL).href, options);
      await loadPage(`http://127.0.0.1:${BARE_PORT}${pathname}`, { ...options, seconds: 2 });
      const baseline = await loadPage(`http://127.0.0.1:${BARE_PORT}${pathname}`, options);
      log(`a. ${name}: ${ours.requestsPerSecond} req/s (bare ${baseline.requestsPerSecond})`);
      const ratio = throughputRatio(ours.requestsPerSecond, baseline.requestsPerSecond);
      rows.push({
        area: `a. ${name}`,
        measure: `requests/s at ${PAGE_CONNECTIONS} connections, signed in (${pathname.length > 60 ? pathname.slice(0, 57) + "..." : pathname})`,
        figure: { value: ours.requestsPerSecond, unit: "req/s" },
        baseline: { measure: "bare node:http + renderToString of the same HTML", figure: { value: baseline.requestsPerSecond, unit: "req/s" } },
        ratio: round(ratio, 3),
        target: "ratio >= 0.5",
        met: ratio >= 0.5 && ours.non2xx === 0 && ours.errors === 0,
        note: `p50/p95/p99 ${latencies(ours)} ms (bare ${latencies(baseline)} ms)${ours.non2xx || ours.errors ? `; ${ours.non2xx} non-2xx, ${ours.errors} errors` : ""}`,
      });
    }
  } finally {
    await stopProcess(bareServer);
  }
  return html;
}

const latencies = (load: PageLoad) => `${load.p50}/${load.p95}/${load.p99}`;

// ---------------------------------------------------------------- b. booking

type RawRate = { tps: number; p99: number; connections: number };

/** pgbench on a plain copy of the slot counts: the same conditional UPDATE, nothing else. */
async function rawUpdateRate(databaseUrl: string, hot: boolean): Promise<RawRate> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  await db.query(`DROP TABLE IF EXISTS bench_raw_slot`);
  await db.query(`CREATE TABLE bench_raw_slot AS SELECT n, 1000000000 AS capacity, 0 AS booked FROM generate_series(1, 100000) n`);
  await db.query(`ALTER TABLE bench_raw_slot ADD PRIMARY KEY (n)`);
  // The server's connection limit, less what everyone else on it is using, bounds how many clients pgbench may open.
  const spare = await db.query<{ spare: number }>(
    `SELECT current_setting('max_connections')::int - (SELECT COUNT(*) FROM pg_stat_activity)::int AS spare`,
  );
  await db.end();
  const connections = Math.max(8, Math.min(BOOKING_CLIENTS, spare.rows[0]!.spare - 25));
  const dir = mkdtempSync(path.join(os.tmpdir(), "playpass-pgbench-"));
  const script = path.join(dir, "update.sql");
  writeFileSync(
    script,
    hot
      ? `UPDATE bench_raw_slot SET booked = booked + 1 WHERE n = 1 AND booked < capacity;\n`
      : `\\set n random(1, 100000)\nUPDATE bench_raw_slot SET booked = booked + 1 WHERE n = :n AND booked < capacity;\n`,
  );
  const url = new URL(databaseUrl);
  const result = spawnSync(
    "pgbench",
    ["-n", "-h", url.hostname, "-p", url.port || "5432", "-U", url.username || "postgres", "-c", String(connections), "-j", "2",
      "-T", "8", "-f", script, "-l", `--log-prefix=${dir}/log`, url.pathname.slice(1)],
    { encoding: "utf8" },
  );
  if (result.status !== 0) throw new Error(`pgbench failed: ${result.stderr}`);
  const tps = Number(/tps = ([\d.]+)/.exec(result.stdout)?.[1] ?? 0);
  const latenciesMs: number[] = [];
  for (const name of readdirSync(dir).filter((f) => f.startsWith("log"))) {
    for (const line of readFileSync(path.join(dir, name), "utf8").split("\n")) {
      const fields = line.split(" ");
      if (fields.length > 2) latenciesMs.push(Number(fields[2]) / 1000);
    }
  }
  return { tps: round(tps, 1), p99: round(percentile(latenciesMs, 99), 1), connections };
}

async function benchBooking(databaseUrl: string, seed: LargeSeed, cookies: Map<number, string>) {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  try {
    // Hot slot: fewer places than people trying, so the last ones must be turned away and none oversold.
    const hotCapacity = args.hotAttempts - Math.max(1, Math.floor(args.hotAttempts / 10));
    await db.query(`UPDATE "Slot" SET "capacity" = $2 WHERE "id" = $1`, [seed.hotSlotId, hotCapacity]);
    const hotPosts: FormPost[] = [];
    for (let n = 2; n < 2 + args.hotAttempts; n++) {
      hotPosts.push(bookingPost(seed.hotActivityId, seed.hotSlotId, cookies.get(n)!));
    }
    const spreadSlots = await db.query<{ id: string; activityId: string }>(
      `SELECT "id", "activityId" FROM "Slot" WHERE "id" <> $1 ORDER BY random() LIMIT $2`,
      [seed.hotSlotId, args.spreadAttempts],
    );
    const spreadPosts = spreadSlots.rows.map((slot, i) => bookingPost(slot.activityId, slot.id, cookies.get(2 + args.hotAttempts + i)!));

    for (const [kind, posts] of [["hot", hotPosts], ["spread", spreadPosts]] as const) {
      const { outcomes, seconds } = await postAll(BASE_URL, posts, BOOKING_CLIENTS);
      const confirmed = outcomes.filter((o) => o.status === 302 && o.location?.startsWith("/young?booked=")).length;
      const statuses = new Map<number, number>();
      for (const o of outcomes) statuses.set(o.status, (statuses.get(o.status) ?? 0) + 1);
      const p99 = round(percentile(outcomes.map((o) => o.ms), 99), 1);
      const rate = round(confirmed / seconds, 1);
      const raw = await rawUpdateRate(databaseUrl, kind === "hot");
      const ratio = throughputRatio(rate, raw.tps);
      const target = kind === "hot" ? 0.25 : 0.1;
      const check = await db.query<{ booked: number; capacity: number; live: number }>(
        kind === "hot"
          ? `SELECT s."booked", s."capacity", (SELECT COUNT(*)::int FROM "Booking" b WHERE b."slotId" = s."id" AND b."status" = 'CONFIRMED') AS live
             FROM "Slot" s WHERE s."id" = $1`
          : `SELECT COALESCE(SUM("booked"), 0)::int AS booked, COALESCE(SUM("capacity"), 0)::int AS capacity,
               (SELECT COUNT(*)::int FROM "Booking" b WHERE b."slotId" = ANY($1::uuid[]) AND b."status" = 'CONFIRMED') AS live
             FROM "Slot" WHERE "id" = ANY($1::uuid[])`,
        [kind === "hot" ? seed.hotSlotId : spreadSlots.rows.map((s) => s.id)],
      );
      const { booked, capacity, live } = check.rows[0]!;
      const negative = await db.query<{ count: number }>(
        `SELECT COUNT(*)::int AS count FROM "Account" WHERE "type" <> 'COUNCIL_FUNDING' AND "balancePence" < 0`,
      );
      const exact = booked <= capacity && live === confirmed && booked === confirmed && negative.rows[0]!.count === 0;
      const expected = kind === "hot" ? Math.min(capacity, posts.length) : posts.length;
      log(`b. ${kind}: ${rate} confirmed/s, p99 ${p99} ms (raw UPDATE ${raw.tps}/s); ${confirmed} of ${posts.length}; statuses ${[...statuses].map(([s, c]) => `${s}x${c}`).join(" ")}`);
      rows.push({
        area: `b. Booking, ${kind === "hot" ? "one hot slot" : "slots spread at random"}`,
        measure: `confirmed bookings/s, ${BOOKING_CLIENTS} concurrent young people through the booking form`,
        figure: { value: rate, unit: "bookings/s" },
        baseline: {
          measure: `pgbench: UPDATE of ${kind === "hot" ? "one hot row" : "random rows"} (${raw.connections} connections, p99 ${raw.p99} ms)`,
          figure: { value: raw.tps, unit: "updates/s" },
        },
        ratio: round(ratio, 3),
        target: `ratio >= ${target}, no oversell`,
        met: ratio >= target && exact && confirmed === expected,
        note:
          `p99 ${p99} ms; confirmed ${confirmed} of ${posts.length} tries, slot${kind === "hot" ? "" : "s"} booked ${booked} of capacity ${capacity}` +
          `${exact ? ", no oversell, no negative balance" : " — MISMATCH"}; answers ${[...statuses].map(([s, c]) => `${s}×${c}`).join(", ")}`,
      });
    }
  } finally {
    await db.end();
  }
}

function bookingPost(activityId: string, slotId: string, cookie: string): FormPost {
  return {
    path: `/activities/${activityId}`,
    cookie,
    body: new URLSearchParams({ intent: "book", slotId, requestKey: randomUUID() }),
  };
}

// ---------------------------------------------------------------- e. bytes and memory

async function benchBytes(pages: Record<string, string>, cookie: string) {
  const cache = new Map<string, Buffer>();
  const results: PageBytes[] = [];
  for (const [name, pathname] of Object.entries(pages)) {
    const html = await fetchPage(pathname, cookie);
    const bytes = await pageBytes(BASE_URL, pathname, html, cache);
    results.push(bytes);
    const kb = (n: number) => round(n / 1024, 1);
    rows.push({
      area: `e. ${name}`,
      measure: `gzipped JavaScript (${bytes.scripts} scripts)`,
      figure: { value: kb(bytes.jsGzip), unit: "KB" },
      target: "< 100 KB",
      met: bytes.jsGzip < 100 * 1024,
      note: `whole page ${kb(bytes.totalGzip)} KB gzipped (HTML ${kb(bytes.htmlGzip)}, CSS ${kb(bytes.cssGzip)}, JS ${kb(bytes.jsGzip)}); ${kb(bytes.totalRaw)} KB before gzip; ${kb(bytes.laterGzip)} KB more JS named for later navigation, not loaded`,
    });
  }
  return results;
}

function memoryRows(web: ChildProcess, workers: ChildProcess) {
  const mb = (bytes: number | null) => (bytes === null ? 0 : round(bytes / 1024 / 1024, 1));
  const webPeak = mb(peakRssBytes(web.pid));
  const workerPeak = mb(peakRssBytes(workers.pid));
  rows.push({
    area: "e. Memory, web",
    measure: "peak RSS of the web process (VmHWM) over a and b",
    figure: { value: webPeak, unit: "MB" },
    target: "< 400 MB",
    met: webPeak > 0 && webPeak < 400,
  });
  rows.push({
    area: "e. Memory, workers",
    measure: "peak RSS of the worker process (VmHWM) over a and b",
    figure: { value: workerPeak, unit: "MB" },
    target: "reported",
    met: workerPeak > 0,
  });
}

// ---------------------------------------------------------------- c and d: the money engineer's modules

async function benchMoney() {
  if (args.only.has("c")) {
    if (existsSync(path.join(ROOT, "bench/issuing.ts"))) {
      const { benchIssuing } = (await import("./issuing")) as { benchIssuing: (ctx: { databaseUrl: string; adminUrl: string; count: number }) => Promise<BenchRow[]> };
      rows.push(...(await failedAsRow("c. Issuing", () => benchIssuing({ databaseUrl: ADMIN_URL, adminUrl: ADMIN_URL, count: args.issuingCount }))));
    } else rows.push(skipped("c. Issuing", "bench/issuing.ts is not there yet"));
  }
  if (args.only.has("d")) {
    if (existsSync(path.join(ROOT, "bench/settlement.ts"))) {
      const { benchSettlement } = (await import("./settlement")) as {
        benchSettlement: (ctx: { databaseUrl: string; adminUrl: string; redemptions: number }) => Promise<BenchRow[]>;
      };
      rows.push(...(await failedAsRow("d. Settlement", () => benchSettlement({ databaseUrl: ADMIN_URL, adminUrl: ADMIN_URL, redemptions: args.redemptions }))));
    } else rows.push(skipped("d. Settlement", "bench/settlement.ts is not there yet"));
  }
}

/** A money bench that throws is a row that says so, not the end of the run and of every figure before it. */
async function failedAsRow(area: string, bench: () => Promise<BenchRow[]>): Promise<BenchRow[]> {
  try {
    return await bench();
  } catch (error) {
    log(`${area} failed: ${error instanceof Error ? error.message : String(error)}`);
    const reason = (error instanceof Error ? error.message : String(error)).replace(/\s+/g, " ").slice(0, 200);
    return [{ area, measure: "did not finish", figure: { value: 0, unit: "" }, target: "—", met: false, note: `failed: ${reason}` }];
  }
}

function skipped(area: string, why: string): BenchRow {
  return { area, measure: "not measured", figure: { value: 0, unit: "" }, target: "—", met: false, note: `skipped: ${why}` };
}

// ---------------------------------------------------------------- results

function formatFigure(figure: { value: number; unit: string }) {
  return `${figure.value.toLocaleString("en-GB")} ${figure.unit}`.trim();
}

export function resultsTable(benchRows: BenchRow[]): string {
  const cell = (text: string) => text.replace(/\|/g, "\\|");
  const lines = [
    "| figure | measured | baseline (same run) | ratio | target | met | note |",
    "|---|---|---|---|---|---|---|",
    ...benchRows.map((r) =>
      [
        `**${r.area}**: ${r.measure}`,
        formatFigure(r.figure),
        r.baseline ? `${formatFigure(r.baseline.figure)} (${r.baseline.measure})` : "—",
        r.ratio === undefined ? "—" : r.ratio.toFixed(3),
        r.target,
        r.met ? "yes" : "**no**",
        r.note ?? "",
      ]
        .map(cell)
        .join(" | "),
    ).map((line) => `| ${line} |`),
  ];
  return lines.join("\n");
}

function writeResults(meta: Record<string, unknown>) {
  writeFileSync(`${args.out}.json`, JSON.stringify({ ...meta, rows }, null, 2) + "\n");
  const table = resultsTable(rows);
  const header = `# Playpass bench results\n\n${new Date().toISOString()} · ${os.cpus().length} CPUs (${os.cpus()[0]?.model ?? "?"}) · ${round(os.totalmem() / 2 ** 30, 1)} GB · Node ${process.version}\n\n`;
  writeFileSync(`${args.out}.md`, header + table + "\n");
  process.stdout.write(`\n${table}\n\n`);
}

async function main() {
  const started = Date.now();
  const needsApp = ["a", "b", "e"].some((k) => args.only.has(k));
  let seed: LargeSeed | null = null;
  let databaseUrl = "";
  let web: ChildProcess | null = null;
  let workers: ChildProcess | null = null;
  try {
    if (needsApp) {
      log(`fresh database ${DB_NAME}, migrations`);
      databaseUrl = await recreateDatabase(ADMIN_URL, DB_NAME);
      migrate(databaseUrl);
      log(`loading ${LARGE_SEED.youngPeople} young people, ${LARGE_SEED.providers} providers, ... (set-based SQL)`);
      const seedStarted = Date.now();
      seed = await seedLarge(databaseUrl);
      log(`seeded in ${round((Date.now() - seedStarted) / 1000, 1)} s: ${JSON.stringify(seed.counts)}`);
      if (!args.skipBuild) {
        log("building the production app");
        await buildProduction();
      }
      const env = appEnv(databaseUrl);
      const buildCopy = await snapshotBuild();
      // As npm start runs it. The web process keeps ~100 MB live; left to itself V8 let garbage promoted by 50
      // requests in flight grow the old space to 250+ MB before collecting it (peak RSS 425-513 MB on the activity
      // page); with a 384 MB ceiling it sizes the heap to that and peaked at 281 MB, for about the same CPU.
      web = startNode(["--max-old-space-size=384", "build/node/serve.js"], env, "web", buildCopy);
      workers = startNode(["build/node/workers.js"], env, "workers", buildCopy);
      await waitForHealth(`${BASE_URL}/healthz`, [web, workers]);
      const people = 1 + args.hotAttempts + args.spreadAttempts;
      log(`signing in ${people} young people`);
      const cookies = await signIn(databaseUrl, people);
      const cookie = cookies.get(1)!;
      const activity = `/activities/${(await firstActivityWithSlots(databaseUrl, seed.hotActivityId))}`;
      const pages = {
        "Home": "/young",
        "Explore": "/",
        "Search with filters": "/?q=football&withinBalance=on&access=STEP_FREE&sort=nearest&miles=20",
        "Activity page": activity,
      };
      if (args.only.has("a")) {
        await benchPages(pages, cookie, async () => {
          const bare = startNode(["--import", "tsx", "bench/bare-render.ts", String(BARE_PORT), process.env.BENCH_BARE_PAGES!], { ...process.env, NODE_ENV: "production" }, "bare");
          await waitForBare(bare);
          return bare;
        });
      }
      if (args.only.has("b")) await benchBooking(databaseUrl, seed, cookies);
      if (args.only.has("e")) {
        await benchBytes(
          {
            ...pages,
            "My bookings": "/young/bookings",
            "Pass (QR)": "/young/pass",
            "Favourites": "/young/favourites",
            "Suggest": "/young/suggest",
          },
          cookie,
        );
        memoryRows(web, workers);
      }
      await stopProcess(web);
      await stopProcess(workers);
      web = workers = null;
      await checkLedger(databaseUrl, seed.councilId);
      // Written now too, so a long money bench (c, d) cannot cost the figures already measured.
      writeResults({ ranAt: new Date().toISOString(), partial: true, seed: seed.counts });
    }
    await benchMoney();
  } finally {
    if (web) await stopProcess(web);
    if (workers) await stopProcess(workers);
  }
  writeResults({ ranAt: new Date().toISOString(), seconds: round((Date.now() - started) / 1000, 1), node: process.version, cpus: os.cpus().length, seed: seed?.counts });
  log(`done in ${round((Date.now() - started) / 1000, 1)} s; ${args.out}.md and ${args.out}.json written`);
}

async function firstActivityWithSlots(databaseUrl: string, notThis: string): Promise<string> {
  const db = new pg.Client({ connectionString: databaseUrl });
  await db.connect();
  const row = await db.query<{ id: string }>(
    `SELECT a."id" FROM "Activity" a WHERE a."id" <> $1 AND a."category" = 'FOOTBALL' ORDER BY a."title" LIMIT 1`,
    [notThis],
  );
  await db.end();
  return row.rows[0]!.id;
}

async function waitForBare(bare: ChildProcess) {
  for (let i = 0; i < 120; i++) {
    if (bare.exitCode !== null) throw new Error("the bare render server exited");
    try {
      await fetch(`http://127.0.0.1:${BARE_PORT}/__nothing`);
      return;
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  throw new Error("the bare render server did not start");
}

async function checkLedger(databaseUrl: string, councilId: string) {
  const { createPrismaClient } = await import("~/lib/db.server");
  const { verifyLedger } = await import("~/domain/ledger");
  const db = createPrismaClient(databaseUrl, 2);
  try {
    const report = await verifyLedger(db, councilId);
    rows.push({
      area: "b. Ledger after the run",
      measure: "verifyLedger on the bench council",
      figure: { value: report.violations.length, unit: "violations" },
      target: "0",
      met: report.ok,
      note: report.ok ? `funded ${report.fundedPence} pence = held ${report.heldPence}` : report.violations.slice(0, 3).join("; "),
    });
  } finally {
    await db.$disconnect();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
