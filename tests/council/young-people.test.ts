import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { listYoungPeople, PAGE_SIZE } from "~/domain/programmes";
import { action as personAction, loader as personLoader } from "~/routes/council.young-people.$youngPersonId";
import { action as addAction } from "~/routes/council.young-people.new";
import { loader as listLoader } from "~/routes/council.young-people._index";
import { createCouncil, createProgramme, createYoungPerson, dateOfBirthForAge } from "../factories";
import { expectLedgerOk, walletBalance } from "../helpers";
import { createMember, formRequest, getRequest, redirectLocation, routeArgs, signIn, statusOf, thrownBy, unwrap } from "../support/actors";

const db = () => getDb();

async function officer(councilId: string) {
  return signIn((await createMember("OFFICER", { councilId })).id);
}

describe("the young people list", () => {
  it("filters by ward, needs and status, searches by name, and pages 50 at a time", async () => {
    const council = await createCouncil();
    const programme = await createProgramme({ councilId: council.id });
    for (let i = 0; i < PAGE_SIZE + 5; i++) await createYoungPerson({ councilId: council.id, withAllocation: false, ward: "Riverside" });
    await createYoungPerson({ councilId: council.id, programmeId: programme.id, ward: "Hill", needsFlags: ["SEND"], firstName: "Zainab" });

    const riverside = await listYoungPeople(db(), council.id, { ward: "Riverside" }, 1);
    expect(riverside).toMatchObject({ total: PAGE_SIZE + 5, pages: 2 });
    expect(riverside.people).toHaveLength(PAGE_SIZE);
    expect((await listYoungPeople(db(), council.id, { ward: "Riverside" }, 2)).people).toHaveLength(5);
    expect(riverside.wards).toEqual(["Hill", "Riverside"]);

    const send = await listYoungPeople(db(), council.id, { needs: "SEND" }, 1);
    expect(send.people.map((p) => p.firstName)).toEqual(["Zainab"]);
    expect(send.people[0]).toMatchObject({ balancePence: 5_000, allocationStatus: "ACTIVE" });
    expect((await listYoungPeople(db(), council.id, { q: "zain" }, 1)).total).toBe(1);
    expect((await listYoungPeople(db(), council.id, { status: "DEACTIVATED" }, 1)).total).toBe(0);
  });

  it("shows only the officer's own council, and ignores filters it does not understand", async () => {
    const council = await createCouncil();
    await createYoungPerson({ councilId: council.id, withAllocation: false });
    const other = await createCouncil();
    await createYoungPerson({ councilId: other.id, withAllocation: false });
    const page = unwrap<{ total: number }>(await listLoader(routeArgs(getRequest("/council/young-people?needs=NONSENSE&page=-3", await officer(council.id)))));
    expect(page.data.total).toBe(1);
  });
});

describe("one young person's page", () => {
  it("tops up with a reason once however often the same form is sent, and shows it on the statement", async () => {
    const council = await createCouncil();
    const programme = await createProgramme({ councilId: council.id, fundedPence: 50_000 });
    const { youngPerson, allocation } = await createYoungPerson({ councilId: council.id, programmeId: programme.id });
    const cookie = await officer(council.id);
    const path = `/council/young-people/${youngPerson.id}`;
    const page = unwrap<{ idempotencyKey: string }>(await personLoader(routeArgs(getRequest(path, cookie), { youngPersonId: youngPerson.id })));
    const fields = { intent: "reward", allocationId: allocation!.id, amount: "7.50", reason: "came to every session", idempotencyKey: page.data.idempotencyKey };
    for (let i = 0; i < 2; i++) {
      expect(redirectLocation(await thrownBy(personAction(routeArgs(formRequest(path, fields, { cookie }), { youngPersonId: youngPerson.id }))))).toBe(`${path}?done=reward`);
    }
    expect(await walletBalance(allocation!.id)).toBe(5_750);
    const after = unwrap<{ person: { statement: { entries: { description: string; amountPence: number }[] } } }>(
      await personLoader(routeArgs(getRequest(path, cookie), { youngPersonId: youngPerson.id })),
    );
    expect(after.data.person.statement.entries[0]).toMatchObject({ amountPence: 750 });
    await expectLedgerOk(council.id);
  });

  it("refuses fractions of a penny next to the amount", async () => {
    const council = await createCouncil();
    const { youngPerson, allocation } = await createYoungPerson({ councilId: council.id });
    const cookie = await officer(council.id);
    const answer = unwrap<{ result: { error: Record<string, string[]> } }>(
      await personAction(
        routeArgs(formRequest(`/council/young-people/${youngPerson.id}`, { intent: "top-up", allocationId: allocation!.id, amount: "1.005", reason: "extra", idempotencyKey: "abcdefgh1" }, { cookie }), {
          youngPersonId: youngPerson.id,
        }),
      ),
    );
    expect(answer.status).toBe(400);
    expect(answer.data.result.error.amount).toEqual(["The amount cannot include fractions of a penny: use at most two decimal places."]);
    expect(await walletBalance(allocation!.id)).toBe(5_000);
  });

  it("is a 404 for another council's officer, to read and to act", async () => {
    const { youngPerson, allocation } = await createYoungPerson();
    const stranger = await officer((await createCouncil()).id);
    const path = `/council/young-people/${youngPerson.id}`;
    expect(statusOf(await thrownBy(personLoader(routeArgs(getRequest(path, stranger), { youngPersonId: youngPerson.id }))))).toBe(404);
    expect(statusOf(await thrownBy(personAction(routeArgs(formRequest(path, { intent: "freeze", allocationId: allocation!.id }, { cookie: stranger }), { youngPersonId: youngPerson.id }))))).toBe(404);
    expect((await db().allocation.findUniqueOrThrow({ where: { id: allocation!.id } })).status).toBe("ACTIVE");
  });
});

describe("adding a young person by hand", () => {
  it("adds them, waiting to activate, and refuses a reference already in use next to its field", async () => {
    const council = await createCouncil();
    const cookie = await officer(council.id);
    const fields = { firstName: "Kit", lastName: "Hand", dateOfBirth: dateOfBirthForAge(13).toISOString().slice(0, 10), postcode: "nb3 1aa", ward: "Canal Side", externalRef: "HAND-1", email: "", phone: "07700 900777" };
    const location = redirectLocation(await thrownBy(addAction(routeArgs(formRequest("/council/young-people/new", fields, { cookie })))));
    expect(location).toMatch(/^\/council\/young-people\/[0-9a-f-]+\?done=added$/);
    expect(await db().youngPerson.findFirstOrThrow({ where: { councilId: council.id, externalRef: "HAND-1" } })).toMatchObject({ status: "INVITED", postcode: "NB3 1AA", phone: "+447700900777" });

    const again = unwrap<{ result: { error: Record<string, string[]> } }>(await addAction(routeArgs(formRequest("/council/young-people/new", fields, { cookie }))));
    expect(again.status).toBe(409);
    expect(again.data.result.error.externalRef).toEqual(["Someone is already enrolled with this reference."]);
  });
});
