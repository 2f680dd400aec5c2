// One payout run: its per-provider lines, approval, the bank payment file, and failures with their retries.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { isDomainError, statusForDomainError } from "~/domain/errors";
import { approvePayoutRun, generateBankFile, latestReconciliation, markBankFilePaid, payoutRunDetail, retryParkedPayout } from "~/domain/settlement";
import { PAYOUT_STATUS_WORDS, RUN_STATUS_WORDS } from "~/domain/settlement/words";
import { requireOfficer } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { enqueue } from "~/lib/queues.server";
import { logger } from "~/lib/logger.server";
import { DataTable, SummaryList } from "~/ui/data-table";
import { formatDateTime } from "~/ui/dates";
import { SubmitButton } from "~/ui/forms";
import { Money } from "~/ui/money";
import { Notice } from "~/ui/notice";
import { CouncilShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Payout run – Payouts – Playpass council console" }];

const runIdSchema = z.uuid();

function notFound(): never {
  throw data({ message: "We could not find that payout run." }, { status: 404 });
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { councilId, role } = await requireOfficer(request);
  const runId = runIdSchema.safeParse(params.runId);
  if (!runId.success) notFound();
  const db = getDb();
  try {
    const [council, run, reconciliation] = await Promise.all([
      db.council.findUniqueOrThrow({ where: { id: councilId }, select: { name: true } }),
      payoutRunDetail(db, { councilId, runId: runId.data }),
      latestReconciliation(db, { councilId, runId: runId.data }),
    ]);
    return { councilName: council.name, run, reconciliation, isFinance: role === "FINANCE_OFFICER" };
  } catch (error) {
    if (isDomainError(error, "NOT_FOUND")) notFound();
    throw error;
  }
}

const actionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("approve") }),
  z.object({ intent: z.literal("bank-file") }),
  z.object({ intent: z.literal("mark-file-paid"), bankFileId: z.uuid() }),
  z.object({ intent: z.literal("retry"), payoutId: z.uuid() }),
]);

const DONE_WORDS: Record<z.infer<typeof actionSchema>["intent"], string> = {
  approve: "Run approved. Stripe payouts start within a minute; make the bank payment file for the rest.",
  "bank-file": "Bank payment file ready. Download it and import it into your finance system.",
  "mark-file-paid": "Marked as paid. The providers in the file can see their payment.",
  retry: "The payout will be tried again.",
};

export async function action({ request, params }: ActionFunctionArgs) {
  // Money moves: finance officers only.
  const { actor, councilId } = await requireOfficer(request, ["FINANCE_OFFICER"]);
  const runId = runIdSchema.safeParse(params.runId);
  if (!runId.success) notFound();
  const parsed = actionSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) return data({ error: "That action is not recognised. Reload the page and try again." }, { status: 400 });
  const db = getDb();
  const input = parsed.data;
  try {
    // The run must be this council's, whatever the action.
    const run = await payoutRunDetail(db, { councilId, runId: runId.data });
    switch (input.intent) {
      case "approve":
        await approvePayoutRun(db, { councilId, runId: run.id, actorUserId: actor.userId });
        await queueStripePayouts(run.payouts.filter((p) => p.method === "STRIPE_TRANSFER").map((p) => p.id));
        break;
      case "bank-file":
        await generateBankFile(db, { councilId, runId: run.id, actorUserId: actor.userId });
        break;
      case "mark-file-paid":
        if (!run.bankFiles.some((f) => f.id === input.bankFileId)) notFound();
        await markBankFilePaid(db, { councilId, bankFileId: input.bankFileId, actorUserId: actor.userId });
        break;
      case "retry":
        if (!run.payouts.some((p) => p.id === input.payoutId)) notFound();
        await retryParkedPayout(db, { councilId, payoutId: input.payoutId, actorUserId: actor.userId });
        break;
    }
  } catch (error) {
    if (isDomainError(error, "NOT_FOUND")) notFound();
    if (isDomainError(error)) return data({ error: error.message }, { status: statusForDomainError(error) });
    throw error;
  }
  return redirect(`/council/payouts/${runId.data}?done=${input.intent}`);
}

/** The settlement sweep pays them within a minute anyway; queueing starts them now. */
async function queueStripePayouts(payoutIds: string[]) {
  for (const payoutId of payoutIds) {
    await enqueue("settlement", `pay-payout-${payoutId}`, { task: "pay-payout", payoutId }).catch((error: unknown) =>
      logger.warn({ payoutId, error: error instanceof Error ? error.message : String(error) }, "payout not queued; the sweep will pay it"),
    );
  }
}

type Line = Awaited<ReturnType<typeof loader>>["run"]["payouts"][number];

export default function PayoutRunPage() {
  const { councilName, run, reconciliation, isFinance } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const done = searchParams.get("done") as keyof typeof DONE_WORDS | null;
  const bankWaiting = run.payouts.filter((p) => p.method === "BANK_FILE" && p.status === "PENDING" && !p.bankFileId).length;
  const canPay = run.status !== "AWAITING_APPROVAL" && run.status !== "OPEN";
  const linesTotal = run.payouts.reduce((sum, p) => sum + p.amountPence, 0);

  return (
    <CouncilShell councilName={councilName}>
      <p>
        <Link to="/council/payouts">All payout runs</Link>
      </p>
      <h1>Payout run of {formatDateTime(run.createdAt)}</h1>
      {done && DONE_WORDS[done] ? <Notice tone="success" title={DONE_WORDS[done]} /> : null}
      {actionData && "error" in actionData ? <Notice tone="error" title={actionData.error} /> : null}
      <SummaryList
        rows={[
          { key: "status", label: "Status", value: RUN_STATUS_WORDS[run.status] },
          { key: "total", label: "Total", value: <Money pence={run.totalPence} />, numeric: true },
          { key: "approved", label: "Approved", value: run.approvedAt ? `${formatDateTime(run.approvedAt)}${run.approvedBy ? ` by ${run.approvedBy}` : " (under the threshold)"}` : "Not yet" },
          { key: "completed", label: "Completed", value: run.completedAt ? formatDateTime(run.completedAt) : "Not yet" },
          { key: "group", label: "Stripe transfer group", value: <code>{run.transferGroup}</code> },
          ...(reconciliation
            ? [
                {
                  key: "reconciled",
                  label: "Checked against Stripe",
                  value: reconciliation.matches
                    ? `${formatDateTime(reconciliation.checkedAt)}: every payout matches Stripe's transfers`
                    : `${formatDateTime(reconciliation.checkedAt)}: ${reconciliation.differences} ${reconciliation.differences === 1 ? "difference" : "differences"}, for example ${reconciliation.first ?? ""}. Contact Playpass support.`,
                },
              ]
            : []),
        ]}
      />

      {run.status === "AWAITING_APPROVAL" ? (
        isFinance ? (
          <Form method="post" className="form-actions">
            <p>Check the lines below. Approving sends Stripe payouts and lets you make the bank payment file.</p>
            <SubmitButton name="intent" value="approve" pendingText="Approving…">
              Approve this run
            </SubmitButton>
          </Form>
        ) : (
          <Notice tone="info" title="This run is over the approval threshold">
            A finance officer needs to approve it before anyone is paid.
          </Notice>
        )
      ) : null}

      <h2>Providers in this run</h2>
      <DataTable
        caption="Payouts by provider"
        captionHidden
        columns={[
          { key: "provider", header: "Provider", rowHeader: true, cell: (p: Line) => p.providerName },
          { key: "method", header: "Paid by", cell: (p: Line) => (p.method === "STRIPE_TRANSFER" ? "Stripe" : "Bank file") },
          { key: "redemptions", header: "Uses", numeric: true, cell: (p: Line) => p.redemptions },
          { key: "amount", header: "Amount", numeric: true, cell: (p: Line) => <Money pence={p.amountPence} /> },
          {
            key: "status",
            header: "Status",
            cell: (p: Line) => (
              <>
                <span className="status-tag">{PAYOUT_STATUS_WORDS[p.status]}</span>
                {p.paidAt ? <> {formatDateTime(p.paidAt)}</> : null}
                {p.failureReason && p.status !== "PAID" ? <p className="payout-problem">{p.failureReason}</p> : null}
              </>
            ),
          },
          {
            key: "attempts",
            header: "Attempts",
            cell: (p: Line) =>
              p.method === "STRIPE_TRANSFER" ? (
                <>
                  {p.attempts}
                  {p.status === "PENDING" && p.nextAttemptAt && p.attempts > 0 ? <> (next {formatDateTime(p.nextAttemptAt)})</> : null}
                </>
              ) : (
                "–"
              ),
          },
          {
            key: "actions",
            header: "Actions",
            cell: (p: Line) => (
              <>
                <a href={`/council/payouts/${run.id}/statements/${p.id}`} download>
                  Statement<span className="visually-hidden"> for {p.providerName}</span> (CSV)
                </a>
                {isFinance && p.status === "PARKED" ? (
                  <Form method="post">
                    <input type="hidden" name="payoutId" value={p.id} />
                    <SubmitButton name="intent" value="retry" variant="secondary">
                      Try again<span className="visually-hidden"> for {p.providerName}</span>
                    </SubmitButton>
                  </Form>
                ) : null}
              </>
            ),
          },
        ]}
        rows={run.payouts}
        rowKey={(p) => p.id}
        footer={
          <tr>
            <th scope="row" colSpan={3}>
              Total
            </th>
            <td className="numeric">
              <Money pence={linesTotal} />
            </td>
            <td colSpan={3} />
          </tr>
        }
      />

      <h2>Bank payment files</h2>
      {run.bankFiles.length === 0 ? <p>No bank payment file has been made for this run.</p> : null}
      {run.bankFiles.map((file) => (
        <div key={file.id} className="bank-file">
          <p>
            <a href={`/council/payouts/${run.id}/bank-files/${file.id}`} download>
              Download {file.fileName}
            </a>{" "}
            – {file.lineCount} {file.lineCount === 1 ? "payment" : "payments"}, <Money pence={file.totalPence} />, made {formatDateTime(file.createdAt)}.{" "}
            {file.allPaid ? "Paid." : null}
          </p>
          {isFinance && !file.allPaid ? (
            <Form method="post">
              <input type="hidden" name="bankFileId" value={file.id} />
              <SubmitButton name="intent" value="mark-file-paid" variant="secondary" pendingText="Recording…">
                Mark {file.fileName} as paid
              </SubmitButton>
            </Form>
          ) : null}
        </div>
      ))}
      {isFinance && canPay && bankWaiting > 0 ? (
        <Form method="post">
          <p>
            {bankWaiting} {bankWaiting === 1 ? "provider is" : "providers are"} waiting to be paid by bank.
          </p>
          <SubmitButton name="intent" value="bank-file" pendingText="Making the file…">
            Make the bank payment file
          </SubmitButton>
        </Form>
      ) : null}
    </CouncilShell>
  );
}
