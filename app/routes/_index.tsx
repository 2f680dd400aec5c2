// The front door: what there is to do, for anyone, and a way in for each kind of user.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { listBookableActivities } from "~/domain/providers/catalogue";
import { getActor, homePathFor } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { ActivityCard } from "~/ui/activity-card";
import { PublicShell } from "~/ui/shells";

export const meta: MetaFunction = () => [
  { title: "Playpass – things to do, paid for by your council" },
  { name: "description", content: "Use your Playpass credit for swimming, football, climbing, music, arts and more." },
];

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await getActor(request);
  // A signed-in young person sees what their own council offers.
  const youngPersonId = actor?.memberships.find((m) => m.role === "YOUNG_PERSON")?.youngPersonId;
  const youngPersonCouncil = youngPersonId
    ? (await getDb().youngPerson.findUnique({ where: { id: youngPersonId }, select: { councilId: true } }))?.councilId
    : undefined;
  const activities = await listBookableActivities(getDb(), { councilId: youngPersonCouncil, take: 60 });
  return { activities, home: actor ? homePathFor(actor) : null };
}

export default function Index() {
  const { activities, home } = useLoaderData<typeof loader>();
  return (
    <PublicShell homeHref={home ?? undefined}>
      <section className="hero">
        <h1>Find something to do</h1>
        <p>Swimming, football, climbing, dance, music and more, paid for with your Playpass.</p>
        {home ? (
          <Link className="button" to={home}>
            Go to my Playpass
          </Link>
        ) : (
          <Link className="button" to="/login">
            Sign in
          </Link>
        )}
      </section>
      <h2>Coming up</h2>
      {activities.length === 0 ? <p>Nothing is on yet. Check back soon.</p> : null}
      <ul className="card-grid">
        {activities.map((activity) => (
          <li key={activity.id}>
            <ActivityCard
              id={activity.id}
              title={activity.title}
              category={activity.category}
              providerName={activity.providerName}
              venueName={activity.venueName}
              pricePence={activity.pricePence}
              nextSlotAt={activity.nextSlotAt ?? undefined}
              placesLeft={activity.placesLeft ?? undefined}
              href={`/activities/${activity.id}`}
            />
          </li>
        ))}
      </ul>
    </PublicShell>
  );
}
