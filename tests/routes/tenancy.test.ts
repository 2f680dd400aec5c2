// Nobody reaches another tenant's records through a route: loaders and actions called as Remix calls them.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { bookSlot } from "~/domain/booking";
import { newBookingCode } from "~/domain/codes";
import { loader as councilLoader } from "~/routes/council._index";
import { action as youngAction } from "~/routes/young._index";
import { action as doorAction } from "~/routes/provider.door";
import { action as loginAction } from "~/routes/login._index";
import { action as verifyAction } from "~/routes/login.verify";
import { LIMITS } from "~/lib/rate-limit.server";
import { getSessionUserId } from "~/lib/session.server";
import { createCouncil, createProgramme, createProvider, createScene, createYoungPerson, uniqueSuffix } from "../factories";
import { walletBalance } from "../helpers";
import { cookiePair, createMember, createUser, formRequest, getRequest, redirectLocation, routeArgs, signIn, thrownBy, unwrap } from "../support/actors";

const db = () => getDb();
const MINUTE = 60_000;

type CouncilOverview = Awaited<ReturnType<typeof councilLoader>>;
type LoginReply = { result: { status?: string; error?: Record<string, string[] | null> } };

describe("council console", () => {
  it("shows a council officer only their own council's figures", async () => {
    const councilA = await createCouncil({ name: `Council A ${uniqueSuffix()}` });
    const councilB = await createCouncil({ name: `Council B ${uniqueSuffix()}` });
    const programmeA = await createProgramme({ councilId: councilA.id, fundedPence: 100_000, baseAllocationPence: 2_000 });
    const programmeB = await createProgramme({ councilId: councilB.id, fundedPence: 777_000, baseAllocationPence: 9_000 });
    await createYoungPerson({ programmeId: programmeA.id });
    for (let i = 0; i < 3; i++) await createYoungPerson({ programmeId: programmeB.id });

    const officer = await createMember("OFFICER", { councilId: councilA.id });
    const result = unwrap<CouncilOverview>(await councilLoader(routeArgs(getRequest("/council", await signIn(officer.id)))));

    expect(result.data.summary).toMatchObject({
      councilName: councilA.name,
      fundedPence: 100_000,
      unissuedPence: 98_000,
      inWalletsPence: 2_000,
      youngPeople: 1,
      activePasses: 1,
    });
    expect(result.data.summary.programmes.map((p) => p.id)).toEqual([programmeA.id]);
    expect(result.data.ledgerOk).toBe(true);
  });

  it("refuses a provider manager with 403 and sends a signed-out visitor to sign in", async () => {
    const council = await createCouncil();
    const { provider } = await createProvider({ councilId: council.id });
    const manager = await createMember("PROVIDER_MANAGER", { providerId: provider.id });
    const refused = await thrownBy(councilLoader(routeArgs(getRequest("/council", await signIn(manager.id)))));
    expect(unwrap(refused).status).toBe(403);
    expect(redirectLocation(await thrownBy(councilLoader(routeArgs(getRequest("/council")))))).toBe("/login?redirectTo=%2Fcouncil");
  });
});

describe("young people's bookings", () => {
  it("a young person cannot cancel another young person's booking (NOT_FOUND), and the booking is untouched", async () => {
    const { programme, slot } = await createScene({ activity: { pricePence: 700 } });
    const owner = await createYoungPerson({ programmeId: programme.id, allocationPence: 5_000 });
    const other = await createYoungPerson({ programmeId: programme.id, allocationPence: 5_000 });
    const booking = await bookSlot(db(), { youngPersonId: owner.youngPerson.id, slotId: slot.id, requestKey: randomUUID() });

    const intruder = await createMember("YOUNG_PERSON", { youngPersonId: other.youngPerson.id });
    const request = formRequest("/young", { bookingId: booking.id }, { cookie: await signIn(intruder.id) });
    const result = unwrap<{ error: string | null; cancelled: number | null }>(await youngAction(routeArgs(request)));

    expect(result.data).toEqual({ error: "We could not find that booking.", cancelled: null });
    expect(result.status).toBe(409);
    expect(await db().booking.findUniqueOrThrow({ where: { id: booking.id } })).toMatchObject({ status: "CONFIRMED", endedAt: null });
    expect(await walletBalance(owner.allocation!.id)).toBe(5_000 - 700);
    expect(await walletBalance(other.allocation!.id)).toBe(5_000);
    expect((await db().slot.findUniqueOrThrow({ where: { id: slot.id } })).booked).toBe(1);
  });

  it("the owner can cancel the same booking through the same action", async () => {
    const { programme, slot } = await createScene({ activity: { pricePence: 700 } });
    const owner = await createYoungPerson({ programmeId: programme.id, allocationPence: 5_000 });
    const booking = await bookSlot(db(), { youngPersonId: owner.youngPerson.id, slotId: slot.id, requestKey: randomUUID() });
    const member = await createMember("YOUNG_PERSON", { youngPersonId: owner.youngPerson.id });

    const result = unwrap(await youngAction(routeArgs(formRequest("/young", { bookingId: booking.id }, { cookie: await signIn(member.id) }))));
    expect(result.data).toEqual({ error: null, cancelled: 700 });
    expect((await db().booking.findUniqueOrThrow({ where: { id: booking.id } })).status).toBe("CANCELLED");
  });
});

describe("door mode", () => {
  it("door staff of provider A cannot redeem provider B's booking, are told no more than for an unknown code, and nothing is redeemed", async () => {
    // Both providers work with the same council; B's slot starts in 30 minutes, so its door window is open.
    const sceneB = await createScene({ slot: { startsAt: new Date(Date.now() + 30 * MINUTE) } });
    const { provider: providerA } = await createProvider({ councilId: sceneB.council.id });
    const { youngPerson, allocation } = await createYoungPerson({ programmeId: sceneB.programme.id, allocationPence: 5_000 });
    const booking = await bookSlot(db(), { youngPersonId: youngPerson.id, slotId: sceneB.slot.id, requestKey: randomUUID() });

    const doorA = await createMember("DOOR_STAFF", { providerId: providerA.id });
    const request = formRequest("/provider/door", { code: booking.code }, { cookie: await signIn(doorA.id) });
    const result = unwrap<{ ok: boolean; error?: string }>(await doorAction(routeArgs(request)));

    expect(result.data.ok).toBe(false);
    expect(result.status).toBeGreaterThanOrEqual(400);
    // The same status and words as a code nobody has, so the door cannot learn that the code exists elsewhere.
    const unknown = unwrap<{ ok: boolean; error?: string }>(
      await doorAction(routeArgs(formRequest("/provider/door", { code: newBookingCode() }, { cookie: await signIn(doorA.id) }))),
    );
    expect({ status: result.status, data: result.data }).toEqual({ status: unknown.status, data: unknown.data });
    expect(result.data.error).not.toMatch(/provider/);
    expect(await db().booking.findUniqueOrThrow({ where: { id: booking.id } })).toMatchObject({ status: "CONFIRMED", endedAt: null });
    expect(await db().redemption.count({ where: { bookingId: booking.id } })).toBe(0);
    expect(await walletBalance(allocation!.id)).toBe(5_000 - sceneB.activity.pricePence);

    // The right provider's door can: the refusal was about the provider, not the booking.
    const doorB = await createMember("DOOR_STAFF", { providerId: sceneB.provider.id });
    const redeemed = unwrap<{ ok: boolean; result?: { outcome: string } }>(
      await doorAction(routeArgs(formRequest("/provider/door", { code: booking.code }, { cookie: await signIn(doorB.id) }))),
    );
    expect(redeemed.data).toMatchObject({ ok: true, result: { outcome: "REDEEMED" } });
  });
});

describe("sign-in requests", () => {
  it("answers a contact that is neither an email nor a UK mobile with a field error, and creates no code", async () => {
    const before = await db().verification.count();
    const reply = unwrap<LoginReply>(await loginAction(routeArgs(formRequest("/login", { contact: "not a contact" }))));
    expect(reply.data.result.status).toBe("error");
    expect(reply.data.result.error?.contact?.[0]).toMatch(/Enter an email address like name@example\.com or a UK mobile number/);
    expect(await db().verification.count()).toBe(before);
  });

  it("rate-limits sign-in requests per contact after 5, telling the person when to try again", async () => {
    const email = `limited-${uniqueSuffix()}@example.test`;
    await createUser({ email });
    const ask = (contact: string) => loginAction(routeArgs(formRequest("/login", { contact }, { headers: { "x-playpass-client-address": "203.0.113.7" } })));

    for (let i = 0; i < 5; i++) {
      const location = redirectLocation(await thrownBy(ask(email.toUpperCase())));
      expect(location).toMatch(/^\/login\/verify\?/);
    }
    const refused = unwrap<LoginReply>(await ask(` ${email} `));
    expect(refused.data.result.error?.contact?.[0]).toMatch(/Too many attempts\. Try again in \d+ minutes?\./);
    expect(await db().verification.count({ where: { target: email } })).toBe(5);

    // The limit is per contact: someone else asking from the same address still gets a code.
    const otherEmail = `unlimited-${uniqueSuffix()}@example.test`;
    await createUser({ email: otherEmail });
    expect(redirectLocation(await thrownBy(ask(otherEmail)))).toMatch(/^\/login\/verify\?/);
    expect(await db().verification.count({ where: { target: otherEmail } })).toBe(1);
  });

  it("a client cannot escape the per-address limit by writing its own X-Forwarded-For (the server's address header is what counts)", async () => {
    const proxySaw = "198.51.100.23";
    const ask = (i: number) =>
      loginAction(
        routeArgs(formRequest("/login", { contact: `nobody-${i}-${uniqueSuffix()}@example.test` }, { headers: { "X-Forwarded-For": `10.0.${i}.1`, "x-playpass-client-address": proxySaw } })),
      );
    for (let i = 0; i < LIMITS.signInRequestPerIp.points; i++) {
      expect(redirectLocation(await thrownBy(ask(i)))).toMatch(/^\/login\/verify\?/);
    }
    const refused = unwrap<LoginReply>(await ask(999));
    expect(refused.data.result.error?.contact?.[0]).toMatch(/Too many attempts\. Try again in \d+ minutes?\./);
  });

  it("signing in starts a session and follows redirectTo only within the site", async () => {
    const council = await createCouncil();
    const email = `officer-${uniqueSuffix()}@example.test`;
    const officer = await createMember("OFFICER", { councilId: council.id }, { email });
    const offSite = "/\t/evil.example";

    const toVerify = new URL(redirectLocation(await thrownBy(loginAction(routeArgs(formRequest("/login", { contact: email, redirectTo: offSite }))))), "http://localhost");
    expect(toVerify.pathname).toBe("/login/verify");
    expect(toVerify.searchParams.get("contact")).toBe(email);
    expect(toVerify.searchParams.get("redirectTo")).toBe("");

    const message = await db().message.findFirstOrThrow({ where: { recipient: email, template: "sign-in-code" } });
    const code = /^(\d{6}) /.exec(message.body)?.[1] ?? "";
    const signedIn = await thrownBy(verifyAction(routeArgs(formRequest("/login/verify", { contact: email, code, redirectTo: offSite }))));
    expect(redirectLocation(signedIn)).toBe("/council");
    const setCookie = (signedIn as Response).headers.get("Set-Cookie") ?? "";
    expect(await getSessionUserId(getRequest("/council", cookiePair(setCookie)))).toBe(officer.id);
  });
});
