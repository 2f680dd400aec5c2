// UK phone numbers for organisations: landlines as well as mobiles, stored as +44 and digits.

/** "01632 960001", "+44 (0)20 7946 0000", "07700 900123" → "+441632960001"; null when it is not a UK number. */
export function normaliseUkPhone(input: string): string | null {
  const digits = input.replace(/[\s().-]/g, "");
  const match = /^(?:(?:\+44|0044)0?|0)([1-9]\d{8,9})$/.exec(digits);
  return match ? `+44${match[1]}` : null;
}
