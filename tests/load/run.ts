// The load test (`npm run load`): 200 young people at once browse and book the same few popular
// sessions for a minute against the production build, with web and workers running. It then checks
// what must hold under any load: no session oversold, no wallet below zero, no 5xx, and the ledger
// invariant check passing. It prints what it saw and exits 1 if any of those failed.
//
// Options: --connections 200 --duration 60 --port 3340 --skip-build (reuse ./build).
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes, randomUUID } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { parseArgs } from "node:util";
import autocannon from "autocannon";
import pg from "pg";
import { z } from "zod";

const options = z
  .object({
    connections: z.coerce.number().int().min(1).max(2_000),
    duration: z.coerce.number().int().min(5).max(3_600),
    port: z.coerce.number().int().min(1_024).max(65_535),
    "skip-build": z.boolean(),
  })
  .parse(
    parseArgs({
      options: {
        connections: { type: "string", default: "200" },
        duration: { type: "string", default: "60" },
        port: { type: "string", default: "3340" },
        "skip-build": { type: "boolean", default: false },
      },
    }).values,
  );

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const DB_NAME = "playpass_load";
const DATABASE_URL = ADMIN_URL.replace(/\/[^/]*$/, `/${DB_NAME}`);
const BASE = `http://localhost:${options.port}`;
const POPULAR_SESSIONS = 3;
const PLACES_EACH = 15;
const PRICE_PENCE = 500;
const CREDIT_PENCE = 2_000;

const say = (message: string) => console.error(`[load] ${message}`);

function run(command: string, args: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync(command, args, { env, stdio: ["ignore", "ignore", "inherit"] });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed with exit code ${result.status}`);
}

async function freshDatabase() {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DB_NAME}`);
  await admin.end();
}

/** One council, 200 young people with £20 each, three popular £5 sessions of 15 places, and more to browse. */
async function buildWorld(people: number) {
  const { createActivity, createProgramme, createProvider, createSlot, createYoungPerson, createCouncil } = await import("../factories");
  const { createMember, signIn } = await import("../support/actors");
  const council = await createCouncil({ name: "Loadshire Council" });
  const programme = await createProgramme({ councilId: council.id, fundedPence: people * CREDIT_PENCE * 2, baseAllocationPence: CREDIT_PENCE });
  const { provider, venue } = await createProvider({ councilId: council.id, name: "Loadshire Leisure" });
  const popular = [];
  for (let i = 0; i < POPULAR_SESSIONS; i++) {
    const activity = await createActivity({
      providerId: provider.id,
      councilId: council.id,
      venueId: venue.id,
      title: `Saturday football ${i + 1}`,
      category: "FOOTBALL",
      pricePence: PRICE_PENCE,
      capacity: PLACES_EACH,
    });
    popular.push({ activity, slot: await createSlot({ activityId: activity.id }) });
  }
  for (let i = 0; i < 20; i++) {
    const activity = await createActivity({ providerId: provider.id, councilId: council.id, venueId: venue.id, title: `Open swim ${i + 1}` });
    await createSlot({ activityId: activity.id });
  }
  const cookies: string[] = [];
  for (let start = 0; start < people; start += 10) {
    const batch = Array.from({ length: Math.min(10, people - start) }, async () => {
      const { youngPerson } = await createYoungPerson({ councilId: council.id, programmeId: programme.id });
      const user = await createMember("YOUNG_PERSON", { youngPersonId: youngPerson.id });
      return signIn(user.id);
    });
    cookies.push(...(await Promise.all(batch)));
  }
  return { councilId: council.id, popular, cookies };
}

async function waitForHealth(processes: ChildProcess[]) {
  for (let attempt = 0; attempt < 240; attempt++) {
    if (processes.some((p) => p.exitCode !== null)) throw new Error("Playpass exited while starting; see the output above");
    try {
      if ((await fetch(`${BASE}/healthz`)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${BASE}/healthz did not answer within a minute`);
}

async function stop(processes: ChildProcess[]) {
  const exited = Promise.all(processes.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once("exit", resolve)) : null)));
  for (const child of processes) if (child.pid && child.exitCode === null) process.kill(-child.pid, "SIGTERM");
  const killer = setTimeout(() => processes.forEach((child) => child.pid && child.exitCode === null && process.kill(-child.pid, "SIGKILL")), 25_000);
  await exited;
  clearTimeout(killer);
}

type World = Awaited<ReturnType<typeof buildWorld>>;

/** Each connection is one young person: look at the listing, open a popular activity, try to book it. */
function hammer(world: World): Promise<autocannon.Result> {
  let nextClient = 0;
  const pick = () => world.popular[Math.floor(Math.random() * world.popular.length)]!;
  return new Promise((resolve, reject) => {
    const instance = autocannon(
      {
        url: BASE,
        connections: options.connections,
        duration: options.duration,
        // A booking may queue behind others on the same row; a slow answer is not a failure, a lost one is.
        timeout: 30,
        setupClient(client) {
          const cookie = world.cookies[nextClient++ % world.cookies.length]!;
          client.setHeaders({ cookie, origin: BASE, "content-type": "application/x-www-form-urlencoded" });
        },
        requests: [
          { method: "GET", path: "/?q=football" },
          {
            method: "GET",
            setupRequest(request, context: object): typeof request {
              const choice = pick();
              Object.assign(context, { activityId: choice.activity.id, slotId: choice.slot.id });
              return { ...request, path: `/activities/${choice.activity.id}` };
            },
          },
          {
            method: "POST",
            setupRequest(request, context: object): typeof request {
              const { activityId, slotId } = context as { activityId: string; slotId: string };
              const body = new URLSearchParams({ intent: "book", slotId, requestKey: randomUUID() }).toString();
              return { ...request, path: `/activities/${activityId}`, body };
            },
          },
        ],
      },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
    autocannon.track(instance, { renderProgressBar: false, renderResultsTable: false, renderLatencyTable: false });
  });
}

type Check = { name: string; ok: boolean; detail: string };

async function checkAfter(world: World): Promise<Check[]> {
  const { getDb } = await import("~/lib/db.server");
  const { verifyLedger } = await import("~/domain/ledger/invariants");
  const db = getDb();
  const slots = await db.$queryRaw<Array<{ id: string; capacity: number; booked: number; offered: number; live: bigint }>>`
    SELECT s."id", s."capacity", s."booked", s."offered",
           (SELECT count(*) FROM "Booking" b WHERE b."slotId" = s."id" AND b."status" IN ('CONFIRMED', 'REDEEMED')) AS live
    FROM "Slot" s WHERE s."id" = ANY(${world.popular.map((p) => p.slot.id)}::uuid[])`;
  const [wallets] = await db.$queryRaw<Array<{ negative: bigint; lowest: bigint | null }>>`
    SELECT count(*) FILTER (WHERE "balancePence" < 0) AS negative, min("balancePence") AS lowest
    FROM "Account" WHERE "councilId" = ${world.councilId}::uuid AND "type" <> 'COUNCIL_FUNDING'`;
  const ledger = await verifyLedger(db, world.councilId);
  const booked = slots.reduce((sum, slot) => sum + Number(slot.live), 0);
  return [
    {
      name: "no session oversold",
      ok: slots.every((slot) => slot.booked + slot.offered <= slot.capacity && Number(slot.live) <= slot.capacity),
      detail: slots.map((slot) => `${slot.live}/${slot.capacity}`).join(", "),
    },
    {
      name: "every place taken (the load was real)",
      ok: booked === POPULAR_SESSIONS * PLACES_EACH,
      detail: `${booked} of ${POPULAR_SESSIONS * PLACES_EACH} places booked`,
    },
    {
      name: "slot counts match live bookings",
      ok: slots.every((slot) => slot.booked === Number(slot.live)),
      detail: slots.map((slot) => `${slot.booked}=${slot.live}`).join(", "),
    },
    { name: "no wallet below zero", ok: Number(wallets?.negative ?? 0) === 0, detail: `lowest balance ${wallets?.lowest ?? "n/a"}p` },
    { name: "ledger invariant check", ok: ledger.ok, detail: ledger.ok ? "passes" : ledger.violations.slice(0, 5).join("; ") },
  ];
}

async function main() {
  const sessionSecret = randomBytes(32).toString("hex");
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL,
    DATABASE_POOL_SIZE: process.env.DATABASE_POOL_SIZE ?? "20",
    REDIS_PREFIX: `load-${randomBytes(4).toString("hex")}`,
    SESSION_SECRET: sessionSecret,
    DEV_OUTBOX: "on",
    // 200 people from one address: the per-address limits would otherwise stop the test, not the app.
    RATE_LIMIT_MULTIPLIER: "10000",
    PORT: String(options.port),
    APP_URL: BASE,
    LOG_LEVEL: "warn",
    ACCESS_LOG: "off",
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? `${process.cwd()}/prisma/schema-engine-wasm.mjs`,
  };
  say(`Creating database ${DB_NAME}…`);
  await freshDatabase();
  run("npx", ["prisma", "migrate", "deploy"], env);
  Object.assign(process.env, { DATABASE_URL, SESSION_SECRET: sessionSecret, NODE_ENV: "production", LOG_LEVEL: "warn" });
  say(`Enrolling ${options.connections} young people with £${CREDIT_PENCE / 100} each and ${POPULAR_SESSIONS} popular sessions of ${PLACES_EACH} places…`);
  const world = await buildWorld(options.connections);
  if (!options["skip-build"]) {
    say("Building the production app…");
    run("npx", ["remix", "vite:build"], env);
  }
  say("Starting web and workers…");
  const processes = [
    spawn(process.execPath, ["--max-old-space-size=384", "build/node/serve.js"], { env, stdio: ["ignore", "inherit", "inherit"], detached: true }),
    spawn(process.execPath, ["build/node/workers.js"], { env, stdio: ["ignore", "inherit", "inherit"], detached: true }),
  ];
  let result: autocannon.Result;
  try {
    await waitForHealth(processes);
    say(`${options.connections} young people browsing and booking for ${options.duration} s…`);
    result = await hammer(world);
  } finally {
    await stop(processes);
  }

  const statuses = { "2xx": result["2xx"], "3xx": result["3xx"], "4xx": result["4xx"], "5xx": result["5xx"] };
  const checks: Check[] = [
    { name: "no 5xx answers", ok: result["5xx"] === 0, detail: `${result["5xx"]} of ${result.requests.total}` },
    { name: "no errors or timeouts", ok: result.errors === 0 && result.timeouts === 0, detail: `${result.errors} errors, ${result.timeouts} timeouts` },
    ...(await checkAfter(world)),
  ];
  const summary = {
    connections: options.connections,
    durationSeconds: options.duration,
    requests: result.requests.total,
    requestsPerSecond: result.requests.average,
    latencyMs: { p50: result.latency.p50, p97_5: result.latency.p97_5, p99: result.latency.p99, max: result.latency.max },
    statuses,
    checks,
  };
  mkdirSync("tests/.artifacts", { recursive: true });
  writeFileSync("tests/.artifacts/load.json", JSON.stringify(summary, null, 2));

  console.log(`\nLoad test: ${options.connections} young people for ${options.duration} s against the production build`);
  console.log(`  ${summary.requests} requests, ${Math.round(summary.requestsPerSecond)}/s; latency p50 ${summary.latencyMs.p50} ms, p99 ${summary.latencyMs.p99} ms`);
  console.log(`  answers: ${Object.entries(statuses).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  for (const check of checks) console.log(`  ${check.ok ? "PASS" : "FAIL"}  ${check.name}: ${check.detail}`);
  const { getDb } = await import("~/lib/db.server");
  await getDb().$disconnect();
  process.exit(checks.every((check) => check.ok) ? 0 : 1);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
