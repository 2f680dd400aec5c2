// Door mode: one big input and one big button. Type (or scan) a booking code and redeem it.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { z } from "zod";
import { redeemBooking } from "~/domain/booking";
import { isDomainError } from "~/domain/errors";
import { requireProviderStaff } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { consume, RateLimited } from "~/lib/rate-limit.server";
import { formatDateTime, formatTime } from "~/ui/dates";
import { Notice } from "~/ui/notice";
import { ProviderShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Door mode – Playpass" }];

const schema = z.object({ code: z.string().trim().min(1, "Type the code on the young person's screen.").max(40, "That is too long to be a booking code.") });

export async function loader({ request }: LoaderFunctionArgs) {
  const { providerId } = await requireProviderStaff(request);
  const provider = await getDb().provider.findUniqueOrThrow({ where: { id: providerId }, select: { name: true } });
  return { providerName: provider.name };
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor, providerId } = await requireProviderStaff(request);
  const parsed = schema.safeParse(Object.fromEntries(await request.formData()));
  if (!parsed.success) return data({ ok: false as const, error: parsed.error.issues[0]!.message }, { status: 400 });
  try {
    await consume([["redeemPerUser", actor.userId]]);
    const result = await redeemBooking(getDb(), {
      code: parsed.data.code,
      providerId,
      actor: { userId: actor.userId, name: actor.displayName },
    });
    return {
      ok: true as const,
      result: { ...result, redeemedAt: result.redeemedAt.toISOString(), slotStartsAt: result.slotStartsAt.toISOString() },
    };
  } catch (error) {
    if (error instanceof RateLimited) return data({ ok: false as const, error: error.message }, { status: 429 });
    if (isDomainError(error)) return data({ ok: false as const, error: error.message }, { status: 409 });
    throw error;
  }
}

export default function DoorMode() {
  const { providerName } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <ProviderShell providerName={providerName}>
      <h1>Door</h1>
      {actionData?.ok && actionData.result.outcome === "REDEEMED" ? (
        <Notice tone="success" title={`Welcome, ${actionData.result.firstName}`}>
          {actionData.result.activityTitle}, {formatDateTime(actionData.result.slotStartsAt)}. Age {actionData.result.ageBand}. Redeemed.
        </Notice>
      ) : null}
      {actionData?.ok && actionData.result.outcome === "ALREADY_REDEEMED" ? (
        <Notice tone="warning" title="Already used">
          This booking was redeemed at {formatTime(actionData.result.redeemedAt)} by {actionData.result.redeemedByName}.
        </Notice>
      ) : null}
      {actionData && !actionData.ok ? (
        <Notice tone="error" title="Not accepted">
          {actionData.error}
        </Notice>
      ) : null}
      <Form method="post" className="door-form">
        <label htmlFor="code" className="door-form__label">
          Booking code
        </label>
        <input
          id="code"
          name="code"
          className="door-form__input"
          autoComplete="off"
          autoCapitalize="characters"
          spellCheck={false}
          autoFocus
          required
          aria-describedby="code-hint"
        />
        <p id="code-hint" className="hint">
          8 letters and numbers, like 7K3M-Q9TX.
        </p>
        <button type="submit" className="button button--huge">
          Redeem
        </button>
      </Form>
    </ProviderShell>
  );
}
