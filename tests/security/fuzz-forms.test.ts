// Every page action gets bodies that are not forms, forms that cannot be parsed, and forms full of hostile
// values (injection strings, bad money, wrong types, 100k characters, control and direction characters).
// Each answer is a 4xx that says what is wrong, or a success; never a crash, and a refusal changes nothing.
import { readFileSync } from "node:fs";
import path from "node:path";
import type { ActionFunctionArgs } from "@remix-run/node";
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { createMember, createUser, signIn } from "../support/actors";
import { createTenant, type Tenant } from "./world";
import {
  callRoute,
  expectClearRefusal,
  expectDatabaseUnchanged,
  expectNoInternals,
  fieldsRequest,
  formFieldNames,
  hostileString,
  intentsOf,
  malformedBodies,
  routeFilesWithActions,
  MACHINE_ROUTES,
  snapshotDatabase,
} from "./fuzz-support";

type Who = "anonymous" | "youngPerson" | "awaitingConsent" | "doorStaff" | "manager" | "officer" | "finance" | "admin";
type Action = (args: ActionFunctionArgs) => unknown;
type PageCase = { who: Who; path: (t: Tenant) => string; params?: (t: Tenant) => Record<string, string>; load: () => Promise<{ action: Action }> };

/** Every route file with an action that a browser posts to, with who posts and where. Machine routes are fuzzed in fuzz-machine.test.ts. */
const PAGE_CASES: Record<string, PageCase> = {
  "_index.tsx": { who: "youngPerson", path: () => "/", load: () => import("~/routes/_index") },
  "activate._index.tsx": { who: "anonymous", path: () => "/activate", load: () => import("~/routes/activate._index") },
  "activate.guardian.tsx": { who: "awaitingConsent", path: () => "/activate/guardian", load: () => import("~/routes/activate.guardian") },
  "activate.verify.tsx": { who: "anonymous", path: () => "/activate/verify", load: () => import("~/routes/activate.verify") },
  "activities.$activityId.tsx": {
    who: "youngPerson",
    path: (t) => `/activities/${t.activity.id}`,
    params: (t) => ({ activityId: t.activity.id }),
    load: () => import("~/routes/activities.$activityId"),
  },
  "admin.queues.tsx": { who: "admin", path: () => "/admin/queues", load: () => import("~/routes/admin.queues") },
  "apply-for-a-pass.tsx": { who: "anonymous", path: () => "/apply-for-a-pass", load: () => import("~/routes/apply-for-a-pass") },
  "consent.$token.tsx": { who: "anonymous", path: () => "/consent/abc", params: () => ({ token: "abc" }), load: () => import("~/routes/consent.$token") },
  "council._index.tsx": { who: "officer", path: () => "/council", load: () => import("~/routes/council._index") },
  "council.applications.$applicationId._index.tsx": {
    who: "officer",
    path: (t) => `/council/applications/${t.application.id}`,
    params: (t) => ({ applicationId: t.application.id }),
    load: () => import("~/routes/council.applications.$applicationId._index"),
  },
  "council.disputes.$disputeId.tsx": {
    who: "officer",
    path: (t) => `/council/disputes/${t.dispute.id}`,
    params: (t) => ({ disputeId: t.dispute.id }),
    load: () => import("~/routes/council.disputes.$disputeId"),
  },
  "council.letters.tsx": { who: "officer", path: () => "/council/letters", load: () => import("~/routes/council.letters") },
  "council.letters_.pdf.ts": { who: "officer", path: () => "/council/letters.pdf", load: () => import("~/routes/council.letters_.pdf") },
  "council.payouts._index.tsx": { who: "finance", path: () => "/council/payouts", load: () => import("~/routes/council.payouts._index") },
  "council.payouts.$runId._index.tsx": {
    who: "finance",
    path: (t) => `/council/payouts/${t.run.id}`,
    params: (t) => ({ runId: t.run.id }),
    load: () => import("~/routes/council.payouts.$runId._index"),
  },
  "council.programmes.$programmeId._index.tsx": {
    who: "officer",
    path: (t) => `/council/programmes/${t.programme.id}`,
    params: (t) => ({ programmeId: t.programme.id }),
    load: () => import("~/routes/council.programmes.$programmeId._index"),
  },
  "council.programmes.$programmeId.edit.tsx": {
    who: "officer",
    path: (t) => `/council/programmes/${t.programme.id}/edit`,
    params: (t) => ({ programmeId: t.programme.id }),
    load: () => import("~/routes/council.programmes.$programmeId.edit"),
  },
  "council.programmes.new.tsx": { who: "officer", path: () => "/council/programmes/new", load: () => import("~/routes/council.programmes.new") },
  "council.providers.$providerId.tsx": {
    who: "officer",
    path: (t) => `/council/providers/${t.applicant.id}`,
    params: (t) => ({ providerId: t.applicant.id }),
    load: () => import("~/routes/council.providers.$providerId"),
  },
  "council.young-people.$youngPersonId.tsx": {
    who: "officer",
    path: (t) => `/council/young-people/${t.enrolee.id}`,
    params: (t) => ({ youngPersonId: t.enrolee.id }),
    load: () => import("~/routes/council.young-people.$youngPersonId"),
  },
  "council.young-people.import.tsx": { who: "officer", path: () => "/council/young-people/import", load: () => import("~/routes/council.young-people.import") },
  "council.young-people.new.tsx": { who: "officer", path: () => "/council/young-people/new", load: () => import("~/routes/council.young-people.new") },
  "council.young-people.top-up.tsx": { who: "officer", path: () => "/council/young-people/top-up", load: () => import("~/routes/council.young-people.top-up") },
  "invitations.$token.tsx": { who: "anonymous", path: () => "/invitations/abc", params: () => ({ token: "abc" }), load: () => import("~/routes/invitations.$token") },
  "login._index.tsx": { who: "anonymous", path: () => "/login", load: () => import("~/routes/login._index") },
  "login.verify.tsx": { who: "anonymous", path: () => "/login/verify", load: () => import("~/routes/login.verify") },
  "logout.tsx": { who: "youngPerson", path: () => "/logout", load: () => import("~/routes/logout") },
  "provider.activities.$id._index.tsx": {
    who: "manager",
    path: (t) => `/provider/activities/${t.activity.id}`,
    params: (t) => ({ id: t.activity.id }),
    load: () => import("~/routes/provider.activities.$id._index"),
  },
  "provider.activities.$id.slots.tsx": {
    who: "manager",
    path: (t) => `/provider/activities/${t.activity.id}/slots`,
    params: (t) => ({ id: t.activity.id }),
    load: () => import("~/routes/provider.activities.$id.slots"),
  },
  "provider.api-keys.tsx": { who: "manager", path: () => "/provider/api-keys", load: () => import("~/routes/provider.api-keys") },
  "provider.attendance._index.tsx": { who: "manager", path: () => "/provider/attendance", load: () => import("~/routes/provider.attendance._index") },
  "provider.bookings.$slotId.tsx": {
    who: "manager",
    path: (t) => `/provider/bookings/${t.slot.id}`,
    params: (t) => ({ slotId: t.slot.id }),
    load: () => import("~/routes/provider.bookings.$slotId"),
  },
  "provider.bookings._index.tsx": { who: "manager", path: () => "/provider/bookings", load: () => import("~/routes/provider.bookings._index") },
  "provider.door.tsx": { who: "doorStaff", path: () => "/provider/door", load: () => import("~/routes/provider.door") },
  "provider.payments._index.tsx": { who: "manager", path: () => "/provider/payments", load: () => import("~/routes/provider.payments._index") },
  "provider.team.tsx": { who: "manager", path: () => "/provider/team", load: () => import("~/routes/provider.team") },
  "provider.venues.$venueId.tsx": {
    who: "manager",
    path: (t) => `/provider/venues/${t.venue.id}`,
    params: (t) => ({ venueId: t.venue.id }),
    load: () => import("~/routes/provider.venues.$venueId"),
  },
  "providers.apply._index.tsx": { who: "anonymous", path: () => "/providers/apply", load: () => import("~/routes/providers.apply._index") },
  "young._index.tsx": { who: "youngPerson", path: () => "/young", load: () => import("~/routes/young._index") },
  "young.bookings.$bookingId.rate.tsx": {
    who: "youngPerson",
    path: (t) => `/young/bookings/${t.booking.id}/rate`,
    params: (t) => ({ bookingId: t.booking.id }),
    load: () => import("~/routes/young.bookings.$bookingId.rate"),
  },
  "young.bookings._index.tsx": { who: "youngPerson", path: () => "/young/bookings", load: () => import("~/routes/young.bookings._index") },
  "young.favourites.tsx": { who: "youngPerson", path: () => "/young/favourites", load: () => import("~/routes/young.favourites") },
  "young.suggest.tsx": { who: "youngPerson", path: () => "/young/suggest", load: () => import("~/routes/young.suggest") },
};

let tenant: Tenant;
let adminCookie: string;
let awaitingConsentCookie: string;
const ALL_FIELDS = formFieldNames();

beforeAll(async () => {
  tenant = await createTenant("Fuzz");
  const admin = await createUser({ displayName: "Fuzz Admin" });
  await getDb().user.update({ where: { id: admin.id }, data: { isPlatformAdmin: true } });
  adminCookie = await signIn(admin.id);
  // An under-13 who has activated and still needs a guardian's yes: the only one the guardian form is for.
  const child = await createMember("YOUNG_PERSON", { youngPersonId: tenant.child.id });
  await getDb().youngPerson.update({ where: { id: tenant.child.id }, data: { status: "AWAITING_CONSENT" } });
  awaitingConsentCookie = await signIn(child.id);
}, 60_000);

function cookieOf(who: Who): string | undefined {
  if (who === "anonymous") return undefined;
  if (who === "admin") return adminCookie;
  if (who === "awaitingConsent") return awaitingConsentCookie;
  // Signing out kills the session: the logout case signs in afresh each time.
  return tenant.cookies[who];
}

async function freshCookie(who: Who): Promise<string | undefined> {
  if (who !== "youngPerson") return cookieOf(who);
  return signIn(tenant.users.youngPerson);
}

/** The field names a route's own source mentions (its forms and schemas), so the fuzz reaches what it reads. */
function ownFields(routeFile: string): string[] {
  const source = readFileSync(path.resolve(__dirname, "../../app/routes", routeFile), "utf8");
  const names = new Set<string>();
  for (const match of source.matchAll(/\bname="([A-Za-z][\w.[\]]*)"/g)) names.add(match[1]!);
  for (const match of source.matchAll(/^\s*([A-Za-z]\w*): z\./gm)) names.add(match[1]!);
  for (const match of source.matchAll(/fields\.(\w+)\./g)) names.add(match[1]!);
  for (const match of source.matchAll(/\.get\("([\w.[\]]+)"\)/g)) names.add(match[1]!);
  return [...names].filter((name) => ALL_FIELDS.includes(name) || name.length > 0).sort();
}

describe("every route action is fuzzed", () => {
  it("has a fuzz case for every route file that exports an action", () => {
    const covered = [...Object.keys(PAGE_CASES), ...MACHINE_ROUTES].sort();
    expect(covered).toEqual(routeFilesWithActions());
  });
});

describe.each(Object.entries(PAGE_CASES))("%s", (routeFile, routeCase) => {
  it("refuses bodies that are not forms, or cannot be read, with a 4xx that says so and changes nothing", async () => {
    const { action } = await routeCase.load();
    let before = await snapshotDatabase();
    for (const body of malformedBodies(routeCase.path(tenant), cookieOf(routeCase.who))) {
      const cookie = await freshCookie(routeCase.who);
      if (routeCase.who === "youngPerson") before = await snapshotDatabase();
      const request = body.request();
      if (cookie) request.headers.set("Cookie", cookie);
      const answer = await callRoute(action, request, routeCase.params?.(tenant));
      expectClearRefusal(answer, `${routeFile} with ${body.name}`);
      before = await expectDatabaseUnchanged(before, `${routeFile} with ${body.name}`);
    }
  });

  it("never crashes on hostile field values, and a refusal leaves the database unchanged", async () => {
    const { action } = await routeCase.load();
    const intents = intentsOf(routeFile);
    const own = ownFields(routeFile);
    const extra = ALL_FIELDS.filter((name) => !own.includes(name));
    const form = fc.record({
      intent: intents.length > 0 ? fc.oneof(fc.constantFrom(...intents), hostileString) : hostileString,
      own: fc.tuple(...own.map((name) => fc.tuple(fc.constant(name), hostileString))),
      extra: fc.subarray(extra, { maxLength: 6 }).chain((names) => fc.tuple(...names.map((name) => fc.tuple(fc.constant(name), hostileString)))),
    });
    await fc.assert(
      fc.asyncProperty(form, async ({ intent, own: ownValues, extra: extraValues }) => {
        const cookie = await freshCookie(routeCase.who);
        const before = await snapshotDatabase();
        const fields: Array<[string, string]> = [["intent", intent], ...ownValues, ...extraValues];
        const answer = await callRoute(action, fieldsRequest(routeCase.path(tenant), fields, cookie), routeCase.params?.(tenant));
        const what = `${routeFile} with ${JSON.stringify(fields).slice(0, 300)}`;
        expectNoInternals(answer, what);
        if (answer.status >= 400) await expectDatabaseUnchanged(before, what);
      }),
      { seed: 7_003, numRuns: 5, endOnFailure: true },
    );
  });
});
