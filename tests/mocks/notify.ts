// A fake GOV.UK Notify: accepts SMS and email the way the v2 API does and keeps what was "sent"
// in notifySent, so tests read messages (and codes) from there. resetFakeNotify() runs before each test.
import { randomUUID } from "node:crypto";
import { http, HttpResponse } from "msw";

const API = "https://api.notifications.service.gov.uk";

export type SentNotification = {
  id: string;
  channel: "SMS" | "EMAIL";
  /** The phone number or email address it went to. */
  to: string;
  templateId: string;
  personalisation: Record<string, string>;
  reference: string | null;
  sentAt: Date;
};

export const notifySent: SentNotification[] = [];

/** Statuses the next sends answer with instead of 201, in order (e.g. 400, 429, 500). */
const failures: number[] = [];

export function resetFakeNotify() {
  notifySent.length = 0;
  failures.length = 0;
}

export function failNextNotify(...statuses: number[]) {
  failures.push(...statuses);
}

/** Messages sent to one phone number or email address, oldest first. */
export function notificationsTo(recipient: string): SentNotification[] {
  return notifySent.filter((n) => n.to === recipient);
}

export const notifyHandlers = [
  http.post(`${API}/v2/notifications/sms`, ({ request }) => send(request, "SMS")),
  http.post(`${API}/v2/notifications/email`, ({ request }) => send(request, "EMAIL")),
];

async function send(request: Request, channel: SentNotification["channel"]) {
  // The client signs a short-lived JWT with the key; a missing one is a 403 in Notify.
  if (!/^Bearer \S+\.\S+\.\S+$/.test(request.headers.get("Authorization") ?? "")) {
    return notifyError(403, "AuthError", "Invalid token: API key not found");
  }
  const failure = failures.shift();
  if (failure !== undefined) {
    return notifyError(failure, failure === 429 ? "RateLimitError" : failure >= 500 ? "Exception" : "BadRequestError", `Fake Notify failure ${failure}`);
  }
  const body = (await request.json()) as Record<string, unknown>;
  const to = String((channel === "SMS" ? body.phone_number : body.email_address) ?? "");
  const templateId = String(body.template_id ?? "");
  if (!to) return notifyError(400, "ValidationError", `${channel === "SMS" ? "phone_number" : "email_address"} is a required property`);
  if (!/^[0-9a-f-]{36}$/.test(templateId)) return notifyError(400, "ValidationError", "template_id is not a valid UUID");
  const personalisation = (body.personalisation ?? {}) as Record<string, string>;
  const sent: SentNotification = {
    id: randomUUID(),
    channel,
    to,
    templateId,
    personalisation,
    reference: typeof body.reference === "string" ? body.reference : null,
    sentAt: new Date(),
  };
  notifySent.push(sent);
  const content =
    channel === "SMS"
      ? { body: personalisation.body ?? "", from_number: "Playpass" }
      : { body: personalisation.body ?? "", subject: personalisation.subject ?? "", from_email: "playpass@notifications.service.gov.uk" };
  return HttpResponse.json(
    {
      id: sent.id,
      reference: sent.reference,
      content,
      uri: `${API}/v2/notifications/${sent.id}`,
      template: { id: templateId, version: 1, uri: `${API}/v2/template/${templateId}` },
    },
    { status: 201 },
  );
}

function notifyError(status: number, error: string, message: string) {
  return HttpResponse.json({ status_code: status, errors: [{ error, message }] }, { status });
}
