// A council officer at a desk: vets and approves the waiting provider, sees the budget dashboard add up to
// the ledger's figures, and reads the evidence with its charts and CSV downloads.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { DESKTOP, launchBrowser, screenshot, signIn } from "./browser";

const baseURL = inject("baseURL");
let browser: Browser;
let context: BrowserContext;
let page: Page;

/** "£1,234.56" as pence. */
function pence(text: string): number {
  const match = /(-?)£([\d,]+)\.(\d{2})/.exec(text);
  if (!match) throw new Error(`not an amount of money: ${text}`);
  return (match[1] ? -1 : 1) * (Number(match[2]!.replace(/,/g, "")) * 100 + Number(match[3]));
}

async function tableAmounts(page: Page, caption: string): Promise<Map<string, number>> {
  const table = page.locator("table", { has: page.locator("caption", { hasText: caption }) });
  const rows = await table.locator("tbody tr").all();
  const amounts = new Map<string, number>();
  for (const row of rows) amounts.set(await row.locator("th").innerText(), pence(await row.locator("td").first().innerText()));
  if ((await table.locator("tfoot td").count()) > 0) amounts.set("total", pence(await table.locator("tfoot td").first().innerText()));
  return amounts;
}

beforeAll(async () => {
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: DESKTOP });
  page = await context.newPage();
  await signIn(page, baseURL, "officer@northbridge.example");
  await page.getByRole("heading", { level: 1, name: "Overview" }).waitFor();
});
afterAll(async () => {
  await context?.close();
  await browser?.close();
});

describe("council dashboards", () => {
  it("vets the waiting provider: approving needs every check, then the provider is approved", async () => {
    await page.getByRole("link", { name: "Providers" }).click();
    await page.getByRole("heading", { level: 1, name: "Providers" }).waitFor();
    await screenshot(page, "council-providers");
    await page.getByRole("link", { name: "Harbour Skate Park" }).first().click();
    await page.getByRole("heading", { level: 1, name: "Harbour Skate Park" }).waitFor();
    expect(await page.locator(".status-tag").first().innerText()).toBe("Waiting to be vetted");

    await page.getByLabel(/Public liability insurance/).check();
    await page.getByRole("button", { name: "Approve provider" }).click();
    await page.getByText(/Tick every check before approving: 5 are not done yet/).waitFor();

    for (const box of await page.locator("#checklist input[type=checkbox]").all()) await box.check();
    await screenshot(page, "council-provider-vetting");
    await page.getByRole("button", { name: "Approve provider" }).click();
    await page.getByText(/Approved\. The provider has been told/).waitFor();
    expect(await page.locator(".status-tag").first().innerText()).toBe("Approved");
    expect(await page.getByRole("heading", { name: "Suspend the provider" }).count()).toBe(1);
  });

  it("shows a budget dashboard whose figures add up to the ledger's", async () => {
    await page.getByRole("link", { name: "Overview" }).click();
    await page.getByRole("heading", { level: 2, name: /The ledger adds up/ }).waitFor();
    const overview = await tableAmounts(page, "Where the money is");
    await page.getByRole("button", { name: "Check the ledger now" }).click();
    await page.getByText(/Checked .* by Olu Adeyemi/).waitFor();
    await screenshot(page, "council-overview");

    await page.getByRole("link", { name: "Budget" }).first().click();
    await page.getByRole("heading", { level: 1, name: "Budget" }).waitFor();
    await page.getByRole("heading", { level: 2, name: /These figures add up/ }).waitFor();
    const now = await tableAmounts(page, "Where the money is now");
    const moved = await tableAmounts(page, "How the money moved since the start");

    const balances = [...now.entries()].filter(([label]) => label !== "total").reduce((sum, [, amount]) => sum + amount, 0);
    expect(balances).toBe(now.get("total"));
    expect(now.get("total")).toBe(moved.get("Funded"));
    // The same ledger as the overview's: funded, not yet issued and paid out agree to the penny.
    expect(now.get("total")).toBe(overview.get("total"));
    expect(now.get("Remaining (not yet issued)")).toBe(overview.get("Not yet issued (programme budgets)"));
    expect(now.get("Remaining (not yet issued)")).toBe(moved.get("Funded")! - moved.get("Issued")! + moved.get("Expired and returned")!);
    expect(now.get("Paid out")).toBe(overview.get("Paid to providers"));
    expect(await page.locator(".check-list__item--bad").count()).toBe(0);
    expect(await page.locator("svg[role=img]").count()).toBeGreaterThan(0);
    await page.getByRole("heading", { name: /Projection to/ }).waitFor();
    await screenshot(page, "council-budget");
  });

  it("reads the evidence with charts, a date filter and a CSV of each table", async () => {
    await page.getByRole("link", { name: "Evidence" }).first().click();
    await page.getByRole("heading", { level: 1, name: "Evidence" }).waitFor();
    expect(await page.locator("svg[role=img]").count()).toBeGreaterThanOrEqual(5);
    await page.getByText(/gap between the least and most deprived/).waitFor();
    const wards = page.locator("table", { has: page.locator("caption", { hasText: "Take-up by ward" }) });
    // The demo's eight wards, and any that browser tests enrolling people ran before this one added.
    expect(await wards.locator("tbody tr").count()).toBeGreaterThanOrEqual(8);
    await screenshot(page, "council-evidence");

    const href = await page.getByRole("link", { name: /Download “Searches with no result” as CSV/ }).getAttribute("href");
    const csv = await page.request.get(`${baseURL}${href}`);
    expect(csv.headers()["content-type"]).toBe("text/csv; charset=utf-8");
    const lines = (await csv.text()).trim().split("\r\n");
    expect(lines[0]).toBe("Search,Times searched,Last searched");
    expect(lines[1]).toMatch(/^(skateboarding|boxing),\d+,/);

    await page.getByLabel("From", { exact: true }).fill("2030-01-02");
    await page.getByLabel("To", { exact: true }).fill("2030-01-01");
    await page.getByRole("button", { name: "Show these dates" }).click();
    await page.getByText("The end date must be the same as or after the start date.").first().waitFor();
  });
});
