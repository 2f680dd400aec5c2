// API keys for the provider's own systems: create one (shown once), see when each was last used, revoke it. Managers only.
import { getFormProps, getInputProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { isDomainError } from "~/domain/errors";
import { createApiKey, listApiKeys, revokeApiKey } from "~/domain/providers/api-keys";
import { requireProviderStaff } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { DataTable } from "~/ui/data-table";
import { formatDateTime } from "~/ui/dates";
import { ErrorSummary, Field, SubmitButton } from "~/ui/forms";
import { Notice } from "~/ui/notice";
import { ProviderShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "API keys – Playpass provider portal" }];

const createSchema = z.object({
  intent: z.literal("create"),
  name: z
    .string({ error: "Give the key a name, like the system that will use it." })
    .trim()
    .min(1, "Give the key a name, like the system that will use it.")
    .max(80, "Keep the name to 80 characters."),
});
const revokeSchema = z.object({ intent: z.literal("revoke"), keyId: z.string().uuid() });

export async function loader({ request }: LoaderFunctionArgs) {
  const { providerId } = await requireProviderStaff(request, ["PROVIDER_MANAGER"]);
  const [provider, keys] = await Promise.all([
    getDb().provider.findUniqueOrThrow({ where: { id: providerId }, select: { name: true } }),
    listApiKeys(getDb(), providerId),
  ]);
  return { providerName: provider.name, keys };
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor, providerId } = await requireProviderStaff(request, ["PROVIDER_MANAGER"]);
  const formData = await readForm(request);
  if (formData.get("intent") === "revoke") {
    const parsed = revokeSchema.safeParse(Object.fromEntries(formData));
    if (!parsed.success) throw data({ message: "We could not find that API key." }, { status: 404 });
    try {
      const revoked = await revokeApiKey(getDb(), { providerId, keyId: parsed.data.keyId, actorUserId: actor.userId });
      return { outcome: "revoked" as const, name: revoked.name };
    } catch (error) {
      if (isDomainError(error, "NOT_FOUND")) throw data({ message: error.message }, { status: 404 });
      throw error;
    }
  }
  const submission = parseWithZod(formData, { schema: createSchema });
  if (submission.status !== "success") return data({ outcome: "invalid" as const, result: submission.reply() }, { status: 400 });
  const key = await createApiKey(getDb(), { providerId, name: submission.value.name, actorUserId: actor.userId });
  return { outcome: "created" as const, name: key.name, token: key.token, result: submission.reply({ resetForm: true }) };
}

type Key = Awaited<ReturnType<typeof loader>>["keys"][number];

export default function ApiKeys() {
  const { providerName, keys } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult: actionData && "result" in actionData ? actionData.result : undefined,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: createSchema }),
    shouldValidate: "onBlur",
  });
  return (
    <ProviderShell providerName={providerName}>
      <h1>API keys</h1>
      <p>
        Your booking or till system can use a key to work with Playpass directly. Give each system its own key, so you can revoke one without
        stopping the others. Send it as <code>Authorization: Bearer</code> followed by the key, to:
      </p>
      <ul>
        <li>
          <code>GET /api/v1/bookings?date=2026-11-23</code>: the day's bookings
        </li>
        <li>
          <code>POST /api/v1/redemptions</code>: redeem a booking code
        </li>
        <li>
          <code>POST /api/v1/attendance</code>: report who came
        </li>
      </ul>
      {actionData?.outcome === "created" ? (
        <Notice tone="success" title={`Key “${actionData.name}” created`}>
          <p>Copy it now and store it in your system's settings. For your safety we only keep a fingerprint of it, so we cannot show it again.</p>
          <p>
            <label htmlFor="new-key" className="field__label">
              Your new API key
            </label>
            <input id="new-key" className="input api-key__value" readOnly value={actionData.token} onFocus={(e) => e.currentTarget.select()} />
          </p>
        </Notice>
      ) : null}
      {actionData?.outcome === "revoked" ? (
        <Notice tone="success" title={`Key “${actionData.name}” revoked`}>
          Any system still using it is refused from now on.
        </Notice>
      ) : null}

      <h2>Create a key</h2>
      <ErrorSummary errors={(fields.name.errors ?? []).map((message) => ({ message, fieldId: fields.name.id }))} />
      <Form method="post" {...getFormProps(form)}>
        <Field
          label="Name"
          hint="The system that will use it, like “LeisureHub tills”."
          inputProps={{ ...getInputProps(fields.name, { type: "text" }), autoComplete: "off" }}
          errors={fields.name.errors}
        />
        <SubmitButton name="intent" value="create" pendingText="Creating…">
          Create key
        </SubmitButton>
      </Form>

      <h2>Your keys</h2>
      <DataTable
        caption="API keys"
        captionHidden
        columns={[
          { key: "name", header: "Name", cell: (k: Key) => k.name, rowHeader: true },
          { key: "prefix", header: "Starts with", cell: (k: Key) => <code>pp_live_{k.prefix}_…</code> },
          { key: "created", header: "Created", cell: (k: Key) => formatDateTime(k.createdAt) },
          { key: "used", header: "Last used", cell: (k: Key) => (k.lastUsedAt ? formatDateTime(k.lastUsedAt) : "Never") },
          {
            key: "state",
            header: "Status",
            cell: (k: Key) =>
              k.revokedAt ? (
                `Revoked ${formatDateTime(k.revokedAt)}`
              ) : (
                <Form method="post">
                  <input type="hidden" name="keyId" value={k.id} />
                  <SubmitButton name="intent" value="revoke" variant="secondary" pendingText="Revoking…" aria-label={`Revoke ${k.name}`}>
                    Revoke
                  </SubmitButton>
                </Form>
              ),
          },
        ]}
        rows={keys}
        rowKey={(k) => k.id}
        empty="No keys yet."
      />
    </ProviderShell>
  );
}
