// One Prisma client per process, on PostgreSQL through the pg driver adapter, with a slow-query log.
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "~/generated/prisma/client";
import { getEnv } from "./env.server";
import { logger } from "./logger.server";

const SLOW_QUERY_MS = 200;

export function createPrismaClient(databaseUrl = getEnv().DATABASE_URL, poolSize = getEnv().DATABASE_POOL_SIZE) {
  const adapter = new PrismaPg({ connectionString: databaseUrl, max: poolSize });
  const client = new PrismaClient({
    adapter,
    log: [{ emit: "event", level: "query" }],
    transactionOptions: { maxWait: 10_000, timeout: 15_000 },
  });
  client.$on("query", (event) => {
    if (event.duration >= SLOW_QUERY_MS) {
      logger.warn({ durationMs: event.duration, query: event.query.slice(0, 500) }, "slow query");
    }
  });
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
