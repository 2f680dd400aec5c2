// A fake GOV.UK Notify: accepts SMS and email the way the v2 API does and keeps what was "sent"
// in notifySent, so tests read messages (and codes) from there. resetFakeNotify() runs before each test.
import { randomUUID } from "node:crypto";
import { delay, http, HttpResponse } from "msw";

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

/**
 * What the next sends do instead of a prompt 201, in order: a status (e.g. 400, 429, 500); "lost" accepts the
 * message and drops the connection before answering; "slow" accepts it and answers after 1.5 s.
 */
export type NotifyFailure = number | "lost" | "slow";
const failures: NotifyFailure[] = [];

export function resetFakeNotify() {
  notifySent.length = 0;
  failures.length = 0;
}

export function failNextNotify(...statuses: NotifyFailure[]) {
  failures.push(...statuses);
}

/** Messages sent to one phone number or email address, oldest first. */
export function notificationsTo(recipient: string): SentNotification[] {
  return notifySent.filter((n) => n.to === recipient);
}

export const notifyHandlers = [
  http.post(`${API}/v2/notifications/sms`, ({ request }) => send(request, "SMS")),
  http.post(`${API}/v2/notifications/email`, ({ request }) => send(request, "EMAIL")),
  // Looking messages up by our reference, as a sender does after a crash or a lost answer.
  http.get(`${API}/v2/notifications`, ({ request }) => {
    const query = new URL(request.url).searchParams;
    const type = query.get("template_type");
    const reference = query.get("reference");
    const found = notifySent.filter((n) => (!reference || n.reference === reference) && (!type || n.channel === type.toUpperCase()));
    return HttpResponse.json({ notifications: found.map((n) => ({ id: n.id, reference: n.reference, type: n.channel.toLowerCase(), status: "delivered" })), links: {} });
  }),
];

async function send(request: Request, channel: SentNotification["channel"]) {
  // The client signs a short-lived JWT with the key; a missing one is a 403 in Notify.
  if (!/^Bearer \S+\.\S+\.\S+$/.test(request.headers.get("Authorization") ?? "")) {
    return notifyError(403, "AuthError", "Invalid token: API key not found");
  }
  const failure = failures.shift();
  if (typeof failure === "number") {
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
  if (failure === "lost") return HttpResponse.error();
  if (failure === "slow") await delay(1_500);
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
