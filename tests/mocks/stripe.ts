// A fake Stripe at the HTTP boundary: a small ledger of connected accounts and transfers, keyed by
// Idempotency-Key the way Stripe keys them. What it copies from Stripe, on purpose:
// - the same key and the same parameters answer with the first stored response (header Idempotent-Replayed);
// - the same key with different parameters is a 400 idempotency_error, and nothing is stored;
// - 429s are answered before the idempotency layer and never stored;
// - once a request starts executing its response is stored, errors included (500s, balance_insufficient):
//   a retry with the same key gets that same error back.
// Tests steer it with failNextStripeTransfer() and setStripeAvailableBalance(); resetFakeStripe() runs before each test.
import { randomBytes } from "node:crypto";
import { http, HttpResponse } from "msw";
import Stripe from "stripe";

const API = "https://api.stripe.com";

export type FakeStripeAccount = {
  id: string;
  object: "account";
  type: "express";
  country: "GB";
  default_currency: "gbp";
  charges_enabled: boolean;
  payouts_enabled: boolean;
  details_submitted: boolean;
  capabilities: { transfers: "active" | "inactive" | "pending" };
  metadata: Record<string, string>;
  created: number;
};

export type FakeStripeTransfer = {
  id: string;
  object: "transfer";
  amount: number;
  amount_reversed: number;
  currency: string;
  created: number;
  description: string | null;
  destination: string;
  livemode: false;
  metadata: Record<string, string>;
  reversed: boolean;
  transfer_group: string | null;
};

/** What the next POST /v1/transfers does instead of succeeding. */
export type StripeTransferFailure =
  | { kind: "error"; status: number; type?: string; code?: string; message?: string; stored?: boolean }
  /** The connection drops before Stripe does anything. */
  | { kind: "network-error" }
  /** Stripe makes the transfer and stores the response, but the answer never reaches us. */
  | { kind: "lose-response" };

type StoredResponse = { params: Record<string, string>; status: number; body: unknown };

export type StripeRequestRecord = { method: string; path: string; idempotencyKey: string | null; replayed: boolean; status: number };

export const fakeStripe = {
  accounts: new Map<string, FakeStripeAccount>(),
  transfers: [] as FakeStripeTransfer[],
  /** Responses kept per Idempotency-Key. */
  idempotency: new Map<string, StoredResponse>(),
  /** Every request to the fake, in order: what tests assert retries and keys against. */
  requests: [] as StripeRequestRecord[],
  /** The platform's available GBP balance in pence; null means it never runs out. */
  availablePence: null as number | null,
  failures: [] as StripeTransferFailure[],
  /** Accounts v2 connected accounts (recipient configuration), by id. */
  recipients: new Map<string, FakeRecipientAccount>(),
  accountLinks: [] as { account: string; refresh_url: string; return_url: string | undefined; url: string }[],
};

export type RecipientTransfersStatus = "active" | "pending" | "rejected" | "restricted" | "unsupported";

export type FakeRecipientAccount = {
  id: string;
  object: "v2.core.account";
  display_name: string | null;
  contact_email: string | null;
  dashboard: string | null;
  closed: boolean;
  created: string;
  livemode: false;
  metadata: Record<string, string>;
  applied_configurations: string[];
  transfers: { status: RecipientTransfersStatus; code: string | null };
  requirementsDue: "currently_due" | "past_due" | null;
};

export function resetFakeStripe() {
  fakeStripe.accounts.clear();
  fakeStripe.transfers.length = 0;
  fakeStripe.idempotency.clear();
  fakeStripe.requests.length = 0;
  fakeStripe.availablePence = null;
  fakeStripe.failures.length = 0;
  fakeStripe.recipients.clear();
  fakeStripe.accountLinks.length = 0;
}

/** An Accounts v2 recipient the fake knows; by default it has finished onboarding and can receive transfers. */
export function addStripeRecipient(overrides: Partial<Pick<FakeRecipientAccount, "transfers" | "requirementsDue" | "closed" | "display_name">> = {}): FakeRecipientAccount {
  const account: FakeRecipientAccount = {
    id: `acct_${randomId(16)}`,
    object: "v2.core.account",
    display_name: null,
    contact_email: null,
    dashboard: "express",
    closed: false,
    created: new Date().toISOString(),
    livemode: false,
    metadata: {},
    applied_configurations: ["recipient"],
    transfers: { status: "active", code: null },
    requirementsDue: null,
    ...overrides,
  };
  fakeStripe.recipients.set(account.id, account);
  return account;
}

/** What Stripe decides about an account (verification done, requirements past due, rejected...). */
export function setRecipientTransfers(accountId: string, status: RecipientTransfersStatus, code: string | null = null) {
  const account = fakeStripe.recipients.get(accountId);
  if (!account) throw new Error(`fake Stripe has no account ${accountId}`);
  account.transfers = { status, code };
  account.requirementsDue = status === "active" ? null : account.requirementsDue;
}

function recipientJson(account: FakeRecipientAccount) {
  return {
    id: account.id,
    object: account.object,
    applied_configurations: account.applied_configurations,
    closed: account.closed,
    contact_email: account.contact_email,
    created: account.created,
    dashboard: account.dashboard,
    display_name: account.display_name,
    livemode: account.livemode,
    metadata: account.metadata,
    configuration: {
      recipient: {
        applied: true,
        capabilities: {
          stripe_balance: {
            stripe_transfers: {
              status: account.transfers.status,
              status_details: account.transfers.code ? [{ code: account.transfers.code, resolution: "provide_info" }] : [],
            },
          },
        },
      },
    },
    requirements: account.requirementsDue ? { entries: [], summary: { minimum_deadline: { status: account.requirementsDue } } } : { entries: [], summary: null },
  };
}

/** A connected account the fake knows, able to receive transfers unless told otherwise. */
export function addStripeAccount(overrides: Partial<Omit<FakeStripeAccount, "object">> = {}): FakeStripeAccount {
  const account: FakeStripeAccount = {
    id: `acct_${randomId(16)}`,
    object: "account",
    type: "express",
    country: "GB",
    default_currency: "gbp",
    charges_enabled: true,
    payouts_enabled: true,
    details_submitted: true,
    capabilities: { transfers: "active" },
    metadata: {},
    created: nowSeconds(),
    ...overrides,
  };
  fakeStripe.accounts.set(account.id, account);
  return account;
}

export function failNextStripeTransfer(...failures: StripeTransferFailure[]) {
  fakeStripe.failures.push(...failures);
}

export function setStripeAvailableBalance(pence: number | null) {
  fakeStripe.availablePence = pence;
}

export const stripeHandlers = [
  http.post(`${API}/v1/transfers`, async ({ request }) => {
    const denied = checkAuth(request);
    if (denied) return record(request, null, false, denied);
    const key = request.headers.get("Idempotency-Key");
    const params = Object.fromEntries(new URLSearchParams(await request.text()));

    const failure = fakeStripe.failures[0];
    if (failure?.kind === "error" && failure.status === 429) {
      fakeStripe.failures.shift();
      return record(request, key, false, stripeError(429, "rate_limit_error", "rate_limit", "Too many requests made to the API too quickly."));
    }

    if (key) {
      const stored = fakeStripe.idempotency.get(key);
      if (stored) {
        if (!sameParams(stored.params, params)) {
          return record(
            request,
            key,
            false,
            stripeError(400, "idempotency_error", undefined, `Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than '${key}' if you meant to execute a different request.`),
          );
        }
        return record(request, key, true, HttpResponse.json(stored.body as Record<string, unknown>, { status: stored.status, headers: { "Idempotent-Replayed": "true" } }));
      }
    }

    if (failure) fakeStripe.failures.shift();
    if (failure?.kind === "network-error") return record(request, key, false, HttpResponse.error());

    const invalid = validateTransfer(params);
    // Parameter validation happens before execution: nothing is stored, a fixed retry may go through.
    if (invalid) return record(request, key, false, invalid);

    let status = 200;
    let body: unknown;
    if (failure?.kind === "error") {
      status = failure.status;
      body = errorBody(failure.type ?? (status >= 500 ? "api_error" : "invalid_request_error"), failure.code, failure.message ?? `Fake Stripe failure ${status}`);
      if (failure.stored === false) return record(request, key, false, HttpResponse.json(body as Record<string, unknown>, { status }));
    } else {
      const amount = Number(params.amount);
      if (fakeStripe.availablePence !== null && amount > fakeStripe.availablePence) {
        status = 400;
        body = errorBody("invalid_request_error", "balance_insufficient", "You have insufficient available funds in your Stripe account.");
      } else {
        if (fakeStripe.availablePence !== null) fakeStripe.availablePence -= amount;
        const transfer: FakeStripeTransfer = {
          id: `tr_${randomId(24)}`,
          object: "transfer",
          amount,
          amount_reversed: 0,
          currency: params.currency!,
          created: nowSeconds(),
          description: params.description ?? null,
          destination: params.destination!,
          livemode: false,
          metadata: nested(params, "metadata"),
          reversed: false,
          transfer_group: params.transfer_group ?? null,
        };
        fakeStripe.transfers.push(transfer);
        body = transfer;
      }
    }
    if (key) fakeStripe.idempotency.set(key, { params, status, body });
    if (failure?.kind === "lose-response") return record(request, key, false, HttpResponse.error());
    return record(request, key, false, HttpResponse.json(body as Record<string, unknown>, { status }));
  }),

  http.get(`${API}/v1/transfers`, ({ request }) => {
    const denied = checkAuth(request);
    if (denied) return record(request, null, false, denied);
    const query = new URL(request.url).searchParams;
    const limit = Math.min(Number(query.get("limit") ?? 10), 100);
    let list = [...fakeStripe.transfers].reverse();
    const group = query.get("transfer_group");
    const destination = query.get("destination");
    const after = query.get("starting_after");
    if (group) list = list.filter((t) => t.transfer_group === group);
    if (destination) list = list.filter((t) => t.destination === destination);
    if (after) list = list.slice(list.findIndex((t) => t.id === after) + 1);
    return record(request, null, false, HttpResponse.json({ object: "list", url: "/v1/transfers", has_more: list.length > limit, data: list.slice(0, limit) }));
  }),

  http.get(`${API}/v1/transfers/:id`, ({ request, params }) => {
    const denied = checkAuth(request);
    if (denied) return record(request, null, false, denied);
    const transfer = fakeStripe.transfers.find((t) => t.id === params.id);
    if (!transfer) return record(request, null, false, stripeError(404, "invalid_request_error", "resource_missing", `No such transfer: '${String(params.id)}'`));
    return record(request, null, false, HttpResponse.json(transfer));
  }),

  http.get(`${API}/v1/accounts/:id`, ({ request, params }) => {
    const denied = checkAuth(request);
    if (denied) return record(request, null, false, denied);
    const account = fakeStripe.accounts.get(String(params.id));
    if (!account) return record(request, null, false, stripeError(404, "invalid_request_error", "resource_missing", `No such account: '${String(params.id)}'`));
    return record(request, null, false, HttpResponse.json(account));
  }),

  http.get(`${API}/v1/balance`, ({ request }) => {
    const denied = checkAuth(request);
    if (denied) return record(request, null, false, denied);
    const amount = fakeStripe.availablePence ?? 1_000_000_000;
    return record(request, null, false, HttpResponse.json({ object: "balance", livemode: false, available: [{ amount, currency: "gbp" }], pending: [{ amount: 0, currency: "gbp" }] }));
  }),

  http.post(`${API}/v2/core/accounts`, async ({ request }) => {
    const denied = checkAuth(request);
    if (denied) return record(request, null, false, denied);
    const key = request.headers.get("Idempotency-Key");
    const body = (await request.json()) as { display_name?: string; contact_email?: string; dashboard?: string; metadata?: Record<string, string>; configuration?: { recipient?: unknown } };
    const params = { body: JSON.stringify(body) };
    if (key) {
      const stored = fakeStripe.idempotency.get(`v2-accounts:${key}`);
      if (stored) return record(request, key, true, HttpResponse.json(stored.body as Record<string, unknown>, { status: stored.status, headers: { "Idempotent-Replayed": "true" } }));
    }
    if (!body.configuration?.recipient) return record(request, key, false, stripeError(400, "invalid_request_error", "parameter_missing", "Missing configuration."));
    const account = addStripeRecipient({ transfers: { status: "pending", code: "requirements_past_due" }, requirementsDue: "currently_due", display_name: body.display_name ?? null });
    account.contact_email = body.contact_email ?? null;
    account.dashboard = body.dashboard ?? null;
    account.metadata = body.metadata ?? {};
    const json = recipientJson(account);
    if (key) fakeStripe.idempotency.set(`v2-accounts:${key}`, { params, status: 200, body: json });
    return record(request, key, false, HttpResponse.json(json));
  }),

  http.get(`${API}/v2/core/accounts/:id`, ({ request, params }) => {
    const denied = checkAuth(request);
    if (denied) return record(request, null, false, denied);
    const account = fakeStripe.recipients.get(String(params.id));
    if (!account) return record(request, null, false, stripeError(404, "invalid_request_error", "resource_missing", `No such account: '${String(params.id)}'`));
    return record(request, null, false, HttpResponse.json(recipientJson(account)));
  }),

  http.post(`${API}/v2/core/account_links`, async ({ request }) => {
    const denied = checkAuth(request);
    if (denied) return record(request, null, false, denied);
    const body = (await request.json()) as { account?: string; use_case?: { type?: string; account_onboarding?: { refresh_url?: string; return_url?: string } } };
    if (!body.account || !fakeStripe.recipients.has(body.account)) return record(request, null, false, stripeError(400, "invalid_request_error", "resource_missing", "No such account."));
    const onboarding = body.use_case?.account_onboarding;
    if (body.use_case?.type !== "account_onboarding" || !onboarding?.refresh_url) {
      return record(request, null, false, stripeError(400, "invalid_request_error", "parameter_missing", "Missing use_case.account_onboarding.refresh_url."));
    }
    const link = { account: body.account, refresh_url: onboarding.refresh_url, return_url: onboarding.return_url, url: `https://connect.stripe.com/d/setup/e/${randomId(24)}` };
    fakeStripe.accountLinks.push(link);
    const created = new Date();
    return record(
      request,
      null,
      false,
      HttpResponse.json({ object: "v2.core.account_link", account: link.account, created: created.toISOString(), expires_at: new Date(created.getTime() + 5 * 60_000).toISOString(), livemode: false, url: link.url, use_case: body.use_case }),
    );
  }),
];

function validateTransfer(params: Record<string, string>): Response | null {
  const amount = Number(params.amount);
  if (!params.amount || !Number.isSafeInteger(amount) || amount <= 0) {
    return stripeError(400, "invalid_request_error", "parameter_invalid_integer", "Invalid positive integer: amount");
  }
  if (!params.currency) return stripeError(400, "invalid_request_error", "parameter_missing", "Missing required param: currency.");
  if (!params.destination) return stripeError(400, "invalid_request_error", "parameter_missing", "Missing required param: destination.");
  const recipient = fakeStripe.recipients.get(params.destination);
  if (recipient) {
    if (recipient.transfers.status !== "active" || recipient.closed) {
      return stripeError(400, "invalid_request_error", "insufficient_capabilities_for_transfer", "Your destination account needs to have the transfers capability enabled.");
    }
    return null;
  }
  const account = fakeStripe.accounts.get(params.destination);
  if (!account) return stripeError(400, "invalid_request_error", "resource_missing", `No such destination: '${params.destination}'`);
  if (account.capabilities.transfers !== "active") {
    return stripeError(400, "invalid_request_error", "insufficient_capabilities_for_transfer", "Your destination account needs to have the transfers capability enabled.");
  }
  return null;
}

function checkAuth(request: Request): Response | null {
  const auth = request.headers.get("Authorization") ?? "";
  if (/^Bearer sk_(test|live)_\S+$/.test(auth)) return null;
  return stripeError(401, "invalid_request_error", undefined, "Invalid API Key provided.");
}

function record(request: Request, idempotencyKey: string | null, replayed: boolean, response: Response): Response {
  fakeStripe.requests.push({ method: request.method, path: new URL(request.url).pathname, idempotencyKey, replayed, status: response.type === "error" ? 0 : response.status });
  return response;
}

function errorBody(type: string, code: string | undefined, message: string) {
  return { error: { type, message, ...(code ? { code } : {}) } };
}

function stripeError(status: number, type: string, code: string | undefined, message: string): Response {
  return HttpResponse.json(errorBody(type, code, message), { status });
}

function sameParams(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].every((k) => a[k] === b[k]);
}

/** metadata[payout_id]=x → { payout_id: "x" } */
function nested(params: Record<string, string>, name: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, value] of Object.entries(params)) {
    const match = new RegExp(`^${name}\\[(.+)\\]$`).exec(key);
    if (match) out[match[1]!] = value;
  }
  return out;
}

function randomId(length: number): string {
  return randomBytes(length).toString("base64url").replace(/[-_]/g, "x").slice(0, length);
}

const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A webhook delivery as Stripe signs it, for the endpoint's tests: the raw body and its Stripe-Signature header. */
export function signedStripeWebhook(event: Record<string, unknown>, secret: string, options: { timestamp?: number } = {}) {
  const body = JSON.stringify(event);
  const header = new Stripe("sk_test_signing").webhooks.generateTestHeaderString({ payload: body, secret, timestamp: options.timestamp ?? nowSeconds() });
  return { body, header };
}

/** A classic snapshot event (object "event") about a Stripe object. */
export function stripeEventFor(type: string, object: Record<string, unknown>, overrides: { id?: string; account?: string; created?: number } = {}) {
  return {
    id: overrides.id ?? `evt_${randomId(24)}`,
    object: "event",
    api_version: "2026-10-28.endive",
    created: overrides.created ?? nowSeconds(),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    type,
    ...(overrides.account ? { account: overrides.account } : {}),
    data: { object },
  };
}

/** An Accounts v2 thin event (object "v2.core.event") pointing at the account it is about. */
export function stripeThinEventFor(type: string, accountId: string, overrides: { id?: string } = {}) {
  return {
    id: overrides.id ?? `evt_${randomId(24)}`,
    object: "v2.core.event",
    type,
    livemode: false,
    created: new Date().toISOString(),
    related_object: { id: accountId, type: "v2.core.account", url: `/v2/core/accounts/${accountId}` },
  };
}
