// A loopback HTTP server that forwards every request to a third-party API through this process's fetch,
// so a child process's calls reach the fake (MSW) of the test process, whose state outlives every child.
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";

export type ForwardingProxy = { url: string; close: () => Promise<void> };

export async function startForwardingProxy(target: string): Promise<ForwardingProxy> {
  const proxy = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const headers = Object.fromEntries(
        Object.entries(req.headers).filter(([name, value]) => typeof value === "string" && !["host", "connection", "content-length"].includes(name)),
      ) as Record<string, string>;
      const body = Buffer.concat(chunks);
      fetch(`${target}${req.url}`, { method: req.method, headers, body: body.length > 0 ? body : undefined })
        .then(async (response) => {
          res.writeHead(response.status, { "Content-Type": response.headers.get("Content-Type") ?? "application/json" });
          res.end(Buffer.from(await response.arrayBuffer()));
        })
        // A lost answer in the fake is a dropped connection here.
        .catch(() => req.socket.destroy());
    });
  });
  await new Promise<void>((resolve) => proxy.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => proxy.close(() => resolve())),
  };
}
