// The page CSP refuses `new Function`; Zod must never try it in the browser, on any page, whichever loads first:
// app/ui/zod-jitless.ts (imported first by the root) or Zod itself (on the pages that validate in the browser).
import { spawnSync } from "node:child_process";
import path from "node:path";
import { expect, it } from "vitest";

const ROOT = path.resolve(__dirname, "../..");

/** Runs `body` in a fresh Node process that stands in for a browser: `document` exists and every `new Function` is recorded. */
function inBrowserLikeProcess(body: string) {
  const script = `
    globalThis.document = {};
    const made = [];
    globalThis.Function = new Proxy(Function, { construct(target, args) { made.push(args.join(",")); return Reflect.construct(target, args); } });
    ${body}
    const { z } = await import("zod");
    z.object({ name: z.string(), age: z.number() }).parse({ name: "Sam", age: 14 });
    console.log(JSON.stringify({ jitless: z.config().jitless === true, made }));`;
  const run = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: ROOT, encoding: "utf8" });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout.trim().split("\n").at(-1)!) as { jitless: boolean; made: string[] };
}

it("makes Zod jitless when the root's module runs before Zod loads, without importing Zod", () => {
  expect(inBrowserLikeProcess(`await import("./app/ui/zod-jitless.ts");`)).toEqual({ jitless: true, made: [] });
});

it("makes Zod jitless when Zod has loaded first", () => {
  expect(inBrowserLikeProcess(`await import("zod"); await import("./app/ui/zod-jitless.ts");`)).toEqual({ jitless: true, made: [] });
});

it("is what stops Zod compiling with new Function (without it, Zod would try)", () => {
  const without = inBrowserLikeProcess("");
  expect(without.jitless).toBe(false);
  expect(without.made.length).toBeGreaterThan(0);
});
