// Access control in one place: who is signed in, and what they may reach. Every loader and action
// goes through these helpers, and scopes its queries by the ids they return, never by URL ids alone.
import { data, redirect } from "@remix-run/node";
import type { Role, YoungPersonStatus } from "~/generated/prisma/enums";
import { getDb } from "./db.server";
import { readSessionId } from "./session.server";

export type Membership = { role: Role; councilId: string | null; providerId: string | null; youngPersonId: string | null };
export type Actor = { userId: string; displayName: string; isPlatformAdmin: boolean; memberships: Membership[] };

/** A young person's record as every young page needs it, read with the session (see requireYoungPerson). */
type YoungPersonRecord = { id: string; councilId: string; firstName: string; status: string };
type ActorRow = { userId: string; displayName: string; isPlatformAdmin: boolean; memberships: Membership[]; youngPerson: YoungPersonRecord | null };

/**
 * The signed-in user, their memberships and (for a young person) their own record, from the session cookie, in one
 * query: every signed-in page and form starts here, and a query per table was a round trip each. Read afresh on
 * every request, never cached, so signing out (everywhere) takes effect at once. Expired sessions are not sessions.
 */
async function readActor(request: Request): Promise<{ actor: Actor; youngPerson: YoungPersonRecord | null } | null> {
  const sessionId = await readSessionId(request);
  if (!sessionId) return null;
  // The young person is the one of the first YOUNG_PERSON membership in the same order as the memberships.
  const [row] = await getDb().$queryRaw<ActorRow[]>`
    SELECT u."id" AS "userId", u."displayName", u."isPlatformAdmin",
      COALESCE(json_agg(json_build_object('role', m."role", 'councilId', m."councilId", 'providerId', m."providerId", 'youngPersonId', m."youngPersonId")
        ORDER BY m."createdAt", m."id") FILTER (WHERE m."id" IS NOT NULL), '[]'::json) AS "memberships",
      (array_agg(json_build_object('id', yp."id", 'councilId', yp."councilId", 'firstName', yp."firstName", 'status', yp."status")
        ORDER BY m."createdAt", m."id") FILTER (WHERE m."role" = 'YOUNG_PERSON' AND yp."id" IS NOT NULL))[1] AS "youngPerson"
    FROM "Session" s
    JOIN "User" u ON u."id" = s."userId"
    LEFT JOIN "Membership" m ON m."userId" = u."id"
    LEFT JOIN "YoungPerson" yp ON yp."id" = m."youngPersonId"
    WHERE s."id" = ${sessionId} AND s."expiresAt" > ${new Date()}
    GROUP BY u."id"`;
  if (!row) return null;
  return {
    actor: { userId: row.userId, displayName: row.displayName, isPlatformAdmin: row.isPlatformAdmin, memberships: row.memberships },
    youngPerson: row.youngPerson,
  };
}

/** The signed-in user with their memberships, from the session cookie (one query; see readActor). */
export async function getActor(request: Request): Promise<Actor | null> {
  return (await readActor(request))?.actor ?? null;
}

export async function loadActor(userId: string): Promise<Actor | null> {
  const user = await getDb().user.findUnique({
    where: { id: userId },
    select: {
      id: true,
      displayName: true,
      isPlatformAdmin: true,
      memberships: { select: { role: true, councilId: true, providerId: true, youngPersonId: true } },
    },
  });
  if (!user) return null;
  return { userId: user.id, displayName: user.displayName, isPlatformAdmin: user.isPlatformAdmin, memberships: user.memberships };
}

function toSignIn(request: Request): never {
  const url = new URL(request.url);
  throw redirect(`/login?${new URLSearchParams({ redirectTo: url.pathname + url.search })}`);
}

/** Signed in, or off to the sign-in page and back here afterwards. */
export async function requireActor(request: Request): Promise<Actor> {
  return (await readActor(request))?.actor ?? toSignIn(request);
}

function forbidden(message: string): never {
  throw data({ message }, { status: 403 });
}

/** A signed-in young person with their own record (read with the session: no second query). */
export async function requireYoungPerson(request: Request) {
  const signedIn = (await readActor(request)) ?? toSignIn(request);
  const { actor } = signedIn;
  const membership = actor.memberships.find((m) => m.role === "YOUNG_PERSON");
  if (!membership?.youngPersonId) forbidden("This page is for young people with a Playpass.");
  // The membership's foreign key means the record is there; its absence is a broken database, not a refusal.
  if (signedIn.youngPerson?.id !== membership.youngPersonId) throw new Error(`Young person ${membership.youngPersonId} of a membership was not found`);
  const youngPerson = { ...signedIn.youngPerson, status: signedIn.youngPerson.status as YoungPersonStatus };
  if (youngPerson.status === "DEACTIVATED") forbidden("This pass has been closed by the council. Contact them if you think this is wrong.");
  return { actor, youngPerson };
}

const PROVIDER_ROLES: Role[] = ["PROVIDER_MANAGER", "DOOR_STAFF"];

/** Provider staff with one of the roles; door staff can only redeem, so pages pass ["PROVIDER_MANAGER"] where needed. */
export async function requireProviderStaff(request: Request, roles: Role[] = PROVIDER_ROLES) {
  const actor = await requireActor(request);
  const membership = actor.memberships.find((m) => roles.includes(m.role) && m.providerId);
  if (!membership?.providerId) {
    const isStaff = actor.memberships.some((m) => PROVIDER_ROLES.includes(m.role));
    forbidden(isStaff ? "Your role at this provider cannot do this. Ask your manager." : "This page is for provider staff.");
  }
  return { actor, providerId: membership.providerId, role: membership.role };
}

const OFFICER_ROLES: Role[] = ["OFFICER", "FINANCE_OFFICER"];

export async function requireOfficer(request: Request, roles: Role[] = OFFICER_ROLES) {
  const actor = await requireActor(request);
  const membership = actor.memberships.find((m) => roles.includes(m.role) && m.councilId);
  if (!membership?.councilId) {
    const isOfficer = actor.memberships.some((m) => OFFICER_ROLES.includes(m.role));
    forbidden(isOfficer ? "Your council role cannot do this." : "This page is for council officers.");
  }
  return { actor, councilId: membership.councilId, role: membership.role };
}

export async function requirePlatformAdmin(request: Request) {
  const actor = await requireActor(request);
  if (!actor.isPlatformAdmin) forbidden("This page is for Playpass platform administrators.");
  return actor;
}

/** Where a person lands after signing in. */
export function homePathFor(actor: Actor): string {
  const roles = new Set(actor.memberships.map((m) => m.role));
  if (roles.has("YOUNG_PERSON")) return "/young";
  if (roles.has("GUARDIAN")) return "/guardian";
  if (roles.has("PROVIDER_MANAGER") || roles.has("DOOR_STAFF")) return "/provider";
  if (roles.has("OFFICER") || roles.has("FINANCE_OFFICER")) return "/council";
  if (actor.isPlatformAdmin) return "/admin";
  return "/";
}

/** Only same-site paths are followed after sign-in. */
export function safeRedirect(to: FormDataEntryValue | string | null | undefined, fallback: string): string {
  if (typeof to !== "string" || !to.startsWith("/") || to.startsWith("//") || to.startsWith("/\\")) return fallback;
  // Judged as a browser reads it: tabs and newlines are dropped and "\" is "/", so "/\t/evil.example" is off-site.
  const site = "http://playpass.invalid";
  if (!URL.canParse(to, site) || new URL(to, site).origin !== site) return fallback;
  // As typed, not normalised: new URL("/.//evil.example").pathname is "//evil.example".
  return to;
}
