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
};

export function resetFakeStripe() {
  fakeStripe.accounts.clear();
  fakeStripe.transfers.length = 0;
  fakeStripe.idempotency.clear();
  fakeStripe.requests.length = 0;
  fakeStripe.availablePence = null;
  fakeStripe.failures.length = 0;
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
];

function validateTransfer(params: Record<string, string>): Response | null {
  const amount = Number(params.amount);
  if (!params.amount || !Number.isSafeInteger(amount) || amount <= 0) {
    return stripeError(400, "invalid_request_error", "parameter_invalid_integer", "Invalid positive integer: amount");
  }
  if (!params.currency) return stripeError(400, "invalid_request_error", "parameter_missing", "Missing required param: currency.");
  if (!params.destination) return stripeError(400, "invalid_request_error", "parameter_missing", "Missing required param: destination.");
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
