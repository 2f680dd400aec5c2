// Saved (hearted) activities, and the heart toggle's form target: it sets or clears one favourite and goes back.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { isDomainError, statusForDomainError } from "~/domain/errors";
import { favouriteActivities, setFavourite } from "~/domain/young/choices";
import { requireYoungPerson, safeRedirect } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { ActivityCard } from "~/ui/activity-card";
import { FavouriteButton } from "~/ui/favourite-button";
import { YoungShell } from "~/ui/shells";
import { passSummary } from "~/domain/booking/queries";

export const meta: MetaFunction = () => [{ title: "Saved activities – Playpass" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { youngPerson } = await requireYoungPerson(request);
  const [favourites, pass] = await Promise.all([
    favouriteActivities(getDb(), { youngPersonId: youngPerson.id, councilId: youngPerson.councilId }),
    passSummary(getDb(), youngPerson.id),
  ]);
  return { favourites, balancePence: pass.balancePence };
}

const schema = z.object({
  activityId: z.string().uuid(),
  favourite: z.enum(["true", "false"]),
  redirectTo: z.string().optional(),
});

export async function action({ request }: ActionFunctionArgs) {
  const { youngPerson } = await requireYoungPerson(request);
  const parsed = schema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) throw data({ message: "Choose an activity to save." }, { status: 400 });
  try {
    await setFavourite(getDb(), { youngPersonId: youngPerson.id, councilId: youngPerson.councilId }, { activityId: parsed.data.activityId, favourite: parsed.data.favourite === "true" });
  } catch (error) {
    if (isDomainError(error)) throw data({ message: error.message }, { status: statusForDomainError(error) });
    throw error;
  }
  throw redirect(safeRedirect(parsed.data.redirectTo, "/young/favourites"));
}

export default function Favourites() {
  const { favourites, balancePence } = useLoaderData<typeof loader>();
  return (
    <YoungShell balancePence={balancePence}>
      <h1>Saved activities</h1>
      {favourites.length === 0 ? (
        <p className="lede">
          Nothing saved yet. Tap <strong>Save</strong> on an activity you like and it will be here.
        </p>
      ) : (
        <ul className="card-grid suggestion-list">
          {favourites.map((f) => (
            <li key={f.id} className="suggestion">
              <ActivityCard
                id={f.id}
                title={f.title}
                category={f.category}
                providerName={f.providerName}
                venueName={f.venueName}
                pricePence={f.pricePence}
                nextSlotAt={f.live ? f.nextSlotAt : undefined}
                placesLeft={f.live ? f.placesLeft : undefined}
                href={`/activities/${f.id}`}
              />
              {!f.live ? <p className="hint">Not taking bookings at the moment.</p> : null}
              <FavouriteButton activityId={f.id} title={f.title} favourite />
            </li>
          ))}
        </ul>
      )}
      <p>
        <Link to="/" className="button button--secondary button--block">
          Find something to do
        </Link>
      </p>
    </YoungShell>
  );
}
