// Messages to people (SMS or email). Written to the Message table inside the caller's transaction,
// so a message is never lost between a commit and a send; the sender delivers them.
import type { DbTx } from "~/lib/db.server";
import type { MessageChannel } from "~/generated/prisma/enums";

export type Contact = { email?: string | null; phone?: string | null };

export type OutgoingMessage = {
  template: string;
  subject: string;
  body: string;
  /** Blank the body once sent: for messages that carry codes. */
  sensitive?: boolean;
  /** A business key for a message that must go out at most once; a second message with it is not queued. */
  dedupeKey?: string;
};

/** Email when we have it, otherwise SMS; null when the person gave neither. */
export function preferredChannel(contact: Contact): { channel: MessageChannel; recipient: string } | null {
  if (contact.email) return { channel: "EMAIL", recipient: contact.email };
  if (contact.phone) return { channel: "SMS", recipient: contact.phone };
  return null;
}

/**
 * Queues a message in the outbox table; returns its id, or null when there is no way to reach the
 * person or a message with the same dedupeKey is already queued (ON CONFLICT DO NOTHING: concurrent
 * callers wait on each other's insert instead of failing their transaction).
 */
export async function queueMessage(tx: DbTx, contact: Contact, message: OutgoingMessage): Promise<string | null> {
  const route = preferredChannel(contact);
  if (!route) return null;
  const data = {
    channel: route.channel,
    recipient: route.recipient,
    template: message.template,
    subject: message.subject,
    body: message.body,
    redactAfterSend: message.sensitive ?? false,
  };
  if (message.dedupeKey === undefined) {
    const row = await tx.message.create({ data, select: { id: true } });
    return row.id;
  }
  const [row] = await tx.message.createManyAndReturn({
    data: [{ ...data, dedupeKey: message.dedupeKey }],
    skipDuplicates: true,
    select: { id: true },
  });
  return row?.id ?? null;
}
