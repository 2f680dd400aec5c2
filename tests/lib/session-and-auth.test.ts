import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { requireActor, requireOfficer, requireProviderStaff, requireYoungPerson, safeRedirect } from "~/lib/auth.server";
import { endAllSessions, endSession, getSessionUserId, startSession } from "~/lib/session.server";
import { createCouncil, createProvider, createYoungPerson } from "../factories";
import { cookiePair, createMember, createUser, getRequest, redirectLocation, signIn, statusOf, thrownBy } from "../support/actors";

const db = () => getDb();

/** The session id a signed cookie carries: Remix signs base64(JSON(value)) as "<value>.<signature>". */
function sessionIdIn(cookie: string): string {
  const value = decodeURIComponent(cookie.slice(cookie.indexOf("=") + 1));
  const encoded = value.slice(0, value.lastIndexOf("."));
  return JSON.parse(Buffer.from(encoded, "base64").toString("utf8")) as string;
}

/** The same cookie with one character of its signature changed. */
function tamperedSignature(cookie: string): string {
  const value = decodeURIComponent(cookie.slice(cookie.indexOf("=") + 1));
  const last = value.at(-2) === "A" ? "B" : "A";
  return `${cookie.slice(0, cookie.indexOf("="))}=${encodeURIComponent(value.slice(0, -2) + last + value.at(-1))}`;
}

/** A cookie named like ours, carrying someone's session id but signed with another secret. */
function forgedCookie(sessionId: string): string {
  const encoded = Buffer.from(JSON.stringify(sessionId), "utf8").toString("base64");
  return `__playpass=${encodeURIComponent(`${encoded}.${Buffer.from("not our signature").toString("base64").replace(/=+$/, "")}`)}`;
}

const asBrowser = (cookie?: string, path = "/") => getRequest(path, cookie);

describe("sessions", () => {
  it("starts with a cookie that is HttpOnly, SameSite=Lax, scoped to the site and signed", async () => {
    const user = await createUser();
    const setCookie = await startSession(new Request("http://localhost/"), user.id);
    const attributes = setCookie.split(";").map((part) => part.trim().toLowerCase());
    expect(attributes).toContain("httponly");
    expect(attributes).toContain("samesite=lax");
    expect(attributes).toContain("path=/");
    expect(attributes.some((a) => a.startsWith("max-age=") && Number(a.slice(8)) > 0)).toBe(true);

    const cookie = cookiePair(setCookie);
    expect(cookie.startsWith("__playpass=")).toBe(true);
    // Signed: the value is the encoded id, a dot, and a signature; the id is the session row's.
    const sessionId = sessionIdIn(cookie);
    expect(decodeURIComponent(cookie)).toMatch(/=[A-Za-z0-9+/=]+\.[A-Za-z0-9+/]+$/);
    expect(await db().session.findUnique({ where: { id: sessionId } })).toMatchObject({ userId: user.id });
    expect(sessionId.length).toBeGreaterThanOrEqual(43); // 32 random bytes
  });

  it("reads the signed-in user back from the cookie", async () => {
    const user = await createUser();
    expect(await getSessionUserId(asBrowser(await signIn(user.id)))).toBe(user.id);
    expect(await getSessionUserId(asBrowser())).toBeNull();
  });

  it("deletes a session id planted before sign-in (no session fixation)", async () => {
    const attacker = await createUser();
    const victim = await createUser();
    const planted = await signIn(attacker.id);

    const setCookie = await startSession(asBrowser(planted), victim.id);
    const fresh = cookiePair(setCookie);
    expect(sessionIdIn(fresh)).not.toBe(sessionIdIn(planted));
    expect(await db().session.findUnique({ where: { id: sessionIdIn(planted) } })).toBeNull();
    expect(await getSessionUserId(asBrowser(planted))).toBeNull();
    expect(await getSessionUserId(asBrowser(fresh))).toBe(victim.id);
  });

  it("signing out ends this device's session only", async () => {
    const user = await createUser();
    const phone = await signIn(user.id);
    const laptop = await signIn(user.id);

    const setCookie = await endSession(asBrowser(phone));
    expect(setCookie.toLowerCase()).toMatch(/max-age=0|expires=thu, 01 jan 1970/);
    expect(await getSessionUserId(asBrowser(phone))).toBeNull();
    expect(await getSessionUserId(asBrowser(laptop))).toBe(user.id);
  });

  it("signing out everywhere ends every device's session, and nobody else's", async () => {
    const user = await createUser();
    const other = await createUser();
    const devices = [await signIn(user.id), await signIn(user.id), await signIn(user.id)];
    const othersDevice = await signIn(other.id);

    await endAllSessions(user.id);
    for (const device of devices) expect(await getSessionUserId(asBrowser(device))).toBeNull();
    expect(await db().session.count({ where: { userId: user.id } })).toBe(0);
    expect(await getSessionUserId(asBrowser(othersDevice))).toBe(other.id);
  });

  it("does not treat an expired session row as a session", async () => {
    const user = await createUser();
    const cookie = await signIn(user.id);
    await db().session.update({ where: { id: sessionIdIn(cookie) }, data: { expiresAt: new Date(Date.now() - 1_000) } });
    expect(await getSessionUserId(asBrowser(cookie))).toBeNull();
  });

  it("does not treat a tampered or forged cookie as a session", async () => {
    const user = await createUser();
    const cookie = await signIn(user.id);
    const sessionId = sessionIdIn(cookie);

    expect(await getSessionUserId(asBrowser(tamperedSignature(cookie)))).toBeNull();
    expect(await getSessionUserId(asBrowser(forgedCookie(sessionId)))).toBeNull();
    // The bare id, unsigned, as someone who read the database might send it.
    expect(await getSessionUserId(asBrowser(`__playpass=${encodeURIComponent(sessionId)}`))).toBeNull();
    expect(await getSessionUserId(asBrowser("__playpass=garbage"))).toBeNull();
    // The real cookie still works: the refusals above were about the tampering.
    expect(await getSessionUserId(asBrowser(cookie))).toBe(user.id);
  });
});

describe("access control", () => {
  it("requireActor sends a signed-out visitor to sign in and back (302 to /login?redirectTo=...)", async () => {
    const thrown = await thrownBy(requireActor(asBrowser(undefined, "/council/young-people/import?step=2")));
    expect(statusOf(thrown)).toBe(302);
    const location = new URL(redirectLocation(thrown), "http://localhost");
    expect(location.pathname).toBe("/login");
    expect(location.searchParams.get("redirectTo")).toBe("/council/young-people/import?step=2");
  });

  it("requireActor sends a visitor whose session has ended to sign in", async () => {
    const user = await createUser();
    const cookie = await signIn(user.id);
    await endAllSessions(user.id);
    expect(redirectLocation(await thrownBy(requireActor(asBrowser(cookie, "/young"))))).toBe("/login?redirectTo=%2Fyoung");
  });

  it("requireOfficer returns the officer's own council, never another", async () => {
    const mine = await createCouncil();
    await createCouncil();
    const officer = await createMember("OFFICER", { councilId: mine.id });
    const result = await requireOfficer(asBrowser(await signIn(officer.id), "/council"));
    expect(result).toMatchObject({ councilId: mine.id, role: "OFFICER", actor: { userId: officer.id } });
  });

  it("requireOfficer refuses a provider manager with 403", async () => {
    const council = await createCouncil();
    const { provider } = await createProvider({ councilId: council.id });
    const manager = await createMember("PROVIDER_MANAGER", { providerId: provider.id });
    expect(statusOf(await thrownBy(requireOfficer(asBrowser(await signIn(manager.id), "/council"))))).toBe(403);
  });

  it("requireOfficer(['FINANCE_OFFICER']) refuses an ordinary officer with 403", async () => {
    const council = await createCouncil();
    const officer = await createMember("OFFICER", { councilId: council.id });
    expect(statusOf(await thrownBy(requireOfficer(asBrowser(await signIn(officer.id)), ["FINANCE_OFFICER"])))).toBe(403);
  });

  it("requireProviderStaff(['PROVIDER_MANAGER']) refuses door staff with 403, while door mode lets them in", async () => {
    const council = await createCouncil();
    const { provider } = await createProvider({ councilId: council.id });
    const door = await createMember("DOOR_STAFF", { providerId: provider.id });
    const cookie = await signIn(door.id);
    expect(statusOf(await thrownBy(requireProviderStaff(asBrowser(cookie, "/provider"), ["PROVIDER_MANAGER"])))).toBe(403);
    await expect(requireProviderStaff(asBrowser(cookie, "/provider/door"))).resolves.toMatchObject({ providerId: provider.id, role: "DOOR_STAFF" });
  });

  it("requireProviderStaff refuses an officer with 403", async () => {
    const council = await createCouncil();
    const officer = await createMember("OFFICER", { councilId: council.id });
    expect(statusOf(await thrownBy(requireProviderStaff(asBrowser(await signIn(officer.id), "/provider"))))).toBe(403);
  });

  it("requireYoungPerson refuses an officer with 403 and returns a young person's own record", async () => {
    const council = await createCouncil();
    const officer = await createMember("OFFICER", { councilId: council.id });
    expect(statusOf(await thrownBy(requireYoungPerson(asBrowser(await signIn(officer.id), "/young"))))).toBe(403);

    const { youngPerson } = await createYoungPerson({ councilId: council.id, withAllocation: false });
    const member = await createMember("YOUNG_PERSON", { youngPersonId: youngPerson.id });
    const result = await requireYoungPerson(asBrowser(await signIn(member.id), "/young"));
    expect(result.youngPerson).toMatchObject({ id: youngPerson.id, councilId: council.id });
  });

  it("requireYoungPerson refuses a young person whose pass the council has closed", async () => {
    const { youngPerson } = await createYoungPerson({ withAllocation: false });
    const member = await createMember("YOUNG_PERSON", { youngPersonId: youngPerson.id });
    await getDb().youngPerson.update({ where: { id: youngPerson.id }, data: { status: "DEACTIVATED" } });
    expect(statusOf(await thrownBy(requireYoungPerson(asBrowser(await signIn(member.id), "/young"))))).toBe(403);
  });

  it("safeRedirect follows only same-site paths", () => {
    expect(safeRedirect("/young?booked=1", "/")).toBe("/young?booked=1");
    expect(safeRedirect("/activities/abc#book", "/")).toBe("/activities/abc#book");
    for (const unsafe of ["//evil.example", "//evil.example/young", "https://evil.example", "http://evil.example/", "/\\evil.example", "javascript:alert(1)", "evil.example", ""]) {
      expect(safeRedirect(unsafe, "/home"), unsafe).toBe("/home");
    }
    // Browsers drop tabs and newlines from a Location and read a backslash as "/": each of these would land on evil.example.
    for (const disguised of ["/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "/\t\\evil.example", "/\\\t/evil.example"]) {
      expect(safeRedirect(disguised, "/home"), JSON.stringify(disguised)).toBe("/home");
      expect(new URL(safeRedirect(disguised, "/home"), "http://localhost").origin).toBe("http://localhost");
    }
    expect(safeRedirect(null, "/home")).toBe("/home");
    expect(safeRedirect(undefined, "/home")).toBe("/home");
  });

  it("safeRedirect never answers with anything a browser would take off-site (property)", () => {
    const piece = fc.constantFrom("/", "//", "/.", "\\", "\t", "\n", "\r", " ", ":", ".", "..", "@", "%2F", "%5C", "evil.example", "https:", "young", "?", "#", "javascript:");
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }).map((parts) => parts.join("")), (to) => {
        const answer = safeRedirect(to, "/home");
        expect(answer === "/home" || answer === to).toBe(true);
        expect(new URL(answer, "http://localhost").origin).toBe("http://localhost");
      }),
      { numRuns: 2_000 },
    );
  });
});
