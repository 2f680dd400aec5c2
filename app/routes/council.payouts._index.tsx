// Payout runs of the council: status, totals, and which need a finance officer or have problems.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { councilPayoutPolicy, listPayoutRuns } from "~/domain/settlement";
import { requireOfficer } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { logger } from "~/lib/logger.server";
import { enqueue } from "~/lib/queues.server";
import { getStripe } from "~/lib/stripe.server";
import { DataTable } from "~/ui/data-table";
import { SubmitButton } from "~/ui/forms";
import { formatDate, formatDateTime } from "~/ui/dates";
import { Money } from "~/ui/money";
import { Notice } from "~/ui/notice";
import { CouncilShell } from "~/ui/shells";
import { RUN_STATUS_WORDS } from "~/domain/settlement/words";

export const meta: MetaFunction = () => [{ title: "Payouts – Playpass council console" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { councilId, role } = await requireOfficer(request);
  const db = getDb();
  const [council, runs, policy] = await Promise.all([
    db.council.findUniqueOrThrow({ where: { id: councilId }, select: { name: true } }),
    listPayoutRuns(db, { councilId }),
    councilPayoutPolicy(db, councilId),
  ]);
  return { councilName: council.name, runs, policy, isFinance: role === "FINANCE_OFFICER", stripeOn: getStripe() !== null };
}

const actionSchema = z.object({ intent: z.literal("settle-now") });

/** "Run settlement now": the worker gathers what has passed the dispute window into a run at once, instead of at the next scheduled run. */
export async function action({ request }: ActionFunctionArgs) {
  // Money moves: finance officers only.
  const { councilId } = await requireOfficer(request, ["FINANCE_OFFICER"]);
  const parsed = actionSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) return data({ error: "That action is not recognised. Reload the page and try again." }, { status: 400 });
  try {
    // One job per request; a second one, or the schedule, finds the payable redemptions already claimed.
    await enqueue("settlement", `settle-now-${councilId}-${Date.now()}`, { task: "settle-council-now", councilId });
  } catch (error) {
    logger.warn({ councilId, error: error instanceof Error ? error.message : String(error) }, "settlement not queued");
    return data({ error: "Settlement could not be started just now. Try again in a minute." }, { status: 503 });
  }
  return redirect("/council/payouts?done=settle-now");
}

type Run = Awaited<ReturnType<typeof listPayoutRuns>>[number];

export default function CouncilPayouts() {
  const { councilName, runs, policy, isFinance, stripeOn } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const waiting = runs.filter((r) => r.status === "AWAITING_APPROVAL").length;
  const problems = runs.reduce((sum, r) => sum + r.problems, 0);
  return (
    <CouncilShell councilName={councilName}>
      <h1>Payouts</h1>
      <p>
        Providers are paid {policy.schedule === "DAILY" ? "every day" : "every week (runs open on Mondays)"} for what young people used, once the
        dispute window has passed. Runs over <Money pence={policy.approvalThresholdPence} /> wait for a finance officer.{" "}
        {stripeOn ? "Providers with a Stripe account are paid by Stripe; the rest by your bank payment file." : "Every provider is paid by your bank payment file."}
      </p>
      {searchParams.get("done") === "settle-now" ? (
        <Notice tone="success" title="Settlement started">
          Everything that has passed the dispute window is being gathered into a new run. Reload this page in a minute to see it.
        </Notice>
      ) : null}
      {actionData && "error" in actionData ? <Notice tone="error" title={actionData.error} /> : null}
      {waiting > 0 ? (
        <Notice tone="warning" title={`${waiting} ${waiting === 1 ? "run is" : "runs are"} waiting for approval`}>
          {isFinance ? "Open a run to check its lines and approve it." : `A finance officer needs to approve ${waiting === 1 ? "it" : "them"}.`}
        </Notice>
      ) : null}
      {problems > 0 ? (
        <Notice tone="error" title={`${problems} ${problems === 1 ? "payout needs" : "payouts need"} attention`}>
          Open the run to see the reason and try again.
        </Notice>
      ) : null}
      {isFinance ? (
        <Form method="post" className="form-actions">
          <p>Pay providers now for everything past the dispute window, instead of waiting for the next scheduled run.</p>
          <SubmitButton name="intent" value="settle-now" variant="secondary" pendingText="Starting…">
            Run settlement now
          </SubmitButton>
        </Form>
      ) : null}
      <DataTable
        caption="Payout runs, newest first"
        columns={[
          {
            key: "created",
            header: "Run",
            rowHeader: true,
            cell: (r: Run) => <Link to={`/council/payouts/${r.id}`}>{formatDateTime(r.createdAt)}</Link>,
          },
          { key: "status", header: "Status", cell: (r: Run) => <span className="status-tag">{RUN_STATUS_WORDS[r.status]}</span> },
          { key: "providers", header: "Providers", numeric: true, cell: (r: Run) => r.payouts },
          { key: "total", header: "Total", numeric: true, cell: (r: Run) => <Money pence={r.totalPence} /> },
          { key: "problems", header: "Need attention", numeric: true, cell: (r: Run) => r.problems },
          { key: "completed", header: "Completed", cell: (r: Run) => (r.completedAt ? formatDate(r.completedAt) : "–") },
        ]}
        rows={runs}
        rowKey={(r) => r.id}
        empty="No payout runs yet. The first opens when redemptions pass the dispute window."
      />
      <p>
        <Link to="/council/failed-jobs">Background work that failed</Link>, with the reasons.
      </p>
    </CouncilShell>
  );
}
