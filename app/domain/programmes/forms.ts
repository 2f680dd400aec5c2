// The council console's form schemas, shared by the browser (Conform) and the server: what an officer
// types (pounds, dates, lists) becomes what the domain takes (pence, UTC calendar days, arrays).
// No server imports here: route components import this file.
import { z } from "zod";
import { Category, NeedsFlag, NoShowPolicy, PayoutSchedule, ProgrammeStatus, YoungPersonStatus } from "~/generated/prisma/enums";
import { normaliseUkMobile } from "../identity/contact";

export const CATEGORY_LABELS: Record<Category, string> = {
  SWIMMING: "Swimming",
  GYM: "Gym",
  FOOTBALL: "Football",
  SPORT: "Other sport",
  CLIMBING: "Climbing",
  DANCE: "Dance",
  MUSIC: "Music",
  RECORDING_STUDIO: "Recording studio",
  ARTS: "Arts",
  DRAMA: "Drama",
  OUTDOORS: "Outdoors",
};

export const NEEDS_LABELS: Record<NeedsFlag, string> = {
  FREE_SCHOOL_MEALS: "Free school meals",
  CARE_EXPERIENCED: "Care-experienced",
  SEND: "SEND",
  YOUNG_CARER: "Young carer",
};

export const STATUS_LABELS: Record<YoungPersonStatus, string> = {
  INVITED: "Not activated yet",
  ACTIVE: "Active",
  AWAITING_CONSENT: "Waiting for a guardian",
  DEACTIVATED: "Closed",
};

/** Which young people a page means, from its query string; anything unknown is ignored rather than an error. */
export const filterQuery = z.object({
  q: z.string().trim().max(100).optional().catch(undefined),
  ward: z.string().trim().max(80).optional().catch(undefined),
  needs: z.enum(NeedsFlag).optional().catch(undefined),
  status: z.enum(YoungPersonStatus).optional().catch(undefined),
  page: z.coerce.number().int().min(1).max(10_000).optional().catch(undefined),
});

/** The filter of a URL's query string (empty values are no filter). */
export function filterFromUrl(url: URL) {
  return filterQuery.parse(Object.fromEntries([...url.searchParams].filter(([key, value]) => value !== "" && key in filterQuery.shape)));
}

/** The uplift fields of the programme form, one per needs flag. */
export const UPLIFT_FIELDS = {
  FREE_SCHOOL_MEALS: "upliftFreeSchoolMeals",
  CARE_EXPERIENCED: "upliftCareExperienced",
  SEND: "upliftSend",
  YOUNG_CARER: "upliftYoungCarer",
} as const satisfies Record<NeedsFlag, string>;

/**
 * Pounds as typed ("250000", "£1,250.50") to pence. Fractions of a penny are refused, not rounded:
 * public money is entered exactly.
 */
export function pounds(label: string, { min = 0, optional = false }: { min?: number; optional?: boolean } = {}) {
  return z
    .string()
    .trim()
    .optional()
    .transform((value, ctx): number | null => {
      if (value === undefined || value === "") {
        if (optional) return null;
        ctx.addIssue({ code: "custom", message: `Enter ${label} in pounds.` });
        return z.NEVER;
      }
      const cleaned = value.replace(/^£/, "").replace(/,/g, "");
      if (/^\d+\.\d{3,}$/.test(cleaned)) {
        ctx.addIssue({ code: "custom", message: `${capitalise(label)} cannot include fractions of a penny: use at most two decimal places.` });
        return z.NEVER;
      }
      if (!/^\d{1,8}(\.\d{1,2})?$/.test(cleaned)) {
        ctx.addIssue({ code: "custom", message: `Enter ${label} as an amount in pounds, like 150 or 150.50.` });
        return z.NEVER;
      }
      const [whole, fraction = ""] = cleaned.split(".");
      const pence = Number(whole) * 100 + Number(fraction.padEnd(2, "0"));
      if (pence < min) {
        ctx.addIssue({ code: "custom", message: `${capitalise(label)} must be at least £${(min / 100).toFixed(2)}.` });
        return z.NEVER;
      }
      return pence;
    });
}

/** A calendar date from an <input type="date"> (YYYY-MM-DD), as midnight UTC. */
export function calendarDate(label: string) {
  return z
    .string({ error: `Enter ${label}.` })
    .trim()
    .transform((value, ctx) => {
      const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
      const date = match ? new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3]))) : null;
      if (!match || !date || date.getUTCDate() !== Number(match[3]) || date.getUTCMonth() !== Number(match[2]) - 1) {
        ctx.addIssue({ code: "custom", message: `Enter ${label} as a real date.` });
        return z.NEVER;
      }
      return date;
    });
}

const wholeNumber = (label: string, min: number, max: number) =>
  z.coerce
    .number({ error: `Enter ${label} as a whole number.` })
    .int(`Enter ${label} as a whole number.`)
    .min(min, `${capitalise(label)} must be ${min} or more.`)
    .max(max, `${capitalise(label)} must be ${max} or less.`);

/** "NB1, NB2 4" or one per line: outward codes ("NB1") or sectors ("NB2 4"), upper case. */
const postcodePrefixes = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const prefixes = splitList(value ?? "").map((p) => p.toUpperCase().replace(/\s+/g, " "));
    const bad = prefixes.filter((p) => !/^[A-Z]{1,2}\d[A-Z\d]?( \d)?$/.test(p));
    if (bad.length > 0) {
      ctx.addIssue({ code: "custom", message: `${bad.join(", ")} ${bad.length === 1 ? "is not a postcode area" : "are not postcode areas"}: use the first half of a postcode (NB1) or a sector (NB2 4).` });
      return z.NEVER;
    }
    return [...new Set(prefixes)];
  });

const wards = z
  .string()
  .optional()
  .transform((value, ctx) => {
    const list = splitList(value ?? "");
    const long = list.find((w) => w.length > 80);
    if (long) {
      ctx.addIssue({ code: "custom", message: `The ward "${long.slice(0, 20)}…" is longer than 80 characters.` });
      return z.NEVER;
    }
    return [...new Set(list)];
  });

export const programmeFormSchema = z
  .object({
    name: z.string({ error: "Enter the programme's name." }).trim().min(3, "The name must be at least 3 characters.").max(120, "The name must be 120 characters or fewer."),
    status: z.enum(ProgrammeStatus, { error: "Choose whether the programme is a draft, active or closed." }),
    budget: pounds("the funded budget", { min: 1 }),
    baseAllocation: pounds("the base allocation", { min: 1 }),
    upliftFreeSchoolMeals: pounds("the free school meals uplift", { optional: true }),
    upliftCareExperienced: pounds("the care-experienced uplift", { optional: true }),
    upliftSend: pounds("the SEND uplift", { optional: true }),
    upliftYoungCarer: pounds("the young carer uplift", { optional: true }),
    minAge: wholeNumber("the youngest age", 4, 30),
    maxAge: wholeNumber("the oldest age", 4, 30),
    ageReferenceDate: calendarDate("the date ages are worked out on"),
    eligiblePostcodes: postcodePrefixes,
    eligibleWards: wards,
    allowedCategories: z.array(z.enum(Category), { error: "Choose at least one kind of activity." }).min(1, "Choose at least one kind of activity."),
    startsOn: calendarDate("the start date"),
    endsOn: calendarDate("the end date"),
    maxPerBooking: pounds("the most one booking may cost", { optional: true, min: 1 }),
    noShowPolicy: z.enum(NoShowPolicy, { error: "Choose what happens when someone does not turn up." }),
    payoutSchedule: z.enum(PayoutSchedule, { error: "Choose how often providers are paid." }),
    approvalThreshold: pounds("the approval threshold", { min: 0 }),
    waitlistOfferMinutes: wholeNumber("the waiting-list offer time", 15, 7 * 24 * 60),
  })
  .superRefine((value, ctx) => {
    if (value.maxAge < value.minAge) ctx.addIssue({ code: "custom", path: ["maxAge"], message: "The oldest age must be the same as or more than the youngest age." });
    if (value.endsOn <= value.startsOn) ctx.addIssue({ code: "custom", path: ["endsOn"], message: "The end date must be after the start date." });
    const total = (value.baseAllocation ?? 0) + Object.values(UPLIFT_FIELDS).reduce((sum, f) => sum + (value[f] ?? 0), 0);
    if (value.budget !== null && total > value.budget) {
      ctx.addIssue({ code: "custom", path: ["baseAllocation"], message: "One young person's allocation, with every uplift, cannot be more than the whole budget." });
    }
  });

export type ProgrammeFormValue = z.infer<typeof programmeFormSchema>;

/** The form's value as the Programme columns take it. */
export function programmeData(value: ProgrammeFormValue) {
  const upliftsPence: Partial<Record<NeedsFlag, number>> = {};
  for (const [flag, field] of Object.entries(UPLIFT_FIELDS) as [NeedsFlag, (typeof UPLIFT_FIELDS)[NeedsFlag]][]) {
    const pence = value[field];
    if (pence) upliftsPence[flag] = pence;
  }
  return {
    name: value.name,
    status: value.status,
    budgetPence: value.budget!,
    baseAllocationPence: value.baseAllocation!,
    upliftsPence,
    minAge: value.minAge,
    maxAge: value.maxAge,
    ageReferenceDate: value.ageReferenceDate,
    eligiblePostcodes: value.eligiblePostcodes,
    eligibleWards: value.eligibleWards,
    allowedCategories: value.allowedCategories,
    startsOn: value.startsOn,
    endsOn: value.endsOn,
    maxPerBookingPence: value.maxPerBooking,
    noShowPolicy: value.noShowPolicy,
    payoutSchedule: value.payoutSchedule,
    approvalThresholdPence: value.approvalThreshold!,
    waitlistOfferMinutes: value.waitlistOfferMinutes,
  };
}
export type ProgrammeData = ReturnType<typeof programmeData>;

const UK_POSTCODE = /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/;

/** "nb12aa" and "NB1 2AA" are one postcode: upper case, one space before the last three characters. */
export function normalisePostcode(value: string): string | null {
  const upper = value.trim().toUpperCase().replace(/\s+/g, "");
  if (!UK_POSTCODE.test(upper)) return null;
  return upper.replace(/^(.+)(.{3})$/, "$1 $2");
}

const postcode = z
  .string({ error: "Enter a postcode." })
  .trim()
  .transform((value, ctx) => {
    const normalised = normalisePostcode(value);
    if (!normalised) {
      ctx.addIssue({ code: "custom", message: "Enter a UK postcode, like NB1 2AA." });
      return z.NEVER;
    }
    return normalised;
  });

const optionalEmail = z
  .string()
  .trim()
  .toLowerCase()
  .optional()
  .transform((value, ctx) => {
    if (!value) return null;
    if (!z.email().safeParse(value).success) {
      ctx.addIssue({ code: "custom", message: "Enter an email address like name@example.com." });
      return z.NEVER;
    }
    return value;
  });

const optionalMobile = z
  .string()
  .trim()
  .optional()
  .transform((value, ctx) => {
    if (!value) return null;
    const phone = normaliseUkMobile(value);
    if (!phone) {
      ctx.addIssue({ code: "custom", message: "Enter a UK mobile number, like 07700 900123." });
      return z.NEVER;
    }
    return phone;
  });

const dateOfBirth = calendarDate("the date of birth").refine(
  (date) => {
    const age = (Date.now() - date.getTime()) / (365.25 * 86_400_000);
    return age >= 4 && age <= 30;
  },
  { message: "Enter a date of birth for someone aged between 4 and 30." },
);

const personName = (label: string) =>
  z.string({ error: `Enter the ${label}.` }).trim().min(1, `Enter the ${label}.`).max(80, `The ${label} must be 80 characters or fewer.`);

/** One young person added by an officer. */
export const youngPersonFormSchema = z.object({
  firstName: personName("first name"),
  lastName: personName("last name"),
  dateOfBirth,
  postcode,
  ward: z.string({ error: "Enter the ward." }).trim().min(1, "Enter the ward.").max(80, "The ward must be 80 characters or fewer."),
  needsFlags: z.array(z.enum(NeedsFlag)).optional().default([]),
  externalRef: z
    .string()
    .trim()
    .max(64, "The reference must be 64 characters or fewer.")
    .regex(/^[\w./-]*$/, "The reference may only use letters, digits, '-', '_', '.' and '/'.")
    .optional()
    .transform((value) => value || null),
  email: optionalEmail,
  phone: optionalMobile,
});
export type YoungPersonFormValue = z.infer<typeof youngPersonFormSchema>;

/** The public "apply for a pass" form (the proof of address is a file, checked on the server). */
export const passApplicationFormSchema = z
  .object({
    councilId: z.string({ error: "Choose your council." }).uuid("Choose your council."),
    firstName: personName("first name"),
    lastName: personName("last name"),
    dateOfBirth,
    postcode,
    email: optionalEmail,
    phone: optionalMobile,
    guardianContact: z.string().trim().max(254, "That is too long for an email address or phone number.").optional().transform((v) => v || null),
    website: z.string().max(0).optional(),
  })
  .superRefine((value, ctx) => {
    if (!value.email && !value.phone) {
      ctx.addIssue({ code: "custom", path: ["email"], message: "Give an email address or a mobile number so we can tell you the answer." });
    }
  });

/** A reason an officer gives (top-ups, rewards, rejections, revoking). */
export const reasonSchema = z
  .string({ error: "Say why." })
  .trim()
  .min(3, "Say why, in a few words.")
  .max(300, "Keep the reason to 300 characters or fewer.");

function splitList(value: string): string[] {
  return value
    .split(/[,\n;]/)
    .map((item) => item.trim())
    .filter(Boolean);
}

function capitalise(text: string) {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** The actions on one young person's page, each its own small form with an `intent`. */
export const passActionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("issue"), programmeId: z.string({ error: "Choose a programme." }).uuid("Choose a programme.") }),
  z.object({
    intent: z.enum(["top-up", "reward"]),
    allocationId: z.string().uuid(),
    amount: pounds("the amount", { min: 1 }),
    reason: reasonSchema,
    idempotencyKey: z.string().min(8).max(64),
  }),
  z.object({ intent: z.enum(["freeze", "unfreeze"]), allocationId: z.string().uuid() }),
  z.object({ intent: z.literal("revoke"), allocationId: z.string().uuid(), reason: reasonSchema }),
]);

/** A top-up for a filtered group from one programme. */
export const groupTopUpSchema = z.object({
  programmeId: z.string({ error: "Choose a programme." }).uuid("Choose a programme."),
  amount: pounds("the amount for each young person", { min: 1 }),
  reason: reasonSchema,
  q: z.string().optional(),
  ward: z.string().optional(),
  needs: z.enum(NeedsFlag).optional(),
  status: z.enum(YoungPersonStatus).optional(),
});
