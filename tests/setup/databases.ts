// Where the test databases live: one migrated template per run, one copy of it per test file.
import pg from "pg";

export const TEMPLATE_DATABASE = "playpass_test_template";
/** Per-file databases start with this, then the run's id (creation time in base 36, process id), the pool id and a random suffix. */
export const FILE_DATABASE_PREFIX = "playpass_test_f";

/** One id per test run: its template and every per-file database carry it, so the run's teardown finds its own. */
export function newRunId(): string {
  return `${Date.now().toString(36)}_${process.pid}`;
}

/** What every per-file database of one run starts with. */
export function fileDatabasePrefix(runId: string): string {
  return `${FILE_DATABASE_PREFIX}_${runId}_`;
}

export function baseDatabaseUrl(): string {
  return process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
}

export function testRedisUrl(): string {
  return process.env.TEST_REDIS_URL ?? "redis://127.0.0.1:6379";
}

/** The same server and credentials, another database. */
export function databaseUrl(name: string, base = baseDatabaseUrl()): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

/** Database names go into DDL, which takes no parameters: only ever our own safe names. */
export function quoteIdent(name: string): string {
  if (!/^[a-z0-9_]+$/.test(name)) throw new Error(`refusing to use "${name}" as a database name`);
  return `"${name}"`;
}

/** Runs statements on the server's maintenance database with a short-lived connection. */
export async function withAdminClient<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: baseDatabaseUrl(), connectionTimeoutMillis: 5_000 });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end().catch(() => undefined);
  }
}
