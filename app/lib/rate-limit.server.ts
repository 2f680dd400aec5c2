// Rate limits on guessable things (codes, sign-in requests), per target and per address, kept in Redis.
import { RateLimiterRedis, RateLimiterRes } from "rate-limiter-flexible";
import { getEnv } from "./env.server";
import { getRedis, readyRedis } from "./redis.server";
import { CLIENT_ADDRESS_HEADER } from "./http-guards.server";

type Limit = { points: number; durationSeconds: number };

export const LIMITS = {
  signInRequestPerTarget: { points: 5, durationSeconds: 15 * 60 },
  signInRequestPerIp: { points: 30, durationSeconds: 60 * 60 },
  signInVerifyPerTarget: { points: 10, durationSeconds: 15 * 60 },
  signInVerifyPerIp: { points: 60, durationSeconds: 60 * 60 },
  // Over a day too: 10 tries a quarter-hour would otherwise give a patient guesser ~1 in 1,000 a day at one account.
  signInVerifyPerTargetDay: { points: 30, durationSeconds: 24 * 60 * 60 },
  // A door scans one code every few seconds at most; far more means someone is guessing codes.
  redeemPerUser: { points: 300, durationSeconds: 10 * 60 },
  // Every door device behind one venue's address together; stops one machine guessing with many staff accounts.
  redeemPerIp: { points: 600, durationSeconds: 10 * 60 },
  // The providers' JSON API: a leisure system syncing a busy day stays well under these; a key guesser does not.
  apiPerIp: { points: 1_200, durationSeconds: 60 },
  apiPerKey: { points: 600, durationSeconds: 60 },
  // Wrong API keys: a system with a good key never sends these, a guesser sends little else.
  apiKeyFailuresPerIp: { points: 20, durationSeconds: 15 * 60 },
  // Per key prefix only wrong keys are refused: the prefix is no secret, and its holder's right key always gets in.
  apiKeyFailuresPerPrefix: { points: 20, durationSeconds: 15 * 60 },
} satisfies Record<string, Limit>;

const limiters = new Map<string, RateLimiterRedis>();

function limiter(name: keyof typeof LIMITS) {
  let existing = limiters.get(name);
  if (!existing) {
    const limit = LIMITS[name];
    existing = new RateLimiterRedis({
      storeClient: getRedis(),
      keyPrefix: `${getEnv().REDIS_PREFIX}:rl:${name}`,
      points: limit.points * getEnv().RATE_LIMIT_MULTIPLIER,
      duration: limit.durationSeconds,
    });
    limiters.set(name, existing);
  }
  return existing;
}

export class RateLimited extends Error {
  override name = "RateLimited";
  constructor(readonly retryAfterSeconds: number) {
    super(`Too many attempts. Try again in ${Math.ceil(retryAfterSeconds / 60)} minutes.`);
  }
}

/** Spends one point of each named limit for its key; throws RateLimited when any is used up. */
export async function consume(checks: Array<[keyof typeof LIMITS, string]>) {
  await readyRedis();
  for (const [name, key] of checks) {
    try {
      await limiter(name).consume(key);
    } catch (error) {
      if (error instanceof RateLimiterRes) throw new RateLimited(Math.max(1, Math.round(error.msBeforeNext / 1000)));
      throw error;
    }
  }
}

/** Throws RateLimited when any named limit is already used up for its key, without spending a point. */
export async function ensureNotLimited(checks: Array<[keyof typeof LIMITS, string]>) {
  await readyRedis();
  for (const [name, key] of checks) {
    const used = await limiter(name).get(key);
    if (used && used.consumedPoints >= limiter(name).points) throw new RateLimited(Math.max(1, Math.round(used.msBeforeNext / 1000)));
  }
}

/**
 * The client's address as the production server worked it out (app/serve.ts: the socket's address, or
 * the one a trusted proxy reported). Anything the client wrote in that header was thrown away there.
 */
export function clientAddress(request: Request): string {
  return request.headers.get(CLIENT_ADDRESS_HEADER) || "local";
}
