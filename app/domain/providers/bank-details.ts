// UK bank details for paying a provider by BACS: one schema the application form, the provider's
// payment settings and the council's bank file all share.
//
// Decisions:
// - Sort code: six digits; people type "12-34-56", "12 34 56" or "123456". Stored as "123456".
//   Shown as "12-34-56" (formatSortCode).
// - Account number: eight digits. Some older accounts have six or seven digits; banks and Pay.UK
//   pad those with leading zeros to eight ("1234567" → "01234567"), so we do the same. Nine- and
//   ten-digit numbers (some building societies, NatWest/Co-op "10-digit" accounts) need
//   bank-specific translation that we cannot do safely, so they are refused with a message asking
//   for the eight-digit number the bank gives for BACS payments. Spaces and dashes are ignored.
// - Account name: the name on the account, 2 to 70 characters after trimming. BACS carries at most
//   18 characters of it; the bank file cuts it down (bacsAccountName), not the form.
import { z } from "zod";

export const sortCodeSchema = z
  .string({ error: "Enter the sort code" })
  .trim()
  .min(1, { error: "Enter the sort code", abort: true })
  .transform((value) => value.replace(/[\s-]/g, ""))
  .refine((value) => /^\d{6}$/.test(value), {
    error: "Enter a valid sort code, 6 digits like 30-99-50",
  });

export const accountNumberSchema = z
  .string({ error: "Enter the account number" })
  .trim()
  .min(1, { error: "Enter the account number", abort: true })
  .transform((value) => value.replace(/[\s-]/g, ""))
  .refine((value) => /^\d+$/.test(value), { error: "An account number has only digits, like 00733445", abort: true })
  .refine((value) => value.length >= 6, { error: "An account number must be 8 digits, like 00733445", abort: true })
  .refine((value) => value.length <= 8, {
    error: "Enter the 8-digit account number your bank gives for BACS payments",
  })
  .transform((value) => value.padStart(8, "0"));

export const accountNameSchema = z
  .string({ error: "Enter the name on the account" })
  .trim()
  .min(1, { error: "Enter the name on the account", abort: true })
  .min(2, { error: "The name on the account must be at least 2 characters", abort: true })
  .max(70, { error: "The name on the account must be 70 characters or fewer" });

export const bankDetailsSchema = z.object({
  accountName: accountNameSchema,
  sortCode: sortCodeSchema,
  accountNumber: accountNumberSchema,
});

export type BankDetails = z.output<typeof bankDetailsSchema>;

/** "123456" → "12-34-56". */
export function formatSortCode(sortCode: string): string {
  return sortCode.replace(/^(\d{2})(\d{2})(\d{2})$/, "$1-$2-$3");
}

/** "01234567" → "****4567": what pages show once details are saved. */
export function maskAccountNumber(accountNumber: string): string {
  return `****${accountNumber.slice(-4)}`;
}

/**
 * The account name as BACS carries it: upper case, only the characters BACS accepts
 * (A-Z 0-9 . & / - and space), at most 18 characters.
 */
export function bacsAccountName(accountName: string): string {
  return accountName
    .toUpperCase()
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .replace(/[^A-Z0-9.&/\- ]/g, "")
    .replace(/\s+/g, " ")
    .trim()
    .slice(0, 18)
    .trim();
}
