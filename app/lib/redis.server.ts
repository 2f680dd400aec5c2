// Redis connections: producers in the web app fail fast when Redis is down; workers wait for it.
import { Redis, type RedisOptions } from "ioredis";
import { getEnv } from "./env.server";
import { logger } from "./logger.server";

export function createRedis(kind: "producer" | "worker", extra: RedisOptions = {}) {
  const redis = new Redis(getEnv().REDIS_URL, {
    ...(kind === "worker" ? { maxRetriesPerRequest: null } : { enableOfflineQueue: false, maxRetriesPerRequest: 2 }),
    lazyConnect: false,
    ...extra,
  });
  reportOutages(redis, kind);
  return redis;
}

/**
 * ioredis emits an error for every failed reconnect, and with no listener prints "Unhandled error event" each
 * time. One line when Redis goes away and one when it is back; callers still get their own command errors.
 */
function reportOutages(redis: Redis, kind: "producer" | "worker") {
  let down = false;
  redis.on("error", (error: Error) => {
    if (down) return;
    down = true;
    logger.warn({ redis: kind, error: error.message }, "Redis is not reachable; reconnecting");
  });
  redis.on("ready", () => {
    if (down) logger.info({ redis: kind }, "Redis is reachable again");
    down = false;
  });
}

const globalForRedis = globalThis as unknown as { playpassRedis?: Redis };

/** The web process's shared producer connection (queues and rate limits). */
export function getRedis(): Redis {
  globalForRedis.playpassRedis ??= createRedis("producer");
  return globalForRedis.playpassRedis;
}

/** The producer connection once it is ready; with no offline queue, commands sent before that fail. */
export async function readyRedis(timeoutMs = 2_000): Promise<Redis> {
  const redis = getRedis();
  if (redis.status === "ready") return redis;
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      redis.off("ready", onReady);
      reject(new Error(`Redis at ${getEnv().REDIS_URL} is not reachable`));
    }, timeoutMs);
    const onReady = () => {
      clearTimeout(timer);
      resolve();
    };
    redis.once("ready", onReady);
  });
  return redis;
}

export async function closeRedis() {
  await globalForRedis.playpassRedis?.quit().catch(() => undefined);
  globalForRedis.playpassRedis = undefined;
}

/** BullMQ loses jobs when Redis may evict keys: the worker process refuses to start unless the policy is noeviction. */
export async function evictionPolicyProblem(redis: Redis): Promise<string | null> {
  const [, policy] = (await redis.config("GET", "maxmemory-policy")) as [string, string];
  return policy === "noeviction"
    ? null
    : `Redis maxmemory-policy is "${policy}", which can evict queued jobs. Run: redis-cli config set maxmemory-policy noeviction`;
}
