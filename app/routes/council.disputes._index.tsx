// The disputes queue: differences between providers' attendance reports and their doors, for an officer to decide.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { countOpenDisputes, DECISION_LABELS, disputeKindLabel, listDisputes } from "~/domain/reconciliation";
import { requireOfficer } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { DataTable } from "~/ui/data-table";
import { formatDateTime } from "~/ui/dates";
import { Money } from "~/ui/money";
import { CouncilShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Disputes – Playpass council console" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { councilId } = await requireOfficer(request);
  const status = new URL(request.url).searchParams.get("status") === "resolved" ? "RESOLVED" : "OPEN";
  const [council, disputes, open] = await Promise.all([
    getDb().council.findUniqueOrThrow({ where: { id: councilId }, select: { name: true } }),
    listDisputes(getDb(), { councilId, status }),
    countOpenDisputes(getDb(), councilId),
  ]);
  return {
    councilName: council.name,
    status,
    open,
    disputes: disputes.map((d) => ({ ...d, kindLabel: disputeKindLabel(d.kind), decisionLabel: d.decision ? DECISION_LABELS[d.decision] : null })),
  };
}

type Row = Awaited<ReturnType<typeof loader>>["disputes"][number];

export default function Disputes() {
  const { councilName, status, open, disputes } = useLoaderData<typeof loader>();
  const columns = [
    { key: "raised", header: "Raised", cell: (d: Row) => <Link to={`/council/disputes/${d.id}`}>{formatDateTime(d.createdAt)}</Link>, rowHeader: true },
    { key: "kind", header: "Difference", cell: (d: Row) => d.kindLabel },
    { key: "provider", header: "Provider", cell: (d: Row) => d.provider.name },
    { key: "code", header: "Booking", cell: (d: Row) => (d.booking ? <code>{d.booking.code}</code> : "None") },
    { key: "amount", header: "Amount", cell: (d: Row) => (d.booking ? <Money pence={d.booking.pricePence} /> : "–"), numeric: true },
    ...(status === "RESOLVED" ? [{ key: "decision", header: "Decision", cell: (d: Row) => `${d.decisionLabel ?? ""}${d.decidedAt ? `, ${formatDateTime(d.decidedAt)}` : ""}` }] : []),
  ];
  return (
    <CouncilShell councilName={councilName}>
      <h1>Disputes</h1>
      <p>
        When a provider's own attendance record differs from what was redeemed at their door, the difference waits here. A redemption with an open
        dispute is not paid until you decide it.
      </p>
      <nav aria-label="Disputes">
        <ul className="nav-list">
          <li>
            <Link to="/council/disputes" className="nav-link" aria-current={status === "OPEN" ? "page" : undefined}>
              Open ({open})
            </Link>
          </li>
          <li>
            <Link to="/council/disputes?status=resolved" className="nav-link" aria-current={status === "RESOLVED" ? "page" : undefined}>
              Decided
            </Link>
          </li>
        </ul>
      </nav>
      <DataTable
        caption={status === "OPEN" ? "Open disputes, oldest first" : "Decided disputes, newest first"}
        columns={columns}
        rows={disputes}
        rowKey={(d) => d.id}
        empty={status === "OPEN" ? "No open disputes." : "No decided disputes yet."}
      />
    </CouncilShell>
  );
}
