// The one place environment variables are read: validated once, at start, with a message naming each bad one.
import { z } from "zod";

const LOCAL_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/playpass";
const LOCAL_REDIS_URL = "redis://127.0.0.1:6379";
const DEV_SESSION_SECRET = "development-only-secret-change-me-in-production";

const url = (protocols: string[]) =>
  z
    .string()
    .url({ message: `expected a URL starting with ${protocols.join(" or ")}` })
    .refine((value) => protocols.some((p) => value.startsWith(`${p}//`)), {
      message: `expected a URL starting with ${protocols.join(" or ")}`,
    });

const optionalSecret = (prefix: string, what: string) =>
  z
    .string()
    .trim()
    .transform((value) => (value === "" ? undefined : value))
    .pipe(z.string().startsWith(prefix, { message: `expected ${what} starting with "${prefix}"` }).optional())
    .optional();

export const envSchema = z
  .object({
    NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
    PORT: z.coerce.number().int().min(1).max(65535).default(3000),
    APP_URL: url(["http:", "https:"]).default("http://localhost:3000"),
    DATABASE_URL: url(["postgresql:", "postgres:"]).default(LOCAL_DATABASE_URL),
    DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
    REDIS_URL: url(["redis:", "rediss:"]).default(LOCAL_REDIS_URL),
    // Prefixes every BullMQ and rate-limit key, so test runs and tenants of one Redis never collide.
    REDIS_PREFIX: z.string().regex(/^[a-z0-9:_-]+$/, "expected lower-case letters, digits, ':', '_' or '-'").default("playpass"),
    SESSION_SECRET: z.string().min(32, "expected at least 32 characters of random text").default(DEV_SESSION_SECRET),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
    STRIPE_SECRET_KEY: optionalSecret("sk_", "a Stripe secret key"),
    STRIPE_WEBHOOK_SECRET: optionalSecret("whsec_", "a Stripe webhook signing secret"),
    // Where the Stripe API is; unset means api.stripe.com. For stripe-mock or a test double only.
    STRIPE_API_BASE: url(["http:", "https:"]).optional(),
    NOTIFY_API_KEY: z
      .string()
      .trim()
      .transform((value) => (value === "" ? undefined : value))
      .pipe(
        z
          .string()
          .regex(/-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, {
            message: "expected a GOV.UK Notify API key (name-serviceId-secret)",
          })
          .optional(),
      )
      .optional(),
    NOTIFY_SMS_TEMPLATE_ID: z.string().uuid("expected a Notify template id (a UUID)").optional(),
    NOTIFY_EMAIL_TEMPLATE_ID: z.string().uuid("expected a Notify template id (a UUID)").optional(),
    UPLOAD_DIR: z.string().min(1).default("var/uploads"),
    // The page that shows every message instead of sending it. On by default outside production;
    // a demo may switch it on, and it is always off when Notify sends for real.
    DEV_OUTBOX: z.enum(["on", "off"]).optional(),
    // Multiplies every rate limit. Browser and load tests sign many people in from one address;
    // a live service keeps 1.
    RATE_LIMIT_MULTIPLIER: z.coerce.number().int().min(1).max(10_000).default(1),
    // How many proxies in front of the web server to believe about the client's address (0: none).
    TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
    // One line per request (method, path without secrets, status, time) from the production server.
    ACCESS_LOG: z.enum(["on", "off"]).default("on"),
  })
  .superRefine((env, ctx) => {
    if (env.NODE_ENV === "production" && env.SESSION_SECRET === DEV_SESSION_SECRET) {
      ctx.addIssue({ code: "custom", path: ["SESSION_SECRET"], message: "must be set to a secret of your own in production" });
    }
    if (env.NOTIFY_API_KEY && (!env.NOTIFY_SMS_TEMPLATE_ID || !env.NOTIFY_EMAIL_TEMPLATE_ID)) {
      ctx.addIssue({
        code: "custom",
        path: [env.NOTIFY_SMS_TEMPLATE_ID ? "NOTIFY_EMAIL_TEMPLATE_ID" : "NOTIFY_SMS_TEMPLATE_ID"],
        message: "is required when NOTIFY_API_KEY is set (a template with ((subject)) and ((body)) placeholders)",
      });
    }
  });

export type Env = z.infer<typeof envSchema>;

export class EnvError extends Error {
  override name = "EnvError";
}

/** Parses an environment; throws an EnvError listing every bad variable and what it expects. */
export function parseEnv(source: Record<string, string | undefined>): Env {
  const result = envSchema.safeParse(source);
  if (result.success) return result.data;
  const lines = result.error.issues.map((issue) => `  ${issue.path.join(".") || "(environment)"}: ${issue.message}`);
  return failEnv(lines);
}

function failEnv(lines: string[]): never {
  throw new EnvError(`Invalid environment configuration:\n${lines.join("\n")}`);
}

/** Whether /dev/outbox shows messages: never while Notify is sending for real. */
export function outboxPageEnabled(env: Env = getEnv()): boolean {
  if (env.NOTIFY_API_KEY) return false;
  return env.DEV_OUTBOX === "on" || (env.NODE_ENV !== "production" && env.DEV_OUTBOX !== "off");
}

let cached: Env | undefined;

/** The validated environment of this process. */
export function getEnv(): Env {
  cached ??= parseEnv(process.env);
  return cached;
}

/** Forgets the cached environment so the next getEnv() reads process.env again (tests that change it). */
export function resetEnvForTests() {
  cached = undefined;
}

/** Validates at start; prints what is wrong and exits, so a bad deploy never half-starts. */
export function assertEnvAtStartup(): Env {
  try {
    return getEnv();
  } catch (error) {
    if (error instanceof EnvError) {
      console.error(error.message);
      process.exit(1);
    }
    throw error;
  }
}
