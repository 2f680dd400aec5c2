// The JavaScript the young people's pages send a phone, in Chromium against the production build: the bench's count
// (bench/bytes.ts) is exactly the scripts the browser loads to open and hydrate each page, and it stays under 100 KB
// gzipped on every one. Their forms are checked by the action alone (no Conform or Zod in the browser), so with
// JavaScript on they still answer in place, with the same messages, focus where it helps, and an empty form after.
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { pageBytes } from "../../bench/bytes";
import { launchBrowser, PHONE, signIn } from "./browser";

const baseURL = inject("baseURL");
let browser: Browser;
let context: BrowserContext;

beforeAll(async () => {
  browser = await launchBrowser();
  context = await browser.newContext({ viewport: PHONE });
  await signIn(await context.newPage(), baseURL, "sam@example.com");
});
afterAll(async () => {
  await browser?.close();
});

/** Opens a page and waits until it has hydrated and gone quiet; returns every script the browser fetched. */
async function scriptsLoadedBy(page: Page, path: string): Promise<string[]> {
  const fetched = new Set<string>();
  page.on("response", (response) => {
    if (response.request().resourceType() === "script") fetched.add(new URL(response.url()).pathname);
  });
  await page.goto(`${baseURL}${path}`, { waitUntil: "networkidle" });
  await page.waitForFunction(() => "__remixRouter" in window);
  await page.waitForLoadState("networkidle");
  return [...fetched].sort();
}

/** The bench's count for each page equals what Chromium loads in `as`, and is under 100 KB gzipped. */
async function expectCountedAsLoaded(as: BrowserContext, paths: string[]) {
  const cookie = (await as.cookies(baseURL)).map((c) => `${c.name}=${c.value}`).join("; ");
  const cache = new Map<string, Buffer>();
  for (const path of paths) {
    const response = await fetch(`${baseURL}${path}`, { headers: { cookie }, redirect: "manual" });
    expect(response.status, path).toBe(200);
    const counted = await pageBytes(baseURL, path, await response.text(), cache);
    const page = await as.newPage();
    expect(await scriptsLoadedBy(page, path), path).toEqual(counted.scriptPaths);
    await page.close();
    expect(counted.jsGzip, `${path} sends ${Math.round(counted.jsGzip / 1024)} KB of gzipped JavaScript`).toBeLessThan(100 * 1024);
  }
}

describe("JavaScript on the young people's pages", () => {
  it("counts exactly the scripts Chromium loads, and sends under 100 KB gzipped on every page", async () => {
    const explore = await context.newPage();
    await explore.goto(baseURL);
    const activity = new URL((await explore.locator(".card-grid a.card__link").first().getAttribute("href"))!, baseURL).pathname;
    await explore.close();
    await expectCountedAsLoaded(context, ["/young", "/", "/?q=swimming&free=on", activity, "/young/bookings", "/young/pass", "/young/favourites", "/young/suggest"]);
  });

  it("does the same on the pages before sign-in: explore, sign in, and starting a pass", async () => {
    const visitor = await browser.newContext({ viewport: PHONE });
    await expectCountedAsLoaded(visitor, ["/", "/login", "/activate"]);
    await visitor.close();
  });

  it("answers the suggestion form in place: errors listed and focused, then sent and emptied", async () => {
    const page = await context.newPage();
    await page.goto(`${baseURL}/young/suggest`);
    await page.waitForFunction(() => "__remixRouter" in window);
    const text = page.getByLabel("What would you like to do?");
    await text.fill("a");
    await page.getByRole("button", { name: "Send my idea" }).click();
    const summary = page.getByRole("alert");
    await summary.getByRole("link", { name: "Tell us what you would like to do, in a few words." }).waitFor();
    await expect.poll(() => summary.evaluate((element) => element === document.activeElement)).toBe(true);
    expect(await text.getAttribute("aria-invalid")).toBe("true");
    expect(await text.inputValue()).toBe("a");

    await summary.getByRole("link", { name: "Tell us what you would like to do, in a few words." }).click();
    await expect.poll(() => text.evaluate((element) => element === document.activeElement)).toBe(true);
    await text.fill("Indoor climbing for beginners");
    await page.getByLabel("What kind of thing is it? (optional)").selectOption("CLIMBING");
    await page.getByRole("button", { name: "Send my idea" }).click();
    await page.getByRole("heading", { name: "Thanks, we've passed it on" }).waitFor();
    expect(await text.inputValue()).toBe("");
    expect(await page.getByLabel("What kind of thing is it? (optional)").inputValue()).toBe("");
    expect(await page.getByRole("alert").count()).toBe(0);
    await page.close();
  });

  it("answers the explore page's 'what were you looking for' form in place, with focus on the field that needs fixing", async () => {
    const page = await context.newPage();
    await page.goto(`${baseURL}/?q=${encodeURIComponent("zorbing underwater")}`);
    await page.waitForFunction(() => "__remixRouter" in window);
    const note = page.getByLabel("What would you like to do?");
    expect(await note.inputValue()).toBe("zorbing underwater");
    await note.fill("");
    await page.getByRole("button", { name: "Send to my council" }).click();
    await page.getByText("Tell us what you were looking for.").waitFor();
    await expect.poll(() => note.evaluate((element) => element === document.activeElement)).toBe(true);
    expect(await note.getAttribute("aria-invalid")).toBe("true");
    await note.fill("Zorbing in the lido");
    await page.getByRole("button", { name: "Send to my council" }).click();
    await page.getByText("We have passed it on to your council.").waitFor();
    await page.close();
  });
});
