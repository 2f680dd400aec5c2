// POST /api/v1/redemptions { code }: redeems a booking at the key's provider, as the door does. Idempotent.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { redeemBooking } from "~/domain/booking";
import { bookingCodeSchema } from "~/domain/reconciliation/attendance";
import { apiHandler, authenticateApi, idempotencyKeyOf, idempotent, methodNotAllowed, readJsonBody } from "~/lib/api-auth.server";
import { getDb } from "~/lib/db.server";

const body = z.strictObject({ code: bookingCodeSchema });

export async function action({ request }: ActionFunctionArgs) {
  return apiHandler(request, async () => {
    if (request.method !== "POST") return methodNotAllowed("POST");
    const client = await authenticateApi(request);
    const key = idempotencyKeyOf(request);
    const { value, raw } = await readJsonBody(request, body);
    return idempotent(request, client, key, raw, async () => {
      const result = await redeemBooking(getDb(), { code: value.code, providerId: client.providerId, actor: { userId: null, name: `API: ${client.keyName}` } });
      return {
        status: result.outcome === "REDEEMED" ? 201 : 200,
        body: {
          redemption: {
            code: value.code,
            outcome: result.outcome,
            redeemedAt: result.redeemedAt.toISOString(),
            redeemedBy: result.redeemedByName,
            firstName: result.firstName,
            ageBand: result.ageBand,
            activity: result.activityTitle,
            slotStartsAt: result.slotStartsAt.toISOString(),
          },
        },
      };
    });
  });
}

export async function loader({ request }: LoaderFunctionArgs) {
  return apiHandler(request, async () => methodNotAllowed("POST"));
}
