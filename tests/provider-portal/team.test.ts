// Team invitations and who may reach which provider page: invitations are hashed, expire, work once, can be
// withdrawn and only for the invited email; door staff can only use door mode.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { acceptInvitation, createInvitation, findInvitation, hashInvitationToken, revokeInvitation } from "~/domain/identity/invitations";
import { removeTeamMember } from "~/domain/providers/team";
import { loader as homeLoader } from "~/routes/provider._index";
import { action as bookingsAction, loader as bookingsLoader } from "~/routes/provider.bookings._index";
import { action as registerAction, loader as registerLoader } from "~/routes/provider.bookings.$slotId";
import { loader as earningsLoader } from "~/routes/provider.earnings._index";
import { loader as statementLoader } from "~/routes/provider.earnings.$payoutId";
import { loader as csvLoader } from "~/routes/provider.earnings.$payoutId_.statement[.]csv";
import { loader as pdfLoader } from "~/routes/provider.earnings.$payoutId_.statement[.]pdf";
import { action as teamAction, loader as teamLoader } from "~/routes/provider.team";
import { action as invitationAction, loader as invitationLoader } from "~/routes/invitations.$token";
import { createCouncil, createProvider, createScene } from "../factories";
import { expectDomainError } from "../helpers";
import { cookiePair, createMember, createUser, formRequest, getRequest, redirectLocation, routeArgs, signIn, statusOf, thrownBy, unwrap } from "../support/actors";

const db = () => getDb();
const DAY = 24 * 60 * 60 * 1000;

async function providerWithManager() {
  const council = await createCouncil();
  const { provider } = await createProvider({ councilId: council.id, name: "Riverside Pool" });
  const manager = await createMember("PROVIDER_MANAGER", { providerId: provider.id }, { displayName: "Mo Manager" });
  return { council, provider, manager };
}

async function invite(providerId: string, managerId: string, email: string, role: "DOOR_STAFF" | "PROVIDER_MANAGER" = "DOOR_STAFF", now?: Date) {
  const created = await createInvitation(db(), { email, role, scope: { providerId }, invitedBy: { userId: managerId, name: "Mo Manager" }, now });
  return { ...created, token: created.link.split("/invitations/")[1]! };
}

describe("inviting staff", () => {
  it("emails a one-off link and keeps only a hash of its token", async () => {
    const { provider, manager } = await providerWithManager();
    const { token, invitation, messageId } = await invite(provider.id, manager.id, "Jo@Example.test");
    expect(invitation.email).toBe("jo@example.test");
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = await db().invitation.findUniqueOrThrow({ where: { id: invitation.id } });
    expect(stored.tokenHash).toBe(hashInvitationToken(token));
    expect(JSON.stringify(stored)).not.toContain(token);
    const message = await db().message.findUniqueOrThrow({ where: { id: messageId! } });
    expect(message).toMatchObject({ recipient: "jo@example.test", redactAfterSend: true });
    expect(message.body).toContain(`/invitations/${token}`);
    expect(message.body).toContain("Riverside Pool");
  });

  it("lets the invited person sign in with a code to that email and join as door staff", async () => {
    const { provider, manager } = await providerWithManager();
    const { token } = await invite(provider.id, manager.id, "newdoor@example.test");
    const page = unwrap<{ invitation: { placeName: string; hasAccount: boolean } }>(await invitationLoader(routeArgs(getRequest(`/invitations/${token}`), { token })));
    expect(page.data.invitation).toMatchObject({ placeName: "Riverside Pool", hasAccount: false });

    const sent = unwrap<{ step: string }>(await invitationAction(routeArgs(formRequest(`/invitations/${token}`, { intent: "send", displayName: "Jo New" }), { token })));
    expect(sent.data.step).toBe("verify");
    const codeMessage = await db().message.findFirstOrThrow({ where: { recipient: "newdoor@example.test", template: "sign-in-code" } });
    const code = /\b(\d{6})\b/.exec(codeMessage.body)![1]!;

    const wrong = unwrap<{ result: { error: Record<string, string[]> } }>(
      await invitationAction(routeArgs(formRequest(`/invitations/${token}`, { intent: "verify", code: code === "000000" ? "111111" : "000000" }), { token })),
    );
    expect(wrong.data.result.error.code?.[0]).toMatch(/not right/);

    const joined = await thrownBy(invitationAction(routeArgs(formRequest(`/invitations/${token}`, { intent: "verify", code }), { token })));
    expect(redirectLocation(joined)).toBe("/provider/door");
    const cookie = cookiePair((joined as Response).headers.get("Set-Cookie")!);
    const user = await db().user.findUniqueOrThrow({ where: { email: "newdoor@example.test" }, include: { memberships: true } });
    expect(user.displayName).toBe("Jo New");
    expect(user.memberships).toMatchObject([{ role: "DOOR_STAFF", providerId: provider.id }]);
    // Signed in: the door is theirs now.
    expect(redirectLocation(await thrownBy(homeLoader(routeArgs(getRequest("/provider", cookie)))))).toBe("/provider/door");
  });

  it("refuses a link used once already", async () => {
    const { provider, manager } = await providerWithManager();
    const { token } = await invite(provider.id, manager.id, "twice@example.test");
    const user = await createUser({ email: "twice@example.test" });
    await acceptInvitation(db(), { token, userId: user.id });
    await expectDomainError(acceptInvitation(db(), { token, userId: user.id }), "INVITATION_USED", /already been accepted/);
    expect(await db().membership.count({ where: { userId: user.id } })).toBe(1);
  });

  it("accepts a link once when it is opened twice at the same moment", async () => {
    const { provider, manager } = await providerWithManager();
    const { token } = await invite(provider.id, manager.id, "race@example.test");
    const user = await createUser({ email: "race@example.test" });
    const results = await Promise.allSettled([acceptInvitation(db(), { token, userId: user.id }), acceptInvitation(db(), { token, userId: user.id })]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(await db().membership.count({ where: { userId: user.id } })).toBe(1);
  });

  it("refuses an expired link", async () => {
    const { provider, manager } = await providerWithManager();
    const { token } = await invite(provider.id, manager.id, "late@example.test", "DOOR_STAFF", new Date(Date.now() - 8 * DAY));
    const user = await createUser({ email: "late@example.test" });
    await expectDomainError(acceptInvitation(db(), { token, userId: user.id }), "INVITATION_EXPIRED", /expired/);
    const page = unwrap<{ problem: string }>(await invitationLoader(routeArgs(getRequest(`/invitations/${token}`), { token })));
    expect(page.status).toBe(410);
    expect(page.data.problem).toMatch(/expired/);
  });

  it("refuses a withdrawn link, and a newer invitation withdraws the older one", async () => {
    const { provider, manager } = await providerWithManager();
    const first = await invite(provider.id, manager.id, "maybe@example.test");
    const second = await invite(provider.id, manager.id, "maybe@example.test", "PROVIDER_MANAGER");
    await expectDomainError(findInvitation(db(), { token: first.token }), "INVITATION_REVOKED", /withdrawn/);
    await revokeInvitation(db(), { invitationId: second.invitation.id, scope: { providerId: provider.id }, actorUserId: manager.id });
    const user = await createUser({ email: "maybe@example.test" });
    await expectDomainError(acceptInvitation(db(), { token: second.token, userId: user.id }), "INVITATION_REVOKED");
    expect(await db().membership.count({ where: { userId: user.id } })).toBe(0);
  });

  it("refuses someone signed in with another email, and joins no one", async () => {
    const { provider, manager } = await providerWithManager();
    const { token } = await invite(provider.id, manager.id, "right@example.test");
    const intruder = await createUser({ email: "wrong@example.test" });
    await expectDomainError(acceptInvitation(db(), { token, userId: intruder.id }), "INVITATION_WRONG_ACCOUNT", /right@example\.test/);
    const reply = unwrap<{ problem: string }>(
      await invitationAction(routeArgs(formRequest(`/invitations/${token}`, { intent: "accept" }, { cookie: await signIn(intruder.id) }), { token })),
    );
    expect(reply.status).toBe(403);
    expect(await db().membership.count({ where: { userId: intruder.id } })).toBe(0);
    // The invitation still works for the right person.
    const right = await createUser({ email: "right@example.test" });
    await expect(acceptInvitation(db(), { token, userId: right.id })).resolves.toMatchObject({ role: "DOOR_STAFF", providerId: provider.id });
  });

  it("answers an unknown link with 404", async () => {
    const token = "x".repeat(43);
    const page = unwrap<{ problem: string }>(await invitationLoader(routeArgs(getRequest(`/invitations/${token}`), { token })));
    expect(page.status).toBe(404);
    expect(page.data.problem).toMatch(/not right/);
  });

  it("serves councils too: an officer invitation makes an officer of that council", async () => {
    const council = await createCouncil();
    const officer = await createMember("OFFICER", { councilId: council.id });
    const { link } = await createInvitation(db(), {
      email: "analyst@example.test",
      role: "FINANCE_OFFICER",
      scope: { councilId: council.id },
      invitedBy: { userId: officer.id, name: "Olu" },
    });
    const user = await createUser({ email: "analyst@example.test" });
    await acceptInvitation(db(), { token: link.split("/invitations/")[1]!, userId: user.id });
    expect(await db().membership.findMany({ where: { userId: user.id }, select: { role: true, councilId: true, providerId: true } })).toEqual([
      { role: "FINANCE_OFFICER", councilId: council.id, providerId: null },
    ]);
    await expectDomainError(
      createInvitation(db(), { email: "x@example.test", role: "DOOR_STAFF", scope: { councilId: council.id }, invitedBy: { userId: officer.id, name: "Olu" } }),
      "INVALID_INPUT",
    );
  });
});

describe("the team page", () => {
  it("invites with field errors for a bad email, and lists the pending invitation", async () => {
    const { provider, manager } = await providerWithManager();
    const cookie = await signIn(manager.id);
    const bad = unwrap<{ invite: { error: Record<string, string[]> } }>(
      await teamAction(routeArgs(formRequest("/provider/team", { intent: "invite", email: "not-an-email", role: "DOOR_STAFF" }, { cookie }))),
    );
    expect(bad.status).toBe(400);
    expect(bad.data.invite.error.email).toEqual(["Enter an email address like name@example.com."]);
    const good = unwrap<{ notice: string }>(
      await teamAction(routeArgs(formRequest("/provider/team", { intent: "invite", email: "door2@example.test", role: "DOOR_STAFF" }, { cookie }))),
    );
    expect(good.data.notice).toMatch(/door2@example.test/);
    const team = unwrap<{ invitations: Array<{ email: string; roleName: string }> }>(await teamLoader(routeArgs(getRequest("/provider/team", cookie))));
    expect(team.data.invitations).toMatchObject([{ email: "door2@example.test", roleName: "door staff" }]);
    expect(await db().invitation.count({ where: { providerId: provider.id } })).toBe(1);
  });

  it("removes a member, who then cannot reach the provider, but never the only manager", async () => {
    const { provider, manager } = await providerWithManager();
    const door = await createMember("DOOR_STAFF", { providerId: provider.id });
    const doorCookie = await signIn(door.id);
    const membership = await db().membership.findFirstOrThrow({ where: { userId: door.id } });
    const cookie = await signIn(manager.id);
    const removed = unwrap<{ notice: string }>(await teamAction(routeArgs(formRequest("/provider/team", { intent: "remove", membershipId: membership.id }, { cookie }))));
    expect(removed.data.notice).toMatch(/removed/);
    expect(statusOf(await thrownBy(homeLoader(routeArgs(getRequest("/provider", doorCookie)))))).toBe(403);

    const own = await db().membership.findFirstOrThrow({ where: { userId: manager.id } });
    await expectDomainError(removeTeamMember(db(), { providerId: provider.id, membershipId: own.id, actorUserId: manager.id }), "LAST_MANAGER");
  });

  it("cannot remove another provider's staff", async () => {
    const { manager } = await providerWithManager();
    const other = await providerWithManager();
    const theirs = await db().membership.findFirstOrThrow({ where: { userId: other.manager.id } });
    const reply = unwrap<{ error: string }>(
      await teamAction(routeArgs(formRequest("/provider/team", { intent: "remove", membershipId: theirs.id }, { cookie: await signIn(manager.id) }))),
    );
    expect(reply.status).toBe(409);
    expect(reply.data.error).toMatch(/not in your team/);
    expect(await db().membership.count({ where: { id: theirs.id } })).toBe(1);
  });
});

describe("door staff", () => {
  it("get 403 on every provider page but the door, and land on the door from home", async () => {
    const { provider, slot } = await createScene();
    const door = await createMember("DOOR_STAFF", { providerId: provider.id });
    const cookie = await signIn(door.id);
    const payoutId = randomUUID();
    const attempts: Array<[string, () => Promise<unknown>]> = [
      ["bookings", () => bookingsLoader(routeArgs(getRequest("/provider/bookings", cookie)))],
      ["bookings action", () => bookingsAction(routeArgs(formRequest("/provider/bookings", { intent: "missed", bookingId: randomUUID() }, { cookie })))],
      ["register", () => registerLoader(routeArgs(getRequest(`/provider/bookings/${slot.id}`, cookie), { slotId: slot.id }))],
      ["register action", () => registerAction(routeArgs(formRequest(`/provider/bookings/${slot.id}`, { intent: "missed", bookingId: randomUUID() }, { cookie }), { slotId: slot.id }))],
      ["earnings", () => earningsLoader(routeArgs(getRequest("/provider/earnings", cookie)))],
      ["statement", () => statementLoader(routeArgs(getRequest(`/provider/earnings/${payoutId}`, cookie), { payoutId }))],
      ["statement csv", () => csvLoader(routeArgs(getRequest(`/provider/earnings/${payoutId}/statement.csv`, cookie), { payoutId }))],
      ["statement pdf", () => pdfLoader(routeArgs(getRequest(`/provider/earnings/${payoutId}/statement.pdf`, cookie), { payoutId }))],
      ["team", () => teamLoader(routeArgs(getRequest("/provider/team", cookie)))],
      ["team action", () => teamAction(routeArgs(formRequest("/provider/team", { intent: "invite", email: "me@example.test", role: "PROVIDER_MANAGER" }, { cookie })))],
    ];
    // One at a time: a refusal that settles before its turn would otherwise be an unhandled rejection.
    for (const [name, attempt] of attempts) {
      expect([name, statusOf(await thrownBy(attempt()))]).toEqual([name, 403]);
    }
    expect(await db().invitation.count({ where: { providerId: provider.id } })).toBe(0);
    expect(redirectLocation(await thrownBy(homeLoader(routeArgs(getRequest("/provider", cookie)))))).toBe("/provider/door");
  });
});
