// Apply to join a council's Playpass scheme: organisation, contact, venues, what you offer, documents and
// how you want to be paid. Anyone can apply; the council vets the application before anything is bookable.
import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { listSchemes, submitApplication } from "~/domain/providers/application";
import { applicationSchema, CATEGORY_LABELS, DOCUMENT_FIELDS, DOCUMENT_RULES, formatFileSize, ORGANISATION_TYPE_LABELS, type ApplicationDocuments } from "~/domain/providers/forms";
import { isDomainError } from "~/domain/errors";
import { deliverMessage } from "~/domain/notifications/send";
import { getDb } from "~/lib/db.server";
import { clientAddress, consume, RateLimited } from "~/lib/rate-limit.server";
import { MB, parseUploadForm, readFormFile } from "~/lib/uploads.server";
import { Choice, Fieldset } from "~/ui/fieldset";
import { ErrorSummary, Field, Honeypot, SelectField, SubmitButton, TextareaField, CheckboxField } from "~/ui/forms";
import { PublicShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Apply to offer activities – Playpass" }];

const FORM_ID = "apply";

export async function loader() {
  return { councils: await listSchemes(getDb()) };
}

function failed(message: string, status: number) {
  const result: SubmissionResult<string[]> = { status: "error", error: { "": [message] }, initialValue: {} };
  return data({ result }, { status });
}

export async function action({ request }: ActionFunctionArgs) {
  let form: FormData;
  try {
    // A little above the documents' limit, so a file just over it gets its own message next to its field.
    form = await parseUploadForm(request, { maxFileBytes: DOCUMENT_RULES.maxBytes + 2 * MB });
  } catch (error) {
    if (isDomainError(error)) return failed(`${error.message.replace(/\.$/, "")}. Each document must be ${formatFileSize(DOCUMENT_RULES.maxBytes)} or smaller.`, 413);
    throw error;
  }
  const submission = parseWithZod(form, { schema: applicationSchema });
  // "Add another venue" and "Remove" come back here without JavaScript: answer with the changed form.
  if (submission.status === undefined) return { result: submission.reply() };
  if (typeof form.get("website") === "string" && form.get("website") !== "") return failed("Something went wrong. Try again.", 400);

  const fileErrors: Record<string, string[]> = {};
  const documents: Partial<ApplicationDocuments> = {};
  for (const { field, label } of DOCUMENT_FIELDS) {
    try {
      documents[field] = await readFormFile(form, field, { ...DOCUMENT_RULES, label });
    } catch (error) {
      if (!isDomainError(error)) throw error;
      fileErrors[field] = [error.message];
    }
  }
  if (submission.status !== "success" || Object.keys(fileErrors).length > 0) {
    return data({ result: submission.reply({ fieldErrors: fileErrors }) }, { status: 400 });
  }
  try {
    await consume([["signInRequestPerIp", `provider-application:${clientAddress(request)}`]]);
  } catch (error) {
    if (error instanceof RateLimited) return failed(error.message, 429);
    throw error;
  }
  try {
    const application = await submitApplication(getDb(), submission.value, documents as ApplicationDocuments);
    if (application.messageId) await deliverMessage(getDb(), application.messageId).catch(() => undefined); // the outbox sweeper retries
  } catch (error) {
    if (isDomainError(error)) {
      return data({ result: submission.reply(error.field ? { fieldErrors: { [error.field]: [error.message] } } : { formErrors: [error.message] }) }, { status: 409 });
    }
    throw error;
  }
  throw redirect("/providers/apply/sent");
}

export default function ApplyPage() {
  const { councils } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: FORM_ID,
    lastResult: actionData?.result,
    defaultValue: { councilId: councils.length === 1 ? councils[0]!.id : "", venues: [{}], payoutMethod: "BANK_FILE", categories: [] },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: applicationSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const venues = fields.venues.getFieldList();
  const bank = fields.bank.getFieldset();
  const chosenCategories = new Set((fields.categories.value as string[] | string | undefined) ?? []);
  const summary = Object.entries(form.allErrors).flatMap(([name, messages]) =>
    messages.map((message) => ({ message, fieldId: name === "" ? undefined : firstControlId(name) })),
  );

  return (
    <PublicShell theme="provider">
      <div className="apply">
        <h1>Apply to offer activities with Playpass</h1>
        <p className="lede">
          Young people spend their council's Playpass credit on activities like yours. Tell us about your organisation; the council checks your
          documents, usually within two weeks. You can add your activities while you wait.
        </p>
        <p>
          Already applied? <Link to="/login?redirectTo=/provider/application">Sign in to see how it is going</Link>.
        </p>
        <ErrorSummary errors={summary} />
        <Form method="post" encType="multipart/form-data" {...getFormProps(form)}>
          <Honeypot />
          <h2>The scheme</h2>
          <SelectField
            label="Which council's scheme do you want to join?"
            selectProps={getSelectProps(fields.councilId)}
            options={councils.map((c) => ({ value: c.id, label: c.name }))}
            placeholder="Choose a council"
            errors={fields.councilId.errors}
          />

          <h2>Your organisation</h2>
          <Field label="Organisation name" inputProps={{ ...getInputProps(fields.name, { type: "text" }), autoComplete: "organization" }} errors={fields.name.errors} />
          <Fieldset legend="What kind of organisation are you?" errors={fields.organisationType.errors} id={fields.organisationType.id}>
            {Object.entries(ORGANISATION_TYPE_LABELS).map(([value, label], index) => (
              <Choice
                key={value}
                type="radio"
                id={index === 0 ? fields.organisationType.id : `${fields.organisationType.id}-${value}`}
                name={fields.organisationType.name}
                value={value}
                label={label}
                defaultChecked={fields.organisationType.initialValue === value}
              />
            ))}
          </Fieldset>
          <Field
            label="Charity or company number"
            hint="Required for charities and companies. For example 1234567 or 01234567."
            inputProps={getInputProps(fields.registrationNumber, { type: "text" })}
            errors={fields.registrationNumber.errors}
          />
          <Field
            label="Website (optional)"
            inputProps={{ ...getInputProps(fields.organisationWebsite, { type: "text" }), autoComplete: "url", inputMode: "url" }}
            errors={fields.organisationWebsite.errors}
          />
          <TextareaField
            label="What does your organisation do?"
            hint="A few sentences: who you work with and what young people can do with you."
            textareaProps={getTextareaProps(fields.description)}
            errors={fields.description.errors}
          />
          <Fieldset legend="Organisation address">
            <Field label="Address line 1" inputProps={{ ...getInputProps(fields.addressLine1, { type: "text" }), autoComplete: "address-line1" }} errors={fields.addressLine1.errors} />
            <Field label="Town or city" inputProps={{ ...getInputProps(fields.town, { type: "text" }), autoComplete: "address-level2" }} errors={fields.town.errors} />
            <Field label="Postcode" className="field--short" inputProps={{ ...getInputProps(fields.postcode, { type: "text" }), autoComplete: "postal-code" }} errors={fields.postcode.errors} />
          </Fieldset>

          <h2>Contact</h2>
          <p>This person manages your listings. They sign in with their email address: we send a code, no password.</p>
          <Field label="Full name" inputProps={{ ...getInputProps(fields.contactName, { type: "text" }), autoComplete: "name" }} errors={fields.contactName.errors} />
          <Field label="Email address" inputProps={{ ...getInputProps(fields.contactEmail, { type: "email" }), autoComplete: "email", spellCheck: false }} errors={fields.contactEmail.errors} />
          <Field label="Phone number" inputProps={{ ...getInputProps(fields.contactPhone, { type: "tel" }), autoComplete: "tel" }} errors={fields.contactPhone.errors} />

          <h2>Venues</h2>
          <p>Where your activities happen. You can add more later.</p>
          {fields.venues.errors ? <p className="field__error">{fields.venues.errors.join(" ")}</p> : null}
          {venues.map((venue, index) => {
            const v = venue.getFieldset();
            return (
              <Fieldset key={venue.key} legend={`Venue ${index + 1}`} className="venue-block">
                <Field label="Venue name" inputProps={getInputProps(v.name, { type: "text" })} errors={v.name.errors} />
                <Field label="Address line 1" inputProps={getInputProps(v.addressLine1, { type: "text" })} errors={v.addressLine1.errors} />
                <Field label="Town or city" inputProps={getInputProps(v.town, { type: "text" })} errors={v.town.errors} />
                <Field label="Postcode" className="field--short" inputProps={getInputProps(v.postcode, { type: "text" })} errors={v.postcode.errors} />
                {venues.length > 1 ? (
                  <button className="button button--secondary" {...form.remove.getButtonProps({ name: fields.venues.name, index })}>
                    Remove venue {index + 1}
                  </button>
                ) : null}
              </Fieldset>
            );
          })}
          {venues.length < 10 ? (
            <p>
              <button className="button button--secondary" {...form.insert.getButtonProps({ name: fields.venues.name, defaultValue: {} })}>
                Add another venue
              </button>
            </p>
          ) : null}

          <h2>What you offer</h2>
          <Fieldset legend="Kinds of activity" hint="Choose all that apply." errors={fields.categories.errors} id={fields.categories.id}>
            <div className="choice-grid">
              {Object.entries(CATEGORY_LABELS).map(([value, label], index) => (
                <Choice
                  key={value}
                  type="checkbox"
                  id={index === 0 ? fields.categories.id : `${fields.categories.id}-${value}`}
                  name={fields.categories.name}
                  value={value}
                  label={label}
                  defaultChecked={chosenCategories.has(value)}
                />
              ))}
            </div>
          </Fieldset>

          <h2>Documents</h2>
          <p>PDF, or a clear photo of each page (JPEG, PNG or WebP), up to {formatFileSize(DOCUMENT_RULES.maxBytes)} each.</p>
          <Field
            label="Safeguarding policy"
            hint="It should name your designated safeguarding lead."
            inputProps={{ id: `${FORM_ID}-safeguardingPolicy`, name: "safeguardingPolicy", type: "file", accept: "application/pdf,image/jpeg,image/png,image/webp" }}
            errors={form.allErrors.safeguardingPolicy}
          />
          <Field
            label="Public liability insurance certificate"
            hint="Showing the insurer, the amount of cover and the dates."
            inputProps={{ id: `${FORM_ID}-insuranceCertificate`, name: "insuranceCertificate", type: "file", accept: "application/pdf,image/jpeg,image/png,image/webp" }}
            errors={form.allErrors.insuranceCertificate}
          />

          <h2>How you are paid</h2>
          <Fieldset legend="How do you want to be paid?" errors={fields.payoutMethod.errors} id={fields.payoutMethod.id}>
            <Choice
              type="radio"
              id={fields.payoutMethod.id}
              name={fields.payoutMethod.name}
              value="BANK_FILE"
              label="Into our bank account"
              hint="The council pays you by bank transfer in its regular payment run."
              defaultChecked={fields.payoutMethod.initialValue === "BANK_FILE"}
            />
            <Choice
              type="radio"
              id={`${fields.payoutMethod.id}-stripe`}
              name={fields.payoutMethod.name}
              value="STRIPE_TRANSFER"
              label="Through Stripe"
              hint="Once you are approved you set up a Stripe account from the Payments page of your portal; payments then arrive through Stripe."
              defaultChecked={fields.payoutMethod.initialValue === "STRIPE_TRANSFER"}
            />
          </Fieldset>
          <Fieldset legend="Bank account (if paid into your bank account)" hint="The account the council pays. Leave empty if you chose Stripe.">
            <Field label="Name on the account" inputProps={getInputProps(bank.accountName, { type: "text" })} errors={bank.accountName.errors} />
            <Field
              label="Sort code"
              hint="6 digits, like 30-99-50"
              className="field--short"
              inputProps={{ ...getInputProps(bank.sortCode, { type: "text" }), inputMode: "numeric", spellCheck: false }}
              errors={bank.sortCode.errors}
            />
            <Field
              label="Account number"
              hint="8 digits, like 00733445"
              className="field--short"
              inputProps={{ ...getInputProps(bank.accountNumber, { type: "text" }), inputMode: "numeric", spellCheck: false }}
              errors={bank.accountNumber.errors}
            />
          </Fieldset>

          <h2>Declaration</h2>
          <CheckboxField
            label="The information I have given is true, and I am allowed to apply for this organisation."
            inputProps={getInputProps(fields.declaration, { type: "checkbox" })}
            errors={fields.declaration.errors}
          />
          <SubmitButton pendingText="Sending your application…">Send application</SubmitButton>
        </Form>
      </div>
    </PublicShell>
  );
}

/** The control the error summary links to for a field name. */
function firstControlId(name: string) {
  return `${FORM_ID}-${name}`;
}
