// A young person's home: balance and expiry, coming bookings with their door codes, things to rate, and
// suggestions like what they already chose.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { cancelBooking } from "~/domain/booking";
import { passSummary, upcomingBookings } from "~/domain/booking/queries";
import { isDomainError } from "~/domain/errors";
import { consentStatus } from "~/domain/identity/consent";
import { favouriteIds } from "~/domain/young/choices";
import { recentActivities, suggestionsFor } from "~/domain/young/home";
import { requireYoungPerson } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { ActivityCard } from "~/ui/activity-card";
import { formatDate, formatDateTime, isoDateTime } from "~/ui/dates";
import { FavouriteButton } from "~/ui/favourite-button";
import { Money } from "~/ui/money";
import { Notice } from "~/ui/notice";
import { YoungShell } from "~/ui/shells";
import { Stars } from "~/ui/stars";

export const meta: MetaFunction = () => [{ title: "My Playpass" }];

const DAY = 86_400_000;
/** Under this many days the expiry shows as a countdown. */
const COUNTDOWN_DAYS = 30;

export async function loader({ request }: LoaderFunctionArgs) {
  const { youngPerson } = await requireYoungPerson(request);
  const db = getDb();
  const now = new Date();
  const [pass, bookings, recent, suggestions, consent] = await Promise.all([
    passSummary(db, youngPerson.id, now),
    upcomingBookings(db, youngPerson.id, now, 20),
    recentActivities(db, youngPerson.id, now),
    suggestionsFor(db, youngPerson.id, now),
    youngPerson.status === "AWAITING_CONSENT" ? consentStatus(db, youngPerson.id, now) : null,
  ]);
  const hearted = await favouriteIds(db, youngPerson.id, suggestions.map((s) => s.id));
  const daysLeft = pass.expiresAt ? Math.max(0, Math.ceil((Date.parse(pass.expiresAt) - now.getTime()) / DAY)) : null;
  return {
    firstName: youngPerson.firstName,
    awaitingConsent: youngPerson.status === "AWAITING_CONSENT",
    consentSentTo: consent?.sentTo ?? null,
    pass,
    bookings,
    daysLeft,
    recent,
    suggestions: suggestions.map((s) => ({ ...s, favourite: hearted.has(s.id) })),
    now: now.toISOString(),
  };
}

const cancelSchema = z.object({ bookingId: z.string().uuid() });

export async function action({ request }: ActionFunctionArgs) {
  const { actor, youngPerson } = await requireYoungPerson(request);
  const parsed = cancelSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) return data({ error: "Choose a booking to cancel.", cancelled: null }, { status: 400 });
  try {
    const result = await cancelBooking(getDb(), { bookingId: parsed.data.bookingId, youngPersonId: youngPerson.id, actorUserId: actor.userId });
    return { error: null, cancelled: result.refundedPence };
  } catch (error) {
    if (isDomainError(error)) return data({ error: error.message, cancelled: null }, { status: 409 });
    throw error;
  }
}

export default function YoungHome() {
  const { firstName, awaitingConsent, consentSentTo, pass, bookings, daysLeft, recent, suggestions, now } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const toRate = recent.filter((r) => !r.rating);
  const rated = recent.filter((r) => r.rating);
  return (
    <YoungShell balancePence={pass.balancePence}>
      <h1>Hi {firstName}</h1>
      {searchParams.get("welcome") ? (
        <Notice tone="success" title="Your Playpass is ready">
          Have a look around and find something you'd enjoy.
        </Notice>
      ) : null}
      {searchParams.get("booked") ? (
        <Notice tone="success" title="You're booked">
          Show the code below at the door.
        </Notice>
      ) : null}
      {searchParams.get("rated") ? (
        <Notice tone="success" title="Thanks for rating it">
          Your rating helps the council know what young people enjoy.
        </Notice>
      ) : null}
      {awaitingConsent ? (
        <Notice tone="info" title="Waiting for a grown-up's OK">
          <p>
            {consentSentTo ? (
              <>
                We sent a link to <strong>{consentSentTo}</strong>. You can book once they say yes.
              </>
            ) : (
              "A parent or guardian needs to say yes before you can book."
            )}
          </p>
          <p>
            <Link to="/activate/guardian">{consentSentTo ? "Send the link again or to someone else" : "Ask a parent or guardian"}</Link>
          </p>
        </Notice>
      ) : null}
      {actionData?.cancelled != null ? (
        <Notice tone="success" title="Booking cancelled">
          {actionData.cancelled > 0 ? (
            <>
              <Money pence={actionData.cancelled} /> is back on your pass.
            </>
          ) : (
            "Your place has been given back."
          )}
        </Notice>
      ) : null}
      {actionData?.error ? (
        <Notice tone="error" title="That did not work">
          {actionData.error}
        </Notice>
      ) : null}

      <section className="balance-card" aria-labelledby="balance-heading">
        <h2 id="balance-heading">Your balance</h2>
        <p className="balance-card__amount">
          <Money pence={pass.balancePence} />
        </p>
        {pass.expiresAt ? (
          <p>
            Use it by {formatDate(pass.expiresAt)}
            {daysLeft !== null && daysLeft <= COUNTDOWN_DAYS ? (
              <>
                {" "}
                <strong className="countdown">
                  ({daysLeft === 0 ? "last day" : `${daysLeft} ${daysLeft === 1 ? "day" : "days"} left`})
                </strong>
              </>
            ) : null}
            .
          </p>
        ) : (
          <p>You have no credit to spend right now.</p>
        )}
        {pass.frozen ? <p>Your pass is paused by the council. Contact them to find out why.</p> : null}
        <Link className="button" to="/">
          Find something to do
        </Link>
      </section>

      <h2>Coming up</h2>
      {bookings.length === 0 ? <p>No bookings yet.</p> : null}
      <ul className="booking-list">
        {bookings.map((booking) => (
          <li key={booking.id} className="booking">
            <h3>
              <Link to={`/activities/${booking.activityId}`}>{booking.title}</Link>
            </h3>
            <p>
              <time dateTime={isoDateTime(booking.startsAt)}>{formatDateTime(booking.startsAt)}</time> at {booking.venueName}
            </p>
            <p className="booking__code" aria-label={`Door code ${booking.code.split("").join(" ")}`}>
              {booking.code}
            </p>
            {booking.cancelUntil > now ? (
              <Form method="post">
                <input type="hidden" name="bookingId" value={booking.id} />
                <button type="submit" className="button button--secondary">
                  Cancel booking
                </button>
                <p className="hint">You can cancel until {formatDateTime(booking.cancelUntil)}.</p>
              </Form>
            ) : (
              <p className="hint">Too late to cancel online. Contact the provider if you cannot go.</p>
            )}
          </li>
        ))}
      </ul>

      {recent.length > 0 ? (
        <section aria-labelledby="recent-heading" className="recent">
          <h2 id="recent-heading">{toRate.length > 0 ? "How was it?" : "What you did"}</h2>
          <ul className="recent-list">
            {toRate.map((r) => (
              <li key={r.bookingId} className="recent-item">
                <span className="recent-item__title">{r.title}</span>
                <span className="recent-item__when">{formatDate(r.startsAt)}</span>
                <Link className="button button--secondary recent-item__action" to={`/young/bookings/${r.bookingId}/rate`}>
                  Rate it<span className="visually-hidden">: {r.title}</span>
                </Link>
              </li>
            ))}
            {rated.map((r) => (
              <li key={r.bookingId} className="recent-item">
                <span className="recent-item__title">{r.title}</span>
                <span className="recent-item__when">{formatDate(r.startsAt)}</span>
                <span className="recent-item__rating">
                  <Stars value={r.rating!.stars} /> {r.rating!.wouldGoAgain ? "Would go again" : ""}
                </span>
              </li>
            ))}
          </ul>
        </section>
      ) : null}

      <section aria-labelledby="ideas-heading" className="ideas">
        <h2 id="ideas-heading">You might like</h2>
        {suggestions.length === 0 ? (
          <p>Book or save an activity and we'll show you more like it here.</p>
        ) : (
          <>
            <p className="hint">Because of things you have booked or saved. Only if you fancy it.</p>
            <ul className="card-grid suggestion-list">
              {suggestions.map((s) => (
                <li key={s.id} className="suggestion">
                  <ActivityCard
                    id={s.id}
                    title={s.title}
                    category={s.category}
                    providerName={s.providerName}
                    venueName={s.venueName}
                    pricePence={s.pricePence}
                    nextSlotAt={s.nextSlotAt}
                    placesLeft={s.placesLeft}
                    href={`/activities/${s.id}`}
                  />
                  <FavouriteButton activityId={s.id} title={s.title} favourite={s.favourite} />
                </li>
              ))}
            </ul>
          </>
        )}
        <ul className="home-links">
          <li>
            <Link to="/young/favourites">Your saved activities</Link>
          </li>
          <li>
            <Link to="/young/suggest">Can't find what you want? Tell us</Link>
          </li>
        </ul>
      </section>
    </YoungShell>
  );
}
