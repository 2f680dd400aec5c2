// Reading a browser's form in a route action: a body that is not a form, cannot be parsed, or carries
// characters no form field may hold is the sender's mistake, answered with a 4xx that says so, never a crash.
import { data } from "@remix-run/node";
import { checkFormBody } from "./http-guards.server";

// Control characters (tab, line feed and carriage return apart), which PostgreSQL refuses (NUL) or
// which corrupt what staff and CSV exports show; and the direction overrides and isolates that make
// text display in another order than it is stored ("gpj.exe" shown as "exe.jpg").
const FORBIDDEN_CHARACTERS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F\u202A-\u202E\u2066-\u2069]/;

/** The refusal a route action throws for a body it cannot take; the error boundary shows `message`. */
export function formRefusal(message: string, status: 400 | 413 | 415, field?: string): never {
  throw data({ message, ...(field ? { field } : {}) }, { status });
}

/** Refuses a request whose body is not sent as a form (the production server refuses these first too). */
export function requireFormBody(request: Request): void {
  const verdict = checkFormBody({ method: request.method, path: "/", contentType: request.headers.get("content-type") ?? undefined });
  if (!verdict.ok) formRefusal(`This page only accepts forms: ${verdict.reason}.`, 415);
}

/** Refuses a form in which any text value holds a character no field may hold, or bytes that were not UTF-8, naming the field. */
export function requireCleanText(form: FormData): void {
  for (const [name, value] of form) {
    if (typeof value !== "string") continue;
    const field = name.slice(0, 60);
    // U+FFFD is what bytes that are not UTF-8 decode to: the text that was meant is already lost.
    if (value.includes("\uFFFD")) formRefusal(`"${field}" was not sent as UTF-8 text, so it cannot be read. Retype it and send the form again.`, 400, name);
    if (FORBIDDEN_CHARACTERS.test(value)) formRefusal(`"${field}" contains a control or text-direction character that is not allowed. Retype it and send the form again.`, 400, name);
  }
}

/** The action's form, read once: a non-form body is a 415, an unreadable form or a forbidden character a 400. */
export async function readForm(request: Request): Promise<FormData> {
  requireFormBody(request);
  let form: FormData;
  try {
    form = await request.formData();
  } catch {
    formRefusal("The form could not be read: it arrived incomplete or malformed. Reload the page and send it again.", 400);
  }
  requireCleanText(form);
  return form;
}
