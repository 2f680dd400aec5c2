// Subject access: an officer of the young person's council, or the young person, downloads everything held
// about them as JSON from one builder; nobody else can, codes that work like keys are left out, each download is audited.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { bookSlot } from "~/domain/booking";
import { EXPORT_FORMAT, type SubjectAccessExport } from "~/domain/privacy/export";
import { loader as officerExport } from "~/routes/council.young-people.$youngPersonId_.export[.]json";
import { loader as myData } from "~/routes/young.my-data[.]json";
import { createScene, createYoungPerson } from "../factories";
import { createMember, getRequest, redirectLocation, routeArgs, signIn, statusOf, thrownBy } from "../support/actors";

const db = () => getDb();

async function personWithHistory() {
  const scene = await createScene({ activity: { title: "Climbing taster", pricePence: 800 } });
  const { youngPerson } = await createYoungPerson({ programmeId: scene.programme.id, firstName: "Priya", phone: "+447700900123", needsFlags: ["YOUNG_CARER"] });
  const booking = await bookSlot(db(), { youngPersonId: youngPerson.id, slotId: scene.slot.id, requestKey: randomUUID() });
  await db().demandNote.create({ data: { councilId: scene.council.id, youngPersonId: youngPerson.id, kind: "SUGGESTION", text: "Bouldering for beginners" } });
  await db().guardianConsent.create({ data: { youngPersonId: youngPerson.id, guardianContact: "dad@example.test", tokenHash: randomUUID(), expiresAt: new Date(Date.now() + 86_400_000) } });
  await db().message.create({ data: { channel: "EMAIL", recipient: youngPerson.email!, template: "sign-in", subject: "Your code", body: "123456 is your code", status: "OUTBOX", redactAfterSend: true } });
  const user = await createMember("YOUNG_PERSON", { youngPersonId: youngPerson.id }, { email: youngPerson.email });
  const activation = await db().youngPerson.update({ where: { id: youngPerson.id }, data: { activationCode: `ACT-${randomUUID().slice(0, 8)}` }, select: { activationCode: true } });
  return { scene, youngPerson, booking, user, activationCode: activation.activationCode! };
}

async function download(response: unknown): Promise<{ document: SubjectAccessExport; text: string; headers: Headers }> {
  expect(response).toBeInstanceOf(Response);
  const res = response as Response;
  expect(res.status).toBe(200);
  const text = await res.text();
  return { document: JSON.parse(text) as SubjectAccessExport, text, headers: res.headers };
}

const exportPath = (youngPersonId: string) => `/council/young-people/${youngPersonId}/export.json`;

async function asOfficer(officerId: string, youngPersonId: string) {
  return officerExport(routeArgs(getRequest(exportPath(youngPersonId), await signIn(officerId)), { youngPersonId }));
}

describe("subject access export", () => {
  it("gives an officer of the council everything held about the young person, as a JSON attachment, and records it", async () => {
    const { scene, youngPerson } = await personWithHistory();
    const officer = await createMember("OFFICER", { councilId: scene.council.id });

    const { document, headers } = await download(await asOfficer(officer.id, youngPerson.id));

    expect(headers.get("Content-Type")).toBe("application/json; charset=utf-8");
    expect(headers.get("Content-Disposition")).toMatch(/^attachment; filename="playpass-data-[0-9a-f]{8}-\d{4}-\d{2}-\d{2}\.json"$/);
    expect(headers.get("Cache-Control")).toBe("private, no-store");
    expect(document.format).toBe(EXPORT_FORMAT);
    expect(document.person).toMatchObject({ id: youngPerson.id, firstName: "Priya", lastName: youngPerson.lastName, email: youngPerson.email, phone: "+447700900123", needs: ["YOUNG_CARER"], ward: youngPerson.ward });
    expect(document.person.dateOfBirth).toBe(youngPerson.dateOfBirth.toISOString().slice(0, 10));
    expect(document.passes).toHaveLength(1);
    expect(document.passes[0]!.balancePence).toBe(5_000 - 800);
    expect(document.statement.map((e) => [e.type, e.amountPence])).toEqual([
      ["booked", -800],
      ["issued", 5_000],
    ]);
    expect(document.bookings).toMatchObject([{ activity: "Climbing taster", pricePence: 800, status: "CONFIRMED" }]);
    expect(document.suggestions).toMatchObject([{ text: "Bouldering for beginners" }]);
    expect(document.guardians).toMatchObject([{ contact: "dad@example.test", consentedAt: null }]);
    expect(document.signIn).toMatchObject({ email: youngPerson.email });
    expect(document.leftOut.length).toBeGreaterThan(0);

    expect(await db().auditEvent.findMany({ where: { entityId: youngPerson.id, action: "young_person.data_exported" }, select: { actorUserId: true, data: true } })).toEqual([
      { actorUserId: officer.id, data: { by: "officer" } },
    ]);
  });

  it("never puts a pass code, activation code, booking code or one-time code in the file", async () => {
    const { scene, youngPerson, booking, activationCode } = await personWithHistory();
    const officer = await createMember("OFFICER", { councilId: scene.council.id });
    const { text, document } = await download(await asOfficer(officer.id, youngPerson.id));

    for (const secret of [youngPerson.passCode, activationCode, booking.code, "123456"]) expect(text).not.toContain(secret);
    expect(document.messages).toMatchObject([{ subject: "Your code", body: "[a one-time code; not kept]" }]);
  });

  it("gives the young person the same document about themselves, and records that they asked", async () => {
    const { scene, youngPerson, user } = await personWithHistory();
    const officer = await createMember("OFFICER", { councilId: scene.council.id });
    const youngCookie = await signIn(user.id);
    const officers = await download(await asOfficer(officer.id, youngPerson.id));

    const own = await download(await myData(routeArgs(getRequest("/young/my-data.json", youngCookie))));

    const withoutTimes = (d: SubjectAccessExport) => ({ ...d, generatedAt: "", recordHistory: [] });
    expect(withoutTimes(own.document)).toEqual(withoutTimes(officers.document));
    expect(await db().auditEvent.count({ where: { entityId: youngPerson.id, action: "young_person.data_exported", actorUserId: user.id, data: { equals: { by: "self" } } } })).toBe(1);
  });

  it("is refused to another council's officer, a finance officer, provider staff, a guardian and anyone signed out", async () => {
    const { scene, youngPerson } = await personWithHistory();
    const elsewhere = await createScene();
    const refusal = async (userId: string) => statusOf(await thrownBy(asOfficer(userId, youngPerson.id)));

    expect(await refusal((await createMember("OFFICER", { councilId: elsewhere.council.id })).id)).toBe(404);
    expect(await refusal((await createMember("FINANCE_OFFICER", { councilId: scene.council.id })).id)).toBe(403);
    expect(await refusal((await createMember("PROVIDER_MANAGER", { providerId: scene.provider.id })).id)).toBe(403);
    expect(await refusal((await createMember("GUARDIAN", { youngPersonId: youngPerson.id })).id)).toBe(403);
    expect(redirectLocation(await thrownBy(officerExport(routeArgs(getRequest(exportPath(youngPerson.id)), { youngPersonId: youngPerson.id }))))).toMatch(/^\/login\?redirectTo=/);
    // A malformed id is "not found", not a crash.
    const officer = await createMember("OFFICER", { councilId: scene.council.id });
    expect(statusOf(await thrownBy(asOfficer(officer.id, "not-a-uuid")))).toBe(404);
    expect(await db().auditEvent.count({ where: { entityId: youngPerson.id, action: "young_person.data_exported" } })).toBe(0);
  });

  it("gives a young person only their own data, with no id anyone could change, and nothing to a guardian or anyone signed out", async () => {
    const { scene, youngPerson } = await personWithHistory();
    const guardian = await createMember("GUARDIAN", { youngPersonId: youngPerson.id });
    expect(statusOf(await thrownBy(myData(routeArgs(getRequest("/young/my-data.json", await signIn(guardian.id))))))).toBe(403);
    expect(redirectLocation(await thrownBy(myData(routeArgs(getRequest("/young/my-data.json")))))).toMatch(/^\/login\?redirectTo=/);

    const other = await createYoungPerson({ councilId: scene.council.id, withAllocation: false });
    const otherUser = await createMember("YOUNG_PERSON", { youngPersonId: other.youngPerson.id });
    const request = getRequest(`/young/my-data.json?youngPersonId=${youngPerson.id}`, await signIn(otherUser.id));
    const { document, text } = await download(await myData(routeArgs(request, { youngPersonId: youngPerson.id })));
    expect(document.person.id).toBe(other.youngPerson.id);
    expect(text).not.toContain(youngPerson.lastName);
    expect(await db().auditEvent.count({ where: { entityId: youngPerson.id, action: "young_person.data_exported" } })).toBe(0);
  });
});
