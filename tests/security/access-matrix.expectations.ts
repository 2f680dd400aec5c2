// Who may reach each route, one line per route in app/routes. A new route needs a line here, or the access
// matrix test fails naming it. Keys are route ids as the manifest gives them, without "routes/".
//
// A rule answers, for a role and whose record the URL names ("own": the caller's council or provider or
// young person; "other": another tenant's; "none": the route names no record), one of:
//   "allow"  2xx, or 3xx anywhere but sign-in (a form may still answer 400/409: access was granted);
//   "signIn" a redirect to /login?redirectTo=...;
//   a status: 401 (API without a key), 403 (wrong role), 404 (another tenant's record, or no such thing), 405...
// Records named in a form (a booking code at the door, a slot to book) count as the URL's: give `form`.
// A route naming a young person's booking is also asked with a neighbour's (same council, another person): the
// rule's "other" answer is expected for it.
import type { RoleName, Tenant } from "./world";

export type Whose = "own" | "other" | "none";
export type Outcome = "allow" | "signIn" | number;
export type Rule = (role: RoleName, whose: Whose) => Outcome;

export type Entry = {
  loader?: Rule;
  action?: Rule;
  /** Route parameters that are not the tenant's records by their usual name (see Tenant.params). */
  params?: (target: Tenant) => Record<string, string>;
  /** The form an allowed caller would send, built from the targeted tenant's records; refused callers send it too. */
  form?: (target: Tenant) => Record<string, string | string[]>;
  /**
   * Forms for the caller's own page that name another tenant's record (their pass in my council's person's page):
   * every caller allowed on the page sends each, and each must be refused (4xx) and change nothing.
   */
  crossForms?: (mine: Tenant, theirs: Tenant) => Record<string, string | string[] | undefined>[];
  /** A JSON body (API routes), with the targeted tenant's records. */
  json?: (target: Tenant) => unknown;
  /**
   * The domain's answer (409) when even the rightful caller's form cannot go through today (a session that has not
   * happened yet cannot be rated): access was granted, and the refusals for other callers are still about who asked.
   */
  ownRefusal?: 409;
  /** The action ends the caller's session: call it with a fresh one. */
  endsSession?: boolean;
};

const SESSION_ROLES: RoleName[] = ["youngPerson", "guardian", "doorStaff", "manager", "officer", "finance", "admin"];

/** Signed-in roles in `roles` reach their own records (another tenant's are 404); other signed-in roles get 403; nobody signed in goes to sign-in. */
function only(...roles: RoleName[]): Rule {
  return (role, whose) => {
    if (!SESSION_ROLES.includes(role)) return "signIn";
    if (!roles.includes(role)) return 403;
    return whose === "other" ? 404 : "allow";
  };
}

/** Anyone, signed in or not, whatever the URL names. */
export const open: Rule = () => "allow";
/** The same answer for everyone (a method not allowed, a webhook without a signature). */
const always =
  (outcome: Outcome): Rule =>
  () =>
    outcome;

export const youngPersonOnly = only("youngPerson");
export const guardianOnly = only("guardian");
export const staffOfOwnProvider = only("doorStaff", "manager");
export const managerOfOwnProvider = only("manager");
export const officerOfOwnCouncil = only("officer", "finance");
export const officerNotFinance = only("officer");
export const financeOfficerOnly = only("finance");
export const platformAdminOnly = only("admin");

/** The providers' JSON API: a key of the provider the record belongs to; a session cookie is no key (401). */
export const apiKeyOfOwnProvider: Rule = (role, whose) => (role !== "apiClient" ? 401 : whose === "other" ? 404 : "allow");

/** Uploaded documents: the provider's own staff and officers of a council it works with; anyone else gets a 404, never a hint. */
const fileReaders: Rule = (role, whose) => ((role === "officer" || role === "finance") && whose === "own" ? "allow" : 404);

/** Door mode: staff redeem their own provider's codes; another provider's code is refused as an unknown code (the page's 409) and nothing is redeemed. */
const doorStaffOfOwnProvider = refusedWith(409, staffOfOwnProvider);

/** A rule whose "another tenant's record" answer is `status` rather than 404, on a route that answers in its own page. */
function refusedWith(status: number, rule: Rule): Rule {
  return (role, whose) => {
    const outcome = rule(role, whose);
    return outcome === 404 ? status : outcome;
  };
}

/** Links with a secret token in the URL: a token nobody was given is a 404 for everyone, signed in or not. */
const unknownToken = always(404);

const today = () => new Date().toISOString().slice(0, 10);
const inAYear = () => new Date(Date.now() + 365 * 24 * 60 * 60 * 1000).toISOString().slice(0, 10);

export const expectations: Record<string, Entry> = {
  _index: { loader: open, action: youngPersonOnly },
  "activate._index": { loader: open, action: open },
  "activate.guardian": { loader: youngPersonOnly, action: youngPersonOnly },
  "activate.verify": { loader: open, action: open },
  "activities.$activityId": {
    loader: open,
    action: youngPersonOnly,
    form: (t) => ({ intent: "book", slotId: t.freeSlot.id, requestKey: crypto.randomUUID() }),
    crossForms: (_mine, theirs) => [{ intent: "book", slotId: theirs.freeSlot.id, requestKey: crypto.randomUUID() }],
  },
  "admin._index": { loader: platformAdminOnly },
  "admin.queues": { loader: platformAdminOnly, action: platformAdminOnly },
  "api.v1.attendance": { loader: always(405), action: apiKeyOfOwnProvider },
  "api.v1.attendance_.$reportId": { loader: apiKeyOfOwnProvider },
  "api.v1.bookings": { loader: apiKeyOfOwnProvider, action: always(405) },
  "api.v1.redemptions": { loader: always(405), action: apiKeyOfOwnProvider, json: (t) => ({ code: t.soonBooking.code }) },
  "apply-for-a-pass": { loader: open, action: open },
  "consent.$token": { loader: unknownToken, action: open, params: () => ({ token: "not-a-real-consent-token" }) },
  "council._index": { loader: officerOfOwnCouncil, action: officerOfOwnCouncil },
  "council.applications.$applicationId._index": {
    loader: officerOfOwnCouncil,
    action: officerNotFinance,
    form: () => ({ intent: "reject", reason: "We could not confirm the address on the proof." }),
  },
  "council.applications.$applicationId.proof": { loader: officerOfOwnCouncil },
  "council.applications._index": { loader: officerOfOwnCouncil },
  "council.budget": { loader: officerOfOwnCouncil },
  "council.disputes.$disputeId": {
    loader: officerOfOwnCouncil,
    action: officerOfOwnCouncil,
    form: () => ({ decision: "NO_ACTION", note: "Checked with the provider." }),
  },
  "council.disputes._index": { loader: officerOfOwnCouncil },
  "council.evidence.$table[.]csv": { loader: officerOfOwnCouncil, params: () => ({ table: "spend-by-provider" }) },
  "council.evidence._index": { loader: officerOfOwnCouncil },
  "council.failed-jobs": { loader: officerOfOwnCouncil },
  "council.jobs.$jobId": { loader: officerOfOwnCouncil },
  "council.jobs._index": { loader: officerOfOwnCouncil },
  "council.letters": { loader: officerNotFinance, action: officerNotFinance },
  "council.letters_.pdf": { action: officerNotFinance },
  "council.payouts.$runId._index": {
    loader: officerOfOwnCouncil,
    action: financeOfficerOnly,
    form: () => ({ intent: "bank-file" }),
    crossForms: (_mine, theirs) => [
      { intent: "mark-file-paid", bankFileId: theirs.bankFile.id },
      { intent: "retry", payoutId: theirs.payout.id },
    ],
  },
  "council.payouts.$runId.bank-files.$fileId": { loader: officerOfOwnCouncil, params: (t) => ({ fileId: t.bankFile.id }) },
  "council.payouts.$runId.statements.$payoutId": { loader: officerOfOwnCouncil },
  "council.payouts._index": { loader: officerOfOwnCouncil, action: financeOfficerOnly },
  "council.programmes.$programmeId._index": { loader: officerOfOwnCouncil, action: officerNotFinance },
  "council.programmes.$programmeId.edit": {
    loader: officerNotFinance,
    action: officerNotFinance,
    form: (t) => ({
      name: `${t.label} programme renamed`,
      status: "ACTIVE",
      budget: "2000",
      baseAllocation: "50",
      minAge: "11",
      maxAge: "18",
      ageReferenceDate: today(),
      eligiblePostcodes: "",
      eligibleWards: "",
      allowedCategories: ["SWIMMING", "CLIMBING"],
      startsOn: today(),
      endsOn: inAYear(),
      noShowPolicy: "RELEASE",
      payoutSchedule: "WEEKLY",
      approvalThreshold: "5000",
      waitlistOfferMinutes: "60",
    }),
  },
  "council.programmes._index": { loader: officerOfOwnCouncil },
  "council.programmes.new": { loader: officerNotFinance, action: officerNotFinance },
  "council.providers.$providerId": {
    loader: officerOfOwnCouncil,
    action: officerNotFinance,
    form: () => ({ intent: "reject", reason: "The safeguarding policy is out of date." }),
  },
  "council.providers._index": { loader: officerOfOwnCouncil },
  "council.young-people.$youngPersonId": {
    loader: officerOfOwnCouncil,
    action: officerNotFinance,
    form: (t) => ({ intent: "freeze", allocationId: t.enroleeAllocation.id }),
    crossForms: (_mine, theirs) => [
      { intent: "freeze", allocationId: theirs.enroleeAllocation.id },
      { intent: "issue", programmeId: theirs.programme.id },
    ],
  },
  "council.young-people.$youngPersonId_.export[.]json": { loader: officerNotFinance },
  "council.young-people._index": { loader: officerOfOwnCouncil },
  "council.young-people.import": { loader: officerNotFinance, action: officerNotFinance },
  "council.young-people.new": { loader: officerNotFinance, action: officerNotFinance },
  "council.young-people.top-up": {
    loader: officerNotFinance,
    action: officerNotFinance,
    crossForms: (_mine, theirs) => [{ programmeId: theirs.programme.id, amount: "5", reason: "A reward for everyone who came." }],
  },
  "dev.outbox": { loader: open },
  "files.$fileId": { loader: fileReaders },
  "guardian._index": { loader: guardianOnly },
  healthz: { loader: open },
  "invitations.$token": { loader: unknownToken, action: open, params: () => ({ token: "not-a-real-invitation-token" }) },
  "login._index": { loader: open, action: open },
  // Without the contact a code was sent to, the code page sends the visitor back to ask for one.
  "login.verify": { loader: always("signIn"), action: open },
  logout: { loader: open, action: open, endsSession: true },
  privacy: { loader: open },
  "provider._index": { loader: staffOfOwnProvider },
  "provider.activities.$id._index": { loader: managerOfOwnProvider, action: managerOfOwnProvider, form: () => ({ intent: "pause" }) },
  "provider.activities.$id.slots": {
    loader: managerOfOwnProvider,
    action: managerOfOwnProvider,
    form: (t) => ({ intent: "capacity", slotId: t.slot.id, capacity: "12" }),
    crossForms: (_mine, theirs) => [
      { intent: "capacity", slotId: theirs.slot.id, capacity: "12" },
      { intent: "cancel", slotId: theirs.slot.id, reason: "The pool is closed for repairs." },
    ],
  },
  "provider.activities._index": { loader: managerOfOwnProvider },
  "provider.api-keys": {
    loader: managerOfOwnProvider,
    action: managerOfOwnProvider,
    crossForms: (_mine, theirs) => [{ intent: "revoke", keyId: theirs.apiKeyId }],
  },
  "provider.application": { loader: staffOfOwnProvider },
  "provider.attendance.$reportId": { loader: managerOfOwnProvider },
  "provider.attendance._index": { loader: managerOfOwnProvider, action: managerOfOwnProvider },
  "provider.bookings.$slotId": {
    loader: managerOfOwnProvider,
    action: managerOfOwnProvider,
    form: (t) => ({ intent: "missed", bookingId: t.booking.id }),
    ownRefusal: 409,
    crossForms: (_mine, theirs) => [{ intent: "missed", bookingId: theirs.booking.id }],
  },
  "provider.bookings._index": { loader: managerOfOwnProvider, action: managerOfOwnProvider },
  "provider.door": {
    loader: staffOfOwnProvider,
    action: doorStaffOfOwnProvider,
    form: (t) => ({ code: t.soonBooking.code }),
    crossForms: (mine, theirs) => [
      // A till charge to a pass of a council this provider does not serve, and to my council's pass for their activity.
      { intent: "charge", passCode: theirs.youngPerson.passCode, activityId: mine.activity.id, amount: "3.00", requestKey: crypto.randomUUID() },
      { intent: "charge", passCode: mine.youngPerson.passCode, activityId: theirs.activity.id, amount: "3.00", requestKey: crypto.randomUUID() },
    ],
  },
  "provider.earnings.$payoutId": { loader: managerOfOwnProvider },
  "provider.earnings.$payoutId_.statement[.]csv": { loader: managerOfOwnProvider },
  "provider.earnings.$payoutId_.statement[.]pdf": { loader: managerOfOwnProvider },
  "provider.earnings._index": { loader: managerOfOwnProvider },
  "provider.payments._index": { loader: managerOfOwnProvider, action: managerOfOwnProvider },
  "provider.payments.stripe-refresh": { loader: managerOfOwnProvider },
  "provider.payments.stripe-return": { loader: managerOfOwnProvider },
  "provider.team": { loader: managerOfOwnProvider, action: managerOfOwnProvider },
  "provider.venues.$venueId": {
    loader: managerOfOwnProvider,
    action: managerOfOwnProvider,
    form: (t) => ({ name: `${t.label} renamed venue`, addressLine1: "2 High Street", town: "Testtown", postcode: "AB1 2CD" }),
  },
  "provider.venues._index": { loader: managerOfOwnProvider },
  "providers.apply._index": { loader: open, action: open },
  "providers.apply.sent": {},
  "webhooks.stripe": { loader: always(405), action: always(503) },
  // Cancelling someone else's booking answers "We could not find that booking." in the page (409).
  "young._index": { loader: youngPersonOnly, action: refusedWith(409, youngPersonOnly), form: (t) => ({ bookingId: t.booking.id }) },
  "young.bookings.$bookingId.calendar[.]ics": { loader: youngPersonOnly },
  "young.bookings.$bookingId.rate": { loader: youngPersonOnly, action: youngPersonOnly, form: () => ({ stars: "5", wouldGoAgain: "yes" }), ownRefusal: 409 },
  "young.bookings._index": { loader: youngPersonOnly, action: youngPersonOnly, form: (t) => ({ intent: "cancel", bookingId: t.laterBooking.id }) },
  "young.favourites": { loader: youngPersonOnly, action: youngPersonOnly, form: (t) => ({ activityId: t.activity.id, favourite: "true" }) },
  "young.my-data[.]json": { loader: youngPersonOnly },
  "young.pass": { loader: youngPersonOnly },
  "young.suggest": { loader: youngPersonOnly, action: youngPersonOnly },
};
