// Money is integer pence everywhere; these are the only conversions.

export function assertPence(value: number, what = "amount"): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`${what} must be a whole number of pence, got ${value}`);
  return value;
}

/** A database balance (BIGINT) as pence; balances stay far below 2^53. */
export function penceFromBigInt(value: bigint): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < BigInt(Number.MIN_SAFE_INTEGER)) {
    throw new RangeError(`balance ${value} is outside the safe range`);
  }
  return Number(value);
}

const gbp = new Intl.NumberFormat("en-GB", { style: "currency", currency: "GBP" });

/** £12.50; whole pounds keep their pence (£12.00) so columns line up. */
export function formatPence(pence: number): string {
  return gbp.format(pence / 100);
}

/** Parses what a person types as pounds ("12", "12.5", "£12.50") into pence, or null when it is not money. */
export function parsePoundsToPence(input: string): number | null {
  const cleaned = input.trim().replace(/^£/, "").replace(/,/g, "");
  if (!/^\d{1,7}(\.\d{1,2})?$/.test(cleaned)) return null;
  const [pounds, fraction = ""] = cleaned.split(".");
  return Number(pounds) * 100 + Number(fraction.padEnd(2, "0"));
}
