// Background work for this council that failed for good (retries used up, or a permanent error), with the reason.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { requireOfficer } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { DataTable } from "~/ui/data-table";
import { formatDateTime } from "~/ui/dates";
import { CouncilShell } from "~/ui/shells";
import { failedJobsOfCouncil, type CouncilFailedJob } from "./council.failed-jobs.server";

export const meta: MetaFunction = () => [{ title: "Failed background work – Playpass council console" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { councilId } = await requireOfficer(request);
  const db = getDb();
  const [council, jobs] = await Promise.all([db.council.findUniqueOrThrow({ where: { id: councilId }, select: { name: true } }), failedJobsOfCouncil(db, councilId)]);
  return { councilName: council.name, jobs };
}

export default function CouncilFailedJobs() {
  const { councilName, jobs } = useLoaderData<typeof loader>();
  return (
    <CouncilShell councilName={councilName}>
      <h1>Failed background work</h1>
      <p>
        Work Playpass does in the background is tried again several times, waiting longer each time. What is listed here failed every time, or
        could not work at all. Nothing in it has been half done: fix the cause (the reason says what went wrong), then ask Playpass support to run it
        again, or use the link to act on the record.
      </p>
      <DataTable
        caption="Failed background work, newest first"
        captionHidden
        columns={[
          { key: "what", header: "What", rowHeader: true, cell: (j: CouncilFailedJob) => (j.link ? <Link to={j.link}>{j.what}</Link> : j.what) },
          { key: "reason", header: "Reason", cell: (j: CouncilFailedJob) => j.failedReason },
          { key: "attempts", header: "Attempts", numeric: true, cell: (j: CouncilFailedJob) => j.attemptsMade },
          { key: "when", header: "Failed", cell: (j: CouncilFailedJob) => (j.failedAt ? formatDateTime(j.failedAt) : "–") },
        ]}
        rows={jobs}
        rowKey={(j) => `${j.queue}:${j.id}`}
        empty="Nothing has failed. Background work is up to date."
      />
    </CouncilShell>
  );
}
