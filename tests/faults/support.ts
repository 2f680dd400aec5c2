// Shared by the fault tests: a second PostgreSQL connection to hold locks and kill backends, and waiting on a condition.
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import pg from "pg";
import { getDb } from "~/lib/db.server";
import { freePort } from "../support/redis-server";

/** A plain pg connection to this test file's database, outside the app's pool. */
export async function sideConnection(): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await client.connect();
  return client;
}

/** Polls until `probe` returns a value (not undefined/null/false), or fails after `timeoutMs` saying what it waited for. */
export async function waitFor<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 45_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== null && value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** The backend of the app's pool that is waiting on a lock while running a statement matching `query`. */
export async function waitingBackendPid(side: pg.Client, query: RegExp, except: ReadonlySet<number> = new Set()): Promise<number> {
  return waitFor(`a backend waiting on a lock for ${query}`, async () => {
    // Inside a transaction pg_stat_activity is read once and kept: drop that copy to see what runs now.
    await side.query("SELECT pg_stat_clear_snapshot()");
    const { rows } = await side.query<{ pid: number; query: string }>(
      `SELECT pid, query FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND wait_event_type = 'Lock'`,
    );
    return rows.find((row) => query.test(row.query) && !except.has(row.pid))?.pid;
  });
}


/** PENDING outbox messages (SMS to distinct numbers), made older than the outbox sweeper's 30 s grace. */
export async function pendingTexts(count: number) {
  const ids: string[] = [];
  for (let i = 0; i < count; i++) {
    const phone = `+4477009${String(Math.floor(Math.random() * 100_000)).padStart(5, "0")}`;
    const row = await getDb().message.create({
      data: { channel: "SMS", recipient: phone, template: "fault-test", subject: "Playpass", body: `Message ${i} ${randomUUID()}`, createdAt: new Date(Date.now() - 60_000) },
      select: { id: true },
    });
    ids.push(row.id);
  }
  return ids;
}

/**
 * A redis-server of this test's own that can be killed (SIGKILL, as a crash) and started again on the same port,
 * either with what it had written to its append-only file or empty (a new machine).
 */
export async function restartableRedis() {
  const port = await freePort();
  let dir = await mkdtemp(path.join(tmpdir(), "playpass-faults-redis-"));
  const dirs = [dir];
  let child: ChildProcess | undefined;
  const start = async () => {
    child = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "yes", "--appendfsync", "always", "--maxmemory-policy", "noeviction", "--dir", dir], {
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        output += chunk.toString("utf8");
        if (/Ready to accept connections/.test(output)) resolve();
      };
      child!.stdout!.on("data", onData);
      child!.stderr!.on("data", onData);
      child!.once("exit", (code) => reject(new Error(`redis-server exited with ${code}:\n${output}`)));
    });
  };
  const kill = async () => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child!.once("exit", () => resolve()));
    child.kill("SIGKILL");
    await exited;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    /** Crashes and comes back with everything it had acknowledged. */
    restartWithData: async () => {
      await kill();
      await start();
    },
    /** Crashes and comes back with nothing: every queued job and scheduler is gone. */
    restartEmpty: async () => {
      await kill();
      dir = await mkdtemp(path.join(tmpdir(), "playpass-faults-redis-"));
      dirs.push(dir);
      await start();
    },
    kill,
    start,
    stop: async () => {
      await kill();
      await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
    },
  };
}
