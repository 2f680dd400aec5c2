// Provider portal home: the coming week's sessions, how full they are, and how many came.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { providerSchedule } from "~/domain/providers/schedule";
import { requireProviderStaff } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { formatDateTime, formatTime } from "~/ui/dates";
import { ProviderShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Provider portal – Playpass" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { providerId, role } = await requireProviderStaff(request);
  const today = new Date();
  today.setHours(0, 0, 0, 0);
  const schedule = await providerSchedule(getDb(), { providerId, from: today, days: 7 });
  return { ...schedule, role };
}

export default function ProviderHome() {
  const { providerName, slots } = useLoaderData<typeof loader>();
  return (
    <ProviderShell providerName={providerName}>
      <h1>This week</h1>
      <p>
        <Link className="button" to="/provider/door">
          Open door mode
        </Link>
      </p>
      {slots.length === 0 ? <p>No sessions in the next 7 days.</p> : null}
      <table className="table">
        <caption className="visually-hidden">Sessions in the next 7 days</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Activity</th>
            <th scope="col" className="numeric">
              Booked
            </th>
            <th scope="col" className="numeric">
              Arrived
            </th>
          </tr>
        </thead>
        <tbody>
          {slots.map((slot) => (
            <tr key={slot.id}>
              <td>
                {formatDateTime(slot.startsAt)}–{formatTime(slot.endsAt)}
              </td>
              <td>
                {slot.title}
                {slot.cancelled ? " (cancelled)" : ""}
              </td>
              <td className="numeric">
                {slot.booked} of {slot.capacity}
              </td>
              <td className="numeric">{slot.redeemed}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </ProviderShell>
  );
}
