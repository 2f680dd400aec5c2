// Sign in, step 1: email or mobile number; a one-time code is sent if it belongs to someone.
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, useActionData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { normaliseContact } from "~/domain/identity/contact";
import { requestSignInCode } from "~/domain/identity/sign-in";
import { deliverMessage } from "~/domain/notifications/send";
import { getActor, homePathFor, safeRedirect } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { outboxPageEnabled } from "~/lib/env.server";
import { readForm } from "~/lib/forms.server";
import { clientAddress, consume, RateLimited } from "~/lib/rate-limit.server";
import { ErrorSummary, Field, Honeypot, replyErrors, replyValue, SubmitButton, useFormReply } from "~/ui/forms";
import { PublicShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Sign in – Playpass" }];

const schema = z.object({
  contact: z
    .string({ error: "Enter your email address or mobile number." })
    .trim()
    .max(254, "That is too long for an email address or mobile number.")
    .refine((value) => normaliseContact(value) !== null, "Enter an email address like name@example.com or a UK mobile number like 07700 900123."),
  redirectTo: z.string().optional(),
  website: z.string().max(0).optional(),
});

export async function loader({ request }: LoaderFunctionArgs) {
  const actor = await getActor(request);
  if (actor) throw redirect(homePathFor(actor));
  return { showOutboxLink: outboxPageEnabled() };
}

export async function action({ request }: ActionFunctionArgs) {
  const formData = await readForm(request);
  const submission = parseWithZod(formData, { schema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  if (submission.value.website) return data({ result: submission.reply({ formErrors: ["Something went wrong. Try again."] }) }, { status: 400 });

  const contact = normaliseContact(submission.value.contact)!;
  try {
    await consume([
      ["signInRequestPerTarget", contact.value],
      ["signInRequestPerIp", clientAddress(request)],
    ]);
  } catch (error) {
    if (error instanceof RateLimited) return data({ result: submission.reply({ fieldErrors: { contact: [error.message] } }) }, { status: 429 });
    throw error;
  }
  const messageId = await requestSignInCode(getDb(), contact);
  if (messageId) await deliverMessage(getDb(), messageId).catch(() => undefined); // the outbox sweeper retries
  const params = new URLSearchParams({ contact: contact.value, redirectTo: safeRedirect(submission.value.redirectTo, "") });
  throw redirect(`/login/verify?${params}`);
}

export default function Login() {
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  // Checked by the action alone (the same messages with or without JavaScript), so no Zod comes to the browser.
  const reply = actionData?.result;
  const formRef = useFormReply(reply, false); // an accepted contact leaves the page
  const contactErrors = replyErrors(reply, "contact");
  return (
    <PublicShell>
      <h1>Sign in</h1>
      <p>We will send you a 6-digit code. No password needed.</p>
      <ErrorSummary errors={[...(replyErrors(reply, "") ?? []), ...(contactErrors ?? [])].map((message) => ({ message, fieldId: "login-contact" }))} />
      <Form method="post" id="login" ref={formRef} noValidate>
        <input type="hidden" name="redirectTo" value={searchParams.get("redirectTo") ?? ""} />
        <Honeypot />
        <Field
          label="Email address or mobile number"
          inputProps={{ id: "login-contact", name: "contact", type: "text", defaultValue: replyValue(reply, "contact") ?? "", autoComplete: "username", inputMode: "email", maxLength: 254 }}
          errors={contactErrors}
        />
        <SubmitButton>Send me a code</SubmitButton>
      </Form>
    </PublicShell>
  );
}
