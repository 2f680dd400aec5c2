// Shared by the fault tests: a second PostgreSQL connection to hold locks and kill backends, and waiting on a condition.
import pg from "pg";

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
