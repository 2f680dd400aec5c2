// One pass application: the details, the proof of address to download, and approve (with the ward, which
// enrols the young person) or reject with a reason. The applicant is told either way.
import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { isDomainError } from "~/domain/errors";
import { approvePassApplication, getPassApplication, rejectPassApplication } from "~/domain/programmes";
import { reasonSchema } from "~/domain/programmes/forms";
import { requireOfficer } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { formatFileSize } from "~/lib/file-size";
import { readForm } from "~/lib/forms.server";
import { SummaryList } from "~/ui/data-table";
import { formatDate, formatDateTime } from "~/ui/dates";
import { Field, SubmitButton } from "~/ui/forms";
import { Notice } from "~/ui/notice";
import { CouncilShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Pass application – Playpass council console" }];

const decisionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("approve"), ward: z.string({ error: "Enter the ward they live in." }).trim().min(1, "Enter the ward they live in.").max(80, "The ward must be 80 characters or fewer.") }),
  z.object({ intent: z.literal("reject"), reason: reasonSchema }),
]);

function notFound(error: unknown): never {
  if (isDomainError(error, "NOT_FOUND")) throw data({ message: error.message }, { status: 404 });
  throw error;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { councilId, role } = await requireOfficer(request);
  const db = getDb();
  const application = await getPassApplication(db, councilId, params.applicationId!).catch(notFound);
  const council = await db.council.findUniqueOrThrow({ where: { id: councilId }, select: { name: true } });
  return {
    councilName: council.name,
    canDecide: role === "OFFICER",
    application: {
      ...application,
      proof: application.proof ? { originalName: application.proof.originalName, size: formatFileSize(application.proof.sizeBytes), contentType: application.proof.contentType } : null,
    },
  };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor, councilId } = await requireOfficer(request, ["OFFICER"]);
  const submission = parseWithZod(await readForm(request), { schema: decisionSchema });
  if (submission.status !== "success") return data({ result: submission.reply(), intent: String(submission.payload.intent ?? "") }, { status: 400 });
  const context = { councilId, actorUserId: actor.userId };
  try {
    if (submission.value.intent === "approve") {
      const person = await approvePassApplication(getDb(), context, params.applicationId!, { ward: submission.value.ward });
      throw redirect(`/council/young-people/${person.id}?done=added`);
    }
    await rejectPassApplication(getDb(), context, params.applicationId!, { reason: submission.value.reason });
  } catch (error) {
    if (isDomainError(error, "NOT_FOUND")) notFound(error);
    if (!isDomainError(error)) throw error;
    return data({ result: submission.reply({ formErrors: [error.message] }), intent: submission.value.intent }, { status: 409 });
  }
  throw redirect("/council/applications?status=REJECTED");
}

export default function ApplicationPage() {
  const { councilName, application, canDecide } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [approve, approveFields] = useForm({
    id: "approve",
    lastResult: actionData?.intent === "approve" ? actionData.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: decisionSchema }),
  });
  const [reject, rejectFields] = useForm({
    id: "reject",
    lastResult: actionData?.intent === "reject" ? actionData.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: decisionSchema }),
  });
  const a = approveFields as unknown as Record<"ward", Parameters<typeof getInputProps>[0]>;
  const r = rejectFields as unknown as Record<"reason", Parameters<typeof getInputProps>[0]>;
  return (
    <CouncilShell councilName={councilName}>
      <p>
        <Link to="/council/applications">Back to applications</Link>
      </p>
      <h1>
        {application.firstName} {application.lastName}
      </h1>
      <SummaryList
        rows={[
          { key: "status", label: "Status", value: application.status === "PENDING" ? "Waiting for a decision" : application.status === "APPROVED" ? "Approved" : `Rejected: ${application.rejectionReason}` },
          { key: "dob", label: "Date of birth", value: formatDate(application.dateOfBirth) },
          { key: "postcode", label: "Postcode", value: application.postcode },
          { key: "contact", label: "Contact", value: [application.email, application.phone].filter(Boolean).join(", ") },
          { key: "guardian", label: "Parent or carer", value: application.guardianContact ?? "—" },
          { key: "applied", label: "Applied", value: formatDateTime(application.createdAt) },
          {
            key: "proof",
            label: "Proof of address",
            value: application.proof ? (
              <a href={`/council/applications/${application.id}/proof`} download>
                {application.proof.originalName} ({application.proof.size})
              </a>
            ) : (
              "None"
            ),
          },
        ]}
      />
      {application.status === "APPROVED" && application.youngPersonId ? (
        <p>
          <Link to={`/council/young-people/${application.youngPersonId}`}>See the young person</Link>
        </p>
      ) : null}
      {application.status === "PENDING" && canDecide ? (
        <div className="decision">
          <Form method="post" {...getFormProps(approve)} className="panel">
            <h2>Approve</h2>
            {approve.errors ? <Notice tone="error">{approve.errors.join(" ")}</Notice> : null}
            <p>Check the proof of address matches the postcode. Approving enrols them; then issue a pass and send an invitation.</p>
            <Field label="Ward" hint="The ward their postcode is in." inputProps={getInputProps(a.ward, { type: "text" })} errors={a.ward.errors} />
            <SubmitButton name="intent" value="approve">
              Approve and enrol
            </SubmitButton>
          </Form>
          <Form method="post" {...getFormProps(reject)} className="panel">
            <h2>Reject</h2>
            {reject.errors ? <Notice tone="error">{reject.errors.join(" ")}</Notice> : null}
            <Field label="Reason" hint="The applicant is sent this, so write it for them: for example “the address is outside Northbridge”." inputProps={getInputProps(r.reason, { type: "text" })} errors={r.reason.errors} />
            <SubmitButton name="intent" value="reject" variant="warning">
              Reject
            </SubmitButton>
          </Form>
        </div>
      ) : null}
    </CouncilShell>
  );
}
