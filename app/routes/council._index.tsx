// Council console overview: where the council's money is, straight from the ledger, and whether it adds up
// (the latest check on record; the full check runs hourly in the worker and on demand here).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Form, Link, useLoaderData } from "@remix-run/react";
import { councilMoneySummary } from "~/domain/evidence/budget";
import { checkLedgerNow, latestLedgerCheck } from "~/domain/evidence/ledger-checks";
import { requireOfficer } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { formatDate, formatDateTime } from "~/ui/dates";
import { SubmitButton } from "~/ui/forms";
import { DataTable } from "~/ui/data-table";
import { Money } from "~/ui/money";
import { Notice } from "~/ui/notice";
import { CouncilShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Overview – Playpass council console" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { councilId } = await requireOfficer(request);
  const [summary, ledger] = await Promise.all([councilMoneySummary(getDb(), councilId), latestLedgerCheck(getDb(), councilId)]);
  return { summary, ledgerOk: ledger.ok, violations: ledger.problems, ledger };
}

/** "Check now": the full ledger check on demand, recorded for everyone who opens the page next. */
export async function action({ request }: ActionFunctionArgs) {
  const { actor, councilId } = await requireOfficer(request);
  // The button posts an empty form; a body that is not one is refused like on every other action.
  await readForm(request);
  await checkLedgerNow(getDb(), { councilId, actorUserId: actor.userId });
  throw redirect("/council");
}

type Programme = Awaited<ReturnType<typeof councilMoneySummary>>["programmes"][number];

export default function CouncilOverview() {
  const { summary, ledgerOk, violations, ledger } = useLoaderData<typeof loader>();
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
          <p>
            Every balance matches its transfers, and together they equal what was funded. Checked {formatDateTime(ledger.checkedAt)} by {ledger.by}; the
            hourly check records any problem here.
          </p>
        </Notice>
      ) : (
        <Notice tone="error" title="The ledger does not add up">
          <p>
            {violations} {violations === 1 ? "problem" : "problems"} found {formatDateTime(ledger.checkedAt)} by {ledger.by}. Contact Playpass support before approving any
            payout.
          </p>
        </Notice>
      )}
      <Form method="post" className="inline-form">
        <SubmitButton variant="secondary" pendingText="Checking…">
          Check the ledger now
        </SubmitButton>
      </Form>
      <p>
        <Link to="/council/budget">See the budget dashboard</Link>, with what was issued, spent and returned, and a projection to the end of the programme.
      </p>
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
