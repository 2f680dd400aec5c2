// Activating a pass from an invitation link or a letter code, confirmed by a one-time code; under-13s and
// their guardian's one-off consent link. Through the domain and through the routes as Remix calls them.
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { closeRedis } from "~/lib/redis.server";
import { bookSlot } from "~/domain/booking";
import { completeActivation, findInvitation, sendActivationCode, type ActivationChoice } from "~/domain/identity/activation";
import { giveGuardianConsent, readConsentLink, requestGuardianConsent } from "~/domain/identity/consent";
import { action as activateAction, loader as activateLoader } from "~/routes/activate._index";
import { action as verifyAction } from "~/routes/activate.verify";
import { action as askGuardianAction } from "~/routes/activate.guardian";
import { action as consentAction, loader as consentLoader } from "~/routes/consent.$token";
import { loader as guardianLoader } from "~/routes/guardian._index";
import { createActivity, createInvitedYoungPerson, createProvider, createSlot, daysFromNow } from "../factories";
import { expectDomainError, settle } from "../helpers";
import { cookiePair, createUser, formRequest, getRequest, redirectLocation, routeArgs, signIn, statusOf, thrownBy, unwrap } from "../support/actors";

const db = () => getDb();
afterAll(async () => {
  await closeRedis();
});

/** The 6-digit code in the newest message to this recipient (read before it is sent and blanked). */
async function lastCodeSentTo(recipient: string): Promise<string> {
  const message = await db().message.findFirstOrThrow({ where: { recipient, template: "activation-code" }, orderBy: { createdAt: "desc" } });
  return /\b(\d{6})\b/.exec(message.body)![1]!;
}

async function consentTokenSentTo(recipient: string): Promise<string> {
  const message = await db().message.findFirstOrThrow({ where: { recipient, template: "guardian-consent" }, orderBy: { createdAt: "desc" } });
  return /\/consent\/([A-Za-z0-9_-]+)/.exec(message.body)![1]!;
}

async function activate(code: string, choice: ActivationChoice, recipient: string) {
  await sendActivationCode(db(), { code, choice });
  return completeActivation(db(), { code, choice, oneTimeCode: await lastCodeSentTo(recipient) });
}

/** Each request from its own address, so tests do not share the per-address limit. */
const fromAddress = () => ({ "x-playpass-client-address": `10.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}` });

describe("activating a pass", () => {
  it("creates the sign-in, starts the pass and makes the code used, for a 14-year-old with an email on record", async () => {
    const { youngPerson, activationCode } = await createInvitedYoungPerson({ age: 14 });
    const invitation = await findInvitation(db(), activationCode.toLowerCase().replace(/-/g, " "));
    expect(invitation).toMatchObject({ youngPersonId: youngPerson.id, needsConsent: false, contactsOnRecord: [{ via: "email", masked: expect.stringMatching(/^y•••@example\.test$/) }] });

    const activated = await activate(activationCode, { via: "email" }, youngPerson.email!);
    expect(activated).toMatchObject({ youngPersonId: youngPerson.id, awaitingConsent: false });

    const after = await db().youngPerson.findUniqueOrThrow({ where: { id: youngPerson.id } });
    expect(after).toMatchObject({ status: "ACTIVE", userId: activated.userId, activatedAt: expect.any(Date) });
    const user = await db().user.findUniqueOrThrow({ where: { id: activated.userId }, include: { memberships: true } });
    expect(user.email).toBe(youngPerson.email);
    expect(user.memberships).toMatchObject([{ role: "YOUNG_PERSON", youngPersonId: youngPerson.id }]);

    await expectDomainError(findInvitation(db(), activationCode), "ACTIVATION_CODE_USED", /already been used/);
  });

  it("says a code is unknown, used or expired, each in its own words", async () => {
    await expectDomainError(findInvitation(db(), "ZZZZ-ZZZZ-ZZZZ"), "ACTIVATION_CODE_UNKNOWN", /do not know that code/);
    await expectDomainError(findInvitation(db(), "not a code!"), "ACTIVATION_CODE_UNKNOWN");

    const expired = await createInvitedYoungPerson({ activationExpiresAt: daysFromNow(-1) });
    await expectDomainError(findInvitation(db(), expired.activationCode), "ACTIVATION_CODE_EXPIRED", /run out/);
    await expectDomainError(sendActivationCode(db(), { code: expired.activationCode, choice: { via: "email" } }), "ACTIVATION_CODE_EXPIRED");

    const used = await createInvitedYoungPerson();
    await activate(used.activationCode, { via: "email" }, used.youngPerson.email!);
    await expectDomainError(sendActivationCode(db(), { code: used.activationCode, choice: { via: "email" } }), "ACTIVATION_CODE_USED");
  });

  it("lets a letter user without contact details give a phone number, which becomes theirs", async () => {
    const { youngPerson, activationCode } = await createInvitedYoungPerson({ email: null, phone: null });
    const invitation = await findInvitation(db(), activationCode);
    expect(invitation.contactsOnRecord).toEqual([]);
    await expectDomainError(sendActivationCode(db(), { code: activationCode, choice: { via: "new", contact: "not a phone" } }), "INVALID_INPUT", /UK mobile number/);

    const phone = `+4477009${String(Math.floor(Math.random() * 100_000)).padStart(5, "0")}`;
    const activated = await activate(activationCode, { via: "new", contact: `0${phone.slice(3)}` }, phone);
    expect((await db().user.findUniqueOrThrow({ where: { id: activated.userId } })).phone).toBe(phone);
    expect((await db().youngPerson.findUniqueOrThrow({ where: { id: youngPerson.id } })).phone).toBe(phone);
  });

  it("only sends to a contact the council holds when it holds one, and never to someone else's account", async () => {
    const { activationCode } = await createInvitedYoungPerson();
    await expectDomainError(sendActivationCode(db(), { code: activationCode, choice: { via: "new", contact: "me@example.test" } }), "INVALID_INPUT", /Choose where/);
    await expectDomainError(sendActivationCode(db(), { code: activationCode, choice: { via: "phone" } }), "INVALID_INPUT", /Choose where/);

    const taken = await createUser();
    const letter = await createInvitedYoungPerson({ email: null, phone: null });
    await expectDomainError(sendActivationCode(db(), { code: letter.activationCode, choice: { via: "new", contact: taken.email! } }), "CONTACT_IN_USE", /already used/);
  });

  it("refuses a wrong one-time code, and stops after five wrong tries even for the right code", async () => {
    const { youngPerson, activationCode } = await createInvitedYoungPerson();
    const choice = { via: "email" } as const;
    await sendActivationCode(db(), { code: activationCode, choice });
    const right = await lastCodeSentTo(youngPerson.email!);
    const wrong = right === "000000" ? "111111" : "000000";
    for (let i = 0; i < 5; i++) await expectDomainError(completeActivation(db(), { code: activationCode, choice, oneTimeCode: wrong }), "CODE_INVALID");
    await expectDomainError(completeActivation(db(), { code: activationCode, choice, oneTimeCode: right }), "TOO_MANY_ATTEMPTS");
    expect((await db().youngPerson.findUniqueOrThrow({ where: { id: youngPerson.id } })).status).toBe("INVITED");
  });

  it("activates once when the code is sent twice at the same moment", async () => {
    const { youngPerson, activationCode } = await createInvitedYoungPerson();
    const choice = { via: "email" } as const;
    await sendActivationCode(db(), { code: activationCode, choice });
    const oneTimeCode = await lastCodeSentTo(youngPerson.email!);
    const { fulfilled, rejected } = await settle([1, 2].map(() => completeActivation(db(), { code: activationCode, choice, oneTimeCode })));
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect(await db().user.count({ where: { email: youngPerson.email } })).toBe(1);
  });
});

describe("the activation pages", () => {
  it("go from the invitation link to a signed-in home in three steps", async () => {
    const { youngPerson, activationCode } = await createInvitedYoungPerson();
    const headers = fromAddress();
    const shown = unwrap<{ invitation: { firstName: string } }>(await activateLoader(routeArgs(new Request(`http://localhost/activate?code=${activationCode}`, { headers }))));
    expect(shown.data.invitation.firstName).toBe(youngPerson.firstName);

    const sent = await thrownBy(activateAction(routeArgs(formRequest("/activate", { intent: "send", code: activationCode, via: "email" }, { headers }))));
    expect(redirectLocation(sent)).toBe(`/activate/verify?code=${activationCode}&via=email`);

    const code = await lastCodeSentTo(youngPerson.email!);
    const done = await thrownBy(verifyAction(routeArgs(formRequest("/activate/verify", { code: activationCode, via: "email", oneTimeCode: code }, { headers }))));
    expect(redirectLocation(done)).toBe("/young?welcome=1");
    expect((done as Response).headers.get("Set-Cookie")).toMatch(/^__playpass=/);
  });

  it("answer an unknown, used or expired code with a clear message and the right status", async () => {
    const headers = fromAddress();
    const unknown = unwrap<{ problem: { code: string; message: string } }>(await activateLoader(routeArgs(new Request("http://localhost/activate?code=ZZZZ-ZZZZ-ZZZ0", { headers }))));
    expect(unknown).toMatchObject({ status: 404, data: { problem: { code: "ACTIVATION_CODE_UNKNOWN" } } });

    const expired = await createInvitedYoungPerson({ activationExpiresAt: daysFromNow(-2) });
    const reply = unwrap<{ result: { error: Record<string, string[]> } }>(
      await activateAction(routeArgs(formRequest("/activate", { intent: "code", code: expired.activationCode }, { headers }))),
    );
    expect(reply.data.result.error.code).toEqual(["This code has run out. Ask your council to send you a new one."]);
  });

  it("stop someone trying one code over and over, whatever address they come from", async () => {
    const { activationCode } = await createInvitedYoungPerson({ activationExpiresAt: daysFromNow(-1) });
    const replies = [];
    for (let i = 0; i < 11; i++) {
      replies.push(unwrap<{ result: { error: Record<string, string[]> } }>(await activateAction(routeArgs(formRequest("/activate", { intent: "code", code: activationCode }, { headers: fromAddress() })))));
    }
    expect(replies.slice(0, 10).every((r) => /run out/.test(r.data.result.error.code![0]!))).toBe(true);
    expect(replies[10]!.data.result.error.code![0]).toMatch(/^Too many attempts/);
  });
});

describe("under-13s and their guardian's consent", () => {
  async function activatedElevenYearOld() {
    const invited = await createInvitedYoungPerson({ age: 11 });
    const activated = await activate(invited.activationCode, { via: "email" }, invited.youngPerson.email!);
    return { ...invited, ...activated, cookie: await signIn(activated.userId) };
  }

  it("wait for consent: they can sign in and look around, and the guardian's link makes the pass active", async () => {
    const child = await activatedElevenYearOld();
    expect(child.awaitingConsent).toBe(true);
    expect((await db().youngPerson.findUniqueOrThrow({ where: { id: child.youngPersonId } })).status).toBe("AWAITING_CONSENT");
    const { provider } = await createProvider({ councilId: child.youngPerson.councilId });
    const activity = await createActivity({ providerId: provider.id, councilId: child.youngPerson.councilId, title: "Mini climbers", minAge: 10 });
    const slot = await createSlot({ activityId: activity.id });
    await expectDomainError(bookSlot(db(), { youngPersonId: child.youngPersonId, slotId: slot.id, requestKey: randomUUID() }), "AWAITING_CONSENT", /say yes/);

    const guardianEmail = `parent-${randomUUID().slice(0, 8)}@example.test`;
    const asked = unwrap<{ sentTo: string }>(await askGuardianAction(routeArgs(formRequest("/activate/guardian", { guardianContact: guardianEmail }, { cookie: child.cookie }))));
    expect(asked.data.sentTo).toBe(`p•••@example.test`);
    const token = await consentTokenSentTo(guardianEmail);

    const page = unwrap<{ firstName: string }>(await consentLoader(routeArgs(getRequest(`/consent/${token}`), { token })));
    expect(page.data.firstName).toBe(child.youngPerson.firstName);
    const given = await thrownBy(consentAction(routeArgs(formRequest(`/consent/${token}`, { confirm: "on" }), { token })));
    expect(redirectLocation(given)).toBe("/guardian?consented=1");

    expect(await db().youngPerson.findUniqueOrThrow({ where: { id: child.youngPersonId } })).toMatchObject({ status: "ACTIVE", guardianConsentAt: expect.any(Date) });
    const guardian = await db().user.findUniqueOrThrow({ where: { email: guardianEmail }, include: { memberships: true } });
    expect(guardian.memberships).toMatchObject([{ role: "GUARDIAN", youngPersonId: child.youngPersonId }]);

    // Now the child can book, and the guardian, signed in by the link, sees it.
    await bookSlot(db(), { youngPersonId: child.youngPersonId, slotId: slot.id, requestKey: randomUUID() });
    const guardianCookie = cookiePair((given as Response).headers.get("Set-Cookie")!);
    const seen = unwrap<{ children: { firstName: string; upcoming: { title: string }[] }[] }>(await guardianLoader(routeArgs(getRequest("/guardian", guardianCookie))));
    expect(seen.data.children).toMatchObject([{ firstName: child.youngPerson.firstName, upcoming: [{ title: "Mini climbers" }] }]);
  });

  it("needs the box ticked, and a used, expired or unknown link says so", async () => {
    const child = await activatedElevenYearOld();
    const first = await requestGuardianConsent(db(), { youngPersonId: child.youngPersonId, guardianContact: "07700 900555", actorUserId: child.userId });
    const second = await requestGuardianConsent(db(), { youngPersonId: child.youngPersonId, guardianContact: "07700 900556", actorUserId: child.userId });

    const unticked = unwrap<{ result: { error: Record<string, string[]> } }>(await consentAction(routeArgs(formRequest(`/consent/${second.token}`, {}), { token: second.token })));
    expect(unticked.data.result.error.confirm).toEqual(["Tick the box to confirm you are their parent or guardian."]);

    // Only the latest link works: sending a new one ends the earlier one.
    await expectDomainError(readConsentLink(db(), first.token), "CONSENT_LINK_EXPIRED", /run out/);
    await expectDomainError(giveGuardianConsent(db(), first.token), "CONSENT_LINK_EXPIRED");

    await giveGuardianConsent(db(), second.token);
    await expectDomainError(giveGuardianConsent(db(), second.token), "CONSENT_LINK_USED", /already been used/);
    const reused = unwrap<{ problem: { code: string } }>(await consentLoader(routeArgs(getRequest(`/consent/${second.token}`), { token: second.token })));
    expect(reused).toMatchObject({ status: 409, data: { problem: { code: "CONSENT_LINK_USED" } } });

    await expectDomainError(readConsentLink(db(), "made-up-token"), "CONSENT_LINK_UNKNOWN", /do not recognise/);
    const later = await createInvitedYoungPerson({ age: 12 });
    const laterActivated = await activate(later.activationCode, { via: "email" }, later.youngPerson.email!);
    const old = await requestGuardianConsent(db(), { youngPersonId: laterActivated.youngPersonId, guardianContact: "carer@example.test", actorUserId: laterActivated.userId }, daysFromNow(-8));
    await expectDomainError(giveGuardianConsent(db(), old.token), "CONSENT_LINK_EXPIRED");
  });

  it("gives consent once when the guardian taps twice at the same moment", async () => {
    const child = await activatedElevenYearOld();
    const { token } = await requestGuardianConsent(db(), { youngPersonId: child.youngPersonId, guardianContact: `twice-${randomUUID().slice(0, 6)}@example.test`, actorUserId: child.userId });
    const { fulfilled, rejected } = await settle([giveGuardianConsent(db(), token), giveGuardianConsent(db(), token)]);
    expect(fulfilled).toHaveLength(1);
    expect(rejected).toHaveLength(1);
    expect(await db().membership.count({ where: { role: "GUARDIAN", youngPersonId: child.youngPersonId } })).toBe(1);
  });

  it("links a second child to a guardian who already has an account, and shows each guardian only their own children", async () => {
    const first = await activatedElevenYearOld();
    const second = await activatedElevenYearOld();
    const stranger = await activatedElevenYearOld();
    const parent = `family-${randomUUID().slice(0, 6)}@example.test`;
    for (const child of [first, second]) {
      const { token } = await requestGuardianConsent(db(), { youngPersonId: child.youngPersonId, guardianContact: parent, actorUserId: child.userId });
      await giveGuardianConsent(db(), token);
    }
    const other = await requestGuardianConsent(db(), { youngPersonId: stranger.youngPersonId, guardianContact: "someone-else@example.test", actorUserId: stranger.userId });
    await giveGuardianConsent(db(), other.token);

    const guardian = await db().user.findUniqueOrThrow({ where: { email: parent }, include: { memberships: true } });
    expect(guardian.memberships.map((m) => m.youngPersonId).sort()).toEqual([first.youngPersonId, second.youngPersonId].sort());
    const seen = unwrap<{ children: { id: string }[] }>(await guardianLoader(routeArgs(getRequest("/guardian", await signIn(guardian.id)))));
    expect(seen.data.children.map((c) => c.id).sort()).toEqual([first.youngPersonId, second.youngPersonId].sort());

    // Someone with no guardian role is turned away.
    const refused = await thrownBy(guardianLoader(routeArgs(getRequest("/guardian", first.cookie))));
    expect(statusOf(refused)).toBe(403);
  });

  it("will not take the young person's own email as their guardian's", async () => {
    const child = await activatedElevenYearOld();
    await expectDomainError(
      requestGuardianConsent(db(), { youngPersonId: child.youngPersonId, guardianContact: child.youngPerson.email!, actorUserId: child.userId }),
      "INVALID_INPUT",
      /your own/,
    );
  });
});
