// One Prisma client per process, on PostgreSQL through the pg driver adapter, with a slow-query log.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "~/generated/prisma/client";
import { getEnv } from "./env.server";
import { logger } from "./logger.server";

const SLOW_QUERY_MS = 200;
/** At most one slow-query line this often; the others are counted into the next line. */
const SLOW_QUERY_LOG_EVERY_MS = 1_000;

type SlowQueryLine = { durationMs: number; query: string; alsoSlow: number };

/**
 * Reports queries slower than the threshold, at most once per interval with a count of the others. Under a surge
 * every query waits for a pooled connection and counts as slow: a line for each (3 per page at 50 connections)
 * spent the web process's CPU on logging exactly when it had none to spare.
 */
export function slowQueryReporter(report: (line: SlowQueryLine) => void, options = { thresholdMs: SLOW_QUERY_MS, everyMs: SLOW_QUERY_LOG_EVERY_MS }) {
  let lastAt = -Infinity;
  let unreported = 0;
  return (durationMs: number, query: string, now = Date.now()) => {
    if (durationMs < options.thresholdMs) return;
    if (now - lastAt < options.everyMs) {
      unreported++;
      return;
    }
    report({ durationMs, query: query.slice(0, 500), alsoSlow: unreported });
    lastAt = now;
    unreported = 0;
  };
}

export function createPrismaClient(databaseUrl = getEnv().DATABASE_URL, poolSize = getEnv().DATABASE_POOL_SIZE) {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: poolSize });
  const client = new PrismaClient({
    adapter,
    log: [{ emit: "event", level: "query" }],
    transactionOptions: { maxWait: 10_000, timeout: 15_000 },
  });
  const slowQuery = slowQueryReporter(({ durationMs, query, alsoSlow }) =>
    logger.warn({ durationMs, query, ...(alsoSlow > 0 ? { alsoSlowSinceLastLine: alsoSlow } : {}) }, "slow query"),
  );
  client.$on("query", (event) => slowQuery(event.duration, event.query));
  return client;
}

export type Db = ReturnType<typeof createPrismaClient>;
/** A client or an interactive transaction: what domain functions take. */
export type DbTx = Omit<Db, "$connect" | "$disconnect" | "$on" | "$transaction" | "$extends">;

const globalForPrisma = globalThis as unknown as { playpassPrisma?: Db };

/** The process's client; kept on globalThis so dev-server reloads reuse one pool. */
export function getDb(): Db {
  globalForPrisma.playpassPrisma ??= createPrismaClient();
  return globalForPrisma.playpassPrisma;
}

/** Replaces the process's client (tests point it at their own database). */
export function setDb(client: Db) {
  globalForPrisma.playpassPrisma = client;
}

// Prisma's codes for "could not reach / lost the server / pool exhausted", and PostgreSQL's connection and shutdown classes.
// P2028 is a transaction that could not start (no pooled connection within maxWait) or ran out of time and was
// rolled back: the bench's 200 concurrent bookings met it as a 500 (callers still look for a commit first).
const UNAVAILABLE_PRISMA_CODES = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2028"]);
const UNAVAILABLE_ADAPTER_KINDS = new Set(["DatabaseNotReachable", "ConnectionClosed", "SocketTimeout", "TooManyConnections"]);

/** A unique index refused a write: Prisma's P2002 from its own queries, PostgreSQL's 23505 through a raw one. */
export function isUniqueViolation(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, meta } = error as { code?: unknown; meta?: { code?: unknown; driverAdapterError?: { cause?: { kind?: string; code?: string } } } };
  if (code === "P2002") return true;
  const cause = meta?.driverAdapterError?.cause;
  return meta?.code === "23505" || cause?.kind === "UniqueConstraintViolation" || cause?.code === "23505";
}

/** True when a query failed because the database could not be reached or dropped the connection (so nothing was committed). */
export function isDatabaseUnavailable(error: unknown): boolean {
  if (typeof error !== "object" || error === null) return false;
  const { code, meta, message } = error as { code?: unknown; meta?: { driverAdapterError?: { cause?: { kind?: string; code?: string } } }; message?: unknown };
  if (typeof code === "string" && UNAVAILABLE_PRISMA_CODES.has(code)) return true;
  const cause = meta?.driverAdapterError?.cause;
  if (cause?.kind && UNAVAILABLE_ADAPTER_KINDS.has(cause.kind)) return true;
  if (cause?.kind === "postgres" && typeof cause.code === "string" && /^(08|57P0)/.test(cause.code)) return true;
  return typeof message === "string" && /Connection terminated unexpectedly/.test(message);
}
