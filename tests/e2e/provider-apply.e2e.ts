// A new provider at desktop width: applies from the front page with its documents, follows the application,
// is approved by the demo council officer on the vetting page, then lists an activity and gives it a weekly
// session pattern that young people can book.
import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { DESKTOP, launchBrowser, screenshot, signIn } from "./browser";

const baseURL = inject("baseURL");
const DOCS = "docs/screenshots";
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
  mkdirSync(DOCS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
});

async function keep(page: Page, name: string) {
  await screenshot(page, name);
  await page.screenshot({ path: `${DOCS}/${name}.png`, fullPage: true });
}

const PDF = Buffer.from("%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n");
const suffix = Date.now().toString(36);
const organisation = `Northbridge Skate Collective ${suffix}`;
const contact = `skate-${suffix}@skate.example`;

/** A calendar date some days ahead, as a date input takes it. */
function isoDaysAhead(days: number) {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

describe("a new provider joins at desktop width", () => {
  it("applies, is approved by the council officer, and lists an activity with a weekly session", async () => {
    const applicant = await browser.newContext({ viewport: DESKTOP });
    const page = await applicant.newPage();

    // Applying, from the front page.
    await page.goto(baseURL);
    await page.getByRole("link", { name: "For providers" }).click();
    await page.getByRole("heading", { level: 1, name: "Apply to offer activities with Playpass" }).waitFor();
    await page.getByLabel("Which council's scheme do you want to join?").selectOption({ label: "Northbridge Council" });
    await page.getByLabel("Organisation name").fill(organisation);
    await page.getByLabel("Registered charity").check();
    await page.getByLabel("Charity or company number").fill("1199887");
    await page.getByLabel("What does your organisation do?").fill("Skateboarding coaching and open sessions for young people, with boards and helmets to borrow.");
    await page.locator("#apply-addressLine1").fill("Harbour Walk");
    await page.locator("#apply-town").fill("Northbridge");
    await page.locator("#apply-postcode").fill("nb2 1hs");
    await page.getByLabel("Full name").fill("Robin Marsh");
    await page.getByLabel("Email address").fill(contact);
    await page.getByLabel("Phone number").fill("01632 960777");
    await page.getByLabel("Venue name").fill("Harbour Skate Park");
    await page.locator("#apply-venues\\[0\\]\\.addressLine1").fill("Harbour Walk");
    await page.locator("#apply-venues\\[0\\]\\.town").fill("Northbridge");
    await page.locator("#apply-venues\\[0\\]\\.postcode").fill("NB2 1HS");
    await page.getByLabel("Other sport").check();
    await page.getByLabel("Safeguarding policy").setInputFiles({ name: "safeguarding.pdf", mimeType: "application/pdf", buffer: PDF });
    await page.getByLabel("Public liability insurance certificate").setInputFiles({ name: "insurance.pdf", mimeType: "application/pdf", buffer: PDF });
    await page.getByLabel("Into our bank account").check();
    await page.getByLabel("Name on the account").fill("Northbridge Skate Collective");
    await page.getByLabel("Sort code").fill("30-99-50");
    await page.getByLabel("Account number").fill("12345678");
    await page.getByLabel(/The information I have given is true/).check();
    await keep(page, "provider-apply-form");
    await page.getByRole("button", { name: "Send application" }).click();
    await page.getByRole("heading", { level: 1, name: "Application sent" }).waitFor();

    // The contact signs in with a code and sees the application being vetted.
    await signIn(page, baseURL, contact);
    await page.goto(`${baseURL}/provider/application`);
    await page.getByRole("heading", { name: "Northbridge Council is vetting your application" }).waitFor();
    expect(await page.getByText("****5678").count()).toBe(1);

    // The council officer approves it on the vetting page.
    const council = await browser.newContext({ viewport: DESKTOP });
    const officerPage = await council.newPage();
    await signIn(officerPage, baseURL, "officer@northbridge.example");
    await officerPage.goto(`${baseURL}/council/providers`);
    await officerPage.getByRole("link", { name: organisation }).first().click();
    await officerPage.getByRole("heading", { level: 1, name: organisation }).waitFor();
    for (const box of await officerPage.locator('input[type="checkbox"][id^="check-"]').all()) await box.check();
    await officerPage.getByRole("button", { name: "Approve provider" }).click();
    await officerPage.waitForURL(/done=approve/);
    await council.close();

    await page.goto(`${baseURL}/provider/application`);
    await page.getByRole("heading", { name: "Approved by Northbridge Council" }).waitFor();

    // An activity: saved as a draft, then published.
    await page.goto(`${baseURL}/provider/activities`);
    await page.getByRole("link", { name: "Add an activity" }).click();
    await page.getByLabel("Title").fill("Learn to skate");
    await page.getByLabel("Category").selectOption({ label: "Other sport" });
    await page.getByLabel("Description").fill("Beginners' skateboarding with a coach: balance, pushing, turning and your first drop-in.");
    await page.getByLabel("Venue").selectOption({ label: "Harbour Skate Park" });
    await page.getByLabel("Youngest age").fill("11");
    await page.getByLabel("Oldest age").fill("16");
    await page.getByLabel("Price in pounds").fill("4.505");
    await page.getByLabel("Places per session").fill("12");
    await page.getByLabel("Step-free access").check();
    await page.getByLabel("What to bring (optional)").fill("Trainers with flat soles. Boards and helmets are lent free.");
    await page.getByRole("button", { name: "Save as draft" }).click();
    // A fraction of a penny is refused next to the price, and nothing else is lost.
    await page.getByText("it cannot include fractions of a penny").first().waitFor();
    await page.getByLabel("Price in pounds").fill("4.50");
    await page.getByRole("button", { name: "Save as draft" }).click();
    await page.getByRole("heading", { name: /Activity saved as a draft/ }).waitFor();
    await page.getByRole("button", { name: "Publish", exact: true }).click();
    await page.getByRole("heading", { name: /Published: young people can now find and book it/ }).waitFor();
    expect(await page.locator("#status-heading .status-tag").innerText()).toBe("Live");
    await keep(page, "provider-activity-editor");

    // A weekly pattern of sessions.
    await page.getByRole("link", { name: "Sessions", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Sessions of Learn to skate" }).waitFor();
    await page.getByLabel("Saturday").check();
    await page.locator("#series-startTime").fill("10:00");
    await page.locator("#series-durationMinutes").fill("90");
    await page.getByLabel("First date").fill(isoDaysAhead(1));
    await page.getByLabel("Last date").fill(isoDaysAhead(42));
    await page.getByLabel("Dates to skip (optional)").fill("");
    await page.locator("#series-capacity").fill("12");
    await page.getByRole("button", { name: "Add weekly sessions" }).click();
    const added = await page.getByRole("heading", { name: /Weekly pattern added: \d+ sessions/ }).innerText();
    expect(Number(/(\d+) sessions/.exec(added)?.[1])).toBe(6);
    expect(await page.locator("table tbody tr").count()).toBe(6);
    await page.getByText(/Saturday at 10:00 for 90 minutes/).waitFor();
    await keep(page, "provider-slots");

    // Young people can now find it on the front page.
    const visitor = await browser.newPage({ viewport: DESKTOP });
    await visitor.goto(baseURL);
    expect(await visitor.getByRole("link", { name: /Learn to skate/ }).count()).toBeGreaterThan(0);
    await visitor.close();
    await applicant.close();
  });
});
