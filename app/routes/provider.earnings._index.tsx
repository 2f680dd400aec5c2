// Earnings: what has been redeemed, what waits for a payout, what has been paid, and every payout with its statement.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { earningsSummary, payoutStatusWords, providerPayouts, type PayoutRow } from "~/domain/providers/earnings";
import { requireProviderStaff } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { DataTable, SummaryList } from "~/ui/data-table";
import { formatDate } from "~/ui/dates";
import { Money } from "~/ui/money";
import { Notice } from "~/ui/notice";
import { ProviderShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Earnings – Playpass" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { providerId } = await requireProviderStaff(request, ["PROVIDER_MANAGER"]);
  const [provider, summary, payouts] = await Promise.all([
    getDb().provider.findUniqueOrThrow({ where: { id: providerId }, select: { name: true } }),
    earningsSummary(getDb(), { providerId }),
    providerPayouts(getDb(), { providerId }),
  ]);
  return {
    providerName: provider.name,
    summary,
    payouts: payouts.map((p) => ({ ...p, statusWords: payoutStatusWords(p.status), runCreatedAt: p.runCreatedAt.toISOString(), paidAt: p.paidAt?.toISOString() ?? null })),
  };
}

type Payout = Omit<PayoutRow, "runCreatedAt" | "paidAt"> & { runCreatedAt: string; paidAt: string | null; statusWords: string };

export default function Earnings() {
  const { providerName, summary, payouts } = useLoaderData<typeof loader>();
  return (
    <ProviderShell providerName={providerName}>
      <h1>Earnings</h1>
      <SummaryList
        rows={[
          { key: "checking", label: "Redeemed, in the checking period before payment", value: <Money pence={summary.checkingPence} />, numeric: true },
          { key: "ready", label: "Waiting for the next payout", value: <Money pence={summary.readyPence} />, numeric: true },
          { key: "paying", label: "In a payout on its way to you", value: <Money pence={summary.payingPence} />, numeric: true },
          { key: "paid", label: "Paid to you", value: <Money pence={summary.paidPence} />, numeric: true },
          { key: "total", label: `Total earned (${summary.redemptions} redemptions)`, value: <Money pence={summary.totalPence} />, numeric: true },
        ]}
      />
      {summary.addsUp ? null : (
        <Notice tone="warning" title="These figures are being checked">
          Your balance in the Playpass ledger (<Money pence={summary.ledgerPayablePence} />) differs from your redemptions waiting for payout. The council has been
          told; nothing is lost.
        </Notice>
      )}
      <h2>Payouts</h2>
      <DataTable
        caption="Payouts to you, newest first"
        captionHidden
        columns={[
          {
            key: "run",
            header: "Payout run",
            rowHeader: true,
            cell: (p: Payout) => <Link to={`/provider/earnings/${p.id}`}>{formatDate(p.runCreatedAt)}</Link>,
          },
          { key: "council", header: "From", cell: (p: Payout) => p.councilName },
          { key: "lines", header: "Lines", cell: (p: Payout) => p.lines, numeric: true },
          { key: "amount", header: "Amount", cell: (p: Payout) => <Money pence={p.amountPence} />, numeric: true },
          { key: "status", header: "Status", cell: (p: Payout) => `${p.statusWords}${p.paidAt ? ` ${formatDate(p.paidAt)}` : ""}` },
          {
            key: "files",
            header: "Statement",
            cell: (p: Payout) => (
              <>
                <a href={`/provider/earnings/${p.id}/statement.csv`} download>
                  CSV<span className="visually-hidden"> statement for the payout of {formatDate(p.runCreatedAt)}</span>
                </a>
                {" · "}
                <a href={`/provider/earnings/${p.id}/statement.pdf`} download>
                  PDF<span className="visually-hidden"> statement for the payout of {formatDate(p.runCreatedAt)}</span>
                </a>
              </>
            ),
          },
        ]}
        rows={payouts}
        rowKey={(p) => p.id}
        empty="No payouts yet. Redemptions are paid in the council's next payout run after the checking period."
      />
    </ProviderShell>
  );
}
