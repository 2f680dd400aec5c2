// The providers' JSON API plumbing: Bearer API keys (checked in constant time, rate-limited), JSON errors of one
// shape ({ error: { code, message, fields } }), Zod-checked bodies, and Idempotency-Key replays stored in PostgreSQL.
import { createHash } from "node:crypto";
import type { z } from "zod";
import { authenticateApiKey, type ApiClient } from "~/domain/providers/api-keys";
import { isDomainError, statusForDomainError, type DomainError } from "~/domain/errors";
import type { Prisma } from "~/generated/prisma/client";
import { getDb } from "./db.server";
import { logger } from "./logger.server";
import { clientAddress, consume, ensureNotLimited, RateLimited } from "./rate-limit.server";

export type { ApiClient };
export type ApiFields = Record<string, string[]>;
export type ApiAnswer = { status: number; body: unknown };

const JSON_HEADERS = { "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff" };

export function apiJson(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

export function apiError(status: number, code: string, message: string, fields?: ApiFields, headers: Record<string, string> = {}): Response {
  return apiJson({ error: { code, message, ...(fields ? { fields } : {}) } }, status, headers);
}

/** A domain error as the API answers it; another provider's booking is indistinguishable from no booking. */
export function domainErrorAnswer(error: DomainError): ApiAnswer {
  if (error.code === "WRONG_PROVIDER" || error.code === "UNKNOWN_CODE") {
    return { status: 404, body: { error: { code: "UNKNOWN_CODE", message: "No booking of yours has that code.", fields: { code: ["No booking of yours has that code."] } } } };
  }
  const fields = error.field ? { [error.field]: [error.message] } : undefined;
  return { status: statusForDomainError(error), body: { error: { code: error.code, message: error.message, ...(fields ? { fields } : {}) } } };
}

/** Runs an API handler: a Response thrown on the way (401, 429, 400...) is the answer; anything else is a logged 500. */
export async function apiHandler(request: Request, handle: () => Promise<Response>): Promise<Response> {
  try {
    return await handle();
  } catch (thrown) {
    if (thrown instanceof Response) return thrown;
    if (isDomainError(thrown)) {
      const answer = domainErrorAnswer(thrown);
      return apiJson(answer.body, answer.status);
    }
    logger.error({ path: new URL(request.url).pathname, error: thrown instanceof Error ? thrown.message : String(thrown) }, "API request failed");
    return apiError(500, "INTERNAL_ERROR", "Something went wrong on our side. Retry with the same Idempotency-Key.");
  }
}

/**
 * The provider behind the request's `Authorization: Bearer <key>`. A missing, wrong or revoked key is a 401
 * that says no more; too many requests from an address or for a key is a 429 with Retry-After.
 *
 * Wrong keys are limited two ways. Per address: once an address has sent too many, it waits, even with a right
 * key. Per key prefix (the account): the key is checked first (in constant time) and only a wrong one is counted
 * or refused there, so guessers who know a provider's prefix, which is not secret, cannot lock out its system.
 * Guessing the 256-bit secret is hopeless either way; the per-address limit bounds the work a guesser can cause.
 */
export async function authenticateApi(request: Request): Promise<ApiClient> {
  const address = clientAddress(request);
  await limited([["apiPerIp", address]]);
  const header = request.headers.get("authorization") ?? "";
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  await limited([["apiKeyFailuresPerIp", address]], ensureNotLimited);
  const client = token ? await authenticateApiKey(getDb(), token) : null;
  if (!client) {
    if (token) await countWrongKey(address, token);
    throw apiError(401, "UNAUTHORISED", token ? "That API key is not valid, or it was revoked." : "Send your API key as Authorization: Bearer <key>.", undefined, {
      "WWW-Authenticate": 'Bearer realm="playpass"',
    });
  }
  await limited([["apiPerKey", client.keyId]]);
  return client;
}

/** Spends a wrong-key point of the address and of the key's prefix (if it has one); a 429 once either is used up. */
async function countWrongKey(address: string, token: string) {
  const prefix = /^pp_live_([0-9a-f]{10})_/.exec(token)?.[1];
  const checks: Parameters<typeof consume>[0] = [["apiKeyFailuresPerIp", address]];
  if (prefix) checks.push(["apiKeyFailuresPerPrefix", prefix]);
  await limited(checks);
}

async function limited(checks: Parameters<typeof consume>[0], check = consume) {
  try {
    await check(checks);
  } catch (error) {
    if (error instanceof RateLimited) {
      throw apiError(429, "TOO_MANY_REQUESTS", `Too many requests. Try again in ${error.retryAfterSeconds} seconds.`, undefined, { "Retry-After": String(error.retryAfterSeconds) });
    }
    throw error;
  }
}

/** Zod issues as { "lines.2.code": ["..."] }. */
export function fieldsOf(error: z.ZodError): ApiFields {
  const fields: ApiFields = {};
  for (const issue of error.issues) {
    const key = issue.path.length > 0 ? issue.path.join(".") : "body";
    (fields[key] ??= []).push(issue.message);
  }
  return fields;
}

/** The JSON body checked against the schema, and as sent (for the idempotency fingerprint); a 400 otherwise. */
export async function readJsonBody<S extends z.ZodType>(request: Request, schema: S): Promise<{ value: z.infer<S>; raw: unknown }> {
  let raw: unknown;
  try {
    raw = JSON.parse(await request.text());
  } catch {
    throw apiError(400, "INVALID_JSON", "The request body must be JSON.");
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) throw apiError(400, "INVALID_INPUT", "Some of the request is not right: see fields.", fieldsOf(parsed.error));
  return { value: parsed.data, raw };
}

/** JSON with object keys sorted, so the same body sent with its keys in another order is the same request. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value && typeof value === "object") {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(",")}}`;
  }
  return JSON.stringify(value);
}

export function idempotencyKeyOf(request: Request): string {
  const key = request.headers.get("idempotency-key")?.trim();
  if (!key) throw apiError(400, "IDEMPOTENCY_KEY_REQUIRED", "Send an Idempotency-Key header (a unique value per request, such as a UUID) so a retry is never done twice.");
  if (!/^[\x21-\x7e]{1,255}$/.test(key)) throw apiError(400, "INVALID_IDEMPOTENCY_KEY", "The Idempotency-Key must be 1 to 255 visible ASCII characters.");
  return key;
}

/** A claim left by a request that never finished (its process died) is taken over after this. */
const ABANDONED_CLAIM_MS = 60_000;

/**
 * Runs a POST once per (provider, Idempotency-Key). The key is claimed in PostgreSQL before the work starts; the
 * answer is stored when it ends. The same key with the same body replays the stored answer (Idempotent-Replayed:
 * true); with a different body, or while the first is still running, it is a 409. Bodies that fail validation are
 * refused before the claim, so correcting them under the same key works, as with Stripe.
 */
export async function idempotent(request: Request, client: ApiClient, key: string, raw: unknown, run: () => Promise<ApiAnswer>): Promise<Response> {
  const db = getDb();
  const requestHash = createHash("sha256").update(`${request.method} ${new URL(request.url).pathname}\n${canonical(raw)}`).digest("hex");
  const where = { providerId_idempotencyKey: { providerId: client.providerId, idempotencyKey: key } };

  const claimed = await db.apiIdempotency.createMany({ data: [{ providerId: client.providerId, idempotencyKey: key, requestHash, status: 0, body: {} }], skipDuplicates: true });
  if (claimed.count === 0) {
    const stored = await db.apiIdempotency.findUniqueOrThrow({ where });
    if (stored.requestHash !== requestHash) {
      return apiError(409, "IDEMPOTENCY_CONFLICT", "This Idempotency-Key was already used for a different request. Use a new key for a new request.");
    }
    if (stored.status !== 0) return apiJson(stored.body, stored.status, { "Idempotent-Replayed": "true" });
    const takenOver = await db.apiIdempotency.updateMany({
      where: { providerId: client.providerId, idempotencyKey: key, status: 0, createdAt: { lt: new Date(Date.now() - ABANDONED_CLAIM_MS) } },
      data: { createdAt: new Date() },
    });
    if (takenOver.count === 0) {
      return apiError(409, "REQUEST_IN_PROGRESS", "A request with this Idempotency-Key is still being processed. Retry in a moment.", undefined, { "Retry-After": "1" });
    }
  }

  let answer: ApiAnswer;
  try {
    answer = await run();
  } catch (error) {
    if (!isDomainError(error)) {
      // Nothing was answered: release the key so the client's retry runs again.
      await db.apiIdempotency.deleteMany({ where: { providerId: client.providerId, idempotencyKey: key, status: 0 } });
      throw error;
    }
    answer = domainErrorAnswer(error);
  }
  await db.apiIdempotency.update({ where, data: { status: answer.status, body: answer.body as Prisma.InputJsonValue } });
  return apiJson(answer.body, answer.status);
}

/** For routes that only take POST. */
export const methodNotAllowed = (allow: string) => apiError(405, "METHOD_NOT_ALLOWED", `Use ${allow} here.`, undefined, { Allow: allow });
