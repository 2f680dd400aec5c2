// Guessing is bounded twice: per account or target (however many addresses a guesser uses) and per address
// (however many accounts it tries). Each entry point a code, key or link is typed into is driven through its
// route, with the client address the production server writes (x-playpass-client-address).
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { bookSlot } from "~/domain/booking";
import { newActivationCode, newBookingCode } from "~/domain/codes";
import { MAX_ATTEMPTS_PER_CODE, requestSignInCode } from "~/domain/identity/sign-in";
import { createApiKey, revokeApiKey } from "~/domain/providers/api-keys";
import { getDb } from "~/lib/db.server";
import { CLIENT_ADDRESS_HEADER } from "~/lib/http-guards.server";
import { consume, LIMITS } from "~/lib/rate-limit.server";
import { loader as activateLoader } from "~/routes/activate._index";
import { loader as apiBookingsLoader } from "~/routes/api.v1.bookings";
import { action as doorAction } from "~/routes/provider.door";
import { action as loginAction } from "~/routes/login._index";
import { action as verifyAction } from "~/routes/login.verify";
import { createInvitedYoungPerson, createScene, createYoungPerson, uniqueSuffix } from "../factories";
import { createMember, createUser, formRequest, routeArgs, signIn, unwrap } from "../support/actors";

const db = () => getDb();
const MINUTE = 60_000;
const TOO_MANY = /Too many attempts/;

/** A fresh address, as the production server would write it for a new client. */
const newAddress = () => `203.0.113.${Math.floor(Math.random() * 250) + 1}-${uniqueSuffix()}`;
const from = (address: string) => ({ [CLIENT_ADDRESS_HEADER]: address });

type Reply = { result?: { error?: Record<string, string[] | null> } };
/** The field's error; a refusal by a rate limit must also say 429, and any other refusal 400. */
function fieldError(reply: unknown, field: string): string {
  const { data, status } = unwrap<Reply>(reply);
  const message = (data.result?.error?.[field] ?? []).join(" ");
  expect(status).toBe(TOO_MANY.test(message) ? 429 : 400);
  return message;
}

async function login(contact: string, address: string): Promise<"sent" | string> {
  try {
    const reply = await loginAction(routeArgs(formRequest("/login", { contact }, { headers: from(address) })));
    return fieldError(reply, "contact");
  } catch (thrown) {
    if (thrown instanceof Response && thrown.status === 302) return "sent";
    throw thrown;
  }
}

async function verify(contact: string, code: string, address: string): Promise<"signed in" | string> {
  try {
    const reply = await verifyAction(routeArgs(formRequest("/login/verify", { contact, code }, { headers: from(address) })));
    return fieldError(reply, "code");
  } catch (thrown) {
    if (thrown instanceof Response && thrown.status === 302 && thrown.headers.get("Set-Cookie")) return "signed in";
    throw thrown;
  }
}

async function codeIn(messageId: string | null): Promise<string> {
  const message = await db().message.findUniqueOrThrow({ where: { id: messageId! } });
  return /^(\d{6}) is your Playpass code/.exec(message.body)![1]!;
}
const wrongCodeFor = (code: string) => String((Number(code) + 1) % 1_000_000).padStart(6, "0");

describe("sign-in codes (6 digits: a million codes)", () => {
  it("states the odds: at most 1 in 30,000 a day at one account, whatever the number of addresses", () => {
    const triesPerDay = Math.min(LIMITS.signInVerifyPerTargetDay.points, (LIMITS.signInVerifyPerTarget.points * 24 * 60 * 60) / LIMITS.signInVerifyPerTarget.durationSeconds);
    expect(triesPerDay / 1_000_000).toBeLessThanOrEqual(1 / 30_000);
    expect(MAX_ATTEMPTS_PER_CODE).toBeLessThanOrEqual(5);
  });

  it("sends codes to one account only so often, even from many addresses", async () => {
    const email = `target-${uniqueSuffix()}@example.test`;
    await createUser({ email });
    for (let i = 0; i < LIMITS.signInRequestPerTarget.points; i++) expect(await login(email, newAddress())).toBe("sent");
    expect(await login(email, newAddress())).toMatch(TOO_MANY);
  });

  it("lets one address ask for codes for only so many accounts", async () => {
    const address = newAddress();
    for (let i = 0; i < LIMITS.signInRequestPerIp.points; i++) expect(await login(`nobody-${uniqueSuffix()}@example.test`, address)).toBe("sent");
    expect(await login(`nobody-${uniqueSuffix()}@example.test`, address)).toMatch(TOO_MANY);
    // Another address is not held back by this one.
    expect(await login(`nobody-${uniqueSuffix()}@example.test`, newAddress())).toBe("sent");
  });

  it("refuses even the right code once an account has had its tries, though each came from a new address", async () => {
    const email = `target-${uniqueSuffix()}@example.test`;
    await createUser({ email });
    const contact = { kind: "email" as const, value: email };
    let code = await codeIn(await requestSignInCode(db(), contact));
    for (let i = 0; i < LIMITS.signInVerifyPerTarget.points; i++) {
      // A new code every few tries, as a guesser would ask for, so the per-code limit is never what stops them.
      if (i % MAX_ATTEMPTS_PER_CODE === MAX_ATTEMPTS_PER_CODE - 1) code = await codeIn(await requestSignInCode(db(), contact));
      expect(await verify(email, wrongCodeFor(code), newAddress())).not.toMatch(TOO_MANY);
    }
    expect(await verify(email, code, newAddress())).toMatch(TOO_MANY);
    expect(await db().session.count({ where: { user: { email } } })).toBe(0);
  });

  it("counts tries at one account over a whole day too", async () => {
    const email = `target-${uniqueSuffix()}@example.test`;
    await createUser({ email });
    const code = await codeIn(await requestSignInCode(db(), { kind: "email", value: email }));
    for (let i = 0; i < LIMITS.signInVerifyPerTargetDay.points; i++) await consume([["signInVerifyPerTargetDay", email]]);
    expect(await verify(email, code, newAddress())).toMatch(TOO_MANY);
    expect(await db().session.count({ where: { user: { email } } })).toBe(0);
  });

  it("lets one address try codes at only so many accounts", async () => {
    const address = newAddress();
    for (let i = 0; i < LIMITS.signInVerifyPerIp.points; i++) expect(await verify(`nobody-${uniqueSuffix()}@example.test`, "123456", address)).not.toMatch(TOO_MANY);
    const email = `target-${uniqueSuffix()}@example.test`;
    await createUser({ email });
    const code = await codeIn(await requestSignInCode(db(), { kind: "email", value: email }));
    expect(await verify(email, code, address)).toMatch(TOO_MANY);
    expect(await verify(email, code, newAddress())).toBe("signed in");
  });
});

describe("activation codes (60 bits, printed on a letter)", () => {
  const look = async (code: string, address: string) => {
    const outcome = await activateLoader(routeArgs(new Request(`http://localhost/activate?code=${encodeURIComponent(code)}`, { headers: from(address) })));
    return unwrap<{ problem: { code: string } | null }>(outcome).status;
  };

  it("lets one address look up only so many codes", async () => {
    const address = newAddress();
    for (let i = 0; i < LIMITS.signInVerifyPerIp.points; i++) expect(await look(newActivationCode(), address)).toBe(404);
    const { activationCode } = await createInvitedYoungPerson();
    expect(await look(activationCode, address)).toBe(429);
    expect(await look(activationCode, newAddress())).toBe(200);
  });

  it("lets one code be tried only so often, even from many addresses", async () => {
    const { activationCode } = await createInvitedYoungPerson();
    for (let i = 0; i < LIMITS.signInVerifyPerTarget.points; i++) expect(await look(activationCode, newAddress())).toBe(200);
    expect(await look(activationCode, newAddress())).toBe(429);
  });
});

describe("booking codes and pass codes at the door (40 and 80 bits)", () => {
  async function doorScene() {
    const scene = await createScene({ slot: { startsAt: new Date(Date.now() + 30 * MINUTE) } });
    const { youngPerson } = await createYoungPerson({ programmeId: scene.programme.id, allocationPence: 5_000 });
    const booking = await bookSlot(db(), { youngPersonId: youngPerson.id, slotId: scene.slot.id, requestKey: randomUUID() });
    const door = await createMember("DOOR_STAFF", { providerId: scene.provider.id });
    return { ...scene, youngPerson, booking, door, cookie: await signIn(door.id) };
  }
  const scan = async (code: string, cookie: string, address: string) => {
    const outcome = await doorAction(routeArgs(formRequest("/provider/door", { code }, { cookie, headers: from(address) })));
    return unwrap<{ ok: boolean; error?: string }>(outcome);
  };
  const status = async (bookingId: string) => (await db().booking.findUniqueOrThrow({ where: { id: bookingId }, select: { status: true } })).status;

  it("refuses a door account that has scanned too many codes, from any address, and redeems nothing", async () => {
    const s = await doorScene();
    for (let i = 0; i < LIMITS.redeemPerUser.points - 1; i++) await consume([["redeemPerUser", s.door.id]]);
    expect((await scan(newBookingCode(), s.cookie, newAddress())).status).toBe(409); // the last allowed guess: unknown code
    const refused = await scan(s.booking.code, s.cookie, newAddress());
    expect(refused).toMatchObject({ status: 429, data: { ok: false, error: expect.stringMatching(TOO_MANY) } });
    expect(await scan(s.youngPerson.passCode, s.cookie, newAddress())).toMatchObject({ status: 429 });
    expect(await status(s.booking.id)).toBe("CONFIRMED");
  });

  it("refuses an address that has scanned too many codes, whichever door account it signs in as", async () => {
    const s = await doorScene();
    const address = newAddress();
    for (let i = 0; i < LIMITS.redeemPerIp.points; i++) await consume([["redeemPerIp", address]]);
    const another = await signIn((await createMember("DOOR_STAFF", { providerId: s.provider.id })).id);
    expect(await scan(s.booking.code, another, address)).toMatchObject({ status: 429 });
    expect(await status(s.booking.id)).toBe("CONFIRMED");
    // The same staff at another venue's address carry on.
    expect(await scan(s.booking.code, another, newAddress())).toMatchObject({ status: 200, data: { ok: true } });
    expect(await status(s.booking.id)).toBe("REDEEMED");
  });
});

describe("API keys (256-bit secret behind a 40-bit prefix)", () => {
  const bookings = async (token: string, address: string) => {
    const response = await apiBookingsLoader(
      routeArgs(new Request("http://localhost/api/v1/bookings?date=2030-01-01", { headers: { Authorization: `Bearer ${token}`, ...from(address) } })),
    );
    return (response as Response).status;
  };
  const randomSecret = () => randomUUID().replace(/-/g, "").padEnd(43, "x");

  async function providerKey() {
    const scene = await createScene();
    return { ...(await createApiKey(db(), { providerId: scene.provider.id, name: "Till", actorUserId: null })), providerId: scene.provider.id };
  }

  it("stops an address after a few wrong keys, even before it finds a right one", async () => {
    const key = await providerKey();
    const address = newAddress();
    for (let i = 0; i < LIMITS.apiKeyFailuresPerIp.points; i++) expect(await bookings(`pp_live_${uniqueSuffix()}ab_${randomSecret()}`, address)).toBe(401);
    expect(await bookings(`pp_live_${uniqueSuffix()}ab_${randomSecret()}`, address)).toBe(429);
    expect(await bookings(key.token, address)).toBe(429);
    expect(await bookings(key.token, newAddress())).toBe(200);
  });

  it("stops guessing one key's secret from many addresses (per key prefix, the account), yet never refuses the right key", async () => {
    const key = await providerKey();
    const prefix = /^pp_live_([0-9a-f]{10})_/.exec(key.token)![1]!;
    const guessers: string[] = [];
    for (let i = 0; i < LIMITS.apiKeyFailuresPerPrefix.points; i++) {
      guessers.push(newAddress());
      expect(await bookings(`pp_live_${prefix}_${randomSecret()}`, guessers.at(-1)!)).toBe(401);
    }
    expect(await bookings(`pp_live_${prefix}_${randomSecret()}`, newAddress())).toBe(429);
    expect(await bookings(`pp_live_${prefix}_${randomSecret()}`, guessers[0]!)).toBe(429);
    // Knowing the prefix (it is in logs and screenshots) is not enough to switch the provider's system off.
    expect(await bookings(key.token, newAddress())).toBe(200);
    expect(await bookings(key.token, guessers[0]!)).toBe(200);
    // ...and a right key does not reopen the prefix for guessers.
    expect(await bookings(`pp_live_${prefix}_${randomSecret()}`, newAddress())).toBe(429);
  });

  it("counts a revoked key as a wrong one, so a revoked key cannot walk past the prefix limit", async () => {
    const key = await providerKey();
    await revokeApiKey(db(), { providerId: key.providerId, keyId: key.id, actorUserId: null });
    for (let i = 0; i < LIMITS.apiKeyFailuresPerPrefix.points; i++) expect(await bookings(key.token, newAddress())).toBe(401);
    expect(await bookings(key.token, newAddress())).toBe(429);
  });

  it("a right key does not spend the wrong-key allowance", async () => {
    const key = await providerKey();
    const address = newAddress();
    for (let i = 0; i < LIMITS.apiKeyFailuresPerIp.points + 5; i++) expect(await bookings(key.token, address)).toBe(200);
  });
});

describe("the client address", () => {
  it("is what the production server wrote, so every address is counted on its own", async () => {
    const email = `nobody-${uniqueSuffix()}@example.test`;
    const first = newAddress();
    for (let i = 0; i < LIMITS.signInRequestPerIp.points; i++) await consume([["signInRequestPerIp", first]]);
    expect(await login(email, first)).toMatch(TOO_MANY);
    expect(await login(email, newAddress())).toBe("sent");
  });
});
