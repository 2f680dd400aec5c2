// The providers' JSON API used as a leisure-management system uses it: a key made in the portal, a day's
// bookings fetched, codes redeemed at its own tills, attendance sent at night, retries after timeouts.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { consume, LIMITS } from "~/lib/rate-limit.server";
import { createApiKey, revokeApiKey } from "~/domain/providers/api-keys";
import { processAttendanceReport } from "~/domain/reconciliation";
import { loader as bookingsLoader } from "~/routes/api.v1.bookings";
import { action as redeemAction, loader as redeemLoader } from "~/routes/api.v1.redemptions";
import { action as attendanceAction } from "~/routes/api.v1.attendance";
import { loader as reportLoader } from "~/routes/api.v1.attendance_.$reportId";
import { expectLedgerOk, payableBalance } from "../helpers";
import { useWorkerTestEnvironment } from "../support/workers";
import { otherProvidersBooking, pastSession } from "../reconciliation/fixtures";

useWorkerTestEnvironment();
const db = () => getDb();
const HOUR = 60 * 60_000;

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A session that is on now (so codes can be redeemed), with bookings, and an API key for its provider. */
async function system(count = 2) {
  const scene = await pastSession(count, { endedAgo: -HOUR / 2 }); // started 30 minutes ago, ends in 30
  const key = await createApiKey(db(), { providerId: scene.provider.id, name: "LeisureHub", actorUserId: null });
  return { ...scene, key };
}

function call(method: "GET" | "POST", path: string, options: { key?: string; body?: unknown; rawBody?: string; idempotencyKey?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.key) headers.Authorization = `Bearer ${options.key}`;
  if (options.idempotencyKey) headers["Idempotency-Key"] = options.idempotencyKey;
  if (method === "POST") headers["Content-Type"] = "application/json";
  const body = method === "POST" ? (options.rawBody ?? JSON.stringify(options.body)) : undefined;
  return new Request(new URL(path, "http://localhost"), { method, headers, body });
}

async function answer(response: Response | Promise<Response>) {
  const r = await response;
  expect(r.headers.get("content-type")).toMatch(/^application\/json/);
  return { status: r.status, body: (await r.json()) as Json, headers: r.headers };
}

const args = (request: Request, params: Record<string, string> = {}) => ({ request, params, context: {} });
const redeem = (key: string, code: string, idempotencyKey: string = randomUUID()) => answer(redeemAction(args(call("POST", "/api/v1/redemptions", { key, body: { code }, idempotencyKey }))));
const londonDay = (at: Date) => at.toLocaleDateString("en-CA", { timeZone: "Europe/London" });

describe("authentication", () => {
  it("refuses a request with no key, a malformed key, a wrong secret or another provider's revoked key with the same 401", async () => {
    const s = await system(1);
    const wrongSecret = s.key.token.replace(/_[^_]+$/, `_${"A".repeat(43)}`);
    for (const key of [undefined, "not-a-key", wrongSecret]) {
      const r = await answer(bookingsLoader(args(call("GET", "/api/v1/bookings?date=2026-11-23", { key }))));
      expect(r.status).toBe(401);
      expect(r.body.error.code).toBe("UNAUTHORISED");
      expect(r.headers.get("www-authenticate")).toMatch(/^Bearer/);
    }
  });

  it("refuses a key once it is revoked, at once", async () => {
    const s = await system(1);
    expect((await redeem(s.key.token, s.people[0]!.booking.code)).status).toBe(201);
    await revokeApiKey(db(), { providerId: s.provider.id, keyId: s.key.id, actorUserId: null });
    const r = await answer(bookingsLoader(args(call("GET", `/api/v1/bookings?date=${londonDay(s.slot.startsAt)}`, { key: s.key.token }))));
    expect(r).toMatchObject({ status: 401, body: { error: { code: "UNAUTHORISED", message: expect.stringMatching(/revoked/) } } });
  });

  it("stores only a hash of the key, and records when it was last used", async () => {
    const s = await system(1);
    const stored = await db().apiKey.findUniqueOrThrow({ where: { id: s.key.id } });
    expect(s.key.token).toMatch(new RegExp(`^pp_live_${stored.prefix}_`));
    expect(JSON.stringify(stored)).not.toContain(s.key.token.split("_").at(-1)!);
    expect(stored.lastUsedAt).toBeNull();
    await answer(bookingsLoader(args(call("GET", `/api/v1/bookings?date=${londonDay(s.slot.startsAt)}`, { key: s.key.token }))));
    expect((await db().apiKey.findUniqueOrThrow({ where: { id: s.key.id } })).lastUsedAt).toBeInstanceOf(Date);
  });

  it("answers 429 with Retry-After once a key has used its rate limit", async () => {
    const s = await system(1);
    for (let i = 0; i < LIMITS.apiPerKey.points; i++) await consume([["apiPerKey", s.key.id]]);
    const r = await answer(bookingsLoader(args(call("GET", `/api/v1/bookings?date=${londonDay(s.slot.startsAt)}`, { key: s.key.token }))));
    expect(r.status).toBe(429);
    expect(r.body.error.code).toBe("TOO_MANY_REQUESTS");
    expect(Number(r.headers.get("retry-after"))).toBeGreaterThan(0);
  });
});

describe("GET /api/v1/bookings", () => {
  it("lists the provider's bookings that day with first name and initial, and nobody else's", async () => {
    const s = await system(2);
    const other = await otherProvidersBooking(s);
    const r = await answer(bookingsLoader(args(call("GET", `/api/v1/bookings?date=${londonDay(s.slot.startsAt)}`, { key: s.key.token }))));
    expect(r.status).toBe(200);
    const codes = r.body.bookings.map((b: Json) => b.code);
    expect(codes.sort()).toEqual(s.people.map((p) => p.booking.code).sort());
    expect(codes).not.toContain(other.booking.code);
    expect(r.body.bookings[0]).toEqual({
      code: expect.any(String),
      status: "CONFIRMED",
      pricePence: 500,
      name: expect.stringMatching(/^\S+ [A-Z]\.$/),
      activity: { id: s.activity.id, title: s.activity.title },
      slot: { id: s.slot.id, startsAt: s.slot.startsAt.toISOString(), endsAt: s.slot.endsAt.toISOString(), cancelled: false },
      redeemedAt: null,
      redeemedBy: null,
    });
  });

  it("explains a missing or impossible date", async () => {
    const s = await system(1);
    for (const query of ["", "?date=23/11/2026", "?date=2026-02-30"]) {
      const r = await answer(bookingsLoader(args(call("GET", `/api/v1/bookings${query}`, { key: s.key.token }))));
      expect(r.status).toBe(400);
      expect(r.body.error).toMatchObject({ code: "INVALID_INPUT", fields: { date: [expect.any(String)] } });
    }
  });
});

describe("POST /api/v1/redemptions", () => {
  it("redeems a code once: the provider earns it and the ledger balances", async () => {
    const s = await system(1);
    const r = await redeem(s.key.token, s.people[0]!.booking.code.toLowerCase().replace("-", " "));
    expect(r.status).toBe(201);
    expect(r.body.redemption).toMatchObject({ outcome: "REDEEMED", redeemedBy: "API: LeisureHub", activity: s.activity.title });
    expect(await payableBalance(s.council.id, s.provider.id)).toBe(500);
    await expectLedgerOk(s.council.id);
  });

  it("replays the stored answer for a retried request with the same Idempotency-Key", async () => {
    const s = await system(1);
    const key = randomUUID();
    const first = await redeem(s.key.token, s.people[0]!.booking.code, key);
    const retry = await redeem(s.key.token, s.people[0]!.booking.code, key);
    expect(retry.status).toBe(first.status);
    expect(retry.body).toEqual(first.body);
    expect(retry.headers.get("idempotent-replayed")).toBe("true");
    expect(await db().redemption.count({ where: { bookingId: s.people[0]!.booking.id } })).toBe(1);
    expect(await payableBalance(s.council.id, s.provider.id)).toBe(500);
  });

  it("answers a second scan under a new key with when and by whom it was redeemed", async () => {
    const s = await system(1);
    await redeem(s.key.token, s.people[0]!.booking.code);
    const again = await redeem(s.key.token, s.people[0]!.booking.code);
    expect(again).toMatchObject({ status: 200, body: { redemption: { outcome: "ALREADY_REDEEMED", redeemedBy: "API: LeisureHub" } } });
  });

  it("refuses a different body under a key already used, with 409, and does nothing", async () => {
    const s = await system(2);
    const key = randomUUID();
    await redeem(s.key.token, s.people[0]!.booking.code, key);
    const reused = await redeem(s.key.token, s.people[1]!.booking.code, key);
    expect(reused).toMatchObject({ status: 409, body: { error: { code: "IDEMPOTENCY_CONFLICT" } } });
    expect((await db().booking.findUniqueOrThrow({ where: { id: s.people[1]!.booking.id } })).status).toBe("CONFIRMED");
  });

  it("gives two providers' systems their own idempotency keys", async () => {
    const a = await system(1);
    const b = await system(1);
    const key = "till-0001";
    expect((await redeem(a.key.token, a.people[0]!.booking.code, key)).status).toBe(201);
    expect((await redeem(b.key.token, b.people[0]!.booking.code, key)).status).toBe(201);
  });

  it("answers another provider's code exactly as it answers a code that does not exist", async () => {
    const s = await system(1);
    const other = await otherProvidersBooking(s);
    const theirs = await redeem(s.key.token, other.booking.code);
    const nobodys = await redeem(s.key.token, "ZZZZ-ZZZZ");
    expect(theirs).toMatchObject({ status: 404, body: { error: { code: "UNKNOWN_CODE" } } });
    expect(theirs.body).toEqual(nobodys.body);
    expect((await db().booking.findUniqueOrThrow({ where: { id: other.booking.id } })).status).toBe("CONFIRMED");
  });

  it("explains a bad payload field by field, stores nothing, and lets the corrected request use the same key", async () => {
    const s = await system(1);
    const key = randomUUID();
    const bad = await answer(redeemAction(args(call("POST", "/api/v1/redemptions", { key: s.key.token, body: { code: "12", extra: 1 }, idempotencyKey: key }))));
    expect(bad.status).toBe(400);
    expect(bad.body.error.code).toBe("INVALID_INPUT");
    expect(Object.keys(bad.body.error.fields).sort()).toEqual(["body", "code"]);
    const notJson = await answer(redeemAction(args(call("POST", "/api/v1/redemptions", { key: s.key.token, rawBody: "{code:", idempotencyKey: key }))));
    expect(notJson).toMatchObject({ status: 400, body: { error: { code: "INVALID_JSON" } } });
    expect((await redeem(s.key.token, s.people[0]!.booking.code, key)).status).toBe(201);
  });

  it("needs an Idempotency-Key, and only takes POST", async () => {
    const s = await system(1);
    const r = await answer(redeemAction(args(call("POST", "/api/v1/redemptions", { key: s.key.token, body: { code: s.people[0]!.booking.code } }))));
    expect(r).toMatchObject({ status: 400, body: { error: { code: "IDEMPOTENCY_KEY_REQUIRED" } } });
    const get = await redeemLoader(args(call("GET", "/api/v1/redemptions", { key: s.key.token })));
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
  });

  it("redeems once when the same request arrives twice at the same moment", async () => {
    const s = await system(1);
    const key = randomUUID();
    const [a, b] = await Promise.all([redeem(s.key.token, s.people[0]!.booking.code, key), redeem(s.key.token, s.people[0]!.booking.code, key)]);
    expect([a.status, b.status].sort()).toEqual(a.status === 409 || b.status === 409 ? [201, 409] : [201, 201]);
    expect(await db().redemption.count({ where: { bookingId: s.people[0]!.booking.id } })).toBe(1);
    await expectLedgerOk(s.council.id);
  });
});

describe("POST /api/v1/attendance", () => {
  it("takes a night's attendance, which the worker matches into disputes the system can read back", async () => {
    const s = await system(2);
    const [came, missed] = s.people;
    await redeem(s.key.token, missed!.booking.code); // redeemed at the till, but the register says absent
    const body = { reference: "register-2026-11-23", lines: [{ code: came!.booking.code, attended: true }, { code: missed!.booking.code, attended: false }] };
    const r = await answer(attendanceAction(args(call("POST", "/api/v1/attendance", { key: s.key.token, body, idempotencyKey: randomUUID() }))));
    expect(r.status).toBe(202);
    expect(r.body.report).toMatchObject({ reference: "register-2026-11-23", lines: 2, status: "RECEIVED" });

    await processAttendanceReport(db(), { reportId: r.body.report.id });
    const status = await answer(reportLoader(args(call("GET", r.body.report.statusUrl, { key: s.key.token }), { reportId: r.body.report.id })));
    expect(status.body.report).toMatchObject({ status: "PROCESSED", lines: 2 });
    expect(status.body.report.disputes.map((d: Json) => d.kind).sort()).toEqual(["PRESENT_NOT_REDEEMED", "REDEEMED_REPORTED_ABSENT"]);
  });

  it("names each bad line in fields and stores nothing", async () => {
    const s = await system(1);
    const code = s.people[0]!.booking.code;
    const body = { lines: [{ code, attended: true }, { code: "nope!", attended: true }, { code, attended: false }, { code, attended: "yes" }] };
    const r = await answer(attendanceAction(args(call("POST", "/api/v1/attendance", { key: s.key.token, body, idempotencyKey: randomUUID() }))));
    expect(r.status).toBe(400);
    expect(Object.keys(r.body.error.fields)).toEqual(["lines.3.attended"]);
    const fixedTypes = { lines: body.lines.slice(0, 3) };
    const r2 = await answer(attendanceAction(args(call("POST", "/api/v1/attendance", { key: s.key.token, body: fixedTypes, idempotencyKey: randomUUID() }))));
    expect(r2.body.error.fields).toEqual({ "lines.1.code": [expect.stringMatching(/not a booking code/)], "lines.2.code": [expect.stringMatching(/already on line 1/)] });
    expect(await db().attendanceReport.count({ where: { providerId: s.provider.id } })).toBe(0);
  });

  it("does not show one provider's report to another's key", async () => {
    const a = await system(1);
    const b = await system(1);
    const r = await answer(attendanceAction(args(call("POST", "/api/v1/attendance", { key: a.key.token, body: { lines: [{ code: a.people[0]!.booking.code, attended: true }] }, idempotencyKey: randomUUID() }))));
    const peek = await answer(reportLoader(args(call("GET", `/api/v1/attendance/${r.body.report.id}`, { key: b.key.token }), { reportId: r.body.report.id })));
    expect(peek).toMatchObject({ status: 404, body: { error: { code: "NOT_FOUND" } } });
  });
});
