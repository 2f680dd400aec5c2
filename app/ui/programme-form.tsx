// The council's programme form (create and edit): money in pounds, dates, eligibility and rules,
// validated by the same Zod schema in the browser and on the server.
import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { Form } from "@remix-run/react";
import type { z } from "zod";
import { CATEGORY_LABELS, NEEDS_LABELS, programmeFormSchema, UPLIFT_FIELDS } from "~/domain/programmes/forms";
import type { NeedsFlag } from "~/generated/prisma/enums";
import { Choice, Fieldset } from "./fieldset";
import { ErrorSummary, Field, SelectField, SubmitButton, TextareaField } from "./forms";

export type ProgrammeFormDefaults = Record<string, string | string[]>;

const FORM_ID = "programme";

export function ProgrammeForm({ lastResult, defaultValue, submitLabel }: { lastResult?: SubmissionResult<string[]> | null; defaultValue: ProgrammeFormDefaults; submitLabel: string }) {
  const [form, fields] = useForm<z.input<typeof programmeFormSchema>, z.output<typeof programmeFormSchema>>({
    id: FORM_ID,
    lastResult,
    defaultValue: defaultValue as never,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: programmeFormSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const chosen = new Set([fields.allowedCategories.initialValue ?? []].flat() as string[]);
  const summary = Object.entries(form.allErrors).flatMap(([name, messages]) =>
    messages.map((message) => ({ message, fieldId: name === "" ? undefined : `${FORM_ID}-${name.replace(/\[\d+\]$/, "")}` })),
  );
  const money = { inputMode: "decimal" as const, className: "input--money" };
  return (
    <Form method="post" {...getFormProps(form)} className="programme-form">
      <ErrorSummary errors={summary} />
      <h2>About the programme</h2>
      <Field label="Name" hint="What officers and young people will see, for example “Summer Activities 2026”." inputProps={getInputProps(fields.name, { type: "text" })} errors={fields.name.errors} />
      <SelectField
        label="Status"
        hint="Passes can only be issued from an active programme."
        selectProps={getSelectProps(fields.status)}
        options={[
          { value: "DRAFT", label: "Draft – being set up" },
          { value: "ACTIVE", label: "Active – passes can be issued and used" },
          { value: "CLOSED", label: "Closed" },
        ]}
        errors={fields.status.errors}
      />
      <div className="form-row">
        <Field label="Starts on" inputProps={getInputProps(fields.startsOn, { type: "date" })} errors={fields.startsOn.errors} />
        <Field label="Ends on" hint="Unspent credit goes back to the budget after this day." inputProps={getInputProps(fields.endsOn, { type: "date" })} errors={fields.endsOn.errors} />
      </div>

      <h2>Money</h2>
      <Field
        label="Funded budget, in pounds"
        hint="What the council puts into the programme. Raising it later adds the difference; it cannot be lowered."
        inputProps={{ ...getInputProps(fields.budget, { type: "text" }), ...money }}
        errors={fields.budget.errors}
      />
      <Field
        label="Base allocation per young person, in pounds"
        inputProps={{ ...getInputProps(fields.baseAllocation, { type: "text" }), ...money }}
        errors={fields.baseAllocation.errors}
      />
      <Fieldset legend="Extra credit for young people with these needs, in pounds" hint="Leave empty for no extra. A young person gets every extra that applies to them.">
        <div className="form-grid">
          {(Object.entries(UPLIFT_FIELDS) as [NeedsFlag, (typeof UPLIFT_FIELDS)[NeedsFlag]][]).map(([flag, name]) => (
            <Field
              key={name}
              label={NEEDS_LABELS[flag]}
              inputProps={{ ...getInputProps(fields[name], { type: "text" }), ...money }}
              errors={fields[name].errors}
            />
          ))}
        </div>
      </Fieldset>
      <Field
        label="Most one booking may cost, in pounds (optional)"
        inputProps={{ ...getInputProps(fields.maxPerBooking, { type: "text" }), ...money }}
        errors={fields.maxPerBooking.errors}
      />

      <h2>Who is eligible</h2>
      <div className="form-row">
        <Field label="Youngest age" inputProps={{ ...getInputProps(fields.minAge, { type: "number" }), min: 4, max: 30 }} errors={fields.minAge.errors} />
        <Field label="Oldest age" inputProps={{ ...getInputProps(fields.maxAge, { type: "number" }), min: 4, max: 30 }} errors={fields.maxAge.errors} />
        <Field label="Ages worked out on" hint="For example 31 August for a school year." inputProps={getInputProps(fields.ageReferenceDate, { type: "date" })} errors={fields.ageReferenceDate.errors} />
      </div>
      <TextareaField
        label="Wards (optional)"
        hint="One per line or separated by commas. Leave wards and postcode areas empty to include the whole council."
        textareaProps={{ ...getTextareaProps(fields.eligibleWards), rows: 3 }}
        errors={fields.eligibleWards.errors}
      />
      <TextareaField
        label="Postcode areas (optional)"
        hint="The first half of a postcode (NB1) or a sector (NB2 4), separated by commas. Someone is eligible if they live in one of the wards or one of these areas."
        textareaProps={{ ...getTextareaProps(fields.eligiblePostcodes), rows: 2 }}
        errors={fields.eligiblePostcodes.errors}
      />
      <Fieldset legend="Kinds of activity the credit can be spent on" errors={fields.allowedCategories.errors} id={`${FORM_ID}-allowedCategories`}>
        <div className="form-grid">
          {Object.entries(CATEGORY_LABELS).map(([value, label], index) => (
            <Choice
              key={value}
              type="checkbox"
              id={index === 0 ? `${FORM_ID}-allowedCategories` : `${FORM_ID}-allowedCategories-${value}`}
              name={fields.allowedCategories.name}
              value={value}
              label={label}
              defaultChecked={chosen.has(value)}
            />
          ))}
        </div>
      </Fieldset>

      <h2>Rules</h2>
      <SelectField
        label="When a young person does not turn up"
        selectProps={getSelectProps(fields.noShowPolicy)}
        options={[
          { value: "RELEASE", label: "The credit goes back to their pass" },
          { value: "CHARGE", label: "The provider is paid as if they came" },
        ]}
        errors={fields.noShowPolicy.errors}
      />
      <Field
        label="Minutes a freed place is held for the first on a waiting list"
        inputProps={{ ...getInputProps(fields.waitlistOfferMinutes, { type: "number" }), min: 15 }}
        errors={fields.waitlistOfferMinutes.errors}
      />
      <SelectField
        label="How often providers are paid"
        selectProps={getSelectProps(fields.payoutSchedule)}
        options={[
          { value: "WEEKLY", label: "Weekly" },
          { value: "DAILY", label: "Daily" },
        ]}
        errors={fields.payoutSchedule.errors}
      />
      <Field
        label="Payout runs above this amount need a finance officer's approval, in pounds"
        inputProps={{ ...getInputProps(fields.approvalThreshold, { type: "text" }), ...money }}
        errors={fields.approvalThreshold.errors}
      />
      <SubmitButton pendingText="Saving…">{submitLabel}</SubmitButton>
    </Form>
  );
}

/** A programme's stored values as the form shows them (pounds with pence, dates as YYYY-MM-DD). */
export function programmeDefaults(p: {
  name: string;
  status: string;
  budgetPence: number;
  baseAllocationPence: number;
  upliftsPence: unknown;
  minAge: number;
  maxAge: number;
  ageReferenceDate: string | Date;
  eligibleWards: string[];
  eligiblePostcodes: string[];
  allowedCategories: string[];
  startsOn: string | Date;
  endsOn: string | Date;
  maxPerBookingPence: number | null;
  noShowPolicy: string;
  payoutSchedule: string;
  approvalThresholdPence: number;
  waitlistOfferMinutes: number;
}): ProgrammeFormDefaults {
  const pounds = (pence: number | null | undefined) => (pence ? (pence / 100).toFixed(2) : "");
  const day = (value: string | Date) => new Date(value).toISOString().slice(0, 10);
  const uplifts = (p.upliftsPence ?? {}) as Partial<Record<NeedsFlag, number>>;
  return {
    name: p.name,
    status: p.status,
    budget: pounds(p.budgetPence),
    baseAllocation: pounds(p.baseAllocationPence),
    ...Object.fromEntries((Object.entries(UPLIFT_FIELDS) as [NeedsFlag, string][]).map(([flag, field]) => [field, pounds(uplifts[flag])])),
    minAge: String(p.minAge),
    maxAge: String(p.maxAge),
    ageReferenceDate: day(p.ageReferenceDate),
    eligibleWards: p.eligibleWards.join("\n"),
    eligiblePostcodes: p.eligiblePostcodes.join(", "),
    allowedCategories: p.allowedCategories,
    startsOn: day(p.startsOn),
    endsOn: day(p.endsOn),
    maxPerBooking: pounds(p.maxPerBookingPence),
    noShowPolicy: p.noShowPolicy,
    payoutSchedule: p.payoutSchedule,
    approvalThreshold: pounds(p.approvalThresholdPence) || "0",
    waitlistOfferMinutes: String(p.waitlistOfferMinutes),
  };
}
