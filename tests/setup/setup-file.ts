// Runs at the start of every test file: its own database copied from the migrated template, its own
// Redis key prefix, MSW in front of Stripe and Notify, and a failing test for any unexpected console.error.
// The file's database outlives the file: the run's global teardown drops them all (tests/setup/global-setup.ts).
import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import { afterAll, afterEach, beforeEach, inject } from "vitest";
import { mswServer, resetFakes } from "../mocks/server";
import { assertNoUnexpectedConsoleErrors, captureConsoleErrors } from "./console";
import { databaseUrl, quoteIdent, testRedisUrl, withAdminClient } from "./databases";

process.env.NODE_ENV = "test";

const poolId = process.env.VITEST_POOL_ID ?? "0";
const suffix = randomBytes(5).toString("hex");
const databaseName = `${inject("fileDatabasePrefix")}${poolId}_${suffix}`;
const template = inject("templateDatabase");
await createDatabaseFromTemplate(databaseName, template);

// Before the app reads its environment for the first time: the app's code sees this file's database and prefix.
const redisPrefix = `test:${poolId}:${suffix}`;
process.env.DATABASE_URL = databaseUrl(databaseName);
process.env.REDIS_URL ??= testRedisUrl();
process.env.REDIS_PREFIX = redisPrefix;

const { createPrismaClient, setDb } = await import("~/lib/db.server");
const db = createPrismaClient(process.env.DATABASE_URL, 20);
setDb(db);

captureConsoleErrors();
mswServer.listen({ onUnhandledRequest: "error" });

beforeEach(() => {
  resetFakes();
});

afterEach((context) => {
  mswServer.resetHandlers();
  assertNoUnexpectedConsoleErrors(`"${context.task.name}"`);
});

afterAll(async () => {
  mswServer.close();
  await db.$disconnect();
  const { closeRedis } = await import("~/lib/redis.server");
  await closeRedis();
  await deleteRedisKeys(redisPrefix);
});

async function createDatabaseFromTemplate(name: string, templateName: string) {
  await withAdminClient(async (admin) => {
    for (let attempt = 1; ; attempt++) {
      try {
        await admin.query(`CREATE DATABASE ${quoteIdent(name)} TEMPLATE ${quoteIdent(templateName)}`);
        return;
      } catch (error) {
        // The template is briefly "being accessed" while another file's copy starts; wait and try again.
        const busy = error instanceof Error && /being accessed by other users/.test(error.message);
        if (!busy || attempt >= 20) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100 * attempt));
      }
    }
  });
}

async function deleteRedisKeys(prefix: string) {
  const redis = new Redis(testRedisUrl(), { lazyConnect: true, maxRetriesPerRequest: 1, enableOfflineQueue: true });
  try {
    await redis.connect();
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 500);
      if (keys.length > 0) await redis.del(...keys);
      cursor = next;
    } while (cursor !== "0");
  } finally {
    redis.disconnect();
  }
}
