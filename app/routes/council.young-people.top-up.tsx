// Top up a group of young people (the list's filters) from one programme, with a reason. Shows how many
// passes it reaches and what it costs against the budget first; runs in the background with progress.
import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { isDomainError } from "~/domain/errors";
import { budgetLeft, countGroupTopUp, startGroupTopUp } from "~/domain/programmes";
import { filterFromUrl, groupTopUpSchema, NEEDS_LABELS, STATUS_LABELS } from "~/domain/programmes/forms";
import { requireOfficer } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { startInBackground } from "./council.jobs.server";
import { DataTable } from "~/ui/data-table";
import { ErrorSummary, Field, SelectField, SubmitButton } from "~/ui/forms";
import { Money } from "~/ui/money";
import { CouncilShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Top up a group – Playpass council console" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { councilId } = await requireOfficer(request, ["OFFICER"]);
  const { page: _page, ...filter } = filterFromUrl(new URL(request.url));
  const db = getDb();
  const [council, programmes] = await Promise.all([
    db.council.findUniqueOrThrow({ where: { id: councilId }, select: { name: true } }),
    db.programme.findMany({ where: { councilId, status: "ACTIVE" }, select: { id: true, name: true }, orderBy: { name: "asc" } }),
  ]);
  const reach = await Promise.all(
    programmes.map(async (p) => ({ ...p, passes: await countGroupTopUp(db, councilId, p.id, filter), budgetLeftPence: await budgetLeft(db, p.id) })),
  );
  return { councilName: council.name, filter, programmes: reach };
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor, councilId } = await requireOfficer(request, ["OFFICER"]);
  const submission = parseWithZod(await readForm(request), { schema: groupTopUpSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  const { programmeId, amount, reason, ...filter } = submission.value;
  let jobId: string;
  try {
    jobId = (await startGroupTopUp(getDb(), { councilId, actorUserId: actor.userId }, { programmeId, filter, amountPence: amount!, reason })).id;
  } catch (error) {
    if (!isDomainError(error)) throw error;
    return data({ result: submission.reply(error.field ? { fieldErrors: { [error.field]: [error.message] } } : { formErrors: [error.message] }) }, { status: 409 });
  }
  await startInBackground(jobId);
  throw redirect(`/council/jobs/${jobId}`);
}

export default function GroupTopUp() {
  const { councilName, filter, programmes } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({
    id: "group-top-up",
    lastResult: actionData?.result,
    defaultValue: { programmeId: programmes.length === 1 ? programmes[0]!.id : "" },
    onValidate: ({ formData }) => parseWithZod(formData, { schema: groupTopUpSchema }),
    shouldValidate: "onBlur",
  });
  const summary = Object.entries(form.allErrors).flatMap(([name, messages]) => messages.map((message) => ({ message, fieldId: name ? `group-top-up-${name}` : undefined })));
  const described = [
    filter.q ? `matching “${filter.q}”` : null,
    filter.ward ? `in ${filter.ward}` : null,
    filter.needs ? `with ${NEEDS_LABELS[filter.needs].toLowerCase()}` : null,
    filter.status ? `whose status is “${STATUS_LABELS[filter.status].toLowerCase()}”` : null,
  ].filter(Boolean);
  type Row = (typeof programmes)[number];
  return (
    <CouncilShell councilName={councilName}>
      <p>
        <Link to={`/council/young-people?${new URLSearchParams(Object.entries(filter).filter(([, v]) => v) as [string, string][])}`}>Back to young people</Link>
      </p>
      <h1>Top up a group</h1>
      <p>
        The group: everyone {described.length > 0 ? described.join(", ") : "in the council"} who holds a pass from the programme you choose. To change
        the group, use the filters on the young people page and choose &ldquo;Top up this group&rdquo; again.
      </p>
      <DataTable
        caption="Passes this group holds"
        rows={programmes}
        rowKey={(p) => p.id}
        empty="There are no active programmes."
        columns={[
          { key: "name", header: "Programme", rowHeader: true, cell: (p: Row) => p.name },
          { key: "passes", header: "Passes in the group", numeric: true, cell: (p: Row) => p.passes.toLocaleString("en-GB") },
          { key: "left", header: "Left in the budget", numeric: true, cell: (p: Row) => <Money pence={p.budgetLeftPence} /> },
        ]}
      />
      <ErrorSummary errors={summary} />
      <Form method="post" {...getFormProps(form)}>
        {Object.entries(filter).map(([key, value]) => (value ? <input key={key} type="hidden" name={key} value={value} /> : null))}
        <SelectField label="Programme" selectProps={getSelectProps(fields.programmeId)} options={programmes.map((p) => ({ value: p.id, label: p.name }))} placeholder="Choose a programme" errors={fields.programmeId.errors} />
        <Field label="Amount for each young person, in pounds" hint="If the budget runs out part way, it stops and tells you how many were topped up." inputProps={{ ...getInputProps(fields.amount, { type: "text" }), inputMode: "decimal" }} errors={fields.amount.errors} />
        <Field label="Reason" hint="For example “summer holiday boost” or “reward for attendance”. Each young person sees it on their statement." inputProps={getInputProps(fields.reason, { type: "text" })} errors={fields.reason.errors} />
        <SubmitButton pendingText="Starting…">Top up the group</SubmitButton>
      </Form>
    </CouncilShell>
  );
}
