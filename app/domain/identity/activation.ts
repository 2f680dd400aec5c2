// Activating a pass: the council's activation code (invitation link or letter), then a one-time code
// to the young person's phone or email; success creates their sign-in and starts the pass.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Db, DbTx } from "~/lib/db.server";
import { getEnv } from "~/lib/env.server";
import { recordAudit } from "../audit";
import { ageOn } from "../booking/windows";
import { newOneTimeCode, normaliseCode } from "../codes";
import { DomainError } from "../errors";
import { queueMessage } from "../notifications/messages";
import { normaliseContact, type NormalisedContact } from "./contact";
import { CODE_TTL_MINUTES, MAX_ATTEMPTS_PER_CODE } from "./sign-in";

/** Under this age a guardian must consent before the pass can be used to book. */
export const CONSENT_AGE = 13;

export type ActivationChoice = { via: "email" | "phone" } | { via: "new"; contact: string };

export type Invitation = {
  youngPersonId: string;
  councilId: string;
  firstName: string;
  code: string;
  /** Contacts the council holds, masked: the code can go there without showing them in full. */
  contactsOnRecord: { via: "email" | "phone"; masked: string }[];
  needsConsent: boolean;
};

const invitationSelect = {
  id: true,
  councilId: true,
  firstName: true,
  dateOfBirth: true,
  email: true,
  phone: true,
  status: true,
  activationCode: true,
  activationExpiresAt: true,
  guardianConsentAt: true,
} as const;

type InvitedRow = {
  id: string;
  councilId: string;
  firstName: string;
  dateOfBirth: Date;
  email: string | null;
  phone: string | null;
  status: string;
  activationCode: string | null;
  activationExpiresAt: Date | null;
  guardianConsentAt: Date | null;
};

/** "s•••@example.com" */
export function maskEmail(email: string): string {
  const [local, domain] = email.split("@");
  return `${local!.slice(0, 1)}•••@${domain}`;
}

/** "07••• ••• 123" from "+447700900123" */
export function maskPhone(phone: string): string {
  return `07••• ••• ${phone.slice(-3)}`;
}

function invitationProblem(row: InvitedRow | null, now: Date): DomainError | null {
  if (!row || row.status === "DEACTIVATED") {
    return new DomainError(
      "ACTIVATION_CODE_UNKNOWN",
      "We do not know that code. Check it against your letter or message, or ask your council for a new one.",
      "code",
    );
  }
  if (row.status !== "INVITED") {
    return new DomainError("ACTIVATION_CODE_USED", "This code has already been used to start a pass. Sign in instead.", "code");
  }
  if (row.activationExpiresAt && row.activationExpiresAt <= now) {
    return new DomainError("ACTIVATION_CODE_EXPIRED", "This code has run out. Ask your council to send you a new one.", "code");
  }
  return null;
}

function toInvitation(row: InvitedRow, now: Date): Invitation {
  const contactsOnRecord: Invitation["contactsOnRecord"] = [];
  if (row.email) contactsOnRecord.push({ via: "email", masked: maskEmail(row.email) });
  if (row.phone) contactsOnRecord.push({ via: "phone", masked: maskPhone(row.phone) });
  return {
    youngPersonId: row.id,
    councilId: row.councilId,
    firstName: row.firstName,
    code: row.activationCode!,
    contactsOnRecord,
    needsConsent: ageOn(row.dateOfBirth, now) < CONSENT_AGE && !row.guardianConsentAt,
  };
}

/** The invitation behind a typed or linked activation code; a clear error for an unknown, used or expired one. */
export async function findInvitation(db: Db | DbTx, rawCode: string, now = new Date()): Promise<Invitation> {
  const code = normaliseCode(rawCode);
  const row = code ? await db.youngPerson.findUnique({ where: { activationCode: code }, select: invitationSelect }) : null;
  const problem = invitationProblem(row, now);
  if (problem) throw problem;
  return toInvitation(row!, now);
}

/** Where the one-time code goes: a contact the council holds, or (for letter users without one) one they give now. */
export function resolveActivationContact(row: { email: string | null; phone: string | null }, choice: ActivationChoice): NormalisedContact {
  if (choice.via === "email" && row.email) return { kind: "email", value: row.email };
  if (choice.via === "phone" && row.phone) return { kind: "phone", value: row.phone };
  if (choice.via === "new") {
    if (row.email || row.phone) {
      throw new DomainError("INVALID_INPUT", "Choose where to send your code.", "via");
    }
    const contact = normaliseContact(choice.contact);
    if (!contact) {
      throw new DomainError("INVALID_INPUT", "Enter an email address like name@example.com or a UK mobile number like 07700 900123.", "contact");
    }
    return contact;
  }
  throw new DomainError("INVALID_INPUT", "Choose where to send your code.", "via");
}

const targetFor = (youngPersonId: string, contact: NormalisedContact) => `activate:${youngPersonId}:${contact.value}`;

function hashCode(target: string, code: string) {
  return createHmac("sha256", getEnv().SESSION_SECRET).update(`${target}:${code}`).digest("hex");
}

async function contactInUse(db: Db | DbTx, contact: NormalisedContact) {
  const user = await db.user.findUnique({
    where: contact.kind === "email" ? { email: contact.value } : { phone: contact.value },
    select: { id: true },
  });
  return user !== null;
}

const contactInUseError = () =>
  new DomainError(
    "CONTACT_IN_USE",
    "That email or mobile number is already used by another Playpass account. Use a different one, or ask your council for help.",
    "contact",
  );

/**
 * Sends a one-time code for activation to the chosen contact. Returns the message id to deliver and
 * the contact it went to (the route shows it masked when it came from the council's record).
 */
export async function sendActivationCode(db: Db, input: { code: string; choice: ActivationChoice }, now = new Date()) {
  const invitation = await findInvitation(db, input.code, now);
  const row = await db.youngPerson.findUniqueOrThrow({ where: { id: invitation.youngPersonId }, select: { email: true, phone: true } });
  const contact = resolveActivationContact(row, input.choice);
  if (await contactInUse(db, contact)) throw contactInUseError();
  const code = newOneTimeCode();
  const target = targetFor(invitation.youngPersonId, contact);
  const messageId = await db.$transaction(async (tx) => {
    // A new code replaces any earlier one still waiting.
    await tx.verification.updateMany({ where: { purpose: "ACTIVATE", target, usedAt: null }, data: { usedAt: now } });
    await tx.verification.create({
      data: { purpose: "ACTIVATE", target, codeHash: hashCode(target, code), expiresAt: new Date(now.getTime() + CODE_TTL_MINUTES * 60_000) },
    });
    return queueMessage(tx, contact.kind === "email" ? { email: contact.value } : { phone: contact.value }, {
      template: "activation-code",
      subject: "Your Playpass activation code",
      body: `${code} is your code to start your Playpass. It works once, for ${CODE_TTL_MINUTES} minutes. Nobody from Playpass will ask you for it.`,
      sensitive: true,
    });
  });
  return { messageId, contact, invitation };
}

export type Activated = { userId: string; youngPersonId: string; awaitingConsent: boolean };

/**
 * Checks the one-time code and activates the pass in one transaction: the sign-in (User and YOUNG_PERSON
 * membership), activatedAt, and status ACTIVE, or AWAITING_CONSENT for an under-13 without a guardian's consent.
 */
export async function completeActivation(
  db: Db,
  input: { code: string; choice: ActivationChoice; oneTimeCode: string },
  now = new Date(),
): Promise<Activated> {
  const cleaned = input.oneTimeCode.replace(/\s/g, "");
  if (!/^\d{6}$/.test(cleaned)) throw new DomainError("CODE_INVALID", "Enter the 6-digit code from your message.", "oneTimeCode");
  const invitation = await findInvitation(db, input.code, now);
  const row = await db.youngPerson.findUniqueOrThrow({ where: { id: invitation.youngPersonId }, select: { email: true, phone: true } });
  const contact = resolveActivationContact(row, input.choice);
  const target = targetFor(invitation.youngPersonId, contact);

  const result = await db.$transaction(async (tx): Promise<{ error: DomainError } | Activated> => {
    const [pending] = await tx.$queryRaw<{ id: string; codeHash: string; attempts: number; expiresAt: Date }[]>`
      SELECT "id", "codeHash", "attempts", "expiresAt" FROM "Verification"
      WHERE "purpose" = 'ACTIVATE' AND "target" = ${target} AND "usedAt" IS NULL
      ORDER BY "createdAt" DESC LIMIT 1 FOR UPDATE`;
    if (!pending) return { error: new DomainError("CODE_INVALID", "That code is not right or has been used. Ask for a new code.", "oneTimeCode") };
    if (pending.expiresAt <= now) return { error: new DomainError("CODE_EXPIRED", "That code has run out. Ask for a new code.", "oneTimeCode") };
    if (pending.attempts >= MAX_ATTEMPTS_PER_CODE) {
      return { error: new DomainError("TOO_MANY_ATTEMPTS", "Too many wrong codes. Ask for a new code.", "oneTimeCode") };
    }
    const expected = Buffer.from(pending.codeHash, "hex");
    const given = Buffer.from(hashCode(target, cleaned), "hex");
    if (!timingSafeEqual(expected, given)) {
      // Counted even though we answer with an error, so the transaction must commit.
      await tx.verification.update({ where: { id: pending.id }, data: { attempts: { increment: 1 } } });
      return { error: new DomainError("CODE_INVALID", "That code is not right. Check the message and try again.", "oneTimeCode") };
    }
    await tx.verification.update({ where: { id: pending.id }, data: { usedAt: now, attempts: { increment: 1 } } });

    // Two tabs finishing at once: the second waits here and then finds the pass already started.
    const [locked] = await tx.$queryRaw<InvitedRow[]>`
      SELECT "id", "councilId", "firstName", "dateOfBirth", "email", "phone", "status"::text AS "status",
             "activationCode", "activationExpiresAt", "guardianConsentAt"
      FROM "YoungPerson" WHERE "id" = ${invitation.youngPersonId}::uuid FOR UPDATE`;
    const problem = invitationProblem(locked ?? null, now);
    if (problem) return { error: problem };
    if (await contactInUse(tx, contact)) return { error: contactInUseError() };

    const awaitingConsent = toInvitation(locked!, now).needsConsent;
    const user = await tx.user.create({
      data: {
        ...(contact.kind === "email" ? { email: contact.value } : { phone: contact.value }),
        displayName: locked!.firstName,
        lastSignInAt: now,
        memberships: { create: { role: "YOUNG_PERSON", youngPersonId: locked!.id } },
      },
      select: { id: true },
    });
    await tx.youngPerson.update({
      where: { id: locked!.id },
      data: {
        userId: user.id,
        activatedAt: now,
        status: awaitingConsent ? "AWAITING_CONSENT" : "ACTIVE",
        // Letter users give a contact now: reminders and receipts can reach them from here on.
        ...(contact.kind === "email" && !locked!.email ? { email: contact.value } : {}),
        ...(contact.kind === "phone" && !locked!.phone ? { phone: contact.value } : {}),
      },
    });
    await recordAudit(tx, {
      councilId: locked!.councilId,
      actorUserId: user.id,
      action: "young_person.activated",
      entityType: "YoungPerson",
      entityId: locked!.id,
      data: { awaitingConsent, via: contact.kind },
    });
    return { userId: user.id, youngPersonId: locked!.id, awaitingConsent };
  });
  if ("error" in result) throw result.error;
  return result;
}
