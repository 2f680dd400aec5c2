// Rate something you went to: 1 to 5 stars, a comment if you like, and "would you go again?". Once per booking.
import { getFormProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { isDomainError, statusForDomainError } from "~/domain/errors";
import { rateableBooking, rateBooking } from "~/domain/young/choices";
import { COMMENT_MAX } from "~/domain/young/limits";
import { requireYoungPerson } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { formatDate } from "~/ui/dates";
import { ErrorSummary, SubmitButton, TextareaField } from "~/ui/forms";
import { Notice } from "~/ui/notice";
import { YoungShell } from "~/ui/shells";
import { Stars } from "~/ui/stars";

export const meta: MetaFunction = () => [{ title: "Rate it – Playpass" }];

const schema = z.object({
  stars: z.coerce.number({ error: "Choose how many stars, from 1 to 5." }).int().min(1, "Choose how many stars, from 1 to 5.").max(5, "Choose how many stars, from 1 to 5."),
  wouldGoAgain: z.enum(["yes", "no"], { error: "Tell us if you would go again." }),
  comment: z.string().trim().max(COMMENT_MAX, `Keep your comment to ${COMMENT_MAX} characters or fewer.`).optional(),
});

const bookingIdSchema = z.string().uuid();

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
  const submission = parseWithZod(await readForm(request), { schema });
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
  const [form, fields] = useForm({
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
    shouldValidate: "onSubmit",
  });
  const errors = [
    ...(form.errors ?? []).map((message) => ({ message })),
    ...(fields.stars.errors ?? []).map((message) => ({ message, fieldId: `${fields.stars.id}-1` })),
    ...(fields.wouldGoAgain.errors ?? []).map((message) => ({ message, fieldId: `${fields.wouldGoAgain.id}-yes` })),
    ...(fields.comment.errors ?? []).map((message) => ({ message, fieldId: fields.comment.id })),
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
          <Form method="post" {...getFormProps(form)}>
            <fieldset className={`star-picker${fields.stars.errors ? " field--error" : ""}`}>
              <legend className="field__label">Your rating</legend>
              {fields.stars.errors ? (
                <p id={`${fields.stars.id}-error`} className="field__error">
                  <span className="visually-hidden">Error: </span>
                  {fields.stars.errors.join(" ")}
                </p>
              ) : null}
              <div className="star-picker__options">
                {[1, 2, 3, 4, 5].map((n) => (
                  <span key={n} className="star-picker__option">
                    <input className="star-picker__input" type="radio" id={`${fields.stars.id}-${n}`} name={fields.stars.name} value={n} />
                    <label className="star-picker__label" htmlFor={`${fields.stars.id}-${n}`}>
                      <span aria-hidden="true">★</span> {n}
                      <span className="visually-hidden">{n === 1 ? " star" : " stars"}</span>
                    </label>
                  </span>
                ))}
              </div>
              <p className="hint">1 is "not for me", 5 is "loved it".</p>
            </fieldset>
            <fieldset className={`choice-list choice-list--inline${fields.wouldGoAgain.errors ? " field--error" : ""}`}>
              <legend className="field__label">Would you go again?</legend>
              {fields.wouldGoAgain.errors ? (
                <p id={`${fields.wouldGoAgain.id}-error`} className="field__error">
                  <span className="visually-hidden">Error: </span>
                  {fields.wouldGoAgain.errors.join(" ")}
                </p>
              ) : null}
              {(["yes", "no"] as const).map((answer) => (
                <div className="choice" key={answer}>
                  <input className="choice__input" type="radio" id={`${fields.wouldGoAgain.id}-${answer}`} name={fields.wouldGoAgain.name} value={answer} />
                  <label className="choice__label" htmlFor={`${fields.wouldGoAgain.id}-${answer}`}>
                    {answer === "yes" ? "Yes" : "No"}
                  </label>
                </div>
              ))}
            </fieldset>
            <TextareaField
              label="Anything else? (optional)"
              hint="What was good, or what could be better. The provider and the council may read it."
              textareaProps={{ ...getTextareaProps(fields.comment), rows: 4, maxLength: COMMENT_MAX }}
              errors={fields.comment.errors}
            />
            <SubmitButton className="button--block">Send my rating</SubmitButton>
          </Form>
        </>
      )}
    </YoungShell>
  );
}
