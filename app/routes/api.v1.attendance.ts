// POST /api/v1/attendance { reference?, lines: [{ code, attended }] }: a report of who came, matched by the worker.
import type { ActionFunctionArgs, LoaderFunctionArgs } from "@remix-run/node";
import { apiAttendanceSchema, checkApiAttendanceLines, enqueueAttendanceReport, submitAttendanceReport } from "~/domain/reconciliation";
import { apiError, apiHandler, authenticateApi, idempotencyKeyOf, idempotent, methodNotAllowed, readJsonBody } from "~/lib/api-auth.server";
import { getDb } from "~/lib/db.server";
import { logger } from "~/lib/logger.server";

export async function action({ request }: ActionFunctionArgs) {
  return apiHandler(request, async () => {
    if (request.method !== "POST") return methodNotAllowed("POST");
    const client = await authenticateApi(request);
    const key = idempotencyKeyOf(request);
    const { value, raw } = await readJsonBody(request, apiAttendanceSchema);
    const { rows, problems } = checkApiAttendanceLines(value.lines);
    if (problems.length > 0) {
      const fields: Record<string, string[]> = {};
      for (const p of problems) (fields[`lines.${p.line - 1}${p.field ? `.${p.field}` : ""}`] ??= []).push(p.message);
      return apiError(400, "INVALID_INPUT", `${problems.length} ${problems.length === 1 ? "line has a problem" : "lines have problems"}: see fields. Nothing was stored.`, fields);
    }
    return idempotent(request, client, key, raw, async () => {
      const report = await submitAttendanceReport(getDb(), { providerId: client.providerId, source: "API", reference: value.reference ?? key, rows, submittedByUserId: null });
      // The report is stored; if this enqueue is lost, the attendance sweep finds it.
      await enqueueAttendanceReport(report.reportId).catch((error: unknown) =>
        logger.warn({ reportId: report.reportId, error: error instanceof Error ? error.message : String(error) }, "attendance report not enqueued; the sweep will pick it up"),
      );
      return {
        status: 202,
        body: { report: { id: report.reportId, reference: value.reference ?? key, lines: rows.length, status: report.status, statusUrl: `/api/v1/attendance/${report.reportId}` } },
      };
    });
  });
}

export async function loader({ request }: LoaderFunctionArgs) {
  return apiHandler(request, async () => methodNotAllowed("POST"));
}
