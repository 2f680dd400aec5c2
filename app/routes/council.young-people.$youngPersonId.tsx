// One young person: their details, each pass (allocation) with its balance, the statement of every
// movement, and what an officer can do: issue a pass, top up, reward, freeze, unfreeze or revoke.
import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import { randomUUID } from "node:crypto";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { isDomainError } from "~/domain/errors";
import { actOnPass, getYoungPersonForOfficer, type PassAction } from "~/domain/programmes";
import { NEEDS_LABELS, passActionSchema, STATUS_LABELS } from "~/domain/programmes/forms";
import { requireOfficer } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { DataTable, SummaryList } from "~/ui/data-table";
import { formatDate, formatDateTime } from "~/ui/dates";
import { Field, SelectField, SubmitButton } from "~/ui/forms";
import { Money } from "~/ui/money";
import { Notice } from "~/ui/notice";
import { CouncilShell } from "~/ui/shells";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data ? `${data.person.firstName} ${data.person.lastName}` : "Young person"} – Playpass council console` }];

function notFound(error: unknown): never {
  if (isDomainError(error, "NOT_FOUND")) throw data({ message: error.message }, { status: 404 });
  throw error;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { councilId, role } = await requireOfficer(request);
  const db = getDb();
  const person = await getYoungPersonForOfficer(db, councilId, params.youngPersonId!).catch(notFound);
  const council = await db.council.findUniqueOrThrow({ where: { id: councilId }, select: { name: true } });
  // One key per page view: a double-clicked top-up posts once.
  return { councilName: council.name, person, canAct: role === "OFFICER", idempotencyKey: randomUUID() };
}

const DONE: Record<string, string> = {
  added: "Young person added. Issue them a pass below, then invite them or print a letter.",
  issue: "Pass issued.",
  "top-up": "Top-up given.",
  reward: "Reward given.",
  freeze: "Pass frozen: it cannot be used until it is unfrozen.",
  unfreeze: "Pass unfrozen.",
  revoke: "Pass revoked. Its unspent credit went back to the programme's budget.",
};

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor, councilId } = await requireOfficer(request, ["OFFICER"]);
  const submission = parseWithZod(await readForm(request), { schema: passActionSchema });
  if (submission.status !== "success") return data({ result: submission.reply(), intent: String(submission.payload.intent ?? "") }, { status: 400 });
  const value = submission.value;
  const passAction: PassAction =
    value.intent === "top-up" || value.intent === "reward"
      ? { intent: value.intent, allocationId: value.allocationId, amountPence: value.amount!, reason: value.reason, idempotencyKey: value.idempotencyKey }
      : (value as PassAction);
  try {
    await actOnPass(getDb(), { councilId, actorUserId: actor.userId }, params.youngPersonId!, passAction);
  } catch (error) {
    if (isDomainError(error, "NOT_FOUND")) notFound(error);
    if (!isDomainError(error)) throw error;
    return data({ result: submission.reply(error.field ? { fieldErrors: { [error.field]: [error.message] } } : { formErrors: [error.message] }), intent: value.intent }, { status: 409 });
  }
  throw redirect(`/council/young-people/${params.youngPersonId}?done=${value.intent}`);
}

export default function YoungPersonPage() {
  const { councilName, person, canAct, idempotencyKey } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const done = params.get("done");
  type Entry = (typeof person.statement.entries)[number];
  return (
    <CouncilShell councilName={councilName}>
      <p>
        <Link to="/council/young-people">Back to young people</Link>
      </p>
      {done && DONE[done] ? <Notice tone="success">{DONE[done]}</Notice> : null}
      <h1>
        {person.firstName} {person.lastName}
      </h1>
      <SummaryList
        rows={[
          { key: "status", label: "Status", value: STATUS_LABELS[person.status] },
          { key: "dob", label: "Date of birth", value: formatDate(person.dateOfBirth) },
          { key: "address", label: "Postcode and ward", value: `${person.postcode}, ${person.ward}` },
          { key: "needs", label: "Needs", value: person.needsFlags.map((f) => NEEDS_LABELS[f]).join(", ") || "None recorded" },
          { key: "contact", label: "Contact", value: [person.email, person.phone].filter(Boolean).join(", ") || "None: send a printed letter" },
          { key: "ref", label: "Reference", value: person.externalRef ?? "—" },
          { key: "invited", label: "Invited", value: person.invitedAt ? formatDateTime(person.invitedAt) : "Not yet" },
        ]}
      />
      {canAct ? <p><a href={`/council/young-people/${person.id}/export.json`} download>Download everything held about them</a> (a subject access request; the download is recorded).</p> : null}

      <h2>Passes</h2>
      {person.allocations.length === 0 ? <p>No pass has been issued yet.</p> : null}
      {person.allocations.map((allocation) => (
        <section key={allocation.id} className="panel" aria-labelledby={`pass-${allocation.id}`}>
          <h3 id={`pass-${allocation.id}`}>{allocation.programme.name}</h3>
          <SummaryList
            rows={[
              { key: "balance", label: "Balance", value: <Money pence={allocation.balancePence} />, numeric: true },
              { key: "status", label: "Status", value: allocation.status.charAt(0) + allocation.status.slice(1).toLowerCase() },
              { key: "dates", label: "Issued / expires", value: `${formatDate(allocation.issuedAt)} / ${formatDate(allocation.expiresAt)}` },
            ]}
          />
          {/* Keyed by the page view: after an action the forms start empty, so nothing is sent twice by mistake. */}
          {canAct && (allocation.status === "ACTIVE" || allocation.status === "FROZEN") ? <PassActions key={idempotencyKey} allocationId={allocation.id} status={allocation.status} /> : null}
        </section>
      ))}
      {canAct && person.programmesToIssue.length > 0 && person.status !== "DEACTIVATED" ? <IssueForm programmes={person.programmesToIssue} /> : null}

      <h2>Statement</h2>
      <DataTable
        caption={
          <>
            Every movement on {person.firstName}&rsquo;s passes. Balance now: <Money pence={person.statement.balancePence} />
          </>
        }
        empty="No money has moved yet."
        rows={person.statement.entries}
        rowKey={(e) => e.id}
        columns={[
          { key: "at", header: "When", cell: (e: Entry) => formatDateTime(e.at) },
          { key: "what", header: "What", cell: (e: Entry) => e.description },
          { key: "amount", header: "Amount", numeric: true, cell: (e: Entry) => <Money pence={e.amountPence} /> },
          { key: "balance", header: "Balance", numeric: true, cell: (e: Entry) => <Money pence={e.balancePence} /> },
        ]}
      />
    </CouncilShell>
  );
}

function useActionForm(intent: string, id: string) {
  const actionData = useActionData<typeof action>();
  return useForm({
    id,
    lastResult: actionData?.intent === intent || (intent === "credit" && (actionData?.intent === "top-up" || actionData?.intent === "reward")) ? actionData.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: passActionSchema }),
    shouldValidate: "onBlur",
  });
}

function PassActions({ allocationId, status }: { allocationId: string; status: "ACTIVE" | "FROZEN" }) {
  const { idempotencyKey } = useLoaderData<typeof loader>();
  const [credit, creditFields] = useActionForm("credit", `credit-${allocationId}`);
  const [revoke, revokeFields] = useActionForm("revoke", `revoke-${allocationId}`);
  const f = creditFields as unknown as Record<"amount" | "reason", Parameters<typeof getInputProps>[0]>;
  const r = revokeFields as unknown as Record<"reason", Parameters<typeof getInputProps>[0]>;
  return (
    <div className="pass-actions">
      <Form method="post" {...getFormProps(credit)} className="pass-actions__form">
        <h4>Add credit</h4>
        {credit.errors ? <Notice tone="error">{credit.errors.join(" ")}</Notice> : null}
        <input type="hidden" name="allocationId" value={allocationId} />
        <input type="hidden" name="idempotencyKey" value={idempotencyKey} />
        <Field label="Amount, in pounds" inputProps={{ ...getInputProps(f.amount, { type: "text" }), inputMode: "decimal" }} errors={f.amount.errors} />
        <Field label="Reason" hint="For example “attended 10 sessions” or “summer boost”. The young person sees it on their statement." inputProps={getInputProps(f.reason, { type: "text" })} errors={f.reason.errors} />
        <div className="button-row">
          <SubmitButton name="intent" value="top-up" variant="secondary">
            Top up
          </SubmitButton>
          <SubmitButton name="intent" value="reward" variant="secondary">
            Give as a reward
          </SubmitButton>
        </div>
      </Form>
      <Form method="post" className="pass-actions__form">
        <h4>{status === "ACTIVE" ? "Freeze" : "Unfreeze"}</h4>
        <p>{status === "ACTIVE" ? "A frozen pass cannot book or pay until it is unfrozen. Nothing is taken off it." : "Let the pass be used again."}</p>
        <input type="hidden" name="allocationId" value={allocationId} />
        <SubmitButton name="intent" value={status === "ACTIVE" ? "freeze" : "unfreeze"} variant="secondary">
          {status === "ACTIVE" ? "Freeze pass" : "Unfreeze pass"}
        </SubmitButton>
      </Form>
      <Form method="post" {...getFormProps(revoke)} className="pass-actions__form">
        <h4>Revoke</h4>
        {revoke.errors ? <Notice tone="error">{revoke.errors.join(" ")}</Notice> : null}
        <p>Ends the pass for good. Unspent credit goes back to the programme&rsquo;s budget; bookings already made stay.</p>
        <input type="hidden" name="allocationId" value={allocationId} />
        <Field label="Reason for revoking" inputProps={getInputProps(r.reason, { type: "text" })} errors={r.reason.errors} />
        <SubmitButton name="intent" value="revoke" variant="warning">
          Revoke pass
        </SubmitButton>
      </Form>
    </div>
  );
}

function IssueForm({ programmes }: { programmes: { id: string; name: string }[] }) {
  const [form, fields] = useActionForm("issue", "issue");
  const p = fields as unknown as Record<"programmeId", Parameters<typeof getSelectProps>[0]>;
  return (
    <Form method="post" {...getFormProps(form)} className="panel">
      <h3>Issue a pass</h3>
      {form.errors ? <Notice tone="error">{form.errors.join(" ")}</Notice> : null}
      <SelectField label="Programme" selectProps={getSelectProps(p.programmeId)} options={programmes.map((x) => ({ value: x.id, label: x.name }))} placeholder="Choose a programme" errors={p.programmeId.errors} />
      <SubmitButton name="intent" value="issue">
        Issue pass
      </SubmitButton>
    </Form>
  );
}
