// Shared by the statement page and its CSV and PDF downloads: managers only, this provider's payouts only.
import { data } from "@remix-run/node";
import { z } from "zod";
import { isDomainError } from "~/domain/errors";
import { payoutStatement } from "~/domain/providers/earnings";
import { requireProviderStaff } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";

export async function loadStatement(request: Request, payoutId: string | undefined) {
  const { providerId } = await requireProviderStaff(request, ["PROVIDER_MANAGER"]);
  if (!z.string().uuid().safeParse(payoutId).success) throw data({ message: "We could not find that payout." }, { status: 404 });
  try {
    return await payoutStatement(getDb(), { providerId, payoutId: payoutId! });
  } catch (error) {
    if (isDomainError(error, "NOT_FOUND")) throw data({ message: error.message }, { status: 404 });
    throw error;
  }
}
