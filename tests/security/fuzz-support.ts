// Shared by the fuzz tests: what hostile input looks like, how an action's answer is read, and a
// checksum of every table so "the database is unchanged" is proven, not assumed.
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import type { ActionFunctionArgs } from "@remix-run/node";
import fc from "fast-check";
import { expect } from "vitest";
import { getDb } from "~/lib/db.server";
import { routeArgs } from "../support/actors";

// ---------------------------------------------------------------------------------------------
// The database, before and after

// Reading a page as a signed-in person moves the session's lastSeenAt on: only its row count counts.
const COUNT_ONLY_TABLES = new Set(["Session"]);

export type DatabaseSnapshot = Record<string, string>;

/**
 * Every table's row count and the newest row version in it (xmin, the id of the transaction that wrote it):
 * an insert or an update writes a newer version, a delete lowers the count, so any write shows. Cheaper than
 * hashing every row, which matters at hundreds of snapshots per file.
 */
export async function snapshotDatabase(): Promise<DatabaseSnapshot> {
  tableNames ??= (
    await getDb().$queryRaw<Array<{ name: string }>>`
      SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' AND tablename <> '_prisma_migrations' ORDER BY tablename`
  ).map((row) => row.name);
  const parts = tableNames.map((name) => {
    const ident = `"${name.replaceAll('"', '""')}"`;
    const literal = `'${name.replaceAll("'", "''")}'`;
    const newest = COUNT_ONLY_TABLES.has(name) ? "''" : "coalesce(max(t.xmin::text::bigint), 0)::text";
    return `SELECT ${literal} AS name, count(*)::text || ':' || ${newest} AS sum FROM ${ident} t`;
  });
  const rows = await getDb().$queryRawUnsafe<Array<{ name: string; sum: string }>>(parts.join(" UNION ALL "));
  return Object.fromEntries(rows.map((row) => [row.name, row.sum]));
}

let tableNames: string[] | undefined;

/** Names the tables whose rows changed, so a failure says where the half-written change is. */
export async function expectDatabaseUnchanged(before: DatabaseSnapshot, what: string) {
  const after = await snapshotDatabase();
  const changed = Object.keys({ ...before, ...after }).filter((table) => before[table] !== after[table]);
  expect(changed, `${what} changed these tables`).toEqual([]);
  return after;
}

// ---------------------------------------------------------------------------------------------
// Hostile values

const SQL = ["' OR '1'='1", "1; DROP TABLE \"Booking\"; --", "' UNION SELECT \"passCode\" FROM \"YoungPerson\" --", "\\'; SELECT pg_sleep(0); --"];
const HTML = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "javascript:alert(1)", "<svg/onload=alert(1)>"];
const FORMULAS = ["=HYPERLINK(\"http://evil.example\",\"x\")", "+cmd|' /C calc'!A0", "@SUM(1+1)", "-2+3"];
/** Money as people mistype it, and as attackers try it. None is a valid amount of pounds. */
export const BAD_MONEY = ["12.345", "-1", "-0.01", "1e9", "£5.00.00", "5£", "NaN", "Infinity", "0x10", "1,0,0", "99999999999999999999", "1 000 000 000", "", " ", "--5", "5..0", "1/2", "½"];
const WRONG_TYPES = ["true", "false", "null", "undefined", "[]", "{}", "[object Object]", "0", "-0", "1.5", "2147483648", "-2147483649", "9007199254740993"];
const ENCODINGS = ["caf\u00e9", "\u202eevil\u202c.pdf", "\u200b\u200d\ufeff", "\ud83d\ude00", "A\u0000B", "\u0000", "line\r\nbreak", "\ufffd\ufffd", "\u0007\u001b[31m"];

/** A string an attacker or a broken client might put in any field. */
export const hostileString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(...SQL, ...HTML, ...FORMULAS, ...BAD_MONEY, ...WRONG_TYPES, ...ENCODINGS),
  fc.string({ unit: "binary", maxLength: 40 }),
  fc.constantFrom(...SQL, ...HTML).map((payload) => payload.repeat(Math.ceil(100_000 / payload.length)).slice(0, 100_000)),
  fc.constantFrom(...SQL, ...HTML, ...ENCODINGS).chain((payload) => fc.string({ maxLength: 8 }).map((noise) => `${noise}${payload}${noise}`)),
);

export const VERY_LONG = "x".repeat(100_000);

// ---------------------------------------------------------------------------------------------
// Requests

export const ORIGIN = "http://localhost";

/** A form POST whose body is exactly these bytes (for invalid UTF-8 and other raw mischief). */
export function rawRequest(pathname: string, body: BodyInit, contentType: string | null, cookie?: string): Request {
  const headers: Record<string, string> = { Origin: ORIGIN };
  if (contentType) headers["Content-Type"] = contentType;
  if (cookie) headers.Cookie = cookie;
  return new Request(new URL(pathname, ORIGIN), { method: "POST", headers, body });
}

/** A form POST with these fields, each value as given (repeated names allowed). */
export function fieldsRequest(pathname: string, fields: Array<[string, string]>, cookie?: string): Request {
  return rawRequest(pathname, new URLSearchParams(fields).toString(), "application/x-www-form-urlencoded", cookie);
}

/** A multipart POST with these fields and files, as a browser builds it. */
export function multipartRequest(pathname: string, fields: Record<string, string | File>, cookie?: string): Request {
  const form = new FormData();
  for (const [name, value] of Object.entries(fields)) form.append(name, value);
  const headers: Record<string, string> = { Origin: ORIGIN };
  if (cookie) headers.Cookie = cookie;
  return new Request(new URL(pathname, ORIGIN), { method: "POST", headers, body: form });
}

/** The malformed bodies every page action gets: wrong content types and forms that cannot be parsed. */
export function malformedBodies(pathname: string, cookie?: string): Array<{ name: string; request: () => Request }> {
  return [
    { name: "a JSON body", request: () => rawRequest(pathname, JSON.stringify({ intent: "save", amount: -1 }), "application/json", cookie) },
    { name: "malformed JSON", request: () => rawRequest(pathname, '{"intent": "save", ', "application/json", cookie) },
    { name: "plain text", request: () => rawRequest(pathname, "intent=save", "text/plain", cookie) },
    { name: "no content type", request: () => rawRequest(pathname, "intent=save", null, cookie) },
    { name: "XML", request: () => rawRequest(pathname, "<intent>save</intent>", "application/xml", cookie) },
    { name: "multipart without a boundary", request: () => rawRequest(pathname, "--x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n1\r\n--x--", "multipart/form-data", cookie) },
    {
      name: "truncated multipart",
      request: () => rawRequest(pathname, '--bnd\r\nContent-Disposition: form-data; name="intent"\r\n\r\nsave', "multipart/form-data; boundary=bnd", cookie),
    },
    { name: "invalid UTF-8 bytes", request: () => rawRequest(pathname, new Uint8Array([0x69, 0x6e, 0x74, 0x65, 0x6e, 0x74, 0x3d, 0xff, 0xfe, 0xc3, 0x28]), "application/x-www-form-urlencoded", cookie) },
    { name: "a NUL in a field", request: () => rawRequest(pathname, "intent=save&name=A%00B&title=%00", "application/x-www-form-urlencoded", cookie) },
  ];
}

// ---------------------------------------------------------------------------------------------
// Answers

export type Answer = { status: number; body: unknown; location: string | null };

type DataWithInit = { type: "DataWithResponseInit"; data: unknown; init: ResponseInit | null };
const isDataWithInit = (value: unknown): value is DataWithInit =>
  typeof value === "object" && value !== null && (value as { type?: unknown }).type === "DataWithResponseInit";

async function answerOf(value: unknown): Promise<Answer> {
  if (value instanceof Response) {
    const text = await value.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      // Not JSON: the text itself is the answer.
    }
    return { status: value.status, body, location: value.headers.get("Location") };
  }
  if (isDataWithInit(value)) return { status: value.init?.status ?? 200, body: value.data, location: null };
  return { status: 200, body: value, location: null };
}

/**
 * Calls a loader or action and reads what it returned or threw as an HTTP answer. A crash (anything
 * thrown that is not a Response or data()) becomes a 500 carrying the error, as Remix would answer.
 */
export async function callRoute(handler: (args: ActionFunctionArgs) => unknown, request: Request, params: Record<string, string> = {}): Promise<Answer> {
  try {
    return await answerOf(await handler(routeArgs(request, params)));
  } catch (thrown) {
    if (thrown instanceof Response || isDataWithInit(thrown)) return answerOf(thrown);
    return { status: 500, body: thrown, location: null };
  }
}

function stringsIn(value: unknown, depth = 0): string[] {
  if (depth > 6 || value === null || value === undefined) return [];
  if (typeof value === "string") return [value];
  if (Array.isArray(value)) return value.flatMap((item) => stringsIn(item, depth + 1));
  if (typeof value === "object") return Object.values(value as Record<string, unknown>).flatMap((item) => stringsIn(item, depth + 1));
  return [];
}

/** True when the answer carries an error the person can read: a message, or field errors, under any error-like key. */
function hasErrorMessage(body: unknown, depth = 0): boolean {
  if (typeof body === "string") return /[A-Za-z]{3,}/.test(body);
  if (depth > 4 || typeof body !== "object" || body === null) return false;
  return Object.entries(body as Record<string, unknown>).some(([key, value]) =>
    /error|message|problem/i.test(key) ? stringsIn(value).some((text) => /[A-Za-z]{3,}/.test(text)) : hasErrorMessage(value, depth + 1),
  );
}

function describeAnswer(answer: Answer): string {
  if (answer.body instanceof Error) return `${answer.status} ${answer.body.stack ?? answer.body.message}`;
  let body: string;
  try {
    body = JSON.stringify(answer.body, (_k, v: unknown) => (typeof v === "bigint" ? v.toString() : v));
  } catch {
    body = String(answer.body);
  }
  return `${answer.status} ${answer.location ?? ""} ${body?.slice(0, 600)}`;
}

/** A clear refusal: a 4xx with a readable message and no stack trace or internal error text in it. */
export function expectClearRefusal(answer: Answer, what: string) {
  const described = describeAnswer(answer);
  expect(answer.status, `${what}: expected a 4xx refusal, got ${described}`).toBeGreaterThanOrEqual(400);
  expect(answer.status, `${what}: expected a 4xx refusal, got ${described}`).toBeLessThan(500);
  expect(hasErrorMessage(answer.body), `${what}: the refusal should say what is wrong, got ${described}`).toBe(true);
  expectNoInternals(answer, what);
}

/** Never a crash, never a stack trace or a database error in what the person sees. */
export function expectNoInternals(answer: Answer, what: string) {
  const described = describeAnswer(answer);
  expect(answer.status, `${what}: crashed with ${described}`).toBeLessThan(500);
  const text = stringsIn(answer.body).join("\n");
  expect(text, `${what}: internals leaked in ${described}`).not.toMatch(/\n\s+at \S+ \(|TypeError|ReferenceError|PrismaClient|Invalid `prisma|invalid input syntax|violates .* constraint|node_modules/);
}

// ---------------------------------------------------------------------------------------------
// Which routes have actions

/** Route files machines post to (an API key or a Stripe signature, JSON bodies): fuzzed in fuzz-machine.test.ts. */
export const MACHINE_ROUTES = ["api.v1.attendance.ts", "api.v1.bookings.ts", "api.v1.redemptions.ts", "webhooks.stripe.ts"];

const ROUTES_DIR = path.resolve(__dirname, "../../app/routes");

/** Route files (by name under app/routes) that export an action, read from the source like the route manifest is. */
export function routeFilesWithActions(): string[] {
  return readdirSync(ROUTES_DIR)
    .filter((file) => /\.(tsx?|jsx?)$/.test(file) && !/\.server\.|\.test\./.test(file))
    .filter((file) => /export\s+(async\s+)?function\s+action\b|export\s+const\s+action\b|export\s*\{[^}]*\baction\b/.test(readFileSync(path.join(ROUTES_DIR, file), "utf8")))
    .sort();
}

/** Every field name a form or schema in the app uses, so each action is fuzzed with the fields it reads and more. */
export function formFieldNames(): string[] {
  const names = new Set<string>(["intent"]);
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== "generated") walk(full);
        continue;
      }
      if (!/\.(tsx?)$/.test(entry.name)) continue;
      const source = readFileSync(full, "utf8");
      for (const match of source.matchAll(/\bname="([A-Za-z][\w.[\]]*)"/g)) names.add(match[1]!);
      for (const match of source.matchAll(/^\s*([A-Za-z]\w*): z\./gm)) names.add(match[1]!);
    }
  };
  walk(path.resolve(__dirname, "../../app"));
  return [...names].sort();
}

/** The intents a route's forms send, read from its source (`value="..."` next to name="intent", z.literal). */
export function intentsOf(routeFile: string): string[] {
  const source = readFileSync(path.join(ROUTES_DIR, routeFile), "utf8");
  const intents = new Set<string>();
  for (const match of source.matchAll(/name="intent"\s+value="([\w-]+)"/g)) intents.add(match[1]!);
  for (const match of source.matchAll(/intent:\s*z\.literal\("([\w-]+)"\)/g)) intents.add(match[1]!);
  for (const match of source.matchAll(/intent === "([\w-]+)"/g)) intents.add(match[1]!);
  return [...intents].sort();
}
