// Vetting providers: approve only with every check ticked, reject and suspend with a reason the provider is
// told, suspension cancels and refunds every future booking and tells the young people, reinstate undoes the hiding.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { bookSlot, redeemBooking } from "~/domain/booking";
import {
  approveProvider,
  CHECKLIST_ITEMS,
  getProviderVetting,
  listProvidersForVetting,
  reinstateProvider,
  rejectProvider,
  saveChecklist,
  suspendProvider,
  type Checklist,
} from "~/domain/providers/vetting";
import { loader as providerLoader, action as providerAction } from "~/routes/council.providers.$providerId";
import { createActivity, createCouncil, createProvider, createScene, createSlot, createYoungPerson, daysFromNow, doorActor } from "../factories";
import { domainCodes, expectDomainError, expectLedgerOk, holdBalance, settle, walletBalance } from "../helpers";
import { createMember, formRequest, getRequest, redirectLocation, routeArgs, signIn, statusOf, thrownBy, unwrap } from "../support/actors";

const db = () => getDb();
const allTicked = Object.fromEntries(CHECKLIST_ITEMS.map((i) => [i.key, true])) as Checklist;
const noneTicked = Object.fromEntries(CHECKLIST_ITEMS.map((i) => [i.key, false])) as Checklist;

async function officerOf(councilId: string) {
  const user = await createMember("OFFICER", { councilId });
  return { userId: user.id };
}

async function messagesTo(recipient: string) {
  return db().message.findMany({ where: { recipient }, orderBy: { createdAt: "asc" } });
}

describe("approving and rejecting applications", () => {
  it("approves an application only once every check is ticked, and tells the provider", async () => {
    const council = await createCouncil();
    const { provider } = await createProvider({ councilId: council.id, vetting: "APPLIED" });
    const officer = await officerOf(council.id);

    const partly = { ...allTicked, dbs: false };
    await expectDomainError(approveProvider(db(), officer, { councilId: council.id, providerId: provider.id, checklist: partly }), "CHECKLIST_INCOMPLETE", /1 is not done/);
    expect((await getProviderVetting(db(), { councilId: council.id, providerId: provider.id })).status).toBe("APPLIED");

    await approveProvider(db(), officer, { councilId: council.id, providerId: provider.id, checklist: allTicked });
    const vetting = await getProviderVetting(db(), { councilId: council.id, providerId: provider.id });
    expect(vetting.status).toBe("APPROVED");
    expect(vetting.checklist).toEqual(allTicked);
    const [message] = await messagesTo(provider.contactEmail);
    expect(message).toMatchObject({ template: "provider-approved", subject: expect.stringContaining(council.name) });
    const audit = await db().auditEvent.findFirstOrThrow({ where: { entityId: provider.id, action: "provider.approved" } });
    expect(audit).toMatchObject({ councilId: council.id, actorUserId: officer.userId, data: expect.objectContaining({ before: "APPLIED", after: "APPROVED" }) });
  });

  it("rejects with the reason the provider is sent, and cannot reject twice", async () => {
    const council = await createCouncil();
    const { provider } = await createProvider({ councilId: council.id, vetting: "APPLIED" });
    const officer = await officerOf(council.id);
    await expectDomainError(rejectProvider(db(), officer, { councilId: council.id, providerId: provider.id, reason: "no" }), "INVALID_INPUT", /at least 10 characters/);

    await rejectProvider(db(), officer, { councilId: council.id, providerId: provider.id, reason: "Your insurance certificate ran out in March" });
    const vetting = await getProviderVetting(db(), { councilId: council.id, providerId: provider.id });
    expect(vetting).toMatchObject({ status: "REJECTED", rejectionReason: "Your insurance certificate ran out in March." });
    const [message] = await messagesTo(provider.contactEmail);
    expect(message!.body).toContain("Your insurance certificate ran out in March.");
    await expectDomainError(rejectProvider(db(), officer, { councilId: council.id, providerId: provider.id, reason: "Still no insurance at all" }), "VETTING_STATE", /rejected/);
  });

  it("keeps the checklist between visits and lists waiting applications first", async () => {
    const council = await createCouncil();
    const approved = await createProvider({ councilId: council.id, name: "Already Approved" });
    const waiting = await createProvider({ councilId: council.id, vetting: "APPLIED", name: "Waiting Provider" });
    const officer = await officerOf(council.id);
    await saveChecklist(db(), officer, { councilId: council.id, providerId: waiting.provider.id, checklist: { ...noneTicked, insurance: true, venue: true } });

    await db().storedFile.create({
      data: { kind: "PUBLIC_LIABILITY_INSURANCE", providerId: waiting.provider.id, originalName: "insurance.pdf", storedName: `${randomUUID()}.pdf`, contentType: "application/pdf", sizeBytes: 1, sha256: "0".repeat(64) },
    });

    const list = await listProvidersForVetting(db(), council.id);
    expect(list.map((p) => [p.name, p.status, p.checksDone, p.documents])).toEqual([
      ["Waiting Provider", "APPLIED", 2, 1],
      ["Already Approved", "APPROVED", 0, 0],
    ]);
    expect(approved.provider.id).not.toBe(waiting.provider.id);
  });
});

describe("two officers deciding at once", () => {
  it("approve and reject at the same moment: exactly one decision stands, and the provider hears only that one", async () => {
    const council = await createCouncil();
    const { provider } = await createProvider({ councilId: council.id, vetting: "APPLIED" });
    const [one, two] = [await officerOf(council.id), await officerOf(council.id)];
    const target = { councilId: council.id, providerId: provider.id };
    // Both pages showed the application as APPLIED; whichever decision locks the link second finds it decided.
    const results = await settle<{ status: string }>([approveProvider(db(), one, { ...target, checklist: allTicked, seenStatus: "APPLIED" }), rejectProvider(db(), two, { ...target, reason: "Insurance certificate is missing" })]);

    expect(results.fulfilled).toHaveLength(1);
    expect(domainCodes(results.rejected)).toEqual(["VETTING_STATE"]);
    const status = (await getProviderVetting(db(), target)).status;
    expect(status).toBe(results.fulfilled[0]!.status);
    expect((await messagesTo(provider.contactEmail)).map((m) => m.template)).toEqual([status === "APPROVED" ? "provider-approved" : "provider-rejected"]);
  });
});

describe("approving what the page showed", () => {
  it("refuses to approve over a rejection made after the page was opened, and approves a rejection reconsidered on purpose", async () => {
    const council = await createCouncil();
    const { provider } = await createProvider({ councilId: council.id, vetting: "APPLIED" });
    const [one, two] = [await officerOf(council.id), await officerOf(council.id)];
    const target = { councilId: council.id, providerId: provider.id };
    await rejectProvider(db(), two, { ...target, reason: "Insurance certificate is missing" });
    await expectDomainError(approveProvider(db(), one, { ...target, checklist: allTicked, seenStatus: "APPLIED" }), "VETTING_STATE", /rejected|Reload/);
    expect((await getProviderVetting(db(), target)).status).toBe("REJECTED");
    await approveProvider(db(), one, { ...target, checklist: allTicked, seenStatus: "REJECTED" });
    expect((await getProviderVetting(db(), target)).status).toBe("APPROVED");
  });
});

describe("suspending and reinstating", () => {
  it("cancels every future booking with a refund, tells each young person without the officer's reason, hides live activities and blocks new bookings", async () => {
    const scene = await createScene({ activity: { pricePence: 800 } });
    const council = scene.council;
    const laterSlot = await createSlot({ activityId: scene.activity.id, startsAt: daysFromNow(14) });
    const pastSlot = await createSlot({ activityId: scene.activity.id, startsAt: new Date(Date.now() - 30 * 60_000) });
    const a = await createYoungPerson({ programmeId: scene.programme.id, allocationPence: 5_000 });
    const b = await createYoungPerson({ programmeId: scene.programme.id, allocationPence: 5_000 });
    const first = await bookSlot(db(), { youngPersonId: a.youngPerson.id, slotId: scene.slot.id, requestKey: randomUUID() });
    const second = await bookSlot(db(), { youngPersonId: b.youngPerson.id, slotId: laterSlot.id, requestKey: randomUUID() });
    // Already used at the door: a past booking is not touched by a suspension.
    const used = await bookSlot(db(), { youngPersonId: b.youngPerson.id, slotId: pastSlot.id, requestKey: randomUUID(), now: new Date(Date.now() - 2 * 3_600_000) });
    await redeemBooking(db(), { code: used.code, providerId: scene.provider.id, actor: doorActor() });
    const officer = await officerOf(council.id);

    const result = await suspendProvider(db(), officer, { councilId: council.id, providerId: scene.provider.id, reason: "Safeguarding concern under investigation" });

    expect(result).toEqual({ status: "SUSPENDED", cancelledSlots: 2, refundedBookings: 2 });
    expect(await walletBalance(a.allocation!.id)).toBe(5_000);
    expect(await walletBalance(b.allocation!.id)).toBe(5_000 - 800);
    expect(await holdBalance(first.id)).toBe(0);
    expect(await holdBalance(second.id)).toBe(0);
    expect((await db().booking.findUniqueOrThrow({ where: { id: used.id } })).status).toBe("REDEEMED");
    expect((await db().activity.findUniqueOrThrow({ where: { id: scene.activity.id } })).status).toBe("PAUSED");

    const toA = await messagesTo(a.youngPerson.email!);
    expect(toA).toHaveLength(1);
    expect(toA[0]!.template).toBe("slot-cancelled");
    expect(toA[0]!.body).toContain("£8.00 is back on your pass");
    expect(toA[0]!.body).not.toContain("Safeguarding");
    const toProvider = await messagesTo(scene.provider.contactEmail);
    expect(toProvider.map((m) => m.template)).toEqual(["provider-suspended"]);
    expect(toProvider[0]!.body).toContain("Safeguarding concern under investigation.");

    const newSlot = await createSlot({ activityId: (await createActivity({ providerId: scene.provider.id, councilId: council.id })).id });
    await expectDomainError(bookSlot(db(), { youngPersonId: a.youngPerson.id, slotId: newSlot.id, requestKey: randomUUID() }), "PROVIDER_NOT_APPROVED");
    await expectLedgerOk(council.id);
  });

  it("suspending again finishes cancelling sessions and refunds nothing twice", async () => {
    const scene = await createScene({ activity: { pricePence: 500 } });
    const person = await createYoungPerson({ programmeId: scene.programme.id, allocationPence: 2_000 });
    await bookSlot(db(), { youngPersonId: person.youngPerson.id, slotId: scene.slot.id, requestKey: randomUUID() });
    const officer = await officerOf(scene.council.id);
    const input = { councilId: scene.council.id, providerId: scene.provider.id, reason: "Insurance has lapsed for the venue" };
    const [one, two] = await Promise.all([suspendProvider(db(), officer, input), suspendProvider(db(), officer, input)]);

    expect(one.refundedBookings + two.refundedBookings).toBe(1);
    expect(await walletBalance(person.allocation!.id)).toBe(2_000);
    expect(await db().auditEvent.count({ where: { entityId: scene.provider.id, action: "provider.suspended" } })).toBe(1);
    await expectLedgerOk(scene.council.id);
  });

  it("reinstates: bookable again, and only the activities the suspension hid come back", async () => {
    const scene = await createScene();
    const pausedByProvider = await createActivity({ providerId: scene.provider.id, councilId: scene.council.id, status: "PAUSED" });
    const officer = await officerOf(scene.council.id);
    const target = { councilId: scene.council.id, providerId: scene.provider.id };
    await expectDomainError(reinstateProvider(db(), officer, target), "VETTING_STATE", /approved/);
    await suspendProvider(db(), officer, { ...target, reason: "Complaint about staff conduct" });

    const { resumedActivities } = await reinstateProvider(db(), officer, target);

    expect(resumedActivities).toBe(1);
    expect((await db().activity.findUniqueOrThrow({ where: { id: scene.activity.id } })).status).toBe("LIVE");
    expect((await db().activity.findUniqueOrThrow({ where: { id: pausedByProvider.id } })).status).toBe("PAUSED");
    const vetting = await getProviderVetting(db(), target);
    expect(vetting).toMatchObject({ status: "APPROVED", suspensionReason: null });
    expect(vetting.history.map((h) => h.action)).toEqual(["provider.reinstated", "provider.suspended"]);
  });
});

describe("the provider page", () => {
  it("approves through the form and redirects with the outcome", async () => {
    const council = await createCouncil();
    const { provider } = await createProvider({ councilId: council.id, vetting: "APPLIED" });
    const officer = await createMember("OFFICER", { councilId: council.id });
    const cookie = await signIn(officer.id);
    const fields = Object.fromEntries(CHECKLIST_ITEMS.map((i) => [i.key, "on"]));

    const refused = unwrap<{ result: { error: Record<string, string[]> } }>(
      await providerAction(routeArgs(formRequest(`/council/providers/${provider.id}`, { intent: "approve", insurance: "on" }, { cookie }), { providerId: provider.id })),
    );
    expect(refused.status).toBe(409);
    expect(refused.data.result.error[""]).toEqual([expect.stringMatching(/Tick every check before approving: 5 are not done yet/)]);

    const done = await thrownBy(providerAction(routeArgs(formRequest(`/council/providers/${provider.id}`, { intent: "approve", ...fields }, { cookie }), { providerId: provider.id })));
    expect(redirectLocation(done)).toBe(`/council/providers/${provider.id}?done=approve`);
    const page = unwrap<Awaited<ReturnType<typeof providerLoader>>>(await providerLoader(routeArgs(getRequest(`/council/providers/${provider.id}`, cookie), { providerId: provider.id })));
    expect(page.data.vetting.status).toBe("APPROVED");
  });

  it("asks for a reason next to the field when rejecting without one", async () => {
    const council = await createCouncil();
    const { provider } = await createProvider({ councilId: council.id, vetting: "APPLIED" });
    const officer = await createMember("OFFICER", { councilId: council.id });
    const reply = unwrap<{ result: { error: Record<string, string[]> } }>(
      await providerAction(routeArgs(formRequest(`/council/providers/${provider.id}`, { intent: "reject", reason: "" }, { cookie: await signIn(officer.id) }), { providerId: provider.id })),
    );
    expect(reply.status).toBe(400);
    expect(reply.data.result.error.reason?.[0]).toMatch(/reason/);
  });

  it("answers 404 to an officer of another council deciding, and changes nothing", async () => {
    const scene = await createScene();
    const other = await createCouncil();
    const intruder = await createMember("OFFICER", { councilId: other.id });
    const request = formRequest(`/council/providers/${scene.provider.id}`, { intent: "suspend", reason: "Trying to suspend someone else's provider" }, { cookie: await signIn(intruder.id) });
    expect(statusOf(await thrownBy(providerAction(routeArgs(request, { providerId: scene.provider.id }))))).toBe(404);
    expect((await getProviderVetting(db(), { councilId: scene.council.id, providerId: scene.provider.id })).status).toBe("APPROVED");
    expect((await db().slot.findUniqueOrThrow({ where: { id: scene.slot.id } })).status).toBe("SCHEDULED");
  });

  it("lets a finance officer read the page but not decide", async () => {
    const council = await createCouncil();
    const { provider } = await createProvider({ councilId: council.id, vetting: "APPLIED" });
    const finance = await createMember("FINANCE_OFFICER", { councilId: council.id });
    const cookie = await signIn(finance.id);
    await providerLoader(routeArgs(getRequest(`/council/providers/${provider.id}`, cookie), { providerId: provider.id }));
    const refused = await thrownBy(providerAction(routeArgs(formRequest(`/council/providers/${provider.id}`, { intent: "reject", reason: "Not for us right now" }, { cookie }), { providerId: provider.id })));
    expect(statusOf(refused)).toBe(403);
  });
});
