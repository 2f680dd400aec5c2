// Stripe's onboarding link expired or was used: make a new one for the signed-in manager and send them back to Stripe.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { startStripeOnboarding } from "~/domain/settlement";
import { requireProviderStaff } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { getStripe } from "~/lib/stripe.server";
import { stripeReturnUrls } from "./provider.payments.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor, providerId } = await requireProviderStaff(request, ["PROVIDER_MANAGER"]);
  const stripe = getStripe();
  if (!stripe) return redirect("/provider/payments");
  const { url } = await startStripeOnboarding(getDb(), stripe, { providerId, actorUserId: actor.userId, ...stripeReturnUrls() });
  return redirect(url);
}
