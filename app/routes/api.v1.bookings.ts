// GET /api/v1/bookings?date=YYYY-MM-DD: the key's provider's bookings on that Europe/London day.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { providerBookingsOn } from "~/domain/reconciliation";
import { apiError, apiHandler, apiJson, authenticateApi, fieldsOf, methodNotAllowed } from "~/lib/api-auth.server";
import { getDb } from "~/lib/db.server";

const query = z.object({
  date: z
    .string({ error: "Give the day as date=YYYY-MM-DD." })
    .regex(/^\d{4}-\d{2}-\d{2}$/, { message: "Give the day as YYYY-MM-DD, like 2026-11-23.", abort: true })
    .refine((d) => !Number.isNaN(Date.parse(`${d}T00:00:00Z`)) && new Date(`${d}T00:00:00Z`).toISOString().startsWith(d), "That is not a real date."),
});

export async function loader({ request }: LoaderFunctionArgs) {
  return apiHandler(request, async () => {
    const client = await authenticateApi(request);
    const parsed = query.safeParse(Object.fromEntries(new URL(request.url).searchParams));
    if (!parsed.success) return apiError(400, "INVALID_INPUT", "The query is not right: see fields.", fieldsOf(parsed.error));
    const bookings = await providerBookingsOn(getDb(), { providerId: client.providerId, day: parsed.data.date });
    return apiJson({ date: parsed.data.date, bookings });
  });
}

export async function action({ request }: ActionFunctionArgs) {
  return apiHandler(request, async () => methodNotAllowed("GET"));
}
