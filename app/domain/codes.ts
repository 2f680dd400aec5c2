// Codes people read, type or scan. Each is drawn from crypto's CSPRNG; the entropy is stated so it can be checked.
import { randomInt } from "node:crypto";

// Crockford base32: no I, L, O or U, so nothing is misread at a door.
const ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

function randomCode(length: number): string {
  let out = "";
  for (let i = 0; i < length; i++) out += ALPHABET[randomInt(ALPHABET.length)];
  return out;
}

function grouped(code: string): string {
  return code.match(/.{1,4}/g)!.join("-");
}

export const CODE_ENTROPY_BITS = {
  /** 8 symbols of 32: 40 bits. Typed at a door; redemption attempts are rate-limited. */
  booking: 40,
  /** 16 symbols of 32: 80 bits. The pass QR, also typed at a till. */
  pass: 80,
  /** 12 symbols of 32: 60 bits. Printed on a council's letter. */
  activation: 60,
  /** 6 digits: ~19.9 bits, single-use, 10 minutes, 5 attempts per code and rate-limited per target and address. */
  oneTime: Math.log2(1_000_000),
} as const;

/** e.g. "7K3M-Q9TX" */
export const newBookingCode = () => grouped(randomCode(8));
/** e.g. "PASS-...": 16 symbols in four groups. */
export const newPassCode = () => grouped(randomCode(16));
export const newActivationCode = () => grouped(randomCode(12));
export const newOneTimeCode = () => String(randomInt(1_000_000)).padStart(6, "0");

/** What a person typed, made comparable: upper case, no spaces, Crockford's look-alikes mapped, grouped. */
export function normaliseCode(input: string): string {
  const symbols = input
    .toUpperCase()
    .replace(/[\s-]/g, "")
    .replace(/[IL]/g, "1")
    .replace(/O/g, "0");
  if (!/^[0-9A-Z]+$/.test(symbols) || /U/.test(symbols)) return "";
  return grouped(symbols);
}
