// An activity's sessions: add one, add a weekly pattern (with dates to skip), change places, cancel one
// (everyone booked is refunded at once and told).
import { getFormProps, getInputProps, getTextareaProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { isDomainError, statusForDomainError } from "~/domain/errors";
import { cancelSlotSchema, changeCapacitySchema, oneOffSlotSchema, slotSeriesSchema, WEEKDAY_LABELS } from "~/domain/providers/forms";
import { activitySlots, addOneOffSlot, addSlotSeries, cancelProviderSlot, changeSlotCapacity } from "~/domain/providers/schedule";
import { requireProviderStaff } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { DataTable } from "~/ui/data-table";
import { formatDate, formatDateTime, formatTime } from "~/ui/dates";
import { Choice, Fieldset } from "~/ui/fieldset";
import { ErrorSummary, Field, SubmitButton, TextareaField } from "~/ui/forms";
import { Notice } from "~/ui/notice";
import { ProviderShell } from "~/ui/shells";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `Sessions of ${data?.activity.title ?? "an activity"} – Playpass` }];

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { providerId } = await requireProviderStaff(request, ["PROVIDER_MANAGER"]);
  const db = getDb();
  try {
    const [provider, activity] = await Promise.all([
      db.provider.findUniqueOrThrow({ where: { id: providerId }, select: { name: true } }),
      activitySlots(db, providerId, params.id ?? ""),
    ]);
    return { providerName: provider.name, activity };
  } catch (error) {
    if (isDomainError(error)) throw data({ message: error.message }, { status: statusForDomainError(error) });
    throw error;
  }
}

type ActionResult =
  | { intent: "one-off" | "series"; result: SubmissionResult<string[]> }
  | { intent: "capacity" | "cancel"; slotId: string; error: string };

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor, providerId } = await requireProviderStaff(request, ["PROVIDER_MANAGER"]);
  const who = { userId: actor.userId, providerId };
  const db = getDb();
  const form = await readForm(request);
  const intent = String(form.get("intent") ?? "");
  const activityId = params.id ?? "";
  const here = `/provider/activities/${activityId}/slots`;
  try {
    if (intent === "one-off" || intent === "series") {
      const submission = intent === "one-off" ? parseWithZod(form, { schema: oneOffSlotSchema }) : parseWithZod(form, { schema: slotSeriesSchema });
      if (submission.status !== "success") return data<ActionResult>({ intent, result: submission.reply() }, { status: 400 });
      try {
        if (intent === "one-off") {
          await addOneOffSlot(db, who, activityId, submission.value as Parameters<typeof addOneOffSlot>[3]);
          throw redirect(`${here}?done=added`);
        }
        const made = await addSlotSeries(db, who, activityId, submission.value as Parameters<typeof addSlotSeries>[3]);
        throw redirect(`${here}?done=series&count=${made.slotsCreated}`);
      } catch (error) {
        if (isDomainError(error) && error.code !== "NOT_FOUND") {
          const reply = error.field ? submission.reply({ fieldErrors: { [error.field]: [error.message] } }) : submission.reply({ formErrors: [error.message] });
          return data<ActionResult>({ intent, result: reply }, { status: statusForDomainError(error) });
        }
        throw error;
      }
    }
    if (intent === "capacity") {
      const parsed = changeCapacitySchema.safeParse({ slotId: form.get("slotId"), capacity: Number(form.get("capacity") || NaN) });
      if (!parsed.success) return data<ActionResult>({ intent, slotId: String(form.get("slotId") ?? ""), error: `${parsed.error.issues[0]!.message}.` }, { status: 400 });
      try {
        await changeSlotCapacity(db, who, parsed.data);
      } catch (error) {
        if (isDomainError(error) && error.code !== "NOT_FOUND") return data<ActionResult>({ intent: "capacity", slotId: parsed.data.slotId, error: error.message }, { status: statusForDomainError(error) });
        throw error;
      }
      throw redirect(`${here}?done=capacity`);
    }
    if (intent === "cancel") {
      const parsed = cancelSlotSchema.safeParse({ slotId: form.get("slotId"), reason: form.get("reason") ?? "" });
      const slotId = String(form.get("slotId") ?? "");
      if (!parsed.success) return data<ActionResult>({ intent, slotId, error: `${parsed.error.issues[0]!.message}.` }, { status: 400 });
      const result = await cancelProviderSlot(db, who, parsed.data);
      throw redirect(`${here}?done=cancelled&refunded=${result.refundedBookings}`);
    }
    throw data({ message: "Unknown action." }, { status: 400 });
  } catch (error) {
    if (isDomainError(error)) {
      if (error.code === "NOT_FOUND") throw data({ message: error.message }, { status: 404 });
      return data<ActionResult>({ intent: "cancel", slotId: String(form.get("slotId") ?? ""), error: error.message }, { status: statusForDomainError(error) });
    }
    throw error;
  }
}

type Slot = Awaited<ReturnType<typeof activitySlots>>["slots"][number];

export default function Slots() {
  const { providerName, activity } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const cancelId = searchParams.get("cancel");
  const toCancel = activity.slots.find((s) => s.id === cancelId && !s.cancelled && !s.finished);
  const rowError = actionData && (actionData.intent === "capacity" || actionData.intent === "cancel") ? actionData : undefined;
  const done = searchParams.get("done");
  const archived = activity.status === "ARCHIVED";

  const [oneOff, oneOffFields] = useForm({
    id: "oneoff",
    lastResult: actionData?.intent === "one-off" ? actionData.result : undefined,
    defaultValue: { durationMinutes: "60", capacity: String(activity.capacity) },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: oneOffSlotSchema }),
    shouldValidate: "onBlur",
  });
  const [series, seriesFields] = useForm({
    id: "series",
    lastResult: actionData?.intent === "series" ? actionData.result : undefined,
    defaultValue: { durationMinutes: "60", capacity: String(activity.capacity), weekdays: [] },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: slotSeriesSchema }),
    shouldValidate: "onBlur",
  });
  const chosenDays = new Set(((seriesFields.weekdays.initialValue as string[] | undefined) ?? []).map(String));
  const errorsOf = (formId: string, errors: Record<string, string[]>) =>
    Object.entries(errors).flatMap(([name, messages]) => messages.map((message) => ({ message, fieldId: name ? `${formId}-${name}` : undefined })));

  return (
    <ProviderShell providerName={providerName}>
      <p>
        <Link to={`/provider/activities/${activity.id}`}>Back to {activity.title}</Link>
      </p>
      <h1>Sessions of {activity.title}</h1>
      {done === "added" ? <Notice tone="success" title="Session added" /> : null}
      {done === "series" ? <Notice tone="success" title={`Weekly pattern added: ${searchParams.get("count") ?? ""} sessions`} /> : null}
      {done === "capacity" ? <Notice tone="success" title="Places changed" /> : null}
      {done === "cancelled" ? (
        <Notice tone="success" title="Session cancelled">
          {searchParams.get("refunded") ?? "0"} bookings were refunded, and each young person is being told by text or email.
        </Notice>
      ) : null}
      {rowError ? <Notice tone="error" title={rowError.error} /> : null}
      {activity.status !== "LIVE" && !archived ? (
        <Notice tone="info" title="Young people cannot book these yet">
          The activity is {activity.status === "DRAFT" ? "a draft" : "paused"}: sessions become bookable when it is live.
        </Notice>
      ) : null}

      {toCancel ? (
        <section className="cancel-panel" aria-labelledby="cancel-heading">
          <h2 id="cancel-heading">
            Cancel the session on {formatDateTime(toCancel.startsAt)}?
          </h2>
          <p>
            {toCancel.booked === 0
              ? "Nobody has booked it."
              : `${toCancel.booked} ${toCancel.booked === 1 ? "young person has" : "young people have"} booked. Each is refunded at once and told by text or email, with your reason.`}
          </p>
          <Form method="post">
            <input type="hidden" name="slotId" value={toCancel.id} />
            <TextareaField
              label="Reason (young people see this)"
              textareaProps={{ id: "reason", name: "reason", rows: 2, maxLength: 200, required: true }}
              errors={rowError?.intent === "cancel" && rowError.slotId === toCancel.id ? [rowError.error] : undefined}
            />
            <div className="actions-row">
              <SubmitButton name="intent" value="cancel" variant="warning">
                Cancel session and refund
              </SubmitButton>
              <Link to=".">Keep the session</Link>
            </div>
          </Form>
        </section>
      ) : null}

      <h2>Coming sessions</h2>
      <DataTable
        caption="Sessions"
        captionHidden
        columns={[
          { key: "when", header: "When", rowHeader: true, cell: (s: Slot) => `${formatDateTime(s.startsAt)}–${formatTime(s.endsAt)}` },
          { key: "booked", header: "Booked", numeric: true, cell: (s: Slot) => `${s.booked}${s.offered ? ` + ${s.offered} offered` : ""}` },
          {
            key: "places",
            header: "Places",
            cell: (s: Slot) =>
              s.cancelled || s.finished ? (
                s.capacity
              ) : (
                <Form method="post" className="inline-form">
                  <input type="hidden" name="slotId" value={s.id} />
                  <label className="visually-hidden" htmlFor={`capacity-${s.id}`}>
                    Places on {formatDateTime(s.startsAt)}
                  </label>
                  <input
                    className="input"
                    id={`capacity-${s.id}`}
                    name="capacity"
                    type="number"
                    min={Math.max(1, s.booked + s.offered)}
                    max={500}
                    defaultValue={s.capacity}
                    aria-invalid={rowError?.intent === "capacity" && rowError.slotId === s.id ? true : undefined}
                    aria-describedby={rowError?.intent === "capacity" && rowError.slotId === s.id ? `capacity-${s.id}-error` : undefined}
                  />
                  <SubmitButton name="intent" value="capacity" variant="secondary">
                    Change
                  </SubmitButton>
                  {rowError?.intent === "capacity" && rowError.slotId === s.id ? (
                    <p className="field__error" id={`capacity-${s.id}-error`}>
                      <span className="visually-hidden">Error: </span>
                      {rowError.error}
                    </p>
                  ) : null}
                </Form>
              ),
          },
          {
            key: "status",
            header: "Status",
            cell: (s: Slot) =>
              s.cancelled ? (
                <span className="status-tag">Cancelled{s.cancelledReason ? `: ${s.cancelledReason}` : ""}</span>
              ) : s.finished ? (
                "Finished"
              ) : (
                <Link to={`?cancel=${s.id}`} aria-label={`Cancel the session on ${formatDateTime(s.startsAt)}`}>
                  Cancel…
                </Link>
              ),
          },
        ]}
        rows={activity.slots}
        rowKey={(s) => s.id}
        empty="No sessions yet. Add one below, or a weekly pattern."
      />

      {activity.series.length > 0 ? (
        <>
          <h2>Weekly patterns</h2>
          <ul>
            {activity.series.map((s) => (
              <li key={s.id}>
                {s.weekdayNames.join(", ")} at {s.startTime} for {s.durationMinutes} minutes, {formatDate(s.fromDate)} to {formatDate(s.toDate)}
                {s.exceptDates.length > 0 ? `, except ${s.exceptDates.map((d) => formatDate(d)).join(", ")}` : ""}
              </li>
            ))}
          </ul>
        </>
      ) : null}

      {!archived ? (
        <div className="editor">
          <h2>Add a weekly pattern</h2>
          <p>Times are UK time: a 10:00 session stays at 10:00 when the clocks change.</p>
          <ErrorSummary errors={errorsOf("series", series.allErrors)} />
          <Form method="post" {...getFormProps(series)}>
            <input type="hidden" name="intent" value="series" />
            <Fieldset legend="Days of the week" errors={seriesFields.weekdays.errors} id={seriesFields.weekdays.id}>
              <div className="weekday-grid">
                {WEEKDAY_LABELS.map((label, index) => (
                  <Choice
                    key={label}
                    type="checkbox"
                    id={index === 0 ? seriesFields.weekdays.id : `${seriesFields.weekdays.id}-${index + 1}`}
                    name={seriesFields.weekdays.name}
                    value={String(index + 1)}
                    label={label}
                    defaultChecked={chosenDays.has(String(index + 1))}
                  />
                ))}
              </div>
            </Fieldset>
            <Field label="Start time" hint="24-hour clock, like 17:30" className="field--short" inputProps={getInputProps(seriesFields.startTime, { type: "time" })} errors={seriesFields.startTime.errors} />
            <Field label="Length in minutes" className="field--short" inputProps={{ ...getInputProps(seriesFields.durationMinutes, { type: "number" }), min: 15, max: 720 }} errors={seriesFields.durationMinutes.errors} />
            <Field label="First date" className="field--short" inputProps={getInputProps(seriesFields.fromDate, { type: "date" })} errors={seriesFields.fromDate.errors} />
            <Field label="Last date" hint="Up to a year after the first date." className="field--short" inputProps={getInputProps(seriesFields.toDate, { type: "date" })} errors={seriesFields.toDate.errors} />
            <TextareaField
              label="Dates to skip (optional)"
              hint="Bank holidays or closures, like 2026-12-26, separated by commas or new lines."
              textareaProps={{ ...getTextareaProps(seriesFields.exceptDates), rows: 2 }}
              errors={seriesFields.exceptDates.errors}
            />
            <Field label="Places per session" className="field--short" inputProps={{ ...getInputProps(seriesFields.capacity, { type: "number" }), min: 1, max: 500 }} errors={seriesFields.capacity.errors} />
            <SubmitButton>Add weekly sessions</SubmitButton>
          </Form>

          <h2>Add one session</h2>
          <ErrorSummary errors={errorsOf("oneoff", oneOff.allErrors)} />
          <Form method="post" {...getFormProps(oneOff)}>
            <input type="hidden" name="intent" value="one-off" />
            <Field label="Date" className="field--short" inputProps={getInputProps(oneOffFields.date, { type: "date" })} errors={oneOffFields.date.errors} />
            <Field label="Start time" hint="24-hour clock, like 17:30" className="field--short" inputProps={getInputProps(oneOffFields.startTime, { type: "time" })} errors={oneOffFields.startTime.errors} />
            <Field label="Length in minutes" className="field--short" inputProps={{ ...getInputProps(oneOffFields.durationMinutes, { type: "number" }), min: 15, max: 720 }} errors={oneOffFields.durationMinutes.errors} />
            <Field label="Places" className="field--short" inputProps={{ ...getInputProps(oneOffFields.capacity, { type: "number" }), min: 1, max: 500 }} errors={oneOffFields.capacity.errors} />
            <SubmitButton>Add session</SubmitButton>
          </Form>
        </div>
      ) : null}
    </ProviderShell>
  );
}
