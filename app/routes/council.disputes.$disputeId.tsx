// One dispute: what the provider reported, what the door recorded, and the officer's decision with a note.
import { getFormProps, getTextareaProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { isDomainError } from "~/domain/errors";
import { DECISION_LABELS, decideDispute, disputeDetail, disputeKindLabel } from "~/domain/reconciliation";
import { requireOfficer } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { formatDateTime } from "~/ui/dates";
import { Choice, Fieldset } from "~/ui/fieldset";
import { ErrorSummary, SubmitButton, TextareaField } from "~/ui/forms";
import { Money } from "~/ui/money";
import { Notice } from "~/ui/notice";
import { CouncilShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Dispute – Playpass council console" }];

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DECISIONS = ["PAY_PROVIDER", "REFUND_YOUNG_PERSON", "NO_ACTION"] as const;
// Kept here (not imported from the domain) so the page's browser bundle carries no server code.
const DECISION_CHOICES: Record<(typeof DECISIONS)[number], string> = {
  PAY_PROVIDER: "Pay the provider",
  REFUND_YOUNG_PERSON: "Refund the young person",
  NO_ACTION: "No action",
};
const DECISION_HINTS: Record<(typeof DECISIONS)[number], string> = {
  PAY_PROVIDER: "The young person came. The provider is paid for the booking (from the credit held for it, or from the pass if it was already released).",
  REFUND_YOUNG_PERSON: "The young person did not come. The credit goes back to their pass and the provider is not paid for it.",
  NO_ACTION: "Nothing changes. Use this when the report was wrong or the money was settled another way.",
};

const schema = z.object({
  decision: z.enum(DECISIONS, { error: "Choose a decision." }),
  note: z
    .string({ error: "Say why you decided this: the provider and auditors will read it." })
    .trim()
    .min(1, "Say why you decided this: the provider and auditors will read it.")
    .max(1000, "Keep the note to 1,000 characters."),
});

const notFound = () => data({ message: "We could not find that dispute." }, { status: 404 });

async function load(councilId: string, disputeId: string | undefined) {
  if (!UUID.test(disputeId ?? "")) throw notFound();
  try {
    return await disputeDetail(getDb(), { councilId, disputeId: disputeId! });
  } catch (error) {
    if (isDomainError(error, "NOT_FOUND")) throw notFound();
    throw error;
  }
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { councilId } = await requireOfficer(request);
  const [council, dispute] = await Promise.all([
    getDb().council.findUniqueOrThrow({ where: { id: councilId }, select: { name: true } }),
    load(councilId, params.disputeId),
  ]);
  return { councilName: council.name, dispute: { ...dispute, kindLabel: disputeKindLabel(dispute.kind), decisionLabel: dispute.decision ? DECISION_LABELS[dispute.decision] : null } };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor, councilId } = await requireOfficer(request);
  await load(councilId, params.disputeId);
  const submission = parseWithZod(await readForm(request), { schema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  try {
    await decideDispute(getDb(), {
      councilId,
      disputeId: params.disputeId!,
      decision: submission.value.decision,
      note: submission.value.note,
      actor: { userId: actor.userId, name: actor.displayName },
    });
  } catch (error) {
    if (isDomainError(error) && error.code !== "NOT_FOUND") {
      const field = error.field === "note" ? "note" : "decision";
      return data({ result: submission.reply({ fieldErrors: { [field]: [error.message] } }) }, { status: 409 });
    }
    throw error;
  }
  throw redirect(`/council/disputes/${params.disputeId}?decided=1`);
}

export default function DisputePage() {
  const { councilName, dispute } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult: actionData?.result,
    onValidate: ({ formData }) => parseWithZod(formData, { schema }),
    shouldValidate: "onBlur",
  });
  const booking = dispute.booking;
  const redemption = dispute.redemption;
  return (
    <CouncilShell councilName={councilName}>
      <p>
        <Link to="/council/disputes">All disputes</Link>
      </p>
      <h1>{dispute.kindLabel}</h1>
      <p>{dispute.detail}</p>
      <dl className="summary-list">
        <Row label="Provider">{dispute.provider.name}</Row>
        <Row label="Raised">
          {formatDateTime(dispute.createdAt)}
          {dispute.report ? ` from the ${dispute.report.source === "CSV" ? "uploaded" : "API"} report “${dispute.report.reference}”` : ""}
        </Row>
        {booking ? (
          <>
            <Row label="Booking">
              <code>{booking.code}</code>, {booking.youngPerson.firstName} {booking.youngPerson.lastName}
            </Row>
            <Row label="Session">
              {booking.slot.activity.title}, {formatDateTime(booking.slot.startsAt)}
            </Row>
            <Row label="Price">
              <Money pence={booking.pricePence} />
            </Row>
            <Row label="Booking status">{booking.status.replace("_", " ").toLowerCase()}</Row>
          </>
        ) : null}
        <Row label="Redeemed">{redemption ? `${formatDateTime(redemption.redeemedAt)} by ${redemption.redeemedByName} (${redemption.status.replace("_", " ").toLowerCase()})` : "No"}</Row>
      </dl>

      {dispute.status === "RESOLVED" ? (
        <Notice tone="success" title={`Decided: ${dispute.decisionLabel}`}>
          <p>
            {dispute.decidedByName ?? "An officer"}, {dispute.decidedAt ? formatDateTime(dispute.decidedAt) : ""}
          </p>
          <p>{dispute.decisionNote}</p>
        </Notice>
      ) : (
        <>
          <h2>Decide</h2>
          <ErrorSummary
            errors={[
              ...(fields.decision.errors ?? []).map((message) => ({ message, fieldId: `${fields.decision.id}-PAY_PROVIDER` })),
              ...(fields.note.errors ?? []).map((message) => ({ message, fieldId: fields.note.id })),
            ]}
          />
          <Form method="post" {...getFormProps(form)}>
            <Fieldset legend="What should happen?" errors={fields.decision.errors} id={`${fields.decision.id}-PAY_PROVIDER`}>
              {DECISIONS.map((decision) => (
                <Choice
                  key={decision}
                  type="radio"
                  name={fields.decision.name}
                  value={decision}
                  id={`${fields.decision.id}-${decision}`}
                  label={DECISION_CHOICES[decision]}
                  hint={DECISION_HINTS[decision]}
                  defaultChecked={fields.decision.initialValue === decision}
                />
              ))}
            </Fieldset>
            <TextareaField
              label="Why"
              hint="For example, what the provider's signing-in sheet shows. The provider sees this note."
              textareaProps={getTextareaProps(fields.note)}
              errors={fields.note.errors}
            />
            <SubmitButton pendingText="Recording…">Record decision</SubmitButton>
          </Form>
        </>
      )}
    </CouncilShell>
  );
}

function Row({ label, children }: { label: string; children: React.ReactNode }) {
  return (
    <div className="summary-list__row">
      <dt className="summary-list__key">{label}</dt>
      <dd className="summary-list__value">{children}</dd>
    </div>
  );
}
