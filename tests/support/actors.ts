// Signed-in people for route and auth tests: users with one membership, real session cookies, and
// readers for what single-fetch loaders and actions return or throw (plain objects, data(), Responses).
import type { Role } from "~/generated/prisma/enums";
import { getDb } from "~/lib/db.server";
import { startSession } from "~/lib/session.server";
import { uniqueSuffix } from "../factories";

export type MembershipScope = { councilId?: string; providerId?: string; youngPersonId?: string };

/** A user with a unique email and no memberships. */
export async function createUser(options: { email?: string | null; phone?: string | null; displayName?: string } = {}) {
  const suffix = uniqueSuffix();
  return getDb().user.create({
    data: {
      email: options.email === undefined ? `user-${suffix}@example.test` : options.email,
      phone: options.phone ?? null,
      displayName: options.displayName ?? `Test User ${suffix}`,
    },
  });
}

/** A user holding one role in one place (a council, a provider or a young person's record). */
export async function createMember(role: Role, scope: MembershipScope, options: Parameters<typeof createUser>[0] = {}) {
  const user = await createUser(options);
  await getDb().membership.create({
    data: {
      userId: user.id,
      role,
      councilId: scope.councilId ?? null,
      providerId: scope.providerId ?? null,
      youngPersonId: scope.youngPersonId ?? null,
    },
  });
  if (role === "YOUNG_PERSON" && scope.youngPersonId) {
    await getDb().youngPerson.update({ where: { id: scope.youngPersonId }, data: { userId: user.id } });
  }
  return user;
}

/** The `name=value` part of a Set-Cookie header, as a browser sends it back in Cookie. */
export function cookiePair(setCookie: string): string {
  return setCookie.split(";")[0]!.trim();
}

/** Starts a real session for the user and returns the Cookie header a browser would send. */
export async function signIn(userId: string): Promise<string> {
  return cookiePair(await startSession(new Request("http://localhost/"), userId));
}

/** A GET as the signed-in browser (or signed out, with no cookie). */
export function getRequest(path: string, cookie?: string): Request {
  return new Request(new URL(path, "http://localhost"), { headers: cookie ? { Cookie: cookie } : {} });
}

/** A form POST as a browser sends it without JavaScript. */
export function formRequest(path: string, fields: Record<string, string>, options: { cookie?: string; headers?: Record<string, string> } = {}): Request {
  const headers: Record<string, string> = { "Content-Type": "application/x-www-form-urlencoded", ...options.headers };
  if (options.cookie) headers.Cookie = options.cookie;
  return new Request(new URL(path, "http://localhost"), { method: "POST", headers, body: new URLSearchParams(fields).toString() });
}

/** Loader and action arguments as Remix passes them. */
export function routeArgs(request: Request, params: Record<string, string> = {}) {
  return { request, params, context: {} };
}

type DataWithInit = { type: "DataWithResponseInit"; data: unknown; init: ResponseInit | null };

function isDataWithInit(value: unknown): value is DataWithInit {
  return typeof value === "object" && value !== null && (value as { type?: unknown }).type === "DataWithResponseInit" && "data" in value;
}

/** What a loader or action returned, with its status: plain objects are 200, data() carries its own. */
export function unwrap<T = Record<string, unknown>>(result: unknown): { data: T; status: number } {
  if (result instanceof Response) throw new Error(`expected data, got a Response ${result.status} ${result.headers.get("Location") ?? ""}`);
  if (isDataWithInit(result)) return { data: result.data as T, status: result.init?.status ?? 200 };
  return { data: result as T, status: 200 };
}

/** Runs a loader or action that must throw (a redirect or a refusal); returns what it threw. */
export async function thrownBy(promise: Promise<unknown>): Promise<unknown> {
  try {
    const result = await promise;
    throw new ExpectedThrow(result);
  } catch (error) {
    if (error instanceof ExpectedThrow) throw new Error(`expected a thrown Response or data(), but it returned ${safeJson(error.returned)}`);
    return error;
  }
}

class ExpectedThrow extends Error {
  constructor(readonly returned: unknown) {
    super("expected a throw");
  }
}

/** Status of a thrown Response or data() refusal; anything else (a crash) is rethrown. */
export function statusOf(thrown: unknown): number {
  if (thrown instanceof Response) return thrown.status;
  if (isDataWithInit(thrown)) return thrown.init?.status ?? 200;
  throw thrown;
}

/** The Location of a thrown redirect; anything else is rethrown. */
export function redirectLocation(thrown: unknown): string {
  if (thrown instanceof Response && thrown.status >= 300 && thrown.status < 400) return thrown.headers.get("Location") ?? "";
  throw thrown;
}

function safeJson(value: unknown): string {
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  } catch {
    return String(value);
  }
}
