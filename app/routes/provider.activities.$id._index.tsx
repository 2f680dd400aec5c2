// Add an activity (/provider/activities/new) or change one: details, photos, and publish, pause or archive.
import { getFormProps, getInputProps, getSelectProps, getTextareaProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { isDomainError, statusForDomainError, type DomainError } from "~/domain/errors";
import { activityFormChoices, changeActivityStatus, createActivity, getActivity, updateActivity, type StatusChange } from "~/domain/providers/activities";
import { ACCESSIBILITY_LABELS, activitySchema, CATEGORY_LABELS, formatFileSize, MAX_PHOTOS_PER_ACTIVITY, PHOTO_RULES, photoAltSchema } from "~/domain/providers/forms";
import { addActivityPhoto, removeActivityPhoto } from "~/domain/providers/photos";
import { requireProviderStaff } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { MB, parseUploadForm, readFormFile } from "~/lib/uploads.server";
import { Choice, Fieldset } from "~/ui/fieldset";
import { ErrorSummary, Field, SelectField, SubmitButton, TextareaField } from "~/ui/forms";
import { Notice } from "~/ui/notice";
import { ProviderShell } from "~/ui/shells";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.activity ? data.activity.title : "Add an activity"} – Playpass` }];

const STATUS_WORDS = { DRAFT: "Draft", LIVE: "Live", PAUSED: "Paused", ARCHIVED: "Archived" } as const;

function refuse(error: DomainError): never {
  throw data({ message: error.message }, { status: statusForDomainError(error) });
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { providerId } = await requireProviderStaff(request, ["PROVIDER_MANAGER"]);
  const db = getDb();
  const [provider, choices] = await Promise.all([db.provider.findUniqueOrThrow({ where: { id: providerId }, select: { name: true } }), activityFormChoices(db, providerId)]);
  if (params.id === "new") return { providerName: provider.name, choices, activity: null };
  try {
    const activity = await getActivity(db, providerId, params.id ?? "");
    return { providerName: provider.name, choices, activity };
  } catch (error) {
    if (isDomainError(error)) refuse(error);
    throw error;
  }
}

type ActionResult = { intent: "save"; result: SubmissionResult<string[]> } | { intent: "status" | "photo" | "remove-photo"; error: string; field?: string };

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor, providerId } = await requireProviderStaff(request, ["PROVIDER_MANAGER"]);
  const who = { userId: actor.userId, providerId };
  const db = getDb();
  let form: FormData;
  try {
    form = await parseUploadForm(request, { maxFileBytes: PHOTO_RULES.maxBytes + 2 * MB });
  } catch (error) {
    if (isDomainError(error)) return data<ActionResult>({ intent: "photo", error: `${error.message.replace(/\.$/, "")}. Photos must be ${formatFileSize(PHOTO_RULES.maxBytes)} or smaller.`, field: "photo" }, { status: 413 });
    throw error;
  }
  const intent = String(form.get("intent") ?? "save");
  const activityId = params.id ?? "";
  try {
    if (intent === "save") {
      const submission = parseWithZod(form, { schema: activitySchema });
      if (submission.status !== "success") return data<ActionResult>({ intent: "save", result: submission.reply() }, { status: 400 });
      try {
        if (activityId === "new") {
          const created = await createActivity(db, who, submission.value);
          throw redirect(`/provider/activities/${created.id}?saved=created`);
        }
        await updateActivity(db, who, activityId, submission.value);
        throw redirect(`/provider/activities/${activityId}?saved=changes`);
      } catch (error) {
        if (isDomainError(error) && error.code !== "NOT_FOUND") {
          const reply = error.field ? submission.reply({ fieldErrors: { [error.field]: [error.message] } }) : submission.reply({ formErrors: [error.message] });
          return data<ActionResult>({ intent: "save", result: reply }, { status: statusForDomainError(error) });
        }
        throw error;
      }
    }
    if (intent === "publish" || intent === "pause" || intent === "archive") {
      await changeActivityStatus(db, who, activityId, intent as StatusChange);
      throw redirect(`/provider/activities/${activityId}?saved=${intent}`);
    }
    if (intent === "photo") {
      const alt = photoAltSchema.safeParse(form.get("altText") ?? "");
      let file: Awaited<ReturnType<typeof readFormFile>>;
      try {
        file = await readFormFile(form, "photo", PHOTO_RULES);
      } catch (error) {
        if (!isDomainError(error)) throw error;
        return data<ActionResult>({ intent: "photo", error: error.message, field: "photo" }, { status: 400 });
      }
      if (!alt.success) return data<ActionResult>({ intent: "photo", error: `${alt.error.issues[0]!.message}.`, field: "altText" }, { status: 400 });
      await addActivityPhoto(db, who, { activityId, bytes: file.bytes, originalName: file.originalName, altText: alt.data });
      throw redirect(`/provider/activities/${activityId}?saved=photo`);
    }
    if (intent === "remove-photo") {
      await removeActivityPhoto(db, who, { activityId, photoId: String(form.get("photoId") ?? "") });
      throw redirect(`/provider/activities/${activityId}?saved=photo-removed`);
    }
    throw data({ message: "Unknown action." }, { status: 400 });
  } catch (error) {
    if (isDomainError(error)) {
      if (error.code === "NOT_FOUND") refuse(error);
      return data<ActionResult>({ intent: intent === "photo" ? "photo" : "status", error: error.message, field: error.field }, { status: statusForDomainError(error) });
    }
    throw error;
  }
}

const SAVED: Record<string, string> = {
  created: "Activity saved as a draft. Add photos and sessions, then publish it.",
  changes: "Changes saved.",
  publish: "Published: young people can now find and book it.",
  pause: "Paused: it is hidden from young people. Existing bookings still stand.",
  archive: "Archived.",
  photo: "Photo added.",
  "photo-removed": "Photo removed.",
};

export default function ActivityEditor() {
  const { providerName, choices, activity } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const saveResult = actionData && actionData.intent === "save" ? actionData.result : undefined;
  const otherError = actionData && actionData.intent !== "save" ? actionData : undefined;
  const [form, fields] = useForm({
    id: "activity",
    lastResult: saveResult,
    defaultValue: activity
      ? { ...activity, price: (activity.pricePence / 100).toFixed(2), minAge: String(activity.minAge), maxAge: String(activity.maxAge), capacity: String(activity.capacity), cancellationCutoffHours: String(activity.cancellationCutoffHours) }
      : { councilId: choices.councils.length === 1 ? choices.councils[0]!.id : "", venueId: choices.venues.length === 1 ? choices.venues[0]!.id : "", cancellationCutoffHours: "24", accessibilityFeatures: [] },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: activitySchema }),
    shouldValidate: "onBlur",
    shouldRevalidate: "onInput",
  });
  const features = new Set((fields.accessibilityFeatures.initialValue as string[] | undefined) ?? []);
  const summary = Object.entries(form.allErrors).flatMap(([name, messages]) => messages.map((message) => ({ message, fieldId: name ? `activity-${name}` : undefined })));
  const council = activity ? choices.councils.find((c) => c.id === activity.councilId) : undefined;
  const saved = SAVED[searchParams.get("saved") ?? ""];
  const archived = activity?.status === "ARCHIVED";

  return (
    <ProviderShell providerName={providerName}>
      <div className="editor">
        <p>
          <Link to="/provider/activities">Back to activities</Link>
        </p>
        <h1>{activity ? activity.title : "Add an activity"}</h1>
        {saved && !actionData ? <Notice tone="success" title={saved} /> : null}
        {otherError && otherError.intent === "status" ? <Notice tone="error" title={otherError.error} /> : null}

        {activity ? (
          <section aria-labelledby="status-heading">
            <h2 id="status-heading">
              Status: <span className="status-tag">{STATUS_WORDS[activity.status]}</span>
            </h2>
            <div className="actions-row">
              <Link className="button button--secondary" to={`/provider/activities/${activity.id}/slots`}>
                Sessions
              </Link>
              {(activity.status === "DRAFT" || activity.status === "PAUSED") && council?.status === "APPROVED" ? (
                <Form method="post">
                  <SubmitButton name="intent" value="publish">
                    Publish
                  </SubmitButton>
                </Form>
              ) : null}
              {activity.status === "LIVE" ? (
                <Form method="post">
                  <SubmitButton name="intent" value="pause" variant="secondary">
                    Pause
                  </SubmitButton>
                </Form>
              ) : null}
              {!archived ? (
                <Form method="post">
                  <SubmitButton name="intent" value="archive" variant="warning">
                    Archive
                  </SubmitButton>
                </Form>
              ) : null}
            </div>
            {(activity.status === "DRAFT" || activity.status === "PAUSED") && council?.status !== "APPROVED" ? (
              <p className="hint">You can publish this once {activity.council.name} approves you. Until then it stays a draft that young people cannot see.</p>
            ) : null}
          </section>
        ) : null}

        {!archived ? (
          <>
            <h2>{activity ? "Details" : "About the activity"}</h2>
            <ErrorSummary errors={summary} />
            <Form method="post" {...getFormProps(form)}>
              <input type="hidden" name="intent" value="save" />
              {choices.councils.length > 1 ? (
                <SelectField label="Council scheme" selectProps={getSelectProps(fields.councilId)} options={choices.councils.map((c) => ({ value: c.id, label: c.name }))} placeholder="Choose a council" errors={fields.councilId.errors} />
              ) : (
                <input type="hidden" name={fields.councilId.name} value={choices.councils[0]?.id ?? ""} />
              )}
              <Field label="Title" hint="What young people will see first, like “Teen swim session”." inputProps={getInputProps(fields.title, { type: "text" })} errors={fields.title.errors} />
              <SelectField label="Category" selectProps={getSelectProps(fields.category)} options={Object.entries(CATEGORY_LABELS).map(([value, label]) => ({ value, label }))} placeholder="Choose a category" errors={fields.category.errors} />
              <TextareaField label="Description" hint="What young people will do, and who it suits." textareaProps={getTextareaProps(fields.description)} errors={fields.description.errors} />
              <SelectField label="Venue" selectProps={getSelectProps(fields.venueId)} options={choices.venues.map((v) => ({ value: v.id, label: v.name }))} placeholder="Choose a venue" errors={fields.venueId.errors} />
              <Fieldset legend="Ages">
                <Field label="Youngest age" className="field--short" inputProps={{ ...getInputProps(fields.minAge, { type: "number" }), min: 5, max: 25 }} errors={fields.minAge.errors} />
                <Field label="Oldest age" className="field--short" inputProps={{ ...getInputProps(fields.maxAge, { type: "number" }), min: 5, max: 25 }} errors={fields.maxAge.errors} />
              </Fieldset>
              <Field label="Price in pounds" hint="For example 4.50. Enter 0 if it is free." className="field--short" inputProps={{ ...getInputProps(fields.price, { type: "text" }), inputMode: "decimal" }} errors={fields.price.errors} />
              <Field label="Places per session" hint="New sessions start with this many places; you can change each session." className="field--short" inputProps={{ ...getInputProps(fields.capacity, { type: "number" }), min: 1, max: 500 }} errors={fields.capacity.errors} />
              <Field
                label="Cancellation cut-off, in hours"
                hint="Young people can cancel and get their credit back until this many hours before the start."
                className="field--short"
                inputProps={{ ...getInputProps(fields.cancellationCutoffHours, { type: "number" }), min: 0, max: 168 }}
                errors={fields.cancellationCutoffHours.errors}
              />
              <Fieldset legend="Accessibility" hint="Choose all that apply to this activity." id={fields.accessibilityFeatures.id} errors={fields.accessibilityFeatures.errors}>
                <div className="choice-grid">
                  {Object.entries(ACCESSIBILITY_LABELS).map(([value, label], index) => (
                    <Choice
                      key={value}
                      type="checkbox"
                      id={index === 0 ? fields.accessibilityFeatures.id : `${fields.accessibilityFeatures.id}-${value}`}
                      name={fields.accessibilityFeatures.name}
                      value={value}
                      label={label}
                      defaultChecked={features.has(value)}
                    />
                  ))}
                </div>
              </Fieldset>
              <TextareaField label="Accessibility information (optional)" hint="Access, changing, quiet times, support available." textareaProps={{ ...getTextareaProps(fields.accessibility), rows: 3 }} errors={fields.accessibility.errors} />
              <TextareaField label="What to bring (optional)" textareaProps={{ ...getTextareaProps(fields.whatToBring), rows: 3 }} errors={fields.whatToBring.errors} />
              <SubmitButton>{activity ? "Save changes" : "Save as draft"}</SubmitButton>
            </Form>
          </>
        ) : null}

        {activity ? (
          <section aria-labelledby="photos-heading">
            <h2 id="photos-heading">Photos</h2>
            {activity.photos.length === 0 ? <p>No photos yet. Activities with a photo are easier to find.</p> : null}
            <ul className="photo-grid">
              {activity.photos.map((photo) => (
                <li key={photo.id}>
                  <figure>
                    <img src={`/files/${photo.fileId}`} alt={photo.altText} loading="lazy" />
                    <figcaption>{photo.altText}</figcaption>
                  </figure>
                  {!archived ? (
                    <Form method="post">
                      <input type="hidden" name="photoId" value={photo.id} />
                      <SubmitButton name="intent" value="remove-photo" variant="secondary" aria-label={`Remove photo: ${photo.altText}`}>
                        Remove
                      </SubmitButton>
                    </Form>
                  ) : null}
                </li>
              ))}
            </ul>
            {!archived && activity.photos.length < MAX_PHOTOS_PER_ACTIVITY ? (
              <Form method="post" encType="multipart/form-data">
                <input type="hidden" name="intent" value="photo" />
                <Field
                  label="Add a photo"
                  hint={`JPEG, PNG or WebP, up to ${formatFileSize(PHOTO_RULES.maxBytes)}. We make it smaller and remove location data.`}
                  inputProps={{ id: "photo", name: "photo", type: "file", accept: "image/jpeg,image/png,image/webp" }}
                  errors={otherError?.intent === "photo" && otherError.field !== "altText" ? [otherError.error] : undefined}
                />
                <Field
                  label="Describe the photo"
                  hint="For people who use a screen reader, like “Two girls climbing the bouldering wall”."
                  inputProps={{ id: "altText", name: "altText", type: "text", maxLength: 200 }}
                  errors={otherError?.intent === "photo" && otherError.field === "altText" ? [otherError.error] : undefined}
                />
                <SubmitButton variant="secondary">Upload photo</SubmitButton>
              </Form>
            ) : null}
          </section>
        ) : null}
      </div>
    </ProviderShell>
  );
}
