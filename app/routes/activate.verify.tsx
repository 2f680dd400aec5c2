// Activate a pass, step 2: the one-time code. Success creates the sign-in, starts the pass and signs them in.
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { isDomainError } from "~/domain/errors";
import { completeActivation, findInvitation, maskEmail, maskPhone } from "~/domain/identity/activation";
import { normaliseContact } from "~/domain/identity/contact";
import { getDb } from "~/lib/db.server";
import { outboxPageEnabled } from "~/lib/env.server";
import { readForm } from "~/lib/forms.server";
import { RateLimited } from "~/lib/rate-limit.server";
import { startSession } from "~/lib/session.server";
import { ErrorSummary, Field, replyErrors, replyValue, SubmitButton, useFormReply } from "~/ui/forms";
import { PublicShell } from "~/ui/shells";
import { choiceFrom, limitActivationAttempt } from "./activate.server";
import { OutboxHint } from "~/ui/outbox-hint";

export const meta: MetaFunction = () => [{ title: "Enter your code – Playpass" }, { name: "robots", content: "noindex" }];

const schema = z.object({
  code: z.string().trim().min(1).max(40),
  via: z.enum(["email", "phone", "new"]),
  contact: z.string().trim().max(254).optional(),
  oneTimeCode: z
    .string({ error: "Enter the 6-digit code from your message." })
    .trim()
    .regex(/^\d{3}\s?\d{3}$/, "The code is 6 digits, like 123456."),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const code = url.searchParams.get("code") ?? "";
  const via = url.searchParams.get("via");
  const contact = url.searchParams.get("contact");
  if (!code || (via !== "email" && via !== "phone" && via !== "new")) throw redirect("/activate");
  let invitation;
  try {
    invitation = await findInvitation(getDb(), code);
  } catch (error) {
    // Used, expired or unknown: the first page says which, in words.
    if (isDomainError(error)) throw redirect(`/activate?${new URLSearchParams({ code })}`);
    throw error;
  }
  let sentTo: string;
  if (via === "new") {
    const normalised = normaliseContact(contact ?? "");
    if (!normalised) throw redirect(`/activate?${new URLSearchParams({ code: invitation.code })}`);
    sentTo = normalised.kind === "email" ? maskEmail(normalised.value) : maskPhone(normalised.value);
  } else {
    const onRecord = invitation.contactsOnRecord.find((c) => c.via === via);
    if (!onRecord) throw redirect(`/activate?${new URLSearchParams({ code: invitation.code })}`);
    sentTo = onRecord.masked;
  }
  return { code: invitation.code, via, contact: via === "new" ? contact : null, sentTo, firstName: invitation.firstName, showOutboxLink: outboxPageEnabled() };
}

export async function action({ request }: ActionFunctionArgs) {
  const submission = parseWithZod(await readForm(request), { schema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const { code, via, contact, oneTimeCode } = submission.value;
  try {
    await limitActivationAttempt(request, code, "check");
    const activated = await completeActivation(getDb(), { code, choice: choiceFrom(via, contact), oneTimeCode });
    const cookie = await startSession(request, activated.userId);
    throw redirect(activated.awaitingConsent ? "/activate/guardian" : "/young?welcome=1", { headers: { "Set-Cookie": cookie } });
  } catch (error) {
    if (error instanceof RateLimited) return data({ result: submission.reply({ fieldErrors: { oneTimeCode: [error.message] } }) }, { status: 429 });
    if (isDomainError(error)) return data({ result: submission.reply({ fieldErrors: { oneTimeCode: [error.message] } }) }, { status: 400 });
    throw error;
  }
}

export default function VerifyActivation() {
  const { code, via, contact, sentTo, firstName, showOutboxLink } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  // Checked by the action alone (the same messages with or without JavaScript), so no Zod comes to the browser.
  const reply = actionData?.result;
  const formRef = useFormReply(reply, false); // a right code leaves the page
  const codeErrors = replyErrors(reply, "oneTimeCode");
  return (
    <PublicShell>
      <div className="activate">
        <h1>Check your messages, {firstName}</h1>
        <p className="lede">
          We have sent a 6-digit code to <strong>{sentTo}</strong>. It works for 10 minutes.
        </p>
        <OutboxHint show={showOutboxLink} />
        <ErrorSummary errors={(codeErrors ?? []).map((message) => ({ message, fieldId: "activate-one-time-code" }))} />
        <Form method="post" id="activate-verify" ref={formRef} noValidate>
          <input type="hidden" name="code" value={code} />
          <input type="hidden" name="via" value={via} />
          {contact ? <input type="hidden" name="contact" value={contact} /> : null}
          <Field
            label="Code"
            inputProps={{
              id: "activate-one-time-code",
              name: "oneTimeCode",
              type: "text",
              defaultValue: replyValue(reply, "oneTimeCode") ?? "",
              inputMode: "numeric",
              autoComplete: "one-time-code",
              maxLength: 7,
              className: "input--code",
            }}
            errors={codeErrors}
          />
          <SubmitButton className="button--block">Start my Playpass</SubmitButton>
        </Form>
        <p>
          <Link to={`/activate?${new URLSearchParams({ code })}`}>Send a new code</Link>
        </p>
      </div>
    </PublicShell>
  );
}
