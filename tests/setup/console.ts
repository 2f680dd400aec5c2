// An unexpected console.error fails the test that caused it. A test that expects one says so first.
import { format } from "node:util";

const original = console.error.bind(console);
let seen: string[] = [];
let allowed: RegExp[] = [];

export function captureConsoleErrors() {
  console.error = (...args: unknown[]) => {
    const text = format(...args);
    seen.push(text);
    original(...args);
  };
}

/** Lets the current test write console.errors matching the pattern (e.g. a logged failure it provokes). */
export function allowConsoleError(pattern: RegExp) {
  allowed.push(pattern);
}

/** Called after each test: throws when something wrote an error nobody expected. */
export function assertNoUnexpectedConsoleErrors(where: string) {
  const unexpected = seen.filter((text) => !allowed.some((pattern) => pattern.test(text)));
  seen = [];
  allowed = [];
  if (unexpected.length > 0) {
    throw new Error(`${where} wrote ${unexpected.length} unexpected console.error(s):\n${unexpected.map((t) => `  - ${t.slice(0, 2000)}`).join("\n")}`);
  }
}
