// What every part of the bench needs: a fresh database, migrations, child processes and their peak memory.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { readFileSync } from "node:fs";
import pg from "pg";

export const ROOT = new URL("..", import.meta.url).pathname.replace(/\/$/, "");

export function databaseUrlFor(adminUrl: string, name: string): string {
  return adminUrl.replace(/\/[^/]*$/, `/${name}`);
}

/** Drops and creates a database of our own (never one we did not make: the name is the bench's). */
export async function recreateDatabase(adminUrl: string, name: string): Promise<string> {
  if (!/^playpass_bench[a-z0-9_]*$/.test(name)) throw new Error(`refusing to drop ${name}: not a bench database`);
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return databaseUrlFor(adminUrl, name);
}

export function run(command: string, args: string[], env: NodeJS.ProcessEnv) {
  const result = spawnSync(command, args, { cwd: ROOT, env, stdio: ["ignore", "inherit", "inherit"] });
  if (result.status !== 0) throw new Error(`${command} ${args.join(" ")} failed with exit code ${result.status}`);
}

export function migrate(databaseUrl: string) {
  run("npx", ["prisma", "migrate", "deploy"], {
    ...process.env,
    DATABASE_URL: databaseUrl,
    PRISMA_SCHEMA_ENGINE_BINARY: process.env.PRISMA_SCHEMA_ENGINE_BINARY ?? `${ROOT}/prisma/schema-engine-wasm.mjs`,
  });
}

/** Starts a Node process in its own group, so stopping it stops whatever it started. */
export function startNode(args: string[], env: NodeJS.ProcessEnv, label: string, cwd = ROOT): ChildProcess {
  const child = spawn(process.execPath, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const relay = (chunk: Buffer) => {
    for (const line of chunk.toString().split("\n")) if (line.trim()) process.stderr.write(`[${label}] ${line}\n`);
  };
  child.stdout?.on("data", relay);
  child.stderr?.on("data", relay);
  return child;
}

export async function stopProcess(child: ChildProcess, boundMs = 20_000) {
  if (!child.pid || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  process.kill(-child.pid, "SIGTERM");
  const killer = setTimeout(() => {
    if (child.pid && child.exitCode === null) process.kill(-child.pid, "SIGKILL");
  }, boundMs);
  await exited;
  clearTimeout(killer);
}

export async function waitForHealth(url: string, processes: ChildProcess[]) {
  for (let attempt = 0; attempt < 480; attempt++) {
    if (processes.some((p) => p.exitCode !== null)) throw new Error("a bench process exited while starting; see its output above");
    try {
      const response = await fetch(url);
      if (response.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer within two minutes`);
}

/** Peak resident memory of a process so far, in bytes (the kernel's high-water mark, VmHWM). */
export function peakRssBytes(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const match = /^VmHWM:\s+(\d+) kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** The n-th percentile (0-100) of a list of numbers, nearest-rank. */
export function percentile(values: number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

export const round = (value: number, digits = 2) => Math.round(value * 10 ** digits) / 10 ** digits;
