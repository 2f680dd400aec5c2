// A provider's bookings on one Europe/London day, as its own systems need them to check people in and report back.
import { TZDate } from "@date-fns/tz";
import { addDays, startOfDay } from "date-fns";
import type { DbTx } from "~/lib/db.server";

/** The first and last moment of a Europe/London calendar day ("2026-11-23"), whatever the clocks did. */
function londonDay(day: string) {
  const [y, m, d] = day.split("-").map(Number) as [number, number, number];
  const from = startOfDay(new TZDate(y, m - 1, d, "Europe/London"));
  return { from: new Date(from.getTime()), until: new Date(addDays(from, 1).getTime()) };
}

/** Every booking on this provider's sessions that start that day: first name and initial only, never contact details. */
export async function providerBookingsOn(db: DbTx, input: { providerId: string; day: string }) {
  const { from, until } = londonDay(input.day);
  const bookings = await db.booking.findMany({
    where: { slot: { startsAt: { gte: from, lt: until }, activity: { providerId: input.providerId } } },
    orderBy: [{ slot: { startsAt: "asc" } }, { code: "asc" }],
    select: {
      code: true,
      status: true,
      pricePence: true,
      youngPerson: { select: { firstName: true, lastName: true } },
      slot: { select: { id: true, startsAt: true, endsAt: true, status: true, activity: { select: { id: true, title: true } } } },
      redemption: { select: { redeemedAt: true, redeemedByName: true } },
    },
  });
  return bookings.map((b) => ({
    code: b.code,
    status: b.status,
    pricePence: b.pricePence,
    name: `${b.youngPerson.firstName} ${b.youngPerson.lastName.trim().charAt(0).toUpperCase()}.`.replace(/ \.$/, ""),
    activity: { id: b.slot.activity.id, title: b.slot.activity.title },
    slot: { id: b.slot.id, startsAt: b.slot.startsAt.toISOString(), endsAt: b.slot.endsAt.toISOString(), cancelled: b.slot.status === "CANCELLED" },
    redeemedAt: b.redemption?.redeemedAt.toISOString() ?? null,
    redeemedBy: b.redemption?.redeemedByName ?? null,
  }));
}
