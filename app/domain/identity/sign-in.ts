// Passwordless sign-in: a six-digit code by SMS or email, single-use, ten minutes, five tries.
import { createHmac, timingSafeEqual } from "node:crypto";
import type { Db } from "~/lib/db.server";
import { getEnv } from "~/lib/env.server";
import { newOneTimeCode } from "../codes";
import { DomainError } from "../errors";
import { queueMessage } from "../notifications/messages";
import type { NormalisedContact } from "./contact";

export const CODE_TTL_MINUTES = 10;
export const MAX_ATTEMPTS_PER_CODE = 5;

function hashCode(target: string, code: string) {
  return createHmac("sha256", getEnv().SESSION_SECRET).update(`${target}:${code}`).digest("hex");
}

/**
 * Sends a code when the contact belongs to someone; answers the same either way so nobody can
 * find out who has an account. Returns the message id to deliver, or null.
 */
export async function requestSignInCode(db: Db, contact: NormalisedContact, now = new Date()): Promise<string | null> {
  const user = await db.user.findUnique({
    where: contact.kind === "email" ? { email: contact.value } : { phone: contact.value },
    select: { id: true, displayName: true },
  });
  if (!user) return null;
  const code = newOneTimeCode();
  return db.$transaction(async (tx) => {
    // A new code replaces any earlier one still waiting.
    await tx.verification.updateMany({
      where: { purpose: "SIGN_IN", target: contact.value, usedAt: null },
      data: { usedAt: now },
    });
    await tx.verification.create({
      data: {
        purpose: "SIGN_IN",
        target: contact.value,
        codeHash: hashCode(contact.value, code),
        expiresAt: new Date(now.getTime() + CODE_TTL_MINUTES * 60_000),
      },
    });
    return queueMessage(tx, contact.kind === "email" ? { email: contact.value } : { phone: contact.value }, {
      template: "sign-in-code",
      subject: "Your Playpass sign-in code",
      body: `${code} is your Playpass code. It works once, for ${CODE_TTL_MINUTES} minutes. Nobody from Playpass will ask you for it.`,
      sensitive: true,
    });
  });
}

/** Checks a code; on success it is used up and the user's id is returned. */
export async function verifySignInCode(db: Db, contact: NormalisedContact, code: string, now = new Date()): Promise<string> {
  const cleaned = code.replace(/\s/g, "");
  if (!/^\d{6}$/.test(cleaned)) throw new DomainError("CODE_INVALID", "Enter the 6-digit code from your message.", "code");

  const result = await db.$transaction(async (tx) => {
    const [pending] = await tx.$queryRaw<{ id: string; codeHash: string; attempts: number; expiresAt: Date }[]>`
      SELECT "id", "codeHash", "attempts", "expiresAt" FROM "Verification"
      WHERE "purpose" = 'SIGN_IN' AND "target" = ${contact.value} AND "usedAt" IS NULL
      ORDER BY "createdAt" DESC LIMIT 1 FOR UPDATE`;
    if (!pending) return { error: new DomainError("CODE_INVALID", "That code is not right or has been used. Ask for a new code.", "code") };
    if (pending.expiresAt <= now) return { error: new DomainError("CODE_EXPIRED", "That code has expired. Ask for a new code.", "code") };
    if (pending.attempts >= MAX_ATTEMPTS_PER_CODE) {
      return { error: new DomainError("TOO_MANY_ATTEMPTS", "Too many wrong codes. Ask for a new code.", "code") };
    }
    const expected = Buffer.from(pending.codeHash, "hex");
    const given = Buffer.from(hashCode(contact.value, cleaned), "hex");
    if (!timingSafeEqual(expected, given)) {
      // The failed attempt is counted even though we answer with an error: it must commit.
      await tx.verification.update({ where: { id: pending.id }, data: { attempts: { increment: 1 } } });
      return { error: new DomainError("CODE_INVALID", "That code is not right. Check the message and try again.", "code") };
    }
    await tx.verification.update({ where: { id: pending.id }, data: { usedAt: now, attempts: { increment: 1 } } });
    const user = await tx.user.update({
      where: contact.kind === "email" ? { email: contact.value } : { phone: contact.value },
      data: { lastSignInAt: now },
      select: { id: true },
    });
    return { userId: user.id };
  });
  if ("error" in result) throw result.error;
  return result.userId;
}
