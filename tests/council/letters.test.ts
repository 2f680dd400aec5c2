import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { activationLettersPdf, sendInvitations } from "~/domain/programmes";
import { action as lettersPdf } from "~/routes/council.letters_.pdf";
import { action as lettersAction } from "~/routes/council.letters";
import { useWorkerTestEnvironment } from "../support/workers";
import { createCouncil, createYoungPerson } from "../factories";
import { expectDomainError } from "../helpers";
import { createMember, formRequest, redirectLocation, routeArgs, signIn, thrownBy } from "../support/actors";

const db = () => getDb();
useWorkerTestEnvironment();
const APP = "https://playpass.example";

/** Pages in a PDF: its page objects (not the /Pages tree). */
const pageCount = (pdf: Buffer) => (pdf.toString("latin1").match(/\/Type \/Page\b/g) ?? []).length;

async function invited(councilId: string, contact: { email?: string | null; phone?: string | null }, firstName = "Jo") {
  const { youngPerson } = await createYoungPerson({ councilId, withAllocation: false, email: contact.email ?? null, phone: contact.phone ?? null, firstName });
  return db().youngPerson.update({ where: { id: youngPerson.id }, data: { status: "INVITED" } });
}

describe("activation letters", () => {
  it("prints one A4 page per young person without a phone or email, each with a fresh activation code", async () => {
    const council = await createCouncil();
    const noContact = await Promise.all([1, 2, 3].map((i) => invited(council.id, {}, `Letter${i}`)));
    await invited(council.id, { email: "has-email@example.test" });
    const activated = await invited(council.id, {});
    await db().youngPerson.update({ where: { id: activated.id }, data: { status: "ACTIVE", activatedAt: new Date() } });

    const { pdf, letters } = await activationLettersPdf(db(), { councilId: council.id, appUrl: APP, councilName: council.name }, { noContact: true });
    expect(letters).toBe(3);
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    expect(pageCount(pdf)).toBe(3);
    expect(pdf.toString("latin1")).toMatch(/\/MediaBox \[0 0 595\.28 841\.89\]/); // A4

    const people = await db().youngPerson.findMany({ where: { id: { in: noContact.map((p) => p.id) } } });
    for (const person of people) {
      expect(person.activationCode).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
      expect(person.invitedAt).not.toBeNull();
      expect(person.activationExpiresAt!.getTime()).toBeGreaterThan(Date.now() + 59 * 86_400_000);
    }
  });

  it("keeps a code that is still current when letters are printed again", async () => {
    const council = await createCouncil();
    const person = await invited(council.id, {});
    const context = { councilId: council.id, appUrl: APP, councilName: council.name };
    await activationLettersPdf(db(), context, { noContact: true });
    const first = (await db().youngPerson.findUniqueOrThrow({ where: { id: person.id } })).activationCode;
    await activationLettersPdf(db(), context, { noContact: true });
    expect((await db().youngPerson.findUniqueOrThrow({ where: { id: person.id } })).activationCode).toBe(first);
  });

  it("says so when nobody in the group needs a letter", async () => {
    const council = await createCouncil();
    await expectDomainError(activationLettersPdf(db(), { councilId: council.id, appUrl: APP, councilName: council.name }, { noContact: true }), "INVALID_INPUT", /no letters to print/);
  });

  it("downloads as a PDF from the letters page, for the officer's council only", async () => {
    const council = await createCouncil();
    await invited(council.id, {});
    await invited(council.id, {});
    const other = await createCouncil();
    await invited(other.id, {});
    const officer = await createMember("OFFICER", { councilId: council.id });
    const response = (await lettersPdf(routeArgs(formRequest("/council/letters/pdf", { who: "no-contact" }, { cookie: await signIn(officer.id) })))) as Response;
    expect(response.headers.get("Content-Type")).toBe("application/pdf");
    expect(response.headers.get("Content-Disposition")).toMatch(/^attachment; filename="playpass-activation-letters-/);
    expect(pageCount(Buffer.from(await response.arrayBuffer()))).toBe(2);
  });
});

describe("invitations", () => {
  it("sends each reachable young person one message with their activation link, and not twice", async () => {
    const council = await createCouncil();
    const byEmail = await invited(council.id, { email: "invite-me@example.test" });
    const bySms = await invited(council.id, { phone: "+447700900123" });
    await invited(council.id, {});
    const context = { councilId: council.id, appUrl: APP, councilName: council.name };

    const first = await sendInvitations(db(), context, {});
    expect(first).toMatchObject({ invited: 2 });
    expect(first.messageIds).toHaveLength(2);
    const messages = await db().message.findMany({ where: { id: { in: first.messageIds } } });
    const email = messages.find((m) => m.channel === "EMAIL")!;
    const sms = messages.find((m) => m.channel === "SMS")!;
    expect(email.recipient).toBe("invite-me@example.test");
    expect(sms.recipient).toBe("+447700900123");
    const code = (await db().youngPerson.findUniqueOrThrow({ where: { id: byEmail.id } })).activationCode!;
    expect(email.body).toContain(`${APP}/activate?code=${code}`);
    expect((await db().youngPerson.findUniqueOrThrow({ where: { id: bySms.id } })).invitedAt).not.toBeNull();

    const again = await sendInvitations(db(), context, {});
    expect(again.messageIds).toEqual([]);
  });

  it("sends invitations from the letters page for one ward and says how many went", async () => {
    const council = await createCouncil();
    const inWard = await invited(council.id, { email: "ward-invite@example.test" });
    await db().youngPerson.update({ where: { id: inWard.id }, data: { ward: "Riverside" } });
    await invited(council.id, { email: "elsewhere@example.test" });
    const officer = await createMember("OFFICER", { councilId: council.id });
    const location = redirectLocation(await thrownBy(lettersAction(routeArgs(formRequest("/council/letters?ward=Riverside", { intent: "invite" }, { cookie: await signIn(officer.id) })))));
    expect(new URL(location, "http://localhost").searchParams.get("sent")).toBe("1");
    expect(await db().message.count({ where: { template: "pass-invitation", recipient: "ward-invite@example.test" } })).toBe(1);
    expect(await db().message.count({ where: { template: "pass-invitation", recipient: "elsewhere@example.test" } })).toBe(0);
  });
});
