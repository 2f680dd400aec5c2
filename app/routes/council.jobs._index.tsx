// The council's recent background tasks (imports, issuing, group top-ups), newest first, with how far each got.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listCouncilJobs } from "~/domain/programmes";
import { requireOfficer } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { DataTable } from "~/ui/data-table";
import { formatDateTime } from "~/ui/dates";
import { CouncilShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Recent tasks – Playpass council console" }];

const KINDS = { ENROLMENT_IMPORT: "Import", ISSUE_ALL: "Issue passes", GROUP_TOP_UP: "Group top-up", ACTIVATION_LETTERS: "Letters" } as const;
const STATUSES = { QUEUED: "Waiting to start", RUNNING: "Running", SUCCEEDED: "Finished", FAILED: "Did not finish" } as const;

export async function loader({ request }: LoaderFunctionArgs) {
  const { councilId } = await requireOfficer(request);
  const db = getDb();
  const [council, jobs] = await Promise.all([db.council.findUniqueOrThrow({ where: { id: councilId }, select: { name: true } }), listCouncilJobs(db, councilId, 50)]);
  return { councilName: council.name, jobs };
}

export default function Jobs() {
  const { councilName, jobs } = useLoaderData<typeof loader>();
  type Row = (typeof jobs)[number];
  return (
    <CouncilShell councilName={councilName}>
      <h1>Recent tasks</h1>
      <DataTable
        caption="The last 50 imports, issuing runs and group top-ups"
        empty="Nothing has run yet."
        rows={jobs}
        rowKey={(j) => j.id}
        columns={[
          { key: "when", header: "Started", rowHeader: true, cell: (j: Row) => <Link to={`/council/jobs/${j.id}`}>{formatDateTime(j.createdAt)}</Link> },
          { key: "kind", header: "Task", cell: (j: Row) => KINDS[j.kind] },
          { key: "what", header: "Of", cell: (j: Row) => (j.input as { fileName?: string }).fileName ?? "—" },
          { key: "status", header: "Status", cell: (j: Row) => STATUSES[j.status] },
          { key: "done", header: "Done", numeric: true, cell: (j: Row) => (j.total === null ? "—" : `${j.processed.toLocaleString("en-GB")} of ${j.total.toLocaleString("en-GB")}`) },
        ]}
      />
    </CouncilShell>
  );
}
