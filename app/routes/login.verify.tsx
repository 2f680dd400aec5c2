// Sign in, step 2: the one-time code. Success starts a fresh session (any earlier one is dropped).
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { isDomainError } from "~/domain/errors";
import { normaliseContact } from "~/domain/identity/contact";
import { verifySignInCode } from "~/domain/identity/sign-in";
import { homePathFor, loadActor, safeRedirect } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { outboxPageEnabled } from "~/lib/env.server";
import { readForm } from "~/lib/forms.server";
import { clientAddress, consume, RateLimited } from "~/lib/rate-limit.server";
import { startSession } from "~/lib/session.server";
import { ErrorSummary, Field, replyErrors, replyValue, SubmitButton, useFormReply } from "~/ui/forms";
import { PublicShell } from "~/ui/shells";
import { OutboxHint } from "~/ui/outbox-hint";

export const meta: MetaFunction = () => [{ title: "Enter your code – Playpass" }];

const schema = z.object({
  contact: z.string().trim().min(1).max(254),
  code: z
    .string({ error: "Enter the 6-digit code from your message." })
    .trim()
    .regex(/^\d{3}\s?\d{3}$/, "The code is 6 digits, like 123456."),
  redirectTo: z.string().optional(),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const url = new URL(request.url);
  const contact = normaliseContact(url.searchParams.get("contact") ?? "");
  if (!contact) throw redirect("/login");
  return { contact: contact.value, redirectTo: url.searchParams.get("redirectTo") ?? "", showOutboxLink: outboxPageEnabled() };
}

export async function action({ request }: ActionFunctionArgs) {
  const submission = parseWithZod(await readForm(request), { schema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const contact = normaliseContact(submission.value.contact);
  if (!contact) throw redirect("/login");
  try {
    await consume([
      ["signInVerifyPerTarget", contact.value],
      ["signInVerifyPerIp", clientAddress(request)],
      ["signInVerifyPerTargetDay", contact.value],
    ]);
    const userId = await verifySignInCode(getDb(), contact, submission.value.code);
    const cookie = await startSession(request, userId);
    const actor = await loadActor(userId);
    const home = actor ? homePathFor(actor) : "/";
    throw redirect(safeRedirect(submission.value.redirectTo, home), { headers: { "Set-Cookie": cookie } });
  } catch (error) {
    if (error instanceof RateLimited) return data({ result: submission.reply({ fieldErrors: { code: [error.message] } }) }, { status: 429 });
    if (isDomainError(error)) return data({ result: submission.reply({ fieldErrors: { code: [error.message] } }) }, { status: 400 });
    throw error;
  }
}

export default function VerifyCode() {
  const { contact, redirectTo, showOutboxLink } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  // Checked by the action alone (the same messages with or without JavaScript), so no Zod comes to the browser.
  const reply = actionData?.result;
  const formRef = useFormReply(reply, false); // a right code leaves the page
  const codeErrors = replyErrors(reply, "code");
  return (
    <PublicShell>
      <h1>Check your messages</h1>
      <p>
        If <strong>{contact}</strong> has a Playpass account, we have sent it a 6-digit code. It works for 10 minutes.
      </p>
      <OutboxHint show={showOutboxLink} />
      <ErrorSummary errors={(codeErrors ?? []).map((message) => ({ message, fieldId: "verify-code" }))} />
      <Form method="post" id="verify" ref={formRef} noValidate>
        <input type="hidden" name="contact" value={contact} />
        <input type="hidden" name="redirectTo" value={redirectTo} />
        <Field
          label="Code"
          inputProps={{ id: "verify-code", name: "code", type: "text", defaultValue: replyValue(reply, "code") ?? "", inputMode: "numeric", autoComplete: "one-time-code", maxLength: 7 }}
          errors={codeErrors}
        />
        <SubmitButton>Sign in</SubmitButton>
      </Form>
      <p>
        <Link to="/login">Send a new code</Link>
      </p>
    </PublicShell>
  );
}
