// "Suggest something": an activity or provider that is not on Playpass, recorded as demand for the council.
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData } from "@remix-run/react";
import { isDomainError, statusForDomainError } from "~/domain/errors";
import { suggestActivity } from "~/domain/young/choices";
import { SUGGESTION_MAX } from "~/domain/young/limits";
import { requireYoungPerson } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { categories, categoryLabel } from "~/ui/activity-card";
import { ErrorSummary, replyErrors, replyValue, SelectField, SubmitButton, TextareaField, useFormReply } from "~/ui/forms";
import { Notice } from "~/ui/notice";
import { YoungShell } from "~/ui/shells";
import { suggestionSchema } from "./young.suggest.server";

export const meta: MetaFunction = () => [{ title: "Suggest something – Playpass" }];

export async function loader({ request }: LoaderFunctionArgs) {
  await requireYoungPerson(request);
  return null;
}

export async function action({ request }: ActionFunctionArgs) {
  const { youngPerson } = await requireYoungPerson(request);
  const submission = parseWithZod(await readForm(request), { schema: suggestionSchema });
  if (submission.status !== "success") return data({ result: submission.reply(), sent: false }, { status: 400 });
  try {
    await suggestActivity(getDb(), { youngPersonId: youngPerson.id, councilId: youngPerson.councilId }, { text: submission.value.text, category: submission.value.category ?? null });
    return { result: submission.reply({ resetForm: true }), sent: true };
  } catch (error) {
    if (isDomainError(error)) return data({ result: submission.reply({ fieldErrors: { text: [error.message] } }), sent: false }, { status: statusForDomainError(error) });
    throw error;
  }
}

export default function Suggest() {
  const actionData = useActionData<typeof action>();
  // Checked by the action alone (the same messages with or without JavaScript), so no Zod comes to the browser.
  const reply = actionData?.result;
  const formRef = useFormReply(reply, actionData?.sent === true);
  const textErrors = replyErrors(reply, "text");
  const categoryErrors = replyErrors(reply, "category");
  return (
    <YoungShell>
      <h1>Suggest something</h1>
      {actionData?.sent ? (
        <Notice tone="success" title="Thanks, we've passed it on">
          The council reads every idea when it decides what to add to Playpass. You can send another.
        </Notice>
      ) : null}
      <p className="lede">Is there an activity, club or place you'd love to go that isn't on Playpass? Tell us.</p>
      <ErrorSummary
        errors={[...(textErrors ?? []).map((message) => ({ message, fieldId: "suggest-text" })), ...(categoryErrors ?? []).map((message) => ({ message, fieldId: "suggest-category" }))]}
      />
      <Form method="post" id="suggest" ref={formRef} noValidate>
        <TextareaField
          label="What would you like to do?"
          hint="For example: skateboarding lessons, or the climbing wall in Eastfield. Please don't include your name or address."
          textareaProps={{ id: "suggest-text", name: "text", defaultValue: replyValue(reply, "text") ?? "", rows: 4, maxLength: SUGGESTION_MAX }}
          errors={textErrors}
        />
        <SelectField
          label="What kind of thing is it? (optional)"
          selectProps={{ id: "suggest-category", name: "category", defaultValue: replyValue(reply, "category") ?? "" }}
          options={categories.map((c) => ({ value: c, label: categoryLabel(c) }))}
          placeholder="Not sure / something else"
          errors={categoryErrors}
        />
        <SubmitButton className="button--block">Send my idea</SubmitButton>
      </Form>
      <p>
        <Link to="/young">Back to home</Link>
      </p>
    </YoungShell>
  );
}
