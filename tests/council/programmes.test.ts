import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { createProgramme, getProgramme, updateProgramme } from "~/domain/programmes";
import { pounds, programmeData, programmeFormSchema } from "~/domain/programmes/forms";
import { action as newAction } from "~/routes/council.programmes.new";
import { loader as programmeLoader } from "~/routes/council.programmes.$programmeId._index";
import { createCouncil, createProgramme as createFundedProgramme } from "../factories";
import { budgetBalance, expectDomainError, expectLedgerOk } from "../helpers";
import { createMember, formRequest, getRequest, redirectLocation, routeArgs, signIn, statusOf, thrownBy, unwrap } from "../support/actors";

const db = () => getDb();

/** A filled-in programme form as a browser posts it; override any field. */
function form(overrides: Record<string, string | string[]> = {}) {
  return {
    name: "Summer Activities",
    status: "ACTIVE",
    budget: "250,000",
    baseAllocation: "50",
    upliftFreeSchoolMeals: "20.50",
    upliftCareExperienced: "",
    upliftSend: "15",
    upliftYoungCarer: "",
    minAge: "11",
    maxAge: "18",
    ageReferenceDate: "2026-08-31",
    eligiblePostcodes: "nb1, NB2 4",
    eligibleWards: "Riverside\nHill",
    allowedCategories: ["SWIMMING", "MUSIC"],
    startsOn: "2026-06-01",
    endsOn: "2027-03-31",
    maxPerBooking: "",
    noShowPolicy: "RELEASE",
    payoutSchedule: "WEEKLY",
    approvalThreshold: "5000",
    waitlistOfferMinutes: "120",
    ...overrides,
  };
}

function formData(fields: Record<string, string | string[]>) {
  const data = new FormData();
  for (const [key, value] of Object.entries(fields)) for (const v of [value].flat()) data.append(key, v);
  return data;
}

function parse(fields: Record<string, string | string[]>) {
  return programmeFormSchema.safeParse(Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v === "" ? undefined : v])));
}

const errorsOf = (fields: Record<string, string | string[]>) => {
  const result = parse(fields);
  return result.success ? {} : Object.fromEntries(result.error.issues.map((i) => [i.path.join("."), i.message]));
};

describe("the programme form", () => {
  it("turns pounds into pence, lists into arrays and dates into calendar days", () => {
    const result = parse(form());
    expect(result.success).toBe(true);
    const data = programmeData(result.data!);
    expect(data).toMatchObject({
      budgetPence: 25_000_000,
      baseAllocationPence: 5_000,
      upliftsPence: { FREE_SCHOOL_MEALS: 2_050, SEND: 1_500 },
      eligiblePostcodes: ["NB1", "NB2 4"],
      eligibleWards: ["Riverside", "Hill"],
      maxPerBookingPence: null,
      approvalThresholdPence: 500_000,
      startsOn: new Date("2026-06-01T00:00:00Z"),
    });
  });

  it("refuses fractions of a penny rather than rounding them", () => {
    expect(errorsOf(form({ budget: "1000.005" }))).toEqual({ budget: "The funded budget cannot include fractions of a penny: use at most two decimal places." });
    expect(errorsOf(form({ upliftSend: "0.125" }))).toEqual({ upliftSend: "The SEND uplift cannot include fractions of a penny: use at most two decimal places." });
  });

  it("reads any amount typed in pounds as exactly that many pence, with or without £, commas and pence", () => {
    const amount = pounds("the amount");
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 9_999_999_999 }), fc.boolean(), fc.boolean(), (pence, symbol, commas) => {
        const whole = Math.floor(pence / 100).toString();
        const typed = `${symbol ? "£" : ""}${commas ? whole.replace(/\B(?=(\d{3})+(?!\d))/g, ",") : whole}.${String(pence % 100).padStart(2, "0")}`;
        expect(amount.parse(typed)).toBe(pence);
      }),
    );
  });

  it("never rounds: any amount with a fraction of a penny is refused", () => {
    const amount = pounds("the amount");
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 99_999 }), fc.integer({ min: 1, max: 9 }), fc.integer({ min: 0, max: 99 }), (whole, thousandth, cents) => {
        const typed = `${whole}.${String(cents).padStart(2, "0")}${thousandth}`;
        expect(amount.safeParse(typed).success).toBe(false);
      }),
    );
  });

  it("says what is wrong with each field in plain words", () => {
    expect(errorsOf(form({ budget: "lots" }))).toEqual({ budget: "Enter the funded budget as an amount in pounds, like 150 or 150.50." });
    expect(errorsOf(form({ minAge: "16", maxAge: "12" }))).toEqual({ maxAge: "The oldest age must be the same as or more than the youngest age." });
    expect(errorsOf(form({ endsOn: "2026-05-01" }))).toEqual({ endsOn: "The end date must be after the start date." });
    expect(errorsOf(form({ startsOn: "2026-02-30" }))).toEqual({ startsOn: "Enter the start date as a real date." });
    expect(errorsOf(form({ eligiblePostcodes: "NB1, Northbridge" }))).toEqual({ eligiblePostcodes: expect.stringMatching(/^NORTHBRIDGE is not a postcode area/) });
    expect(errorsOf(form({ allowedCategories: [] }))).toEqual({ allowedCategories: "Choose at least one kind of activity." });
    expect(errorsOf(form({ budget: "40", baseAllocation: "50" }))).toEqual({ baseAllocation: expect.stringMatching(/cannot be more than the whole budget/) });
  });
});

describe("creating and changing a programme", () => {
  it("funds the budget through the ledger when created, and funds only the difference when raised", async () => {
    const council = await createCouncil();
    const data = programmeData(parse(form({ budget: "1000" })).data!);
    const programme = await createProgramme(db(), { councilId: council.id }, data);
    expect(await budgetBalance(programme.id)).toBe(100_000);

    await updateProgramme(db(), { councilId: council.id }, programme.id, { ...data, budgetPence: 150_000, name: "Renamed" });
    // Saving the same form again (a double click, a retry) funds nothing more.
    await updateProgramme(db(), { councilId: council.id }, programme.id, { ...data, budgetPence: 150_000, name: "Renamed" });
    expect(await budgetBalance(programme.id)).toBe(150_000);
    const funds = await db().transfer.findMany({ where: { councilId: council.id, kind: "FUND" }, select: { amountPence: true }, orderBy: { id: "asc" } });
    expect(funds.map((f) => Number(f.amountPence))).toEqual([100_000, 50_000]);
    expect((await getProgramme(db(), council.id, programme.id)).name).toBe("Renamed");
    await expectLedgerOk(council.id);
  });

  it("refuses to lower a budget already put in, next to the budget field", async () => {
    const council = await createCouncil();
    const data = programmeData(parse(form({ budget: "1000" })).data!);
    const programme = await createProgramme(db(), { councilId: council.id }, data);
    const error = await expectDomainError(updateProgramme(db(), { councilId: council.id }, programme.id, { ...data, budgetPence: 90_000 }), "INVALID_INPUT", /cannot be lowered/);
    expect(error.field).toBe("budget");
    expect(await budgetBalance(programme.id)).toBe(100_000);
  });

  it("cannot change another council's programme", async () => {
    const council = await createCouncil();
    const data = programmeData(parse(form()).data!);
    const programme = await createProgramme(db(), { councilId: council.id }, data);
    const other = await createCouncil();
    await expectDomainError(updateProgramme(db(), { councilId: other.id }, programme.id, data), "NOT_FOUND");
  });
});

describe("the programme pages", () => {
  it("creates a programme from the form and goes to its page; a bad amount comes back next to its field", async () => {
    const council = await createCouncil();
    const officer = await createMember("OFFICER", { councilId: council.id });
    const cookie = await signIn(officer.id);
    const request = (fields: Record<string, string | string[]>) =>
      new Request("http://localhost/council/programmes/new", { method: "POST", body: formData(fields), headers: { Cookie: cookie } });

    const refused = unwrap<{ result: { error: Record<string, string[]> } }>(await newAction(routeArgs(request(form({ baseAllocation: "12.345" })))));
    expect(refused.status).toBe(400);
    expect(refused.data.result.error.baseAllocation).toEqual(["The base allocation cannot include fractions of a penny: use at most two decimal places."]);
    expect(await db().programme.count({ where: { councilId: council.id } })).toBe(0);

    const location = redirectLocation(await thrownBy(newAction(routeArgs(request(form())))));
    const programmeId = /\/council\/programmes\/([0-9a-f-]+)/.exec(location)![1]!;
    const page = unwrap<{ preview: { budgetLeftPence: number; people: number } }>(await programmeLoader(routeArgs(getRequest(location, cookie), { programmeId })));
    expect(page.data.preview).toMatchObject({ budgetLeftPence: 25_000_000, people: 0 });
  });

  it("is a 404 for an officer of another council, and finance officers cannot create programmes", async () => {
    const programme = await createFundedProgramme();
    const stranger = await createMember("OFFICER", { councilId: (await createCouncil()).id });
    const cookie = await signIn(stranger.id);
    const thrown = await thrownBy(programmeLoader(routeArgs(getRequest(`/council/programmes/${programme.id}`, cookie), { programmeId: programme.id })));
    expect(statusOf(thrown)).toBe(404);

    const finance = await createMember("FINANCE_OFFICER", { councilId: programme.councilId });
    const financeCookie = await signIn(finance.id);
    expect(statusOf(await thrownBy(newAction(routeArgs(formRequest("/council/programmes/new", { name: "x" }, { cookie: financeCookie })))))).toBe(403);
  });
});
