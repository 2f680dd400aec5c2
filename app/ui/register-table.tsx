// A session's register: who is booked (first name and initial), who came, and a no-show button once it may be used.
import { Form } from "@remix-run/react";
import { formatDateTime, formatTime } from "./dates";
import { DataTable } from "./data-table";
import { SubmitButton } from "./forms";

type When = string | Date;

export type RegisterPerson = {
  bookingId: string;
  name: string;
  ageBand: string;
  status: "BOOKED" | "CAME" | "MISSED" | "CANCELLED";
  redeemedAt: When | null;
  redeemedByName: string | null;
  canMarkMissed: boolean;
};

export type RegisterSlot = {
  id: string;
  title: string;
  venue: string;
  startsAt: When;
  endsAt: When;
  capacity: number;
  cancelled: boolean;
  counts: { booked: number; came: number; missed: number; waiting: number };
  people: RegisterPerson[];
};

const STATUS_WORDS: Record<RegisterPerson["status"], string> = {
  BOOKED: "Booked",
  CAME: "Came",
  MISSED: "Missed",
  CANCELLED: "Cancelled",
};

export function RegisterTable({ slot, headingId, headingLevel = 2 }: { slot: RegisterSlot; headingId: string; headingLevel?: 1 | 2 }) {
  const Heading = headingLevel === 1 ? "h1" : "h2";
  return (
    <>
      <Heading id={headingId} className="register__title">
        {formatDateTime(slot.startsAt)}–{formatTime(slot.endsAt)} {slot.title}
        {slot.cancelled ? " (cancelled)" : ""}
      </Heading>
      <p className="register__counts">
        {slot.venue}. {slot.counts.booked} booked of {slot.capacity} places · {slot.counts.came} came · {slot.counts.missed} missed ·{" "}
        {slot.counts.waiting} not yet arrived
      </p>
      <DataTable
        caption={`Register for ${slot.title}`}
        captionHidden
        columns={[
          { key: "name", header: "Name", cell: (p: RegisterPerson) => p.name, rowHeader: true },
          { key: "age", header: "Age", cell: (p: RegisterPerson) => p.ageBand },
          {
            key: "status",
            header: "Attendance",
            cell: (p: RegisterPerson) => (
              <span className={`status-tag register__status register__status--${p.status.toLowerCase()}`}>{STATUS_WORDS[p.status]}</span>
            ),
          },
          {
            key: "when",
            header: "Arrived",
            cell: (p: RegisterPerson) => (p.redeemedAt ? `${formatTime(p.redeemedAt)} (${p.redeemedByName})` : ""),
          },
          { key: "tick", header: <span className="register__print-only">Tick</span>, cell: () => <span className="register__tick" aria-hidden="true" /> },
          {
            key: "action",
            header: <span className="visually-hidden">Actions</span>,
            cell: (p: RegisterPerson) =>
              p.canMarkMissed ? (
                <Form method="post" className="register__action">
                  <input type="hidden" name="intent" value="missed" />
                  <SubmitButton variant="secondary" name="bookingId" value={p.bookingId}>
                    Mark missed<span className="visually-hidden"> for {p.name}</span>
                  </SubmitButton>
                </Form>
              ) : null,
          },
        ]}
        rows={slot.people}
        rowKey={(p) => p.bookingId}
        empty="Nobody has booked this session."
      />
    </>
  );
}
