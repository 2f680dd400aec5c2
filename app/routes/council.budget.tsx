// Budget dashboard: every figure from the ledger (transfers for what moved, balances for where it is),
// the checks that tie them together, the burn-down over time and a projection to the programme's end.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { budgetDashboard, PROJECTION_WINDOW_DAYS, type BurnDownPoint } from "~/domain/evidence/budget";
import { formatPence } from "~/domain/money";
import { requireOfficer } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { LineChart } from "~/ui/charts";
import { formatDate } from "~/ui/dates";
import { DataTable } from "~/ui/data-table";
import { Money } from "~/ui/money";
import { Notice } from "~/ui/notice";
import { CouncilShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Budget – Playpass council console" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { councilId } = await requireOfficer(request);
  return budgetDashboard(getDb(), councilId);
}

type Dashboard = Awaited<ReturnType<typeof loader>>;
type Line = { label: string; pence: number; note: string };
type Programme = Dashboard["programmes"][number];

export default function CouncilBudget() {
  const { councilName, figures, checks, programmes, burnDown, projection } = useLoaderData<typeof loader>();
  const moved: Line[] = [
    { label: "Funded", pence: figures.fundedPence, note: "Put into programme budgets by the council" },
    { label: "Issued", pence: figures.issuedPence, note: "Credit given to young people's passes, top-ups and rewards included" },
    { label: "Expired and returned", pence: figures.returnedPence, note: "Unspent credit back in the budget: expired or revoked passes" },
    { label: "Redeemed", pence: figures.redeemedPence, note: "Spent by young people: bookings used at the door and charges at a till" },
    { label: "Paid out", pence: figures.paidOutPence, note: "Paid to providers" },
  ];
  const now: Line[] = [
    { label: "Remaining (not yet issued)", pence: figures.remainingPence, note: "In programme budgets" },
    { label: "On young people's passes", pence: figures.onPassesPence, note: "Issued, not yet booked or spent" },
    { label: "Held by bookings", pence: figures.heldByBookingsPence, note: "Booked, waiting for the session" },
    { label: "Owed to providers", pence: figures.owedToProvidersPence, note: "Redeemed, not yet in a payout" },
    { label: "Payouts in progress", pence: figures.payoutsInFlightPence, note: "In a payout that has not finished" },
    { label: "Paid out", pence: figures.paidOutPence, note: "Paid to providers" },
  ];
  const allAddUp = checks.every((c) => c.ok);
  const weekly = weeklyRows(burnDown);
  const projectionLine =
    projection && burnDown.length > 0
      ? [
          { day: burnDown.at(-1)!.day, value: burnDown.at(-1)!.leftToSpendPence },
          { day: projection.runsOutOn ?? projection.endsOn, value: projection.runsOutOn ? 0 : projection.unspentAtEndPence },
        ]
      : [];
  return (
    <CouncilShell councilName={councilName}>
      <h1>Budget</h1>
      {allAddUp ? (
        <Notice tone="success" title="These figures add up">
          <p>Every figure on this page is read from the ledger, and the checks below tie what moved to where it is now.</p>
        </Notice>
      ) : (
        <Notice tone="error" title="These figures do not add up">
          <p>Contact Playpass support before approving any payout.</p>
        </Notice>
      )}

      <h2>How the money moved</h2>
      <MoneyTable caption="How the money moved since the start" rows={moved} />

      <h2>Where the money is now</h2>
      <MoneyTable
        caption="Where the money is now"
        rows={now}
        footer={
          <tr>
            <th scope="row">Funded in total</th>
            <td className="numeric">
              <Money pence={figures.fundedPence} />
            </td>
            <td />
          </tr>
        }
      />

      <h2>Checks</h2>
      <ul className="check-list">
        {checks.map((c) => (
          <li key={c.rule} className={c.ok ? "check-list__item check-list__item--ok" : "check-list__item check-list__item--bad"}>
            <strong>{c.ok ? "Adds up" : "Does not add up"}:</strong> {c.rule} ({formatPence(c.leftPence)} {c.ok ? "=" : "≠"} {formatPence(c.rightPence)})
          </li>
        ))}
      </ul>

      <h2>Burn-down</h2>
      {burnDown.length === 0 ? (
        <p>Nothing has been funded yet.</p>
      ) : (
        <>
          <p>Everything funded so far, less what young people spent each day (bookings used at the door and charges at a till), from the start of the first programme.</p>
          <LineChart
            title="Money left to spend, by day"
            summary={`Left to spend went from ${formatPence(burnDown[0]!.leftToSpendPence + burnDown[0]!.spentPence)} on ${formatDate(burnDown[0]!.day)} to ${formatPence(burnDown.at(-1)!.leftToSpendPence)} today.${projection ? ` Projected at the end, ${formatDate(projection.endsOn)}: ${formatPence(projection.unspentAtEndPence)}.` : ""}`}
            formatValue={(v) => formatPence(v).replace(/\.00$/, "")}
            series={[
              { name: "Funded", points: [burnDown[0]!, burnDown.at(-1)!].map((p) => ({ day: p.day, value: figures.fundedPence })), style: "muted" },
              { name: "Left to spend (funded less what young people spent)", points: burnDown.map((p) => ({ day: p.day, value: p.leftToSpendPence })), style: "solid" },
              ...(projectionLine.length ? [{ name: "Projection", points: projectionLine, style: "projection" as const }] : []),
            ]}
          />
          {projection ? (
            <div className="projection">
              <h3>Projection to {formatDate(projection.endsOn)}</h3>
              <p>
                Method: the average spend per day over the last {projection.windowDays} days ({formatPence(projection.spentInWindowPence)} in {projection.windowDays}{" "}
                {projection.windowDays === 1 ? "day" : "days"}, so {formatPence(projection.dailySpendPence)} a day), carried on for the {projection.daysLeft} days to the programme's
                end. {projection.windowDays < PROJECTION_WINDOW_DAYS ? `The scheme has run for fewer than ${PROJECTION_WINDOW_DAYS} days, so this will move as spending settles.` : ""}
              </p>
              <p>
                {projection.runsOutOn
                  ? `At this rate the money runs out on ${formatDate(projection.runsOutOn)}, before the programme ends.`
                  : `At this rate ${formatPence(projection.projectedSpendPence)} more is spent and ${formatPence(projection.unspentAtEndPence)} is left unspent when the programme ends.`}
              </p>
            </div>
          ) : null}
          <DataTable
            caption="Burn-down by week"
            columns={[
              { key: "day", header: "Week ending", cell: (p: Week) => formatDate(p.day), rowHeader: true },
              { key: "spent", header: "Spent that week", cell: (p: Week) => <Money pence={p.spentInWeekPence} />, numeric: true },
              { key: "toDate", header: "Spent to date", cell: (p: Week) => <Money pence={p.spentToDatePence} />, numeric: true },
              { key: "left", header: "Left to spend", cell: (p: Week) => <Money pence={p.leftToSpendPence} />, numeric: true },
            ]}
            rows={weekly}
            rowKey={(p) => p.day}
          />
        </>
      )}

      <h2>Programmes</h2>
      <DataTable
        caption="Programme budgets"
        captionHidden
        columns={[
          { key: "name", header: "Programme", cell: (p: Programme) => p.name, rowHeader: true },
          { key: "ends", header: "Ends", cell: (p: Programme) => formatDate(p.endsOn) },
          { key: "agreed", header: "Agreed budget", cell: (p: Programme) => <Money pence={p.budgetPence} />, numeric: true },
          { key: "funded", header: "Funded", cell: (p: Programme) => <Money pence={p.fundedPence} />, numeric: true },
          { key: "issued", header: "Issued", cell: (p: Programme) => <Money pence={p.issuedPence} />, numeric: true },
          { key: "returned", header: "Returned", cell: (p: Programme) => <Money pence={p.returnedPence} />, numeric: true },
          { key: "remaining", header: "Remaining", cell: (p: Programme) => <Money pence={p.unissuedPence} />, numeric: true },
        ]}
        rows={programmes}
        rowKey={(p) => p.id}
        empty="No programmes yet."
      />
    </CouncilShell>
  );
}

function MoneyTable({ caption, rows, footer }: { caption: string; rows: Line[]; footer?: React.ReactNode }) {
  return (
    <DataTable
      caption={caption}
      captionHidden
      columns={[
        { key: "what", header: "What", cell: (r: Line) => r.label, rowHeader: true },
        { key: "amount", header: "Amount", cell: (r: Line) => <Money pence={r.pence} />, numeric: true },
        { key: "note", header: "What it means", cell: (r: Line) => r.note },
      ]}
      rows={rows}
      rowKey={(r) => r.label}
      footer={footer}
    />
  );
}

type Week = BurnDownPoint & { spentInWeekPence: number };

// Weeks ending today, a week ago, and so on, so the table stays short over a year-long programme.
function weeklyRows(points: BurnDownPoint[]): Week[] {
  const weeks: Week[] = [];
  for (let end = points.length - 1; end >= 0; end -= 7) {
    const days = points.slice(Math.max(0, end - 6), end + 1);
    weeks.unshift({ ...points[end]!, spentInWeekPence: days.reduce((sum, p) => sum + p.spentPence, 0) });
  }
  return weeks;
}
