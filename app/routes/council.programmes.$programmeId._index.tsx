// One programme: its settings, what is left in its budget, and what issuing to everyone eligible who has
// no pass yet would cost, shown before anything is issued. Issuing runs in the background with progress.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { isDomainError } from "~/domain/errors";
import { getProgramme, issuingPreview, startIssueAll } from "~/domain/programmes";
import { CATEGORY_LABELS, NEEDS_LABELS } from "~/domain/programmes/forms";
import type { NeedsFlag } from "~/generated/prisma/enums";
import { requireOfficer } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { startInBackground } from "./council.jobs.server";
import { SummaryList } from "~/ui/data-table";
import { formatDate } from "~/ui/dates";
import { SubmitButton } from "~/ui/forms";
import { Money } from "~/ui/money";
import { Notice } from "~/ui/notice";
import { CouncilShell } from "~/ui/shells";

export const meta: MetaFunction<typeof loader> = ({ data }) => [{ title: `${data?.programme.name ?? "Programme"} – Playpass council console` }];

function notFound(error: unknown): never {
  if (isDomainError(error, "NOT_FOUND")) throw data({ message: error.message }, { status: 404 });
  throw error;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { councilId, role } = await requireOfficer(request);
  const db = getDb();
  const programme = await getProgramme(db, councilId, params.programmeId!).catch(notFound);
  const [council, preview, jobs] = await Promise.all([
    db.council.findUniqueOrThrow({ where: { id: councilId }, select: { name: true } }),
    issuingPreview(db, councilId, programme.id),
    db.backgroundJob.findMany({
      where: { councilId, kind: "ISSUE_ALL", input: { path: ["programmeId"], equals: programme.id } },
      orderBy: { createdAt: "desc" },
      take: 5,
      select: { id: true, status: true, createdAt: true, processed: true, total: true },
    }),
  ]);
  return { councilName: council.name, programme, preview, jobs, canIssue: role === "OFFICER" };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor, councilId } = await requireOfficer(request, ["OFFICER"]);
  // The button posts an empty form; a body that is not one is refused like on every other action.
  await readForm(request);
  try {
    const job = await startIssueAll(getDb(), { councilId, actorUserId: actor.userId }, params.programmeId!);
    await startInBackground(job.id);
    throw redirect(`/council/jobs/${job.id}`);
  } catch (error) {
    if (isDomainError(error, "NOT_FOUND")) notFound(error);
    if (isDomainError(error)) return data({ error: error.message }, { status: 409 });
    throw error;
  }
}

const STATUS = { DRAFT: "Draft", ACTIVE: "Active", CLOSED: "Closed" } as const;

export default function ProgrammePage() {
  const { councilName, programme, preview, jobs, canIssue } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [params] = useSearchParams();
  const uplifts = Object.entries((programme.upliftsPence ?? {}) as Record<NeedsFlag, number>) as [NeedsFlag, number][];
  return (
    <CouncilShell councilName={councilName}>
      <p>
        <Link to="/council/programmes">Back to programmes</Link>
      </p>
      {params.get("saved") ? (
        <Notice tone="success" title={params.get("saved") === "created" ? "Programme created" : "Changes saved"}>
          The budget is funded through the ledger.
        </Notice>
      ) : null}
      <h1>{programme.name}</h1>
      <p>
        <span className={`status-tag status-tag--${programme.status.toLowerCase()}`}>{STATUS[programme.status]}</span>{" "}
        {canIssue ? <Link to={`/council/programmes/${programme.id}/edit`}>Change settings</Link> : null}
      </p>

      <section aria-labelledby="issuing" className="panel">
        <h2 id="issuing">Issue passes to everyone eligible</h2>
        <SummaryList
          rows={[
            { key: "people", label: "Eligible young people with no pass from this programme", value: preview.people.toLocaleString("en-GB"), numeric: true },
            { key: "cost", label: "Cost of issuing to all of them", value: <Money pence={preview.costPence} />, numeric: true },
            { key: "left", label: "Left in the budget", value: <Money pence={preview.budgetLeftPence} />, numeric: true },
            { key: "issued", label: "Passes already issued", value: preview.alreadyIssued.toLocaleString("en-GB"), numeric: true },
          ]}
        />
        {actionData?.error ? <Notice tone="error" title="Passes were not issued">{actionData.error}</Notice> : null}
        {preview.people === 0 ? (
          <p>Everyone eligible already has a pass from this programme.</p>
        ) : preview.shortfallPence > 0 ? (
          <Notice tone="warning" title="The budget does not cover everyone">
            Issuing to all {preview.people.toLocaleString("en-GB")} would need <Money pence={preview.shortfallPence} /> more than is left. If you go ahead,
            passes are issued until the budget runs out, and then it stops and says how many are left without one. You can raise the budget first
            under <Link to={`/council/programmes/${programme.id}/edit`}>Change settings</Link>.
          </Notice>
        ) : null}
        {preview.people > 0 && programme.status === "ACTIVE" && canIssue ? (
          <Form method="post">
            <SubmitButton pendingText="Starting…">Issue passes to {preview.people.toLocaleString("en-GB")} young people</SubmitButton>
          </Form>
        ) : programme.status !== "ACTIVE" ? (
          <p>This programme is {STATUS[programme.status].toLowerCase()}. Make it active to issue passes.</p>
        ) : null}
        {jobs.length > 0 ? (
          <p>
            Earlier issuing:{" "}
            {jobs.map((job, i) => (
              <span key={job.id}>
                {i > 0 ? ", " : null}
                <Link to={`/council/jobs/${job.id}`}>{formatDate(job.createdAt)}</Link> ({job.status.toLowerCase()})
              </span>
            ))}
          </p>
        ) : null}
      </section>

      <h2>Settings</h2>
      <SummaryList
        rows={[
          { key: "budget", label: "Funded budget", value: <Money pence={programme.budgetPence} />, numeric: true },
          { key: "base", label: "Base allocation", value: <Money pence={programme.baseAllocationPence} />, numeric: true },
          {
            key: "uplifts",
            label: "Extra for needs",
            value: uplifts.length === 0 ? "None" : uplifts.map(([flag, pence]) => `${NEEDS_LABELS[flag]}: £${(pence / 100).toFixed(2)}`).join("; "),
          },
          { key: "ages", label: "Ages", value: `${programme.minAge} to ${programme.maxAge} on ${formatDate(programme.ageReferenceDate)}` },
          {
            key: "areas",
            label: "Areas",
            value:
              programme.eligibleWards.length + programme.eligiblePostcodes.length === 0
                ? "The whole council"
                : [...programme.eligibleWards, ...programme.eligiblePostcodes].join(", "),
          },
          { key: "categories", label: "Activities", value: programme.allowedCategories.map((c) => CATEGORY_LABELS[c]).join(", ") },
          { key: "dates", label: "Runs", value: `${formatDate(programme.startsOn)} to ${formatDate(programme.endsOn)}` },
          { key: "max", label: "Most per booking", value: programme.maxPerBookingPence ? <Money pence={programme.maxPerBookingPence} /> : "No limit" },
          { key: "noshow", label: "No-shows", value: programme.noShowPolicy === "RELEASE" ? "Credit goes back to the pass" : "Provider is paid" },
          { key: "waitlist", label: "Waiting-list offers held for", value: `${programme.waitlistOfferMinutes} minutes` },
          { key: "payout", label: "Providers paid", value: programme.payoutSchedule === "WEEKLY" ? "Weekly" : "Daily" },
          { key: "threshold", label: "Payout runs needing approval", value: <>Above <Money pence={programme.approvalThresholdPence} /></> },
        ]}
      />
    </CouncilShell>
  );
}
