// GET /api/v1/attendance/:reportId: whether a report has been matched yet, and the disputes it raised.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { attendanceReportDetail, disputeKindLabel } from "~/domain/reconciliation";
import { apiError, apiHandler, apiJson, authenticateApi } from "~/lib/api-auth.server";
import { getDb } from "~/lib/db.server";

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function loader({ request, params }: LoaderFunctionArgs) {
  return apiHandler(request, async () => {
    const client = await authenticateApi(request);
    if (!UUID.test(params.reportId ?? "")) return apiError(404, "NOT_FOUND", "We could not find that attendance report.");
    const report = await attendanceReportDetail(getDb(), { providerId: client.providerId, reportId: params.reportId! });
    return apiJson({
      report: {
        id: report.id,
        reference: report.reference,
        source: report.source,
        status: report.status,
        lines: report.lineCount,
        receivedAt: report.createdAt.toISOString(),
        processedAt: report.processedAt?.toISOString() ?? null,
        disputes: report.disputes.map((d) => ({ kind: d.kind, description: disputeKindLabel(d.kind), detail: d.detail, status: d.status, decision: d.decision, decisionNote: d.decisionNote })),
      },
    });
  });
}
