// One booking as a calendar file (RFC 5545): the young person's own bookings only, anything else is not found.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { z } from "zod";
import { bookingForCalendar } from "~/domain/booking/queries";
import { requireYoungPerson } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { formatDateTime } from "~/ui/dates";

// A resource route answers with Responses only; a plain-text 404 says the same for someone else's booking as for none.
const notFound = () => new Response("We could not find that booking.", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { youngPerson } = await requireYoungPerson(request);
  const bookingId = z.string().uuid().safeParse(params.bookingId);
  if (!bookingId.success) throw notFound();
  const booking = await bookingForCalendar(getDb(), youngPerson.id, bookingId.data);
  if (!booking) throw notFound();

  const body = calendar([
    "BEGIN:VEVENT",
    `UID:booking-${booking.id}@playpass`,
    `DTSTAMP:${utc(new Date())}`,
    `DTSTART:${utc(booking.startsAt)}`,
    `DTEND:${utc(booking.endsAt)}`,
    `SUMMARY:${text(booking.title)}`,
    `LOCATION:${text(booking.location)}`,
    `DESCRIPTION:${text(
      `Booking code: ${booking.code}\nShow the QR code or read out the code at the door.\n${booking.title} with ${booking.providerName}, ${formatDateTime(booking.startsAt)}.`,
    )}`,
    `STATUS:${booking.cancelled ? "CANCELLED" : "CONFIRMED"}`,
    "END:VEVENT",
  ]);
  return new Response(body, {
    headers: {
      "Content-Type": "text/calendar; charset=utf-8",
      "Content-Disposition": `attachment; filename="playpass-${booking.code}.ics"`,
      // Personal: never kept by a shared cache.
      "Cache-Control": "private, no-store",
    },
  });
}

function calendar(event: string[]): string {
  const lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Playpass//Bookings//EN", "CALSCALE:GREGORIAN", "METHOD:PUBLISH", ...event, "END:VCALENDAR"];
  return lines.map(fold).join("\r\n") + "\r\n";
}

/** 20251128T100000Z: a UTC date-time (RFC 5545 3.3.5, form 2). */
function utc(date: Date): string {
  return date.toISOString().replace(/[-:]/g, "").replace(/\.\d{3}/, "");
}

/** A TEXT value (RFC 5545 3.3.11): backslashes, semicolons, commas and newlines escaped. */
function text(value: string): string {
  return value.replace(/\\/g, "\\\\").replace(/;/g, "\\;").replace(/,/g, "\\,").replace(/\r?\n/g, "\\n");
}

/** Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1), never inside a UTF-8 character. */
function fold(line: string): string {
  const encoder = new TextEncoder();
  const parts: string[] = [];
  let current = "";
  let octets = 0;
  for (const char of line) {
    const size = encoder.encode(char).length;
    // Continuation lines begin with the space, which counts towards their 75.
    if (octets + size > 75) {
      parts.push(current);
      current = " ";
      octets = 1;
    }
    current += char;
    octets += size;
  }
  parts.push(current);
  return parts.join("\r\n");
}
