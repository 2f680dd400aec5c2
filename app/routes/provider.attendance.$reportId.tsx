// One attendance report: its lines, and each difference from the door it raised with the council's decision.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData, useSearchParams } from "@remix-run/react";
import { isDomainError } from "~/domain/errors";
import { attendanceReportDetail, DECISION_LABELS, disputeKindLabel } from "~/domain/reconciliation";
import { requireProviderStaff } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { DataTable } from "~/ui/data-table";
import { formatDateTime } from "~/ui/dates";
import { Notice } from "~/ui/notice";
import { ProviderShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Attendance report – Playpass provider portal" }];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const STATUS_WORDS = { RECEIVED: "Being checked", PROCESSED: "Checked", FAILED: "Could not be checked" } as const;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { providerId } = await requireProviderStaff(request, ["PROVIDER_MANAGER"]);
  const notFound = () => data({ message: "We could not find that attendance report." }, { status: 404 });
  if (!UUID.test(params.reportId ?? "")) throw notFound();
  try {
    const [provider, report] = await Promise.all([
      getDb().provider.findUniqueOrThrow({ where: { id: providerId }, select: { name: true } }),
      attendanceReportDetail(getDb(), { providerId, reportId: params.reportId! }),
    ]);
    return {
      providerName: provider.name,
      report: {
        ...report,
        disputes: report.disputes.map((d) => ({ ...d, kindLabel: disputeKindLabel(d.kind), decisionLabel: d.decision ? DECISION_LABELS[d.decision] : null })),
      },
    };
  } catch (error) {
    if (isDomainError(error, "NOT_FOUND")) throw notFound();
    throw error;
  }
}

type Loaded = Awaited<ReturnType<typeof loader>>["report"];

export default function AttendanceReport() {
  const { providerName, report } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  return (
    <ProviderShell providerName={providerName}>
      <p>
        <Link to="/provider/attendance">All attendance reports</Link>
      </p>
      <h1>Attendance report</h1>
      {params.get("again") ? (
        <Notice tone="info" title="Already received">
          We already had this file, so it was not counted twice.
        </Notice>
      ) : null}
      {report.status === "RECEIVED" ? (
        <Notice tone="info" title="Being checked">
          We are comparing it with your door. Refresh this page in a minute.
        </Notice>
      ) : null}
      <dl className="summary-list">
        <div className="summary-list__row">
          <dt className="summary-list__key">Reference</dt>
          <dd className="summary-list__value">{report.reference}</dd>
        </div>
        <div className="summary-list__row">
          <dt className="summary-list__key">Received</dt>
          <dd className="summary-list__value">
            {formatDateTime(report.createdAt)} ({report.source === "CSV" ? "upload" : "API"})
          </dd>
        </div>
        <div className="summary-list__row">
          <dt className="summary-list__key">Status</dt>
          <dd className="summary-list__value">
            {STATUS_WORDS[report.status]}
            {report.processedAt ? ` ${formatDateTime(report.processedAt)}` : ""}
          </dd>
        </div>
      </dl>

      <h2>Differences from the door</h2>
      <DataTable
        caption="Differences raised with the council"
        captionHidden
        columns={[
          { key: "kind", header: "Difference", cell: (d: Loaded["disputes"][number]) => d.kindLabel, rowHeader: true },
          { key: "detail", header: "Detail", cell: (d: Loaded["disputes"][number]) => d.detail },
          {
            key: "decision",
            header: "Council decision",
            cell: (d: Loaded["disputes"][number]) =>
              d.decisionLabel ? (
                <>
                  {d.decisionLabel}
                  {d.decisionNote ? `: ${d.decisionNote}` : ""}
                </>
              ) : (
                "Waiting for the council"
              ),
          },
        ]}
        rows={report.disputes}
        rowKey={(d) => d.id}
        empty={report.status === "PROCESSED" ? "None: this report matches your door." : "None yet."}
      />

      <h2>Bookings in the report</h2>
      <DataTable
        caption="Lines of the report"
        captionHidden
        columns={[
          { key: "line", header: "Line", cell: (l: Loaded["lines"][number]) => l.line, numeric: true },
          { key: "code", header: "Booking code", cell: (l: Loaded["lines"][number]) => <code>{l.bookingCode}</code>, rowHeader: true },
          { key: "attended", header: "Reported", cell: (l: Loaded["lines"][number]) => (l.attended ? "Came" : "Did not come") },
        ]}
        rows={report.lines}
        rowKey={(l) => String(l.line)}
      />
    </ProviderShell>
  );
}
