// The council's programmes: what each has funded, has left and has issued.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listProgrammes } from "~/domain/programmes";
import { requireOfficer } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { DataTable } from "~/ui/data-table";
import { formatDate } from "~/ui/dates";
import { Money } from "~/ui/money";
import { CouncilShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Programmes – Playpass council console" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { councilId } = await requireOfficer(request);
  const db = getDb();
  const [council, programmes] = await Promise.all([
    db.council.findUniqueOrThrow({ where: { id: councilId }, select: { name: true } }),
    listProgrammes(db, councilId),
  ]);
  return { councilName: council.name, programmes };
}

const STATUS = { DRAFT: "Draft", ACTIVE: "Active", CLOSED: "Closed" } as const;

export default function Programmes() {
  const { councilName, programmes } = useLoaderData<typeof loader>();
  type Row = (typeof programmes)[number];
  return (
    <CouncilShell councilName={councilName}>
      <h1>Programmes</h1>
      <p>
        <Link to="/council/programmes/new" className="button">
          Create a programme
        </Link>
      </p>
      <DataTable
        caption="Programmes"
        captionHidden
        empty="There are no programmes yet."
        rows={programmes}
        rowKey={(p) => p.id}
        columns={[
          { key: "name", header: "Programme", rowHeader: true, cell: (p: Row) => <Link to={`/council/programmes/${p.id}`}>{p.name}</Link> },
          { key: "status", header: "Status", cell: (p: Row) => <span className={`status-tag status-tag--${p.status.toLowerCase()}`}>{STATUS[p.status]}</span> },
          { key: "dates", header: "Runs", cell: (p: Row) => `${formatDate(p.startsOn)} to ${formatDate(p.endsOn)}` },
          { key: "budget", header: "Funded", numeric: true, cell: (p: Row) => <Money pence={p.budgetPence} /> },
          { key: "left", header: "Left to issue", numeric: true, cell: (p: Row) => <Money pence={p.budgetLeftPence} /> },
          { key: "passes", header: "Passes issued", numeric: true, cell: (p: Row) => p.allocations.toLocaleString("en-GB") },
        ]}
      />
    </CouncilShell>
  );
}
