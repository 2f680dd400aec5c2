// The one Stripe client of a process, through the official `stripe` package; null when no key is set
// (then providers are paid by the council's bank payment file).
import Stripe from "stripe";
import { getEnv } from "./env.server";

export type StripeClient = Stripe;

let cached: { key: string; client: Stripe } | undefined;

/** The Stripe client, or null when STRIPE_SECRET_KEY is not set. */
export function getStripe(): Stripe | null {
  const { STRIPE_SECRET_KEY: key, STRIPE_API_BASE: base } = getEnv();
  if (!key) return null;
  const cacheKey = `${key} ${base ?? ""}`;
  if (cached?.key !== cacheKey) {
    const api = base ? new URL(base) : null;
    cached = {
      key: cacheKey,
      // No retries inside the SDK: its own retry key lives only in memory. Our payout code retries
      // with the key it saved in the database, so a retry after a crash still reaches the same transfer.
      client: new Stripe(key, {
        maxNetworkRetries: 0,
        timeout: 20_000,
        appInfo: { name: "Playpass" },
        ...(api ? { host: api.hostname, port: Number(api.port || (api.protocol === "https:" ? 443 : 80)), protocol: api.protocol.replace(":", "") as "http" | "https" } : {}),
      }),
    };
  }
  return cached.client;
}

/** The webhook signing secret, or null when the endpoint is not configured. */
export function getStripeWebhookSecret(): string | null {
  return getEnv().STRIPE_WEBHOOK_SECRET ?? null;
}

export { Stripe };
