// Team: the people who can sign in for this provider, invitations waiting, and inviting or removing someone.
import { getFormProps, getInputProps, getSelectProps, useForm } from "@conform-to/react";
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { isDomainError } from "~/domain/errors";
import { inviteStaff, providerTeam, removeTeamMember, withdrawStaffInvitation } from "~/domain/providers/team";
import { deliverMessage } from "~/domain/notifications/send";
import { requireProviderStaff } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { DataTable } from "~/ui/data-table";
import { formatDate } from "~/ui/dates";
import { ErrorSummary, Field, SelectField, SubmitButton } from "~/ui/forms";
import { Notice } from "~/ui/notice";
import { ProviderShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Team – Playpass" }];

const inviteSchema = z.object({
  intent: z.literal("invite"),
  email: z
    .string({ error: "Enter their email address." })
    .trim()
    .max(254, "That is too long for an email address.")
    .email("Enter an email address like name@example.com."),
  // The same two roles as TEAM_ROLES in the domain, written out so the browser bundle needs no server code.
  role: z.enum(["PROVIDER_MANAGER", "DOOR_STAFF"], { error: "Choose what they can do." }),
});
const removeSchema = z.object({ intent: z.literal("remove"), membershipId: z.string().uuid() });
const withdrawSchema = z.object({ intent: z.literal("withdraw"), invitationId: z.string().uuid() });

export async function loader({ request }: LoaderFunctionArgs) {
  const { providerId, actor } = await requireProviderStaff(request, ["PROVIDER_MANAGER"]);
  const team = await providerTeam(getDb(), { providerId });
  return {
    ...team,
    me: actor.userId,
    members: team.members.map((m) => ({ ...m, since: m.since.toISOString() })),
    invitations: team.invitations.map((i) => ({ ...i, expiresAt: i.expiresAt.toISOString(), createdAt: i.createdAt.toISOString() })),
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const { providerId, actor } = await requireProviderStaff(request, ["PROVIDER_MANAGER"]);
  const formData = await readForm(request);
  const intent = formData.get("intent");
  try {
    if (intent === "remove") {
      const parsed = removeSchema.safeParse(Object.fromEntries(formData));
      if (!parsed.success) return data({ notice: null, error: "Choose someone to remove.", invite: null }, { status: 400 });
      await removeTeamMember(getDb(), { providerId, membershipId: parsed.data.membershipId, actorUserId: actor.userId });
      return { notice: "They have been removed from the team and can no longer sign in for you.", error: null, invite: null };
    }
    if (intent === "withdraw") {
      const parsed = withdrawSchema.safeParse(Object.fromEntries(formData));
      if (!parsed.success) return data({ notice: null, error: "Choose an invitation to withdraw.", invite: null }, { status: 400 });
      await withdrawStaffInvitation(getDb(), { providerId, invitationId: parsed.data.invitationId, actorUserId: actor.userId });
      return { notice: "The invitation has been withdrawn. Its link no longer works.", error: null, invite: null };
    }
  } catch (error) {
    if (isDomainError(error)) return data({ notice: null, error: error.message, invite: null }, { status: 409 });
    throw error;
  }

  const submission = parseWithZod(formData, { schema: inviteSchema });
  if (submission.status !== "success") return data({ notice: null, error: null, invite: submission.reply() }, { status: 400 });
  try {
    const { messageId, invitation } = await inviteStaff(getDb(), {
      providerId,
      email: submission.value.email,
      role: submission.value.role,
      invitedBy: { userId: actor.userId, name: actor.displayName },
    });
    if (messageId) await deliverMessage(getDb(), messageId).catch(() => undefined); // the outbox sweeper retries
    return { notice: `We have emailed an invitation to ${invitation.email}. The link works for 7 days.`, error: null, invite: submission.reply({ resetForm: true }) };
  } catch (error) {
    if (!isDomainError(error)) throw error;
    const field = error.field === "role" ? "role" : "email";
    return data({ notice: null, error: null, invite: submission.reply({ fieldErrors: { [field]: [error.message] } }) }, { status: 409 });
  }
}

type Member = Awaited<ReturnType<typeof loader>>["members"][number];
type Invitation = Awaited<ReturnType<typeof loader>>["invitations"][number];

export default function Team() {
  const { providerName, members, invitations, me } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const [form, fields] = useForm({
    lastResult: actionData?.invite,
    onValidate: ({ formData }) => parseWithZod(formData, { schema: inviteSchema }),
    shouldValidate: "onBlur",
  });
  return (
    <ProviderShell providerName={providerName}>
      <h1>Team</h1>
      {actionData?.notice ? <Notice tone="success">{actionData.notice}</Notice> : null}
      {actionData?.error ? <Notice tone="error" title="Not done">{actionData.error}</Notice> : null}
      <DataTable
        caption="People who can sign in for your organisation"
        columns={[
          { key: "name", header: "Name", cell: (m: Member) => (m.userId === me ? `${m.name} (you)` : m.name), rowHeader: true },
          { key: "contact", header: "Signs in with", cell: (m: Member) => m.contact },
          { key: "role", header: "Role", cell: (m: Member) => m.roleName },
          { key: "since", header: "Since", cell: (m: Member) => formatDate(m.since) },
          {
            key: "remove",
            header: <span className="visually-hidden">Actions</span>,
            cell: (m: Member) => (
              <Form method="post">
                <input type="hidden" name="intent" value="remove" />
                <SubmitButton variant="secondary" name="membershipId" value={m.membershipId}>
                  Remove<span className="visually-hidden"> {m.name}</span>
                </SubmitButton>
              </Form>
            ),
          },
        ]}
        rows={members}
        rowKey={(m) => m.membershipId}
      />

      <h2>Invitations waiting</h2>
      <DataTable
        caption="Invitations not yet accepted"
        captionHidden
        columns={[
          { key: "email", header: "Email", cell: (i: Invitation) => i.email, rowHeader: true },
          { key: "role", header: "Role", cell: (i: Invitation) => i.roleName },
          { key: "expires", header: "Link works until", cell: (i: Invitation) => formatDate(i.expiresAt) },
          {
            key: "withdraw",
            header: <span className="visually-hidden">Actions</span>,
            cell: (i: Invitation) => (
              <Form method="post">
                <input type="hidden" name="intent" value="withdraw" />
                <SubmitButton variant="secondary" name="invitationId" value={i.id}>
                  Withdraw<span className="visually-hidden"> the invitation to {i.email}</span>
                </SubmitButton>
              </Form>
            ),
          },
        ]}
        rows={invitations}
        rowKey={(i) => i.id}
        empty="No invitations are waiting."
      />

      <h2>Invite someone</h2>
      <ErrorSummary
        errors={[
          ...(fields.email.errors ?? []).map((message) => ({ message, fieldId: fields.email.id })),
          ...(fields.role.errors ?? []).map((message) => ({ message, fieldId: fields.role.id })),
        ]}
      />
      <Form method="post" {...getFormProps(form)} className="team-invite">
        <input type="hidden" name="intent" value="invite" />
        <Field
          label="Email address"
          hint="They sign in with a code sent to this address."
          inputProps={{ ...getInputProps(fields.email, { type: "email" }), autoComplete: "off" }}
          errors={fields.email.errors}
        />
        <SelectField
          label="Role"
          hint="Door staff can only use door mode. Managers can do everything, including this page."
          selectProps={getSelectProps(fields.role)}
          errors={fields.role.errors}
          placeholder="Choose a role"
          options={[
            { value: "DOOR_STAFF", label: "Door staff" },
            { value: "PROVIDER_MANAGER", label: "Manager" },
          ]}
        />
        <SubmitButton>Send the invitation</SubmitButton>
      </Form>
    </ProviderShell>
  );
}
