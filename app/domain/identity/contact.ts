// Email addresses and UK mobile numbers, normalised so one person is one sign-in.
import { z } from "zod";

const email = z.string().trim().toLowerCase().email();

/** "07700 900123", "+44 7700 900123", "+44 (0)7700 900123" → "+447700900123"; null when it is not a UK mobile number. */
export function normaliseUkMobile(input: string): string | null {
  const digits = input.replace(/[\s()-]/g, "");
  const match = /^(?:(?:\+44|0044)0?|0)(7\d{9})$/.exec(digits);
  return match ? `+44${match[1]}` : null;
}

export type NormalisedContact = { kind: "email" | "phone"; value: string };

/** What a person typed in "email or mobile number", or null. */
export function normaliseContact(input: string): NormalisedContact | null {
  const trimmed = input.trim();
  if (trimmed.includes("@")) {
    const parsed = email.safeParse(trimmed);
    return parsed.success ? { kind: "email", value: parsed.data } : null;
  }
  const phone = normaliseUkMobile(trimmed);
  return phone ? { kind: "phone", value: phone } : null;
}
