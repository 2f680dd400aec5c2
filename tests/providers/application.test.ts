// Applying to join a council's scheme: every field is checked with a message next to it, documents are
// checked by their bytes and size, and the application is written whole or not at all.
import { mkdtemp, readdir, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { applicationSchema, getApplicationStatus } from "~/domain/providers/application";
import { bankDetailsSchema } from "~/domain/providers/bank-details";
import { getDb } from "~/lib/db.server";
import { resetEnvForTests } from "~/lib/env.server";
import { action as applyAction } from "~/routes/providers.apply._index";
import { loader as statusLoader } from "~/routes/provider.application";
import { createCouncil, uniqueSuffix } from "../factories";
import { redirectLocation, getRequest, routeArgs, signIn, thrownBy, unwrap } from "../support/actors";

const db = () => getDb();
const PDF = new TextEncoder().encode("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n");
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13]);

let uploadDir: string;
beforeEach(async () => {
  uploadDir = await mkdtemp(path.join(tmpdir(), "playpass-apply-"));
  process.env.UPLOAD_DIR = uploadDir;
  resetEnvForTests();
});
afterEach(() => {
  delete process.env.UPLOAD_DIR;
  resetEnvForTests();
});

function validFields(councilId: string, overrides: Record<string, string | null> = {}): Record<string, string> {
  const suffix = uniqueSuffix();
  const fields: Record<string, string | null> = {
    councilId,
    name: `Harbour Skate Club ${suffix}`,
    organisationType: "CHARITY",
    registrationNumber: "1123456",
    organisationWebsite: "www.harbourskate.example.org",
    description: "Skateboarding sessions and coaching for young people of every level.",
    addressLine1: "Harbour Walk",
    town: "Northbridge",
    postcode: "nb2 1hs",
    contactName: "Robin Marsh",
    contactEmail: `Robin.${suffix}@Harbourskate.example`,
    contactPhone: "01632 960001",
    "venues[0].name": "Harbour Skate Park",
    "venues[0].addressLine1": "Harbour Walk",
    "venues[0].town": "Northbridge",
    "venues[0].postcode": "NB2 1HS",
    categories: "SPORT",
    payoutMethod: "BANK_FILE",
    "bank.accountName": "Harbour Skate Club",
    "bank.sortCode": "30-99-50",
    "bank.accountNumber": "1234567",
    declaration: "on",
    ...overrides,
  };
  return Object.fromEntries(Object.entries(fields).filter((entry): entry is [string, string] => entry[1] !== null));
}

function applyRequest(fields: Record<string, string>, files: Record<string, { bytes: Uint8Array; name: string } | null> = {}) {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  const documents = { safeguardingPolicy: { bytes: PDF, name: "Safeguarding policy.pdf" }, insuranceCertificate: { bytes: PNG, name: "insurance.png" }, ...files };
  for (const [name, file] of Object.entries(documents)) if (file) form.append(name, new File([file.bytes], file.name));
  return new Request("http://localhost/providers/apply", { method: "POST", body: form, headers: { "x-playpass-client-address": `10.0.${Math.floor(Math.random() * 250)}.${Math.floor(Math.random() * 250)}` } });
}

type Reply = { result: { status?: string; error?: Record<string, string[] | null> } };

async function errorsFor(request: Request) {
  const { data, status } = unwrap<Reply>(await applyAction(routeArgs(request)));
  expect(status).toBeGreaterThanOrEqual(400);
  return data.result.error ?? {};
}

function fieldErrors(fields: Record<string, string>) {
  const parsed = applicationSchema.safeParse(Object.fromEntries(Object.entries(fields)));
  if (parsed.success) return {};
  return Object.fromEntries(parsed.error.issues.map((issue) => [issue.path.join("."), issue.message]));
}

describe("the application form's rules", () => {
  // Conform turns "venues[0].name" into nested values; the schema is checked here on the nested shape.
  function nested(fields: Record<string, string>) {
    const venue = { name: fields["venues[0].name"], addressLine1: fields["venues[0].addressLine1"], town: fields["venues[0].town"], postcode: fields["venues[0].postcode"] };
    const bank = { accountName: fields["bank.accountName"], sortCode: fields["bank.sortCode"], accountNumber: fields["bank.accountNumber"] };
    const rest = Object.fromEntries(Object.entries(fields).filter(([k]) => !k.includes(".") && !k.includes("[")));
    return { ...rest, venues: [venue], bank, categories: fields.categories ? [fields.categories] : undefined, declaration: fields.declaration === "on" ? true : undefined };
  }

  it("accepts a complete application and stores its values in one spelling", () => {
    const parsed = applicationSchema.parse(nested(validFields("5f0b6f7e-0000-4000-8000-000000000001")));
    expect(parsed.postcode).toBe("NB2 1HS");
    expect(parsed.contactEmail).toMatch(/^robin\.[0-9a-f]+@harbourskate\.example$/);
    expect(parsed.contactPhone).toBe("+441632960001");
    expect(parsed.organisationWebsite).toBe("https://www.harbourskate.example.org/");
    expect(parsed.bank).toEqual({ accountName: "Harbour Skate Club", sortCode: "309950", accountNumber: "01234567" });
  });

  const council = "5f0b6f7e-0000-4000-8000-000000000001";
  const cases: Array<[string, Record<string, string | null>, string, RegExp]> = [
    ["no council", { councilId: null }, "councilId", /Choose the council/],
    ["no organisation name", { name: "" }, "name", /Enter your organisation's name/],
    ["an unknown organisation type", { organisationType: "PIRATES" }, "organisationType", /what kind of organisation/],
    ["a charity without its number", { registrationNumber: "" }, "registrationNumber", /Enter your charity number/],
    ["a registration number that is neither", { registrationNumber: "12AB" }, "registrationNumber", /charity number \(6 to 8 digits\)/],
    ["a website that is not one", { organisationWebsite: "not a website" }, "organisationWebsite", /website address like/],
    ["a description too short to help", { description: "Skating" }, "description", /at least 20 characters/],
    ["no address", { addressLine1: "" }, "addressLine1", /first line of your organisation's address/],
    ["no town", { town: "" }, "town", /Enter the town or city/],
    ["a postcode that is not one", { postcode: "NOWHERE" }, "postcode", /real UK postcode/],
    ["no contact name", { contactName: "" }, "contactName", /contact's full name/],
    ["a contact email that is not one", { contactEmail: "robin-at-example" }, "contactEmail", /email address like/],
    ["a phone number that is not a UK one", { contactPhone: "12345" }, "contactPhone", /UK phone number/],
    ["a venue without a name", { "venues[0].name": "" }, "venues.0.name", /venue's name/],
    ["a venue without a postcode", { "venues[0].postcode": "" }, "venues.0.postcode", /Enter the postcode/],
    ["no kind of activity", { categories: null }, "categories", /at least one kind of activity/],
    ["no way to be paid", { payoutMethod: null }, "payoutMethod", /how you want to be paid/],
    ["a bank payout with no account name", { "bank.accountName": "" }, "bank.accountName", /name on the account/],
    ["a bank payout with a bad sort code", { "bank.sortCode": "30-99" }, "bank.sortCode", /valid sort code/],
    ["a bank payout with a 10-digit account number", { "bank.accountNumber": "1234567890" }, "bank.accountNumber", /8-digit account number/],
    ["no declaration", { declaration: null }, "declaration", /Confirm that the information is true/],
  ];
  for (const [what, overrides, field, message] of cases) {
    it(`refuses ${what}, with the message on ${field}`, () => {
      const errors = fieldErrors(nested(validFields(council, overrides)) as unknown as Record<string, string>);
      expect(errors[field]).toMatch(message);
    });
  }

  it("needs no bank details from a provider paid through Stripe", () => {
    const parsed = applicationSchema.parse(
      nested(validFields(council, { payoutMethod: "STRIPE_TRANSFER", "bank.accountName": "", "bank.sortCode": "", "bank.accountNumber": "" })),
    );
    expect(parsed.bank).toBeNull();
  });

  it("reads sort codes and account numbers as banks print them", () => {
    for (const sortCode of ["30-99-50", "30 99 50", "309950"]) {
      expect(bankDetailsSchema.parse({ accountName: "Club", sortCode, accountNumber: "00733445" }).sortCode).toBe("309950");
    }
    expect(bankDetailsSchema.parse({ accountName: "Club", sortCode: "309950", accountNumber: "733445" }).accountNumber).toBe("00733445");
    expect(bankDetailsSchema.safeParse({ accountName: "Club", sortCode: "309950", accountNumber: "12345" }).success).toBe(false);
    expect(bankDetailsSchema.safeParse({ accountName: "Club", sortCode: "3099500", accountNumber: "00733445" }).success).toBe(false);
  });
});

describe("applying", () => {
  it("creates the provider, its application, venue, documents and the contact's manager sign-in, and emails the contact", async () => {
    const council = await createCouncil();
    const fields = validFields(council.id);
    const location = redirectLocation(await thrownBy(applyAction(routeArgs(applyRequest(fields)))));
    expect(location).toBe("/providers/apply/sent");

    const provider = await db().provider.findFirstOrThrow({
      where: { name: fields.name },
      include: { councils: true, venues: true, files: true, memberships: { include: { user: true } } },
    });
    expect(provider.councils).toMatchObject([{ councilId: council.id, status: "APPLIED" }]);
    expect(provider.venues).toMatchObject([{ name: "Harbour Skate Park", postcode: "NB2 1HS" }]);
    expect(provider).toMatchObject({ organisationType: "CHARITY", registrationNumber: "1123456", payoutMethod: "BANK_FILE", bankSortCode: "309950", bankAccountNumber: "01234567", categories: ["SPORT"] });
    expect(provider.files.map((f) => [f.kind, f.contentType]).sort()).toEqual([
      ["PUBLIC_LIABILITY_INSURANCE", "image/png"],
      ["SAFEGUARDING_POLICY", "application/pdf"],
    ]);
    expect((await readdir(uploadDir)).sort()).toEqual(provider.files.map((f) => f.storedName).sort());
    expect(provider.memberships).toMatchObject([{ role: "PROVIDER_MANAGER", user: { email: fields.contactEmail!.toLowerCase() } }]);
    const message = await db().message.findFirstOrThrow({ where: { recipient: fields.contactEmail!.toLowerCase() } });
    expect(message.body).toMatch(/sign in at .*\/login/);

    // The contact signs in with the usual code and sees the application being vetted.
    const status = unwrap<{ application: Awaited<ReturnType<typeof getApplicationStatus>> }>(
      await statusLoader(routeArgs(getRequest("/provider/application", await signIn(provider.memberships[0]!.userId)))),
    );
    expect(status.data.application.councils).toMatchObject([{ councilName: council.name, status: "APPLIED", statusText: "Being vetted" }]);
    expect(status.data.application.payment).toEqual({ method: "BANK", accountName: "Harbour Skate Club", sortCode: "30-99-50", accountNumber: "****4567" });
  });

  it("shows the council's reason to a rejected applicant", async () => {
    const council = await createCouncil();
    const fields = validFields(council.id);
    await thrownBy(applyAction(routeArgs(applyRequest(fields))));
    const provider = await db().provider.findFirstOrThrow({ where: { name: fields.name }, include: { memberships: true } });
    await db().providerCouncil.update({
      where: { providerId_councilId: { providerId: provider.id, councilId: council.id } },
      data: { status: "REJECTED", rejectionReason: "The insurance certificate has expired", decidedAt: new Date() },
    });
    const status = await getApplicationStatus(db(), provider.id);
    expect(status.councils).toMatchObject([{ status: "REJECTED", statusText: "Not approved", reason: "The insurance certificate has expired" }]);
  });

  it("refuses documents that are missing, too large or not a PDF or image, each next to its field, and writes nothing", async () => {
    const council = await createCouncil();
    const fields = validFields(council.id);
    const html = new TextEncoder().encode("<html><script>alert(1)</script></html>");
    const big = new Uint8Array(10 * 1024 * 1024 + 10);
    big.set(PDF);
    const errors = await errorsFor(applyRequest(fields, { safeguardingPolicy: { bytes: html, name: "policy.pdf" }, insuranceCertificate: { bytes: big, name: "insurance.pdf" } }));
    expect(errors.safeguardingPolicy).toEqual(["Your safeguarding policy must be a PDF, a PNG image, a JPEG photo or a WebP image."]);
    expect(errors.insuranceCertificate).toEqual(["Your public liability insurance certificate must be 10 MB or smaller."]);
    const missing = await errorsFor(applyRequest(fields, { insuranceCertificate: null }));
    expect(missing.insuranceCertificate).toEqual(["Choose your public liability insurance certificate to upload."]);
    expect(await db().provider.count({ where: { name: fields.name } })).toBe(0);
    expect(await readdir(uploadDir)).toEqual([]);
  });

  it("shows field errors and file errors together, so one correction round is enough", async () => {
    const council = await createCouncil();
    const errors = await errorsFor(applyRequest(validFields(council.id, { postcode: "ZZZ", "bank.sortCode": "1" }), { safeguardingPolicy: null }));
    expect(Object.keys(errors).filter((k) => errors[k]?.length).sort()).toEqual(["bank.sortCode", "postcode", "safeguardingPolicy"]);
  });

  it("writes nothing at all when storing a document fails part-way", async () => {
    const council = await createCouncil();
    const fields = validFields(council.id);
    // UPLOAD_DIR names a file, so the first document cannot be written after the provider row was created.
    const notADirectory = path.join(uploadDir, "not-a-directory");
    await writeFile(notADirectory, "x");
    const filesBefore = await db().storedFile.count();
    process.env.UPLOAD_DIR = notADirectory;
    resetEnvForTests();
    await expect(applyAction(routeArgs(applyRequest(fields)))).rejects.toThrow();
    expect(await db().provider.count({ where: { name: fields.name } })).toBe(0);
    expect(await db().venue.count({ where: { name: "Harbour Skate Park", provider: { name: fields.name } } })).toBe(0);
    expect(await db().user.count({ where: { email: fields.contactEmail!.toLowerCase() } })).toBe(0);
    expect(await db().storedFile.count()).toBe(filesBefore);
    expect(await db().message.count({ where: { recipient: fields.contactEmail!.toLowerCase() } })).toBe(0);
  });

  it("does not take the same organisation's application to the same council twice", async () => {
    const council = await createCouncil();
    const fields = validFields(council.id);
    await thrownBy(applyAction(routeArgs(applyRequest(fields))));
    const errors = await errorsFor(applyRequest(fields));
    expect(errors.name?.[0]).toMatch(/has already applied to .*Sign in with/);
    expect(await db().provider.count({ where: { name: fields.name } })).toBe(1);
  });

  it("quietly refuses a bot that fills the hidden field", async () => {
    const council = await createCouncil();
    const fields: Record<string, string> = { ...validFields(council.id), website: "http://spam.example" };
    const errors = await errorsFor(applyRequest(fields));
    expect(errors[""]).toEqual(["Something went wrong. Try again."]);
    expect(await db().provider.count({ where: { name: fields.name } })).toBe(0);
  });

  it("gives an existing sign-in the new organisation rather than making a second account", async () => {
    const council = await createCouncil();
    const email = `existing-${uniqueSuffix()}@example.test`;
    const user = await db().user.create({ data: { email, displayName: "Existing" } });
    await thrownBy(applyAction(routeArgs(applyRequest(validFields(council.id, { contactEmail: email })))));
    expect(await db().membership.findMany({ where: { userId: user.id }, select: { role: true } })).toEqual([{ role: "PROVIDER_MANAGER" }]);
    expect(await db().user.count({ where: { email } })).toBe(1);
  });
});
