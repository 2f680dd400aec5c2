// Rate something you went to: 1 to 5 stars, a comment if you like, and "would you go again?". Once per booking.
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { isDomainError, statusForDomainError } from "~/domain/errors";
import { rateableBooking, rateBooking } from "~/domain/young/choices";
import { COMMENT_MAX } from "~/domain/young/limits";
import { requireYoungPerson } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { formatDate } from "~/ui/dates";
import { ErrorSummary, FieldError, replyErrors, replyValue, SubmitButton, TextareaField, useFormReply } from "~/ui/forms";
import { Notice } from "~/ui/notice";
import { YoungShell } from "~/ui/shells";
import { Stars } from "~/ui/stars";
import { bookingIdSchema, ratingSchema } from "./young.bookings.$bookingId.rate.server";

export const meta: MetaFunction = () => [{ title: "Rate it – Playpass" }];

async function actorAndBooking(request: Request, bookingId: string | undefined) {
  const { actor, youngPerson } = await requireYoungPerson(request);
  const id = bookingIdSchema.safeParse(bookingId);
  if (!id.success) throw data({ message: "We could not find that booking." }, { status: 404 });
  return { actor, youngPerson, bookingId: id.data };
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { youngPerson, bookingId } = await actorAndBooking(request, params.bookingId);
  try {
    return { booking: await rateableBooking(getDb(), { youngPersonId: youngPerson.id, councilId: youngPerson.councilId }, bookingId) };
  } catch (error) {
    if (isDomainError(error)) throw data({ message: error.message }, { status: statusForDomainError(error) });
    throw error;
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor, youngPerson, bookingId } = await actorAndBooking(request, params.bookingId);
  const submission = parseWithZod(await readForm(request), { schema: ratingSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  try {
    await rateBooking(
      getDb(),
      { youngPersonId: youngPerson.id, councilId: youngPerson.councilId, userId: actor.userId },
      { bookingId, stars: submission.value.stars, comment: submission.value.comment, wouldGoAgain: submission.value.wouldGoAgain === "yes" },
    );
  } catch (error) {
    if (isDomainError(error)) {
      const field = error.field === "stars" || error.field === "comment" ? error.field : undefined;
      return data(
        { result: submission.reply(field ? { fieldErrors: { [field]: [error.message] } } : { formErrors: [error.message] }) },
        { status: statusForDomainError(error) },
      );
    }
    throw error;
  }
  throw redirect("/young?rated=1");
}

export default function RateBooking() {
  const { booking } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  // Checked by the action alone (the same messages with or without JavaScript), so no Zod comes to the browser.
  const reply = actionData?.result;
  const formRef = useFormReply(reply, false); // a rating that is accepted leaves the page
  const starsErrors = replyErrors(reply, "stars");
  const againErrors = replyErrors(reply, "wouldGoAgain");
  const commentErrors = replyErrors(reply, "comment");
  const errors = [
    ...(replyErrors(reply, "") ?? []).map((message) => ({ message })),
    ...(starsErrors ?? []).map((message) => ({ message, fieldId: "rate-stars-1" })),
    ...(againErrors ?? []).map((message) => ({ message, fieldId: "rate-again-yes" })),
    ...(commentErrors ?? []).map((message) => ({ message, fieldId: "rate-comment" })),
  ];
  return (
    <YoungShell>
      <p className="back-link">
        <Link to="/young">Back to home</Link>
      </p>
      <h1>How was {booking.title}?</h1>
      <p className="lede">
        {booking.providerName}, {formatDate(booking.startsAt)}
      </p>
      {booking.rating ? (
        <Notice tone="success" title="You rated this">
          <p>
            <Stars value={booking.rating.stars} /> {booking.rating.wouldGoAgain ? "You would go again." : "You would not go again."}
          </p>
          {booking.rating.comment ? <p>“{booking.rating.comment}”</p> : null}
        </Notice>
      ) : !booking.redeemed ? (
        <Notice tone="info" title="Not yet">
          You can rate an activity once you have been to it and your code was scanned at the door.
        </Notice>
      ) : (
        <>
          <ErrorSummary errors={errors} />
          <Form method="post" id="rate" ref={formRef} noValidate>
            <fieldset className={`star-picker${starsErrors ? " field--error" : ""}`} aria-describedby={starsErrors ? "rate-stars-error" : undefined}>
              <legend className="field__label">Your rating</legend>
              {starsErrors ? <FieldError id="rate-stars-error" errors={starsErrors} /> : null}
              <div className="star-picker__options">
                {[1, 2, 3, 4, 5].map((n) => (
                  <span key={n} className="star-picker__option">
                    <input
                      className="star-picker__input"
                      type="radio"
                      id={`rate-stars-${n}`}
                      name="stars"
                      value={n}
                      defaultChecked={replyValue(reply, "stars") === String(n)}
                      aria-invalid={starsErrors ? true : undefined}
                    />
                    <label className="star-picker__label" htmlFor={`rate-stars-${n}`}>
                      <span aria-hidden="true">★</span> {n}
                      <span className="visually-hidden">{n === 1 ? " star" : " stars"}</span>
                    </label>
                  </span>
                ))}
              </div>
              <p className="hint">1 is "not for me", 5 is "loved it".</p>
            </fieldset>
            <fieldset className={`choice-list choice-list--inline${againErrors ? " field--error" : ""}`} aria-describedby={againErrors ? "rate-again-error" : undefined}>
              <legend className="field__label">Would you go again?</legend>
              {againErrors ? <FieldError id="rate-again-error" errors={againErrors} /> : null}
              {(["yes", "no"] as const).map((answer) => (
                <div className="choice" key={answer}>
                  <input
                    className="choice__input"
                    type="radio"
                    id={`rate-again-${answer}`}
                    name="wouldGoAgain"
                    value={answer}
                    defaultChecked={replyValue(reply, "wouldGoAgain") === answer}
                    aria-invalid={againErrors ? true : undefined}
                  />
                  <label className="choice__label" htmlFor={`rate-again-${answer}`}>
                    {answer === "yes" ? "Yes" : "No"}
                  </label>
                </div>
              ))}
            </fieldset>
            <TextareaField
              label="Anything else? (optional)"
              hint="What was good, or what could be better. The provider and the council may read it."
              textareaProps={{ id: "rate-comment", name: "comment", defaultValue: replyValue(reply, "comment") ?? "", rows: 4, maxLength: COMMENT_MAX }}
              errors={commentErrors}
            />
            <SubmitButton className="button--block">Send my rating</SubmitButton>
          </Form>
        </>
      )}
    </YoungShell>
  );
}
