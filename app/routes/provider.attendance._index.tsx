// Attendance from the provider's own register: upload a CSV of who came; each bad row is listed by line and
// nothing is stored until the file is right; reports already sent and the disputes they raised.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { isDomainError } from "~/domain/errors";
import {
  ATTENDANCE_COLUMNS,
  csvReference,
  enqueueAttendanceReport,
  listAttendanceReports,
  parseAttendanceCsv,
  submitAttendanceReport,
  type RowProblem,
} from "~/domain/reconciliation";
import { requireProviderStaff } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { logger } from "~/lib/logger.server";
import { MB, parseUploadForm, readFormFile } from "~/lib/uploads.server";
import { DataTable } from "~/ui/data-table";
import { formatDateTime } from "~/ui/dates";
import { SubmitButton } from "~/ui/forms";
import { Notice } from "~/ui/notice";
import { ProviderShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Attendance – Playpass provider portal" }];

const MAX_FILE_BYTES = 2 * MB;

export async function loader({ request }: LoaderFunctionArgs) {
  const { providerId } = await requireProviderStaff(request, ["PROVIDER_MANAGER"]);
  const [provider, reports] = await Promise.all([
    getDb().provider.findUniqueOrThrow({ where: { id: providerId }, select: { name: true } }),
    listAttendanceReports(getDb(), providerId),
  ]);
  return { providerName: provider.name, reports, columns: ATTENDANCE_COLUMNS };
}

type Rejected = { outcome: "rejected"; fileError?: string; problems: RowProblem[]; goodRows: number };

export async function action({ request }: ActionFunctionArgs) {
  const { actor, providerId } = await requireProviderStaff(request, ["PROVIDER_MANAGER"]);
  let file;
  try {
    const form = await parseUploadForm(request, { maxFileBytes: MAX_FILE_BYTES });
    file = await readFormFile(form, "file", { accept: ["csv"], maxBytes: MAX_FILE_BYTES, label: "a CSV file" });
  } catch (error) {
    if (isDomainError(error)) return data<Rejected>({ outcome: "rejected", fileError: error.message, problems: [], goodRows: 0 }, { status: 400 });
    throw error;
  }
  const { rows, problems } = parseAttendanceCsv(new TextDecoder().decode(file.bytes));
  if (problems.length > 0) return data<Rejected>({ outcome: "rejected", problems, goodRows: rows.length }, { status: 400 });

  const report = await submitAttendanceReport(getDb(), {
    providerId,
    source: "CSV",
    reference: csvReference(file.originalName, file.bytes),
    rows,
    submittedByUserId: actor.userId,
  });
  // Stored first; if this enqueue is lost, the attendance sweep picks the report up.
  await enqueueAttendanceReport(report.reportId).catch((error: unknown) =>
    logger.warn({ reportId: report.reportId, error: error instanceof Error ? error.message : String(error) }, "attendance report not enqueued; the sweep will pick it up"),
  );
  throw redirect(`/provider/attendance/${report.reportId}${report.created ? "" : "?again=1"}`);
}

type Report = Awaited<ReturnType<typeof loader>>["reports"][number];

const STATUS_WORDS = { RECEIVED: "Being checked", PROCESSED: "Checked", FAILED: "Could not be checked" } as const;

export default function Attendance() {
  const { providerName, reports, columns } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <ProviderShell providerName={providerName}>
      <h1>Attendance</h1>
      <p>
        If your own register or till records who came, send it here. We compare it with the codes redeemed at your door and ask the council to
        look at anything that differs, so you are paid for everyone who came.
      </p>
      {result?.outcome === "rejected" ? (
        <Notice tone="error" title="Nothing was sent">
          {result.fileError ??
            `${result.problems.length} ${result.problems.length === 1 ? "problem" : "problems"} in the file (${result.goodRows} ${result.goodRows === 1 ? "row was" : "rows were"} fine). Correct the file and upload it again.`}
        </Notice>
      ) : null}
      {result?.outcome === "rejected" && result.problems.length > 0 ? (
        <DataTable
          caption="Problems by line"
          columns={[
            { key: "line", header: "Line", cell: (p: RowProblem) => p.line, numeric: true },
            { key: "problem", header: "Problem", cell: (p: RowProblem) => p.message },
          ]}
          rows={result.problems}
          rowKey={(p) => `${p.line}-${p.field ?? ""}-${p.message}`}
        />
      ) : null}

      <h2>Upload a register</h2>
      <p>
        A CSV file whose first line names the columns <code>{columns.join(",")}</code>. Put one booking code per line; in <code>attended</code> write
        yes or no (leave the column out if everyone on the list came). Sending the same file twice counts once.
      </p>
      <Form method="post" encType="multipart/form-data">
        <div className="field">
          <label htmlFor="file" className="field__label">
            CSV file (up to 2 MB)
          </label>
          <input id="file" name="file" type="file" accept=".csv,text/csv" required className="input" />
        </div>
        <SubmitButton pendingText="Checking…">Check and send</SubmitButton>
      </Form>

      <h2>Reports sent</h2>
      <DataTable
        caption="Attendance reports sent"
        captionHidden
        columns={[
          { key: "when", header: "Received", cell: (r: Report) => <Link to={`/provider/attendance/${r.id}`}>{formatDateTime(r.createdAt)}</Link>, rowHeader: true },
          { key: "source", header: "From", cell: (r: Report) => (r.source === "CSV" ? "Upload" : "API") },
          { key: "reference", header: "Reference", cell: (r: Report) => r.reference },
          { key: "lines", header: "Bookings", cell: (r: Report) => r.lineCount, numeric: true },
          { key: "status", header: "Status", cell: (r: Report) => STATUS_WORDS[r.status] },
          { key: "disputes", header: "Differences", cell: (r: Report) => r.disputes, numeric: true },
        ]}
        rows={reports}
        rowKey={(r) => r.id}
        empty="No reports yet."
      />
    </ProviderShell>
  );
}
