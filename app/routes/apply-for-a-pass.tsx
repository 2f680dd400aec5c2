// "Apply for a pass": a young person (or a parent or carer for them) asks their council for a Playpass,
// with a photo or PDF of a proof of address. An officer checks it; the answer comes by email or text.
import { getFormProps, getInputProps, getSelectProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { isDomainError } from "~/domain/errors";
import { councilsTakingApplications, submitPassApplication } from "~/domain/programmes";
import { passApplicationFormSchema } from "~/domain/programmes/forms";
import { getDb } from "~/lib/db.server";
import { clientAddress, consume, RateLimited } from "~/lib/rate-limit.server";
import { MB, parseUploadForm, readFormFile } from "~/lib/uploads.server";
import { ErrorSummary, Field, Honeypot, SelectField, SubmitButton } from "~/ui/forms";
import { Notice } from "~/ui/notice";
import { PublicShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Apply for a Playpass" }];

const FORM_ID = "apply-pass";
const PROOF_RULES = { accept: ["pdf", "jpeg", "png"] as ("pdf" | "jpeg" | "png")[], maxBytes: 8 * MB, label: "a photo or PDF of your proof of address" };

export async function loader() {
  return { councils: await councilsTakingApplications(getDb()) };
}

function failed(message: string, status: number) {
  const result: SubmissionResult<string[]> = { status: "error", error: { "": [message] }, initialValue: {} };
  return data({ result }, { status });
}

export async function action({ request }: ActionFunctionArgs) {
  let form: FormData;
  try {
    form = await parseUploadForm(request, { maxFileBytes: PROOF_RULES.maxBytes + 2 * MB });
  } catch (error) {
    if (isDomainError(error)) return failed(`${error.message.replace(/\.$/, "")}. The proof of address must be 8 MB or smaller.`, 413);
    throw error;
  }
  const submission = parseWithZod(form, { schema: passApplicationFormSchema });
  let proof: Awaited<ReturnType<typeof readFormFile>> | null = null;
  let proofError: string | null = null;
  try {
    proof = await readFormFile(form, "proof", PROOF_RULES);
  } catch (error) {
    if (!isDomainError(error)) throw error;
    proofError = error.message;
  }
  if (submission.status !== "success" || !proof) {
    return data({ result: submission.reply({ fieldErrors: proofError ? { proof: [proofError] } : {} }) }, { status: 400 });
  }
  if (submission.value.website) return failed("Something went wrong. Try again.", 400);
  try {
    // The per-address limit for sign-in requests, under its own key: a person applies once, a script many times.
    await consume([["signInRequestPerIp", `pass-application:${clientAddress(request)}`]]);
  } catch (error) {
    if (error instanceof RateLimited) return failed(error.message, 429);
    throw error;
  }
  const { website: _website, ...input } = submission.value;
  try {
    await submitPassApplication(getDb(), input, proof);
  } catch (error) {
    if (!isDomainError(error)) throw error;
    return data({ result: submission.reply(error.field ? { fieldErrors: { [error.field]: [error.message] } } : { formErrors: [error.message] }) }, { status: 400 });
  }
  throw redirect("/apply-for-a-pass?sent=1");
}

export default function ApplyForAPass() {
  const { councils } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const [form, fields] = useForm({
    id: FORM_ID,
    lastResult: actionData?.result,
    defaultValue: { councilId: councils.length === 1 ? councils[0]!.id : "" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: passApplicationFormSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  if (params.get("sent")) {
    return (
      <PublicShell>
        <h1>Application sent</h1>
        <Notice tone="success" title="Thank you">
          We have your application. Someone at the council will check it, usually within 5 working days, and tell you the answer by email or text.
        </Notice>
        <p>
          <Link to="/">Back to Playpass</Link>
        </p>
      </PublicShell>
    );
  }
  const proofErrors = (form.allErrors.proof ?? []) as string[];
  const summary = Object.entries(form.allErrors).flatMap(([name, messages]) => messages.map((message) => ({ message, fieldId: name ? `${FORM_ID}-${name}` : undefined })));
  return (
    <PublicShell>
      <h1>Apply for a Playpass</h1>
      <p className="lede">Playpass gives young people credit from their council to spend on activities they choose. If you were not sent one, ask for one here.</p>
      <p>You will need a photo or PDF of something showing your address, like a letter from school, a council tax bill or a GP letter. A parent or carer can fill this in for you.</p>
      <ErrorSummary errors={summary} />
      <Form method="post" encType="multipart/form-data" {...getFormProps(form)}>
        <Honeypot />
        <SelectField label="Your council" selectProps={getSelectProps(fields.councilId)} options={councils.map((c) => ({ value: c.id, label: c.name }))} placeholder="Choose your council" errors={fields.councilId.errors} />
        <Field label="First name" inputProps={{ ...getInputProps(fields.firstName, { type: "text" }), autoComplete: "given-name" }} errors={fields.firstName.errors} />
        <Field label="Last name" inputProps={{ ...getInputProps(fields.lastName, { type: "text" }), autoComplete: "family-name" }} errors={fields.lastName.errors} />
        <Field label="Date of birth" inputProps={{ ...getInputProps(fields.dateOfBirth, { type: "date" }), autoComplete: "bday" }} errors={fields.dateOfBirth.errors} />
        <Field label="Postcode" inputProps={{ ...getInputProps(fields.postcode, { type: "text" }), autoComplete: "postal-code" }} errors={fields.postcode.errors} />
        <Field label="Email address" hint="Give an email address or a mobile number, or both. We use it to tell you the answer." inputProps={{ ...getInputProps(fields.email, { type: "email" }), autoComplete: "email" }} errors={fields.email.errors} />
        <Field label="Mobile number" inputProps={{ ...getInputProps(fields.phone, { type: "tel" }), autoComplete: "tel" }} errors={fields.phone.errors} />
        <Field label="A parent's or carer's email or phone (if you are under 13)" inputProps={getInputProps(fields.guardianContact, { type: "text" })} errors={fields.guardianContact.errors} />
        <Field
          label="Proof of address"
          hint="A photo (JPEG or PNG) or a PDF, up to 8 MB."
          inputProps={{ id: `${FORM_ID}-proof`, name: "proof", type: "file", accept: ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png", required: true }}
          errors={proofErrors}
        />
        <SubmitButton pendingText="Sending…">Send application</SubmitButton>
      </Form>
    </PublicShell>
  );
}
