// Abuse, in Chromium against the production server (app/serve.ts) as `npm start` runs it: forged cross-origin
// forms are refused and change nothing; the page CSP lets the app hydrate and stops injected inline script;
// every kind of response carries the security headers; a planted session dies at sign-in; "sign out on every
// device" ends the other browser's session too.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DESKTOP, launchBrowser, PHONE, signIn } from "./browser";

const baseURL = inject("baseURL");
const DEMO_API_KEY = "pp_live_de000dead0_NorthbridgeLeisureDemoKey-OnlyForTheDemo000";

let browser: Browser;
let evil: Server;
let evilPort: number;
let db: pg.Client;
const forms = new Map<string, string>();

/** The seeded database the global setup made for this run (named after the vitest process that started it). */
async function connectToRunDatabase() {
  const admin = process.env.TEST_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
  const client = new pg.Client({ connectionString: admin.replace(/\/[^/]*$/, `/playpass_e2e_${process.ppid}`) });
  await client.connect();
  return client;
}

const one = async <T>(sql: string, params: unknown[] = []): Promise<T> => {
  const { rows } = await db.query(sql, params);
  if (rows.length === 0) throw new Error(`no row for ${sql}`);
  return rows[0] as T;
};
const count = async (sql: string, params: unknown[] = []) => Number((await one<{ n: string }>(sql, params)).n);

/** An attacker's page that posts a form to Playpass as soon as it opens. */
function forgedForm(action: string, fields: Record<string, string>) {
  const inputs = Object.entries(fields)
    .map(([name, value]) => `<input type="hidden" name="${name}" value="${value.replace(/"/g, "&quot;")}">`)
    .join("");
  return `<!doctype html><title>Win a prize</title><form method="post" action="${action}">${inputs}</form><script>document.forms[0].submit()</script>`;
}

beforeAll(async () => {
  browser = await launchBrowser();
  db = await connectToRunDatabase();
  evil = createServer((req, res) => {
    const page = forms.get(req.url ?? "");
    res.writeHead(page ? 200 : 404, { "Content-Type": "text/html" }).end(page ?? "not here");
  });
  await new Promise<void>((resolve) => evil.listen(0, "0.0.0.0", resolve));
  evilPort = (evil.address() as AddressInfo).port;
});

afterAll(async () => {
  await browser?.close();
  await db?.end();
  await new Promise((resolve) => evil?.close(resolve));
});

async function signedIn(contact: string, viewport = PHONE): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await signIn(page, baseURL, contact);
  return { context, page };
}

/** Opens the attacker's page (on another origin) in the victim's browser; returns Playpass's answer to the forged post. */
async function forge(page: Page, attackerHost: string, target: string, fields: Record<string, string>) {
  const path = `/${forms.size}`;
  forms.set(path, forgedForm(`${baseURL}${target}`, fields));
  const answered = page.waitForResponse((r) => r.url().startsWith(baseURL) && r.request().method() === "POST");
  await page.goto(`http://${attackerHost}:${evilPort}${path}`);
  const response = await answered;
  return { status: response.status(), body: await response.text() };
}

describe("cross-site request forgery against the production server", () => {
  // Another port on the same host is the same site (so SameSite=Lax still sends the cookie: the Origin check alone
  // must refuse it); 127.0.0.1 is another site altogether.
  const attackers = ["localhost", "127.0.0.1"];

  it("refuses a forged sign-out, booking and door redemption from another origin with 403, and nothing changes", async () => {
    const sam = await signedIn("sam@example.com");
    const door = await signedIn("door@nb-leisure.example");
    const samUser = await one<{ id: string; youngPersonId: string }>(`SELECT u.id, m."youngPersonId" FROM "User" u JOIN "Membership" m ON m."userId" = u.id WHERE u.email = 'sam@example.com' AND m.role = 'YOUNG_PERSON'`);
    const slot = await one<{ id: string; activityId: string }>(
      `SELECT s.id, s."activityId" FROM "Slot" s JOIN "Activity" a ON a.id = s."activityId"
       WHERE s."startsAt" > now() + interval '2 days' AND s.booked < s.capacity AND s.status = 'SCHEDULED' AND a.status = 'LIVE' AND a."pricePence" <= 500
       ORDER BY s."startsAt" LIMIT 1`,
    );
    const doorUser = await one<{ providerId: string }>(`SELECT m."providerId" FROM "User" u JOIN "Membership" m ON m."userId" = u.id WHERE u.email = 'door@nb-leisure.example'`);
    const unredeemed = await one<{ id: string; code: string }>(
      `SELECT b.id, b.code FROM "Booking" b JOIN "Slot" s ON s.id = b."slotId" JOIN "Activity" a ON a.id = s."activityId"
       WHERE a."providerId" = $1 AND b.status = 'CONFIRMED' ORDER BY s."startsAt" LIMIT 1`,
      [doorUser.providerId],
    );
    const before = {
      sessions: await count(`SELECT count(*) AS n FROM "Session" WHERE "userId" = $1`, [samUser.id]),
      bookings: await count(`SELECT count(*) AS n FROM "Booking" WHERE "youngPersonId" = $1`, [samUser.youngPersonId]),
      redemptions: await count(`SELECT count(*) AS n FROM "Redemption"`),
    };

    for (const host of attackers) {
      const logout = await forge(sam.page, host, "/logout", { everywhere: "yes" });
      expect(logout).toMatchObject({ status: 403, body: expect.stringContaining(`not this site`) });
      const booking = await forge(sam.page, host, `/activities/${slot.activityId}?slot=${slot.id}`, { intent: "book", slotId: slot.id, requestKey: crypto.randomUUID() });
      expect(booking.status).toBe(403);
      const redemption = await forge(door.page, host, "/provider/door", { code: unredeemed.code });
      expect(redemption.status).toBe(403);
      // A path that starts like the API, which the guard leaves to API keys: the browser resolves it to /logout first.
      const sneaky = await forge(sam.page, host, "/api/v1/%2e%2e/%2e%2e/logout", { everywhere: "yes" });
      expect(sneaky.status).toBe(403);
    }

    expect({
      sessions: await count(`SELECT count(*) AS n FROM "Session" WHERE "userId" = $1`, [samUser.id]),
      bookings: await count(`SELECT count(*) AS n FROM "Booking" WHERE "youngPersonId" = $1`, [samUser.youngPersonId]),
      redemptions: await count(`SELECT count(*) AS n FROM "Redemption"`),
    }).toEqual(before);
    expect((await one<{ status: string }>(`SELECT status FROM "Booking" WHERE id = $1`, [unredeemed.id])).status).toBe("CONFIRMED");
    // Both are still signed in, and the same forms sent from Playpass's own pages work.
    await sam.page.goto(`${baseURL}/young`);
    expect(new URL(sam.page.url()).pathname).toBe("/young");
    await door.page.goto(`${baseURL}/provider/door`);
    expect(new URL(door.page.url()).pathname).toBe("/provider/door");
    await sam.context.close();
    await door.context.close();
  });

  it("keeps the session cookie HttpOnly and SameSite=Lax, so no other site's page can post with it", async () => {
    const sam = await signedIn("sam@example.com");
    const cookie = (await sam.context.cookies(baseURL)).find((c) => c.name === "__playpass");
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Lax", path: "/" });
    await sam.context.close();
  });
});

describe("content security policy in Chromium", () => {
  it("lets the app hydrate and work with no policy violation", async () => {
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener("securitypolicyviolation", (event) => seen.push(`${event.violatedDirective} ${event.blockedURI}`));
    });
    const response = await page.goto(`${baseURL}/login`);
    const csp = response!.headers()["content-security-policy"]!;
    expect(csp).toMatch(/script-src 'nonce-[A-Za-z0-9+/=]+' 'strict-dynamic'/);
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);

    // Hydrated: Remix's router is running, and the form answers in place (sign-in is checked by its action).
    await page.waitForFunction(() => "__remixRouter" in window);
    await page.getByLabel("Email address or mobile number").fill("not a contact");
    await page.getByRole("button", { name: "Send me a code" }).click();
    await expect.poll(() => page.getByText(/Enter an email address like/).count()).toBeGreaterThan(0);
    // Nothing is refused in normal use.
    const violations = () => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations);
    expect(await violations()).toEqual([]);
    // Nor where a form is checked by Zod in the browser (the provider application, on blur): Zod runs jitless there,
    // so it never tries `new Function`.
    await page.goto(`${baseURL}/providers/apply`);
    await page.waitForFunction(() => "__remixRouter" in window);
    await page.getByLabel("Organisation name").fill("x");
    await page.getByLabel("Organisation name").blur();
    await expect.poll(() => page.locator(".field__error").count()).toBeGreaterThan(0);
    expect(await violations()).toEqual([]);
    await context.close();
  });

  it("blocks an inline script and an inline event handler injected into a served page", async () => {
    // An XSS arrives in the HTML the server sends. Here the page is altered on its way to the browser,
    // keeping the server's own headers (and so its CSP): neither injected script may run.
    const context = await browser.newContext({ viewport: DESKTOP });
    const page = await context.newPage();
    await page.addInitScript(() => {
      const seen: string[] = [];
      (window as unknown as { cspViolations: string[] }).cspViolations = seen;
      document.addEventListener("securitypolicyviolation", (event) => seen.push(event.violatedDirective));
    });
    await page.route(`${baseURL}/login`, async (route) => {
      const response = await route.fetch();
      const injected = (await response.text()).replace(
        "</body>",
        `<script>window.pwnedByScript = true</script><img src="/favicon.svg" onload="window.pwnedByHandler = true" onerror="window.pwnedByHandler = true"></body>`,
      );
      await route.fulfill({ response, body: injected });
    });
    await page.goto(`${baseURL}/login`);
    await page.waitForFunction(() => "__remixRouter" in window);
    await expect.poll(() => page.evaluate(() => (window as unknown as { cspViolations: string[] }).cspViolations.length)).toBeGreaterThanOrEqual(2);
    const ran = await page.evaluate(() => {
      const w = window as unknown as { pwnedByScript?: boolean; pwnedByHandler?: boolean; cspViolations: string[] };
      return { script: w.pwnedByScript === true, handler: w.pwnedByHandler === true, violations: w.cspViolations };
    });
    expect(ran.script, "the injected inline script ran").toBe(false);
    expect(ran.handler, "the injected event handler ran").toBe(false);
    expect(ran.violations.every((v) => v.startsWith("script-src"))).toBe(true);
    await context.close();
  });

  it("refuses to be framed by another site", async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    forms.set("/frame", `<!doctype html><iframe src="${baseURL}/login" width="400" height="400"></iframe>`);
    await page.goto(`http://127.0.0.1:${evilPort}/frame`);
    await page.waitForTimeout(500);
    const framed = page.frames().find((f) => f.url().startsWith(baseURL));
    // Chromium replaces a refused frame with an error page: no Playpass document loads inside it.
    const loaded = framed ? await framed.evaluate(() => document.querySelector("h1")?.textContent ?? "").catch(() => "") : "";
    expect(loaded).not.toMatch(/Sign in/);
    await context.close();
  });
});

describe("security headers on every kind of response", () => {
  function expectHardened(headers: Record<string, string>, what: string) {
    expect(headers["x-frame-options"], what).toBe("DENY");
    expect(headers["x-content-type-options"], what).toBe("nosniff");
    expect(headers["referrer-policy"], what).toBe("strict-origin-when-cross-origin");
    expect(headers["strict-transport-security"], what).toMatch(/^max-age=\d{8,}; includeSubDomains$/);
    expect(headers["content-security-policy"], what).toMatch(/default-src '(none|self)'/);
    expect(headers["content-security-policy"], what).not.toMatch(/script-src[^;]*unsafe-inline/);
  }

  it("pages, CSV, PDF and ICS downloads, stored files, API answers, static assets, errors and redirects", async () => {
    const officer = await signedIn("officer@northbridge.example", DESKTOP);
    const manager = await signedIn("manager@nb-leisure.example", DESKTOP);
    const sam = await signedIn("sam@example.com");

    const samBooking = await one<{ id: string }>(
      `SELECT b.id FROM "Booking" b JOIN "YoungPerson" y ON y.id = b."youngPersonId" JOIN "User" u ON u.id = y."userId" WHERE u.email = 'sam@example.com' LIMIT 1`,
    );
    const payout = await one<{ id: string }>(
      `SELECT p.id FROM "Payout" p JOIN "Membership" m ON m."providerId" = p."providerId" JOIN "User" u ON u.id = m."userId" WHERE u.email = 'manager@nb-leisure.example' LIMIT 1`,
    );
    const photo = await one<{ fileId: string }>(`SELECT ap."fileId" FROM "ActivityPhoto" ap JOIN "Activity" a ON a.id = ap."activityId" WHERE a.status = 'LIVE' LIMIT 1`);
    const home = await sam.context.request.get(`${baseURL}/`);
    const asset = /\/assets\/[^"']+\.js/.exec(await home.text())![0];

    const checks: Array<[string, BrowserContext, string, RegExp]> = [
      ["page", sam.context, "/young", /^text\/html/],
      ["ICS", sam.context, `/young/bookings/${samBooking.id}/calendar.ics`, /^text\/calendar/],
      ["evidence CSV", officer.context, "/council/evidence/spend-by-category.csv", /^text\/csv/],
      ["statement CSV", manager.context, `/provider/earnings/${payout.id}/statement.csv`, /^text\/csv/],
      ["statement PDF", manager.context, `/provider/earnings/${payout.id}/statement.pdf`, /^application\/pdf/],
      ["stored photo", sam.context, `/files/${photo.fileId}`, /^image\//],
      ["static asset", sam.context, asset, /javascript/],
      ["health check", sam.context, "/healthz", /./],
      ["not found", sam.context, "/no-such-page", /^text\/html/],
    ];
    for (const [what, context, path, type] of checks) {
      const response = await context.request.get(`${baseURL}${path}`, { maxRedirects: 0 });
      expect(response.status(), `${what} ${path}`).toBeLessThan(what === "not found" ? 500 : 300);
      expect(response.headers()["content-type"], what).toMatch(type);
      expectHardened(response.headers(), what);
      if (/CSV|PDF|ICS/.test(what)) expect(response.headers()["content-disposition"], what).toMatch(/^attachment/);
    }
    const photo2 = await sam.context.request.get(`${baseURL}/files/${photo.fileId}`);
    expect(photo2.headers()["content-security-policy"]).toBe("default-src 'none'; sandbox");

    const api = await sam.context.request.get(`${baseURL}/api/v1/bookings?date=2030-01-01`, { headers: { Authorization: `Bearer ${DEMO_API_KEY}` } });
    expect(api.status()).toBe(200);
    expectHardened(api.headers(), "API answer");
    const redirect = await sam.context.request.get(`${baseURL}/council`, { maxRedirects: 0 });
    expect(redirect.status()).toBeGreaterThanOrEqual(300);
    expectHardened(redirect.headers(), "redirect");
    for (const c of [officer, manager, sam]) await c.context.close();
  });
});

describe("sessions in the browser", () => {
  it("a session cookie planted before sign-in is dead after it (no fixation)", async () => {
    // The attacker signs in as themselves and plants their cookie in the victim's browser.
    const attacker = await signedIn("guardian@example.com");
    const planted = (await attacker.context.cookies(baseURL)).find((c) => c.name === "__playpass")!;
    const victim = await browser.newContext({ viewport: PHONE });
    await victim.addCookies([planted]);
    // The victim asks for a code (here from a clean tab) and types it into the planted browser.
    const asker = await browser.newContext();
    const askPage = await asker.newPage();
    await askPage.goto(`${baseURL}/login`);
    await askPage.getByLabel("Email address or mobile number").fill("sam@example.com");
    await askPage.getByRole("button", { name: "Send me a code" }).click();
    await askPage.waitForURL(/\/login\/verify/);
    await askPage.goto(`${baseURL}/dev/outbox`);
    const code = /\b(\d{6})\b/.exec(await askPage.locator(".outbox__message", { hasText: "sam@example.com" }).first().innerText())![1]!;
    await asker.close();
    const page = await victim.newPage();
    await page.goto(`${baseURL}/login/verify?contact=sam%40example.com`);
    await page.getByLabel("Code").fill(code);
    await page.getByRole("button", { name: "Sign in" }).click();
    await page.waitForURL((url) => url.pathname === "/young");
    const fresh = (await victim.cookies(baseURL)).find((c) => c.name === "__playpass")!;
    expect(fresh.value).not.toBe(planted.value);
    // The planted session no longer exists: the attacker's own browser is signed out.
    await attacker.page.goto(`${baseURL}/guardian`);
    expect(new URL(attacker.page.url()).pathname).toBe("/login");
    await attacker.context.close();
    await victim.close();
  });

  it("signing out on every device ends the other browser's session too", async () => {
    const phone = await signedIn("sam@example.com");
    const laptop = await signedIn("sam@example.com", DESKTOP);
    await laptop.page.goto(`${baseURL}/young`);
    expect(new URL(laptop.page.url()).pathname).toBe("/young");

    await phone.page.goto(`${baseURL}/young/pass`);
    await phone.page.getByRole("button", { name: "Sign out on every device" }).click();
    await phone.page.waitForURL((url) => url.pathname === "/");

    await laptop.page.goto(`${baseURL}/young`);
    expect(new URL(laptop.page.url()).pathname).toBe("/login");
    await phone.page.goto(`${baseURL}/young`);
    expect(new URL(phone.page.url()).pathname).toBe("/login");
    await phone.context.close();
    await laptop.context.close();
  });
});
