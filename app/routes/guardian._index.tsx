// A guardian's view: the bookings of the young people they look after (coming up and recently done).
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData, useSearchParams } from "@remix-run/react";
import { myBookings, type PastBookingStatus } from "~/domain/booking/queries";
import { requireActor } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { formatDateTime, isoDateTime } from "~/ui/dates";
import { Notice } from "~/ui/notice";
import { PublicShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Bookings – Playpass" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  // Only the records this guardian's own memberships name.
  const ids = actor.memberships.filter((m) => m.role === "GUARDIAN" && m.youngPersonId).map((m) => m.youngPersonId!);
  if (ids.length === 0) throw data({ message: "This page is for guardians." }, { status: 403 });
  const children = await getDb().youngPerson.findMany({
    where: { id: { in: ids } },
    select: { id: true, firstName: true, status: true },
    orderBy: { firstName: "asc" },
  });
  const now = new Date();
  return {
    children: await Promise.all(
      children.map(async (c) => {
        const bookings = await myBookings(getDb(), c.id, now, 10);
        return { id: c.id, firstName: c.firstName, closed: c.status === "DEACTIVATED", upcoming: bookings.upcoming, past: bookings.past };
      }),
    ),
  };
}

const pastWords: Record<PastBookingStatus, string> = {
  REDEEMED: "Went",
  CANCELLED: "Cancelled",
  PROVIDER_CANCELLED: "Cancelled by the provider",
  NO_SHOW: "Missed",
  ENDED: "Not checked in yet",
};

export default function GuardianHome() {
  const { children } = useLoaderData<typeof loader>();
  const [searchParams] = useSearchParams();
  return (
    <PublicShell homeHref="/guardian" showSignOut>
      <h1>Bookings</h1>
      {searchParams.get("consented") ? (
        <Notice tone="success" title="Thank you">
          {children.length === 1 ? `${children[0]!.firstName} can now book activities.` : "They can now book activities."} Their bookings will show here.
        </Notice>
      ) : null}
      {children.map((child) => (
        <section key={child.id} className="guardian-child" aria-labelledby={`child-${child.id}`}>
          <h2 id={`child-${child.id}`}>{child.firstName}</h2>
          {child.closed ? <p>This pass has been closed by the council.</p> : null}
          <h3>Coming up</h3>
          {child.upcoming.length === 0 ? <p>No bookings coming up.</p> : null}
          <ul className="guardian-list">
            {child.upcoming.map((b) => (
              <li key={b.id}>
                <strong>{b.title}</strong>
                <br />
                <time dateTime={isoDateTime(b.startsAt)}>{formatDateTime(b.startsAt)}</time> at {b.venueName}, {b.venueAddress}
              </li>
            ))}
          </ul>
          {child.past.length > 0 ? (
            <>
              <h3>Recently</h3>
              <ul className="guardian-list">
                {child.past.map((b) => (
                  <li key={b.id}>
                    <strong>{b.title}</strong>, <time dateTime={isoDateTime(b.startsAt)}>{formatDateTime(b.startsAt)}</time>: {pastWords[b.status]}
                  </li>
                ))}
              </ul>
            </>
          ) : null}
        </section>
      ))}
    </PublicShell>
  );
}
