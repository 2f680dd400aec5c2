// Accepting an invitation: sign in with a one-time code sent to the invited email, then join the team.
// Someone already signed in with that email joins with one button; anyone else is told why not.
import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { isDomainError } from "~/domain/errors";
import { acceptInvitation, findInvitation, sendInvitationSignInCode } from "~/domain/identity/invitations";
import { verifySignInCode } from "~/domain/identity/sign-in";
import { deliverMessage } from "~/domain/notifications/send";
import { getActor } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { outboxPageEnabled } from "~/lib/env.server";
import { readForm } from "~/lib/forms.server";
import { clientAddress, consume, RateLimited } from "~/lib/rate-limit.server";
import { startSession } from "~/lib/session.server";
import { ErrorSummary, Field, SubmitButton } from "~/ui/forms";
import { Notice } from "~/ui/notice";
import { PublicShell } from "~/ui/shells";
import { OutboxHint } from "~/ui/outbox-hint";

export const meta: MetaFunction = () => [{ title: "Your invitation – Playpass" }, { name: "referrer", content: "no-referrer" }];

const sendSchema = z.object({
  intent: z.literal("send"),
  displayName: z.string().trim().max(80, "Keep your name under 80 characters.").optional(),
});
const verifySchema = z.object({
  intent: z.literal("verify"),
  code: z
    .string({ error: "Enter the 6-digit code from your email." })
    .trim()
    .regex(/^\d{3}\s?\d{3}$/, "The code is 6 digits, like 123456."),
});

function homeFor(joined: { providerId: string | null; councilId: string | null; role: string }) {
  if (joined.providerId) return joined.role === "DOOR_STAFF" ? "/provider/door" : "/provider";
  return "/council";
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const token = params.token ?? "";
  const actor = await getActor(request);
  try {
    const invitation = await findInvitation(getDb(), { token });
    const signedInEmail = actor ? ((await getDb().user.findUnique({ where: { id: actor.userId }, select: { email: true } }))?.email ?? null) : null;
    return {
      invitation: { email: invitation.email, roleName: invitation.roleName, placeName: invitation.placeName, hasAccount: invitation.hasAccount, expiresAt: invitation.expiresAt.toISOString() },
      signedIn: actor ? { matches: signedInEmail === invitation.email } : null,
      problem: null,
      showOutboxLink: outboxPageEnabled(),
    };
  } catch (error) {
    if (!isDomainError(error)) throw error;
    return data({ invitation: null, signedIn: null, problem: error.message, showOutboxLink: false }, { status: error.code === "INVITATION_UNKNOWN" ? 404 : 410 });
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const token = params.token ?? "";
  const formData = await readForm(request);
  const intent = formData.get("intent");
  try {
    if (intent === "accept") {
      const actor = await getActor(request);
      if (!actor) return data({ step: "send" as const, problem: "Sign in first.", result: null }, { status: 401 });
      const joined = await acceptInvitation(getDb(), { token, userId: actor.userId });
      throw redirect(homeFor(joined));
    }
    if (intent === "verify") {
      const submission = parseWithZod(formData, { schema: verifySchema });
      if (submission.status !== "success") return data({ step: "verify" as const, problem: null, result: submission.reply() }, { status: 400 });
      const invitation = await findInvitation(getDb(), { token });
      const contact = { kind: "email" as const, value: invitation.email };
      try {
        await consume([
          ["signInVerifyPerTarget", contact.value],
          ["signInVerifyPerIp", clientAddress(request)],
          ["signInVerifyPerTargetDay", contact.value],
        ]);
        const userId = await verifySignInCode(getDb(), contact, submission.value.code);
        const joined = await acceptInvitation(getDb(), { token, userId });
        const cookie = await startSession(request, userId);
        throw redirect(homeFor(joined), { headers: { "Set-Cookie": cookie } });
      } catch (error) {
        if (error instanceof RateLimited) return data({ step: "verify" as const, problem: null, result: submission.reply({ fieldErrors: { code: [error.message] } }) }, { status: 429 });
        if (isDomainError(error) && error.field === "code") {
          return data({ step: "verify" as const, problem: null, result: submission.reply({ fieldErrors: { code: [error.message] } }) }, { status: 400 });
        }
        throw error;
      }
    }
    const submission = parseWithZod(formData, { schema: sendSchema });
    if (submission.status !== "success") return data({ step: "send" as const, problem: null, result: submission.reply() }, { status: 400 });
    const invitation = await findInvitation(getDb(), { token });
    try {
      await consume([
        ["signInRequestPerTarget", invitation.email],
        ["signInRequestPerIp", clientAddress(request)],
      ]);
    } catch (error) {
      if (error instanceof RateLimited) return data({ step: "send" as const, problem: error.message, result: null }, { status: 429 });
      throw error;
    }
    try {
      const { messageId } = await sendInvitationSignInCode(getDb(), { token, displayName: submission.value.displayName });
      if (messageId) await deliverMessage(getDb(), messageId).catch(() => undefined); // the outbox sweeper retries
    } catch (error) {
      if (isDomainError(error) && error.field === "displayName") {
        return data({ step: "send" as const, problem: null, result: submission.reply({ fieldErrors: { displayName: [error.message] } }) }, { status: 400 });
      }
      throw error;
    }
    return { step: "verify" as const, problem: null, result: null };
  } catch (error) {
    if (isDomainError(error)) return data({ step: "done" as const, problem: error.message, result: null }, { status: error.code === "INVITATION_WRONG_ACCOUNT" ? 403 : 409 });
    throw error;
  }
}

export default function InvitationPage() {
  const { invitation, signedIn, problem, showOutboxLink } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  if (!invitation || actionData?.step === "done") {
    return (
      <PublicShell theme="provider">
        <h1>This invitation cannot be used</h1>
        <Notice tone="error">{actionData?.problem ?? problem}</Notice>
        <p>
          <Link to="/login">Sign in</Link> if you already have an account.
        </p>
      </PublicShell>
    );
  }
  return (
    <PublicShell theme="provider">
      <h1>Join {invitation.placeName}</h1>
      <p className="lede">
        You have been invited to join {invitation.placeName} on Playpass as {invitation.roleName}, with the email address <strong>{invitation.email}</strong>.
      </p>
      {actionData?.problem ? <Notice tone="error">{actionData.problem}</Notice> : null}
      {signedIn?.matches ? (
        <Form method="post">
          <input type="hidden" name="intent" value="accept" />
          <SubmitButton>Join {invitation.placeName}</SubmitButton>
        </Form>
      ) : signedIn ? (
        <Notice tone="warning" title="You are signed in with another account">
          <p>This invitation is for {invitation.email}. Sign out, then open the link in the email again.</p>
          <Form method="post" action="/logout">
            <SubmitButton variant="secondary">Sign out</SubmitButton>
          </Form>
        </Notice>
      ) : actionData?.step === "verify" ? (
        <VerifyForm email={invitation.email} showOutboxLink={showOutboxLink} lastResult={actionData.result} />
      ) : (
        <SendForm hasAccount={invitation.hasAccount} lastResult={actionData?.result ?? null} />
      )}
    </PublicShell>
  );
}

type LastResult = Parameters<typeof useForm>[0]["lastResult"];

function SendForm({ hasAccount, lastResult }: { hasAccount: boolean; lastResult: LastResult }) {
  const [form, fields] = useForm({ lastResult, onValidate: ({ formData }) => parseWithZod(formData, { schema: sendSchema }), shouldValidate: "onSubmit" });
  const errors = (fields.displayName.errors as string[] | undefined) ?? [];
  return (
    <>
      <ErrorSummary errors={errors.map((message) => ({ message, fieldId: fields.displayName.id }))} />
      <Form method="post" {...getFormProps(form)}>
        <input type="hidden" name="intent" value="send" />
        {hasAccount ? null : (
          <Field
            label="Your name"
            hint="As your team will see it, for example on who redeemed a booking."
            inputProps={{ ...getInputProps(fields.displayName, { type: "text" }), autoComplete: "name", required: true }}
            errors={errors}
          />
        )}
        <p>We will email you a 6-digit code to sign in. No password needed.</p>
        <SubmitButton>Email me a code</SubmitButton>
      </Form>
    </>
  );
}

function VerifyForm({ email, showOutboxLink, lastResult }: { email: string; showOutboxLink: boolean; lastResult: LastResult }) {
  const [form, fields] = useForm({ lastResult, onValidate: ({ formData }) => parseWithZod(formData, { schema: verifySchema }), shouldValidate: "onSubmit" });
  const errors = (fields.code.errors as string[] | undefined) ?? [];
  return (
    <>
      <p>
        We have sent a 6-digit code to <strong>{email}</strong>. It works for 10 minutes.
      </p>
      <OutboxHint show={showOutboxLink} />
      <ErrorSummary errors={errors.map((message) => ({ message, fieldId: fields.code.id }))} />
      <Form method="post" {...getFormProps(form)}>
        <input type="hidden" name="intent" value="verify" />
        <Field
          label="Code"
          inputProps={{ ...getInputProps(fields.code, { type: "text" }), inputMode: "numeric", autoComplete: "one-time-code", maxLength: 7 }}
          errors={errors}
        />
        <SubmitButton>Sign in and join</SubmitButton>
      </Form>
    </>
  );
}
