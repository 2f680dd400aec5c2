// Server rendering: streams HTML (bots get the whole page at once) and sets security headers, with a script nonce, on every document.
import { randomBytes } from "node:crypto";
import { PassThrough } from "node:stream";
import type { EntryContext } from "@remix-run/node";
import { createReadableStreamFromReadable } from "@remix-run/node";
import { RemixServer } from "@remix-run/react";
import { isbot } from "isbot";
import { renderToPipeableStream } from "react-dom/server";
import { assertEnvAtStartup } from "~/lib/env.server";
import { baseSecurityHeaders, documentCsp } from "~/lib/http-guards.server";
import { NonceContext } from "~/ui/nonce";

// The server build loads this module at start: a bad environment stops the web process before it listens.
assertEnvAtStartup();

export const streamTimeout = 5_000;

export default function handleRequest(request: Request, responseStatusCode: number, responseHeaders: Headers, remixContext: EntryContext) {
  const production = process.env.NODE_ENV === "production";
  // A fresh nonce per page: only scripts carrying it run (see documentCsp).
  const nonce = randomBytes(16).toString("base64");
  for (const [name, value] of Object.entries(baseSecurityHeaders(production))) responseHeaders.set(name, value);
  responseHeaders.set("Content-Security-Policy", documentCsp(nonce, production));
  const readyEvent = isbot(request.headers.get("user-agent") ?? "") ? "onAllReady" : "onShellReady";

  return new Promise<Response>((resolve, reject) => {
    let shellRendered = false;
    const { pipe, abort } = renderToPipeableStream(
      <NonceContext.Provider value={nonce}>
        <RemixServer context={remixContext} url={request.url} abortDelay={streamTimeout} nonce={nonce} />
      </NonceContext.Provider>,
      {
        nonce,
        [readyEvent]() {
          shellRendered = true;
          const body = new PassThrough();
          responseHeaders.set("Content-Type", "text/html; charset=utf-8");
          resolve(
            new Response(createReadableStreamFromReadable(body), {
              headers: responseHeaders,
              status: responseStatusCode,
            })
          );
          pipe(body);
        },
        onShellError(error: unknown) {
          reject(error);
        },
        onError(error: unknown) {
          responseStatusCode = 500;
          // Errors after the shell are logged here; before it, the error boundary renders them.
          if (shellRendered) console.error(error);
        },
      }
    );
    setTimeout(abort, streamTimeout + 1_000);
  });
}
