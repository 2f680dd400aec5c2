// Server-only helpers of the provider payments pages.
import { getEnv } from "~/lib/env.server";

/** Stripe sends the provider back here; the refresh link makes a new onboarding link (they expire). */
export function stripeReturnUrls() {
  const base = getEnv().APP_URL;
  return { returnUrl: `${base}/provider/payments/stripe-return`, refreshUrl: `${base}/provider/payments/stripe-refresh` };
}
