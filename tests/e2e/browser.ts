// Chromium from Debian, driven by playwright-core; never a downloaded browser.
import { existsSync, mkdirSync } from "node:fs";
import AxeBuilder from "@axe-core/playwright";
import { chromium, type Browser, type Page } from "playwright-core";
import { expect } from "vitest";

export const PHONE = { width: 390, height: 844 };
export const DESKTOP = { width: 1280, height: 900 };
const SCREENSHOTS = "tests/.artifacts/screenshots";

export async function launchBrowser(): Promise<Browser> {
  const executablePath = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
  if (!existsSync(executablePath)) throw new Error(`Chromium is not installed at ${executablePath}. Run: apt-get update && apt-get install -y chromium`);
  return chromium.launch({
    executablePath,
    args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"],
  });
}

export async function screenshot(page: Page, name: string) {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: `${SCREENSHOTS}/${name}.png`, fullPage: true });
}

/** Signs in as a person would: contact, then the code read from the development outbox. */
export async function signIn(page: Page, baseURL: string, contact: string, recipient = contact) {
  await page.goto(`${baseURL}/login`);
  await page.getByLabel("Email address or mobile number").fill(contact);
  await page.getByRole("button", { name: "Send me a code" }).click();
  await page.waitForURL(/\/login\/verify/);
  const outbox = await page.context().newPage();
  await outbox.goto(`${baseURL}/dev/outbox`);
  const message = outbox.locator(".outbox__message", { hasText: recipient }).first();
  const text = await message.innerText();
  await outbox.close();
  const code = /\b(\d{6})\b/.exec(text)?.[1];
  if (!code) throw new Error(`no code in the outbox for ${recipient}: ${text}`);
  await page.getByLabel("Code").fill(code);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL((url) => !url.pathname.startsWith("/login"));
}

/** axe with the WCAG 2.2 AA rules: the page must have no serious or critical violation. */
export async function expectAccessible(page: Page, what: string) {
  const results = await new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]).analyze();
  const bad = results.violations.filter((v) => v.impact === "serious" || v.impact === "critical");
  expect(bad.map((v) => `${what}: ${v.id} (${v.impact}) ${v.nodes.map((n) => n.target.join(" ")).join(", ")}`)).toEqual([]);
}
