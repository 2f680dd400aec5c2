// Bookings by day: each session's register with first name and initial, who came, and marking no-shows after it.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { addDays, parseISO, format } from "date-fns";
import { z } from "zod";
import { isDomainError } from "~/domain/errors";
import { dayRegister, londonDay, markMissed } from "~/domain/providers/register";
import { requireProviderStaff } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { formatDate } from "~/ui/dates";
import { Notice } from "~/ui/notice";
import { RegisterTable } from "~/ui/register-table";
import { ProviderShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Bookings – Playpass" }];

const daySchema = z.string().regex(/^\d{4}-\d{2}-\d{2}$/).refine((d) => !Number.isNaN(parseISO(d).getTime()));
const missedSchema = z.object({ intent: z.literal("missed"), bookingId: z.string().uuid("Choose a booking.") });

export async function loader({ request }: LoaderFunctionArgs) {
  const { providerId } = await requireProviderStaff(request, ["PROVIDER_MANAGER"]);
  const asked = new URL(request.url).searchParams.get("day");
  const day = asked && daySchema.safeParse(asked).success ? asked : londonDay(new Date());
  const [provider, register] = await Promise.all([
    getDb().provider.findUniqueOrThrow({ where: { id: providerId }, select: { name: true } }),
    dayRegister(getDb(), { providerId, day }),
  ]);
  const shift = (days: number) => format(addDays(parseISO(day), days), "yyyy-MM-dd");
  return { providerName: provider.name, ...register, previousDay: shift(-1), nextDay: shift(1), today: londonDay(new Date()) };
}

export async function action({ request }: ActionFunctionArgs) {
  const { providerId } = await requireProviderStaff(request, ["PROVIDER_MANAGER"]);
  const parsed = missedSchema.safeParse(Object.fromEntries(await readForm(request)));
  if (!parsed.success) return data({ error: "Choose a booking to mark as missed.", marked: null }, { status: 400 });
  try {
    const result = await markMissed(getDb(), { providerId, bookingId: parsed.data.bookingId });
    return { error: null, marked: result.changed ? "Marked as missed." : "That booking had already ended; nothing changed." };
  } catch (error) {
    if (isDomainError(error)) return data({ error: error.message, marked: null }, { status: error.code === "NOT_FOUND" ? 404 : 409 });
    throw error;
  }
}

export default function Bookings() {
  const { providerName, day, slots, previousDay, nextDay, today } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <ProviderShell providerName={providerName}>
      <h1>Bookings on {formatDate(`${day}T12:00:00Z`)}</h1>
      <nav aria-label="Days" className="day-pager">
        <Link to={`?day=${previousDay}`} className="button button--secondary">
          Previous day
        </Link>
        {day !== today ? (
          <Link to="?" className="button button--secondary">
            Today
          </Link>
        ) : null}
        <Link to={`?day=${nextDay}`} className="button button--secondary">
          Next day
        </Link>
        <Form method="get" className="day-pager__pick">
          <label htmlFor="day" className="field__label">
            Go to a date
          </label>
          <input id="day" name="day" type="date" className="input" defaultValue={day} />
          <button type="submit" className="button button--secondary">
            Show
          </button>
        </Form>
      </nav>
      {actionData?.marked ? <Notice tone="success">{actionData.marked}</Notice> : null}
      {actionData?.error ? <Notice tone="error" title="Not marked">{actionData.error}</Notice> : null}
      {slots.length === 0 ? <p className="table-empty">No sessions on this day.</p> : null}
      {slots.map((slot) => (
        <section key={slot.id} className="register" aria-labelledby={`slot-${slot.id}`}>
          <RegisterTable slot={slot} headingId={`slot-${slot.id}`} headingLevel={2} />
          <p className="register__links">
            <Link to={`/provider/bookings/${slot.id}`}>
              Printable register<span className="visually-hidden"> for {slot.title}</span>
            </Link>
          </p>
        </section>
      ))}
    </ProviderShell>
  );
}
