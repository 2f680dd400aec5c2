// RELIABILITY 24: nobody reads or changes another's records, on any route. Every route in the app's route
// manifest (app/routes.ts), every role, two councils with a provider each: the answer each gets is the one in
// access-matrix.expectations.ts, a refused request changes no row, and a route without an entry fails here.
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { RouteConfigEntry } from "@remix-run/route-config";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { resetEnvForTests } from "~/lib/env.server";
import { signIn } from "../support/actors";
import { expectations, open, type Entry, type Outcome, type Whose } from "./access-matrix.expectations";
import { createWorld, credentialsOf, ROLES, type RoleName, type Tenant, type World } from "./world";

type Handler = (args: { request: Request; params: Record<string, string>; context: object }) => Promise<unknown>;
type RouteModule = { loader?: Handler; action?: Handler };
type Method = "loader" | "action";

const modules = import.meta.glob<RouteModule>(["../../app/routes/**/*.{ts,tsx}", "!../../app/routes/**/*.server.*", "!../../app/routes/**/*.test.*"]);

/** The app's own route manifest: app/routes.ts as the Remix compiler reads it, flattened to full paths. */
async function readManifest() {
  // flatRoutes asks the compiler where the app lives; outside the compiler we say it.
  (globalThis as { __remixAppDirectory?: string }).__remixAppDirectory = path.resolve(__dirname, "../../app");
  const { default: config } = await import("../../app/routes");
  const routes: { id: string; file: string; path: string }[] = [];
  const walk = (entries: RouteConfigEntry[], parent: string) => {
    for (const entry of entries) {
      const full = [parent, entry.path ?? ""].filter(Boolean).join("/");
      const id = (entry.id ?? entry.file.replace(/\.(tsx|ts)$/, "")).replace(/^routes\//, "");
      routes.push({ id, file: `../../app/${entry.file}`, path: `/${full}` });
      walk(entry.children ?? [], full);
    }
  };
  walk(await config, "");
  return routes.sort((a, b) => a.id.localeCompare(b.id));
}

const routes = await readManifest();

let world: World;
let uploads: string;

/** Whose record a request names; "neighbour" is another young person's in the caller's own council. */
type Target = Whose | "neighbour";

function tenantOf(whose: Target): Tenant {
  if (whose === "other") return world.theirs;
  if (whose === "neighbour") return { ...world.mine, params: { ...world.mine.params, ...world.mine.neighbour } };
  return world.mine;
}

function paramNames(routePath: string): string[] {
  return [...routePath.matchAll(/:(\w+)/g)].map((m) => m[1]!);
}

function paramsFor(route: (typeof routes)[number], entry: Entry, target: Tenant): Record<string, string> {
  const overrides = entry.params?.(target) ?? {};
  return Object.fromEntries(paramNames(route.path).map((name) => [name, overrides[name] ?? target.params[name] ?? `no-record-for-${name}`]));
}

/** own/other when the URL (or, for an action, the body) names a tenant's record; otherwise the route is asked once. */
function whosesOf(route: (typeof routes)[number], entry: Entry, method: Method): Target[] {
  const differ = JSON.stringify(paramsFor(route, entry, world.mine)) !== JSON.stringify(paramsFor(route, entry, world.theirs));
  const bodyNamesRecords = method === "action" && (entry.form !== undefined || entry.json !== undefined);
  const namesNeighbour = paramNames(route.path).some((name) => name in world.mine.neighbour);
  return [...(differ || bodyNamesRecords ? (["own", "other"] as const) : (["none"] as const)), ...(namesNeighbour ? (["neighbour"] as const) : [])];
}

function urlOf(route: (typeof routes)[number], params: Record<string, string>): string {
  return route.path.replace(/:(\w+)/g, (_, name: string) => encodeURIComponent(params[name]!));
}

type Form = Record<string, string | string[] | undefined>;

async function requestFor(route: (typeof routes)[number], entry: Entry, method: Method, role: RoleName, whose: Target, form?: Form) {
  const target = tenantOf(whose);
  const params = paramsFor(route, entry, target);
  const url = new URL(urlOf(route, params), "http://localhost");
  const headers: Record<string, string> = { ...credentialsOf(world, role), "x-playpass-client-address": "203.0.113.99" };
  if (entry.endsSession && headers.Cookie) headers.Cookie = await freshCookie(role);
  if (method === "loader") return { request: new Request(url, { headers }), params };
  if (entry.json) {
    const body = JSON.stringify(entry.json(target));
    return { request: new Request(url, { method: "POST", headers: { ...headers, "Content-Type": "application/json", "Idempotency-Key": randomUUID() }, body }), params };
  }
  const body = new URLSearchParams();
  for (const [name, value] of Object.entries(form ?? entry.form?.(target) ?? {})) for (const one of [value ?? []].flat()) body.append(name, one);
  return { request: new Request(url, { method: "POST", headers: { ...headers, "Content-Type": "application/x-www-form-urlencoded" }, body: body.toString() }), params };
}

async function freshCookie(role: RoleName): Promise<string> {
  const userId = role === "admin" ? world.adminUserId : world.mine.users[role as keyof Tenant["users"]];
  return signIn(userId);
}

type DataWithInit = { type: "DataWithResponseInit"; data: unknown; init: ResponseInit | null };
const isDataWithInit = (value: unknown): value is DataWithInit =>
  typeof value === "object" && value !== null && (value as { type?: unknown }).type === "DataWithResponseInit";

/** What the caller got: a status, "signIn" for a redirect to the sign-in page, or "crash: ..." for an unexpected error. */
function answerOf(value: unknown): Outcome | string {
  if (value instanceof Response) {
    const location = value.headers.get("Location") ?? "";
    if (value.status >= 300 && value.status < 400 && location.startsWith("/login")) return "signIn";
    return value.status;
  }
  if (isDataWithInit(value)) return value.init?.status ?? 200;
  return 200;
}

type Answer = { answer: Outcome | string; body: string };

async function call({ route, entry, method, role, whose, form }: Case, handlerOverride?: Handler): Promise<Answer> {
  const handler = handlerOverride ?? (await modules[route.file]!())[method]!;
  const { request, params } = await requestFor(route, entry, method, role, whose, form);
  try {
    const value = await handler({ request, params, context: {} });
    return { answer: answerOf(value), body: await bodyOf(value) };
  } catch (thrown) {
    if (thrown instanceof Response || isDataWithInit(thrown)) return { answer: answerOf(thrown), body: await bodyOf(thrown) };
    return { answer: `crash: ${thrown instanceof Error ? thrown.message.split("\n")[0] : String(thrown)}`, body: "" };
  }
}

/** What the caller would read: a Response's text, or the data a page renders from. */
async function bodyOf(value: unknown): Promise<string> {
  if (value instanceof Response) return value.text().catch(() => "");
  const data = isDataWithInit(value) ? value.data : value;
  return JSON.stringify(data ?? null, (_key, v: unknown) => (typeof v === "bigint" ? v.toString() : v instanceof Uint8Array ? Buffer.from(v).toString("latin1") : v)) ?? "";
}

/** Words only the other tenant's records contain. Platform admins see every council by design, so they are not asked. */
function secretsOf(t: Tenant): string[] {
  return [t.programme.name, t.applicant.name, t.youngPerson.firstName, t.enrolee.firstName, t.child.firstName, t.application.firstName, t.youngPerson.passCode, t.booking.code];
}

/** Names the public pages show to everyone (the councils to apply to, live activities and who runs them), and no signed-in page of another tenant may. */
function catalogueOf(t: Tenant): string[] {
  return [t.council.name, t.provider.name, t.activity.title];
}

const REFUSALS = new Set<Outcome | string>([401, 403, 404, 405, "signIn"]);

function matches(expected: Expected, actual: Outcome | string): boolean {
  if (expected === "refused") return typeof actual === "number" && actual >= 400 && actual < 500;
  if (expected === "allow") return typeof actual === "number" && actual < 500 && !REFUSALS.has(actual);
  return expected === actual;
}

/** "refused": any 4xx, for a request whose form names another tenant's record inside the caller's own page. */
type Expected = Outcome | "refused";
type Case = { route: (typeof routes)[number]; entry: Entry; method: Method; role: RoleName; whose: Target; expected: Expected; form?: Form; label?: string };

function casesOf(route: (typeof routes)[number]): Case[] {
  const entry = expectations[route.id];
  if (!entry) return [];
  const cases: Case[] = [];
  for (const method of ["loader", "action"] as const) {
    const rule = entry[method];
    if (!rule) continue;
    for (const whose of whosesOf(route, entry, method)) {
      for (const role of ROLES) {
        // A role refused on its own tenant's record is refused before any lookup: asking again with another's adds nothing.
        const asked: Whose = whose === "neighbour" ? "other" : whose;
        if (asked === "other" && rule(role, "own") !== "allow" && rule(role, "own") === rule(role, "other")) continue;
        cases.push({ route, entry, method, role, whose, expected: rule(role, asked) });
      }
    }
    if (method === "action") {
      // The caller's own page, with another tenant's record slipped into the form.
      (entry.crossForms?.(world.mine, world.theirs) ?? []).forEach((form, i) => {
        for (const role of ROLES) if (rule(role, "own") === "allow") cases.push({ route, entry, method, role, whose: "own", expected: "refused", form, label: `cross form ${i + 1}` });
      });
    }
  }
  return cases;
}

const describeCase = (c: Case) => `${c.method === "loader" ? "GET" : "POST"} ${c.route.id} as ${c.role} (${c.label ?? c.whose})`;

/** What a request may write without changing anyone's records: book-keeping about the caller, not data. */
const BOOKKEEPING: Record<string, string[] | "all"> = {
  // Reading a session may note when it was last seen.
  Session: "all",
  // An API key notes when it was last used, whatever the request asked for.
  ApiKey: ["lastUsedAt"],
  // An Idempotency-Key keeps its first answer, a refusal included, so a retry gets the same one.
  ApiIdempotency: "all",
};

/** Every table's rows, hashed: a refused request that wrote anything shows up as a changed table. */
async function fingerprint(): Promise<Record<string, string>> {
  const tables = await getDb().$queryRaw<{ name: string }[]>`SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'`;
  const hashes = await Promise.all(
    tables
      .filter((t) => BOOKKEEPING[t.name] !== "all")
      .map(async (t) => {
        const ignored = ((BOOKKEEPING[t.name] as string[] | undefined) ?? []).map((c) => ` - '${c}'`).join("");
        const [row] = await getDb().$queryRawUnsafe<{ hash: string | null }[]>(
          `SELECT md5(string_agg((to_jsonb(t)${ignored})::text, '|' ORDER BY (to_jsonb(t)${ignored})::text)) AS hash FROM "${t.name}" t`,
        );
        return [t.name, row?.hash ?? "empty"] as const;
      }),
  );
  return Object.fromEntries(hashes);
}

/** Below the test database pool (20), so the calls never wait on each other for a connection. */
const REFUSED_AT_ONCE = 16;

async function inParallel<T>(items: T[], limit: number, work: (item: T) => Promise<void>) {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await work(items[next++]!);
  };
  await Promise.all(Array.from({ length: limit }, lane));
}

const refusedAnswers = new Map<string, Outcome | string>();
let before: Record<string, string>;
let after: Record<string, string>;

beforeAll(async () => {
  uploads = await mkdtemp(path.join(tmpdir(), "playpass-matrix-"));
  process.env.UPLOAD_DIR = uploads;
  process.env.RATE_LIMIT_MULTIPLIER = "100";
  resetEnvForTests();
  world = await createWorld();

  // First every request that must be refused, so nothing an allowed request does can hide what a refused one did.
  before = await fingerprint();
  const refused = routes.flatMap(casesOf).filter((c) => c.expected !== "allow");
  await inParallel(refused, REFUSED_AT_ONCE, async (c) => {
    refusedAnswers.set(describeCase(c), (await call(c)).answer);
  });
  after = await fingerprint();
}, 120_000);

afterAll(async () => {
  delete process.env.UPLOAD_DIR;
  delete process.env.RATE_LIMIT_MULTIPLIER;
  resetEnvForTests();
  await rm(uploads, { recursive: true, force: true });
});

describe("the access-control matrix", () => {
  it("reads the routes from the app's route manifest", () => {
    expect(routes.map((r) => r.id)).toEqual(expect.arrayContaining(["council.young-people.$youngPersonId", "provider.door", "api.v1.redemptions", "young._index"]));
    expect(routes.length).toBe(Object.keys(modules).length);
  });

  it("has an entry for every route, and for exactly the loaders and actions each route exports", async () => {
    const problems: string[] = [];
    for (const route of routes) {
      const entry = expectations[route.id];
      if (!entry) {
        problems.push(`${route.id} (${route.path}) has no entry in tests/security/access-matrix.expectations.ts: say who may reach it`);
        continue;
      }
      const module = await modules[route.file]!();
      for (const method of ["loader", "action"] as const) {
        if (module[method] && !entry[method]) problems.push(`${route.id} exports a ${method} but its entry has no ${method} rule`);
        if (!module[method] && entry[method]) problems.push(`${route.id} has a ${method} rule but exports no ${method}`);
      }
    }
    for (const id of Object.keys(expectations)) if (!routes.some((r) => r.id === id)) problems.push(`${id} has an entry but is not a route any more`);
    expect(problems).toEqual([]);
  });

  it("a refused request changes no record", async () => {
    expect(Object.keys(before).length, "tables fingerprinted").toBeGreaterThan(30);
    const changed = Object.keys(before).filter((table) => before[table] !== after[table]);
    expect(changed, "tables written by requests that were refused").toEqual([]);

    // The records the other tenant's attackers aimed at, as they were made.
    const theirs = world.theirs;
    const db = getDb();
    expect(await db.allocation.findUniqueOrThrow({ where: { id: theirs.enroleeAllocation.id }, select: { status: true } })).toEqual({ status: theirs.enroleeAllocation.status });
    expect(await db.passApplication.findUniqueOrThrow({ where: { id: theirs.application.id }, select: { status: true } })).toEqual({ status: theirs.application.status });
    expect(await db.dispute.findUniqueOrThrow({ where: { id: theirs.dispute.id }, select: { status: true } })).toEqual({ status: "OPEN" });
    expect(await db.programme.findUniqueOrThrow({ where: { id: theirs.programme.id }, select: { name: true } })).toEqual({ name: theirs.programme.name });
    expect(await db.activity.findUniqueOrThrow({ where: { id: theirs.activity.id }, select: { status: true } })).toEqual({ status: "LIVE" });
    expect(await db.slot.findUniqueOrThrow({ where: { id: theirs.slot.id }, select: { capacity: true } })).toEqual({ capacity: theirs.slot.capacity });
    expect(await db.slot.findUniqueOrThrow({ where: { id: theirs.freeSlot.id }, select: { booked: true } })).toEqual({ booked: 0 });
    expect(await db.venue.findUniqueOrThrow({ where: { id: theirs.venue.id }, select: { name: true } })).toEqual({ name: theirs.venue.name });
    expect(await db.providerCouncil.count({ where: { providerId: theirs.applicant.id, status: "APPLIED" } })).toBe(1);
    for (const booking of [theirs.booking, theirs.soonBooking, theirs.laterBooking]) {
      expect(await db.booking.findUniqueOrThrow({ where: { id: booking.id }, select: { status: true } })).toEqual({ status: "CONFIRMED" });
    }
    expect(await db.redemption.count({ where: { bookingId: { in: [theirs.booking.id, theirs.soonBooking.id] } } })).toBe(0);
  });

  it("would catch a page that reads a record by its URL id alone", async () => {
    // A careless version of the officer's young person page: signed in as an officer, but the lookup ignores the council.
    const careless: Handler = async ({ request, params }) => {
      const { requireOfficer } = await import("~/lib/auth.server");
      await requireOfficer(request);
      return getDb().youngPerson.findUniqueOrThrow({ where: { id: params.youngPersonId! }, select: { firstName: true } });
    };
    const route = routes.find((r) => r.id === "council.young-people.$youngPersonId")!;
    const entry = expectations[route.id]!;
    const attack: Case = { route, entry, method: "loader", role: "officer", whose: "other", expected: entry.loader!("officer", "other") };
    const reply = await call(attack, careless);
    expect(matches(attack.expected, reply.answer)).toBe(false);
    expect(reply.body).toContain(world.theirs.enrolee.firstName);
  });

  for (const route of routes) {
    it(`${route.id}: every role gets the expected answer`, async () => {
      const cases = casesOf(route);
      const allowed = cases.filter((c) => c.expected === "allow");
      const replies = await Promise.all(allowed.map((c) => call(c)));
      const wrong = [
        ...allowed.map((c, i) => [c, replies[i]!.answer] as const),
        ...cases.filter((c) => c.expected !== "allow").map((c) => [c, refusedAnswers.get(describeCase(c))!] as const),
      ]
        .filter(([c, actual]) => !matches(c.expected, actual))
        .map(([c, actual]) => `${describeCase(c)}: expected ${c.expected}, got ${actual}`);
      expect(wrong).toEqual([]);

      // The form an entry gives is one its rightful caller gets through with, so the refusals above were about who
      // asked. Two rightful callers send it at once, so one getting through is enough (the other may find it done).
      const ownActions = allowed.map((c, i) => [c, replies[i]!.answer] as const).filter(([c]) => c.method === "action" && c.whose === "own" && !c.form);
      const entry = expectations[route.id];
      if (ownActions.length > 0 && (entry?.form || entry?.json)) {
        const through = ownActions.some(([, answer]) => typeof answer === "number" && (answer < 400 || answer === entry.ownRefusal));
        expect(through, `no rightful caller got through with ${route.id}'s form: ${ownActions.map(([c, a]) => `${c.role} ${a}`).join(", ")}`).toBe(true);
      }

      // What an allowed caller reads never names another tenant's people, records or figures.
      const leaks = allowed
        .map((c, i) => [c, replies[i]!.body] as const)
        .filter(([c]) => c.role !== "admin")
        .flatMap(([c, body]) => {
          const secrets = c.entry[c.method] === open ? secretsOf(world.theirs) : [...secretsOf(world.theirs), ...catalogueOf(world.theirs)];
          return secrets.filter((secret) => body.includes(secret)).map((secret) => `${describeCase(c)} shows "${secret}"`);
        });
      expect(leaks).toEqual([]);
    });
  }
});
