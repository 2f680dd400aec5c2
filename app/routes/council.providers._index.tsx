// Providers of the council's scheme: applications waiting to be vetted first, then everyone else by status.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { CHECKLIST_ITEMS, listProvidersForVetting, VETTING_STATUS_WORDS } from "~/domain/providers/vetting";
import { requireOfficer } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { formatDate } from "~/ui/dates";
import { DataTable } from "~/ui/data-table";
import { CouncilShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Providers – Playpass council console" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { councilId } = await requireOfficer(request);
  const [council, providers] = await Promise.all([
    getDb().council.findUniqueOrThrow({ where: { id: councilId }, select: { name: true } }),
    listProvidersForVetting(getDb(), councilId),
  ]);
  // Words and counts from the domain travel in the loader's data: the page's bundle never loads the domain module.
  return {
    councilName: council.name,
    checklistSize: CHECKLIST_ITEMS.length,
    providers: providers.map((p) => ({ ...p, statusWords: VETTING_STATUS_WORDS[p.status] })),
  };
}

type Row = Awaited<ReturnType<typeof loader>>["providers"][number];

export default function CouncilProviders() {
  const { councilName, providers, checklistSize } = useLoaderData<typeof loader>();
  const waiting = providers.filter((p) => p.status === "APPLIED");
  const others = providers.filter((p) => p.status !== "APPLIED");
  return (
    <CouncilShell councilName={councilName}>
      <h1>Providers</h1>
      <h2>Applications waiting to be vetted</h2>
      <DataTable
        caption="Applications waiting to be vetted"
        captionHidden
        columns={[
          { key: "name", header: "Provider", cell: (p: Row) => <Link to={`/council/providers/${p.providerId}`}>{p.name}</Link>, rowHeader: true },
          { key: "town", header: "Town", cell: (p: Row) => p.town || "Not given" },
          { key: "applied", header: "Applied", cell: (p: Row) => formatDate(p.appliedAt) },
          { key: "documents", header: "Documents", cell: (p: Row) => p.documents, numeric: true },
          { key: "checks", header: "Checks done", cell: (p: Row) => `${p.checksDone} of ${checklistSize}`, numeric: true },
        ]}
        rows={waiting}
        rowKey={(p) => p.providerId}
        empty="No applications are waiting."
      />
      <h2>All providers</h2>
      <DataTable
        caption="All providers"
        captionHidden
        columns={[
          { key: "name", header: "Provider", cell: (p: Row) => <Link to={`/council/providers/${p.providerId}`}>{p.name}</Link>, rowHeader: true },
          { key: "status", header: "Status", cell: (p: Row) => <span className="status-tag">{p.statusWords}</span> },
          { key: "decided", header: "Decided", cell: (p: Row) => (p.decidedAt ? formatDate(p.decidedAt) : "Not yet") },
        ]}
        rows={others}
        rowKey={(p) => p.providerId}
        empty="No providers have been vetted yet."
      />
    </CouncilShell>
  );
}
