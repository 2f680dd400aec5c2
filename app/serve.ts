// The production web server: Express in front of the Remix build. It adds what Remix alone does not
// have: a same-origin check on every mutation, security headers on every response (files and API
// answers too), the client's address from a trusted proxy only, compression, long-lived caching of
// hashed assets, an access log without secrets, and a clean stop on SIGTERM.
//
// Run: npm run build, then node build/node/serve.js (npm start; vite.node.config.ts compiles this file). PORT, TRUST_PROXY, APP_URL and ACCESS_LOG: app/lib/env.server.ts.
import { readdirSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { createRequestHandler } from "@remix-run/express";
import type { ServerBuild } from "@remix-run/node";
import compression from "compression";
import express from "express";
import onHeaders from "on-headers";
import { pino } from "pino";
import { getEnv } from "./lib/env.server";
import { baseSecurityHeaders, checkFormBody, checkSameOrigin, CLIENT_ADDRESS_HEADER, loggablePath, NON_DOCUMENT_CSP } from "./lib/http-guards.server";

type ServerOptions = { build: ServerBuild; appUrl: string; production: boolean; trustProxy: number; clientDir: string; log?: pino.Logger };

export function createServer({ build, appUrl, production, trustProxy, clientDir, log }: ServerOptions) {
  const app = express();
  app.disable("x-powered-by");
  // How many proxies in front of us to believe about the client's address; 0 means the socket's.
  app.set("trust proxy", trustProxy);
  const headers = baseSecurityHeaders(production);

  app.use((req, res, next) => {
    const started = process.hrtime.bigint();
    onHeaders(res, () => {
      for (const [name, value] of Object.entries(headers)) if (!res.hasHeader(name)) res.setHeader(name, value);
      if (!res.hasHeader("Content-Security-Policy")) res.setHeader("Content-Security-Policy", NON_DOCUMENT_CSP);
    });
    if (log) {
      res.once("finish", () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        log.info({ method: req.method, path: loggablePath(req.originalUrl), status: res.statusCode, ms: Math.round(ms) }, "request");
      });
    }
    next();
  });

  app.use((req, res, next) => {
    const verdict = checkSameOrigin({
      method: req.method,
      path: req.path,
      host: req.get("host"),
      origin: req.get("origin"),
      secFetchSite: req.get("sec-fetch-site"),
      appUrl,
    });
    if (!verdict.ok) {
      res.status(403).type("text/plain").send(`Refused: ${verdict.reason}. Go back to Playpass and try again.`);
      return;
    }
    const body = checkFormBody({ method: req.method, path: req.path, contentType: req.get("content-type") });
    if (!body.ok) {
      res.status(415).type("text/plain").send(`Refused: ${body.reason}.`);
      return;
    }
    // Whatever the client wrote here is replaced by the address Express worked out.
    req.headers[CLIENT_ADDRESS_HEADER] = req.ip ?? "unknown";
    next();
  });

  app.use(compression());
  // Vite fingerprints everything under assets/, so it never changes and can be cached for a year.
  app.use("/assets", express.static(path.join(clientDir, "assets"), { immutable: true, maxAge: "1y", index: false }));
  // Only the few files at the top of the client build (favicon, manifest, robots.txt) are served from the root:
  // trying the disk first for every page cost a failed stat and an error object per request (~4% of a page's CPU).
  const rootFiles = new Set(readdirSync(clientDir, { withFileTypes: true }).filter((entry) => entry.isFile()).map((entry) => `/${entry.name}`));
  const rootStatic = express.static(clientDir, { maxAge: "1h", index: false });
  app.use((req, res, next) => (rootFiles.has(req.path) ? rootStatic(req, res, next) : next()));
  app.all("*", createRequestHandler({ build, mode: production ? "production" : "development" }));
  return app;
}

async function main() {
  const root = process.cwd();
  const build = (await import(pathToFileURL(path.join(root, "build/server/index.js")).href)) as ServerBuild;
  const production = process.env.NODE_ENV === "production";
  const port = Number(process.env.PORT ?? 3000);
  const trustProxy = Number(process.env.TRUST_PROXY ?? 0);
  if (!Number.isInteger(trustProxy) || trustProxy < 0)
    throw new Error(`TRUST_PROXY: expected a number of proxies (0 or more), got "${process.env.TRUST_PROXY}"`);
  const log = pino({ level: process.env.LOG_LEVEL ?? "info", base: { service: "web" } });
  const app = createServer({
    build,
    appUrl: process.env.APP_URL ?? `http://localhost:${port}`,
    production,
    trustProxy,
    clientDir: path.join(root, "build/client"),
    log: process.env.ACCESS_LOG === "off" ? undefined : log,
  });
  const server = app.listen(port, () => log.info({ port }, `Playpass web listening on http://localhost:${port}`));
  // Keep-alive longer than a load balancer's idle timeout, so it never reuses a socket we closed.
  server.keepAliveTimeout = 65_000;
  const stop = () => {
    log.info("Stopping: finishing requests in flight");
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 10_000).unref();
  };
  process.once("SIGTERM", stop);
  process.once("SIGINT", stop);
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? "").href) {
  main().catch((error) => {
    console.error(error);
    process.exit(1);
  });
}
