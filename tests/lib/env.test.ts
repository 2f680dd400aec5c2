import { describe, expect, it } from "vitest";
import { EnvError, parseEnv } from "~/lib/env.server";

function envErrorOf(source: Record<string, string | undefined>): EnvError {
  try {
    parseEnv(source);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvError);
    return error as EnvError;
  }
  throw new Error("expected parseEnv to reject this environment");
}

const PRODUCTION_SECRET = "a-production-secret-of-at-least-32-characters";

describe("parseEnv", () => {
  it("defaults every service to this machine (127.0.0.1), never a remote host", () => {
    const env = parseEnv({});
    expect(env.NODE_ENV).toBe("development");
    expect(new URL(env.DATABASE_URL).hostname).toBe("127.0.0.1");
    expect(new URL(env.REDIS_URL).hostname).toBe("127.0.0.1");
    expect(env.STRIPE_SECRET_KEY).toBeUndefined();
    expect(env.NOTIFY_API_KEY).toBeUndefined();
  });

  it("treats an empty optional secret as unset", () => {
    expect(parseEnv({ STRIPE_SECRET_KEY: "  ", NOTIFY_API_KEY: "" })).toMatchObject({ STRIPE_SECRET_KEY: undefined, NOTIFY_API_KEY: undefined });
  });

  it("rejects a DATABASE_URL that is not a PostgreSQL URL, naming the variable", () => {
    expect(envErrorOf({ DATABASE_URL: "mysql://root@127.0.0.1/playpass" }).message).toMatch(/DATABASE_URL: expected a URL starting with postgresql:/);
    expect(envErrorOf({ DATABASE_URL: "not a url" }).message).toContain("DATABASE_URL");
  });

  it("rejects a SESSION_SECRET shorter than 32 characters, naming the variable", () => {
    const error = envErrorOf({ NODE_ENV: "production", SESSION_SECRET: "too-short" });
    expect(error.message).toMatch(/SESSION_SECRET: expected at least 32 characters/);
  });

  it("refuses the development session secret in production", () => {
    expect(envErrorOf({ NODE_ENV: "production" }).message).toMatch(/SESSION_SECRET: must be set to a secret of your own in production/);
    expect(parseEnv({ NODE_ENV: "production", SESSION_SECRET: PRODUCTION_SECRET }).SESSION_SECRET).toBe(PRODUCTION_SECRET);
  });

  it("rejects a STRIPE_SECRET_KEY that is not a secret key (a publishable key, say), naming the variable", () => {
    const error = envErrorOf({ STRIPE_SECRET_KEY: "pk_test_123" });
    expect(error.message).toMatch(/STRIPE_SECRET_KEY: expected a Stripe secret key starting with "sk_"/);
    expect(parseEnv({ STRIPE_SECRET_KEY: "sk_test_123" }).STRIPE_SECRET_KEY).toBe("sk_test_123");
  });

  it("lists every bad variable at once", () => {
    const error = envErrorOf({ DATABASE_URL: "nope", REDIS_URL: "http://127.0.0.1:6379", STRIPE_SECRET_KEY: "rk_live_x" });
    expect(error.message).toContain("DATABASE_URL");
    expect(error.message).toContain("REDIS_URL");
    expect(error.message).toContain("STRIPE_SECRET_KEY");
  });
});
