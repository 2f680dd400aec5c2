// A guardian's view: the bookings of the young people they look after.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import { upcomingBookings } from "~/domain/booking/queries";
import { requireActor } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { formatDateTime } from "~/ui/dates";
import { PublicShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Bookings – Playpass" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await requireActor(request);
  const ids = actor.memberships.filter((m) => m.role === "GUARDIAN" && m.youngPersonId).map((m) => m.youngPersonId!);
  if (ids.length === 0) throw data({ message: "This page is for guardians." }, { status: 403 });
  const children = await getDb().youngPerson.findMany({ where: { id: { in: ids } }, select: { id: true, firstName: true } });
  return {
    children: await Promise.all(children.map(async (c) => ({ firstName: c.firstName, bookings: await upcomingBookings(getDb(), c.id) }))),
  };
}

export default function GuardianHome() {
  const { children } = useLoaderData<typeof loader>();
  return (
    <PublicShell homeHref="/guardian" showSignOut>
      <h1>Bookings</h1>
      {children.map((child) => (
        <section key={child.firstName}>
          <h2>{child.firstName}</h2>
          {child.bookings.length === 0 ? <p>No bookings coming up.</p> : null}
          <ul>
            {child.bookings.map((b) => (
              <li key={b.id}>
                {b.title}, {formatDateTime(b.startsAt)} at {b.venueName}
              </li>
            ))}
          </ul>
        </section>
      ))}
    </PublicShell>
  );
}
