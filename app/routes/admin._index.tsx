// Platform administration: every council and whether its ledger adds up.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { verifyLedger } from "~/domain/ledger";
import { requirePlatformAdmin } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
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

export default function AdminHome() {
  const { councils } = useLoaderData<typeof loader>();
  return (
    <PublicShell>
      <h1>Councils</h1>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Council</th>
            <th scope="col" className="numeric">
              Funded
            </th>
            <th scope="col">Ledger</th>
          </tr>
        </thead>
        <tbody>
          {councils.map((c) => (
            <tr key={c.id}>
              <td>{c.name}</td>
              <td className="numeric">
                <Money pence={c.fundedPence} />
              </td>
              <td>{c.ok ? "Adds up" : `${c.problems} problems`}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </PublicShell>
  );
}
