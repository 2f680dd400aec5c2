// On a phone (390 x 844): a demo young person activates their pass from an invitation code; an 11-year-old
// from a letter asks a guardian, who consents by link and sees their bookings; Sam rates, saves and suggests
// with JavaScript off. axe finds no serious or critical problem on any of these pages.
import { mkdirSync } from "node:fs";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { expectAccessible as expectAccessibleWithJs, launchBrowser, PHONE, signIn } from "./browser";

const baseURL = inject("baseURL");
const SHOTS = "docs/screenshots";
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
  mkdirSync(SHOTS, { recursive: true });
});
afterAll(async () => {
  await browser?.close();
});

const expectAccessible = expectAccessibleWithJs;

async function shot(page: Page, name: string) {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

/** The newest development-outbox message to a recipient, as text. */
async function outboxText(context: BrowserContext, recipient: string, subject: RegExp): Promise<string> {
  const outbox = await context.newPage();
  await outbox.goto(`${baseURL}/dev/outbox`);
  const text = await outbox.locator(".outbox__message", { hasText: recipient }).filter({ hasText: subject }).first().innerText();
  await outbox.close();
  return text;
}

const sixDigits = (text: string) => /\b(\d{6})\b/.exec(text)?.[1] ?? "";

describe("activating a pass on a phone", () => {
  it("takes a 14-year-old from the invitation link to their home", async () => {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await page.goto(`${baseURL}/activate?code=NB14-TEEN-2026`);
    await page.getByRole("heading", { level: 1, name: "Hi Maya!" }).waitFor();
    await expectAccessible(page, "activate: choose contact");
    await shot(page, "young-activate");
    await page.getByRole("button", { name: "Send my code" }).click();

    await page.getByRole("heading", { level: 1, name: "Check your messages, Maya" }).waitFor();
    expect(await page.locator(".lede").innerText()).toContain("m•••@example.com");
    await expectAccessible(page, "activate: verify");
    await shot(page, "young-activate-verify");
    await page.getByLabel("Code").fill(sixDigits(await outboxText(context, "maya@example.com", /activation code/)));
    await page.getByRole("button", { name: "Start my Playpass" }).click();

    await page.getByRole("heading", { level: 1, name: "Hi Maya" }).waitFor();
    await page.getByRole("heading", { name: "Your Playpass is ready" }).waitFor();
    expect(await page.locator(".balance-chip .money").innerText()).toMatch(/^£\d+\.\d{2}$/);
    await expectAccessible(page, "home after activation");
    await shot(page, "young-home-activated");

    // The same code a second time says it has been used, and points to sign-in.
    const again = await browser.newPage({ viewport: PHONE });
    await again.goto(`${baseURL}/activate?code=NB14-TEEN-2026`);
    await again.getByRole("heading", { name: "This code has been used" }).waitFor();
    await again.close();
    await context.close();
  });

  it("explains an expired code in plain words", async () => {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await page.goto(`${baseURL}/activate`);
    await page.getByLabel("Activation code").fill("nb16 past 2025");
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByText("This code has run out. Ask your council to send you a new one.").first().waitFor();
    await expectAccessible(page, "activate: expired code");
    await shot(page, "young-activate-expired");
    await context.close();
  });

  it("lets an 11-year-old with a letter activate, ask a guardian, and the guardian consent and see bookings", async () => {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await page.goto(`${baseURL}/activate`);
    await page.getByLabel("Activation code").fill("NB11-KEEN-2026");
    await page.getByRole("button", { name: "Continue" }).click();
    await page.getByRole("heading", { level: 1, name: "Hi Leo!" }).waitFor();
    await page.getByRole("heading", { name: "You'll need a grown-up's OK" }).waitFor();
    await page.getByLabel("Your email address or mobile number").fill("leo@example.com");
    await page.getByRole("button", { name: "Send my code" }).click();
    await page.getByRole("heading", { level: 1, name: "Check your messages, Leo" }).waitFor();
    await page.getByLabel("Code").fill(sixDigits(await outboxText(context, "leo@example.com", /activation code/)));
    await page.getByRole("button", { name: "Start my Playpass" }).click();

    await page.getByRole("heading", { level: 1, name: "Nearly there, Leo!" }).waitFor();
    await expectAccessible(page, "ask a guardian");
    await page.getByLabel("Your parent's or guardian's email or mobile number").fill("leo.parent@example.com");
    await page.getByRole("button", { name: "Send them a link" }).click();
    await page.getByRole("heading", { name: "Link sent" }).waitFor();
    await shot(page, "young-ask-guardian");

    // Until the guardian says yes, home says what Leo is waiting for.
    await page.goto(`${baseURL}/young`);
    await page.getByRole("heading", { name: "Waiting for a grown-up's OK" }).waitFor();

    const guardian = await browser.newContext({ viewport: PHONE });
    const message = await outboxText(guardian, "leo.parent@example.com", /Leo would like to use Playpass/);
    const path = /\/consent\/[A-Za-z0-9_-]+/.exec(message)?.[0];
    expect(path).toBeTruthy();
    const consentPage = await guardian.newPage();
    await consentPage.goto(`${baseURL}${path}`);
    await consentPage.getByRole("heading", { level: 1, name: "Can Leo use Playpass?" }).waitFor();
    await expectAccessible(consentPage, "guardian consent");
    await shot(consentPage, "guardian-consent");
    await consentPage.getByLabel(/I am Leo's parent or guardian/).check();
    await consentPage.getByRole("button", { name: "Yes, Leo can use Playpass" }).click();
    await consentPage.getByRole("heading", { level: 1, name: "Bookings" }).waitFor();
    await consentPage.getByRole("heading", { level: 2, name: "Leo" }).waitFor();
    await expectAccessible(consentPage, "guardian bookings");
    await shot(consentPage, "guardian-bookings");

    // The link works once.
    await consentPage.goto(`${baseURL}${path}`);
    await consentPage.getByRole("heading", { level: 1, name: "This link has been used" }).waitFor();

    await page.goto(`${baseURL}/young`);
    await page.getByRole("heading", { level: 1, name: "Hi Leo" }).waitFor();
    expect(await page.getByRole("heading", { name: "Waiting for a grown-up's OK" }).count()).toBe(0);
    await guardian.close();
    await context.close();
  });
});

describe("Sam's choices, with JavaScript off", () => {
  it("rates a past activity once, saves a favourite with the heart, and suggests something new", async () => {
    const context = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
    const page = await context.newPage();
    // axe runs as a script, so each page is checked again, as the same person, in a context with JavaScript on.
    const checker = await browser.newContext({ viewport: PHONE });
    const expectAccessible = async (_page: Page, what: string) => {
      await checker.clearCookies();
      await checker.addCookies(await context.cookies());
      const twin = await checker.newPage();
      await twin.goto(page.url());
      await expectAccessibleWithJs(twin, what);
      await twin.close();
    };
    await signIn(page, baseURL, "sam@example.com");
    await page.getByRole("heading", { level: 1, name: "Hi Sam" }).waitFor();
    await page.getByRole("heading", { name: "How was it?" }).waitFor();
    await expectAccessible(page, "home");
    await shot(page, "young-home");

    await page.getByRole("link", { name: /^Rate it/ }).first().click();
    await page.getByRole("heading", { level: 1, name: /^How was / }).waitFor();
    await expectAccessible(page, "rate");
    await page.getByRole("button", { name: "Send my rating" }).click();
    await page.getByText("Choose how many stars, from 1 to 5.").first().waitFor();
    await page.getByRole("radio", { name: "4 stars", exact: true }).check();
    await page.getByRole("radio", { name: "Yes", exact: true }).check();
    await page.getByLabel("Anything else? (optional)").fill("Great fun, friendly staff.");
    await shot(page, "young-rate");
    await page.getByRole("button", { name: "Send my rating" }).click();
    await page.getByRole("heading", { name: "Thanks for rating it" }).waitFor();
    expect(await page.locator(".recent-item", { hasText: "4 out of 5 stars" }).count()).toBeGreaterThan(0);

    const save = page.getByRole("button", { name: /^Save .* to favourites$/ }).first();
    expect(await save.locator("span:not(.visually-hidden)").innerText()).toBe("Save");
    const title = /^Save (.*) to favourites$/.exec((await save.textContent())!.replace(/\s+/g, " ").trim())?.[1] ?? "";
    await save.click();
    const escaped = title.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    await page.getByRole("button", { name: new RegExp(`^Saved\\W+tap to remove ${escaped} from favourites$`) }).first().waitFor();

    await page.getByRole("link", { name: "Your saved activities" }).click();
    await page.getByRole("heading", { level: 1, name: "Saved activities" }).waitFor();
    await page.getByRole("link", { name: title }).first().waitFor();
    await expectAccessible(page, "favourites");
    await shot(page, "young-favourites");

    await page.goto(`${baseURL}/young/suggest`);
    await page.getByLabel("What would you like to do?").fill("Indoor skiing trips");
    await page.getByLabel("What kind of thing is it? (optional)").selectOption("OUTDOORS");
    await page.getByRole("button", { name: "Send my idea" }).click();
    await page.getByRole("heading", { name: "Thanks, we've passed it on" }).waitFor();
    await expectAccessible(page, "suggest");
    await shot(page, "young-suggest");
    await checker.close();
    await context.close();
  });
});
