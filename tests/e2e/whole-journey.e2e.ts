// The whole journey, as the README starts Playpass (production build, web and workers, Stripe impersonated by
// one fake at the HTTP boundary): an officer sets up a programme and issues credit; a young person activates on
// a phone and books two sessions; two providers redeem them at the door; the worker settles one run, one
// provider paid by the bank file and one by Stripe; the officer sees it paid and in the evidence; the ledger
// adds up and every penny moved exactly once.
import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import pg from "pg";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import type { FakeStripeState } from "./fake-stripe-server";
import { DESKTOP, launchBrowser, PHONE, screenshot, signIn } from "./browser";

const baseURL = inject("baseURL");
const databaseURL = inject("databaseURL");
const fakeStripeURL = inject("fakeStripeURL");

const RUN = randomBytes(3).toString("hex");
const WARD = `Journey Ward ${RUN}`;
const PROGRAMME = `Journey Programme ${RUN}`;
const YOUNG_EMAIL = `jamie.${RUN}@example.com`;
const SWIM = { title: "Teen swim session", provider: "Northbridge Leisure Centre", manager: "manager@nb-leisure.example", door: "door@nb-leisure.example", pence: 350 };
const BEATS = { title: "Beat-making workshop", provider: "Soundbox Studios", manager: "manager@soundbox.example", door: "manager@soundbox.example", pence: 600 };

let browser: Browser;
let db: pg.Client;

beforeAll(async () => {
  browser = await launchBrowser();
  db = new pg.Client({ connectionString: databaseURL });
  await db.connect();
});
afterAll(async () => {
  await browser?.close();
  await db?.end();
});

/** "£1,234.50" as pence. */
function pence(text: string): number {
  const match = /£([\d,]+)\.(\d{2})/.exec(text);
  if (!match) throw new Error(`no amount in "${text}"`);
  return Number(match[1]!.replace(/,/g, "")) * 100 + Number(match[2]);
}

/** A wall-clock date and time in London, as the sessions form takes them. */
function london(at: Date) {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/London", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, time: `${parts.hour}:${parts.minute}` };
}

async function fakeStripe(): Promise<FakeStripeState> {
  return (await fetch(`${fakeStripeURL}/__fake/state`)).json() as Promise<FakeStripeState>;
}

/** The newest development-outbox message to this recipient that matches. */
async function outboxMessage(page: Page, recipient: string, matching: RegExp): Promise<string> {
  const outbox = await page.context().newPage();
  await outbox.goto(`${baseURL}/dev/outbox`);
  const text = await outbox.locator(".outbox__message", { hasText: recipient }).filter({ hasText: matching }).first().innerText();
  await outbox.close();
  return text;
}

async function signedIn(viewport: typeof DESKTOP, contact: string): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ viewport });
  const page = await context.newPage();
  await signIn(page, baseURL, contact);
  return { context, page };
}

async function waitForJobToFinish(page: Page) {
  await page.locator(".notice--success, .notice--warning, .notice--error").first().waitFor({ timeout: 90_000 });
}

/** Step 1. The officer sets up a programme for one ward, enrols a young person, issues to everyone eligible and invites them. */
async function officerSetsUpAndIssues() {
  const { context, page } = await signedIn(DESKTOP, "officer@northbridge.example");
  await page.goto(`${baseURL}/council/programmes/new`);
  await page.getByRole("heading", { level: 1, name: "Create a programme" }).waitFor();
  await page.getByLabel("Name", { exact: true }).fill(PROGRAMME);
  await page.getByLabel("Status").selectOption("ACTIVE");
  await page.getByLabel("Funded budget, in pounds").fill("1000");
  await page.getByLabel("Base allocation per young person, in pounds").fill("20");
  await page.getByLabel("Ages worked out on").fill(new Date().toISOString().slice(0, 10));
  await page.getByLabel("Wards (optional)").fill(WARD);
  await page.getByLabel("Swimming").check();
  await page.getByLabel("Music").check();
  // The council's finance team checks every run over £5.
  await page.getByLabel("Payout runs above this amount need a finance officer's approval, in pounds").fill("5");
  await page.getByRole("button", { name: "Create programme" }).click();
  await page.getByRole("heading", { level: 1, name: PROGRAMME }).waitFor();
  const programmeUrl = page.url().replace(/\?.*$/, "");

  await page.goto(`${baseURL}/council/young-people/new`);
  await page.getByLabel("First name").fill("Jamie");
  await page.getByLabel("Last name").fill(`Journey${RUN}`);
  await page.getByLabel("Date of birth").fill(`${new Date().getUTCFullYear() - 14}-03-15`);
  await page.getByLabel("Postcode").fill("NB1 2JJ");
  await page.getByLabel("Ward").fill(WARD);
  await page.getByLabel("Email address (optional)").fill(YOUNG_EMAIL);
  await page.getByRole("button", { name: "Add young person" }).click();
  await page.getByText("Young person added.").waitFor();

  // Issuing runs in the worker; the page follows it to the end.
  await page.goto(programmeUrl);
  await page.getByRole("button", { name: /^Issue passes to 1 young/ }).click();
  await page.getByRole("heading", { level: 1, name: "Issuing passes" }).waitFor();
  await waitForJobToFinish(page);
  expect(await page.locator(".notice").first().innerText()).toMatch(/1 pass was issued \(£20\.00\)|1 passes were issued \(£20\.00\)/);

  await page.goto(`${baseURL}/council/letters?ward=${encodeURIComponent(WARD)}`);
  await page.getByRole("button", { name: /^Send 1 invitation/ }).click();
  await page.getByText("Invitations sent").waitFor();
  await screenshot(page, "journey-invitations-sent");
  await context.close();
}

/** Step 2a. A provider's manager adds a session starting soon, so the door can redeem it today. */
async function providerAddsSessionSoon(manager: string, title: string, startsAt: Date) {
  const { context, page } = await signedIn(DESKTOP, manager);
  await page.goto(`${baseURL}/provider/activities`);
  await page.getByRole("link", { name: `coming sessions of ${title}` }).click();
  const form = page.locator("form", { has: page.locator('input[name="intent"][value="one-off"]') });
  const when = london(startsAt);
  await form.getByLabel("Date").fill(when.date);
  await form.getByLabel("Start time").fill(when.time);
  await form.getByLabel("Length in minutes").fill("60");
  await form.getByLabel("Places").fill("5");
  await form.getByRole("button", { name: "Add session" }).click();
  await page.waitForURL(/done=added/);
  await context.close();
}

/** Step 2b. Soundbox's manager chooses to be paid by Stripe and finishes Stripe's onboarding (Stripe's pages played by the test). */
async function providerSetsUpStripe(manager: string) {
  const { context, page } = await signedIn(DESKTOP, manager);
  await page.route("https://connect.stripe.com/**", async (route) => {
    const link = (await fakeStripe()).accountLinks.find((l) => l.url === route.request().url());
    if (!link?.return_url) return route.fulfill({ status: 404, body: "unknown onboarding link" });
    // The provider gives Stripe their details; Stripe turns transfers on and sends them back.
    await fetch(`${fakeStripeURL}/__fake/recipients/${link.account}/transfers`, { method: "POST", body: JSON.stringify({ status: "active" }) });
    return route.fulfill({ status: 302, headers: { location: link.return_url } });
  });
  await page.goto(`${baseURL}/provider/payments`);
  await page.getByRole("button", { name: "Set up Stripe" }).click();
  await page.waitForURL(/\/provider\/payments\?done=stripe-return/);
  const summary = await page.locator(".summary-list").first().innerText();
  expect(summary).toMatch(/You are paid by\s*Stripe/);
  expect(summary).toMatch(/Ready to receive payouts/);
  await context.close();
}

/** Step 2c. The young person activates from the invitation on a phone; returns their page. */
async function youngPersonActivates(context: BrowserContext): Promise<Page> {
  const page = await context.newPage();
  const invitation = await outboxMessage(page, YOUNG_EMAIL, /activate\?code=/);
  const link = /https?:\/\/\S+\/activate\?code=[^\s"<]+/.exec(invitation)?.[0];
  expect(link).toBeDefined();
  await page.goto(link!.replace(/^https?:\/\/[^/]+/, baseURL));
  await page.getByRole("heading", { level: 1, name: "Hi Jamie!" }).waitFor();
  await page.getByRole("button", { name: "Send my code" }).click();
  await page.getByRole("heading", { level: 1, name: "Check your messages, Jamie" }).waitFor();
  const code = /\b(\d{6})\b/.exec(await outboxMessage(page, YOUNG_EMAIL, /activation code/))?.[1];
  await page.getByLabel("Code").fill(code!);
  await page.getByRole("button", { name: "Start my Playpass" }).click();
  await page.getByRole("heading", { level: 1, name: "Hi Jamie" }).waitFor();
  expect(pence(await page.locator(".balance-chip .money").innerText())).toBe(2_000);
  await screenshot(page, "journey-young-home-phone");
  return page;
}

/** Step 2d. Searches, chooses the session starting soon, books it; returns the booking code shown on My bookings. */
async function youngPersonBooks(page: Page, title: string, startsAt: Date): Promise<string> {
  await page.goto(baseURL);
  await page.getByLabel("What do you want to do?").fill(title);
  await page.getByRole("search").getByRole("button", { name: "Search", exact: true }).click();
  await page.getByRole("link", { name: title }).first().click();
  await page.getByRole("heading", { level: 1, name: title }).waitFor();
  const session = page.locator("li.slot", { has: page.locator(`time[datetime="${startsAt.toISOString()}"]`) });
  await session.getByRole("button", { name: "Book", exact: true }).click();
  await page.getByRole("heading", { name: "Check and book" }).waitFor();
  await page.getByRole("button", { name: "Confirm booking" }).click();
  await page.getByRole("heading", { name: "You're booked" }).waitFor();
  await page.goto(`${baseURL}/young/bookings`);
  const ticket = page.locator("li.ticket", { hasText: title }).first();
  await ticket.getByRole("img", { name: /^QR code for booking code / }).waitFor();
  return (await ticket.locator(".booking__code").innerText()).trim();
}

/** Step 3. Door mode: one big input, one big button. */
async function doorRedeems(door: string, code: string) {
  const { context, page } = await signedIn(PHONE, door);
  await page.goto(`${baseURL}/provider/door`);
  await page.getByLabel("Booking code or pass code").fill(code);
  await page.getByRole("button", { name: "Redeem", exact: true }).click();
  await page.getByRole("heading", { name: /Welcome, Jamie/ }).waitFor();
  await screenshot(page, `journey-door-${door.split("@")[1]}-phone`);
  // A second scan is not a second payment: it says who already used it.
  await page.getByLabel("Booking code or pass code").fill(code);
  await page.getByRole("button", { name: "Redeem", exact: true }).click();
  await page.getByRole("heading", { name: /Already used/ }).waitFor();
  await context.close();
}

async function redemptionsOf(codes: string[]) {
  const { rows } = await db.query<{ id: string; status: string; amountPence: number; payoutId: string | null; providerName: string }>(
    `SELECT r."id", r."status", r."amountPence", r."payoutId", p."name" AS "providerName"
       FROM "Redemption" r JOIN "Booking" b ON b."id" = r."bookingId" JOIN "Provider" p ON p."id" = r."providerId"
      WHERE b."code" = ANY($1) ORDER BY p."name"`,
    [codes],
  );
  return rows;
}

describe("the whole journey", () => {
  it("takes public money from a programme to a young person's bookings, through two doors, to two providers paid exactly once by bank file and by Stripe, with the ledger adding up", async () => {
    // 1. The officer creates a programme, enrols Jamie, issues credit in the worker and sends the invitation.
    await officerSetsUpAndIssues();

    // 2. Both providers put on a session starting soon; Soundbox gets paid by Stripe from now on.
    const soon = new Date(Math.ceil((Date.now() + 20 * 60_000) / (5 * 60_000)) * 5 * 60_000);
    await providerAddsSessionSoon(SWIM.manager, SWIM.title, soon);
    await providerAddsSessionSoon(BEATS.manager, BEATS.title, soon);
    await providerSetsUpStripe(BEATS.manager);

    // Jamie activates on a phone and books both sessions.
    const phone = await browser.newContext({ viewport: PHONE });
    const young = await youngPersonActivates(phone);
    const swimCode = await youngPersonBooks(young, SWIM.title, soon);
    const beatsCode = await youngPersonBooks(young, BEATS.title, soon);
    await screenshot(young, "journey-young-bookings-phone");
    await young.goto(`${baseURL}/young`);
    expect(pence(await young.locator(".balance-chip .money").innerText())).toBe(2_000 - SWIM.pence - BEATS.pence);

    // 3. Each provider's door redeems its own booking by the typed code.
    await doorRedeems(SWIM.door, swimCode);
    await doorRedeems(BEATS.door, beatsCode);
    const redeemed = await redemptionsOf([swimCode, beatsCode]);
    expect(redeemed.map((r) => [r.providerName, r.amountPence, r.status])).toEqual([
      [SWIM.provider, SWIM.pence, "PENDING"],
      [BEATS.provider, BEATS.pence, "PENDING"],
    ]);

    // The dispute window (three days) passes. The servers keep real time, so the days move on in the database.
    await db.query(`UPDATE "Redemption" SET "payableAt" = now() - interval '1 second' WHERE "id" = ANY($1)`, [redeemed.map((r) => r.id)]);

    // 4. The finance officer runs settlement now; the worker makes the redemptions payable and opens a run over the threshold.
    const { context: financeContext, page: finance } = await signedIn(DESKTOP, "finance@northbridge.example");
    await finance.goto(`${baseURL}/council/payouts`);
    const runLinks = finance.getByRole("table", { name: "Payout runs, newest first" }).locator("tbody tr a");
    const runsBefore = await runLinks.count();
    await finance.getByRole("button", { name: "Run settlement now" }).click();
    await finance.getByText("Settlement started").waitFor();
    await expect
      .poll(
        async () => {
          await finance.reload();
          return runLinks.count();
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toBe(runsBefore + 1);
    await runLinks.first().click();
    await finance.getByRole("heading", { level: 1, name: /^Payout run of / }).waitFor();
    const lines = finance.getByRole("table", { name: "Payouts by provider" });
    const swimLine = lines.getByRole("row", { name: new RegExp(SWIM.provider) });
    const beatsLine = lines.getByRole("row", { name: new RegExp(BEATS.provider) });
    expect(await swimLine.innerText()).toMatch(/Bank file\s+1\s+£3\.50\s+To pay/);
    expect(await beatsLine.innerText()).toMatch(/Stripe\s+1\s+£6\.00\s+To pay/);
    const settled = await redemptionsOf([swimCode, beatsCode]);
    const swimPayout = settled.find((r) => r.providerName === SWIM.provider)!.payoutId!;
    const beatsPayout = settled.find((r) => r.providerName === BEATS.provider)!.payoutId!;
    // Nothing reaches Stripe before a finance officer approves a run over the threshold.
    expect((await fakeStripe()).transfers.filter((t) => t.metadata.payout_id === beatsPayout)).toEqual([]);
    await screenshot(finance, "journey-run-waiting");

    await finance.getByRole("button", { name: "Approve this run" }).click();
    await finance.getByText(/Run approved/).waitFor();
    await finance.getByRole("button", { name: "Make the bank payment file" }).click();
    await finance.getByText("Bank payment file ready").waitFor();
    const [download] = await Promise.all([finance.waitForEvent("download"), finance.getByRole("link", { name: /^Download / }).first().click()]);
    const bankFile = await readFile((await download.path())!, "utf8");
    const swimReference = `PLAYPASS ${swimPayout.replace(/-/g, "").slice(0, 8).toUpperCase()}`;
    // The bank pays Northbridge Leisure Centre once, and Soundbox (paid by Stripe) not at all.
    expect(bankFile.split("\r\n").filter((line) => line.endsWith(`,${swimReference}`))).toEqual([expect.stringMatching(/,3\.50,PLAYPASS /)]);
    expect(bankFile).not.toContain(`PLAYPASS ${beatsPayout.replace(/-/g, "").slice(0, 8).toUpperCase()}`);
    await finance.getByRole("button", { name: /^Mark .* as paid$/ }).click();
    await finance.getByText(/Marked as paid/).waitFor();

    // The worker pays Soundbox by one Stripe transfer.
    await expect
      .poll(
        async () => {
          await finance.reload();
          return beatsLine.innerText();
        },
        { timeout: 60_000, interval: 1_000 },
      )
      .toMatch(/Stripe\s+1\s+£6\.00\s+Paid/);
    expect(await swimLine.innerText()).toMatch(/Bank file\s+1\s+£3\.50\s+Paid/);
    await screenshot(finance, "journey-run-paid");
    await financeContext.close();

    // Exactly once: one transfer at Stripe for the Stripe payout, under the payout's own key; every redemption paid.
    const stripe = await fakeStripe();
    const transfers = stripe.transfers.filter((t) => t.metadata.payout_id === beatsPayout);
    expect(transfers.map((t) => t.amount)).toEqual([BEATS.pence]);
    expect(stripe.transfers.filter((t) => t.metadata.payout_id === swimPayout)).toEqual([]);
    expect(new Set(stripe.requests.filter((r) => r.method === "POST" && r.path === "/v1/transfers" && r.idempotencyKey?.startsWith(`payout:${beatsPayout}`)).map((r) => r.idempotencyKey))).toEqual(
      new Set([`payout:${beatsPayout}`]),
    );
    expect((await redemptionsOf([swimCode, beatsCode])).map((r) => r.status)).toEqual(["PAID", "PAID"]);
    const { rows: postings } = await db.query<{ kind: string; payoutId: string; n: number }>(
      `SELECT "kind", "payoutId", count(*)::int AS n FROM "Transfer" WHERE "payoutId" = ANY($1) GROUP BY 1, 2 ORDER BY 2, 1`,
      [[swimPayout, beatsPayout]],
    );
    expect(postings.every((p) => p.n === 1)).toBe(true);
    expect(postings.map((p) => p.kind).sort()).toEqual(["PAYOUT_COMPLETE", "PAYOUT_COMPLETE", "PAYOUT_START", "PAYOUT_START"]);

    // 5. The officer sees the run paid, and Jamie's ward in the evidence.
    const { context: officerContext, page: officer } = await signedIn(DESKTOP, "officer@northbridge.example");
    await officer.goto(`${baseURL}/council/payouts`);
    expect(await officer.getByRole("table", { name: "Payout runs, newest first" }).locator("tbody tr").first().innerText()).toMatch(/Paid/);
    await officer.goto(`${baseURL}/council/evidence`);
    const wardRow = officer.getByRole("table", { name: "Take-up by ward, most deprived first" }).getByRole("row", { name: new RegExp(WARD) });
    expect(await wardRow.innerText()).toMatch(/\b1\s+1\s+100/);
    await screenshot(officer, "journey-evidence");
    await officerContext.close();

    // 6. The platform admin's ledger check: Northbridge's ledger adds up; and verifyLedger agrees, run against the same database.
    const { context: adminContext, page: admin } = await signedIn(DESKTOP, "admin@playpass.example");
    await admin.goto(`${baseURL}/admin`);
    expect(await admin.getByRole("table", { name: "Councils and their ledgers" }).getByRole("row", { name: /Northbridge Council/ }).innerText()).toMatch(/Adds up/);
    await adminContext.close();
    process.env.DATABASE_URL = databaseURL;
    const { verifyLedger } = await import("~/domain/ledger");
    const { getDb } = await import("~/lib/db.server");
    const { rows: councils } = await db.query<{ id: string }>(`SELECT "id" FROM "Council" WHERE "name" = 'Northbridge Council'`);
    const report = await verifyLedger(getDb(), councils[0]!.id);
    await getDb().$disconnect();
    expect(report.violations).toEqual([]);
    expect(report.ok).toBe(true);
    await phone.close();
    // Eight sign-ins, two background jobs and a Stripe payout on a small machine: longer than the default bound.
  }, 420_000);
});
