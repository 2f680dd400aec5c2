// The provider's activities: drafts, live, paused and archived, with their coming sessions.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { CATEGORY_LABELS } from "~/domain/providers/forms";
import { listActivities } from "~/domain/providers/activities";
import { requireProviderStaff } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { DataTable } from "~/ui/data-table";
import { Money } from "~/ui/money";
import { Notice } from "~/ui/notice";
import { ProviderShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Activities – Playpass" }];

const STATUS_WORDS = { DRAFT: "Draft", LIVE: "Live", PAUSED: "Paused", ARCHIVED: "Archived" } as const;

export async function loader({ request }: LoaderFunctionArgs) {
  const { providerId } = await requireProviderStaff(request, ["PROVIDER_MANAGER"]);
  const db = getDb();
  const [provider, activities] = await Promise.all([
    db.provider.findUniqueOrThrow({ where: { id: providerId }, select: { name: true, councils: { select: { status: true } }, _count: { select: { venues: true } } } }),
    listActivities(db, providerId),
  ]);
  return {
    providerName: provider.name,
    approved: provider.councils.some((c) => c.status === "APPROVED"),
    hasVenues: provider._count.venues > 0,
    activities,
  };
}

type Activity = Awaited<ReturnType<typeof listActivities>>[number];

export default function Activities() {
  const { providerName, approved, hasVenues, activities } = useLoaderData<typeof loader>();
  return (
    <ProviderShell providerName={providerName}>
      <h1>Activities</h1>
      {!approved ? (
        <Notice tone="info" title="You can draft activities while the council vets you">
          They go live once you are approved. <Link to="/provider/application">See your application</Link>.
        </Notice>
      ) : null}
      <p>
        {hasVenues ? (
          <Link className="button" to="/provider/activities/new">
            Add an activity
          </Link>
        ) : (
          <>
            Add a venue first: <Link to="/provider/venues/new">add a venue</Link>.
          </>
        )}
      </p>
      <DataTable
        caption="Your activities"
        captionHidden
        columns={[
          { key: "title", header: "Activity", rowHeader: true, cell: (a: Activity) => <Link to={`/provider/activities/${a.id}`}>{a.title}</Link> },
          { key: "category", header: "Category", cell: (a: Activity) => CATEGORY_LABELS[a.category] },
          { key: "venue", header: "Venue", cell: (a: Activity) => a.venueName },
          { key: "price", header: "Price", numeric: true, cell: (a: Activity) => <Money pence={a.pricePence} freeWhenZero /> },
          { key: "status", header: "Status", cell: (a: Activity) => <span className="status-tag">{STATUS_WORDS[a.status]}</span> },
          { key: "slots", header: "Coming sessions", numeric: true, cell: (a: Activity) => <Link to={`/provider/activities/${a.id}/slots`} aria-label={`${a.comingSlots} coming sessions of ${a.title}`}>{a.comingSlots}</Link> },
        ]}
        rows={activities}
        rowKey={(a) => a.id}
        empty="No activities yet."
      />
    </ProviderShell>
  );
}
