// Sessions in PostgreSQL behind a signed, httpOnly, SameSite cookie that carries only a random id.
import { randomBytes } from "node:crypto";
import { createCookie } from "@remix-run/node";
import { getDb } from "./db.server";
import { getEnv } from "./env.server";

export const SESSION_DAYS = 30;
const DAY = 24 * 60 * 60 * 1000;

let cookie: ReturnType<typeof createCookie> | undefined;
function sessionCookie() {
  const env = getEnv();
  cookie ??= createCookie("__playpass", {
    httpOnly: true,
    sameSite: "lax",
    path: "/",
    secure: env.NODE_ENV === "production",
    secrets: [env.SESSION_SECRET],
    maxAge: SESSION_DAYS * 24 * 60 * 60,
  });
  return cookie;
}

export async function readSessionId(request: Request): Promise<string | null> {
  const value = await sessionCookie().parse(request.headers.get("Cookie"));
  return typeof value === "string" ? value : null;
}

/** The signed-in user's id, or null. Expired or deleted sessions are not sessions. */
export async function getSessionUserId(request: Request): Promise<string | null> {
  const sessionId = await readSessionId(request);
  if (!sessionId) return null;
  const session = await getDb().session.findUnique({ where: { id: sessionId }, select: { userId: true, expiresAt: true } });
  if (!session || session.expiresAt <= new Date()) return null;
  return session.userId;
}

/**
 * Starts a new session for a user and returns its Set-Cookie header. Any session the browser had
 * before is deleted, so an id planted before sign-in is worthless after it (no fixation).
 */
export async function startSession(request: Request, userId: string): Promise<string> {
  const previous = await readSessionId(request);
  const id = randomBytes(32).toString("base64url");
  await getDb().$transaction([
    getDb().session.deleteMany({ where: { id: previous ?? "" } }),
    getDb().session.create({ data: { id, userId, expiresAt: new Date(Date.now() + SESSION_DAYS * DAY) } }),
  ]);
  return sessionCookie().serialize(id);
}

/** Ends this browser's session. */
export async function endSession(request: Request): Promise<string> {
  const sessionId = await readSessionId(request);
  if (sessionId) await getDb().session.deleteMany({ where: { id: sessionId } });
  return sessionCookie().serialize("", { maxAge: 0 });
}

/** Ends every session of a user, on every device. */
export async function endAllSessions(userId: string) {
  await getDb().session.deleteMany({ where: { userId } });
}
