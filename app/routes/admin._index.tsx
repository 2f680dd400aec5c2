// Platform administration: every council and whether its ledger adds up.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { verifyLedger } from "~/domain/ledger";
import { requirePlatformAdmin } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { DataTable } from "~/ui/data-table";
import { Money } from "~/ui/money";
import { PublicShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Platform admin – Playpass" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePlatformAdmin(request);
  const councils = await getDb().council.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" } });
  return {
    councils: await Promise.all(
      councils.map(async (c) => {
        const report = await verifyLedger(getDb(), c.id);
        return { id: c.id, name: c.name, fundedPence: report.fundedPence, ok: report.ok, problems: report.violations.length };
      }),
    ),
  };
}

type CouncilRow = { id: string; name: string; fundedPence: number; ok: boolean; problems: number };

export default function AdminHome() {
  const { councils } = useLoaderData<typeof loader>();
  return (
    <PublicShell homeHref="/admin" showSignOut>
      <h1>Councils</h1>
      <p>
        <Link to="/admin/queues">Background queues</Link>: what the workers are doing, and failed jobs with their reasons.
      </p>
      <DataTable
        caption="Councils and their ledgers"
        captionHidden
        columns={[
          { key: "name", header: "Council", cell: (c: CouncilRow) => c.name, rowHeader: true },
          { key: "funded", header: "Funded", cell: (c: CouncilRow) => <Money pence={c.fundedPence} />, numeric: true },
          { key: "ledger", header: "Ledger", cell: (c: CouncilRow) => (c.ok ? "Adds up" : `${c.problems} problems`) },
        ]}
        rows={councils}
        rowKey={(c) => c.id}
        empty="No councils yet."
      />
    </PublicShell>
  );
}
