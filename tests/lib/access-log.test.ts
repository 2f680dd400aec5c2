// The access log's view of a request: the route stays readable, the secrets in it do not.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { loggablePath } from "~/lib/http-guards.server";

describe("loggablePath", () => {
  it("keeps an ordinary path and its query as they are", () => {
    expect(loggablePath("/activities/123?date=2026-12-01&page=2")).toBe("/activities/123?date=2026-12-01&page=2");
  });

  it("writes guardian consent and team invitation tokens as [token]", () => {
    expect(loggablePath("/consent/Zq9x-secret_token")).toBe("/consent/[token]");
    expect(loggablePath("/invitations/abcDEF123?welcome=1")).toBe("/invitations/[token]?welcome=1");
  });

  it("redacts code and token query values, whatever their case", () => {
    expect(loggablePath("/activate?code=NB14-TEEN-2026")).toBe("/activate?code=[redacted]");
    expect(loggablePath("/activate/guardian?Token=abc&step=2")).toBe("/activate/guardian?Token=[redacted]&step=2");
  });

  it("never lets an activation code or token through, whatever else the address holds", () => {
    const secret = fc.stringMatching(/^[A-Z0-9]{12,32}$/);
    const other = fc.dictionary(fc.stringMatching(/^[a-z]{1,8}$/).filter((k) => k !== "code" && k !== "token"), fc.stringMatching(/^[a-z0-9]{0,8}$/), { maxKeys: 3 });
    fc.assert(
      fc.property(secret, other, fc.constantFrom("code", "token", "CODE"), (value, extra, key) => {
        const query = new URLSearchParams({ ...extra, [key]: value }).toString();
        expect(loggablePath(`/activate?${query}`)).not.toContain(value);
        expect(loggablePath(`/consent/${value}`)).not.toContain(value);
      }),
      { seed: 7, numRuns: 200 },
    );
  });
});
