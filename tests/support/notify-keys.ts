// Turns Notify on for one test file (keys and templates of its own), and back off after it.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import { resetEnvForTests } from "~/lib/env.server";

/** A Notify key and templates for this test file (Notify itself is the fake in tests/mocks/notify.ts). */
export function useNotifyKeys() {
  const keys = {
    NOTIFY_API_KEY: `playpass_test-${randomUUID()}-${randomUUID()}`,
    NOTIFY_SMS_TEMPLATE_ID: randomUUID(),
    NOTIFY_EMAIL_TEMPLATE_ID: randomUUID(),
  };
  const before = Object.fromEntries(Object.keys(keys).map((key) => [key, process.env[key]]));
  beforeAll(() => {
    Object.assign(process.env, keys);
    resetEnvForTests();
  });
  afterAll(() => {
    for (const [key, value] of Object.entries(before)) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
    resetEnvForTests();
  });
  return keys;
}
