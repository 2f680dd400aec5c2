// Activate a pass, step 1: the code from the invitation link or the council's letter, then where to send a one-time code.
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { isDomainError, statusForDomainError } from "~/domain/errors";
import { findInvitation, sendActivationCode } from "~/domain/identity/activation";
import { deliverMessage } from "~/domain/notifications/send";
import { getActor, homePathFor } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { RateLimited } from "~/lib/rate-limit.server";
import { ErrorSummary, Field, FieldError, Honeypot, replyErrors, replyValue, SubmitButton, useFormReply } from "~/ui/forms";
import { Notice } from "~/ui/notice";
import { PublicShell } from "~/ui/shells";
import { choiceFrom, limitActivationAttempt } from "./activate.server";

export const meta: MetaFunction = () => [{ title: "Start your Playpass" }, { name: "robots", content: "noindex" }];

const codeSchema = z.object({
  intent: z.literal("code"),
  code: z
    .string({ error: "Enter the activation code from your letter or message." })
    .trim()
    .max(40, "That is longer than an activation code.")
    // 12 letters and digits, spaces and dashes aside.
    .refine((value) => /^[0-9a-z]{12}$/i.test(value.replace(/[\s-]/g, "")), "An activation code is 12 letters and numbers, like 7K3M-Q9TX-AB12."),
  website: z.string().max(0).optional(),
});

const sendSchema = z
  .object({
    intent: z.literal("send"),
    code: z.string().trim().min(1).max(40),
    via: z.enum(["email", "phone", "new"], { error: "Choose where to send your code." }),
    contact: z.string().trim().max(254, "That is too long for an email address or mobile number.").optional(),
    website: z.string().max(0).optional(),
  })
  .refine((value) => value.via !== "new" || (value.contact ?? "") !== "", {
    path: ["contact"],
    message: "Enter your email address or mobile number.",
  });

export async function loader({ request }: LoaderFunctionArgs) {
  const raw = new URL(request.url).searchParams.get("code");
  if (!raw) {
    const actor = await getActor(request);
    return { invitation: null, problem: null, code: "", signedIn: actor ? homePathFor(actor) : null };
  }
  try {
    await limitActivationAttempt(request, raw, "check");
    const invitation = await findInvitation(getDb(), raw);
    return { invitation, problem: null, code: invitation.code, signedIn: null };
  } catch (error) {
    if (error instanceof RateLimited) return data({ invitation: null, problem: { code: "RATE_LIMITED", message: error.message }, code: raw, signedIn: null }, { status: 429 });
    if (isDomainError(error)) {
      return data({ invitation: null, problem: { code: error.code, message: error.message }, code: raw, signedIn: null }, { status: statusForDomainError(error) });
    }
    throw error;
  }
}

export async function action({ request }: ActionFunctionArgs) {
  const formData = await readForm(request);
  const intent = formData.get("intent");
  const submission = parseWithZod(formData, { schema: intent === "send" ? sendSchema : codeSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const value = submission.value as z.infer<typeof codeSchema> | z.infer<typeof sendSchema>;
  if (value.website) return data({ result: submission.reply({ formErrors: ["Something went wrong. Try again."] }) }, { status: 400 });

  try {
    if (value.intent === "code") {
      await limitActivationAttempt(request, value.code, "check");
      const invitation = await findInvitation(getDb(), value.code);
      throw redirect(`/activate?${new URLSearchParams({ code: invitation.code })}`);
    }
    await limitActivationAttempt(request, value.code, "send");
    const choice = choiceFrom(value.via, value.contact);
    const sent = await sendActivationCode(getDb(), { code: value.code, choice });
    if (sent.messageId) await deliverMessage(getDb(), sent.messageId).catch(() => undefined); // the outbox sweeper retries
    const params = new URLSearchParams({ code: sent.invitation.code, via: choice.via });
    if (choice.via === "new") params.set("contact", sent.contact.value);
    throw redirect(`/activate/verify?${params}`);
  } catch (error) {
    if (error instanceof RateLimited) return data({ result: submission.reply({ fieldErrors: { [value.intent === "code" ? "code" : "via"]: [error.message] } }) }, { status: 429 });
    if (isDomainError(error)) {
      // A contact on record is chosen, not typed: its problem belongs with the choice.
      const field = error.field === "contact" ? (value.intent === "send" && value.via === "new" ? "contact" : "via") : error.field === "via" ? "via" : "code";
      return data({ result: submission.reply({ fieldErrors: { [field]: [error.message] } }) }, { status: 400 });
    }
    throw error;
  }
}

export default function Activate() {
  const { invitation, problem, code, signedIn } = useLoaderData<typeof loader>();
  return (
    <PublicShell homeHref={signedIn ?? undefined}>
      {invitation ? <ChooseContact invitation={invitation} /> : <EnterCode initialCode={code} problem={problem} />}
    </PublicShell>
  );
}

function EnterCode({ initialCode, problem }: { initialCode: string; problem: { code: string; message: string } | null }) {
  const actionData = useActionData<typeof action>();
  // Checked by the action alone (the same messages with or without JavaScript), so no Zod comes to the browser.
  const reply = actionData?.result;
  const formRef = useFormReply(reply, false); // a known code leaves the page
  const codeErrors = replyErrors(reply, "code");
  const titles: Record<string, string> = {
    ACTIVATION_CODE_USED: "This code has been used",
    ACTIVATION_CODE_EXPIRED: "This code has run out",
    ACTIVATION_CODE_UNKNOWN: "We do not know this code",
    RATE_LIMITED: "Too many tries",
  };
  return (
    <div className="activate">
      <h1>Start your Playpass</h1>
      {problem ? (
        <Notice tone="error" title={titles[problem.code] ?? "That did not work"}>
          <p>{problem.message}</p>
          {problem.code === "ACTIVATION_CODE_USED" ? (
            <p>
              <Link to="/login">Sign in to your Playpass</Link>
            </p>
          ) : null}
        </Notice>
      ) : null}
      <p className="lede">Type the activation code from your letter or message from the council.</p>
      <ErrorSummary errors={[...(replyErrors(reply, "") ?? []), ...(codeErrors ?? [])].map((message) => ({ message, fieldId: "activation-code" }))} />
      <Form method="post" id="activate" ref={formRef} noValidate>
        <input type="hidden" name="intent" value="code" />
        <Honeypot />
        <Field
          label="Activation code"
          hint="12 letters and numbers, like 7K3M-Q9TX-AB12"
          inputProps={{
            id: "activation-code",
            name: "code",
            type: "text",
            defaultValue: replyValue(reply, "code") ?? initialCode,
            autoComplete: "off",
            autoCapitalize: "characters",
            spellCheck: false,
            maxLength: 40,
            className: "input--code",
          }}
          errors={codeErrors}
        />
        <SubmitButton className="button--block">Continue</SubmitButton>
      </Form>
      <p>
        Already started your pass? <Link to="/login">Sign in</Link>
      </p>
    </div>
  );
}

type InvitationView = NonNullable<ReturnType<typeof useLoaderData<typeof loader>>["invitation"]>;

function ChooseContact({ invitation }: { invitation: InvitationView }) {
  const actionData = useActionData<typeof action>();
  // Checked by the action alone (the same messages with or without JavaScript), so no Zod comes to the browser.
  const reply = actionData?.result;
  const formRef = useFormReply(reply, false); // a code sent leaves the page
  const viaErrors = replyErrors(reply, "via");
  const contactErrors = replyErrors(reply, "contact");
  const onRecord = invitation.contactsOnRecord;
  const errors = [
    ...(replyErrors(reply, "") ?? []).map((message) => ({ message })),
    ...(viaErrors ?? []).map((message) => ({ message, fieldId: "activate-via-0" })),
    ...(contactErrors ?? []).map((message) => ({ message, fieldId: "activate-contact" })),
    ...(replyErrors(reply, "code") ?? []).map((message) => ({ message })),
  ];
  return (
    <div className="activate">
      <h1>Hi {invitation.firstName}!</h1>
      <p className="lede">Let's start your Playpass. First we'll send you a 6-digit code to check it's really you.</p>
      {invitation.needsConsent ? (
        <Notice tone="info" title="You'll need a grown-up's OK">
          Because you are under 13, a parent or guardian needs to say yes before you can book. You can look around straight away.
        </Notice>
      ) : null}
      <ErrorSummary errors={errors} />
      <Form method="post" id="activate-send" ref={formRef} noValidate>
        <input type="hidden" name="intent" value="send" />
        <input type="hidden" name="code" value={invitation.code} />
        <Honeypot />
        {onRecord.length > 0 ? (
          <fieldset className={`choice-list${viaErrors ? " field--error" : ""}`} aria-describedby={viaErrors ? "activate-via-error" : undefined}>
            <legend className="field__label">Where should we send your code?</legend>
            {viaErrors ? <FieldError id="activate-via-error" errors={viaErrors} /> : null}
            {onRecord.map((contact, index) => (
              <div className="choice" key={contact.via}>
                <input
                  className="choice__input"
                  type="radio"
                  id={`activate-via-${index}`}
                  name="via"
                  value={contact.via}
                  defaultChecked={onRecord.length === 1 || replyValue(reply, "via") === contact.via}
                  aria-invalid={viaErrors ? true : undefined}
                />
                <label className="choice__label" htmlFor={`activate-via-${index}`}>
                  {contact.via === "email" ? "Email" : "Text message"} to <strong>{contact.masked}</strong>
                </label>
              </div>
            ))}
            <p className="hint">These are the details the council has for you. If they are wrong, ask the council to change them.</p>
          </fieldset>
        ) : (
          <>
            <input type="hidden" name="via" value="new" />
            <Field
              label="Your email address or mobile number"
              hint="We'll send your codes and booking reminders here. Nothing else."
              inputProps={{
                id: "activate-contact",
                name: "contact",
                type: "text",
                defaultValue: replyValue(reply, "contact") ?? "",
                autoComplete: "username",
                inputMode: "email",
                maxLength: 254,
              }}
              errors={contactErrors}
            />
          </>
        )}
        <SubmitButton className="button--block">Send my code</SubmitButton>
      </Form>
    </div>
  );
}
