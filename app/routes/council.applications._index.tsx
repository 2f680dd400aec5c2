// Pass applications from the public form, oldest first, for an officer to check and decide.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { listPassApplications } from "~/domain/programmes";
import { requireOfficer } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { DataTable } from "~/ui/data-table";
import { formatDate, formatDateTime } from "~/ui/dates";
import { CouncilShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Pass applications – Playpass council console" }];

const VIEWS = { PENDING: "Waiting for a decision", APPROVED: "Approved", REJECTED: "Rejected" } as const;

export async function loader({ request }: LoaderFunctionArgs) {
  const { councilId } = await requireOfficer(request);
  const status = z.enum(["PENDING", "APPROVED", "REJECTED"]).catch("PENDING").parse(new URL(request.url).searchParams.get("status") ?? "PENDING");
  const db = getDb();
  const [council, applications] = await Promise.all([
    db.council.findUniqueOrThrow({ where: { id: councilId }, select: { name: true } }),
    listPassApplications(db, councilId, status),
  ]);
  return { councilName: council.name, status, applications };
}

export default function Applications() {
  const { councilName, status, applications } = useLoaderData<typeof loader>();
  type Row = (typeof applications)[number];
  return (
    <CouncilShell councilName={councilName}>
      <h1>Pass applications</h1>
      <nav aria-label="Applications" className="action-links">
        {Object.entries(VIEWS).map(([value, label]) => (
          <Link key={value} to={`?status=${value}`} aria-current={value === status ? "page" : undefined}>
            {label}
          </Link>
        ))}
      </nav>
      <DataTable
        caption={VIEWS[status]}
        empty={status === "PENDING" ? "No applications are waiting." : "None yet."}
        rows={applications}
        rowKey={(a) => a.id}
        columns={[
          { key: "name", header: "Name", rowHeader: true, cell: (a: Row) => <Link to={`/council/applications/${a.id}`}>{`${a.firstName} ${a.lastName}`}</Link> },
          { key: "dob", header: "Date of birth", cell: (a: Row) => formatDate(a.dateOfBirth) },
          { key: "postcode", header: "Postcode", cell: (a: Row) => a.postcode },
          { key: "at", header: status === "PENDING" ? "Applied" : "Decided", cell: (a: Row) => formatDateTime(status === "PENDING" ? a.createdAt : (a.decidedAt ?? a.createdAt)) },
        ]}
      />
    </CouncilShell>
  );
}
