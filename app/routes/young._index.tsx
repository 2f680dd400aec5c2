// A young person's home: balance and expiry, coming bookings with their door codes, cancel.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { cancelBooking } from "~/domain/booking";
import { passSummary, upcomingBookings } from "~/domain/booking/queries";
import { isDomainError } from "~/domain/errors";
import { requireYoungPerson } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { formatDate, formatDateTime } from "~/ui/dates";
import { Money } from "~/ui/money";
import { Notice } from "~/ui/notice";
import { YoungShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "My Playpass" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { youngPerson } = await requireYoungPerson(request);
  const [pass, bookings] = await Promise.all([passSummary(getDb(), youngPerson.id), upcomingBookings(getDb(), youngPerson.id, new Date(), 20)]);
  const daysLeft = pass.expiresAt ? Math.ceil((Date.parse(pass.expiresAt) - Date.now()) / 86_400_000) : null;
  return { firstName: youngPerson.firstName, pass, bookings, daysLeft, now: new Date().toISOString() };
}

const cancelSchema = z.object({ bookingId: z.string().uuid() });

export async function action({ request }: ActionFunctionArgs) {
  const { actor, youngPerson } = await requireYoungPerson(request);
  const parsed = cancelSchema.safeParse(Object.fromEntries(await request.formData()));
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
  const { firstName, pass, bookings, daysLeft, now } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  return (
    <YoungShell balancePence={pass.balancePence}>
      <h1>Hi {firstName}</h1>
      {searchParams.get("booked") ? (
        <Notice tone="success" title="You're booked">
          Show the code below at the door.
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
            {daysLeft !== null && daysLeft <= 30 ? ` (${daysLeft} ${daysLeft === 1 ? "day" : "days"} left)` : ""}.
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
              {formatDateTime(booking.startsAt)} at {booking.venueName}
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
    </YoungShell>
  );
}
