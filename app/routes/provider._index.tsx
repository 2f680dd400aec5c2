// Provider portal home: the coming week's sessions, how full they are, and how many came.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { providerSchedule } from "~/domain/providers/schedule";
import { requireProviderStaff } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { DataTable } from "~/ui/data-table";
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

type Slot = Awaited<ReturnType<typeof providerSchedule>>["slots"][number];

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
      <DataTable
        caption="Sessions in the next 7 days"
        captionHidden
        columns={[
          { key: "when", header: "When", cell: (slot: Slot) => `${formatDateTime(slot.startsAt)}–${formatTime(slot.endsAt)}` },
          { key: "activity", header: "Activity", cell: (slot: Slot) => `${slot.title}${slot.cancelled ? " (cancelled)" : ""}`, rowHeader: true },
          { key: "booked", header: "Booked", cell: (slot: Slot) => `${slot.booked} of ${slot.capacity}`, numeric: true },
          { key: "arrived", header: "Arrived", cell: (slot: Slot) => slot.redeemed, numeric: true },
        ]}
        rows={slots}
        rowKey={(slot) => slot.id}
        empty="No sessions in the next 7 days."
      />
    </ProviderShell>
  );
}
