// A council officer sets up a scheme at a desk: creates a programme, imports a school roll of 5,000 young
// people with 3 bad rows (reported by line), and issues passes to everyone eligible with a progress bar.
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { readFile } from "node:fs/promises";
import { DESKTOP, launchBrowser, PHONE, screenshot, signIn } from "./browser";

const baseURL = inject("baseURL");
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

const WARD = `Setup Ward ${randomBytes(3).toString("hex")}`;
const today = new Date();
const iso = (date: Date) => date.toISOString().slice(0, 10);

/** "£1,234.50" as pence. */
function pence(text: string): number {
  const match = /(-?)£([\d,]+)\.(\d{2})/.exec(text);
  if (!match) throw new Error(`not an amount of money: ${text}`);
  return (match[1] ? -1 : 1) * (Number(match[2]!.replace(/,/g, "")) * 100 + Number(match[3]));
}

/** 5,000 rows in the test's own ward; three are wrong, on lines 101, 2502 and 5001. */
function roll(): { csv: string; badLines: number[] } {
  const lines = ["external_ref,first_name,last_name,date_of_birth,postcode,ward,needs,email,phone"];
  const badAt = new Map([
    [99, "postcode"],
    [2500, "date"],
    [4999, "needs"],
  ]);
  for (let i = 0; i < 5_000; i++) {
    const dob = `${today.getUTCFullYear() - 12 - (i % 5)}-0${1 + (i % 9)}-1${i % 10}`;
    const bad = badAt.get(i);
    lines.push(
      [
        `SETUP-${i}`,
        `Pupil${i}`,
        "Setup",
        bad === "date" ? "2012-02-30" : dob,
        bad === "postcode" ? "NOWHERE" : `NB1 ${i % 10}ZZ`,
        WARD,
        bad === "needs" ? "VIP" : i % 4 === 0 ? "FSM" : "",
        "",
        "",
      ].join(","),
    );
  }
  return { csv: lines.join("\n") + "\n", badLines: [101, 2502, 5001] };
}

async function waitForJobToFinish(page: Page) {
  await page.locator(".notice--success, .notice--warning, .notice--error").first().waitFor({ timeout: 90_000 });
}

describe("setting up a council scheme", () => {
  it("creates a programme, imports 5,000 young people with 3 bad rows reported by line, issues to everyone eligible with a progress bar, approves a provider, and sees the budget add up to the ledger", async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    await signIn(page, baseURL, "officer@northbridge.example");

    // A programme for one ward, so only the imported roll is eligible.
    await page.goto(`${baseURL}/council/programmes`);
    await page.getByRole("link", { name: "Create a programme" }).click();
    await page.getByRole("heading", { level: 1, name: "Create a programme" }).waitFor();
    await page.getByLabel("Name", { exact: true }).fill("Setup Test Programme");
    await page.getByLabel("Status").selectOption("ACTIVE");
    await page.getByLabel("Funded budget, in pounds").fill("300000");
    await page.getByLabel("Base allocation per young person, in pounds").fill("50.001");
    await page.getByLabel("Free school meals").fill("10");
    await page.getByLabel("Ages worked out on").fill(iso(today));
    await page.getByLabel("Wards (optional)").fill(WARD);
    await page.getByLabel("Swimming").check();
    await page.getByLabel("Music").check();
    await page.getByRole("button", { name: "Create programme" }).click();
    // Fractions of a penny are refused next to the field, not rounded.
    await page.getByText("The base allocation cannot include fractions of a penny").first().waitFor();
    await page.getByLabel("Base allocation per young person, in pounds").fill("50");
    await page.getByRole("button", { name: "Create programme" }).click();
    await page.getByRole("heading", { level: 1, name: "Setup Test Programme" }).waitFor();
    const programmeUrl = page.url().replace(/\?.*$/, "");
    expect(await page.locator(".summary-list").first().innerText()).toMatch(/Left in the budget\s*£300,000\.00/);
    await screenshot(page, "council-programme-created");

    // The roll, imported in the background; the bad rows are listed by line.
    const { csv, badLines } = roll();
    await page.goto(`${baseURL}/council/young-people/import`);
    await page.getByLabel("CSV file (up to 20 MB)").setInputFiles({ name: "setup-roll.csv", mimeType: "text/csv", buffer: Buffer.from(csv) });
    await page.getByRole("button", { name: "Upload and import" }).click();
    await page.getByRole("heading", { level: 1, name: "Importing young people" }).waitFor();
    await waitForJobToFinish(page);
    expect(await page.locator(".notice").first().innerText()).toMatch(/4,997 young people added and 0 updated; 3 rows were not imported/);
    const table = page.getByRole("table", { name: "Rows not imported, by line" });
    const lines = (await table.locator("tbody tr td:first-child").allInnerTexts()).map(Number);
    expect(lines).toEqual(badLines);
    expect(await table.innerText()).toMatch(/postcode "NOWHERE" is not a UK postcode/);
    await screenshot(page, "council-import-report");

    // Before issuing: who would get a pass and what it would cost (4,997 × £50, plus £10 for the 1,249 with free school meals).
    await page.goto(programmeUrl);
    const preview = await page.locator(".panel .summary-list").innerText();
    expect(preview).toMatch(/no pass from this programme\s*4,997/);
    expect(preview).toMatch(/Cost of issuing to all of them\s*£262,340\.00/);
    await screenshot(page, "council-programme-preview");

    await page.getByRole("button", { name: "Issue passes to 4,997 young people" }).click();
    await page.getByRole("heading", { level: 1, name: "Issuing passes" }).waitFor();
    // The progress bar shows while the job runs (it refreshes itself), then the outcome replaces it.
    const progress = page.getByRole("progressbar");
    await progress.waitFor({ timeout: 10_000 });
    expect(await page.locator(".job-progress__label").innerText()).toMatch(/Waiting to start|Getting ready|\d[\d,]* of 4,997 done/);
    await screenshot(page, "council-issuing-progress");
    await waitForJobToFinish(page);
    const outcome = await page.locator(".notice").first().innerText();
    expect(outcome).toMatch(/Passes issued/);
    expect(outcome).toMatch(/4,997 passes were issued \(£262,340\.00\)\. £37,660\.00 is left in the budget/);
    expect(await page.locator("progress").count()).toBe(0);
    await screenshot(page, "council-issuing-done");

    // The young people list finds them by ward, each with a balance.
    await page.goto(`${baseURL}/council/young-people?ward=${encodeURIComponent(WARD)}`);
    expect(await page.getByText("4,997 young people").first().isVisible()).toBe(true);
    await screenshot(page, "council-young-people");

    // A provider waiting to be vetted is approved once every check is ticked.
    await page.goto(`${baseURL}/council/providers`);
    await page.getByRole("link", { name: "Eastfield Youth Theatre" }).first().click();
    await page.getByRole("heading", { level: 1, name: "Eastfield Youth Theatre" }).waitFor();
    for (const box of await page.locator("#checklist input[type=checkbox]").all()) await box.check();
    await page.getByRole("button", { name: "Approve provider" }).click();
    await page.getByText(/Approved\. The provider has been told/).waitFor();

    // The budget dashboard, with the new programme's funding and issuing in it, adds up to the ledger.
    await page.goto(`${baseURL}/council/budget`);
    await page.getByRole("heading", { level: 2, name: /These figures add up/ }).waitFor();
    expect(await page.locator(".check-list__item--bad").count()).toBe(0);
    const whereNow = page.locator("table", { has: page.locator("caption", { hasText: "Where the money is now" }) });
    const amounts = (await whereNow.locator("tbody tr td:first-of-type").allInnerTexts()).map(pence);
    const total = pence(await whereNow.locator("tfoot td").first().innerText());
    expect(amounts.reduce((sum, amount) => sum + amount, 0)).toBe(total);
    const programmes = await page.locator("table", { has: page.locator("caption", { hasText: "Programme budgets" }) }).innerText();
    expect(programmes).toMatch(/Setup Test Programme[^\n]*£300,000\.00[^\n]*£262,340\.00/);
    await context.close();
  });

  it("takes a pass application from a phone to an enrolled young person with a pass, a reward and a freeze, and prints activation letters", async () => {
    // Anyone applies, on a phone, with a proof of address.
    const publicContext = await browser.newContext({ viewport: PHONE });
    const phone = await publicContext.newPage();
    await phone.goto(`${baseURL}/apply-for-a-pass`);
    await phone.getByRole("heading", { level: 1, name: "Apply for a Playpass" }).waitFor();
    await phone.getByLabel("Your council").selectOption({ label: "Northbridge Council" });
    await phone.getByLabel("First name").fill("Robin");
    await phone.getByLabel("Last name").fill("Applicant");
    await phone.getByLabel("Date of birth").fill(`${today.getUTCFullYear() - 14}-05-06`);
    await phone.getByLabel("Postcode").fill("nb1 4xy");
    await phone.getByLabel("Email address").fill("robin.applicant@example.com");
    await phone.getByLabel("Proof of address").setInputFiles({ name: "bill.pdf", mimeType: "application/pdf", buffer: Buffer.from("%PDF-1.4\n%%EOF\n") });
    await screenshot(phone, "apply-for-a-pass-phone");
    await phone.getByRole("button", { name: "Send application" }).click();
    await phone.getByRole("heading", { level: 1, name: "Application sent" }).waitFor();
    await publicContext.close();

    // An officer approves it, issues a pass, gives a reward and freezes the pass.
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    await signIn(page, baseURL, "officer@northbridge.example");
    await page.goto(`${baseURL}/council/applications`);
    await page.getByRole("link", { name: "Robin Applicant" }).click();
    await page.getByRole("heading", { level: 1, name: "Robin Applicant" }).waitFor();
    await screenshot(page, "council-application");
    await page.getByLabel("Ward", { exact: true }).fill("Riverside");
    await page.getByRole("button", { name: "Approve and enrol" }).click();
    await page.getByText("Young person added.").waitFor();
    await page.getByLabel("Programme").selectOption({ index: 1 });
    await page.getByRole("button", { name: "Issue pass" }).click();
    await page.getByText("Pass issued.").waitFor();
    await page.getByLabel("Amount, in pounds").fill("5");
    await page.getByLabel("Reason", { exact: true }).fill("came to every session");
    await page.getByRole("button", { name: "Give as a reward" }).click();
    await page.getByText("Reward given.").waitFor();
    expect(await page.getByRole("table").innerText()).toMatch(/£5\.00/);
    await page.getByRole("button", { name: "Freeze pass" }).click();
    await page.getByText("Pass frozen").waitFor();
    await screenshot(page, "council-young-person");

    // Letters for those who cannot be reached by phone or email: one A4 page each.
    await page.goto(`${baseURL}/council/letters`);
    await page.getByRole("heading", { level: 1, name: "Letters and invitations" }).waitFor();
    // One ward at a time: the roll imported above has thousands waiting.
    await page.getByLabel("Ward").selectOption("Riverside");
    await page.getByRole("button", { name: "Show" }).click();
    await page.waitForURL(/ward=Riverside/);
    await screenshot(page, "council-letters");
    const waiting = Number((await page.locator(".summary-list__value").first().innerText()).replace(/,/g, ""));
    expect(waiting).toBeGreaterThan(0);
    const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download letters (PDF)" }).click()]);
    const pdf = await readFile((await download.path())!);
    expect(pdf.subarray(0, 5).toString()).toBe("%PDF-");
    expect((pdf.toString("latin1").match(/\/Type \/Page\b/g) ?? []).length).toBe(waiting);
    await context.close();
  });
});
