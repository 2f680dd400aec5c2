// A guardian's one-off link: say yes for an under-13, which links their account and lets the child book.
import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { isDomainError, statusForDomainError } from "~/domain/errors";
import { giveGuardianConsent, readConsentLink } from "~/domain/identity/consent";
import { getDb } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { startSession } from "~/lib/session.server";
import { CheckboxField, ErrorSummary, SubmitButton } from "~/ui/forms";
import { Notice } from "~/ui/notice";
import { PublicShell } from "~/ui/shells";

// The token is in the path: never send it on to another site as a referrer.
export const meta: MetaFunction = () => [{ title: "Give consent – Playpass" }, { name: "robots", content: "noindex" }, { name: "referrer", content: "no-referrer" }];

const schema = z.object({
  confirm: z.literal("on", { error: "Tick the box to confirm you are their parent or guardian." }),
});

const problemTitles: Record<string, string> = {
  CONSENT_LINK_USED: "This link has been used",
  CONSENT_LINK_EXPIRED: "This link has run out",
  CONSENT_LINK_UNKNOWN: "We do not recognise this link",
};

export async function loader({ params }: LoaderFunctionArgs) {
  try {
    const link = await readConsentLink(getDb(), params.token ?? "");
    return { firstName: link.firstName, problem: null };
  } catch (error) {
    if (isDomainError(error)) return data({ firstName: null, problem: { code: error.code, message: error.message } }, { status: statusForDomainError(error) });
    throw error;
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const submission = parseWithZod(await readForm(request), { schema });
  if (submission.status !== "success") return data({ result: submission.reply(), problem: null }, { status: 400 });
  try {
    const consent = await giveGuardianConsent(getDb(), params.token ?? "");
    const cookie = await startSession(request, consent.guardianUserId);
    throw redirect("/guardian?consented=1", { headers: { "Set-Cookie": cookie } });
  } catch (error) {
    if (isDomainError(error)) {
      return data({ result: submission.reply(), problem: { code: error.code, message: error.message } }, { status: statusForDomainError(error) });
    }
    throw error;
  }
}

export default function GiveConsent() {
  const loaderData = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
    shouldValidate: "onSubmit",
  });
  const problem = actionData?.problem ?? loaderData.problem;
  if (problem || !loaderData.firstName) {
    return (
      <PublicShell>
        <h1>{problemTitles[problem?.code ?? ""] ?? "This link does not work"}</h1>
        <Notice tone="error">{problem?.message}</Notice>
        <p>
          <Link to="/login">Sign in to Playpass</Link>
        </p>
      </PublicShell>
    );
  }
  const name = loaderData.firstName;
  return (
    <PublicShell>
      <h1>Can {name} use Playpass?</h1>
      <p className="lede">
        {name} has started a Playpass from the council: credit to spend on activities like swimming, football, music and art.
      </p>
      <h2>What saying yes means</h2>
      <ul>
        <li>{name} can book activities with their Playpass credit. It is free to you.</li>
        <li>You get a Playpass sign-in to see what {name} has booked.</li>
        <li>Providers only see {name}'s first name and age group. We never sell or share their details.</li>
      </ul>
      <ErrorSummary errors={(fields.confirm.errors ?? []).map((message) => ({ message, fieldId: fields.confirm.id }))} />
      <Form method="post" {...getFormProps(form)}>
        <CheckboxField label={`I am ${name}'s parent or guardian and I agree to them using Playpass.`} inputProps={getInputProps(fields.confirm, { type: "checkbox" })} errors={fields.confirm.errors} />
        <SubmitButton className="button--block">Yes, {name} can use Playpass</SubmitButton>
      </Form>
      <p className="hint">If you do not know {name}, you can close this page. Nothing will happen.</p>
    </PublicShell>
  );
}
