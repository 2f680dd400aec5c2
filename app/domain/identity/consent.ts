// A guardian's consent for an under-13: a one-off link to the guardian; confirming it links their account
// to the child's record (GUARDIAN membership) and lets the pass be used to book.
import { createHash, randomBytes } from "node:crypto";
import type { Db } from "~/lib/db.server";
import { getEnv } from "~/lib/env.server";
import { recordAudit } from "../audit";
import { DomainError } from "../errors";
import { queueMessage } from "../notifications/messages";
import { maskEmail, maskPhone } from "./activation";
import { normaliseContact } from "./contact";

export const CONSENT_LINK_DAYS = 7;
/** 32 random bytes: 256 bits, far beyond guessing; only the SHA-256 of the token is stored. */
export const CONSENT_TOKEN_BYTES = 32;
const DAY = 24 * 60 * 60 * 1000;

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

export const consentLink = (token: string) => `${getEnv().APP_URL.replace(/\/$/, "")}/consent/${token}`;

/**
 * Sends the guardian a link to consent. Any earlier link for this young person stops working, so only the
 * latest contact given can consent. Returns the message id to deliver (and the token, for tests).
 */
export async function requestGuardianConsent(
  db: Db,
  input: { youngPersonId: string; guardianContact: string; actorUserId: string },
  now = new Date(),
) {
  const youngPerson = await db.youngPerson.findUniqueOrThrow({
    where: { id: input.youngPersonId },
    select: { id: true, councilId: true, firstName: true, status: true, email: true, phone: true, user: { select: { email: true, phone: true } } },
  });
  if (youngPerson.status !== "AWAITING_CONSENT") {
    throw new DomainError("INVALID_INPUT", "Your pass does not need a parent's or guardian's consent.");
  }
  const contact = normaliseContact(input.guardianContact);
  if (!contact) {
    throw new DomainError("INVALID_INPUT", "Enter your parent's or guardian's email like name@example.com or a UK mobile number like 07700 900123.", "guardianContact");
  }
  const own = [youngPerson.email, youngPerson.phone, youngPerson.user?.email, youngPerson.user?.phone];
  if (own.includes(contact.value)) {
    throw new DomainError("INVALID_INPUT", "That is your own email or number. Enter your parent's or guardian's instead.", "guardianContact");
  }
  const token = randomBytes(CONSENT_TOKEN_BYTES).toString("base64url");
  const messageId = await db.$transaction(async (tx) => {
    await tx.guardianConsent.updateMany({
      where: { youngPersonId: youngPerson.id, consentedAt: null, expiresAt: { gt: now } },
      data: { expiresAt: now },
    });
    const consent = await tx.guardianConsent.create({
      data: { youngPersonId: youngPerson.id, guardianContact: contact.value, tokenHash: hashToken(token), expiresAt: new Date(now.getTime() + CONSENT_LINK_DAYS * DAY) },
      select: { id: true },
    });
    await recordAudit(tx, {
      councilId: youngPerson.councilId,
      actorUserId: input.actorUserId,
      action: "guardian_consent.requested",
      entityType: "GuardianConsent",
      entityId: consent.id,
      data: { via: contact.kind },
    });
    return queueMessage(tx, contact.kind === "email" ? { email: contact.value } : { phone: contact.value }, {
      template: "guardian-consent",
      subject: `${youngPerson.firstName} would like to use Playpass`,
      body:
        `${youngPerson.firstName} has started a Playpass from the council and needs your OK to book activities. ` +
        `Open this link to give consent (it works once, for ${CONSENT_LINK_DAYS} days): ${consentLink(token)} ` +
        `After that you can sign in to see their bookings. If you do not know ${youngPerson.firstName}, ignore this message.`,
      sensitive: true,
    });
  });
  return { messageId, token, sentTo: contact.kind === "email" ? maskEmail(contact.value) : maskPhone(contact.value) };
}

/** Whether a young person is still waiting, and where the latest link went (masked). */
export async function consentStatus(db: Db, youngPersonId: string, now = new Date()) {
  const latest = await db.guardianConsent.findFirst({
    where: { youngPersonId, consentedAt: null, expiresAt: { gt: now } },
    orderBy: { createdAt: "desc" },
    select: { guardianContact: true, expiresAt: true },
  });
  if (!latest) return null;
  const masked = latest.guardianContact.includes("@") ? maskEmail(latest.guardianContact) : maskPhone(latest.guardianContact);
  return { sentTo: masked, expiresAt: latest.expiresAt.toISOString() };
}

async function linkProblem(db: Db, token: string, now: Date): Promise<DomainError> {
  const consent = await db.guardianConsent.findUnique({ where: { tokenHash: hashToken(token) }, select: { consentedAt: true, expiresAt: true } });
  if (!consent) {
    return new DomainError("CONSENT_LINK_UNKNOWN", "We do not recognise this link. Check you opened the whole link from the message.");
  }
  if (consent.consentedAt) return new DomainError("CONSENT_LINK_USED", "This link has already been used to give consent. You can sign in to see bookings.");
  if (consent.expiresAt <= now) {
    return new DomainError("CONSENT_LINK_EXPIRED", "This link has run out. Ask your child to send you a new one from their Playpass.");
  }
  return new DomainError("CONSENT_LINK_UNKNOWN", "We do not recognise this link. Check you opened the whole link from the message.");
}

/** What the consent page shows: the child's first name and where the link was sent. */
export async function readConsentLink(db: Db, token: string, now = new Date()) {
  const consent = await db.guardianConsent.findUnique({
    where: { tokenHash: hashToken(token) },
    select: { consentedAt: true, expiresAt: true, guardianContact: true, youngPerson: { select: { firstName: true, status: true } } },
  });
  if (!consent || consent.consentedAt || consent.expiresAt <= now || consent.youngPerson.status === "DEACTIVATED") {
    throw await linkProblem(db, token, now);
  }
  return { firstName: consent.youngPerson.firstName, guardianContact: consent.guardianContact };
}

/**
 * Gives consent once: the link is claimed by a conditional update (a second click, or two at once, finds it
 * used), the guardian's account is found or made from the contact the link was sent to, linked as GUARDIAN,
 * and the young person's pass becomes ACTIVE.
 */
export async function giveGuardianConsent(db: Db, token: string, now = new Date()) {
  const result = await db.$transaction(async (tx) => {
    const [claimed] = await tx.$queryRaw<{ id: string; youngPersonId: string; guardianContact: string }[]>`
      UPDATE "GuardianConsent" SET "consentedAt" = ${now}
      WHERE "tokenHash" = ${hashToken(token)} AND "consentedAt" IS NULL AND "expiresAt" > ${now}
      RETURNING "id", "youngPersonId", "guardianContact"`;
    if (!claimed) return null;
    const youngPerson = await tx.youngPerson.findUniqueOrThrow({ where: { id: claimed.youngPersonId }, select: { id: true, councilId: true, firstName: true, status: true } });
    const isEmail = claimed.guardianContact.includes("@");
    const where = isEmail ? { email: claimed.guardianContact } : { phone: claimed.guardianContact };
    const user =
      (await tx.user.findUnique({ where, select: { id: true } })) ??
      (await tx.user.create({ data: { ...where, displayName: `${youngPerson.firstName}'s parent or guardian` }, select: { id: true } }));
    // NULL columns never clash in the unique index, so look before adding.
    const existing = await tx.membership.findFirst({ where: { userId: user.id, role: "GUARDIAN", youngPersonId: youngPerson.id }, select: { id: true } });
    if (!existing) await tx.membership.create({ data: { userId: user.id, role: "GUARDIAN", youngPersonId: youngPerson.id } });
    await tx.guardianConsent.update({ where: { id: claimed.id }, data: { guardianUserId: user.id } });
    await tx.youngPerson.updateMany({ where: { id: youngPerson.id, status: "AWAITING_CONSENT" }, data: { status: "ACTIVE", guardianConsentAt: now } });
    await recordAudit(tx, {
      councilId: youngPerson.councilId,
      actorUserId: user.id,
      action: "guardian_consent.given",
      entityType: "YoungPerson",
      entityId: youngPerson.id,
      data: { consentId: claimed.id },
    });
    return { guardianUserId: user.id, youngPersonId: youngPerson.id, firstName: youngPerson.firstName };
  });
  if (!result) throw await linkProblem(db, token, now);
  return result;
}
