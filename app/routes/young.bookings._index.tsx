// A young person's bookings: what is coming up (with the QR and code for the door, a calendar file, cancel), places held
// for them and their waiting lists, and what has been.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import QRCode from "qrcode";
import { z } from "zod";
import { cancelBooking, leaveWaitlist, myWaitlist } from "~/domain/booking";
import { myBookings, passSummary, type PastBookingStatus } from "~/domain/booking/queries";
import { isDomainError, statusForDomainError } from "~/domain/errors";
import { requireYoungPerson } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { formatDateTime, formatTime, isoDateTime } from "~/ui/dates";
import { Money } from "~/ui/money";
import { Notice } from "~/ui/notice";
import { QrCode } from "~/ui/qr";
import { YoungShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "My bookings – Playpass" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { youngPerson } = await requireYoungPerson(request);
  const now = new Date();
  const [pass, bookings, waiting] = await Promise.all([
    passSummary(getDb(), youngPerson.id, now),
    myBookings(getDb(), youngPerson.id, now),
    myWaitlist(getDb(), youngPerson.id, now),
  ]);
  const upcoming = await Promise.all(
    bookings.upcoming.map(async (booking) => ({
      ...booking,
      canCancel: Date.parse(booking.cancelUntil) > now.getTime(),
      qrSvg: await QRCode.toString(booking.code, { type: "svg", errorCorrectionLevel: "M", margin: 1 }),
    })),
  );
  return { balancePence: pass.balancePence, upcoming, past: bookings.past, offers: waiting.filter((w) => w.offer), waiting: waiting.filter((w) => !w.offer) };
}

const cancelSchema = z.object({ intent: z.literal("cancel"), bookingId: z.string().uuid() });
const leaveSchema = z.object({ intent: z.literal("leave-waitlist"), entryId: z.string().uuid() });

type CancelReply =
  | { ok: true; bookingId: string; refundedPence: number; alreadyCancelled: boolean }
  | { ok: false; bookingId: string | null; error: string }
  | { ok: true; leftWaitlist: true; bookingId: null };

export async function action({ request }: ActionFunctionArgs) {
  const { actor, youngPerson } = await requireYoungPerson(request);
  const form = Object.fromEntries(await readForm(request));
  const leaving = leaveSchema.safeParse(form);
  if (leaving.success) {
    try {
      await leaveWaitlist(getDb(), { youngPersonId: youngPerson.id, entryId: leaving.data.entryId });
      return data<CancelReply>({ ok: true, leftWaitlist: true, bookingId: null });
    } catch (error) {
      if (isDomainError(error)) return data<CancelReply>({ ok: false, bookingId: null, error: error.message }, { status: statusForDomainError(error) });
      throw error;
    }
  }
  const parsed = cancelSchema.safeParse(form);
  if (!parsed.success) return data<CancelReply>({ ok: false, bookingId: null, error: "Choose a booking to cancel." }, { status: 400 });
  const { bookingId } = parsed.data;
  try {
    const result = await cancelBooking(getDb(), { bookingId, youngPersonId: youngPerson.id, actorUserId: actor.userId });
    return data<CancelReply>({ ok: true, bookingId, refundedPence: result.refundedPence, alreadyCancelled: result.alreadyCancelled });
  } catch (error) {
    if (isDomainError(error)) return data<CancelReply>({ ok: false, bookingId, error: error.message }, { status: statusForDomainError(error) });
    throw error;
  }
}

const pastStatusWords: Record<PastBookingStatus, string> = {
  REDEEMED: "Used",
  CANCELLED: "Cancelled",
  PROVIDER_CANCELLED: "Cancelled by provider",
  NO_SHOW: "Missed",
  ENDED: "Not checked in yet",
};

export default function MyBookings() {
  const { balancePence, upcoming, past, offers, waiting } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  // An error about a booking not on this page (someone else's, or gone) is shown at the top instead.
  const errorBesideBooking = reply && !reply.ok && upcoming.some((b) => b.id === reply.bookingId) ? reply.bookingId : null;
  return (
    <YoungShell balancePence={balancePence}>
      <h1>My bookings</h1>
      {reply?.ok && "leftWaitlist" in reply ? (
        <Notice tone="success" title="You have left the waiting list">
          <p>You will not get a message about that session.</p>
        </Notice>
      ) : null}
      {reply?.ok && "refundedPence" in reply ? (
        <Notice tone="success" title={reply.alreadyCancelled ? "This booking was already cancelled" : "Booking cancelled"}>
          {reply.refundedPence > 0 ? (
            <p>
              <Money pence={reply.refundedPence} /> is back on your pass.
            </p>
          ) : (
            <p>It was free, so no credit was taken. Your place has been given back.</p>
          )}
        </Notice>
      ) : null}
      {reply && !reply.ok && errorBesideBooking === null ? (
        <Notice tone="error" title="That did not work">
          <p>{reply.error}</p>
        </Notice>
      ) : null}

      {offers.length > 0 ? (
        <>
          <h2 id="offers-heading">Places held for you</h2>
          <ul className="booking-list" aria-labelledby="offers-heading">
            {offers.map((entry) => (
              <li key={entry.id} className="booking offer-card">
                <h3 className="offer-card__title">
                  A place at {entry.title} is yours until {formatTime(entry.offer!.expiresAt)}
                </h3>
                <p>
                  <time dateTime={isoDateTime(entry.startsAt)}>{formatDateTime(entry.startsAt)}</time> at {entry.venueName}. Book it before{" "}
                  {formatDateTime(entry.offer!.expiresAt)}, or it goes to the next person.
                </p>
                <div className="ticket__actions">
                  <Link className="button" to={`/activities/${entry.activityId}?slot=${entry.slotId}#confirm`}>
                    Book it<span className="visually-hidden">: {entry.title}</span>
                  </Link>
                  <LeaveWaitlist entryId={entry.id} title={entry.title} label="No thanks" />
                </div>
              </li>
            ))}
          </ul>
        </>
      ) : null}

      <h2 id="upcoming-heading">Coming up</h2>
      {upcoming.length === 0 ? (
        <p>
          Nothing booked. <Link to="/">Find something to do</Link>.
        </p>
      ) : (
        <ul className="booking-list" aria-labelledby="upcoming-heading">
          {upcoming.map((booking) => {
            const titleId = `booking-${booking.id}-title`;
            return (
              <li key={booking.id} className="booking ticket" aria-labelledby={titleId}>
                <h3 id={titleId} className="ticket__title">
                  <Link to={`/activities/${booking.activityId}`}>{booking.title}</Link>
                </h3>
                <p className="ticket__when">
                  <time dateTime={isoDateTime(booking.startsAt)}>{formatDateTime(booking.startsAt)}</time> to{" "}
                  <time dateTime={isoDateTime(booking.endsAt)}>{formatTime(booking.endsAt)}</time>
                </p>
                <p className="ticket__where">
                  {booking.venueName}, {booking.venueAddress}
                </p>
                <div className="ticket__door">
                  <QrCode svg={booking.qrSvg} label={`QR code for booking code ${booking.code}`} className="ticket__qr" />
                  <p className="ticket__code-label">Show this at the door, or read out the code:</p>
                  <p className="booking__code ticket__code">{booking.code}</p>
                </div>
                <div className="ticket__actions">
                  {/* A file download, not a page: a plain link so the browser saves it. */}
                  <a className="button button--secondary" href={`/young/bookings/${booking.id}/calendar.ics`} download>
                    Add to calendar<span className="visually-hidden">: {booking.title}</span>
                  </a>
                  {booking.canCancel ? (
                    <Form method="post" className="ticket__cancel">
                      <input type="hidden" name="intent" value="cancel" />
                      <input type="hidden" name="bookingId" value={booking.id} />
                      <button type="submit" className="button button--secondary" aria-describedby={`booking-${booking.id}-cancel-hint`}>
                        Cancel<span className="visually-hidden"> {booking.title}</span>
                      </button>
                    </Form>
                  ) : null}
                </div>
                {errorBesideBooking === booking.id && reply && !reply.ok ? (
                  <Notice tone="error" title="Not cancelled" className="ticket__error">
                    <p>{reply.error}</p>
                  </Notice>
                ) : null}
                <p className="hint" id={`booking-${booking.id}-cancel-hint`}>
                  {booking.canCancel ? (
                    <>
                      You can cancel until {formatDateTime(booking.cancelUntil)} and get{" "}
                      {booking.pricePence > 0 ? <Money pence={booking.pricePence} /> : "your place"} back.
                    </>
                  ) : (
                    "Too late to cancel online. Contact the provider if you cannot go."
                  )}
                </p>
              </li>
            );
          })}
        </ul>
      )}

      {waiting.length > 0 ? (
        <>
          <h2 id="waiting-heading">Waiting lists</h2>
          <ul className="booking-list" aria-labelledby="waiting-heading">
            {waiting.map((entry) => (
              <li key={entry.id} className="booking waiting-card">
                <h3 className="past-booking__title">
                  <Link to={`/activities/${entry.activityId}`}>{entry.title}</Link>
                </h3>
                <p className="past-booking__when">
                  <time dateTime={isoDateTime(entry.startsAt)}>{formatDateTime(entry.startsAt)}</time> at {entry.venueName}
                </p>
                <p>
                  You are number {entry.position} in line. If a place comes up we will message you. Nothing is taken from your balance until you book.
                </p>
                <LeaveWaitlist entryId={entry.id} title={entry.title} label="Leave waiting list" />
              </li>
            ))}
          </ul>
        </>
      ) : null}

      <h2 id="past-heading">Past and cancelled</h2>
      {past.length === 0 ? (
        <p>Nothing here yet.</p>
      ) : (
        <ul className="booking-list" aria-labelledby="past-heading">
          {past.map((booking) => (
            <li key={booking.id} className="booking past-booking">
              <h3 className="past-booking__title">
                <Link to={`/activities/${booking.activityId}`}>{booking.title}</Link>
              </h3>
              <p className="past-booking__when">
                <time dateTime={isoDateTime(booking.startsAt)}>{formatDateTime(booking.startsAt)}</time> at {booking.venueName}
              </p>
              <p className="status-tag" data-status={booking.status}>
                <span className="visually-hidden">Status: </span>
                {pastStatusWords[booking.status]}
              </p>
            </li>
          ))}
        </ul>
      )}
    </YoungShell>
  );
}

function LeaveWaitlist({ entryId, title, label }: { entryId: string; title: string; label: string }) {
  return (
    <Form method="post" className="ticket__cancel">
      <input type="hidden" name="intent" value="leave-waitlist" />
      <input type="hidden" name="entryId" value={entryId} />
      <button type="submit" className="button button--secondary">
        {label}
        <span className="visually-hidden">: {title}</span>
      </button>
    </Form>
  );
}
