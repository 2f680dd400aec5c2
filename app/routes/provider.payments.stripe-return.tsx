// Where Stripe sends a provider back after onboarding: re-read the account from Stripe, then show the payments page.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { syncStripeAccount } from "~/domain/settlement";
import { requireProviderStaff } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { logger } from "~/lib/logger.server";
import { getStripe } from "~/lib/stripe.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { providerId } = await requireProviderStaff(request, ["PROVIDER_MANAGER"]);
  const stripe = getStripe();
  const provider = await getDb().provider.findUniqueOrThrow({ where: { id: providerId }, select: { stripeAccountId: true } });
  if (stripe && provider.stripeAccountId) {
    // The webhook says the same soon after; reading now shows the provider where they stand at once.
    await syncStripeAccount(getDb(), stripe, { accountId: provider.stripeAccountId }).catch((error: unknown) =>
      logger.warn({ providerId, error: error instanceof Error ? error.message : String(error) }, "stripe account not re-read on return"),
    );
  }
  return redirect("/provider/payments?done=stripe-return");
}
