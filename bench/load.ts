// Load generators: autocannon for pages (fixed concurrency, fixed time), and a pool of HTTP clients that each
// submit one booking form, for the booking figures.
import http from "node:http";
import autocannon from "autocannon";
import { percentile, round } from "./harness";

export type PageLoad = { requestsPerSecond: number; p50: number; p95: number; p99: number; requests: number; non2xx: number; errors: number };

/** Requests per second and latency percentiles (ms) at a fixed number of connections for a fixed time. */
export async function loadPage(url: string, options: { connections: number; seconds: number; headers?: Record<string, string> }): Promise<PageLoad> {
  const latencies: number[] = [];
  const result = await new Promise<autocannon.Result>((resolve, reject) => {
    const instance = autocannon(
      // A slow answer is still an answer: counted with its latency rather than dropped after autocannon's 10 s.
      { url, connections: options.connections, duration: options.seconds, headers: options.headers ?? {}, timeout: 60 },
      (error, done) => (error ? reject(error) : resolve(done)),
    );
    instance.on("response", (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  });
  return {
    requestsPerSecond: round(result.requests.total / options.seconds, 1),
    p50: round(percentile(latencies, 50), 1),
    p95: round(percentile(latencies, 95), 1),
    p99: round(percentile(latencies, 99), 1),
    requests: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

export type FormPost = { path: string; cookie: string; body: URLSearchParams };
export type PostOutcome = { status: number; location: string | null; ms: number; body: string };

/** Sends every post with at most `concurrency` in flight, each client on its own kept-alive connection. */
export async function postAll(baseUrl: string, posts: FormPost[], concurrency: number): Promise<{ outcomes: PostOutcome[]; seconds: number }> {
  const target = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const outcomes: PostOutcome[] = new Array(posts.length);
  let next = 0;
  const started = performance.now();
  async function client() {
    for (let i = next++; i < posts.length; i = next++) outcomes[i] = await postForm(target, agent, posts[i]!);
  }
  await Promise.all(Array.from({ length: Math.min(concurrency, posts.length) }, client));
  const seconds = (performance.now() - started) / 1000;
  agent.destroy();
  return { outcomes, seconds };
}

function postForm(target: URL, agent: http.Agent, post: FormPost): Promise<PostOutcome> {
  const body = post.body.toString();
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: post.path,
        method: "POST",
        agent,
        headers: {
          "Content-Type": "application/x-www-form-urlencoded",
          "Content-Length": Buffer.byteLength(body),
          // The server refuses posts that are not from its own pages.
          Origin: target.origin,
          Cookie: post.cookie,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            location: (res.headers.location as string | undefined) ?? null,
            ms: performance.now() - started,
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}
