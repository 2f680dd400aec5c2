// A council task running in the background (an import, issuing, a group top-up): a progress bar while it
// runs, refreshed every second or two (by the page itself without JavaScript), then what it did.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useLoaderData, useRevalidator } from "@remix-run/react";
import { useEffect } from "react";
import { isDomainError } from "~/domain/errors";
import { getCouncilJob, type GroupTopUpJobResult, type ImportResult, type IssueAllResult } from "~/domain/programmes";
import { requireOfficer } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { DataTable } from "~/ui/data-table";
import { Money } from "~/ui/money";
import { Notice } from "~/ui/notice";
import { CouncilShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Task progress – Playpass council console" }];

const TITLES = {
  ENROLMENT_IMPORT: "Importing young people",
  ISSUE_ALL: "Issuing passes",
  GROUP_TOP_UP: "Topping up a group",
  ACTIVATION_LETTERS: "Activation letters",
} as const;

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { councilId } = await requireOfficer(request);
  const db = getDb();
  const job = await getCouncilJob(db, councilId, params.jobId!).catch((error: unknown) => {
    if (isDomainError(error, "NOT_FOUND")) throw data({ message: error.message }, { status: 404 });
    throw error;
  });
  const council = await db.council.findUniqueOrThrow({ where: { id: councilId }, select: { name: true } });
  const input = job.input as { programmeId?: string; fileName?: string };
  const programme = input.programmeId ? await db.programme.findFirst({ where: { id: input.programmeId, councilId }, select: { id: true, name: true } }) : null;
  return {
    councilName: council.name,
    job: { id: job.id, kind: job.kind, status: job.status, processed: job.processed, total: job.total, error: job.error, result: job.result, fileName: input.fileName ?? null },
    programme,
  };
}

export default function JobPage() {
  const { councilName, job, programme } = useLoaderData<typeof loader>();
  const revalidator = useRevalidator();
  const running = job.status === "QUEUED" || job.status === "RUNNING";
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => {
      if (revalidator.state === "idle" && document.visibilityState === "visible") revalidator.revalidate();
    }, 1000);
    return () => clearInterval(timer);
  }, [running, revalidator]);
  const percent = job.total ? Math.min(100, Math.round((job.processed / job.total) * 100)) : 0;

  return (
    <CouncilShell councilName={councilName}>
      {running ? (
        <noscript>
          <meta httpEquiv="refresh" content="2" />
        </noscript>
      ) : null}
      <h1>{TITLES[job.kind]}</h1>
      {job.fileName ? <p>File: {job.fileName}</p> : null}
      {programme ? (
        <p>
          Programme: <Link to={`/council/programmes/${programme.id}`}>{programme.name}</Link>
        </p>
      ) : null}

      {running ? (
        <div className="job-progress">
          <label htmlFor="job-progress" className="job-progress__label">
            {job.status === "QUEUED" ? "Waiting to start…" : job.total === null ? (job.kind === "ENROLMENT_IMPORT" ? "Checking the file…" : "Getting ready…") : `${job.processed.toLocaleString("en-GB")} of ${job.total.toLocaleString("en-GB")} done`}
          </label>
          <progress id="job-progress" className="job-progress__bar" max={job.total ?? 100} value={job.total === null ? undefined : job.processed}>
            {percent}%
          </progress>
          <p className="hint">You can leave this page; the task carries on.</p>
        </div>
      ) : null}

      {job.status === "FAILED" ? (
        <Notice tone="error" title="This task did not finish">
          {job.error}
        </Notice>
      ) : null}
      {job.status === "SUCCEEDED" || job.status === "FAILED" ? <Outcome kind={job.kind} result={job.result} succeeded={job.status === "SUCCEEDED"} /> : null}
    </CouncilShell>
  );
}

function Outcome({ kind, result, succeeded }: { kind: keyof typeof TITLES; result: unknown; succeeded: boolean }) {
  if (kind === "ENROLMENT_IMPORT") {
    const r = result as Partial<ImportResult>;
    return (
      <>
        {succeeded ? (
          <Notice tone={r.badRows ? "warning" : "success"} title="Import finished">
            {(r.created ?? 0).toLocaleString("en-GB")} young people added and {(r.updated ?? 0).toLocaleString("en-GB")} updated
            {r.badRows ? `; ${r.badRows} ${r.badRows === 1 ? "row was" : "rows were"} not imported (listed below). Correct them and upload the file again: people already imported are updated, not added twice.` : "."}
            {r.elapsedMs !== undefined ? ` It took ${(r.elapsedMs / 1000).toFixed(1)} seconds.` : null}
          </Notice>
        ) : null}
        {r.errors && r.errors.length > 0 ? (
          <DataTable
            caption="Rows not imported, by line"
            columns={[
              { key: "line", header: "Line", numeric: true, cell: (e: { line: number; message: string }) => e.line },
              { key: "problem", header: "Problem", cell: (e: { line: number; message: string }) => e.message },
            ]}
            rows={r.errors}
            rowKey={(e) => `${e.line}-${e.message}`}
          />
        ) : null}
        {typeof (result as { reportRemovedAt?: unknown } | null)?.reportRemovedAt === "string" ? (
          // Tombstone left by the retention job (app/domain/privacy/retention-records.ts).
          <p>The list of rows not imported and the uploaded file were deleted when the council's retention period passed.</p>
        ) : null}
        <p>
          <Link to="/council/young-people">See young people</Link> · <Link to="/council/young-people/import">Import another file</Link>
        </p>
      </>
    );
  }
  if (kind === "ISSUE_ALL" && succeeded) {
    const r = result as IssueAllResult;
    return r.stoppedForBudget ? (
      <Notice tone="warning" title="Stopped: the budget ran out">
        {r.issued.toLocaleString("en-GB")} passes were issued (<Money pence={r.issuedPence} />). The next young person needed <Money pence={r.nextNeedsPence ?? 0} /> and only{" "}
        <Money pence={r.budgetLeftPence} /> is left, so nobody else was issued a pass. Raise the budget and issue again to reach the rest.
      </Notice>
    ) : (
      <Notice tone="success" title="Passes issued">
        {r.issued.toLocaleString("en-GB")} passes were issued (<Money pence={r.issuedPence} />). <Money pence={r.budgetLeftPence} /> is left in the budget.
      </Notice>
    );
  }
  if (kind === "GROUP_TOP_UP" && succeeded) {
    const r = result as GroupTopUpJobResult;
    return (
      <Notice tone={r.stoppedForBudget ? "warning" : "success"} title={r.stoppedForBudget ? "Stopped: the budget ran out" : "Top-ups given"}>
        {r.toppedUp.toLocaleString("en-GB")} passes were topped up (<Money pence={r.toppedUpPence} />). <Money pence={r.budgetLeftPence} /> is left in the budget.
      </Notice>
    );
  }
  return null;
}
