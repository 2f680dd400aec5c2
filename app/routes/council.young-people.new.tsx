// Add one young person by hand (someone missing from the school roll, a care leaver, a late arrival).
import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { isDomainError } from "~/domain/errors";
import { addYoungPerson } from "~/domain/programmes";
import { NEEDS_LABELS, youngPersonFormSchema } from "~/domain/programmes/forms";
import { requireOfficer } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { Choice, Fieldset } from "~/ui/fieldset";
import { ErrorSummary, Field, SubmitButton } from "~/ui/forms";
import { CouncilShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Add a young person – Playpass council console" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { councilId } = await requireOfficer(request, ["OFFICER"]);
  const council = await getDb().council.findUniqueOrThrow({ where: { id: councilId }, select: { name: true } });
  return { councilName: council.name };
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor, councilId } = await requireOfficer(request, ["OFFICER"]);
  const submission = parseWithZod(await readForm(request), { schema: youngPersonFormSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  let id: string;
  try {
    id = (await addYoungPerson(getDb(), { councilId, actorUserId: actor.userId }, submission.value)).id;
  } catch (error) {
    if (!isDomainError(error)) throw error;
    return data({ result: submission.reply(error.field ? { fieldErrors: { [error.field]: [error.message] } } : { formErrors: [error.message] }) }, { status: 409 });
  }
  throw redirect(`/council/young-people/${id}?done=added`);
}

export default function AddYoungPerson() {
  const { councilName } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "young-person",
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: youngPersonFormSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const summary = Object.entries(form.allErrors).flatMap(([name, messages]) => messages.map((message) => ({ message, fieldId: name ? `young-person-${name}` : undefined })));
  return (
    <CouncilShell councilName={councilName}>
      <p>
        <Link to="/council/young-people">Back to young people</Link>
      </p>
      <h1>Add a young person</h1>
      <ErrorSummary errors={summary} />
      <Form method="post" {...getFormProps(form)}>
        <div className="form-row">
          <Field label="First name" inputProps={getInputProps(fields.firstName, { type: "text" })} errors={fields.firstName.errors} />
          <Field label="Last name" inputProps={getInputProps(fields.lastName, { type: "text" })} errors={fields.lastName.errors} />
        </div>
        <Field label="Date of birth" inputProps={getInputProps(fields.dateOfBirth, { type: "date" })} errors={fields.dateOfBirth.errors} />
        <div className="form-row">
          <Field label="Postcode" inputProps={{ ...getInputProps(fields.postcode, { type: "text" }), autoComplete: "off" }} errors={fields.postcode.errors} />
          <Field label="Ward" inputProps={getInputProps(fields.ward, { type: "text" })} errors={fields.ward.errors} />
        </div>
        <Fieldset legend="Needs (optional)" hint="Used for extra credit and for the council's evidence; never shown to providers.">
          {Object.entries(NEEDS_LABELS).map(([value, label]) => (
            <Choice key={value} type="checkbox" name={fields.needsFlags.name} value={value} label={label} id={`young-person-needs-${value}`} />
          ))}
        </Fieldset>
        <Field label="Email address (optional)" inputProps={{ ...getInputProps(fields.email, { type: "email" }), autoComplete: "off" }} errors={fields.email.errors} />
        <Field label="Mobile number (optional)" hint="Without an email or mobile number, print them an activation letter." inputProps={{ ...getInputProps(fields.phone, { type: "tel" }), autoComplete: "off" }} errors={fields.phone.errors} />
        <Field label="Reference (optional)" hint="The school's or council's own reference, so a later import updates this person instead of adding them again." inputProps={getInputProps(fields.externalRef, { type: "text" })} errors={fields.externalRef.errors} />
        <SubmitButton pendingText="Adding…">Add young person</SubmitButton>
      </Form>
    </CouncilShell>
  );
}
