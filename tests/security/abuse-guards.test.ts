// The production server's guards, one rule at a time: a browser mutation is accepted only from this site and
// only as a form; every response carries the security headers; no upload is ever served as something that runs.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { baseSecurityHeaders, checkFormBody, checkSameOrigin, documentCsp, NON_DOCUMENT_CSP } from "~/lib/http-guards.server";
import { fileResponse, readFormFile, sniffFileType } from "~/lib/uploads.server";

const APP = "http://localhost:3000";
const post = (headers: { origin?: string; secFetchSite?: string; host?: string; path?: string; method?: string }) =>
  checkSameOrigin({
    method: headers.method ?? "POST",
    path: headers.path ?? "/logout",
    host: "host" in headers ? headers.host : "localhost:3000",
    origin: headers.origin,
    secFetchSite: headers.secFetchSite,
    appUrl: APP,
  });

describe("cross-site request forgery: checkSameOrigin", () => {
  it("accepts a post whose Origin is this site", () => {
    expect(post({ origin: APP })).toEqual({ ok: true });
    expect(post({ origin: "HTTP://LOCALHOST:3000" })).toEqual({ ok: true });
    // Behind a proxy the public address is APP_URL while Host is what the proxy forwards; both are this site.
    expect(checkSameOrigin({ method: "POST", path: "/logout", host: "internal:8080", origin: APP, secFetchSite: "same-origin", appUrl: APP })).toEqual({ ok: true });
  });

  it.each([
    ["another site", "https://evil.example"],
    ["the same host on another port", "http://localhost:3001"],
    ["another name for the same machine", "http://127.0.0.1:3000"],
    ["a look-alike host that starts with ours", "http://localhost.evil.example:3000"],
    ["a host hidden behind user info", "http://localhost:3000@evil.example"],
    ["a subdomain", "http://pay.localhost:3000"],
  ])("refuses a post from %s (%s), whatever Sec-Fetch-Site claims", (_, origin) => {
    expect(post({ origin })).toMatchObject({ ok: false, reason: expect.stringContaining("not this site") });
    expect(post({ origin, secFetchSite: "same-origin" })).toMatchObject({ ok: false });
  });

  it("refuses a post from a page with no origin (sandboxed frames, data: URLs) and a malformed Origin", () => {
    expect(post({ origin: "null" })).toMatchObject({ ok: false, reason: expect.stringContaining("no origin") });
    expect(post({ origin: "not a url" })).toMatchObject({ ok: false, reason: expect.stringContaining("not a web address") });
  });

  it("without Origin, trusts only Sec-Fetch-Site same-origin or none (typed in the address bar), and refuses a bare post", () => {
    expect(post({ secFetchSite: "same-origin" })).toEqual({ ok: true });
    expect(post({ secFetchSite: "none" })).toEqual({ ok: true });
    expect(post({ secFetchSite: "same-site" })).toMatchObject({ ok: false });
    expect(post({ secFetchSite: "cross-site" })).toMatchObject({ ok: false });
    expect(post({})).toMatchObject({ ok: false, reason: expect.stringContaining("no Origin header") });
  });

  it("guards every method that changes something, and none that only reads", () => {
    for (const method of ["POST", "PUT", "PATCH", "DELETE", "post"]) expect(post({ method, origin: "https://evil.example" })).toMatchObject({ ok: false });
    for (const method of ["GET", "HEAD", "OPTIONS"]) expect(post({ method, origin: "https://evil.example" })).toEqual({ ok: true });
  });

  it("leaves machine endpoints (API keys, Stripe signatures) to their own proof, and nothing else", () => {
    expect(post({ path: "/api/v1/redemptions" })).toEqual({ ok: true });
    expect(post({ path: "/webhooks/stripe" })).toEqual({ ok: true });
    for (const path of ["/api/v1", "/api/v2/x", "/apiv1/x", "/x/api/v1/", "/webhooks", "/API/V1/redemptions"]) expect(post({ path })).toMatchObject({ ok: false });
  });

  it("refuses every cross-origin post, for any origin and any page path (property)", () => {
    const foreignOrigin = fc
      .tuple(fc.constantFrom("http", "https"), fc.oneof(fc.domain(), fc.constantFrom("localhost", "127.0.0.1", "[::1]")), fc.option(fc.integer({ min: 1, max: 65_535 })))
      .map(([scheme, host, port]) => new URL(`${scheme}://${host}${port === null ? "" : `:${port}`}`).origin)
      .filter((origin) => origin !== APP);
    const pagePath = fc.webPath().filter((path) => !/^\/(api\/v1|webhooks)\//.test(path));
    fc.assert(
      fc.property(foreignOrigin, pagePath, fc.constantFrom(undefined, "same-origin", "cross-site"), (origin, path, secFetchSite) => {
        expect(post({ origin, path: path || "/", secFetchSite, host: "localhost:3000" }).ok).toBe(false);
      }),
      { numRuns: 300 },
    );
  });
});

describe("form bodies only: checkFormBody", () => {
  const body = (contentType: string | undefined, path = "/young/bookings") => checkFormBody({ method: "POST", path, contentType });

  it("accepts the two kinds of body an HTML form sends, with parameters and in any case", () => {
    expect(body("application/x-www-form-urlencoded")).toEqual({ ok: true });
    expect(body("application/x-www-form-urlencoded; charset=UTF-8")).toEqual({ ok: true });
    expect(body("multipart/form-data; boundary=----x")).toEqual({ ok: true });
    expect(body("Multipart/Form-Data; boundary=x")).toEqual({ ok: true });
  });

  it("refuses JSON, text and a post with no body type, saying what a form must be", () => {
    for (const type of ["application/json", "text/plain", "text/plain; charset=utf-8", "application/xml", ""]) {
      expect(body(type)).toMatchObject({ ok: false, reason: expect.stringContaining("application/x-www-form-urlencoded or multipart/form-data") });
    }
    expect(body(undefined)).toMatchObject({ ok: false });
    expect(body("text/plain")).toMatchObject({ reason: expect.stringContaining("not text/plain") });
  });

  it("lets the JSON API and webhooks take JSON, and reads are never checked", () => {
    expect(body("application/json", "/api/v1/redemptions")).toEqual({ ok: true });
    expect(body("application/json", "/webhooks/stripe")).toEqual({ ok: true });
    expect(checkFormBody({ method: "GET", path: "/", contentType: "application/json" })).toEqual({ ok: true });
  });
});

describe("security headers", () => {
  it("on every response: no framing, no sniffing, a referrer policy; HSTS in production only", () => {
    const production = baseSecurityHeaders(true);
    expect(production).toMatchObject({
      "X-Frame-Options": "DENY",
      "X-Content-Type-Options": "nosniff",
      "Referrer-Policy": "strict-origin-when-cross-origin",
      "Strict-Transport-Security": expect.stringMatching(/^max-age=(\d+); includeSubDomains$/),
    });
    expect(Number(/max-age=(\d+)/.exec(production["Strict-Transport-Security"]!)![1])).toBeGreaterThanOrEqual(365 * 24 * 60 * 60);
    expect(baseSecurityHeaders(false)).not.toHaveProperty("Strict-Transport-Security");
  });

  it("pages in production run only scripts carrying this response's nonce: no 'unsafe-inline', no 'unsafe-eval', no framing", () => {
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (bytes) => {
        const nonce = Buffer.from(bytes).toString("base64");
        const directives = Object.fromEntries(
          documentCsp(nonce, true)
            .split(";")
            .map((d) => d.trim().split(/\s+/))
            .map(([name, ...values]) => [name!, values]),
        );
        expect(directives["script-src"]).toEqual([`'nonce-${nonce}'`, "'strict-dynamic'"]);
        expect(directives["frame-ancestors"]).toEqual(["'none'"]);
        expect(directives["object-src"]).toEqual(["'none'"]);
        expect(directives["base-uri"]).toEqual(["'self'"]);
        expect(directives["form-action"]).toEqual(["'self'"]);
        expect(JSON.stringify(directives)).not.toMatch(/unsafe-inline|unsafe-eval/);
      }),
    );
  });

  it("anything that is not a page may run nothing and be framed by nobody", () => {
    expect(NON_DOCUMENT_CSP).toMatch(/default-src 'none'/);
    expect(NON_DOCUMENT_CSP).toMatch(/frame-ancestors 'none'/);
  });
});

describe("uploads are never served as a page", () => {
  const enc = (text: string) => new TextEncoder().encode(text);
  const form = (bytes: Uint8Array, name: string, type: string) => {
    const data = new FormData();
    data.set("file", new File([Buffer.from(bytes)], name, { type }));
    return data;
  };
  const disguised = [
    ["an HTML page named photo.png", enc("<!DOCTYPE html><script>alert(1)</script>"), "photo.png", "image/png"],
    ["an SVG with a script named photo.jpg", enc('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'), "photo.jpg", "image/jpeg"],
    ["an SVG with an XML prolog named photo.webp", enc('<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'), "photo.webp", "image/webp"],
    ["an HTML page named insurance.pdf", enc("<html><body onload=alert(1)>"), "insurance.pdf", "application/pdf"],
  ] as const;

  it.each(disguised)("refuses %s where a photo or document is asked for", async (_, bytes, name, type) => {
    for (const accept of [["jpeg", "png", "webp"], ["pdf", "png", "jpeg", "webp"]] as const) {
      await expect(readFormFile(form(bytes, name, type), "file", { accept: [...accept], maxBytes: 1_000_000, label: "the photo" })).rejects.toMatchObject({
        code: "INVALID_INPUT",
        field: "file",
      });
    }
  });

  it("refuses HTML and SVG even where a CSV is asked for", async () => {
    for (const text of ["<!doctype html><p>x", "  <HTML>", "<script>alert(1)</script>", "<svg onload=alert(1)>"]) {
      expect(sniffFileType(enc(text))).toBeNull();
    }
  });

  it("serves any stored file as an attachment (images inline only as images) with nosniff and a sandbox CSP (property)", () => {
    const types = ["application/pdf", "image/png", "image/jpeg", "image/webp", "text/csv; charset=utf-8"];
    fc.assert(
      fc.property(fc.constantFrom(...types), fc.string(), fc.boolean(), fc.uint8Array({ maxLength: 64 }), (contentType, originalName, inline, bytes) => {
        const response = fileResponse({ originalName, contentType }, Buffer.from(bytes), { inline });
        const disposition = response.headers.get("Content-Disposition")!;
        expect(disposition.startsWith(inline && contentType.startsWith("image/") ? "inline;" : "attachment;")).toBe(true);
        // The name cannot break out of the header into another parameter or header.
        expect(disposition).not.toMatch(/[\r\n]/);
        expect(/filename="([^"]*)"/.exec(disposition)?.[1]).toBeDefined();
        expect(response.headers.get("X-Content-Type-Options")).toBe("nosniff");
        expect(response.headers.get("Content-Security-Policy")).toBe("default-src 'none'; sandbox");
        expect(response.headers.get("Content-Type")).toBe(contentType);
      }),
    );
  });
});
