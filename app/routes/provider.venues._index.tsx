// The provider's venues: where its activities happen.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { ACCESSIBILITY_LABELS } from "~/domain/providers/forms";
import { listVenues } from "~/domain/providers/venues";
import { requireProviderStaff } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { DataTable } from "~/ui/data-table";
import { ProviderShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Venues – Playpass" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { providerId } = await requireProviderStaff(request, ["PROVIDER_MANAGER"]);
  const db = getDb();
  const [provider, venues] = await Promise.all([db.provider.findUniqueOrThrow({ where: { id: providerId }, select: { name: true } }), listVenues(db, providerId)]);
  return { providerName: provider.name, venues };
}

type Venue = Awaited<ReturnType<typeof listVenues>>[number];

export default function Venues() {
  const { providerName, venues } = useLoaderData<typeof loader>();
  return (
    <ProviderShell providerName={providerName}>
      <h1>Venues</h1>
      <p>
        <Link className="button" to="/provider/venues/new">
          Add a venue
        </Link>
      </p>
      <DataTable
        caption="Your venues"
        captionHidden
        columns={[
          { key: "name", header: "Venue", rowHeader: true, cell: (v: Venue) => <Link to={`/provider/venues/${v.id}`}>{v.name}</Link> },
          { key: "address", header: "Address", cell: (v: Venue) => `${v.addressLine1}, ${v.town} ${v.postcode}` },
          { key: "access", header: "Access", cell: (v: Venue) => v.accessibilityFeatures.map((f) => ACCESSIBILITY_LABELS[f]).join(", ") || "Not given" },
          { key: "activities", header: "Activities", numeric: true, cell: (v: Venue) => v.activities },
        ]}
        rows={venues}
        rowKey={(v) => v.id}
        empty="No venues yet."
      />
    </ProviderShell>
  );
}
