// The JSON API and the Stripe webhook get what a broken or hostile client sends: bodies that are not JSON,
// JSON of the wrong shape, hostile strings where codes and references go, wrong content types, huge bodies,
// forged and re-signed webhooks. Each answer is a 4xx in the documented error shape; nothing is stored.
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import Stripe from "stripe";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { createApiKey } from "~/domain/providers/api-keys";
import { action as attendanceAction } from "~/routes/api.v1.attendance";
import { action as bookingsAction, loader as bookingsLoader } from "~/routes/api.v1.bookings";
import { action as redemptionsAction } from "~/routes/api.v1.redemptions";
import { action as webhookAction } from "~/routes/webhooks.stripe";
import { signedStripeWebhook, stripeEventFor } from "../mocks/stripe";
import { TEST_WEBHOOK_SECRET, useStripeKeys } from "../settlement/support";
import { createScene } from "../factories";
import { type Answer, callRoute, expectClearRefusal, expectDatabaseUnchanged, hostileString, snapshotDatabase, VERY_LONG } from "./fuzz-support";

useStripeKeys();

let apiToken: string;

beforeAll(async () => {
  const scene = await createScene();
  apiToken = (await createApiKey(getDb(), { providerId: scene.provider.id, name: "Fuzzed till", actorUserId: null })).token;
  // The key's lastUsedAt is written at most once a minute: written now, so the fuzzing below cannot move it.
  await bookingsLoader({ request: apiRequest("GET", "/api/v1/bookings?date=2026-01-01"), params: {}, context: {} });
});

function apiRequest(method: string, path: string, body?: BodyInit, headers: Record<string, string> = {}): Request {
  return new Request(new URL(path, "http://localhost"), {
    method,
    headers: { Authorization: `Bearer ${apiToken}`, "Content-Type": "application/json", "Idempotency-Key": randomUUID(), ...headers },
    body,
  });
}

/** The API's one error shape: { error: { code, message, fields? } }, with a readable message. */
function expectApiError(answer: Answer, what: string) {
  expectClearRefusal(answer, what);
  const error = (answer.body as { error?: { code?: unknown; message?: unknown } }).error;
  expect(error?.code, `${what}: ${JSON.stringify(answer.body).slice(0, 300)}`).toMatch(/^[A-Z_]+$/);
  expect(error?.message, what).toMatch(/^[A-Z0-9].*[.!?]$/s);
}

const NOT_JSON = ["", "{", '{"code": "ABCD-2345",}', "code=ABCD-2345", "null", "[]", '"ABCD-2345"', "1e999", "\u0000", '{"code": "\\ud800"}', "\ufeff{}"];

/** JSON values of every shape, and hostile strings in the places the API reads. */
const jsonOfAnyShape = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.record({ code: fc.oneof(hostileString, fc.jsonValue({ maxDepth: 1 })) }),
  fc.record(
    {
      reference: fc.oneof(hostileString, fc.jsonValue({ maxDepth: 1 })),
      lines: fc.oneof(
        fc.array(fc.record({ code: fc.oneof(hostileString, fc.integer()), attended: fc.oneof(fc.boolean(), hostileString, fc.constant(null)) }, { requiredKeys: [] }), { maxLength: 4 }),
        fc.jsonValue({ maxDepth: 1 }),
      ),
      extra: hostileString,
    },
    { requiredKeys: [] },
  ),
);

describe("the JSON API", () => {
  const posts = [
    { name: "/api/v1/redemptions", action: redemptionsAction },
    { name: "/api/v1/attendance", action: attendanceAction },
  ];

  it.each(posts)("$name refuses bodies that are not JSON, and the wrong content type, with INVALID_JSON and nothing stored", async ({ name, action }) => {
    const bodies: Array<[string, string]> = [...NOT_JSON.map((body) => ["application/json", body] as [string, string]), ["text/plain", "hello"], ["application/x-www-form-urlencoded", "code=ABCD-2345"]];
    for (const [type, body] of bodies) {
      const before = await snapshotDatabase();
      const answer = await callRoute(action, apiRequest("POST", name, body, { "Content-Type": type }));
      expectApiError(answer, `${name} with ${type} ${JSON.stringify(body).slice(0, 40)}`);
      await expectDatabaseUnchanged(before, `${name} with ${JSON.stringify(body).slice(0, 40)}`);
    }
  });

  it.each(posts)("$name answers JSON of any shape with a 4xx naming the field, and stores nothing", async ({ name, action }) => {
    await fc.assert(
      fc.asyncProperty(jsonOfAnyShape, async (value) => {
        const before = await snapshotDatabase();
        const answer = await callRoute(action, apiRequest("POST", name, JSON.stringify(value)));
        const what = `${name} with ${JSON.stringify(value).slice(0, 200)}`;
        expectApiError(answer, what);
        // A well-formed code nobody owns is a 404 the idempotency record remembers, as Stripe does; nothing else is stored.
        if (answer.status === 404) {
          const after = await snapshotDatabase();
          const changed = Object.keys(after).filter((table) => after[table] !== before[table]);
          expect(changed, what).toEqual(expect.arrayContaining(changed.filter((table) => table === "ApiIdempotency")));
          expect(changed.filter((table) => table !== "ApiIdempotency"), what).toEqual([]);
        } else {
          await expectDatabaseUnchanged(before, what);
        }
      }),
      { seed: 7_031, numRuns: 40, endOnFailure: true },
    );
  });

  it("names the line and field of each bad attendance line, and stores none of the report", async () => {
    const before = await snapshotDatabase();
    const attempts: Array<[unknown[], string[]]> = [
      [[{ code: "=HYPERLINK(\"http://evil.example\")", attended: true }, { code: "ABCD-2345", attended: true }, { code: VERY_LONG, attended: false }], ["lines.0.code", "lines.2.code"]],
      [[{ code: "ABCD-2345", attended: true }, { code: "ABCD-2346", attended: "yes" }, { code: "ABCD-2347" }], ["lines.1.attended", "lines.2.attended"]],
    ];
    for (const [lines, named] of attempts) {
      const answer = await callRoute(attendanceAction, apiRequest("POST", "/api/v1/attendance", JSON.stringify({ reference: "fuzz", lines })));
      expectApiError(answer, "attendance with bad lines");
      const fields = (answer.body as { error: { fields: Record<string, string[]> } }).error.fields;
      expect(Object.keys(fields).sort()).toEqual(named);
    }
    await expectDatabaseUnchanged(before, "attendance with bad lines");
  });

  it("refuses a reference with a NUL or a direction override, naming it, and stores nothing", async () => {
    for (const reference of ["week\u0000one", "\u202eevil"]) {
      const before = await snapshotDatabase();
      const answer = await callRoute(attendanceAction, apiRequest("POST", "/api/v1/attendance", JSON.stringify({ reference, lines: [{ code: "ABCD-2345", attended: true }] })));
      expectApiError(answer, `reference ${JSON.stringify(reference)}`);
      expect(Object.keys((answer.body as { error: { fields?: object } }).error.fields ?? {})).toContain("reference");
      await expectDatabaseUnchanged(before, `reference ${JSON.stringify(reference)}`);
    }
  });

  it("refuses a missing, empty or non-ASCII Idempotency-Key before reading the body", async () => {
    for (const key of ["", " ", "k\u00e9y", "x".repeat(256)]) {
      const before = await snapshotDatabase();
      const request = apiRequest("POST", "/api/v1/redemptions", JSON.stringify({ code: "ABCD-2345" }));
      if (key === "") request.headers.delete("Idempotency-Key");
      else request.headers.set("Idempotency-Key", key);
      expectApiError(await callRoute(redemptionsAction, request), `Idempotency-Key ${JSON.stringify(key)}`);
      await expectDatabaseUnchanged(before, `Idempotency-Key ${JSON.stringify(key)}`);
    }
  });

  it("answers a POST to the bookings list with 405, and a hostile date with a 400 naming it", async () => {
    expectApiError(await callRoute(bookingsAction, apiRequest("POST", "/api/v1/bookings", "{}")), "POST /api/v1/bookings");
    await fc.assert(
      fc.asyncProperty(hostileString, async (date) => {
        const answer = await callRoute(bookingsLoader, apiRequest("GET", `/api/v1/bookings?${new URLSearchParams({ date })}`));
        expectApiError(answer, `date ${JSON.stringify(date).slice(0, 80)}`);
        expect(Object.keys((answer.body as { error: { fields?: object } }).error.fields ?? {})).toContain("date");
      }),
      { seed: 7_032, numRuns: 30, endOnFailure: true },
    );
  });
});

describe("the Stripe webhook", () => {
  const post = (body: string, signature: string | null, contentType = "application/json") => {
    const headers: Record<string, string> = { "Content-Type": contentType };
    if (signature !== null) headers["Stripe-Signature"] = signature;
    return new Request("http://localhost/webhooks/stripe", { method: "POST", headers, body });
  };

  it("refuses unsigned, forged, re-signed and malformed deliveries with 400 and stores nothing", async () => {
    const event = stripeEventFor("account.updated", { id: "acct_fuzz", object: "account" });
    const { body, header } = signedStripeWebhook(event, TEST_WEBHOOK_SECRET);
    const forged = signedStripeWebhook(event, "whsec_not_ours").header;
    const attempts: Array<[string, Request]> = [
      ["no signature", post(body, null)],
      ["a forged signature", post(body, forged)],
      ["a garbage signature", post(body, "t=1,v1=zz")],
      ["a re-serialised body", post(JSON.stringify(JSON.parse(body), null, 2), header)],
      ["malformed JSON", post("{", header)],
      ["a form body", post("type=account.updated", header, "application/x-www-form-urlencoded")],
      ["a NUL", post("\u0000", header)],
      ["a huge body", post(VERY_LONG.repeat(6), header)],
    ];
    for (const [name, request] of attempts) {
      const before = await snapshotDatabase();
      const answer = await callRoute(webhookAction, request);
      expectClearRefusal(answer, `webhook with ${name}`);
      await expectDatabaseUnchanged(before, `webhook with ${name}`);
    }
  });

  /** Signs any raw body as Stripe would, so only the body's content is under test. */
  const signatureFor = (body: string) => new Stripe("sk_test_signing").webhooks.generateTestHeaderString({ payload: body, secret: TEST_WEBHOOK_SECRET });

  it("answers any correctly signed body (of any shape) with 200 or a 4xx, never a crash", async () => {
    const signedBody = fc.oneof(
      fc.jsonValue({ maxDepth: 3 }).map((value) => JSON.stringify(value)),
      fc.record({ id: fc.oneof(hostileString, fc.jsonValue({ maxDepth: 1 })), type: fc.oneof(hostileString, fc.constant("account.updated")), object: fc.constantFrom("event", "v2.core.event"), data: fc.oneof(fc.constant({ object: { id: "acct_x" } }), fc.jsonValue({ maxDepth: 2 })) }, { requiredKeys: ["object"] }).map((value) => JSON.stringify(value)),
    );
    await fc.assert(
      fc.asyncProperty(signedBody, async (body) => {
        const before = await snapshotDatabase();
        const answer = await callRoute(webhookAction, post(body, signatureFor(body)));
        const what = `signed webhook ${body.slice(0, 200)}`;
        expect(answer.status, what).toBeLessThan(500);
        if (answer.status >= 400) await expectDatabaseUnchanged(before, what);
      }),
      { seed: 7_033, numRuns: 40, endOnFailure: true },
    );
  });
});
