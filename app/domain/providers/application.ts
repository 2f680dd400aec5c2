// Applying to join a council's scheme: the form's rules, and one transaction that creates the provider,
// its application to the council, venues, documents and the contact's manager sign-in.
import { unlink } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import type { Db } from "~/lib/db.server";
import { getEnv } from "~/lib/env.server";
import { storeFile, type FileType } from "~/lib/uploads.server";
import { Category, OrganisationType, type VettingStatus } from "~/generated/prisma/enums";
import { recordAudit } from "../audit";
import { DomainError } from "../errors";
import { normaliseUkPhone } from "./phone";
import { queueMessage } from "../notifications/messages";
import { normalisePostcode } from "../programmes/forms";
import { bankDetailsSchema, formatSortCode, maskAccountNumber } from "./bank-details";

export const ORGANISATION_TYPE_LABELS: Record<OrganisationType, string> = {
  CHARITY: "Registered charity",
  COMMUNITY_GROUP: "Community group or club",
  COMPANY: "Company",
  SOLE_TRADER: "Sole trader",
  PUBLIC_BODY: "Public body (school, council service)",
};

export const CATEGORY_LABELS: Record<Category, string> = {
  SWIMMING: "Swimming",
  GYM: "Gym",
  FOOTBALL: "Football",
  SPORT: "Other sport",
  CLIMBING: "Climbing",
  DANCE: "Dance",
  MUSIC: "Music",
  RECORDING_STUDIO: "Recording studio",
  ARTS: "Arts and crafts",
  DRAMA: "Drama",
  OUTDOORS: "Outdoors",
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

/** Councils a provider can apply to, for the form's list. */
export async function listSchemes(db: Db) {
  return db.council.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" } });
}

/**
 * Creates the provider, its application to the council (APPLIED), venues, documents and a manager sign-in
 * for the contact, all or nothing. The contact is emailed; they sign in with a one-time code.
 */
export async function submitApplication(db: Db, input: ApplicationInput, documents: ApplicationDocuments, now = new Date()) {
  const council = await db.council.findUnique({ where: { id: input.councilId }, select: { id: true, name: true } });
  if (!council) throw new DomainError("INVALID_INPUT", "Choose the council whose scheme you want to join.", "councilId");
  const storedNames: string[] = [];
  try {
    return await db.$transaction(async (tx) => {
      const duplicate = await tx.provider.findFirst({
        where: { contactEmail: input.contactEmail, name: { equals: input.name, mode: "insensitive" }, councils: { some: { councilId: council.id } } },
        select: { id: true },
      });
      if (duplicate) {
        throw new DomainError("INVALID_INPUT", `${input.name} has already applied to ${council.name}. Sign in with ${input.contactEmail} to see how it is going.`, "name");
      }
      const provider = await tx.provider.create({
        data: {
          name: input.name,
          organisationType: input.organisationType,
          registrationNumber: input.registrationNumber,
          website: input.organisationWebsite,
          description: input.description,
          contactName: input.contactName,
          contactEmail: input.contactEmail,
          contactPhone: input.contactPhone,
          addressLine1: input.addressLine1,
          town: input.town,
          postcode: input.postcode,
          categories: input.categories,
          payoutMethod: input.payoutMethod,
          bankAccountName: input.bank?.accountName ?? null,
          bankSortCode: input.bank?.sortCode ?? null,
          bankAccountNumber: input.bank?.accountNumber ?? null,
          councils: { create: { councilId: council.id, status: "APPLIED" } },
          venues: { create: input.venues.map((venue) => ({ ...venue })) },
        },
        select: { id: true },
      });
      for (const { field, kind } of DOCUMENT_FIELDS) {
        const file = await storeFile(tx, { ...documents[field], kind, providerId: provider.id, councilId: council.id });
        storedNames.push(file.storedName);
      }
      // One person may run several organisations: an existing sign-in gains this one.
      const user = await tx.user.upsert({
        where: { email: input.contactEmail },
        create: { email: input.contactEmail, displayName: input.contactName },
        update: {},
        select: { id: true },
      });
      await tx.membership.create({ data: { userId: user.id, role: "PROVIDER_MANAGER", providerId: provider.id } });
      const messageId = await queueMessage(tx, { email: input.contactEmail }, {
        template: "provider-application-received",
        subject: `Your Playpass application to ${council.name}`,
        body:
          `Thank you for applying to join Playpass in ${council.name} as ${input.name}. The council will check your documents and tell you ` +
          `when they have decided. To see how it is going, sign in at ${getEnv().APP_URL}/login with ${input.contactEmail}: we will email you a code.`,
      });
      await recordAudit(tx, {
        councilId: council.id,
        actorUserId: user.id,
        action: "provider.applied",
        entityType: "Provider",
        entityId: provider.id,
        data: { name: input.name, venues: input.venues.length, payoutMethod: input.payoutMethod },
      });
      return { providerId: provider.id, councilName: council.name, messageId, createdAt: now };
    });
  } catch (error) {
    // The rows were rolled back; the files written for them go too.
    const dir = path.resolve(getEnv().UPLOAD_DIR);
    await Promise.all(storedNames.map((name) => unlink(path.join(dir, name)).catch(() => undefined)));
    throw error;
  }
}

const VETTING_WORDS: Record<VettingStatus, string> = {
  APPLIED: "Being vetted",
  APPROVED: "Approved",
  REJECTED: "Not approved",
  SUSPENDED: "Suspended",
};

/** The provider's own view of its application: each council's decision, its documents and how it is paid. */
export async function getApplicationStatus(db: Db, providerId: string) {
  const provider = await db.provider.findUniqueOrThrow({
    where: { id: providerId },
    select: {
      name: true,
      organisationType: true,
      registrationNumber: true,
      contactName: true,
      contactEmail: true,
      categories: true,
      payoutMethod: true,
      bankAccountName: true,
      bankSortCode: true,
      bankAccountNumber: true,
      stripePayoutsEnabled: true,
      createdAt: true,
      councils: {
        select: { status: true, rejectionReason: true, suspensionReason: true, decidedAt: true, createdAt: true, council: { select: { name: true } } },
        orderBy: { createdAt: "asc" },
      },
      venues: { select: { id: true, name: true, town: true, postcode: true }, orderBy: { createdAt: "asc" } },
      files: {
        where: { kind: { in: DOCUMENT_FIELDS.map((d) => d.kind) } },
        select: { id: true, kind: true, originalName: true, sizeBytes: true, createdAt: true },
        orderBy: { createdAt: "asc" },
      },
    },
  });
  return {
    name: provider.name,
    organisationType: ORGANISATION_TYPE_LABELS[provider.organisationType],
    registrationNumber: provider.registrationNumber,
    contact: `${provider.contactName} (${provider.contactEmail})`,
    categories: provider.categories.map((c) => CATEGORY_LABELS[c]),
    appliedAt: provider.createdAt.toISOString(),
    councils: provider.councils.map((link) => ({
      councilName: link.council.name,
      status: link.status,
      statusText: VETTING_WORDS[link.status],
      reason: link.status === "REJECTED" ? link.rejectionReason : link.status === "SUSPENDED" ? link.suspensionReason : null,
      appliedAt: link.createdAt.toISOString(),
      decidedAt: link.decidedAt?.toISOString() ?? null,
    })),
    venues: provider.venues,
    documents: provider.files.map((file) => ({
      id: file.id,
      label: file.kind === "SAFEGUARDING_POLICY" ? "Safeguarding policy" : "Public liability insurance",
      originalName: file.originalName,
      sizeBytes: file.sizeBytes,
    })),
    payment:
      provider.payoutMethod === "STRIPE_TRANSFER"
        ? { method: "STRIPE" as const, ready: provider.stripePayoutsEnabled }
        : {
            method: "BANK" as const,
            accountName: provider.bankAccountName,
            sortCode: provider.bankSortCode ? formatSortCode(provider.bankSortCode) : null,
            accountNumber: provider.bankAccountNumber ? maskAccountNumber(provider.bankAccountNumber) : null,
          },
  };
}

function capitalise(value: string) {
  return value.charAt(0).toUpperCase() + value.slice(1);
}
