// Under-13s after activating: the email or phone of a parent or guardian, who gets a one-off link to say yes.
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { isDomainError } from "~/domain/errors";
import { normaliseContact } from "~/domain/identity/contact";
import { consentStatus, requestGuardianConsent } from "~/domain/identity/consent";
import { deliverMessage } from "~/domain/notifications/send";
import { requireYoungPerson } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { consume, RateLimited } from "~/lib/rate-limit.server";
import { ErrorSummary, Field, replyErrors, replyValue, SubmitButton, useFormReply } from "~/ui/forms";
import { Notice } from "~/ui/notice";
import { YoungShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Ask a grown-up – Playpass" }];

const schema = z.object({
  guardianContact: z
    .string({ error: "Enter your parent's or guardian's email address or mobile number." })
    .trim()
    .max(254, "That is too long for an email address or mobile number.")
    .refine((value) => normaliseContact(value) !== null, "Enter an email address like name@example.com or a UK mobile number like 07700 900123."),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const { youngPerson } = await requireYoungPerson(request);
  if (youngPerson.status !== "AWAITING_CONSENT") throw redirect("/young");
  return { firstName: youngPerson.firstName, pending: await consentStatus(getDb(), youngPerson.id) };
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor, youngPerson } = await requireYoungPerson(request);
  if (youngPerson.status !== "AWAITING_CONSENT") throw redirect("/young");
  const submission = parseWithZod(await readForm(request), { schema });
  if (submission.status !== "success") return data({ result: submission.reply(), sentTo: null }, { status: 400 });
  try {
    // A message to someone else's phone: a few a quarter of an hour is plenty.
    await consume([["signInRequestPerTarget", `consent:${youngPerson.id}`]]);
    const sent = await requestGuardianConsent(getDb(), { youngPersonId: youngPerson.id, guardianContact: submission.value.guardianContact, actorUserId: actor.userId });
    if (sent.messageId) await deliverMessage(getDb(), sent.messageId).catch(() => undefined); // the outbox sweeper retries
    return { result: submission.reply({ resetForm: true }), sentTo: sent.sentTo };
  } catch (error) {
    if (error instanceof RateLimited || isDomainError(error)) {
      return data({ result: submission.reply({ fieldErrors: { guardianContact: [error.message] } }), sentTo: null }, { status: error instanceof RateLimited ? 429 : 400 });
    }
    throw error;
  }
}

export default function AskGuardian() {
  const { firstName, pending } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  // Checked by the action alone (the same messages with or without JavaScript), so no Zod comes to the browser.
  const reply = actionData?.result;
  const formRef = useFormReply(reply, Boolean(actionData?.sentTo));
  const contactErrors = replyErrors(reply, "guardianContact");
  const sentTo = actionData?.sentTo ?? pending?.sentTo ?? null;
  return (
    <YoungShell>
      <div className="activate">
        <h1>Nearly there, {firstName}!</h1>
        {sentTo ? (
          <Notice tone="success" title="Link sent">
            We have sent a link to <strong>{sentTo}</strong>. Once they say yes, you can book. It works for 7 days.
          </Notice>
        ) : null}
        <p className="lede">Because you are under 13, a parent or guardian needs to say it's OK before you can book.</p>
        <p>We'll send them a link. You can look around Playpass while you wait.</p>
        <ErrorSummary errors={(contactErrors ?? []).map((message) => ({ message, fieldId: "guardian-contact" }))} />
        <Form method="post" id="ask-guardian" ref={formRef} noValidate>
          <Field
            label={sentTo ? "Send it somewhere else" : "Your parent's or guardian's email or mobile number"}
            hint="For example name@example.com or 07700 900123"
            inputProps={{
              id: "guardian-contact",
              name: "guardianContact",
              type: "text",
              defaultValue: replyValue(reply, "guardianContact") ?? "",
              autoComplete: "off",
              inputMode: "email",
              maxLength: 254,
            }}
            errors={contactErrors}
          />
          <SubmitButton className="button--block">{sentTo ? "Send a new link" : "Send them a link"}</SubmitButton>
        </Form>
        <p>
          <Link to="/" className="button button--secondary button--block">
            Look around
          </Link>
        </p>
      </div>
    </YoungShell>
  );
}
