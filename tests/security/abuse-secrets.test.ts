// Every secret a person could guess (codes typed at a door or on a phone, links, keys, session ids) comes from
// crypto's CSPRNG with the alphabet and length its module states, so its entropy is what docs/security.md says.
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { CODE_ENTROPY_BITS, newActivationCode, newBookingCode, newOneTimeCode, newPassCode, normaliseCode } from "~/domain/codes";
import { API_KEY_ENTROPY_BITS, createApiKey } from "~/domain/providers/api-keys";
import { CONSENT_TOKEN_BYTES, requestGuardianConsent } from "~/domain/identity/consent";
import { createInvitation, INVITATION_TOKEN_BITS } from "~/domain/identity/invitations";
import { getDb } from "~/lib/db.server";
import { startSession } from "~/lib/session.server";
import { createCouncil, createProvider, createYoungPerson } from "../factories";
import { createMember, createUser } from "../support/actors";

// The real generator, watched while a test asks: every call still returns crypto's own random values.
const watch = vi.hoisted(() => ({ on: false, ints: [] as Array<{ max: number; value: number }>, bytes: [] as Array<{ size: number; value: Buffer }> }));
vi.mock("node:crypto", async (importOriginal) => {
  const actual = await importOriginal<typeof import("node:crypto")>();
  return {
    ...actual,
    randomInt: (max: number) => {
      const value = actual.randomInt(max);
      if (watch.on) watch.ints.push({ max, value });
      return value;
    },
    randomBytes: (size: number) => {
      const value = actual.randomBytes(size);
      if (watch.on) watch.bytes.push({ size, value });
      return value;
    },
  };
});

function watching() {
  watch.on = true;
  watch.ints = [];
  watch.bytes = [];
}

const CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const SAMPLES = 100_000;

afterEach(() => {
  watch.on = false;
});

/** Pearson's chi-square statistic of observed counts against a uniform expectation. */
function chiSquare(counts: number[], total: number): number {
  const expected = total / counts.length;
  return counts.reduce((sum, observed) => sum + (observed - expected) ** 2 / expected, 0);
}

/**
 * A bound the statistic of a uniform source passes with overwhelming odds: the mean (degrees of freedom)
 * plus ten standard deviations (sqrt(2 * dof)). A skewed generator (a missing symbol, modulo bias,
 * a narrow seed) lands far above it at 100,000 samples.
 */
const generousBound = (symbols: number) => symbols - 1 + 10 * Math.sqrt(2 * (symbols - 1));

/** Expected number of distinct values among n draws from N equally likely ones. */
const expectedDistinct = (n: number, space: number) => space * -Math.expm1(-n / space);

describe.each([
  { name: "booking (door) code", make: newBookingCode, symbols: 8, stated: CODE_ENTROPY_BITS.booking },
  { name: "activation code", make: newActivationCode, symbols: 12, stated: CODE_ENTROPY_BITS.activation },
  { name: "pass code", make: newPassCode, symbols: 16, stated: CODE_ENTROPY_BITS.pass },
])("the $name", ({ make, symbols, stated }) => {
  it(`has the stated entropy: ${symbols} Crockford base32 symbols of 5 bits each`, () => {
    expect(symbols * Math.log2(CROCKFORD.length)).toBe(stated);
  });

  it("draws each symbol from crypto.randomInt over the whole alphabet, never from Math.random", () => {
    const mathRandom = vi.spyOn(Math, "random");
    watching();
    const code = make();
    expect(watch.ints).toHaveLength(symbols);
    for (const { max } of watch.ints) expect(max).toBe(32);
    const drawn = watch.ints.map((draw) => CROCKFORD[draw.value]).join("");
    expect(code.replace(/-/g, "")).toBe(drawn);
    expect(mathRandom).not.toHaveBeenCalled();
    mathRandom.mockRestore();
  });

  it(`over ${SAMPLES.toLocaleString("en-GB")} samples: the stated shape, no more repeats than the birthday bound, every symbol at every position, uniform`, () => {
    const seen = new Set<string>();
    const perPosition = Array.from({ length: symbols }, () => new Array<number>(32).fill(0));
    const shape = new RegExp(`^[${CROCKFORD}]{4}(-[${CROCKFORD}]{4}){${symbols / 4 - 1}}$`);
    for (let i = 0; i < SAMPLES; i++) {
      const code = make();
      if (!shape.test(code)) throw new Error(`${code} is not ${symbols} Crockford symbols in groups of four`);
      // What a person types back (lower case, no dashes) reads as the same code.
      if (i < 100) expect(normaliseCode(code.toLowerCase().replace(/-/g, " "))).toBe(code);
      seen.add(code);
      const bare = code.replace(/-/g, "");
      for (let p = 0; p < symbols; p++) perPosition[p]![CROCKFORD.indexOf(bare[p]!)]!++;
    }
    // 2^40 codes and 100,000 draws: about 0.005 repeats expected, so two would already be suspicious.
    const expectedRepeats = SAMPLES - expectedDistinct(SAMPLES, 2 ** stated);
    expect(expectedRepeats).toBeLessThan(0.01);
    expect(SAMPLES - seen.size).toBeLessThanOrEqual(1);
    for (const counts of perPosition) {
      expect(Math.min(...counts)).toBeGreaterThan(0);
      expect(chiSquare(counts, SAMPLES)).toBeLessThan(generousBound(32));
    }
    const overall = CROCKFORD.split("").map((_, s) => perPosition.reduce((sum, counts) => sum + counts[s]!, 0));
    expect(chiSquare(overall, SAMPLES * symbols)).toBeLessThan(generousBound(32));
  });
});

describe("the six-digit one-time code (sign-in, activation)", () => {
  it("states about 19.9 bits: a million equally likely codes", () => {
    expect(CODE_ENTROPY_BITS.oneTime).toBeCloseTo(19.93, 2);
  });

  it("is crypto.randomInt below 1,000,000, zero-padded, never Math.random", () => {
    const mathRandom = vi.spyOn(Math, "random");
    watching();
    const code = newOneTimeCode();
    expect(watch.ints).toEqual([{ max: 1_000_000, value: expect.any(Number) }]);
    expect(code).toBe(String(watch.ints[0]!.value).padStart(6, "0"));
    expect(mathRandom).not.toHaveBeenCalled();
    mathRandom.mockRestore();
  });

  it(`over ${SAMPLES.toLocaleString("en-GB")} samples: six digits, repeats as the birthday bound predicts, every digit uniform at every position`, () => {
    const seen = new Set<string>();
    const perPosition = Array.from({ length: 6 }, () => new Array<number>(10).fill(0));
    for (let i = 0; i < SAMPLES; i++) {
      const code = newOneTimeCode();
      if (!/^\d{6}$/.test(code)) throw new Error(`${code} is not six digits`);
      seen.add(code);
      for (let p = 0; p < 6; p++) perPosition[p]![code.charCodeAt(p) - 48]!++;
    }
    // From a million codes, 100,000 draws give about 95,163 distinct ones (sd about 70).
    expect(Math.abs(seen.size - expectedDistinct(SAMPLES, 1_000_000))).toBeLessThan(1_000);
    for (const counts of perPosition) {
      expect(Math.min(...counts)).toBeGreaterThan(0);
      expect(chiSquare(counts, SAMPLES)).toBeLessThan(generousBound(10));
    }
  });
});

/** The randomBytes call of this size whose bytes, as base64url, are the token; fails if there is none. */
function bytesBehind(token: string, size: number): Buffer {
  const match = watch.bytes.find((draw) => draw.size === size && draw.value.toString("base64url") === token);
  expect(match, `a crypto.randomBytes(${size}) call that made ${token}`).toBeDefined();
  return match!.value;
}

describe("secrets made of random bytes", () => {
  it("a session id is 32 bytes (256 bits) from crypto.randomBytes, carried in a signed cookie", async () => {
    const user = await createUser();
    watching();
    const setCookie = await startSession(new Request("http://localhost/"), user.id);
    const session = await getDb().session.findFirstOrThrow({ where: { userId: user.id }, select: { id: true } });
    expect(bytesBehind(session.id, 32)).toHaveLength(32);
    expect(setCookie).not.toContain(session.id); // signed and encoded, never the bare id
  });

  it(`an API key's secret is ${API_KEY_ENTROPY_BITS} bits from crypto.randomBytes, its prefix 40 more; only a hash is stored`, async () => {
    const council = await createCouncil();
    const { provider } = await createProvider({ councilId: council.id });
    watching();
    const key = await createApiKey(getDb(), { providerId: provider.id, name: "Till", actorUserId: null });
    const [, prefix, secret] = /^pp_live_([0-9a-f]{10})_([A-Za-z0-9_-]{43})$/.exec(key.token)!;
    expect(bytesBehind(secret!, API_KEY_ENTROPY_BITS / 8)).toHaveLength(32);
    expect(watch.bytes.some((draw) => draw.size === 5 && draw.value.toString("hex") === prefix)).toBe(true);
    const stored = await getDb().apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(JSON.stringify(stored)).not.toContain(secret);
  });

  it(`a team invitation link carries ${INVITATION_TOKEN_BITS} bits from crypto.randomBytes; only its hash is stored`, async () => {
    const council = await createCouncil();
    const { provider } = await createProvider({ councilId: council.id });
    const manager = await createMember("PROVIDER_MANAGER", { providerId: provider.id });
    watching();
    const invited = await createInvitation(getDb(), {
      email: `new-${randomUUID()}@example.test`,
      role: "DOOR_STAFF",
      scope: { providerId: provider.id },
      invitedBy: { userId: manager.id, name: "Manager" },
    });
    const token = invited.link.split("/invitations/")[1]!;
    expect(bytesBehind(token, INVITATION_TOKEN_BITS / 8)).toHaveLength(32);
    const stored = await getDb().invitation.findUniqueOrThrow({ where: { id: invited.invitation.id } });
    expect(JSON.stringify(stored)).not.toContain(token);
  });

  it(`a guardian consent link carries ${CONSENT_TOKEN_BYTES * 8} bits from crypto.randomBytes; only its hash is stored`, async () => {
    const { youngPerson } = await createYoungPerson({ age: 11 });
    await getDb().youngPerson.update({ where: { id: youngPerson.id }, data: { status: "AWAITING_CONSENT" } });
    const child = await createMember("YOUNG_PERSON", { youngPersonId: youngPerson.id });
    watching();
    const sent = await requestGuardianConsent(getDb(), { youngPersonId: youngPerson.id, guardianContact: "guardian@example.test", actorUserId: child.id });
    expect(bytesBehind(sent.token, CONSENT_TOKEN_BYTES)).toHaveLength(32);
    const stored = await getDb().guardianConsent.findMany({ where: { youngPersonId: youngPerson.id } });
    expect(JSON.stringify(stored)).not.toContain(sent.token);
  });
});
