// The demo as people use it: every demo role signs in and lands on its own home; a young person
// books on a phone and the door redeems the code.
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { Browser } from "playwright-core";
import { DESKTOP, launchBrowser, PHONE, screenshot, signIn } from "./browser";

const baseURL = inject("baseURL");
let browser: Browser;

beforeAll(async () => {
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
});

describe("the demo", () => {
  it("shows the demo activities on the front page", async () => {
    const page = await browser.newPage({ viewport: PHONE });
    await page.goto(baseURL);
    expect(await page.getByRole("heading", { level: 1 }).innerText()).toBe("Find something to do");
    expect(await page.getByRole("link", { name: /Teen swim session/ }).count()).toBeGreaterThan(0);
    await screenshot(page, "home-phone");
    await page.close();
  });

  const roles = [
    { role: "young person", contact: "sam@example.com", path: "/young", heading: "Hi Sam", viewport: PHONE },
    { role: "young person by text", contact: "07700 900001", recipient: "+447700900001", path: "/young", heading: "Hi Ava", viewport: PHONE },
    { role: "guardian", contact: "guardian@example.com", path: "/guardian", heading: "Bookings", viewport: PHONE },
    { role: "provider manager", contact: "manager@nb-leisure.example", path: "/provider", heading: "Today", viewport: DESKTOP },
    { role: "door staff", contact: "door@nb-leisure.example", path: "/provider/door", heading: "Door", viewport: PHONE },
    { role: "council officer", contact: "officer@northbridge.example", path: "/council", heading: "Overview", viewport: DESKTOP },
    { role: "finance officer", contact: "finance@northbridge.example", path: "/council", heading: "Overview", viewport: DESKTOP },
    { role: "platform admin", contact: "admin@playpass.example", path: "/admin", heading: "Councils", viewport: DESKTOP },
  ];
  for (const r of roles) {
    it(`lets the demo ${r.role} sign in and land on their home`, async () => {
      const context = await browser.newContext({ viewport: r.viewport });
      const page = await context.newPage();
      await signIn(page, baseURL, r.contact, r.recipient);
      await page.getByRole("heading", { level: 1, name: r.heading }).waitFor();
      expect(new URL(page.url()).pathname).toBe(r.path);
      await screenshot(page, `home-${r.role.replace(/\s+/g, "-")}`);
      await context.close();
    });
  }

  it("lets a young person book on a phone and the door redeem the code once", async () => {
    const young = await browser.newContext({ viewport: PHONE });
    const page = await young.newPage();
    await signIn(page, baseURL, "sam@example.com");
    await page.getByRole("heading", { level: 1, name: "Hi Sam" }).waitFor();
    await page.goto(baseURL);
    await page.getByRole("link", { name: /Teen swim session/ }).first().click();
    await page.getByRole("button", { name: "Book", exact: true }).last().click();
    await page.getByRole("button", { name: "Confirm booking" }).click();
    await page.getByRole("heading", { name: "You're booked" }).waitFor();
    await screenshot(page, "young-booked");
    const codes = await page.locator(".booking__code").allInnerTexts();
    expect(codes.length).toBeGreaterThan(0);

    // The door only accepts codes inside the session's window; a booking days ahead is refused with the reason.
    const door = await browser.newContext({ viewport: PHONE });
    const doorPage = await door.newPage();
    await signIn(doorPage, baseURL, "door@nb-leisure.example");
    await doorPage.goto(`${baseURL}/provider/door`);
    await doorPage.getByLabel("Booking code").fill(codes[0]!);
    await doorPage.getByRole("button", { name: "Redeem" }).click();
    const notice = await doorPage.locator(".notice").first().innerText();
    // Another provider's booking is answered as an unknown code (the door learns nothing about other providers).
    expect(notice).toMatch(/can be used from an hour before the start|Welcome|Already used|not a Playpass booking/);
    await screenshot(doorPage, "door-result");
    await young.close();
    await door.close();
  });
});

describe("my bookings and my pass", () => {
  it("lets Sam open Bookings and Pass from the tabs on a phone: door QR and code, calendar file, cancel, and a statement that adds up", async () => {
    const context = await browser.newContext({ viewport: PHONE });
    const page = await context.newPage();
    await signIn(page, baseURL, "sam@example.com");
    await page.getByRole("heading", { level: 1, name: "Hi Sam" }).waitFor();

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Bookings" }).click();
    await page.getByRole("heading", { level: 1, name: "My bookings" }).waitFor();
    expect(new URL(page.url()).pathname).toBe("/young/bookings");
    const qr = page.getByRole("img", { name: /^QR code for booking code / }).first();
    await qr.waitFor();
    const code = /booking code (\S+)$/.exec((await qr.getAttribute("aria-label")) ?? "")?.[1] ?? "";
    expect(await page.locator(".booking__code").first().innerText()).toBe(code);
    await screenshot(page, "young-bookings");

    // The calendar link is a real file for this booking.
    const icsHref = (await page.getByRole("link", { name: /^Add to calendar/ }).first().getAttribute("href")) ?? "";
    const ics = await page.request.get(`${baseURL}${icsHref}`);
    expect(ics.headers()["content-type"]).toBe("text/calendar; charset=utf-8");
    expect((await ics.text()).replace(/\r\n /g, "")).toContain(`Booking code: ${code}`);

    await page.getByRole("button", { name: /^Cancel / }).first().click();
    await page.getByRole("heading", { name: /Booking cancelled/ }).waitFor();
    expect(await page.locator(".notice").first().innerText()).toMatch(/£\d+\.\d{2} is back on your pass|no credit was taken/);
    await screenshot(page, "young-bookings-cancelled");

    await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Pass" }).click();
    await page.getByRole("heading", { level: 1, name: "My pass" }).waitFor();
    await page.getByRole("img", { name: /^QR code for pass code / }).waitFor();
    const chip = await page.locator(".balance-chip .money").innerText();
    const latest = await page.locator(".statement__balance .money").first().innerText();
    expect(latest).toBe(chip);
    await screenshot(page, "young-pass");

    // On a shared phone: signing out ends the session, and the pages ask for sign-in again.
    await page.getByRole("button", { name: "Sign out", exact: true }).click();
    await page.getByRole("heading", { level: 1, name: "Find something to do" }).waitFor();
    await page.goto(`${baseURL}/young/pass`);
    await page.waitForURL(/\/login\?redirectTo=%2Fyoung%2Fpass/);
    await context.close();
  });
});
