// Provider portal home: today's sessions with how many are booked and have come, door mode one tap away,
// and what the provider has earned. Door staff go straight to the door: it is the only page they can use.
import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { Link, useLoaderData } from "@remix-run/react";
import { earningsSummary } from "~/domain/providers/earnings";
import { dayRegister, londonDay } from "~/domain/providers/register";
import { requireProviderStaff } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { DataTable, SummaryList } from "~/ui/data-table";
import { formatDate, formatTime } from "~/ui/dates";
import { Money } from "~/ui/money";
import { ProviderShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Provider portal – Playpass" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { providerId, role } = await requireProviderStaff(request);
  if (role === "DOOR_STAFF") throw redirect("/provider/door");
  const day = londonDay(new Date());
  const [provider, today, earnings] = await Promise.all([
    getDb().provider.findUniqueOrThrow({ where: { id: providerId }, select: { name: true } }),
    dayRegister(getDb(), { providerId, day }),
    earningsSummary(getDb(), { providerId }),
  ]);
  return {
    providerName: provider.name,
    day,
    slots: today.slots.map((s) => ({
      id: s.id,
      title: s.title,
      startsAt: s.startsAt.toISOString(),
      endsAt: s.endsAt.toISOString(),
      capacity: s.capacity,
      cancelled: s.cancelled,
      ...s.counts,
    })),
    earnings,
  };
}

type Slot = Awaited<ReturnType<typeof loader>>["slots"][number];

export default function ProviderHome() {
  const { providerName, day, slots, earnings } = useLoaderData<typeof loader>();
  return (
    <ProviderShell providerName={providerName}>
      <h1>Today</h1>
      <p className="lede">{formatDate(`${day}T12:00:00Z`)}</p>
      <p>
        <Link className="button button--huge provider-home__door" to="/provider/door">
          Open door mode
        </Link>
      </p>
      <h2>Today's sessions</h2>
      <DataTable
        caption="Today's sessions"
        captionHidden
        columns={[
          { key: "when", header: "Time", cell: (slot: Slot) => `${formatTime(slot.startsAt)}–${formatTime(slot.endsAt)}` },
          {
            key: "activity",
            header: "Activity",
            rowHeader: true,
            cell: (slot: Slot) => (
              <Link to={`/provider/bookings/${slot.id}`}>
                {slot.title}
                {slot.cancelled ? " (cancelled)" : ""}
              </Link>
            ),
          },
          { key: "booked", header: "Booked", cell: (slot: Slot) => `${slot.booked} of ${slot.capacity}`, numeric: true },
          { key: "came", header: "Came", cell: (slot: Slot) => slot.came, numeric: true },
          { key: "waiting", header: "Not yet arrived", cell: (slot: Slot) => slot.waiting, numeric: true },
        ]}
        rows={slots}
        rowKey={(slot) => slot.id}
        empty="No sessions today."
      />
      <p>
        <Link to="/provider/bookings">All bookings and registers</Link>
      </p>
      <h2>Earnings</h2>
      <SummaryList
        rows={[
          { key: "checking", label: "Redeemed, in the checking period", value: <Money pence={earnings.checkingPence} />, numeric: true },
          { key: "ready", label: "Waiting for the next payout", value: <Money pence={earnings.readyPence + earnings.payingPence} />, numeric: true },
          { key: "paid", label: "Paid to you", value: <Money pence={earnings.paidPence} />, numeric: true },
        ]}
      />
      <p>
        <Link to="/provider/earnings">Payouts and statements</Link>
      </p>
    </ProviderShell>
  );
}
