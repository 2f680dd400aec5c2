// Platform admins' queue dashboard: how many jobs wait, run and failed in each queue; the failed jobs of
// one queue with their reasons; and a retry button for each.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useSearchParams } from "@remix-run/react";
import { z } from "zod";
import { isDomainError, statusForDomainError } from "~/domain/errors";
import { requirePlatformAdmin } from "~/lib/auth.server";
import { readForm } from "~/lib/forms.server";
import { logger } from "~/lib/logger.server";
import { DataTable } from "~/ui/data-table";
import { formatDateTime } from "~/ui/dates";
import { SubmitButton } from "~/ui/forms";
import { Notice } from "~/ui/notice";
import { PublicShell } from "~/ui/shells";
import { failedJobs, queueCounts, QUEUE_NAMES, retryFailedJob, type FailedJob, type QueueCounts } from "./admin.queues.server";

export const meta: MetaFunction = () => [{ title: "Queues – Playpass admin" }];

const queueSchema = z.enum(QUEUE_NAMES as [string, ...string[]]);

export async function loader({ request }: LoaderFunctionArgs) {
  await requirePlatformAdmin(request);
  const url = new URL(request.url);
  const chosen = queueSchema.safeParse(url.searchParams.get("queue") ?? "");
  const counts = await queueCounts();
  const queue = (chosen.success ? chosen.data : (counts.find((c) => c.failed > 0)?.queue ?? QUEUE_NAMES[0]!)) as (typeof QUEUE_NAMES)[number];
  return { counts, queue, failed: await failedJobs(queue) };
}

const retrySchema = z.object({ intent: z.literal("retry"), queue: queueSchema, jobId: z.string().min(1).max(200) });

export async function action({ request }: ActionFunctionArgs) {
  const admin = await requirePlatformAdmin(request);
  const parsed = retrySchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) return data({ error: "That retry is not recognised. Reload the page and try again." }, { status: 400 });
  const queue = parsed.data.queue as (typeof QUEUE_NAMES)[number];
  try {
    await retryFailedJob(queue, parsed.data.jobId);
  } catch (error) {
    if (isDomainError(error)) return data({ error: error.message }, { status: statusForDomainError(error) });
    throw error;
  }
  logger.info({ queue, jobId: parsed.data.jobId, adminUserId: admin.userId }, "failed job retried by an admin");
  return redirect(`/admin/queues?queue=${queue}&retried=${encodeURIComponent(parsed.data.jobId)}`);
}

export default function AdminQueues() {
  const { counts, queue, failed } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [searchParams] = useSearchParams();
  const retried = searchParams.get("retried");
  return (
    <PublicShell homeHref="/admin" showSignOut theme="council">
      <p>
        <Link to="/admin">Councils</Link>
      </p>
      <h1>Queues</h1>
      {retried ? <Notice tone="success" title={`Job ${retried} is back in the ${queue} queue.`} /> : null}
      {actionData && "error" in actionData ? <Notice tone="error" title={actionData.error} /> : null}
      <DataTable
        caption="Jobs in each queue now"
        columns={[
          { key: "queue", header: "Queue", rowHeader: true, cell: (c: QueueCounts) => <Link to={`/admin/queues?queue=${c.queue}`}>{c.queue}</Link> },
          { key: "waiting", header: "Waiting", numeric: true, cell: (c: QueueCounts) => c.waiting + c.prioritized },
          { key: "active", header: "Running", numeric: true, cell: (c: QueueCounts) => c.active },
          { key: "delayed", header: "Delayed (retries and schedules)", numeric: true, cell: (c: QueueCounts) => c.delayed },
          { key: "failed", header: "Failed", numeric: true, cell: (c: QueueCounts) => c.failed },
          { key: "completed", header: "Completed (kept 24 hours)", numeric: true, cell: (c: QueueCounts) => c.completed },
        ]}
        rows={counts}
        rowKey={(c) => c.queue}
      />
      <h2>Failed jobs in “{queue}”</h2>
      <DataTable
        caption={`Failed jobs in the ${queue} queue, newest first`}
        captionHidden
        columns={[
          { key: "job", header: "Job", rowHeader: true, cell: (j: FailedJob) => <code>{j.id}</code> },
          { key: "data", header: "Payload", cell: (j: FailedJob) => <code>{JSON.stringify(j.data)}</code> },
          { key: "reason", header: "Reason", cell: (j: FailedJob) => j.failedReason },
          { key: "attempts", header: "Attempts", numeric: true, cell: (j: FailedJob) => `${j.attemptsMade} of ${j.maxAttempts}` },
          { key: "when", header: "Failed", cell: (j: FailedJob) => (j.failedAt ? formatDateTime(j.failedAt) : "–") },
          {
            key: "retry",
            header: "Retry",
            cell: (j: FailedJob) => (
              <Form method="post">
                <input type="hidden" name="queue" value={j.queue} />
                <input type="hidden" name="jobId" value={j.id} />
                <SubmitButton name="intent" value="retry" variant="secondary">
                  Retry<span className="visually-hidden"> job {j.id}</span>
                </SubmitButton>
              </Form>
            ),
          },
        ]}
        rows={failed}
        rowKey={(j) => j.id}
        empty="No failed jobs in this queue."
      />
    </PublicShell>
  );
}
