// Add a venue (/provider/venues/new) or change one: name, address and access features.
import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { isDomainError, statusForDomainError } from "~/domain/errors";
import { ACCESSIBILITY_LABELS, venueSchema } from "~/domain/providers/forms";
import { createVenue, getVenue, updateVenue } from "~/domain/providers/venues";
import { requireProviderStaff } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { Choice, Fieldset } from "~/ui/fieldset";
import { ErrorSummary, Field, SubmitButton } from "~/ui/forms";
import { ProviderShell } from "~/ui/shells";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.venue ? data.venue.name : "Add a venue"} – Playpass` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { providerId } = await requireProviderStaff(request, ["PROVIDER_MANAGER"]);
  const db = getDb();
  const provider = await db.provider.findUniqueOrThrow({ where: { id: providerId }, select: { name: true } });
  if (params.venueId === "new") return { providerName: provider.name, venue: null };
  try {
    return { providerName: provider.name, venue: await getVenue(db, providerId, params.venueId ?? "") };
  } catch (error) {
    if (isDomainError(error)) throw data({ message: error.message }, { status: statusForDomainError(error) });
    throw error;
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor, providerId } = await requireProviderStaff(request, ["PROVIDER_MANAGER"]);
  const submission = parseWithZod(await readForm(request), { schema: venueSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: submission.status === "error" ? 400 : 200 });
  const who = { userId: actor.userId, providerId };
  try {
    if (params.venueId === "new") await createVenue(getDb(), who, submission.value);
    else await updateVenue(getDb(), who, params.venueId ?? "", submission.value);
  } catch (error) {
    if (isDomainError(error)) {
      if (error.code === "NOT_FOUND") throw data({ message: error.message }, { status: 404 });
      return data({ result: submission.reply({ formErrors: [error.message] }) }, { status: statusForDomainError(error) });
    }
    throw error;
  }
  throw redirect("/provider/venues");
}

export default function VenueEditor() {
  const { providerName, venue } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "venue",
    lastResult: actionData?.result,
    defaultValue: venue ?? { accessibilityFeatures: [] },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: venueSchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const chosen = new Set((fields.accessibilityFeatures.initialValue as string[] | undefined) ?? []);
  const summary = Object.entries(form.allErrors).flatMap(([name, messages]) => messages.map((message) => ({ message, fieldId: name ? `venue-${name}` : undefined })));
  return (
    <ProviderShell providerName={providerName}>
      <div className="editor">
        <p>
          <Link to="/provider/venues">Back to venues</Link>
        </p>
        <h1>{venue ? `Change ${venue.name}` : "Add a venue"}</h1>
        <ErrorSummary errors={summary} />
        <Form method="post" {...getFormProps(form)}>
          <Field label="Venue name" inputProps={getInputProps(fields.name, { type: "text" })} errors={fields.name.errors} />
          <Field label="Address line 1" inputProps={{ ...getInputProps(fields.addressLine1, { type: "text" }), autoComplete: "address-line1" }} errors={fields.addressLine1.errors} />
          <Field label="Town or city" inputProps={{ ...getInputProps(fields.town, { type: "text" }), autoComplete: "address-level2" }} errors={fields.town.errors} />
          <Field label="Postcode" className="field--short" inputProps={{ ...getInputProps(fields.postcode, { type: "text" }), autoComplete: "postal-code" }} errors={fields.postcode.errors} />
          <Fieldset legend="Access at this venue" hint="Choose all that apply. Young people can search by these." errors={fields.accessibilityFeatures.errors} id={fields.accessibilityFeatures.id}>
            <div className="choice-grid">
              {Object.entries(ACCESSIBILITY_LABELS).map(([value, label], index) => (
                <Choice
                  key={value}
                  type="checkbox"
                  id={index === 0 ? fields.accessibilityFeatures.id : `${fields.accessibilityFeatures.id}-${value}`}
                  name={fields.accessibilityFeatures.name}
                  value={value}
                  label={label}
                  defaultChecked={chosen.has(value)}
                />
              ))}
            </div>
          </Fieldset>
          <SubmitButton>{venue ? "Save changes" : "Add venue"}</SubmitButton>
        </Form>
      </div>
    </ProviderShell>
  );
}
