// The fake Stripe of tests/mocks/stripe.ts (MSW handlers), served over HTTP for browser tests: web and
// workers are separate processes, so both reach this one fake through STRIPE_API_BASE and see the same
// accounts and transfers. Requests are handed to the MSW handlers as if they had gone to api.stripe.com.
// Under /__fake/ the test plays Stripe's side: it reads the fake's ledger and finishes an onboarding.
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { getResponse } from "msw";
import { fakeStripe, setRecipientTransfers, stripeHandlers, type RecipientTransfersStatus } from "../mocks/stripe";

const STRIPE_API = "https://api.stripe.com";

export type FakeStripeState = {
  transfers: (typeof fakeStripe.transfers)[number][];
  requests: (typeof fakeStripe.requests)[number][];
  accountLinks: (typeof fakeStripe.accountLinks)[number][];
  recipients: { id: string; transfers: { status: RecipientTransfersStatus; code: string | null } }[];
};

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function state(): FakeStripeState {
  return {
    transfers: fakeStripe.transfers,
    requests: fakeStripe.requests,
    accountLinks: fakeStripe.accountLinks,
    recipients: [...fakeStripe.recipients.values()].map((r) => ({ id: r.id, transfers: r.transfers })),
  };
}

/** Starts the fake on a free local port; resolves with its base URL and a way to stop it. */
export async function startFakeStripeServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const server: Server = createServer(async (incoming, outgoing) => {
    try {
      const path = incoming.url ?? "/";
      const body = await readBody(incoming);
      if (path === "/__fake/state" && incoming.method === "GET") {
        outgoing.writeHead(200, { "Content-Type": "application/json" }).end(JSON.stringify(state()));
        return;
      }
      const activation = /^\/__fake\/recipients\/([^/]+)\/transfers$/.exec(path);
      if (activation && incoming.method === "POST") {
        const { status } = JSON.parse(body.toString("utf8")) as { status: RecipientTransfersStatus };
        setRecipientTransfers(activation[1]!, status);
        outgoing.writeHead(204).end();
        return;
      }
      const headers = new Headers();
      for (const [name, value] of Object.entries(incoming.headers)) {
        if (value !== undefined && name !== "host" && name !== "content-length") headers.set(name, Array.isArray(value) ? value.join(", ") : value);
      }
      const request = new Request(`${STRIPE_API}${path}`, {
        method: incoming.method,
        headers,
        body: incoming.method === "GET" || incoming.method === "HEAD" ? undefined : new Uint8Array(body),
      });
      const response = await getResponse(stripeHandlers, request);
      if (!response) {
        outgoing.writeHead(404, { "Content-Type": "application/json" }).end(JSON.stringify({ error: { type: "invalid_request_error", message: `The fake Stripe has no ${incoming.method} ${path}` } }));
        return;
      }
      // HttpResponse.error(): the connection drops without an answer, as the handler meant.
      if (response.type === "error") {
        incoming.socket.destroy();
        return;
      }
      outgoing.writeHead(response.status, Object.fromEntries(response.headers.entries()));
      outgoing.end(Buffer.from(await response.arrayBuffer()));
    } catch (error) {
      outgoing.writeHead(500, { "Content-Type": "application/json" }).end(JSON.stringify({ error: { type: "api_error", message: String(error) } }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  // Never what keeps a test run alive (for example when the setup fails before its teardown exists).
  server.unref();
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
