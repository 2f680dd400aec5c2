// Door mode at phone width: door staff redeem a demo booking by its typed code, see it again as already used,
// and are refused a second provider's booking. Then the portal at desktop width: today, a register, earnings
// with a statement, and a new member of staff invited and joining through the emailed link.
import { mkdirSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser, Page } from "playwright-core";
import { DESKTOP, launchBrowser, PHONE, screenshot, signIn } from "./browser";

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

/** Saved for the test run and kept in docs/screenshots for the README and reviewers. */
async function keep(page: Page, name: string) {
  await screenshot(page, name);
  await page.screenshot({ path: `${DOCS}/${name}.png`, fullPage: true });
}

/** Ava's booking codes for today's demo sessions, read from her own bookings page as she would show them. */
async function avasCodes() {
  const context = await browser.newContext({ viewport: PHONE });
  const page = await context.newPage();
  await signIn(page, baseURL, "07700 900001", "+447700900001");
  await page.goto(`${baseURL}/young/bookings`);
  await page.getByRole("heading", { level: 1, name: "My bookings" }).waitFor();
  const codeOf = async (title: string) => (await page.locator("li.booking", { hasText: title }).first().locator(".booking__code").innerText()).trim();
  const codes = { swim: await codeOf("Teen swim session"), studio: await codeOf("Beat-making workshop") };
  await context.close();
  return codes;
}

describe("door mode on a phone", () => {
  it("redeems a demo booking by typed code, answers a second try with who redeemed it, and refuses a second provider's booking", async () => {
    const codes = await avasCodes();
    expect(codes.swim).toMatch(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/);

    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await signIn(page, baseURL, "door@nb-leisure.example");
    // Door staff land on the door: it is the only page they can use.
    await page.getByRole("heading", { level: 1, name: "Door" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/provider/door");
    expect(await page.getByRole("link", { name: "Earnings" }).count()).toBe(0);
    await keep(page, "door-phone");

    const code = page.getByLabel("Booking code or pass code");
    await code.fill(codes.swim.toLowerCase());
    await page.getByRole("button", { name: "Redeem", exact: true }).click();
    await page.getByRole("heading", { name: /Welcome, Ava/ }).waitFor();
    const welcome = await page.locator(".door-outcome").innerText();
    expect(welcome).toMatch(/Age 11 to 13/);
    expect(welcome).toMatch(/Teen swim session/);
    await keep(page, "door-redeemed-phone");

    await page.getByLabel("Booking code or pass code").fill(codes.swim);
    await page.getByRole("button", { name: "Redeem", exact: true }).click();
    await page.getByRole("heading", { name: /Already used/ }).waitFor();
    expect(await page.locator(".door-outcome").innerText()).toMatch(/redeemed on .+ by Jo\./);
    await keep(page, "door-already-used-phone");

    await page.getByLabel("Booking code or pass code").fill(codes.studio);
    await page.getByRole("button", { name: "Redeem", exact: true }).click();
    await page.getByRole("heading", { name: /Not accepted/ }).waitFor();
    // Another provider's booking is answered exactly as a code nobody has: the door learns nothing about it.
    expect(await page.locator(".door-outcome").innerText()).toMatch(/That code is not a Playpass booking/);
    await keep(page, "door-refused-phone");

    // Everything else in the portal is closed to door staff.
    const earnings = await page.goto(`${baseURL}/provider/earnings`);
    expect(earnings?.status()).toBe(403);
    await context.close();
  });
});

describe("the provider portal at desktop width", () => {
  it("shows today, a register, earnings with a statement, and invites a new member of door staff who joins by the emailed link", async () => {
    const context = await browser.newContext({ viewport: DESKTOP, acceptDownloads: true });
    const page = await context.newPage();
    await signIn(page, baseURL, "manager@nb-leisure.example");
    await page.getByRole("heading", { level: 1, name: "Today" }).waitFor();
    expect(await page.getByRole("link", { name: "Open door mode" }).count()).toBe(1);
    await keep(page, "provider-home");

    await page.getByRole("navigation", { name: "Provider" }).getByRole("link", { name: "Bookings" }).click();
    await page.getByRole("heading", { level: 1, name: /^Bookings on / }).waitFor();
    expect(await page.getByRole("cell", { name: "Came" }).count()).toBeGreaterThan(0);
    await keep(page, "provider-bookings");
    await page.getByRole("link", { name: /Printable register/ }).first().click();
    await page.getByRole("button", { name: "Print the register" }).waitFor();
    await page.emulateMedia({ media: "print" });
    await keep(page, "provider-register-print");
    await page.emulateMedia({ media: "screen" });

    await page.getByRole("navigation", { name: "Provider" }).getByRole("link", { name: "Earnings" }).click();
    await page.getByRole("heading", { level: 1, name: "Earnings" }).waitFor();
    await keep(page, "provider-earnings");
    const csvLink = page.getByRole("link", { name: /^CSV/ }).first();
    if ((await csvLink.count()) > 0) {
      const download = await Promise.all([page.waitForEvent("download"), csvLink.click()]).then(([d]) => d);
      expect(download.suggestedFilename()).toMatch(/^playpass-statement-.*\.csv$/);
    }

    await page.getByRole("navigation", { name: "Provider" }).getByRole("link", { name: "Team" }).click();
    await page.getByRole("heading", { level: 1, name: "Team" }).waitFor();
    expect(await page.getByRole("cell", { name: "newcoach@nb-leisure.example" }).count()).toBe(1);
    await page.getByLabel("Email address").fill("helper@nb-leisure.example");
    await page.getByLabel("Role").selectOption("DOOR_STAFF");
    await page.getByRole("button", { name: "Send the invitation" }).click();
    await page.getByText("We have emailed an invitation to helper@nb-leisure.example").waitFor();
    await keep(page, "provider-team");

    // The new member opens the link from their email (the development outbox here), signs in with a code and joins.
    const outbox = await context.newPage();
    await outbox.goto(`${baseURL}/dev/outbox`);
    const invitationText = await outbox.locator(".outbox__message", { hasText: "helper@nb-leisure.example" }).first().innerText();
    const link = /(http\S+\/invitations\/[A-Za-z0-9_-]+)/.exec(invitationText)?.[1];
    expect(link).toBeTruthy();
    await outbox.close();

    const helper = await browser.newContext({ viewport: PHONE });
    const helperPage = await helper.newPage();
    await helperPage.goto(link!.replace(/^https?:\/\/[^/]+/, baseURL));
    await helperPage.getByRole("heading", { level: 1, name: "Join Northbridge Leisure Centre" }).waitFor();
    await helperPage.getByLabel("Your name").fill("Harper");
    await helperPage.getByRole("button", { name: "Email me a code" }).click();
    await helperPage.getByLabel("Code").waitFor();
    const codePage = await helper.newPage();
    await codePage.goto(`${baseURL}/dev/outbox`);
    const codeText = await codePage.locator(".outbox__message", { hasText: "helper@nb-leisure.example" }).filter({ hasText: "sign-in code" }).first().innerText();
    await codePage.close();
    const code = /\b(\d{6})\b/.exec(codeText)?.[1];
    expect(code).toBeTruthy();
    await helperPage.getByLabel("Code").fill(code!);
    await helperPage.getByRole("button", { name: "Sign in and join" }).click();
    await helperPage.getByRole("heading", { level: 1, name: "Door" }).waitFor();
    expect(new URL(helperPage.url()).pathname).toBe("/provider/door");
    await helper.close();
    await context.close();
  });
});
