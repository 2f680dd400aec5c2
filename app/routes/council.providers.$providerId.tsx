// Vetting one provider: their details and documents, the checklist, and the decisions (approve, reject,
// suspend, reinstate). Another council's provider is a 404.
import { getFormProps, getTextareaProps, useForm, type SubmissionResult } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { isDomainError, statusForDomainError } from "~/domain/errors";
import {
  approveProvider,
  CHECKLIST_ITEMS,
  getProviderVetting,
  reinstateProvider,
  rejectProvider,
  saveChecklist,
  suspendProvider,
  VETTING_STATUS_WORDS,
  type Checklist,
} from "~/domain/providers/vetting";
import { requireOfficer } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { formatDate, formatDateTime } from "~/ui/dates";
import { SummaryList } from "~/ui/data-table";
import { CheckboxField, ErrorSummary, SubmitButton, TextareaField } from "~/ui/forms";
import { Notice } from "~/ui/notice";
import { CouncilShell } from "~/ui/shells";

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.vetting.provider.name ?? "Provider"} – Providers – Playpass council console` },
];

const providerIdSchema = z.uuid();

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { councilId } = await requireOfficer(request);
  const providerId = providerIdSchema.safeParse(params.providerId);
  if (!providerId.success) throw data({ message: "We could not find that provider." }, { status: 404 });
  const db = getDb();
  try {
    const [council, vetting] = await Promise.all([
      db.council.findUniqueOrThrow({ where: { id: councilId }, select: { name: true } }),
      getProviderVetting(db, { councilId, providerId: providerId.data }),
    ]);
    // The checklist and status words travel in the data, so the page's bundle never loads the domain module.
    return { councilName: council.name, vetting, checklistItems: CHECKLIST_ITEMS.map((i) => ({ key: i.key, label: i.label })), statusWords: VETTING_STATUS_WORDS[vetting.status] };
  } catch (error) {
    if (isDomainError(error, "NOT_FOUND")) throw data({ message: error.message }, { status: 404 });
    throw error;
  }
}

const checklistFields = Object.fromEntries(CHECKLIST_ITEMS.map((item) => [item.key, z.literal("on").optional()])) as Record<
  Checklist extends Record<infer K, boolean> ? K : never,
  z.ZodOptional<z.ZodLiteral<"on">>
>;

const reason = z
  .string({ error: "Give the reason the provider will be told." })
  .trim()
  .min(10, "Give the reason in a sentence the provider will understand (at least 10 characters).")
  .max(1000, "Keep the reason under 1,000 characters.");

const schema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("save-checklist"), ...checklistFields }),
  z.object({ intent: z.literal("approve"), seen: z.enum(["APPLIED", "REJECTED"]).optional(), ...checklistFields }),
  z.object({ intent: z.literal("reject"), reason }),
  z.object({ intent: z.literal("suspend"), reason }),
  z.object({ intent: z.literal("reinstate") }),
]);

const reasonSchema = z.object({ intent: z.enum(["reject", "suspend"]), reason });

type Intent = z.infer<typeof schema>["intent"];
type ActionData = { intent: Intent | null; result: SubmissionResult<string[]> };

const DONE_WORDS: Record<string, string> = {
  "save-checklist": "Checklist saved.",
  approve: "Approved. The provider has been told and their live activities can be booked.",
  reject: "Rejected. The provider has been told the reason.",
  suspend: "Suspended. Their activities are hidden, future sessions are cancelled and refunded, and everyone affected has been told.",
  reinstate: "Reinstated. The provider has been told and their activities are live again.",
};

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor, councilId } = await requireOfficer(request, ["OFFICER"]);
  const providerId = providerIdSchema.safeParse(params.providerId);
  if (!providerId.success) throw data({ message: "We could not find that provider." }, { status: 404 });
  const formData = await readForm(request);
  const submission = parseWithZod(formData, { schema });
  const intent = (formData.get("intent") as Intent | null) ?? null;
  if (submission.status !== "success") return data<ActionData>({ intent, result: submission.reply() }, { status: 400 });

  const value = submission.value;
  const target = { councilId, providerId: providerId.data };
  const by = { userId: actor.userId };
  const checklist = (): Checklist =>
    Object.fromEntries(CHECKLIST_ITEMS.map((item) => [item.key, (value as Record<string, unknown>)[item.key] === "on"])) as Checklist;
  try {
    switch (value.intent) {
      case "save-checklist":
        await saveChecklist(getDb(), by, { ...target, checklist: checklist() });
        break;
      case "approve":
        await approveProvider(getDb(), by, { ...target, checklist: checklist(), seenStatus: value.seen });
        break;
      case "reject":
        await rejectProvider(getDb(), by, { ...target, reason: value.reason });
        break;
      case "suspend":
        await suspendProvider(getDb(), by, { ...target, reason: value.reason });
        break;
      case "reinstate":
        await reinstateProvider(getDb(), by, target);
        break;
    }
  } catch (error) {
    if (!isDomainError(error)) throw error;
    if (error.code === "NOT_FOUND") throw data({ message: error.message }, { status: 404 });
    const field = error.field === "reason" ? "reason" : null;
    const result = submission.reply(field ? { fieldErrors: { [field]: [error.message] } } : { formErrors: [error.message] });
    return data<ActionData>({ intent: value.intent, result }, { status: statusForDomainError(error) });
  }
  throw redirect(`/council/providers/${providerId.data}?done=${value.intent}`);
}

type Vetting = Awaited<ReturnType<typeof loader>>["vetting"];

const DOCUMENT_WORDS: Record<string, string> = {
  SAFEGUARDING_POLICY: "Safeguarding policy",
  PUBLIC_LIABILITY_INSURANCE: "Public liability insurance",
};

const HISTORY_WORDS: Record<string, string> = {
  "provider.checklist_saved": "Checklist saved",
  "provider.approved": "Approved",
  "provider.rejected": "Rejected",
  "provider.suspended": "Suspended",
  "provider.reinstated": "Reinstated",
};

export default function CouncilProvider() {
  const { councilName, vetting, checklistItems, statusWords } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const done = actionData ? null : searchParams.get("done");
  const { provider, status } = vetting;
  return (
    <CouncilShell councilName={councilName}>
      <p>
        <Link to="/council/providers">Back to providers</Link>
      </p>
      <h1>{provider.name}</h1>
      <p>
        <span className="status-tag">{statusWords}</span>
      </p>
      {done && DONE_WORDS[done] ? <Notice tone="success" title={DONE_WORDS[done]} /> : null}
      {status === "REJECTED" && vetting.rejectionReason ? (
        <Notice tone="info" title="Rejected">
          <p>Reason given: {vetting.rejectionReason}</p>
        </Notice>
      ) : null}
      {status === "SUSPENDED" && vetting.suspensionReason ? (
        <Notice tone="warning" title="Suspended">
          <p>Reason given: {vetting.suspensionReason}</p>
        </Notice>
      ) : null}

      <h2>About the provider</h2>
      <SummaryList
        rows={[
          { key: "type", label: "Organisation", value: sentence(provider.organisationType) },
          { key: "reg", label: "Charity or company number", value: provider.registrationNumber ?? "Not given" },
          { key: "contact", label: "Contact", value: [provider.contactName, provider.contactEmail, provider.contactPhone].filter(Boolean).join(", ") },
          { key: "address", label: "Address", value: provider.address || "Not given" },
          { key: "website", label: "Website", value: provider.website ?? "Not given" },
          { key: "categories", label: "Activities", value: provider.categories.length ? sentence(provider.categories.map((c) => c.replace(/_/g, " ").toLowerCase()).join(", ")) : "Not given" },
          { key: "applied", label: "Applied", value: formatDate(vetting.appliedAt) },
          { key: "about", label: "Description", value: provider.description || "Not given" },
        ]}
      />

      <h2>Documents</h2>
      {vetting.documents.length === 0 ? (
        <p>No documents uploaded yet. Ask the provider to upload their safeguarding policy and insurance certificate.</p>
      ) : (
        <ul className="document-list">
          {vetting.documents.map((d) => (
            <li key={d.id}>
              <a href={`/files/${d.id}`} download>
                {DOCUMENT_WORDS[d.kind] ?? d.kind}: {d.originalName}
              </a>{" "}
              <span className="hint">
                ({Math.max(1, Math.round(d.sizeBytes / 1024))} KB, uploaded {formatDate(d.createdAt)})
              </span>
            </li>
          ))}
        </ul>
      )}

      <ChecklistForm vetting={vetting} items={checklistItems} actionData={actionData?.intent === "save-checklist" || actionData?.intent === "approve" ? actionData : undefined} />

      {status === "APPLIED" ? <ReasonForm intent="reject" actionData={actionData?.intent === "reject" ? actionData : undefined} /> : null}
      {status === "APPROVED" ? <ReasonForm intent="suspend" vetting={vetting} actionData={actionData?.intent === "suspend" ? actionData : undefined} /> : null}
      {status === "SUSPENDED" ? <ReinstateForm actionData={actionData?.intent === "reinstate" ? actionData : undefined} /> : null}

      <h2>History</h2>
      {vetting.history.length === 0 ? (
        <p>No decisions yet.</p>
      ) : (
        <ul className="history-list">
          {vetting.history.map((h) => (
            <li key={h.id}>
              <time dateTime={h.at}>{formatDateTime(h.at)}</time>: {HISTORY_WORDS[h.action] ?? h.action} by {h.by}
              {h.reason ? ` (${h.reason})` : ""}
            </li>
          ))}
        </ul>
      )}
    </CouncilShell>
  );
}

function ChecklistForm({ vetting, items, actionData }: { vetting: Vetting; items: ReadonlyArray<{ key: string; label: string }>; actionData?: ActionData }) {
  const [form] = useForm({ id: "checklist", lastResult: actionData?.result });
  const canApprove = vetting.status === "APPLIED" || vetting.status === "REJECTED";
  return (
    <section aria-labelledby="checklist-heading">
      <h2 id="checklist-heading">Vetting checklist</h2>
      <ErrorSummary errors={(form.errors ?? []).map((message) => ({ message }))} />
      <Form method="post" {...getFormProps(form)}>
        {canApprove ? <input type="hidden" name="seen" value={vetting.status} /> : null}
        <fieldset className="fieldset">
          <legend className="visually-hidden">Checks done</legend>
          {items.map((item) => (
            <CheckboxField
              key={item.key}
              label={item.label}
              inputProps={{ id: `check-${item.key}`, name: item.key, defaultChecked: vetting.checklist[item.key as keyof Vetting["checklist"]] }}
            />
          ))}
        </fieldset>
        <div className="button-group">
          {canApprove ? (
            <SubmitButton name="intent" value="approve" pendingText="Approving…">
              Approve provider
            </SubmitButton>
          ) : null}
          <SubmitButton name="intent" value="save-checklist" variant="secondary">
            Save checklist
          </SubmitButton>
        </div>
        {canApprove ? <p className="hint">Approving needs every check ticked. The provider is told by email.</p> : null}
      </Form>
    </section>
  );
}

function ReasonForm({ intent, vetting, actionData }: { intent: "reject" | "suspend"; vetting?: Vetting; actionData?: ActionData }) {
  const [form, fields] = useForm({
    id: intent,
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: reasonSchema }),
    shouldValidate: "onBlur",
  });
  const reasonField = fields.reason;
  const words =
    intent === "reject"
      ? { heading: "Reject the application", hint: "The provider is sent this reason, so say what they would need to put right.", button: "Reject application" }
      : { heading: "Suspend the provider", hint: "The provider is sent this reason. Young people are only told their session is cancelled.", button: "Suspend provider" };
  return (
    <section aria-labelledby={`${intent}-heading`}>
      <h2 id={`${intent}-heading`}>{words.heading}</h2>
      {intent === "suspend" && vetting ? (
        <p>
          Suspending hides their {vetting.liveActivities} live {vetting.liveActivities === 1 ? "activity" : "activities"} and cancels their {vetting.futureSlots} future{" "}
          {vetting.futureSlots === 1 ? "session" : "sessions"}. The {vetting.futureBookings} young {vetting.futureBookings === 1 ? "person" : "people"} booked get their credit back and are
          told.
        </p>
      ) : null}
      <ErrorSummary errors={[...(form.errors ?? []).map((message) => ({ message })), ...(reasonField.errors ?? []).map((message) => ({ message, fieldId: reasonField.id }))]} />
      <Form method="post" {...getFormProps(form)}>
        <input type="hidden" name="intent" value={intent} />
        <TextareaField label="Reason" hint={words.hint} textareaProps={{ ...getTextareaProps(reasonField), rows: 3 }} errors={reasonField.errors} />
        <SubmitButton variant="warning">{words.button}</SubmitButton>
      </Form>
    </section>
  );
}

function ReinstateForm({ actionData }: { actionData?: ActionData }) {
  const [form] = useForm({ id: "reinstate", lastResult: actionData?.result });
  return (
    <section aria-labelledby="reinstate-heading">
      <h2 id="reinstate-heading">Reinstate the provider</h2>
      <p>Their activities hidden by the suspension go live again. Cancelled sessions stay cancelled: the provider adds new ones.</p>
      <ErrorSummary errors={(form.errors ?? []).map((message) => ({ message }))} />
      <Form method="post" {...getFormProps(form)}>
        <SubmitButton name="intent" value="reinstate">
          Reinstate provider
        </SubmitButton>
      </Form>
    </section>
  );
}

/** "COMMUNITY_GROUP" -> "Community group". */
function sentence(text: string): string {
  const words = text.replace(/_/g, " ").toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
