import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { CODE_ENTROPY_BITS, newActivationCode, newBookingCode, newOneTimeCode, newPassCode, normaliseCode } from "~/domain/codes";
import { normaliseContact, normaliseUkMobile, type NormalisedContact } from "~/domain/identity/contact";
import { CODE_TTL_MINUTES, MAX_ATTEMPTS_PER_CODE, requestSignInCode, verifySignInCode } from "~/domain/identity/sign-in";
import { uniqueSuffix } from "../factories";
import { domainCodes, expectDomainError, settle } from "../helpers";
import { createUser } from "../support/actors";

const db = () => getDb();
const MINUTE = 60_000;

/** A user who can sign in by email, and the contact they type. */
async function emailUser() {
  const email = `sign-in-${uniqueSuffix()}@example.test`;
  const user = await createUser({ email });
  return { user, contact: { kind: "email", value: email } satisfies NormalisedContact };
}

/** The code in a sign-in message, read from the outbox row (no Notify key in tests, so the body is kept). */
async function codeIn(messageId: string | null): Promise<string> {
  expect(messageId).not.toBeNull();
  const message = await db().message.findUniqueOrThrow({ where: { id: messageId! } });
  const code = /^(\d{6}) is your Playpass code/.exec(message.body)?.[1];
  expect(code, `no code in "${message.body}"`).toBeDefined();
  return code!;
}

/** A six-digit code that is not this one. */
const wrongCodeFor = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");

describe("requesting a sign-in code", () => {
  it("sends a sign-in-code message only when the contact belongs to a user", async () => {
    const { contact } = await emailUser();
    const messageId = await requestSignInCode(db(), contact);
    const message = await db().message.findUniqueOrThrow({ where: { id: messageId! } });
    expect(message).toMatchObject({ template: "sign-in-code", channel: "EMAIL", recipient: contact.value, status: "PENDING", redactAfterSend: true });
    expect(await db().verification.count({ where: { target: contact.value } })).toBe(1);
  });

  it("texts a user who signs in by mobile number", async () => {
    const phone = `+447700${String(Math.floor(Math.random() * 1_000_000)).padStart(6, "0")}`;
    await createUser({ email: null, phone });
    const messageId = await requestSignInCode(db(), { kind: "phone", value: phone });
    expect(await db().message.findUniqueOrThrow({ where: { id: messageId! } })).toMatchObject({ template: "sign-in-code", channel: "SMS", recipient: phone });
  });

  it("answers an unknown contact without an error and without sending or storing anything", async () => {
    const contact = { kind: "email", value: `nobody-${uniqueSuffix()}@example.test` } satisfies NormalisedContact;
    const messagesBefore = await db().message.count();
    await expect(requestSignInCode(db(), contact)).resolves.toBeNull();
    expect(await db().message.count()).toBe(messagesBefore);
    expect(await db().verification.count({ where: { target: contact.value } })).toBe(0);
  });

  it("stores a keyed hash of the code, never the code itself", async () => {
    const { contact } = await emailUser();
    const code = await codeIn(await requestSignInCode(db(), contact));
    const verification = await db().verification.findFirstOrThrow({ where: { target: contact.value } });
    expect(verification.codeHash).toMatch(/^[0-9a-f]{64}$/);
    expect(verification.codeHash).not.toContain(code);
  });

  it("replaces an earlier code: only the newest one works", async () => {
    const { user, contact } = await emailUser();
    const first = await codeIn(await requestSignInCode(db(), contact));
    let second = await codeIn(await requestSignInCode(db(), contact));
    // One in a million the two codes are equal, which would prove nothing: ask again.
    while (second === first) second = await codeIn(await requestSignInCode(db(), contact));

    expect(await db().verification.count({ where: { target: contact.value, usedAt: null } })).toBe(1);
    await expectDomainError(verifySignInCode(db(), contact, first), "CODE_INVALID");
    await expect(verifySignInCode(db(), contact, second)).resolves.toBe(user.id);
  });
});

describe("verifying a sign-in code", () => {
  it("signs the user in with the right code, once", async () => {
    const { user, contact } = await emailUser();
    const code = await codeIn(await requestSignInCode(db(), contact));
    await expect(verifySignInCode(db(), contact, code)).resolves.toBe(user.id);
    expect((await db().user.findUniqueOrThrow({ where: { id: user.id } })).lastSignInAt).not.toBeNull();
    await expectDomainError(verifySignInCode(db(), contact, code), "CODE_INVALID", /has been used/);
  });

  it("accepts the code typed with a space in the middle", async () => {
    const { user, contact } = await emailUser();
    const code = await codeIn(await requestSignInCode(db(), contact));
    await expect(verifySignInCode(db(), contact, `${code.slice(0, 3)} ${code.slice(3)}`)).resolves.toBe(user.id);
  });

  it(`CODE_EXPIRED: refuses a code used after ${CODE_TTL_MINUTES} minutes`, async () => {
    const { contact } = await emailUser();
    const sentAt = new Date();
    const code = await codeIn(await requestSignInCode(db(), contact, sentAt));
    await expectDomainError(verifySignInCode(db(), contact, code, new Date(sentAt.getTime() + 11 * MINUTE)), "CODE_EXPIRED", /expired/);
  });

  it(`TOO_MANY_ATTEMPTS: refuses even the right code after ${MAX_ATTEMPTS_PER_CODE} wrong ones`, async () => {
    const { contact } = await emailUser();
    const code = await codeIn(await requestSignInCode(db(), contact));
    for (let i = 0; i < MAX_ATTEMPTS_PER_CODE; i++) {
      await expectDomainError(verifySignInCode(db(), contact, wrongCodeFor(code)), "CODE_INVALID", /not right/);
    }
    await expectDomainError(verifySignInCode(db(), contact, code), "TOO_MANY_ATTEMPTS", /Too many wrong codes/);
  });

  it("counts a wrong code's attempt even though it answers with an error", async () => {
    const { contact } = await emailUser();
    const code = await codeIn(await requestSignInCode(db(), contact));
    await expectDomainError(verifySignInCode(db(), contact, wrongCodeFor(code)), "CODE_INVALID");
    const verification = await db().verification.findFirstOrThrow({ where: { target: contact.value } });
    expect(verification).toMatchObject({ attempts: 1, usedAt: null });
  });

  it("a code submitted twice at the same moment signs in once", async () => {
    const { user, contact } = await emailUser();
    const code = await codeIn(await requestSignInCode(db(), contact));
    const { fulfilled, rejected } = await settle(Array.from({ length: 4 }, () => verifySignInCode(db(), contact, code)));
    expect(fulfilled).toEqual([user.id]);
    expect(domainCodes(rejected)).toEqual(["CODE_INVALID", "CODE_INVALID", "CODE_INVALID"]);
  });

  it(`wrong codes sent all at once still stop at ${MAX_ATTEMPTS_PER_CODE} attempts`, async () => {
    const { contact } = await emailUser();
    const code = await codeIn(await requestSignInCode(db(), contact));
    const { fulfilled, rejected } = await settle(Array.from({ length: 9 }, () => verifySignInCode(db(), contact, wrongCodeFor(code))));
    expect(fulfilled).toEqual([]);
    const codes = domainCodes(rejected);
    expect(codes.filter((c) => c === "CODE_INVALID")).toHaveLength(MAX_ATTEMPTS_PER_CODE);
    expect(codes.filter((c) => c === "TOO_MANY_ATTEMPTS")).toHaveLength(9 - MAX_ATTEMPTS_PER_CODE);
    expect((await db().verification.findFirstOrThrow({ where: { target: contact.value } })).attempts).toBe(MAX_ATTEMPTS_PER_CODE);
    await expectDomainError(verifySignInCode(db(), contact, code), "TOO_MANY_ATTEMPTS");
  });

  it("refuses something that is not six digits without spending an attempt", async () => {
    const { contact } = await emailUser();
    await requestSignInCode(db(), contact);
    await expectDomainError(verifySignInCode(db(), contact, "12ab56"), "CODE_INVALID", /6-digit/);
    expect((await db().verification.findFirstOrThrow({ where: { target: contact.value } })).attempts).toBe(0);
  });

  it("refuses any code for a contact that was never sent one", async () => {
    await expectDomainError(verifySignInCode(db(), { kind: "email", value: `nobody-${uniqueSuffix()}@example.test` }, "123456"), "CODE_INVALID");
  });
});

describe("contact normalisation", () => {
  it("writes UK mobile numbers in E.164 however they are typed", () => {
    for (const typed of ["07700 900123", "07700900123", "+44 7700 900123", "+447700900123", "0044 7700 900123", "(07700) 900-123", "+44 (0)7700 900123", "+44 (0) 7700 900 123"]) {
      expect(normaliseUkMobile(typed), typed).toBe("+447700900123");
      expect(normaliseContact(typed), typed).toEqual({ kind: "phone", value: "+447700900123" });
    }
  });

  it("lower-cases and trims email addresses", () => {
    expect(normaliseContact("  Sam.Tester@Example.COM ")).toEqual({ kind: "email", value: "sam.tester@example.com" });
  });

  it("answers null for anything that is neither", () => {
    for (const junk of ["", "   ", "hello", "sam@", "@example.com", "sam at example.com", "0161 496 0000", "07700 90012", "077009001234", "+33 6 12 34 56 78", "123456", "+44 00 7700 900123", "00 7700 900123"]) {
      expect(normaliseContact(junk), JSON.stringify(junk)).toBeNull();
    }
  });
});

describe("code entropy (CODE_ENTROPY_BITS matches what the generators make)", () => {
  /** Length and alphabet of many generated codes, ignoring the grouping dashes. */
  function shapeOf(generate: () => string, samples = 2_000) {
    const symbols = new Set<string>();
    const lengths = new Set<number>();
    for (let i = 0; i < samples; i++) {
      const code = generate().replace(/-/g, "");
      lengths.add(code.length);
      for (const symbol of code) symbols.add(symbol);
    }
    expect(lengths.size, "every code has the same length").toBe(1);
    return { length: [...lengths][0]!, alphabet: symbols };
  }

  it.each([
    ["booking", newBookingCode, 8, 32],
    ["pass", newPassCode, 16, 32],
    ["activation", newActivationCode, 12, 32],
    ["oneTime", newOneTimeCode, 6, 10],
  ] as const)("%s codes: the stated bits are length × log2(alphabet)", (kind, generate, length, alphabetSize) => {
    const shape = shapeOf(generate);
    expect(shape.length).toBe(length);
    expect(shape.alphabet.size).toBe(alphabetSize);
    expect(CODE_ENTROPY_BITS[kind]).toBeCloseTo(shape.length * Math.log2(shape.alphabet.size), 6);
  });

  it("uses no look-alike letters (I, L, O, U) in codes people type", () => {
    const { alphabet } = shapeOf(newPassCode);
    expect([...alphabet].filter((s) => "ILOU".includes(s))).toEqual([]);
    expect([...alphabet].every((s) => /^[0-9A-Z]$/.test(s))).toBe(true);
  });

  it("makes 10,000 booking codes with no duplicates", () => {
    const codes = Array.from({ length: 10_000 }, newBookingCode);
    expect(new Set(codes).size).toBe(10_000);
    expect(codes.every((code) => /^[0-9A-Z]{4}-[0-9A-Z]{4}$/.test(code))).toBe(true);
  });
});

describe("normaliseCode", () => {
  it("maps O to 0 and I or L to 1", () => {
    expect(normaliseCode("OOIL-LIOO")).toBe("0011-1100");
    expect(normaliseCode("o1il-abcd")).toBe("0111-ABCD");
  });

  it("strips spaces and dashes and groups in fours", () => {
    expect(normaliseCode(" 7k3m q9tx ")).toBe("7K3M-Q9TX");
    expect(normaliseCode("7K-3M--Q9-TX")).toBe("7K3M-Q9TX");
    expect(normaliseCode("7K3MQ9TX")).toBe("7K3M-Q9TX");
  });

  it("answers an empty string for what cannot be a code", () => {
    expect(normaliseCode("7K3M-Q9TU")).toBe("");
    expect(normaliseCode("7K3M_Q9TX")).toBe("");
    expect(normaliseCode("")).toBe("");
  });

  it("leaves every generated code as it is", () => {
    for (let i = 0; i < 500; i++) {
      const code = newBookingCode();
      expect(normaliseCode(code)).toBe(code);
      expect(normaliseCode(code.toLowerCase().replace("-", " "))).toBe(code);
    }
  });
});
