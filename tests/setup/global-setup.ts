// Once per test run: checks PostgreSQL and Redis answer, then (re)creates and migrates the template
// database every test file copies. Fails with what to run when a service is missing. At the end it drops the
// template and every per-file database of the run: a file does not drop its own, because on PostgreSQL 15 each
// DROP DATABASE forces an immediate checkpoint of the whole server, which stalled the other test files every time.
import { spawn } from "node:child_process";
import net from "node:net";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";
import {
  FILE_DATABASE_PREFIX,
  TEMPLATE_DATABASE,
  baseDatabaseUrl,
  databaseUrl,
  fileDatabasePrefix,
  newRunId,
  quoteIdent,
  testRedisUrl,
  withAdminClient,
} from "./databases";

declare module "vitest" {
  interface ProvidedContext {
    templateDatabase: string;
    /** Names of this run's per-file databases start with it (tests/setup/setup-file.ts). */
    fileDatabasePrefix: string;
  }
}

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const START_SERVICES = "Run `bash .ci/services.sh` to install or start PostgreSQL and Redis on 127.0.0.1 (it prints the exact commands when it cannot).";
const STALE_AFTER_MS = 60 * 60 * 1000;

export default async function setup(project: TestProject) {
  await assertPostgresReachable();
  await assertRedisReachable();

  // One template per run, so two runs on one machine (a developer's and CI's) never drop each other's.
  const runId = newRunId();
  const template = `${TEMPLATE_DATABASE}_${runId}`;
  await withAdminClient(async (admin) => {
    await dropStaleFileDatabases(admin);
    await admin.query(`CREATE DATABASE ${quoteIdent(template)}`);
  });
  await migrate(databaseUrl(template));

  project.provide("templateDatabase", template);
  project.provide("fileDatabasePrefix", fileDatabasePrefix(runId));
  return async () => {
    await dropRunDatabases(fileDatabasePrefix(runId)).catch(() => undefined);
    await withAdminClient((admin) => admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(template)} WITH (FORCE)`)).catch(() => undefined);
  };
}

/**
 * Drops the run's per-file databases, a few at a time: drops that wait together share one checkpoint.
 * Their files are closed by then (each test file disconnects in its afterAll), so FORCE only ends stragglers.
 */
async function dropRunDatabases(prefix: string, concurrency = 6) {
  const names = await withAdminClient(async (admin) => {
    const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE starts_with(datname, $1)`, [prefix]);
    return rows.map((row) => row.datname);
  });
  const queue = [...names];
  await Promise.all(
    Array.from({ length: Math.min(concurrency, queue.length) }, () =>
      withAdminClient(async (admin) => {
        for (let name = queue.pop(); name !== undefined; name = queue.pop()) {
          await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
        }
      }),
    ),
  );
}

async function assertPostgresReachable() {
  const url = new URL(baseDatabaseUrl());
  try {
    await withAdminClient((admin) => admin.query("SELECT 1"));
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${url.host} as "${decodeURIComponent(url.username)}" (${describe(error)}). ` +
        `The tests need a real PostgreSQL 15+ (set TEST_DATABASE_URL to use another server). ${START_SERVICES}`,
    );
  }
}

async function assertRedisReachable() {
  const url = new URL(testRedisUrl());
  const host = url.hostname || "127.0.0.1";
  const port = Number(url.port || 6379);
  const answer = await new Promise<string>((resolve, reject) => {
    const socket = net.connect({ host, port });
    const timer = setTimeout(() => socket.destroy(new Error("no answer within 3 s")), 3_000);
    let received = "";
    socket.on("connect", () => socket.write("PING\r\n"));
    socket.on("data", (chunk) => {
      received += chunk.toString("utf8");
      if (received.includes("\r\n")) {
        clearTimeout(timer);
        socket.end();
        resolve(received.trim());
      }
    });
    socket.on("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
  }).catch((error: unknown) => {
    throw new Error(`Redis is not reachable at ${host}:${port} (${describe(error)}). The tests need a real Redis 7+ (set TEST_REDIS_URL to use another server). ${START_SERVICES}`);
  });
  // A password-protected Redis answers -NOAUTH: the server is there, which is all this checks.
  if (!answer.startsWith("+PONG") && !answer.includes("NOAUTH")) {
    throw new Error(`Something at ${host}:${port} answered "${answer}" instead of Redis's PONG. ${START_SERVICES}`);
  }
}

/** A run killed before its teardown leaves databases behind; old ones nobody is connected to are dropped. */
async function dropStaleFileDatabases(admin: import("pg").Client) {
  const { rows } = await admin.query<{ datname: string }>(`SELECT datname FROM pg_database WHERE datname LIKE $1 OR datname LIKE $2`, [
    `${FILE_DATABASE_PREFIX}%`,
    `${TEMPLATE_DATABASE}_%`,
  ]);
  for (const { datname } of rows) {
    const stamp = datname.startsWith(TEMPLATE_DATABASE) ? datname.slice(TEMPLATE_DATABASE.length + 1).split("_")[0] : datname.split("_")[3];
    const createdAt = parseInt(stamp ?? "", 36);
    if (Number.isFinite(createdAt) && Date.now() - createdAt < STALE_AFTER_MS) continue;
    // Without FORCE: a database someone is still using stays.
    await admin.query(`DROP DATABASE IF EXISTS ${quoteIdent(datname)}`).catch(() => undefined);
  }
}

function migrate(url: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(ROOT, "node_modules/prisma/build/index.js"), "migrate", "deploy"], {
      cwd: ROOT,
      env: {
        ...process.env,
        DATABASE_URL: url,
        PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? path.join(ROOT, "prisma/schema-engine-wasm.mjs"),
        PRISMA_HIDE_UPDATE_MESSAGE: "1",
      },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => (output += chunk));
    child.stderr.on("data", (chunk) => (output += chunk));
    child.on("error", reject);
    child.on("exit", (code) => {
      if (code === 0) return resolve();
      reject(
        new Error(
          `prisma migrate deploy failed on the test template database (exit ${code}). Run it by hand to see why:\n` +
            `  DATABASE_URL=${url} PRISMA_SCHEMA_ENGINE_BINARY=$PWD/prisma/schema-engine-wasm.mjs npx prisma migrate deploy\n\n${output}`,
        ),
      );
    });
  });
}

function describe(error: unknown): string {
  if (error instanceof AggregateError) return error.errors.map(describe).join("; ") || error.message;
  if (error instanceof Error) return (error as NodeJS.ErrnoException).code ?? error.message;
  return String(error);
}
