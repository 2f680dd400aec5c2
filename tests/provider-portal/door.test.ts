// Door mode: what the door sees and does for each kind of code, through the domain and through the route.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { bookSlot, cancelBooking } from "~/domain/booking";
import { newBookingCode } from "~/domain/codes";
import { chargeAtDoor, codeKind, passAtDoor, scanAtDoor } from "~/domain/providers/door";
import { action as doorAction, loader as doorLoader } from "~/routes/provider.door";
import { createActivity, createCouncil, createProgramme, createProvider, createScene, createYoungPerson, doorActor } from "../factories";
import { expectDomainError, expectLedgerOk, payableBalance, walletBalance } from "../helpers";
import { createMember, formRequest, getRequest, routeArgs, signIn, unwrap } from "../support/actors";

const db = () => getDb();
const MINUTE = 60_000;


/** A provider with a session starting in half an hour (door window open) and a 14-year-old booked on it. */
async function doorScene(options: { pricePence?: number; startsInMinutes?: number; cancellationCutoffHours?: number } = {}) {
  const scene = await createScene({
    activity: { pricePence: options.pricePence ?? 400, title: "Teen swim", cancellationCutoffHours: options.cancellationCutoffHours ?? 0 },
    slot: { startsAt: new Date(Date.now() + (options.startsInMinutes ?? 30) * MINUTE) },
  });
  const person = await createYoungPerson({ programmeId: scene.programme.id, allocationPence: 5_000, age: 14, firstName: "Sam" });
  const booking = await bookSlot(db(), { youngPersonId: person.youngPerson.id, slotId: scene.slot.id, requestKey: randomUUID() });
  return { ...scene, ...person, booking };
}

describe("codes at the door", () => {
  it("tells booking codes (8 symbols) from pass codes (16) and neither", () => {
    expect(codeKind("7k3m q9tx")).toBe("BOOKING");
    expect(codeKind("ABCD-EFGH-JKMN-PQRS")).toBe("PASS");
    expect(codeKind("12345")).toBeNull();
    expect(codeKind("https://example.com")).toBeNull();
  });

  it("redeems a booking in its window and shows first name, age band, activity and slot", async () => {
    const { booking, provider, slot, allocation, council } = await doorScene();
    const result = await scanAtDoor(db(), { code: booking.code.toLowerCase(), providerId: provider.id, actor: doorActor("Jo") });
    expect(result).toMatchObject({ kind: "BOOKING", outcome: "REDEEMED", firstName: "Sam", ageBand: "14 to 15", activityTitle: "Teen swim", redeemedByName: "Jo" });
    expect(result.kind === "BOOKING" && result.slotStartsAt.getTime()).toBe(slot.startsAt.getTime());
    expect(await payableBalance(council.id, provider.id)).toBe(400);
    expect(await walletBalance(allocation!.id)).toBe(5_000 - 400);
    await expectLedgerOk(council.id);
  });

  it("answers a second scan with when and by whom it was redeemed, and pays once", async () => {
    const { booking, provider, council } = await doorScene();
    const first = await scanAtDoor(db(), { code: booking.code, providerId: provider.id, actor: doorActor("Jo") });
    const again = await scanAtDoor(db(), { code: booking.code, providerId: provider.id, actor: doorActor("Kim") });
    expect(again).toMatchObject({ outcome: "ALREADY_REDEEMED", redeemedByName: "Jo", firstName: "Sam" });
    expect(again.kind === "BOOKING" && first.kind === "BOOKING" && again.redeemedAt.getTime()).toBe(first.kind === "BOOKING" && first.redeemedAt.getTime());
    expect(await payableBalance(council.id, provider.id)).toBe(400);
    expect(await db().redemption.count({ where: { bookingId: booking.id } })).toBe(1);
  });

  it("answers another provider's booking exactly as a code nobody has (as the API does), and redeems nothing", async () => {
    const { booking, council } = await doorScene();
    const { provider: other } = await createProvider({ councilId: council.id });
    const refusal = async (code: string) => {
      const error = await scanAtDoor(db(), { code, providerId: other.id, actor: doorActor() }).then(
        () => null,
        (thrown: unknown) => thrown,
      );
      expect(error).toBeInstanceOf(Error);
      const { code: errorCode, message, field } = error as { code: string; message: string; field?: string };
      return { errorCode, message, field };
    };
    const theirs = await refusal(booking.code);
    expect(theirs).toEqual(await refusal(newBookingCode()));
    expect(theirs).toMatchObject({ errorCode: "UNKNOWN_CODE", message: expect.stringMatching(/not a Playpass booking/) });
    expect(theirs.message).not.toMatch(/provider/);
    expect((await db().booking.findUniqueOrThrow({ where: { id: booking.id } })).status).toBe("CONFIRMED");
    expect(await db().redemption.count({ where: { bookingId: booking.id } })).toBe(0);
  });

  it("refuses a booking for another day, naming the day", async () => {
    const { booking, provider } = await doorScene({ startsInMinutes: 2 * 24 * 60 });
    await expectDomainError(scanAtDoor(db(), { code: booking.code, providerId: provider.id, actor: doorActor() }), "OUTSIDE_REDEMPTION_WINDOW", /This booking is for/);
  });

  it("refuses a cancelled booking", async () => {
    const { booking, provider, youngPerson } = await doorScene({ startsInMinutes: 3 * 60 });
    await cancelBooking(db(), { bookingId: booking.id, youngPersonId: youngPerson.id });
    await expectDomainError(scanAtDoor(db(), { code: booking.code, providerId: provider.id, actor: doorActor() }), "BOOKING_ENDED", /cancelled/);
  });

  it("refuses a code that is neither a booking nor a pass", async () => {
    const { provider } = await doorScene();
    await expectDomainError(scanAtDoor(db(), { code: "ZZZZ-ZZZZ", providerId: provider.id, actor: doorActor() }), "UNKNOWN_CODE");
    await expectDomainError(scanAtDoor(db(), { code: "hello", providerId: provider.id, actor: doorActor() }), "UNKNOWN_CODE", /8 letters and numbers/);
  });
});

describe("walk-in charges on a pass", () => {
  async function passScene() {
    const scene = await createScene({ activity: { pricePence: 600, title: "Gym" } });
    const person = await createYoungPerson({ programmeId: scene.programme.id, allocationPence: 1_000, age: 16, firstName: "Ava" });
    return { ...scene, ...person };
  }

  it("shows the pass holder and what the pass can pay for each activity", async () => {
    const { provider, council, youngPerson } = await passScene();
    await createActivity({ providerId: provider.id, councilId: council.id, title: "Climbing day", pricePence: 2_500 });
    const pass = await passAtDoor(db(), { passCode: youngPerson.passCode, providerId: provider.id });
    expect(pass).toMatchObject({ firstName: "Ava", ageBand: "16 to 17", availablePence: 1_000 });
    expect(pass.activities.map((a) => [a.title, a.pricePence, a.maxChargePence])).toEqual([
      ["Climbing day", 2_500, 1_000],
      ["Gym", 600, 600],
    ]);
  });

  it("offers the pass holder's booking with this provider that the door can redeem now, and only that one", async () => {
    const { booking, provider, youngPerson, council } = await doorScene();
    const { provider: other } = await createProvider({ councilId: council.id });
    const theirActivity = await createActivity({ providerId: other.id, councilId: council.id });
    const theirSlot = await db().slot.create({
      data: { activityId: theirActivity.id, startsAt: new Date(Date.now() + 20 * MINUTE), endsAt: new Date(Date.now() + 80 * MINUTE), capacity: 5 },
    });
    await bookSlot(db(), { youngPersonId: youngPerson.id, slotId: theirSlot.id, requestKey: randomUUID() });
    const pass = await scanAtDoor(db(), { code: youngPerson.passCode, providerId: provider.id, actor: doorActor() });
    expect(pass.kind === "PASS" && pass.bookingsNow.map((b) => [b.code, b.activityTitle])).toEqual([[booking.code, "Teen swim"]]);
    const tomorrow = await passAtDoor(db(), { passCode: youngPerson.passCode, providerId: provider.id, now: new Date(Date.now() + 24 * 60 * MINUTE) });
    expect(tomorrow.bookingsNow).toEqual([]);
  });

  it("takes an amount up to the price from the wallet to the provider, once per request", async () => {
    const { provider, council, activity, youngPerson, allocation } = await passScene();
    const requestKey = randomUUID();
    const input = { passCode: youngPerson.passCode, providerId: provider.id, activityId: activity.id, amountPence: 450, requestKey, actor: doorActor() };
    const charged = await chargeAtDoor(db(), input);
    const again = await chargeAtDoor(db(), input);
    expect(charged).toMatchObject({ amountPence: 450, created: true, firstName: "Ava", activityTitle: "Gym" });
    expect(again).toMatchObject({ redemptionId: charged.redemptionId, created: false });
    expect(await walletBalance(allocation!.id)).toBe(550);
    expect(await payableBalance(council.id, provider.id)).toBe(450);
    await expectLedgerOk(council.id);
  });

  it("refuses more than the activity's price", async () => {
    const { provider, activity, youngPerson, allocation } = await passScene();
    const input = { passCode: youngPerson.passCode, providerId: provider.id, activityId: activity.id, amountPence: 601, requestKey: randomUUID(), actor: doorActor() };
    await expectDomainError(chargeAtDoor(db(), input), "AMOUNT_TOO_HIGH", /£6\.00/);
    expect(await walletBalance(allocation!.id)).toBe(1_000);
  });

  it("refuses more than the pass holds", async () => {
    const { provider, council, youngPerson, allocation } = await passScene();
    const dear = await createActivity({ providerId: provider.id, councilId: council.id, pricePence: 2_500 });
    const input = { passCode: youngPerson.passCode, providerId: provider.id, activityId: dear.id, amountPence: 1_200, requestKey: randomUUID(), actor: doorActor() };
    await expectDomainError(chargeAtDoor(db(), input), "NOT_ENOUGH_CREDIT", /£10\.00 left/);
    expect(await walletBalance(allocation!.id)).toBe(1_000);
    expect(await payableBalance(council.id, provider.id)).toBe(0);
  });

  it("refuses a pass from a council the provider does not work with", async () => {
    const { provider } = await passScene();
    const elsewhere = await createCouncil();
    const stranger = await createYoungPerson({ programmeId: (await createProgramme({ councilId: elsewhere.id })).id });
    await expectDomainError(passAtDoor(db(), { passCode: stranger.youngPerson.passCode, providerId: provider.id }), "WRONG_PROVIDER", /not part of/);
  });

  it("refuses another provider's activity", async () => {
    const { provider, council, youngPerson } = await passScene();
    const { provider: other } = await createProvider({ councilId: council.id });
    const theirs = await createActivity({ providerId: other.id, councilId: council.id });
    const input = { passCode: youngPerson.passCode, providerId: provider.id, activityId: theirs.id, amountPence: 100, requestKey: randomUUID(), actor: doorActor() };
    await expectDomainError(chargeAtDoor(db(), input), "NOT_FOUND", /one of your activities/);
  });
});

describe("the door page", () => {
  it("redeems a typed booking code for door staff and names who redeemed it on a second try", async () => {
    const { booking, provider } = await doorScene();
    const door = await createMember("DOOR_STAFF", { providerId: provider.id }, { displayName: "Jo Door" });
    const cookie = await signIn(door.id);
    const first = unwrap<{ ok: boolean; result: { outcome: string; firstName: string } }>(
      await doorAction(routeArgs(formRequest("/provider/door", { code: booking.code }, { cookie }))),
    );
    expect(first.data).toMatchObject({ ok: true, result: { outcome: "REDEEMED", firstName: "Sam" } });
    const second = unwrap<{ ok: boolean; result: { outcome: string; redeemedByName: string } }>(
      await doorAction(routeArgs(formRequest("/provider/door", { code: booking.code }, { cookie }))),
    );
    expect(second.data).toMatchObject({ ok: true, result: { outcome: "ALREADY_REDEEMED", redeemedByName: "Jo Door" } });
    expect(unwrap<{ doorOnly: boolean }>(await doorLoader(routeArgs(getRequest("/provider/door", cookie)))).data.doorOnly).toBe(true);
  });

  it("opens a walk-in charge for a pass code and takes the charge in pounds", async () => {
    const scene = await createScene({ activity: { pricePence: 600 } });
    const { youngPerson, allocation } = await createYoungPerson({ programmeId: scene.programme.id, allocationPence: 1_000 });
    const door = await createMember("DOOR_STAFF", { providerId: scene.provider.id });
    const cookie = await signIn(door.id);
    const opened = unwrap<{ ok: boolean; pass: { requestKey: string; activities: Array<{ id: string }> } }>(
      await doorAction(routeArgs(formRequest("/provider/door", { code: youngPerson.passCode }, { cookie }))),
    );
    expect(opened.data.pass.activities.map((a) => a.id)).toEqual([scene.activity.id]);

    const fields = { intent: "charge", passCode: youngPerson.passCode, requestKey: opened.data.pass.requestKey, activityId: scene.activity.id };
    const tooMuch = unwrap<{ ok: boolean; charge: { error: Record<string, string[]> } }>(
      await doorAction(routeArgs(formRequest("/provider/door", { ...fields, amount: "7" }, { cookie }))),
    );
    expect(tooMuch.status).toBe(409);
    expect(tooMuch.data.charge.error.amount).toEqual(["The most you can charge for " + scene.activity.title + " is £6.00."]);

    const charged = unwrap<{ ok: boolean; charged: { amountPence: number } }>(
      await doorAction(routeArgs(formRequest("/provider/door", { ...fields, amount: "£4.50" }, { cookie }))),
    );
    expect(charged.data).toMatchObject({ ok: true, charged: { amountPence: 450 } });
    expect(await walletBalance(allocation!.id)).toBe(550);
  });

  it("explains a bad amount next to the field and charges nothing", async () => {
    const scene = await createScene({ activity: { pricePence: 600 } });
    const { youngPerson, allocation } = await createYoungPerson({ programmeId: scene.programme.id, allocationPence: 1_000 });
    const door = await createMember("DOOR_STAFF", { providerId: scene.provider.id });
    const reply = unwrap<{ ok: boolean; charge: { error: Record<string, string[]> }; pass: { firstName: string } }>(
      await doorAction(
        routeArgs(
          formRequest(
            "/provider/door",
            { intent: "charge", passCode: youngPerson.passCode, requestKey: randomUUID(), activityId: scene.activity.id, amount: "four pounds" },
            { cookie: await signIn(door.id) },
          ),
        ),
      ),
    );
    expect(reply.status).toBe(400);
    expect(reply.data.charge.error.amount).toEqual(["Enter the amount in pounds, like 3.50."]);
    expect(reply.data.pass.firstName).toBe(youngPerson.firstName);
    expect(await walletBalance(allocation!.id)).toBe(1_000);
  });
});

