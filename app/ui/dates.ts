// Dates and times as people in the UK read them: en-GB wording, always Europe/London time,
// so the server and the browser render the same text.

const zone = "Europe/London";

const dateTimeFormat = new Intl.DateTimeFormat("en-GB", {
  weekday: "short",
  day: "numeric",
  month: "short",
  hour: "2-digit",
  minute: "2-digit",
  hourCycle: "h23",
  timeZone: zone,
});
const dateFormat = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: zone });
const timeFormat = new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone: zone });

function toDate(value: string | Date): Date | null {
  const date = typeof value === "string" ? new Date(value) : value;
  return Number.isNaN(date.getTime()) ? null : date;
}

// An unreadable date shows as given rather than crashing the whole page.
function format(formatter: Intl.DateTimeFormat, value: string | Date): string {
  const date = toDate(value);
  return date ? formatter.format(date) : String(value);
}

/** "Sat 28 Nov, 10:00" */
export function formatDateTime(value: string | Date): string {
  return format(dateTimeFormat, value);
}

/** "28 November 2025" */
export function formatDate(value: string | Date): string {
  return format(dateFormat, value);
}

/** "10:00" (24-hour clock) */
export function formatTime(value: string | Date): string {
  return format(timeFormat, value);
}

/** The machine-readable value for a <time dateTime> attribute. */
export function isoDateTime(value: string | Date): string | undefined {
  return toDate(value)?.toISOString();
}
