// Applying to join a council's scheme: the form's rules, and one transaction that creates the provider,
// its application to the council, venues, documents and the contact's manager sign-in.
import { unlink } from "node:fs/promises";
import path from "node:path";
import type { Db } from "~/lib/db.server";
import { getEnv } from "~/lib/env.server";
import { storeFile } from "~/lib/uploads.server";
import type { VettingStatus } from "~/generated/prisma/enums";
import { recordAudit } from "../audit";
import { DomainError } from "../errors";
import { queueMessage } from "../notifications/messages";
import { formatSortCode, maskAccountNumber } from "./bank-details";
import { CATEGORY_LABELS, DOCUMENT_FIELDS, ORGANISATION_TYPE_LABELS, type ApplicationDocuments, type ApplicationInput } from "./forms";

export { applicationSchema, CATEGORY_LABELS, DOCUMENT_FIELDS, DOCUMENT_RULES, ORGANISATION_TYPE_LABELS, type ApplicationDocuments, type ApplicationInput } from "./forms";

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

