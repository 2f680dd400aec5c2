// A young person's journey on a phone (390 x 844): Noah activates a new pass from an invitation and goes on to book
// with it; Sam searches, books an activity (choose a session, confirm),
// sees its QR and code, cancels another booking and joins a full session's waiting list, with the balance right at
// every step; then search, book and cancel again with JavaScript off. axe finds no serious or critical problem.
import { mkdirSync } from "node:fs";
import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { expectAccessible, launchBrowser, PHONE, signIn } from "./browser";

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

async function shot(page: Page, name: string) {
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

/** "£71.50" as pence. */
function pence(text: string): number {
  const match = /£([\d,]+)\.(\d{2})/.exec(text);
  if (!match) throw new Error(`no amount in "${text}"`);
  return Number(match[1]!.replace(/,/g, "")) * 100 + Number(match[2]);
}

const balance = async (page: Page) => pence(await page.locator(".balance-chip .money").innerText());

/** Searches from the explore page's search box, as a person types it. */
async function search(page: Page, words: string) {
  await page.goto(baseURL);
  await page.getByLabel("What do you want to do?").fill(words);
  await page.getByRole("search").getByRole("button", { name: "Search", exact: true }).click();
  await page.getByRole("heading", { level: 2, name: /things? found/ }).waitFor();
}

/** Books the last bookable session of the activity open on the page; returns its price. */
async function bookLastSession(page: Page): Promise<number> {
  const price = (await page.locator(".activity__price-box .price").innerText()).trim();
  await page.getByRole("button", { name: "Book", exact: true }).last().click();
  await page.getByRole("heading", { name: "Check and book" }).waitFor();
  await page.getByRole("button", { name: "Confirm booking" }).click();
  await page.getByRole("heading", { name: "You're booked" }).waitFor();
  return price === "Free" ? 0 : pence(price);
}

/** Cancels an upcoming booking other than the one with this code; returns the credit given back. */
async function cancelAnother(page: Page, keepCode: string): Promise<number> {
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Bookings" }).click();
  await page.getByRole("heading", { level: 1, name: "My bookings" }).waitFor();
  const other = page.locator("li.ticket").filter({ hasNotText: keepCode }).filter({ has: page.getByRole("button", { name: /^Cancel / }) }).first();
  await other.getByRole("button", { name: /^Cancel / }).click();
  await page.getByRole("heading", { name: "Booking cancelled" }).waitFor();
  const notice = await page.locator(".notice").first().innerText();
  return /no credit was taken/.test(notice) ? 0 : pence(notice);
}

/** The one-time code in the newest development-outbox message to this recipient about this subject. */
async function codeFromOutbox(page: Page, recipient: string, subject: RegExp): Promise<string> {
  const outbox = await page.context().newPage();
  await outbox.goto(`${baseURL}/dev/outbox`);
  const text = await outbox.locator(".outbox__message", { hasText: recipient }).filter({ hasText: subject }).first().innerText();
  await outbox.close();
  const code = /\b(\d{6})\b/.exec(text)?.[1];
  if (!code) throw new Error(`no code in the outbox for ${recipient}: ${text}`);
  return code;
}

describe("a young person's journey on a phone", () => {
  it("activates a new pass from an invitation, then searches, books, sees the QR and code, cancels another booking and joins a waiting list", async () => {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();

    await page.goto(`${baseURL}/activate?code=NB15-GAME-2026`);
    await page.getByRole("heading", { level: 1, name: "Hi Noah!" }).waitFor();
    await page.getByRole("button", { name: "Send my code" }).click();
    await page.getByRole("heading", { level: 1, name: "Check your messages, Noah" }).waitFor();
    await page.getByLabel("Code").fill(await codeFromOutbox(page, "noah@example.com", /activation code/));
    await page.getByRole("button", { name: "Start my Playpass" }).click();
    await page.getByRole("heading", { level: 1, name: "Hi Noah" }).waitFor();
    const issued = await balance(page);
    expect(issued).toBeGreaterThan(0);

    await search(page, "swim");
    await page.getByRole("link", { name: "Teen swim session" }).first().click();
    await page.getByRole("heading", { level: 1, name: "Teen swim session" }).waitFor();
    const swimPrice = await bookLastSession(page);
    expect(swimPrice).toBe(350);
    expect(await balance(page)).toBe(issued - swimPrice);

    await search(page, "dance");
    await page.getByRole("link", { name: "Street dance" }).first().click();
    await page.getByRole("heading", { level: 1, name: "Street dance" }).waitFor();
    const dancePrice = await bookLastSession(page);
    expect(dancePrice).toBe(400);
    expect(await balance(page)).toBe(issued - swimPrice - dancePrice);

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Bookings" }).click();
    await page.getByRole("heading", { level: 1, name: "My bookings" }).waitFor();
    const swim = page.locator("li.ticket", { hasText: "Teen swim session" }).last();
    await swim.getByRole("img", { name: /^QR code for booking code / }).waitFor();
    const code = (await swim.locator(".booking__code").innerText()).trim();
    expect(code).toMatch(/^[A-Z0-9-]{6,}$/);

    // The only other booking is the dance session: cancelling it gives its price back at once.
    expect(await cancelAnother(page, code)).toBe(dancePrice);
    await expect.poll(() => balance(page), { timeout: 10_000 }).toBe(issued - swimPrice);

    await search(page, "five-a-side");
    await page.getByRole("link", { name: /Five-a-side/ }).first().click();
    await page.getByRole("heading", { level: 1, name: /Five-a-side/ }).waitFor();
    await page.getByRole("button", { name: "Join waiting list" }).first().click();
    await page.getByRole("heading", { name: "You are on the waiting list" }).waitFor();
    expect(await balance(page)).toBe(issued - swimPrice);
    await context.close();
  });

  it("searches, books, sees the QR and code, cancels another booking and joins a waiting list, with the balance right at each step", async () => {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();

    await page.goto(baseURL);
    await expectAccessible(page, "explore, signed out");
    await shot(page, "young-explore-signed-out");

    await signIn(page, baseURL, "sam@example.com");
    await page.getByRole("heading", { level: 1, name: "Hi Sam" }).waitFor();
    const start = await balance(page);

    await search(page, "swim");
    expect(await page.getByRole("link", { name: "Teen swim session" }).count()).toBeGreaterThan(0);
    expect(await balance(page)).toBe(start);
    await expectAccessible(page, "search results");
    await shot(page, "young-explore-search");

    await page.getByRole("link", { name: "Teen swim session" }).first().click();
    await page.getByRole("heading", { level: 1, name: "Teen swim session" }).waitFor();
    expect(await page.locator(".activity__leaves").innerText()).toMatch(/Booking leaves you £\d+\.\d{2} on your pass/);
    await expectAccessible(page, "activity page");
    await shot(page, "young-activity");
    await page.getByRole("button", { name: "Book", exact: true }).last().click();
    await page.getByRole("heading", { name: "Check and book" }).waitFor();
    await expectAccessible(page, "confirm booking");
    await shot(page, "young-activity-confirm");
    await page.getByRole("button", { name: "Confirm booking" }).click();
    await page.getByRole("heading", { name: "You're booked" }).waitFor();
    const swimPrice = 350;
    expect(await balance(page)).toBe(start - swimPrice);

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Bookings" }).click();
    await page.getByRole("heading", { level: 1, name: "My bookings" }).waitFor();
    const swim = page.locator("li.ticket", { hasText: "Teen swim session" }).last();
    await swim.getByRole("img", { name: /^QR code for booking code / }).waitFor();
    const code = (await swim.locator(".booking__code").innerText()).trim();
    expect(code).toMatch(/^[A-Z0-9-]{6,}$/);

    const refunded = await cancelAnother(page, code);
    expect(refunded).toBeGreaterThanOrEqual(0);
    // The page shows the refund notice and then the revalidated header; wait for the header to catch up.
    await expect.poll(() => balance(page), { timeout: 10_000 }).toBe(start - swimPrice + refunded);
    const afterCancel = await balance(page);

    await search(page, "five-a-side");
    await page.getByRole("link", { name: /Five-a-side/ }).first().click();
    await page.getByRole("heading", { level: 1, name: /Five-a-side/ }).waitFor();
    await page.getByRole("button", { name: "Join waiting list" }).first().click();
    await page.getByRole("heading", { name: "You are on the waiting list" }).waitFor();
    expect(await page.locator(".notice", { hasText: "You are on the waiting list" }).innerText()).toMatch(/You are number \d+\. .*You have not paid anything/s);
    expect(await balance(page)).toBe(afterCancel);
    await expectAccessible(page, "activity page with a waiting list");

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Bookings" }).click();
    await page.getByRole("heading", { level: 2, name: "Waiting lists" }).waitFor();
    // The seed holds a freed five-a-side place for Sam: the offer says until when.
    await page.getByRole("heading", { level: 3, name: /^A place at Five-a-side .* is yours until \d\d:\d\d$/ }).waitFor();
    expect(await balance(page)).toBe(afterCancel);
    await expectAccessible(page, "my bookings with waiting lists");
    await shot(page, "young-bookings-waiting");
    await context.close();
  });

  it("searches, books and cancels with JavaScript off, with the balance right at each step", async () => {
    const context = await browser.newContext({ viewport: PHONE, javaScriptEnabled: false });
    const page = await context.newPage();
    await signIn(page, baseURL, "sam@example.com");
    await page.getByRole("heading", { level: 1, name: "Hi Sam" }).waitFor();
    const start = await balance(page);

    await search(page, "dance");
    await page.getByRole("link", { name: "Street dance" }).first().click();
    await page.getByRole("heading", { level: 1, name: "Street dance" }).waitFor();
    const price = await bookLastSession(page);
    expect(price).toBe(400);
    expect(await balance(page)).toBe(start - price);

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Bookings" }).click();
    const dance = page.locator("li.ticket", { hasText: "Street dance" }).last();
    const code = (await dance.locator(".booking__code").innerText()).trim();
    const refunded = await cancelAnother(page, code);
    expect(await balance(page)).toBe(start - price + refunded);
    await context.close();
  });
});
