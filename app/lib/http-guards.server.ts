// Checks every request passes before Remix sees it, and the headers every response carries.
// Used by the production server (app/serve.ts); pure, so tests call them directly.

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

// Machines post here with their own proof (an API key, a Stripe signature), never with a browser's cookie.
const MACHINE_PATHS = [/^\/api\/v1\//, /^\/webhooks\//];

export type OriginVerdict = { ok: true } | { ok: false; reason: string };

/**
 * Cross-site request forgery guard for every mutation a browser can make. A browser names the page a
 * form came from in Origin (and Sec-Fetch-Site); a post is accepted only when that is this site. A
 * post with neither header is refused too: every browser we support sends Origin with a POST.
 */
export function checkSameOrigin(request: {
  method: string;
  path: string;
  host: string | undefined;
  origin: string | undefined;
  secFetchSite: string | undefined;
  appUrl: string;
}): OriginVerdict {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return { ok: true };
  if (MACHINE_PATHS.some((pattern) => pattern.test(request.path))) return { ok: true };
  const { origin, secFetchSite } = request;
  if (origin !== undefined) {
    if (origin === "null") return { ok: false, reason: "the form came from a page with no origin" };
    if (!URL.canParse(origin)) return { ok: false, reason: "the Origin header is not a web address" };
    const from = new URL(origin);
    if (from.origin === new URL(request.appUrl).origin) return { ok: true };
    if (request.host !== undefined && from.host === request.host.toLowerCase()) return { ok: true };
    return { ok: false, reason: `the form came from ${from.origin}, not this site` };
  }
  if (secFetchSite === "same-origin" || secFetchSite === "none") return { ok: true };
  if (secFetchSite !== undefined) return { ok: false, reason: `the form came from a ${secFetchSite} page` };
  return { ok: false, reason: "the request did not say which site it came from (no Origin header)" };
}

const FORM_TYPES = ["application/x-www-form-urlencoded", "multipart/form-data"];

/**
 * Every page's form posts as a form. Anything else sent to a page (JSON, text, no body type at all)
 * is refused with 415 here, rather than failing inside the route's action.
 */
export function checkFormBody(request: { method: string; path: string; contentType: string | undefined }): OriginVerdict {
  if (SAFE_METHODS.has(request.method.toUpperCase())) return { ok: true };
  if (MACHINE_PATHS.some((pattern) => pattern.test(request.path))) return { ok: true };
  const type = request.contentType?.split(";")[0]?.trim().toLowerCase();
  if (type && FORM_TYPES.includes(type)) return { ok: true };
  return { ok: false, reason: `a form must be sent as ${FORM_TYPES.join(" or ")}${type ? `, not ${type}` : ""}` };
}

/** A strict policy for anything that is not a page: nothing in it may run or be framed. */
export const NON_DOCUMENT_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";

/**
 * The policy for pages. Scripts run only with this response's nonce (Remix's own scripts carry it,
 * and 'strict-dynamic' lets them load the route modules); no inline script runs. In development,
 * Vite's client injects inline scripts, so the script rule applies only to production builds.
 */
export function documentCsp(nonce: string, production: boolean): string {
  return [
    "default-src 'self'",
    production ? `script-src 'nonce-${nonce}' 'strict-dynamic'` : "script-src 'self' 'unsafe-inline' 'unsafe-eval'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    production ? "connect-src 'self'" : "connect-src 'self' ws: wss:",
    "media-src 'self' blob:",
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "object-src 'none'",
  ].join("; ");
}

/** Headers every response carries; a response that set its own keeps it. */
export function baseSecurityHeaders(production: boolean): Record<string, string> {
  return {
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(self), geolocation=(), microphone=(), interest-cohort=()",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    // Browsers ignore HSTS over plain HTTP, so production always sends it; TLS ends at the proxy.
    ...(production ? { "Strict-Transport-Security": "max-age=63072000; includeSubDomains" } : {}),
  };
}

// Paths that carry a secret in the URL: access logs keep the route, never the secret.
const SECRET_PATHS: Array<[RegExp, string]> = [
  [/^\/consent\/[^/?]+/, "/consent/[token]"],
  [/^\/invitations\/[^/?]+/, "/invitations/[token]"],
];
const SECRET_PARAMS = new Set(["code", "token"]);

/** A request path safe to write to a log: tokens in the path and code/token query values redacted. */
export function loggablePath(url: string): string {
  const parsed = new URL(url, "http://log.invalid");
  let path = parsed.pathname;
  for (const [pattern, replacement] of SECRET_PATHS) path = path.replace(pattern, replacement);
  for (const key of [...parsed.searchParams.keys()]) if (SECRET_PARAMS.has(key.toLowerCase())) parsed.searchParams.set(key, "[redacted]");
  const query = parsed.searchParams.toString();
  return query ? `${path}?${query.replaceAll("%5Bredacted%5D", "[redacted]")}` : path;
}

/** The header the server writes with the client's address, after throwing away any the client sent. */
export const CLIENT_ADDRESS_HEADER = "x-playpass-client-address";
