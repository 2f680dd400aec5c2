// One session's register, laid out to print (the print stylesheet drops the navigation and buttons).
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { useEffect, useState } from "react";
import { z } from "zod";
import { isDomainError } from "~/domain/errors";
import { londonDay, markMissed, slotRegister } from "~/domain/providers/register";
import { requireProviderStaff } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { Notice } from "~/ui/notice";
import { RegisterTable } from "~/ui/register-table";
import { ProviderShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Register – Playpass" }];

const missedSchema = z.object({ intent: z.literal("missed"), bookingId: z.string().uuid() });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { providerId } = await requireProviderStaff(request, ["PROVIDER_MANAGER"]);
  if (!z.string().uuid().safeParse(params.slotId).success) throw data({ message: "We could not find that session." }, { status: 404 });
  try {
    const [provider, slot] = await Promise.all([
      getDb().provider.findUniqueOrThrow({ where: { id: providerId }, select: { name: true } }),
      slotRegister(getDb(), { providerId, slotId: params.slotId! }),
    ]);
    return { providerName: provider.name, slot, day: londonDay(slot.startsAt) };
  } catch (error) {
    if (isDomainError(error, "NOT_FOUND")) throw data({ message: error.message }, { status: 404 });
    throw error;
  }
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { providerId } = await requireProviderStaff(request, ["PROVIDER_MANAGER"]);
  const parsed = missedSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) return data({ error: "Choose a booking to mark as missed.", marked: null }, { status: 400 });
  if (!z.string().uuid().safeParse(params.slotId).success) return data({ error: "We could not find that session.", marked: null }, { status: 404 });
  try {
    // Only a booking on this session, of this provider.
    const slot = await slotRegister(getDb(), { providerId, slotId: params.slotId ?? "" });
    if (!slot.people.some((p) => p.bookingId === parsed.data.bookingId)) {
      return data({ error: "That booking is not on this register.", marked: null }, { status: 404 });
    }
    const result = await markMissed(getDb(), { providerId, bookingId: parsed.data.bookingId });
    return { error: null, marked: result.changed ? "Marked as missed." : "That booking had already ended; nothing changed." };
  } catch (error) {
    if (isDomainError(error)) return data({ error: error.message, marked: null }, { status: error.code === "NOT_FOUND" ? 404 : 409 });
    throw error;
  }
}

function PrintButton() {
  const [ready, setReady] = useState(false);
  useEffect(() => setReady(true), []);
  if (!ready) return <p className="hint register__no-print">Use your browser's Print command to print this register.</p>;
  return (
    <button type="button" className="button register__no-print" onClick={() => window.print()}>
      Print the register
    </button>
  );
}

export default function SlotRegisterPage() {
  const { providerName, slot, day } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <ProviderShell providerName={providerName}>
      <p className="register__no-print">
        <Link to={`/provider/bookings?day=${day}`}>Back to the day's bookings</Link>
      </p>
      {actionData?.marked ? <Notice tone="success">{actionData.marked}</Notice> : null}
      {actionData?.error ? <Notice tone="error" title="Not marked">{actionData.error}</Notice> : null}
      <section className="register register--print">
        <p className="register__provider">{providerName}</p>
        <RegisterTable slot={slot} headingId="register-title" headingLevel={1} />
      </section>
      <PrintButton />
    </ProviderShell>
  );
}
