// An activity: what it is, who runs it, where and how to get there, access, price, its sessions with places left;
// for a signed-in young person: choose a session, confirm, done; or join a full session's waiting list.
import { randomUUID } from "node:crypto";
import type {
  ActionFunctionArgs,
  LoaderFunctionArgs,
  MetaFunction,
} from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import {
  bookSlot,
  joinWaitlist,
  leaveWaitlist,
  waitlistStatusFor,
} from "~/domain/booking";
import { passSummary } from "~/domain/booking/queries";
import { isDomainError, statusForDomainError } from "~/domain/errors";
import {
  activityForYoungPerson,
  getActivityPage,
} from "~/domain/providers/catalogue";
import { getActor, requireYoungPerson } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import {
  CategoryGlyph,
  accessibilityLabel,
  categoryLabel,
} from "~/ui/activity-card";
import { formatDateTime, formatTime, isoDateTime } from "~/ui/dates";
import { SubmitButton } from "~/ui/forms";
import { Money } from "~/ui/money";
import { Notice } from "~/ui/notice";
import { PublicShell, YoungShell } from "~/ui/shells";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.activity.title ?? "Activity"} – Playpass` },
];

const actionSchema = z.discriminatedUnion("intent", [
  z.object({
    intent: z.literal("book"),
    slotId: z.string().uuid("Choose a session."),
    requestKey: z.string().min(8).max(100),
  }),
  z.object({
    intent: z.literal("join-waitlist"),
    slotId: z.string().uuid("Choose a session."),
  }),
  z.object({
    intent: z.literal("leave-waitlist"),
    slotId: z.string().uuid(),
    entryId: z.string().uuid(),
  }),
]);

export async function loader({ request, params }: LoaderFunctionArgs) {
  const db = getDb();
  // The activity and who is asking do not depend on each other: one wait for both, not two in a row.
  const [activity, actor] = await Promise.all([
    getActivityPage(db, { activityId: params.activityId ?? "" }),
    getActor(request),
  ]);
  if (!activity)
    throw data(
      { message: "We could not find that activity. It may have finished." },
      { status: 404 }
    );
  const youngPersonId =
    actor?.memberships.find((m) => m.role === "YOUNG_PERSON")?.youngPersonId ??
    null;
  const slotIds = activity.slots.map((s) => s.id);
  const [pass, mine, waitlist] = youngPersonId
    ? await Promise.all([
        passSummary(db, youngPersonId),
        activityForYoungPerson(db, { youngPersonId, activity, slotIds }),
        waitlistStatusFor(db, youngPersonId, slotIds),
      ])
    : [null, null, null];
  const chosen = new URL(request.url).searchParams.get("slot");
  const { councilId: _councilId, ...visible } = activity;
  return {
    activity: visible,
    balancePence: pass?.balancePence ?? null,
    mine,
    waitlist: waitlist ? Object.fromEntries(waitlist) : {},
    chosenSlotId: activity.slots.some((s) => s.id === chosen) ? chosen : null,
    signedIn: Boolean(actor),
    pageKey: randomUUID(),
  };
}

type ActionReply = {
  intent: string;
  slotId: string | null;
  error?: string;
  joinedPosition?: number;
  left?: boolean;
};

export async function action({ request, params }: ActionFunctionArgs) {
  const { youngPerson } = await requireYoungPerson(request);
  const parsed = actionSchema.safeParse(
    Object.fromEntries(await readForm(request))
  );
  if (!parsed.success)
    return data<ActionReply>(
      {
        intent: "unknown",
        slotId: null,
        error: "Choose a session and try again.",
      },
      { status: 400 }
    );
  const input = parsed.data;
  const db = getDb();
  try {
    if (input.intent === "book") {
      await bookSlot(db, {
        youngPersonId: youngPerson.id,
        slotId: input.slotId,
        requestKey: input.requestKey,
      });
      throw redirect(`/young?booked=${params.activityId}`);
    }
    if (input.intent === "join-waitlist") {
      const joined = await joinWaitlist(db, {
        youngPersonId: youngPerson.id,
        slotId: input.slotId,
      });
      return data<ActionReply>({
        intent: input.intent,
        slotId: input.slotId,
        joinedPosition: joined.position,
      });
    }
    await leaveWaitlist(db, {
      youngPersonId: youngPerson.id,
      entryId: input.entryId,
    });
    return data<ActionReply>({
      intent: input.intent,
      slotId: input.slotId,
      left: true,
    });
  } catch (error) {
    if (isDomainError(error))
      return data<ActionReply>(
        { intent: input.intent, slotId: input.slotId, error: error.message },
        { status: statusForDomainError(error) }
      );
    throw error;
  }
}

export default function ActivityPage() {
  const {
    activity,
    balancePence,
    mine,
    waitlist,
    chosenSlotId,
    signedIn,
    pageKey,
  } = useLoaderData<typeof loader>();
  const reply = useActionData<typeof action>();
  const chosen = activity.slots.find((s) => s.id === chosenSlotId) ?? null;
  const free = activity.pricePence === 0;
  const canBook = mine !== null && mine.cannotBook === null;

  const content = (
    <article className="activity" aria-labelledby="activity-title">
      <p className="back-link">
        <Link to="/">Back to explore</Link>
      </p>
      <header className="activity__hero" data-category={activity.category}>
        <CategoryGlyph category={activity.category} />
        <div>
          <p className="activity__category">
            {categoryLabel(activity.category)}
          </p>
          <h1 id="activity-title">{activity.title}</h1>
          <p className="activity__who">
            With {activity.provider.name} · ages {activity.minAge} to{" "}
            {activity.maxAge}
          </p>
        </div>
      </header>

      {chosen && canBook ? (
        <section
          className="confirm-box"
          aria-labelledby="confirm-heading"
          id="confirm"
        >
          <h3 id="confirm-heading">Check and book</h3>
          <p className="confirm-box__what">
            {activity.title}
            <br />
            <time dateTime={isoDateTime(chosen.startsAt)}>
              {formatDateTime(chosen.startsAt)}
            </time>{" "}
            to {formatTime(chosen.endsAt)}
          </p>
          <p>
            {free ? (
              "It is free."
            ) : (
              <>
                It costs <Money pence={activity.pricePence} />. You will have{" "}
                <Money
                  pence={Math.max(
                    0,
                    (mine?.spendablePence ?? 0) - activity.pricePence
                  )}
                />{" "}
                left.
              </>
            )}
          </p>
          {reply?.intent === "book" &&
          reply.slotId === chosen.id &&
          reply.error ? (
            <Notice tone="error" title="Not booked">
              <p>{reply.error}</p>
            </Notice>
          ) : null}
          {chosen.placesLeft <= 0 &&
          waitlist[chosen.id] &&
          !waitlist[chosen.id]!.offerExpiresAt ? (
            <p>
              This session is full. You are number{" "}
              {waitlist[chosen.id]!.position} on its waiting list.
            </p>
          ) : null}
          {chosen.placesLeft <= 0 && !waitlist[chosen.id] ? (
            // Full by the time they got here: the waiting list is the way in, and the answer shows on the sessions list.
            <Form
              method="post"
              action={`/activities/${activity.id}`}
              className="confirm-box__actions"
            >
              <input type="hidden" name="intent" value="join-waitlist" />
              <input type="hidden" name="slotId" value={chosen.id} />
              <p>
                This session is full. Join its waiting list and we will tell you
                if a place comes up.
              </p>
              <SubmitButton variant="secondary">Join waiting list</SubmitButton>
            </Form>
          ) : null}
          {chosen.placesLeft > 0 || waitlist[chosen.id]?.offerExpiresAt ? (
            <Form method="post" className="confirm-box__actions">
              <input type="hidden" name="intent" value="book" />
              <input type="hidden" name="slotId" value={chosen.id} />
              <input
                type="hidden"
                name="requestKey"
                value={`${pageKey}:${chosen.id}`}
              />
              <SubmitButton pendingText="Booking…">
                Confirm booking
              </SubmitButton>
              <Link
                to={`/activities/${activity.id}#sessions`}
                className="button button--secondary"
                preventScrollReset={false}
              >
                Choose another time
              </Link>
            </Form>
          ) : (
            <Link
              to={`/activities/${activity.id}#sessions`}
              className="button button--secondary"
            >
              Choose another time
            </Link>
          )}
        </section>
      ) : (
        <>
          <div className="activity__price-box">
            <p className="price">
              {free ? "Free" : <Money pence={activity.pricePence} />}
            </p>
            {mine && balancePence !== null ? (
              <p className="activity__leaves">
                {free ? (
                  "It is free, so your balance stays the same."
                ) : mine.enoughCredit ? (
                  <>
                    Booking leaves you{" "}
                    <Money pence={mine.spendablePence - activity.pricePence} />{" "}
                    on your pass.
                  </>
                ) : (
                  <>
                    You have <Money pence={mine.spendablePence} /> your pass can
                    spend on this, which is not enough.
                  </>
                )}
              </p>
            ) : null}
          </div>

          <p className="activity__description">{activity.description}</p>

          <h2>Where</h2>
          <p>
            {activity.venue.name}
            <br />
            {activity.venue.addressLine1}, {activity.venue.town}{" "}
            {activity.venue.postcode}
          </p>
          <p>
            <a
              href={activity.mapHref}
              rel="noreferrer noopener"
              target="_blank"
            >
              Open in a map
              <span className="visually-hidden">
                {" "}
                (OpenStreetMap, opens in a new tab)
              </span>
            </a>
          </p>

          <h2>Access</h2>
          {activity.accessibilityFeatures.length > 0 ? (
            <ul className="feature-list">
              {activity.accessibilityFeatures.map((feature) => (
                <li key={feature}>{accessibilityLabel(feature)}</li>
              ))}
            </ul>
          ) : null}
          <p>
            {activity.accessibility ||
              "Ask the provider about access before you go."}
          </p>

          {activity.whatToBring ? (
            <>
              <h2>What to bring</h2>
              <p>{activity.whatToBring}</p>
            </>
          ) : null}

          <h2 id="sessions">Sessions</h2>
          <p>
            You can cancel up to {activity.cancellationCutoffHours} hours before
            a session starts and get your credit back.
          </p>
          {mine?.cannotBook ? (
            <Notice tone="warning" title="You cannot book this">
              <p>{mine.cannotBook}</p>
            </Notice>
          ) : null}

          {activity.slots.length === 0 ? (
            <p>No sessions are coming up.</p>
          ) : null}
          <ul className="slot-list">
            {activity.slots.map((slot) => {
              const booked = mine?.bookedSlotIds.includes(slot.id) ?? false;
              const place = waitlist[slot.id];
              const error =
                reply?.slotId === slot.id &&
                reply.error &&
                !(chosen?.id === slot.id && reply.intent === "book")
                  ? reply.error
                  : null;
              const whenId = `slot-${slot.id}-when`;
              return (
                <li
                  key={slot.id}
                  className="slot"
                  aria-invalid={error ? true : undefined}
                >
                  <span className="slot__when" id={whenId}>
                    <time dateTime={isoDateTime(slot.startsAt)}>
                      {formatDateTime(slot.startsAt)}
                    </time>{" "}
                    to {formatTime(slot.endsAt)}
                  </span>
                  <span className="slot__places">
                    {booked
                      ? "Booked"
                      : place?.offerExpiresAt
                      ? "A place is held for you"
                      : slot.placesLeft > 0
                      ? placesText(slot.placesLeft)
                      : "Full"}
                  </span>
                  {canBook && !booked ? (
                    <SlotAction
                      slotId={slot.id}
                      placesLeft={slot.placesLeft}
                      place={place}
                      whenId={whenId}
                    />
                  ) : null}
                  {booked ? (
                    <Link to="/young/bookings" className="slot__book">
                      See it in My bookings
                    </Link>
                  ) : null}
                  {error ? (
                    <Notice
                      tone="error"
                      title="That did not work"
                      className="slot__error"
                    >
                      <p>{error}</p>
                    </Notice>
                  ) : null}
                  {reply?.slotId === slot.id && reply.joinedPosition ? (
                    <Notice
                      tone="success"
                      title="You are on the waiting list"
                      className="slot__error"
                    >
                      <p>
                        You are number {reply.joinedPosition}. If a place comes
                        up we will message you and hold it for you for a while.
                        You have not paid anything.
                      </p>
                    </Notice>
                  ) : null}
                  {reply?.slotId === slot.id && reply.left ? (
                    <Notice
                      tone="success"
                      title="You have left the waiting list"
                      className="slot__error"
                    >
                      <p>You will not get a message about this session.</p>
                    </Notice>
                  ) : null}
                </li>
              );
            })}
          </ul>
          {!signedIn ? (
            <p>
              <Link
                className="button"
                to={`/login?redirectTo=${encodeURIComponent(
                  `/activities/${activity.id}`
                )}`}
              >
                Sign in to book
              </Link>
            </p>
          ) : null}
        </>
      )}
    </article>
  );
  return balancePence !== null ? (
    <YoungShell balancePence={balancePence}>{content}</YoungShell>
  ) : (
    <PublicShell>{content}</PublicShell>
  );
}

function placesText(placesLeft: number) {
  return placesLeft === 1 ? "1 place left" : `${placesLeft} places left`;
}

function SlotAction({
  slotId,
  placesLeft,
  place,
  whenId,
}: {
  slotId: string;
  placesLeft: number;
  place:
    | {
        entryId: string;
        position: number | null;
        offerExpiresAt: string | null;
      }
    | undefined;
  whenId: string;
}) {
  if (place?.offerExpiresAt || (!place && placesLeft > 0)) {
    // Choosing a session is a GET form: the confirm step comes back as a page, so it works without JavaScript.
    return (
      <div className="slot__book">
        {place?.offerExpiresAt ? (
          <p className="slot__note">
            Yours until {formatTime(place.offerExpiresAt)}. Book it, or leave it
            for the next person.
          </p>
        ) : null}
        <Form method="get">
          <button
            type="submit"
            name="slot"
            value={slotId}
            className="button"
            aria-describedby={whenId}
          >
            {place?.offerExpiresAt ? "Book my held place" : "Book"}
          </button>
        </Form>
      </div>
    );
  }
  if (place) {
    return (
      <Form method="post" className="slot__book">
        <p className="slot__note">
          You are number {place.position} on the waiting list.
        </p>
        <input type="hidden" name="intent" value="leave-waitlist" />
        <input type="hidden" name="slotId" value={slotId} />
        <input type="hidden" name="entryId" value={place.entryId} />
        <SubmitButton variant="secondary" aria-describedby={whenId}>
          Leave waiting list
        </SubmitButton>
      </Form>
    );
  }
  return (
    <Form method="post" className="slot__book">
      <input type="hidden" name="intent" value="join-waitlist" />
      <input type="hidden" name="slotId" value={slotId} />
      <SubmitButton variant="secondary" aria-describedby={whenId}>
        Join waiting list
      </SubmitButton>
    </Form>
  );
}
