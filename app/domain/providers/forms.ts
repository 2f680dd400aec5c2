// The provider portal's form rules, shared by the browser (Conform) and the server: applying, venues, activities,
// photos and sessions. No server imports here: route components import this file.
import { TZDate } from "@date-fns/tz";
import { z } from "zod";
import { AccessibilityFeature, Category, OrganisationType } from "~/generated/prisma/enums";
import { CATEGORY_LABELS, normalisePostcode } from "../programmes/forms";
import { bankDetailsSchema } from "./bank-details";
import { normaliseUkPhone } from "./phone";

export { CATEGORY_LABELS };

/** What a file's bytes must show it is (the same names as the upload checker's). */
type FileType = "pdf" | "png" | "jpeg" | "webp" | "csv";

export { formatFileSize } from "~/lib/file-size";

function capitalise(value: string) {
  return value.charAt(0).toUpperCase() + value.slice(1);
}

// ---------------------------------------------------------------- applying

export const ORGANISATION_TYPE_LABELS: Record<OrganisationType, string> = {
  CHARITY: "Registered charity",
  COMMUNITY_GROUP: "Community group or club",
  COMPANY: "Company",
  SOLE_TRADER: "Sole trader",
  PUBLIC_BODY: "Public body (school, council service)",
};


/** Documents a council needs to vet a provider: PDF or a photo of the page, up to 10 MB. */
export const DOCUMENT_RULES = { accept: ["pdf", "png", "jpeg", "webp"] as FileType[], maxBytes: 10 * 1024 * 1024 };
export const DOCUMENT_FIELDS = [
  { field: "safeguardingPolicy", kind: "SAFEGUARDING_POLICY", label: "your safeguarding policy" },
  { field: "insuranceCertificate", kind: "PUBLIC_LIABILITY_INSURANCE", label: "your public liability insurance certificate" },
] as const;

const text = (what: string, max: number, min = 1) =>
  z
    .string({ error: `Enter ${what}` })
    .trim()
    .min(1, { error: `Enter ${what}`, abort: true })
    .min(min, { error: `${capitalise(what)} must be at least ${min} characters`, abort: true })
    .max(max, { error: `${capitalise(what)} must be ${max} characters or fewer` });

const optionalText = (what: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, { error: `${capitalise(what)} must be ${max} characters or fewer` })
    .optional()
    .transform((value) => value || null);

export const postcodeSchema = z
  .string({ error: "Enter the postcode" })
  .trim()
  .min(1, { error: "Enter the postcode", abort: true })
  .transform((value, ctx) => {
    const normalised = normalisePostcode(value);
    if (!normalised) {
      ctx.addIssue({ code: "custom", message: "Enter a real UK postcode, like NB1 3LC" });
      return z.NEVER;
    }
    return normalised;
  });

export const venueAddressSchema = z.object({
  name: text("the venue's name", 120),
  addressLine1: text("the first line of the address", 160),
  town: text("the town or city", 80),
  postcode: postcodeSchema,
});

const website = z
  .string()
  .trim()
  .max(200, { error: "The website address must be 200 characters or fewer" })
  .optional()
  .transform((value, ctx) => {
    if (!value) return null;
    const withScheme = /^https?:\/\//i.test(value) ? value : `https://${value}`;
    try {
      const url = new URL(withScheme);
      if (!url.hostname.includes(".") || !/^https?:$/.test(url.protocol)) throw new Error("no host");
      return url.toString();
    } catch {
      ctx.addIssue({ code: "custom", message: "Enter a website address like www.example.org.uk" });
      return z.NEVER;
    }
  });

// Charity numbers are 6 to 8 digits (England and Wales; SC + 6 in Scotland); company numbers are 8 characters.
const REGISTRATION = /^(?:\d{6,8}|SC\d{6}|NI\d{6}|[A-Z]{2}\d{6}|\d{8})$/;

const BankFields = z
  .object({ accountName: z.string().optional(), sortCode: z.string().optional(), accountNumber: z.string().optional() })
  .optional();

export const applicationSchema = z
  .object({
    councilId: z.uuid({ error: "Choose the council whose scheme you want to join" }),
    name: text("your organisation's name", 120, 2),
    organisationType: z.enum(OrganisationType, { error: "Choose what kind of organisation you are" }),
    registrationNumber: z
      .string()
      .trim()
      .optional()
      .transform((value) => (value ? value.toUpperCase().replace(/\s+/g, "") : null)),
    organisationWebsite: website,
    description: text("what your organisation does", 2000, 20),
    addressLine1: text("the first line of your organisation's address", 160),
    town: text("the town or city", 80),
    postcode: postcodeSchema,
    contactName: text("the contact's full name", 120, 2),
    contactEmail: z
      .string({ error: "Enter the contact's email address" })
      .trim()
      .toLowerCase()
      .min(1, { error: "Enter the contact's email address", abort: true })
      .max(254, { error: "The email address must be 254 characters or fewer", abort: true })
      .pipe(z.email({ error: "Enter an email address like name@example.org" })),
    contactPhone: z
      .string({ error: "Enter a phone number for the contact" })
      .trim()
      .min(1, { error: "Enter a phone number for the contact", abort: true })
      .transform((value, ctx) => {
        const phone = normaliseUkPhone(value);
        if (!phone) {
          ctx.addIssue({ code: "custom", message: "Enter a UK phone number, like 01632 960001 or 07700 900123" });
          return z.NEVER;
        }
        return phone;
      }),
    venues: z
      .array(venueAddressSchema, { error: "Add at least one venue where your activities happen" })
      .min(1, { error: "Add at least one venue where your activities happen" })
      .max(10, { error: "Add up to 10 venues here; you can add more once you are approved" }),
    categories: z
      .array(z.enum(Category, { error: "Choose from the list" }), { error: "Choose at least one kind of activity" })
      .min(1, { error: "Choose at least one kind of activity" }),
    payoutMethod: z.enum(["BANK_FILE", "STRIPE_TRANSFER"], { error: "Choose how you want to be paid" }),
    bank: BankFields,
    declaration: z.boolean({ error: "Confirm that the information is true and you may apply for the organisation" }),
  })
  .superRefine((value, ctx) => {
    if (value.declaration === false) {
      ctx.addIssue({ code: "custom", path: ["declaration"], message: "Confirm that the information is true and you may apply for the organisation" });
    }
    const needsNumber = value.organisationType === "CHARITY" || value.organisationType === "COMPANY";
    if (needsNumber && !value.registrationNumber) {
      ctx.addIssue({
        code: "custom",
        path: ["registrationNumber"],
        message: value.organisationType === "CHARITY" ? "Enter your charity number" : "Enter your company number",
      });
    } else if (value.registrationNumber && !REGISTRATION.test(value.registrationNumber)) {
      ctx.addIssue({ code: "custom", path: ["registrationNumber"], message: "Enter a charity number (6 to 8 digits) or a company number (8 characters, like 01234567 or SC123456)" });
    }
    if (value.payoutMethod === "BANK_FILE") {
      const bank = bankDetailsSchema.safeParse(value.bank ?? {});
      if (!bank.success) for (const issue of bank.error.issues) ctx.addIssue({ code: "custom", path: ["bank", ...issue.path.map(String)], message: issue.message });
    }
    // Runs even when other fields are wrong, so every problem is shown in one round.
  }, { when: () => true })
  .transform(({ bank, declaration: _declaration, ...value }) => ({
    ...value,
    bank: value.payoutMethod === "BANK_FILE" ? bankDetailsSchema.parse(bank) : null,
  }));

export type ApplicationInput = z.output<typeof applicationSchema>;
export type CheckedDocument = { bytes: Uint8Array; type: FileType; originalName: string };
export type ApplicationDocuments = Record<(typeof DOCUMENT_FIELDS)[number]["field"], CheckedDocument>;

// ---------------------------------------------------------------- venues

export const ACCESSIBILITY_LABELS: Record<AccessibilityFeature, string> = {
  STEP_FREE: "Step-free access",
  ACCESSIBLE_TOILET: "Accessible toilet",
  HEARING_LOOP: "Hearing loop",
  QUIET_SESSIONS: "Quiet sessions",
  CHANGING_PLACES: "Changing Places toilet",
  BSL: "British Sign Language",
};

export const accessibilityFeaturesSchema = z
  .array(z.enum(AccessibilityFeature, { error: "Choose from the list" }))
  .optional()
  .transform((features) => [...new Set(features ?? [])]);

export const venueSchema = venueAddressSchema.extend({ accessibilityFeatures: accessibilityFeaturesSchema });
export type VenueInput = z.output<typeof venueSchema>;

// ---------------------------------------------------------------- activities and photos

export const MAX_PRICE_PENCE = 50_000;

/** "4.50", "£4.50", "4" → pence, with a message for each way it can be wrong. */
export const poundsSchema = z
  .string({ error: "Enter the price in pounds, or 0 if it is free" })
  .trim()
  .min(1, { error: "Enter the price in pounds, or 0 if it is free", abort: true })
  .transform((value, ctx) => {
    const cleaned = value.replace(/^£/, "").replace(/,/g, "").trim();
    if (/^-/.test(cleaned)) {
      ctx.addIssue({ code: "custom", message: "The price cannot be negative. Enter 0 if it is free" });
      return z.NEVER;
    }
    if (/^\d+\.\d{3,}$/.test(cleaned)) {
      ctx.addIssue({ code: "custom", message: "Enter the price in pounds and pence, like 4.50: it cannot include fractions of a penny" });
      return z.NEVER;
    }
    if (!/^\d{1,6}(\.\d{1,2})?$/.test(cleaned)) {
      ctx.addIssue({ code: "custom", message: "Enter the price as an amount in pounds, like 4.50" });
      return z.NEVER;
    }
    const [pounds, fraction = ""] = cleaned.split(".");
    const pence = Number(pounds) * 100 + Number(fraction.padEnd(2, "0"));
    if (pence > MAX_PRICE_PENCE) {
      ctx.addIssue({ code: "custom", message: `The price must be £${MAX_PRICE_PENCE / 100} or less` });
      return z.NEVER;
    }
    return pence;
  });

const whole = (what: string, min: number, max: number) =>
  z
    .number({ error: `Enter ${what} as a whole number` })
    .int({ error: `Enter ${what} as a whole number` })
    .min(min, { error: `${capitalise(what)} must be ${min} or more` })
    .max(max, { error: `${capitalise(what)} must be ${max} or less` });

const longText = (what: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, { error: `${capitalise(what)} must be ${max} characters or fewer` })
    .optional()
    .transform((value) => value ?? "");

export const activitySchema = z
  .object({
    councilId: z.uuid({ error: "Choose the council whose scheme lists this activity" }),
    venueId: z.uuid({ error: "Choose the venue" }),
    title: z
      .string({ error: "Enter a title" })
      .trim()
      .min(1, { error: "Enter a title", abort: true })
      .min(3, { error: "The title must be at least 3 characters", abort: true })
      .max(100, { error: "The title must be 100 characters or fewer" }),
    category: z.enum(Category, { error: "Choose a category" }),
    description: z
      .string({ error: "Describe the activity" })
      .trim()
      .min(1, { error: "Describe the activity", abort: true })
      .min(20, { error: "The description must be at least 20 characters: say what young people will do", abort: true })
      .max(3000, { error: "The description must be 3000 characters or fewer" }),
    minAge: whole("the youngest age", 5, 25),
    maxAge: whole("the oldest age", 5, 25),
    price: poundsSchema,
    capacity: whole("the number of places", 1, 500),
    accessibility: longText("accessibility information", 1000),
    accessibilityFeatures: accessibilityFeaturesSchema,
    cancellationCutoffHours: whole("the cancellation cut-off", 0, 168),
    whatToBring: longText("what to bring", 1000),
  })
  .superRefine((value, ctx) => {
    if (typeof value.minAge === "number" && typeof value.maxAge === "number" && value.minAge > value.maxAge) {
      ctx.addIssue({ code: "custom", path: ["maxAge"], message: "The oldest age must be the same as or more than the youngest age" });
    }
    // Runs even when other fields are wrong, so every problem is shown in one round.
  }, { when: () => true })
  .transform(({ price, ...value }) => ({ ...value, pricePence: price }));

export type ActivityInput = z.output<typeof activitySchema>;

export const PHOTO_RULES = { accept: ["jpeg", "png", "webp"] as FileType[], maxBytes: 8 * 1024 * 1024, label: "the photo" };
export const MAX_PHOTOS_PER_ACTIVITY = 6;
/** The longest side of a stored photo, in pixels. */
export const PHOTO_MAX_SIDE = 1200;

export const photoAltSchema = z
  .string({ error: "Describe the photo for people who cannot see it" })
  .trim()
  .min(1, { error: "Describe the photo for people who cannot see it", abort: true })
  .min(5, { error: "Describe the photo in a few words, like “Two girls climbing the bouldering wall”", abort: true })
  .max(200, { error: "The description must be 200 characters or fewer" });

// ---------------------------------------------------------------- sessions

export const LONDON = "Europe/London";
export const MAX_SERIES_DAYS = 366;
export const MAX_SERIES_SLOTS = 400;
export const WEEKDAY_LABELS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"] as const;

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const UK_DATE = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/;

/** "2026-10-25" or "25/10/2026" → the calendar day at midnight UTC (as @db.Date holds it), or null. */
export function parseCalendarDate(value: string): Date | null {
  const trimmed = value.trim();
  const iso = ISO_DATE.exec(trimmed);
  const uk = UK_DATE.exec(trimmed);
  const [year, month, day] = iso ? [Number(iso[1]), Number(iso[2]), Number(iso[3])] : uk ? [Number(uk[3]), Number(uk[2]), Number(uk[1])] : [NaN, NaN, NaN];
  if (!Number.isInteger(year)) return null;
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day ? date : null;
}

/** The instant a London wall-clock time on a calendar day happens. */
export function londonInstant(day: Date, time: string): Date {
  const [hours, minutes] = time.split(":").map(Number);
  return new Date(new TZDate(day.getUTCFullYear(), day.getUTCMonth(), day.getUTCDate(), hours!, minutes!, LONDON).getTime());
}

/** 1 = Monday … 7 = Sunday, for a calendar day. */
export function isoWeekday(day: Date): number {
  return day.getUTCDay() === 0 ? 7 : day.getUTCDay();
}

export function dayKey(day: Date): string {
  return day.toISOString().slice(0, 10);
}

export type WeeklyPattern = { weekdays: number[]; startTime: string; durationMinutes: number; fromDate: Date; toDate: Date; exceptDates: Date[] };

/** Every session a weekly pattern makes: each chosen weekday from fromDate to toDate (both included), less the exceptions. */
export function weeklyOccurrences(pattern: WeeklyPattern): Array<{ day: Date; startsAt: Date; endsAt: Date }> {
  const skip = new Set(pattern.exceptDates.map(dayKey));
  const days = new Set(pattern.weekdays);
  const occurrences: Array<{ day: Date; startsAt: Date; endsAt: Date }> = [];
  for (let day = pattern.fromDate; day.getTime() <= pattern.toDate.getTime(); day = new Date(day.getTime() + DAY_MS)) {
    if (!days.has(isoWeekday(day)) || skip.has(dayKey(day))) continue;
    const startsAt = londonInstant(day, pattern.startTime);
    occurrences.push({ day, startsAt, endsAt: new Date(startsAt.getTime() + pattern.durationMinutes * 60_000) });
  }
  return occurrences;
}

const DAY_MS = 24 * 60 * 60 * 1000;

const timeSchema = z
  .string({ error: "Enter the start time" })
  .trim()
  .min(1, { error: "Enter the start time", abort: true })
  .transform((value, ctx) => {
    const match = /^(\d{1,2})[:.](\d{2})$/.exec(value);
    const hours = Number(match?.[1]);
    const minutes = Number(match?.[2]);
    if (!match || hours > 23 || minutes > 59) {
      ctx.addIssue({ code: "custom", message: "Enter the start time on the 24-hour clock, like 17:30" });
      return z.NEVER;
    }
    return `${String(hours).padStart(2, "0")}:${String(minutes).padStart(2, "0")}`;
  });

const dateSchema = (what: string) =>
  z
    .string({ error: `Enter ${what}` })
    .trim()
    .min(1, { error: `Enter ${what}`, abort: true })
    .transform((value, ctx) => {
      const date = parseCalendarDate(value);
      if (!date) {
        ctx.addIssue({ code: "custom", message: `Enter ${what} as a real date, like 2026-11-28` });
        return z.NEVER;
      }
      return date;
    });

const durationSchema = z
  .number({ error: "Enter how long it lasts, in minutes" })
  .int({ error: "Enter how long it lasts as a whole number of minutes" })
  .min(15, { error: "A session must last at least 15 minutes" })
  .max(720, { error: "A session can last at most 12 hours (720 minutes)" });

const capacitySchema = z
  .number({ error: "Enter the number of places" })
  .int({ error: "Enter the number of places as a whole number" })
  .min(1, { error: "A session needs at least 1 place" })
  .max(500, { error: "A session can have at most 500 places" });

export const oneOffSlotSchema = z.object({
  date: dateSchema("the date"),
  startTime: timeSchema,
  durationMinutes: durationSchema,
  capacity: capacitySchema,
});
export type OneOffSlotInput = z.output<typeof oneOffSlotSchema>;

export const slotSeriesSchema = z
  .object({
    weekdays: z
      .array(z.coerce.number().int().min(1).max(7), { error: "Choose at least one day of the week" })
      .min(1, { error: "Choose at least one day of the week" }),
    startTime: timeSchema,
    durationMinutes: durationSchema,
    fromDate: dateSchema("the first date"),
    toDate: dateSchema("the last date"),
    exceptDates: z
      .string()
      .optional()
      .transform((value, ctx) => {
        const parts = (value ?? "").split(/[\s,;]+/).filter(Boolean);
        const dates: Date[] = [];
        for (const part of parts) {
          const date = parseCalendarDate(part);
          if (!date) {
            ctx.addIssue({ code: "custom", message: `“${part.slice(0, 20)}” is not a date: write each date like 2026-12-26, separated by commas or new lines` });
            return z.NEVER;
          }
          dates.push(date);
        }
        return dates;
      }),
    capacity: capacitySchema,
  })
  .superRefine((value, ctx) => {
    if (!(value.fromDate instanceof Date) || !(value.toDate instanceof Date)) return;
    if (value.toDate < value.fromDate) {
      ctx.addIssue({ code: "custom", path: ["toDate"], message: "The last date must be on or after the first date" });
    } else if ((value.toDate.getTime() - value.fromDate.getTime()) / DAY_MS >= MAX_SERIES_DAYS) {
      ctx.addIssue({ code: "custom", path: ["toDate"], message: "A weekly pattern can run for up to a year; add another one after that" });
    }
    const outside = (Array.isArray(value.exceptDates) ? value.exceptDates : []).find((d) => d < value.fromDate || d > value.toDate);
    if (outside && value.toDate >= value.fromDate) {
      ctx.addIssue({ code: "custom", path: ["exceptDates"], message: `${dayKey(outside)} is outside the dates the pattern runs` });
    }
    // Runs even when another field is wrong, so every problem is shown in one round.
  }, { when: () => true })
  .transform((value) => ({ ...value, weekdays: [...new Set(value.weekdays)].sort(), exceptDates: value.exceptDates ?? [] }));
export type SlotSeriesInput = z.output<typeof slotSeriesSchema>;

export const changeCapacitySchema = z.object({ slotId: z.uuid({ error: "Choose a session" }), capacity: capacitySchema });
export const cancelSlotSchema = z.object({
  slotId: z.uuid({ error: "Choose a session" }),
  reason: z
    .string({ error: "Say why the session is cancelled: young people are told" })
    .trim()
    .min(1, { error: "Say why the session is cancelled: young people are told", abort: true })
    .min(3, { error: "Say why the session is cancelled in a few words", abort: true })
    .max(200, { error: "The reason must be 200 characters or fewer" }),
});
