// An activity: what it is, where, its sessions with places left, and booking for a signed-in young person.
import { randomUUID } from "node:crypto";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { bookSlot } from "~/domain/booking";
import { passSummary } from "~/domain/booking/queries";
import { isDomainError } from "~/domain/errors";
import { getActivityPage } from "~/domain/providers/catalogue";
import { getActor, requireYoungPerson } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { categoryLabel } from "~/ui/activity-card";
import { formatDateTime, formatTime } from "~/ui/dates";
import { Money } from "~/ui/money";
import { Notice } from "~/ui/notice";
import { PublicShell } from "~/ui/shells";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.activity.title ?? "Activity"} – Playpass` }];

const bookingSchema = z.object({
  slotId: z.string().uuid("Choose a session."),
  requestKey: z.string().min(8).max(100),
});

export async function loader({ request, params }: LoaderFunctionArgs) {
  const activity = await getActivityPage(getDb(), { activityId: params.activityId ?? "" });
  if (!activity) throw data({ message: "We could not find that activity. It may have finished." }, { status: 404 });
  const actor = await getActor(request);
  const youngPersonId = actor?.memberships.find((m) => m.role === "YOUNG_PERSON")?.youngPersonId ?? null;
  const pass = youngPersonId ? await passSummary(getDb(), youngPersonId) : null;
  const { councilId: _councilId, ...visible } = activity;
  return { activity: visible, balancePence: pass?.balancePence ?? null, signedIn: Boolean(actor), pageKey: randomUUID() };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { youngPerson } = await requireYoungPerson(request);
  const parsed = bookingSchema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return data({ error: parsed.error.issues[0]!.message, slotId: null }, { status: 400 });
  try {
    await bookSlot(getDb(), { youngPersonId: youngPerson.id, slotId: parsed.data.slotId, requestKey: parsed.data.requestKey });
  } catch (error) {
    if (isDomainError(error)) return data({ error: error.message, slotId: parsed.data.slotId }, { status: 409 });
    throw error;
  }
  throw redirect(`/young?booked=${params.activityId}`);
}

export default function ActivityPage() {
  const { activity, balancePence, signedIn, pageKey } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const mapsHref = `https://www.openstreetmap.org/search?query=${encodeURIComponent(`${activity.venue.addressLine1}, ${activity.venue.postcode}`)}`;
  return (
    <PublicShell>
      <p>
        <Link to="/">Back to all activities</Link>
      </p>
      <h1>{activity.title}</h1>
      <p className="lede">
        {categoryLabel(activity.category)} with {activity.provider.name} · ages {activity.minAge} to {activity.maxAge}
      </p>
      <p className="price">{activity.pricePence === 0 ? "Free" : <Money pence={activity.pricePence} />}</p>
      <p>{activity.description}</p>
      <h2>Where</h2>
      <p>
        {activity.venue.name}, {activity.venue.addressLine1}, {activity.venue.town} {activity.venue.postcode}.{" "}
        <a href={mapsHref} rel="noreferrer noopener" target="_blank">
          Open in a map
        </a>
      </p>
      {activity.accessibility ? (
        <>
          <h2>Access</h2>
          <p>{activity.accessibility}</p>
        </>
      ) : null}
      {activity.whatToBring ? (
        <>
          <h2>What to bring</h2>
          <p>{activity.whatToBring}</p>
        </>
      ) : null}
      <h2>Sessions</h2>
      <p>You can cancel up to {activity.cancellationCutoffHours} hours before a session starts and get your credit back.</p>
      {actionData?.error ? (
        <Notice tone="error" title="That did not work">
          {actionData.error}
        </Notice>
      ) : null}
      {balancePence !== null ? (
        <p>
          You have <Money pence={balancePence} /> on your pass.
          {activity.pricePence > 0 && balancePence >= activity.pricePence ? (
            <>
              {" "}
              Booking leaves <Money pence={balancePence - activity.pricePence} />.
            </>
          ) : null}
        </p>
      ) : null}
      {activity.slots.length === 0 ? <p>No sessions are coming up.</p> : null}
      <ul className="slot-list">
        {activity.slots.map((slot) => (
          <li key={slot.id} className="slot" aria-invalid={actionData?.slotId === slot.id || undefined}>
            <span className="slot__when">
              {formatDateTime(slot.startsAt)} to {formatTime(slot.endsAt)}
            </span>
            <span className="slot__places">{slot.placesLeft > 0 ? `${slot.placesLeft} places left` : "Full"}</span>
            {balancePence !== null ? (
              <Form method="post" className="slot__book">
                <input type="hidden" name="slotId" value={slot.id} />
                <input type="hidden" name="requestKey" value={`${pageKey}:${slot.id}`} />
                <button type="submit" className="button" disabled={slot.placesLeft <= 0}>
                  Book
                </button>
              </Form>
            ) : null}
          </li>
        ))}
      </ul>
      {!signedIn ? (
        <p>
          <Link className="button" to={`/login?redirectTo=${encodeURIComponent(`/activities/${activity.id}`)}`}>
            Sign in to book
          </Link>
        </p>
      ) : null}
    </PublicShell>
  );
}
