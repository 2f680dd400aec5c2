// Starts Playpass for browser tests: a fresh seeded database, the production build, web and workers.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import type { TestProject } from "vitest/node";
import pg from "pg";
import { startFakeStripeServer } from "./fake-stripe-server";

const ADMIN_URL = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const PORT = Number(process.env.E2E_PORT ?? 3310);
const DB_NAME = `playpass_e2e_${process.pid}`;

declare module "vitest" {
  export interface ProvidedContext {
    baseURL: string;
    /** The e2e database, for checks a test makes straight against it (verifyLedger). */
    databaseURL: string;
    /** The fake Stripe that web and workers both call (tests/e2e/fake-stripe-server.ts). */
    fakeStripeURL: string;
    stripeWebhookSecret: string;
  }
}

function run(command: string, args: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync(command, args, { env, stdio: ["ignore", "inherit", "inherit"] });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed with exit code ${result.status}`);
}

async function waitForHealth(url: string, processes: ChildProcess[]) {
  for (let attempt = 0; attempt < 240; attempt++) {
    if (processes.some((p) => p.exitCode !== null)) throw new Error("Playpass exited while starting; see the output above");
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer within a minute`);
}

export default async function setup(project: TestProject) {
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DB_NAME}`);
  await admin.end();

  const databaseUrl = ADMIN_URL.replace(/\/[^/]*$/, `/${DB_NAME}`);
  const fakeStripe = await startFakeStripeServer();
  const stripeWebhookSecret = `whsec_e2e_${randomBytes(16).toString("hex")}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: "production",
    DATABASE_URL: databaseUrl,
    REDIS_PREFIX: `e2e-${randomBytes(4).toString("hex")}`,
    SESSION_SECRET: randomBytes(32).toString("hex"),
    DEV_OUTBOX: "on",
    // Every browser test signs its people in from this one machine.
    RATE_LIMIT_MULTIPLIER: "100",
    PORT: String(PORT),
    APP_URL: `http://localhost:${PORT}`,
    // Stripe is on, impersonated by one fake both processes share.
    STRIPE_SECRET_KEY: "sk_test_playpass_e2e",
    STRIPE_WEBHOOK_SECRET: stripeWebhookSecret,
    STRIPE_API_BASE: fakeStripe.url,
    LOG_LEVEL: "warn",
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? `${process.cwd()}/prisma/schema-engine-wasm.mjs`,
  };
  run("npx", ["prisma", "migrate", "deploy"], env);
  run("npx", ["tsx", "prisma/seed.ts"], env);
  if (process.env.E2E_SKIP_BUILD !== "1") run("npx", ["remix", "vite:build"], { ...env, NODE_ENV: "production" });

  const processes = [
    // Node itself, not npx: a signal to npx does not always reach the server it started.
    spawn(process.execPath, ["build/node/serve.js"], { env, stdio: ["ignore", "inherit", "inherit"], detached: true }),
    spawn(process.execPath, ["build/node/workers.js"], { env, stdio: ["ignore", "inherit", "inherit"], detached: true }),
  ];
  const baseURL = `http://localhost:${PORT}`;
  await waitForHealth(`${baseURL}/healthz`, processes);
  project.provide("baseURL", baseURL);
  project.provide("databaseURL", databaseUrl);
  project.provide("fakeStripeURL", fakeStripe.url);
  project.provide("stripeWebhookSecret", stripeWebhookSecret);

  return async () => {
    const stopped = Promise.all(processes.map((child) => (child.exitCode === null ? new Promise((resolve) => child.once("exit", resolve)) : null)));
    for (const child of processes) {
      if (child.pid && child.exitCode === null) process.kill(-child.pid, "SIGTERM");
    }
    // The workers drain within their own bound; anything still running after 25 s is killed.
    const killer = setTimeout(() => {
      for (const child of processes) if (child.pid && child.exitCode === null) process.kill(-child.pid, "SIGKILL");
    }, 25_000);
    await stopped;
    clearTimeout(killer);
    await fakeStripe.close();
    const cleanup = new pg.Client({ connectionString: ADMIN_URL });
    await cleanup.connect();
    await cleanup.query(`DROP DATABASE IF EXISTS ${DB_NAME} WITH (FORCE)`);
    await cleanup.end();
  };
}
