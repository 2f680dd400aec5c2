// Council console overview: where the council's money is, straight from the ledger, and whether it adds up.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { verifyLedger } from "~/domain/ledger";
import { councilMoneySummary } from "~/domain/evidence/budget";
import { requireOfficer } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { formatDate } from "~/ui/dates";
import { DataTable } from "~/ui/data-table";
import { Money } from "~/ui/money";
import { Notice } from "~/ui/notice";
import { CouncilShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Overview – Playpass council console" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { councilId } = await requireOfficer(request);
  const [summary, ledger] = await Promise.all([councilMoneySummary(getDb(), councilId), verifyLedger(getDb(), councilId)]);
  return { summary, ledgerOk: ledger.ok, violations: ledger.violations.length };
}

type Programme = Awaited<ReturnType<typeof councilMoneySummary>>["programmes"][number];

export default function CouncilOverview() {
  const { summary, ledgerOk, violations } = useLoaderData<typeof loader>();
  const rows: Array<[string, number]> = [
    ["Not yet issued (programme budgets)", summary.unissuedPence],
    ["On young people's passes", summary.inWalletsPence],
    ["Held by bookings", summary.heldByBookingsPence],
    ["Owed to providers", summary.owedToProvidersPence],
    ["Payouts in progress", summary.payoutsInFlightPence],
    ["Paid to providers", summary.paidOutPence],
  ];
  return (
    <CouncilShell councilName={summary.councilName}>
      <h1>Overview</h1>
      {ledgerOk ? (
        <Notice tone="success" title="The ledger adds up">
          Every balance matches its transfers, and together they equal what was funded.
        </Notice>
      ) : (
        <Notice tone="error" title="The ledger does not add up">
          {violations} problems found. Contact Playpass support before approving any payout.
        </Notice>
      )}
      <DataTable
        caption="Where the money is"
        columns={[
          { key: "where", header: "Where", cell: ([label]: [string, number]) => label, rowHeader: true },
          { key: "amount", header: "Amount", cell: ([, pence]: [string, number]) => <Money pence={pence} />, numeric: true },
        ]}
        rows={rows}
        rowKey={([label]) => label}
        footer={
          <tr>
            <th scope="row">Funded in total</th>
            <td className="numeric">
              <Money pence={summary.fundedPence} />
            </td>
          </tr>
        }
      />
      <h2>Programmes</h2>
      <DataTable
        caption="Programmes"
        captionHidden
        columns={[
          { key: "name", header: "Programme", cell: (p: Programme) => p.name, rowHeader: true },
          { key: "ends", header: "Ends", cell: (p: Programme) => formatDate(p.endsOn) },
          { key: "budget", header: "Budget", cell: (p: Programme) => <Money pence={p.budgetPence} />, numeric: true },
          { key: "unissued", header: "Not yet issued", cell: (p: Programme) => <Money pence={p.unissuedPence} />, numeric: true },
        ]}
        rows={summary.programmes}
        rowKey={(p) => p.id}
        empty="No programmes yet."
      />
      <p>
        {summary.youngPeople} young people enrolled; {summary.activePasses} active passes.
      </p>
    </CouncilShell>
  );
}
