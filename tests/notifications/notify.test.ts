// Delivery through GOV.UK Notify (impersonated by tests/mocks/notify.ts at the HTTP boundary).
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { queueMessage, type Contact, type OutgoingMessage } from "~/domain/notifications/messages";
import { deliverMessage } from "~/domain/notifications/send";
import { failNextNotify, notifySent } from "../mocks/notify";
import { uniqueSuffix } from "../factories";
import { useNotifyKeys } from "../support/notify-keys";

const db = () => getDb();

const NOTIFY = useNotifyKeys();

async function outboxMessage(contact: Contact, message: Partial<OutgoingMessage> = {}) {
  const id = await queueMessage(db(), contact, {
    template: "test",
    subject: "Your Playpass",
    body: `Hello ${uniqueSuffix()}.`,
    ...message,
  });
  return db().message.findUniqueOrThrow({ where: { id: id! } });
}

const someEmail = () => `young-${uniqueSuffix()}@example.test`;

describe("delivering a message through Notify", () => {
  it("sends an email with our message id as its reference and marks it SENT with Notify's id", async () => {
    const message = await outboxMessage({ email: someEmail() }, { subject: "Booked", body: "See you at the pool." });
    await expect(deliverMessage(db(), message.id)).resolves.toBe("SENT");

    expect(notifySent).toHaveLength(1);
    const sent = notifySent[0]!;
    expect(sent).toMatchObject({
      channel: "EMAIL",
      to: message.recipient,
      templateId: NOTIFY.NOTIFY_EMAIL_TEMPLATE_ID,
      reference: message.id,
      personalisation: { subject: "Booked", body: "See you at the pool." },
    });
    const stored = await db().message.findUniqueOrThrow({ where: { id: message.id } });
    expect(stored).toMatchObject({ status: "SENT", notifyId: sent.id, body: "See you at the pool.", failureReason: null });
    expect(stored.sentAt).toBeInstanceOf(Date);
  });

  it("sends an SMS with the SMS template when the person has only a mobile number", async () => {
    const message = await outboxMessage({ phone: "+447700900123" });
    await expect(deliverMessage(db(), message.id)).resolves.toBe("SENT");
    expect(notifySent).toEqual([expect.objectContaining({ channel: "SMS", to: "+447700900123", templateId: NOTIFY.NOTIFY_SMS_TEMPLATE_ID, reference: message.id })]);
  });

  it("blanks the body of a sensitive message (a code) once Notify has it", async () => {
    const code = "482913";
    const message = await outboxMessage({ email: someEmail() }, { template: "sign-in-code", body: `${code} is your Playpass code.`, sensitive: true });
    await expect(deliverMessage(db(), message.id)).resolves.toBe("SENT");

    expect(notifySent[0]!.personalisation.body).toContain(code);
    const stored = await db().message.findUniqueOrThrow({ where: { id: message.id } });
    expect(stored.status).toBe("SENT");
    expect(stored.body).not.toContain(code);
    expect(stored.body).toBe("[sent; not kept]");
  });

  it("sends a message once: a second delivery (a retried job) is a no-op", async () => {
    const message = await outboxMessage({ email: someEmail() });
    await deliverMessage(db(), message.id);
    await expect(deliverMessage(db(), message.id)).resolves.toBe("ALREADY_DONE");
    expect(notifySent).toHaveLength(1);
  });

  it("a Notify 400 marks the message FAILED with the reason, and does not retry", async () => {
    const message = await outboxMessage({ email: someEmail() });
    failNextNotify(400);
    // Resolving (not throwing) is what keeps BullMQ from retrying the job.
    await expect(deliverMessage(db(), message.id)).resolves.toBe("ALREADY_DONE");
    const stored = await db().message.findUniqueOrThrow({ where: { id: message.id } });
    expect(stored).toMatchObject({ status: "FAILED", failureReason: expect.stringContaining("400"), notifyId: null });
    expect(notifySent).toHaveLength(0);

    await expect(deliverMessage(db(), message.id)).resolves.toBe("ALREADY_DONE");
    expect(notifySent).toHaveLength(0);
  });

  it("a Notify 500 throws so BullMQ retries, leaves the message PENDING, and the retry sends it", async () => {
    const message = await outboxMessage({ email: someEmail() });
    failNextNotify(500);
    await expect(deliverMessage(db(), message.id)).rejects.toThrow();
    expect(await db().message.findUniqueOrThrow({ where: { id: message.id } })).toMatchObject({ status: "PENDING", notifyId: null, failureReason: null });
    expect(notifySent).toHaveLength(0);

    await expect(deliverMessage(db(), message.id)).resolves.toBe("SENT");
    expect(notifySent).toEqual([expect.objectContaining({ reference: message.id })]);
  });

  it("a Notify 429 (rate limited) throws so BullMQ retries later, and leaves the message PENDING", async () => {
    const message = await outboxMessage({ email: someEmail() });
    failNextNotify(429);
    await expect(deliverMessage(db(), message.id)).rejects.toThrow();
    expect((await db().message.findUniqueOrThrow({ where: { id: message.id } })).status).toBe("PENDING");
  });
});
