// Council console overview: where the council's money is, straight from the ledger, and whether it adds up.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { verifyLedger } from "~/domain/ledger";
import { councilMoneySummary } from "~/domain/evidence/budget";
import { requireOfficer } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { formatDate } from "~/ui/dates";
import { Money } from "~/ui/money";
import { Notice } from "~/ui/notice";
import { CouncilShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Overview – Playpass council console" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { councilId } = await requireOfficer(request);
  const [summary, ledger] = await Promise.all([councilMoneySummary(getDb(), councilId), verifyLedger(getDb(), councilId)]);
  return { summary, ledgerOk: ledger.ok, violations: ledger.violations.length };
}

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
      <table className="table">
        <caption>Where the money is</caption>
        <thead>
          <tr>
            <th scope="col">Where</th>
            <th scope="col" className="numeric">
              Amount
            </th>
          </tr>
        </thead>
        <tbody>
          {rows.map(([label, pence]) => (
            <tr key={label}>
              <td>{label}</td>
              <td className="numeric">
                <Money pence={pence} />
              </td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Funded in total</th>
            <td className="numeric">
              <Money pence={summary.fundedPence} />
            </td>
          </tr>
        </tfoot>
      </table>
      <h2>Programmes</h2>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Programme</th>
            <th scope="col">Ends</th>
            <th scope="col" className="numeric">
              Budget
            </th>
            <th scope="col" className="numeric">
              Not yet issued
            </th>
          </tr>
        </thead>
        <tbody>
          {summary.programmes.map((p) => (
            <tr key={p.id}>
              <td>{p.name}</td>
              <td>{formatDate(p.endsOn)}</td>
              <td className="numeric">
                <Money pence={p.budgetPence} />
              </td>
              <td className="numeric">
                <Money pence={p.unissuedPence} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <p>
        {summary.youngPeople} young people enrolled; {summary.activePasses} active passes.
      </p>
    </CouncilShell>
  );
}
