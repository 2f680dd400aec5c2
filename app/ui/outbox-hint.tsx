// In development, codes are not sent: this points to where they can be read instead.
import { Link } from "@remix-run/react";

export function OutboxHint({ show }: { show: boolean }) {
  if (!show) return null;
  return (
    <p>
      Development: messages are not sent. Read the code in the <Link to="/dev/outbox">outbox</Link>.
    </p>
  );
}
