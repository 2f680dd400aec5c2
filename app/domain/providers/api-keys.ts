// Per-provider API keys for leisure-management systems: created (shown once), named, revoked; stored as a prefix and a hash.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Db, DbTx } from "~/lib/db.server";
import { recordAudit } from "../audit";
import { DomainError } from "../errors";

/**
 * A key reads `pp_live_<prefix>_<secret>`. The prefix (40 random bits) finds the row and tells keys apart in
 * the portal; the secret (256 random bits) is only ever stored as its SHA-256, so a leaked table opens nothing.
 * A slow hash is not needed: nobody can guess 256 bits, and requests are rate-limited besides.
 */
export const API_KEY_ENTROPY_BITS = 256;
const KEY_PATTERN = /^pp_live_([0-9a-f]{10})_([A-Za-z0-9_-]{43})$/;

const hashSecret = (secret: string) => createHash("sha256").update(secret, "utf8").digest();
// Compared against when no key has the prefix, so a miss costs the same as a wrong secret.
const DUMMY_HASH = hashSecret("no key has this prefix");

export type ApiClient = { keyId: string; keyName: string; providerId: string };

/** The stored form of a well-formed key (for a key chosen in advance, such as the demo's). */
export function apiKeyRecordFor(token: string): { prefix: string; secretHash: string } {
  const match = KEY_PATTERN.exec(token);
  if (!match) throw new Error("not a Playpass API key");
  return { prefix: match[1]!, secretHash: hashSecret(match[2]!).toString("hex") };
}

export async function createApiKey(db: Db, input: { providerId: string; name: string; actorUserId: string | null }) {
  const name = input.name.trim();
  if (name.length === 0 || name.length > 80) throw new DomainError("INVALID_INPUT", "Give the key a name of up to 80 characters, like the system that will use it.", "name");
  const prefix = randomBytes(5).toString("hex");
  const secret = randomBytes(32).toString("base64url");
  return db.$transaction(async (tx) => {
    const key = await tx.apiKey.create({
      data: { providerId: input.providerId, name, prefix, secretHash: hashSecret(secret).toString("hex"), createdByUserId: input.actorUserId },
      select: { id: true, name: true, prefix: true, createdAt: true },
    });
    await recordAudit(tx, { actorUserId: input.actorUserId, action: "api_key.created", entityType: "ApiKey", entityId: key.id, data: { providerId: input.providerId, prefix } });
    return { ...key, token: `pp_live_${prefix}_${secret}` };
  });
}

export async function listApiKeys(db: DbTx, providerId: string) {
  return db.apiKey.findMany({
    where: { providerId },
    orderBy: [{ revokedAt: { sort: "desc", nulls: "first" } }, { createdAt: "desc" }],
    select: { id: true, name: true, prefix: true, createdAt: true, lastUsedAt: true, revokedAt: true },
  });
}

/** Revoking twice is harmless; another provider's key is not found. */
export async function revokeApiKey(db: Db, input: { providerId: string; keyId: string; actorUserId: string | null; now?: Date }) {
  const now = input.now ?? new Date();
  return db.$transaction(async (tx) => {
    const key = await tx.apiKey.findFirst({ where: { id: input.keyId, providerId: input.providerId }, select: { id: true, name: true, revokedAt: true } });
    if (!key) throw new DomainError("NOT_FOUND", "We could not find that API key.");
    if (key.revokedAt) return { ...key, alreadyRevoked: true };
    await tx.apiKey.update({ where: { id: key.id }, data: { revokedAt: now } });
    await recordAudit(tx, { actorUserId: input.actorUserId, action: "api_key.revoked", entityType: "ApiKey", entityId: key.id, data: { providerId: input.providerId } });
    return { ...key, revokedAt: now, alreadyRevoked: false };
  });
}

/** The provider a presented key belongs to, or null for a malformed, unknown, wrong or revoked key. */
export async function authenticateApiKey(db: Db, token: string, now = new Date()): Promise<ApiClient | null> {
  const match = KEY_PATTERN.exec(token);
  const key = match ? await db.apiKey.findUnique({ where: { prefix: match[1]! }, select: { id: true, name: true, providerId: true, secretHash: true, revokedAt: true, lastUsedAt: true } }) : null;
  const presented = hashSecret(match?.[2] ?? "");
  const stored = key ? Buffer.from(key.secretHash, "hex") : DUMMY_HASH;
  const equal = stored.length === presented.length && timingSafeEqual(stored, presented);
  if (!key || !equal || key.revokedAt) return null;
  // Written at most once a minute, so a busy system does not turn every read into a write.
  if (!key.lastUsedAt || now.getTime() - key.lastUsedAt.getTime() > 60_000) {
    await db.apiKey.update({ where: { id: key.id }, data: { lastUsedAt: now } });
  }
  return { keyId: key.id, keyName: key.name, providerId: key.providerId };
}
