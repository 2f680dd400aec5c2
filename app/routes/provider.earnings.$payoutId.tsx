// One payout's statement: every redemption it paid, adding up to the amount paid, with CSV and PDF downloads.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { methodWords, payoutStatusWords, type StatementLine } from "~/domain/providers/earnings";
import { DataTable } from "~/ui/data-table";
import { formatDate, formatDateTime } from "~/ui/dates";
import { Money } from "~/ui/money";
import { ProviderShell } from "~/ui/shells";
import { loadStatement } from "./provider.earnings.$payoutId.server";

export const meta: MetaFunction = () => [{ title: "Payout statement – Playpass" }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const statement = await loadStatement(request, params.payoutId);
  return {
    ...statement,
    statusWords: payoutStatusWords(statement.status),
    runCreatedAt: statement.runCreatedAt.toISOString(),
    paidAt: statement.paidAt?.toISOString() ?? null,
    lines: statement.lines.map((l) => ({ ...l, how: methodWords(l.method), redeemedAt: l.redeemedAt.toISOString() })),
  };
}

type Line = Omit<StatementLine, "redeemedAt"> & { redeemedAt: string; how: string };

export default function Statement() {
  const s = useLoaderData<typeof loader>();
  return (
    <ProviderShell providerName={s.providerName}>
      <p>
        <Link to="/provider/earnings">Back to earnings</Link>
      </p>
      <h1>Payout of {formatDate(s.runCreatedAt)}</h1>
      <p>
        From {s.councilName}, reference {s.reference}. {s.statusWords}
        {s.paidAt ? ` on ${formatDate(s.paidAt)}` : ""}, by {s.method === "STRIPE_TRANSFER" ? "Stripe transfer" : "bank payment"}.
      </p>
      <p>
        <a className="button button--secondary" href={`/provider/earnings/${s.id}/statement.csv`} download>
          Download CSV
        </a>{" "}
        <a className="button button--secondary" href={`/provider/earnings/${s.id}/statement.pdf`} download>
          Download PDF
        </a>
      </p>
      <DataTable
        caption={`Redemptions paid in payout ${s.reference}`}
        columns={[
          { key: "when", header: "Redeemed", cell: (l: Line) => formatDateTime(l.redeemedAt) },
          { key: "ref", header: "Reference", cell: (l: Line) => l.reference, rowHeader: true },
          { key: "what", header: "Description", cell: (l: Line) => l.description },
          { key: "who", header: "Young person", cell: (l: Line) => l.youngPerson },
          { key: "method", header: "How", cell: (l: Line) => l.how },
          { key: "amount", header: "Amount", cell: (l: Line) => <Money pence={l.amountPence} />, numeric: true },
        ]}
        rows={s.lines}
        rowKey={(l) => `${l.reference}:${l.redeemedAt}`}
        footer={
          <tr>
            <th scope="row" colSpan={5}>
              Total paid
            </th>
            <td className="numeric">
              <Money pence={s.amountPence} />
            </td>
          </tr>
        }
      />
    </ProviderShell>
  );
}
