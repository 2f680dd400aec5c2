// Payout runs of the council: status, totals, and which need a finance officer or have problems.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { councilPayoutPolicy, listPayoutRuns } from "~/domain/settlement";
import { requireOfficer } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { getStripe } from "~/lib/stripe.server";
import { DataTable } from "~/ui/data-table";
import { formatDate, formatDateTime } from "~/ui/dates";
import { Money } from "~/ui/money";
import { Notice } from "~/ui/notice";
import { CouncilShell } from "~/ui/shells";
import { RUN_STATUS_WORDS } from "~/domain/settlement/words";

export const meta: MetaFunction = () => [{ title: "Payouts – Playpass council console" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { councilId, role } = await requireOfficer(request);
  const db = getDb();
  const [council, runs, policy] = await Promise.all([
    db.council.findUniqueOrThrow({ where: { id: councilId }, select: { name: true } }),
    listPayoutRuns(db, { councilId }),
    councilPayoutPolicy(db, councilId),
  ]);
  return { councilName: council.name, runs, policy, isFinance: role === "FINANCE_OFFICER", stripeOn: getStripe() !== null };
}

type Run = Awaited<ReturnType<typeof listPayoutRuns>>[number];

export default function CouncilPayouts() {
  const { councilName, runs, policy, isFinance, stripeOn } = useLoaderData<typeof loader>();
  const waiting = runs.filter((r) => r.status === "AWAITING_APPROVAL").length;
  const problems = runs.reduce((sum, r) => sum + r.problems, 0);
  return (
    <CouncilShell councilName={councilName}>
      <h1>Payouts</h1>
      <p>
        Providers are paid {policy.schedule === "DAILY" ? "every day" : "every week (runs open on Mondays)"} for what young people used, once the
        dispute window has passed. Runs over <Money pence={policy.approvalThresholdPence} /> wait for a finance officer.{" "}
        {stripeOn ? "Providers with a Stripe account are paid by Stripe; the rest by your bank payment file." : "Every provider is paid by your bank payment file."}
      </p>
      {waiting > 0 ? (
        <Notice tone="warning" title={`${waiting} ${waiting === 1 ? "run is" : "runs are"} waiting for approval`}>
          {isFinance ? "Open a run to check its lines and approve it." : `A finance officer needs to approve ${waiting === 1 ? "it" : "them"}.`}
        </Notice>
      ) : null}
      {problems > 0 ? (
        <Notice tone="error" title={`${problems} ${problems === 1 ? "payout needs" : "payouts need"} attention`}>
          Open the run to see the reason and try again.
        </Notice>
      ) : null}
      <DataTable
        caption="Payout runs, newest first"
        columns={[
          {
            key: "created",
            header: "Run",
            rowHeader: true,
            cell: (r: Run) => <Link to={`/council/payouts/${r.id}`}>{formatDateTime(r.createdAt)}</Link>,
          },
          { key: "status", header: "Status", cell: (r: Run) => <span className="status-tag">{RUN_STATUS_WORDS[r.status]}</span> },
          { key: "providers", header: "Providers", numeric: true, cell: (r: Run) => r.payouts },
          { key: "total", header: "Total", numeric: true, cell: (r: Run) => <Money pence={r.totalPence} /> },
          { key: "problems", header: "Need attention", numeric: true, cell: (r: Run) => r.problems },
          { key: "completed", header: "Completed", cell: (r: Run) => (r.completedAt ? formatDate(r.completedAt) : "–") },
        ]}
        rows={runs}
        rowKey={(r) => r.id}
        empty="No payout runs yet. The first opens when redemptions pass the dispute window."
      />
      <p>
        <Link to="/council/failed-jobs">Background work that failed</Link>, with the reasons.
      </p>
    </CouncilShell>
  );
}
