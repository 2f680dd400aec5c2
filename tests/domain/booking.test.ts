import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { bookSlot, cancelBooking, cancelSlot, chargePass, markNoShow, redeemBooking } from "~/domain/booking";
import { expireAllocation, revokeAllocation, setAllocationFrozen } from "~/domain/programmes";
import {
  createActivity,
  createProgramme,
  createProvider,
  createScene,
  createSlot,
  createYoungPerson,
  daysFromNow,
  doorActor,
  uniqueSuffix,
} from "../factories";
import { budgetBalance, expectDomainError, expectLedgerOk, holdBalance, payableBalance, placesTaken, walletBalance } from "../helpers";

const db = () => getDb();
const HOUR = 3_600_000;
const MINUTE = 60_000;

async function book(youngPersonId: string, slotId: string, now?: Date) {
  return bookSlot(db(), { youngPersonId, slotId, requestKey: randomUUID(), now });
}

/** A scene with one young person holding `allocationPence` of credit from the scene's programme. */
async function sceneWithYoungPerson(options: Parameters<typeof createScene>[0] & { allocationPence?: number; age?: number } = {}) {
  const scene = await createScene(options);
  const person = await createYoungPerson({ programmeId: scene.programme.id, allocationPence: options.allocationPence ?? 5_000, age: options.age });
  return { ...scene, ...person };
}

describe("booking a slot", () => {
  it("takes a place and moves the price from the wallet into the booking's hold", async () => {
    const { council, slot, youngPerson, allocation } = await sceneWithYoungPerson({ activity: { pricePence: 750 } });
    const booked = await book(youngPerson.id, slot.id);
    expect(booked).toMatchObject({ pricePence: 750, created: true, code: expect.stringMatching(/^[0-9A-Z]{4}-[0-9A-Z]{4}$/) });
    expect(await walletBalance(allocation!.id)).toBe(5_000 - 750);
    expect(await holdBalance(booked.id)).toBe(750);
    expect(await placesTaken(slot.id)).toBe(1);
    await expectLedgerOk(council.id);
  });

  it("books once when the same request (requestKey) is sent twice", async () => {
    const { council, slot, youngPerson, allocation } = await sceneWithYoungPerson();
    const requestKey = randomUUID();
    const first = await bookSlot(db(), { youngPersonId: youngPerson.id, slotId: slot.id, requestKey });
    const second = await bookSlot(db(), { youngPersonId: youngPerson.id, slotId: slot.id, requestKey });
    expect(second).toEqual({ ...first, created: false });
    expect(await walletBalance(allocation!.id)).toBe(5_000 - 500);
    expect(await db().booking.count({ where: { youngPersonId: youngPerson.id } })).toBe(1);
    await expectLedgerOk(council.id);
  });

  it("books a free activity without touching the wallet", async () => {
    const { council, slot, youngPerson, allocation } = await sceneWithYoungPerson({ activity: { pricePence: 0 }, allocationPence: 0 });
    const booked = await book(youngPerson.id, slot.id);
    expect(booked.pricePence).toBe(0);
    expect(await walletBalance(allocation!.id)).toBe(0);
    await expectLedgerOk(council.id);
  });

  it("SLOT_FULL: refuses a booking once every place is taken, and holds nothing", async () => {
    const { council, programme, slot, youngPerson } = await sceneWithYoungPerson({ slot: { capacity: 1 } });
    await book(youngPerson.id, slot.id);
    const late = await createYoungPerson({ programmeId: programme.id, allocationPence: 5_000 });
    await expectDomainError(book(late.youngPerson.id, slot.id), "SLOT_FULL", /session is full/);
    expect(await walletBalance(late.allocation!.id)).toBe(5_000);
    expect(await placesTaken(slot.id)).toBe(1);
    await expectLedgerOk(council.id);
  });

  it("NOT_ENOUGH_CREDIT: refuses a booking that costs more than the pass has left, saying both amounts", async () => {
    const { council, slot, youngPerson, allocation } = await sceneWithYoungPerson({ allocationPence: 300, activity: { pricePence: 500 } });
    const error = await expectDomainError(book(youngPerson.id, slot.id), "NOT_ENOUGH_CREDIT", /costs £5\.00 and you have £3\.00 left/);
    expect(error.details).toMatchObject({ balancePence: 300, pricePence: 500 });
    expect(await walletBalance(allocation!.id)).toBe(300);
    expect(await placesTaken(slot.id)).toBe(0);
    await expectLedgerOk(council.id);
  });

  it("ALLOCATION_EXPIRED: refuses a booking once the pass's expiry date has passed", async () => {
    const { slot, youngPerson } = await sceneWithYoungPerson({ programme: { endsOn: daysFromNow(2) }, slot: { startsAt: daysFromNow(20) } });
    await expectDomainError(book(youngPerson.id, slot.id, daysFromNow(5)), "ALLOCATION_EXPIRED", /expired/);
  });

  it("ALLOCATION_EXPIRED: refuses a booking on an allocation the expiry job has closed", async () => {
    const { council, slot, youngPerson, allocation } = await sceneWithYoungPerson({ programme: { endsOn: daysFromNow(2) }, slot: { startsAt: daysFromNow(20) } });
    await expireAllocation(db(), { allocationId: allocation!.id, now: daysFromNow(4) });
    await expectDomainError(book(youngPerson.id, slot.id, daysFromNow(5)), "ALLOCATION_EXPIRED", /expired/);
    await expectLedgerOk(council.id);
  });

  it("ALLOCATION_FROZEN: refuses a booking while the council has paused the pass, and books again once unfrozen", async () => {
    const { slot, youngPerson, allocation } = await sceneWithYoungPerson();
    await setAllocationFrozen(db(), { allocationId: allocation!.id, frozen: true });
    await expectDomainError(book(youngPerson.id, slot.id), "ALLOCATION_FROZEN", /paused by the council/);
    await setAllocationFrozen(db(), { allocationId: allocation!.id, frozen: false });
    await expect(book(youngPerson.id, slot.id)).resolves.toMatchObject({ created: true });
  });

  it("ALLOCATION_REVOKED: refuses a booking on a pass the council has stopped", async () => {
    const { slot, youngPerson, allocation } = await sceneWithYoungPerson();
    await revokeAllocation(db(), { allocationId: allocation!.id, reason: "moved away" });
    await expectDomainError(book(youngPerson.id, slot.id), "ALLOCATION_REVOKED", /stopped by the council/);
  });

  it("ACTIVITY_NOT_ALLOWED: refuses an activity whose category the programme does not fund", async () => {
    const { slot, youngPerson } = await sceneWithYoungPerson({ programme: { allowedCategories: ["SWIMMING", "MUSIC"] }, activity: { category: "GYM" } });
    await expectDomainError(book(youngPerson.id, slot.id), "ACTIVITY_NOT_ALLOWED", /cannot be used for this kind of activity/);
  });

  it("NO_ALLOCATION: refuses a young person who has no credit yet", async () => {
    const { council, slot } = await createScene();
    const { youngPerson } = await createYoungPerson({ councilId: council.id, withAllocation: false });
    await expectDomainError(book(youngPerson.id, slot.id), "NO_ALLOCATION", /do not have any Playpass credit yet/);
  });

  it("OVER_BOOKING_LIMIT: refuses a booking above the programme's most per booking", async () => {
    const { slot, youngPerson } = await sceneWithYoungPerson({ programme: { maxPerBookingPence: 400 }, activity: { pricePence: 500 } });
    await expectDomainError(book(youngPerson.id, slot.id), "OVER_BOOKING_LIMIT", /up to £4\.00 for one booking/);
  });

  it("ALREADY_BOOKED: refuses a second place on the same slot for the same young person", async () => {
    const { council, slot, youngPerson, allocation } = await sceneWithYoungPerson();
    await book(youngPerson.id, slot.id);
    await expectDomainError(book(youngPerson.id, slot.id), "ALREADY_BOOKED", /already booked this session/);
    expect(await walletBalance(allocation!.id)).toBe(4_500);
    expect(await placesTaken(slot.id)).toBe(1);
    await expectLedgerOk(council.id);
  });

  it("lets a young person book the same slot again after cancelling", async () => {
    const { council, slot, youngPerson } = await sceneWithYoungPerson();
    const first = await book(youngPerson.id, slot.id);
    await cancelBooking(db(), { bookingId: first.id, youngPersonId: youngPerson.id });
    await expect(book(youngPerson.id, slot.id)).resolves.toMatchObject({ created: true });
    await expectLedgerOk(council.id);
  });

  it("AGE_NOT_ELIGIBLE: refuses a young person outside the activity's age range, saying the range", async () => {
    const { slot, youngPerson } = await sceneWithYoungPerson({ age: 12, activity: { minAge: 14, maxAge: 18 } });
    await expectDomainError(book(youngPerson.id, slot.id), "AGE_NOT_ELIGIBLE", /for ages 14 to 18/);
  });

  it("PROVIDER_NOT_APPROVED: refuses bookings with a provider the council has not approved", async () => {
    const { council, slot, provider, youngPerson } = await sceneWithYoungPerson();
    await db().providerCouncil.update({ where: { providerId_councilId: { providerId: provider.id, councilId: council.id } }, data: { status: "SUSPENDED" } });
    await expectDomainError(book(youngPerson.id, slot.id), "PROVIDER_NOT_APPROVED", /not taking Playpass bookings/);
  });

  it("SLOT_CANCELLED and SLOT_STARTED: refuses a cancelled session and one that has begun", async () => {
    const { slot, provider, youngPerson } = await sceneWithYoungPerson();
    await expectDomainError(book(youngPerson.id, slot.id, new Date(slot.startsAt.getTime() + MINUTE)), "SLOT_STARTED", /already started/);
    await cancelSlot(db(), { slotId: slot.id, providerId: provider.id, reason: "pool closed" });
    await expectDomainError(book(youngPerson.id, slot.id), "SLOT_CANCELLED", /cancelled by the provider/);
  });

  it("NOT_FOUND: a slot of another council cannot be booked", async () => {
    const { slot } = await createScene();
    const { youngPerson } = await createYoungPerson();
    await expectDomainError(book(youngPerson.id, slot.id), "NOT_FOUND");
  });
});

describe("a young person cancelling", () => {
  it("gets the credit back at once and frees the place", async () => {
    const { council, slot, youngPerson, allocation } = await sceneWithYoungPerson();
    const booked = await book(youngPerson.id, slot.id);
    const result = await cancelBooking(db(), { bookingId: booked.id, youngPersonId: youngPerson.id });
    expect(result).toEqual({ bookingId: booked.id, refundedPence: 500, alreadyCancelled: false });
    expect(await walletBalance(allocation!.id)).toBe(5_000);
    expect(await holdBalance(booked.id)).toBe(0);
    expect(await placesTaken(slot.id)).toBe(0);
    await expectLedgerOk(council.id);
  });

  it("cancelling twice is a no-op that answers like the first", async () => {
    const { council, slot, youngPerson, allocation } = await sceneWithYoungPerson();
    const booked = await book(youngPerson.id, slot.id);
    await cancelBooking(db(), { bookingId: booked.id, youngPersonId: youngPerson.id });
    const again = await cancelBooking(db(), { bookingId: booked.id, youngPersonId: youngPerson.id });
    expect(again).toEqual({ bookingId: booked.id, refundedPence: 500, alreadyCancelled: true });
    expect(await walletBalance(allocation!.id)).toBe(5_000);
    expect(await db().transfer.count({ where: { bookingId: booked.id, kind: "CANCEL" } })).toBe(1);
    await expectLedgerOk(council.id);
  });

  it("PAST_CUTOFF: cannot cancel inside the activity's cut-off, and keeps the booking", async () => {
    const { council, slot, youngPerson, allocation } = await sceneWithYoungPerson({ activity: { cancellationCutoffHours: 24 } });
    const booked = await book(youngPerson.id, slot.id);
    const tooLate = new Date(slot.startsAt.getTime() - 23 * HOUR);
    await expectDomainError(
      cancelBooking(db(), { bookingId: booked.id, youngPersonId: youngPerson.id, now: tooLate }),
      "PAST_CUTOFF",
      /too late to cancel: this activity can be cancelled up to 24 hours before it starts/,
    );
    expect(await walletBalance(allocation!.id)).toBe(4_500);
    expect(await db().booking.findUniqueOrThrow({ where: { id: booked.id } })).toMatchObject({ status: "CONFIRMED" });
    await expectLedgerOk(council.id);
  });

  it("cannot cancel someone else's booking", async () => {
    const { programme, slot, youngPerson } = await sceneWithYoungPerson();
    const booked = await book(youngPerson.id, slot.id);
    const other = await createYoungPerson({ programmeId: programme.id });
    await expectDomainError(cancelBooking(db(), { bookingId: booked.id, youngPersonId: other.youngPerson.id }), "NOT_FOUND");
  });

  it("ALREADY_REDEEMED: cannot cancel a booking used at the door", async () => {
    const { slot, provider, youngPerson } = await sceneWithYoungPerson();
    const booked = await book(youngPerson.id, slot.id);
    await redeemBooking(db(), { code: booked.code, providerId: provider.id, actor: doorActor(), now: slot.startsAt });
    await expectDomainError(cancelBooking(db(), { bookingId: booked.id, youngPersonId: youngPerson.id, now: daysFromNow(-1, slot.startsAt) }), "ALREADY_REDEEMED");
  });
});

describe("a provider cancelling a slot", () => {
  it("refunds every confirmed booking and queues one message per young person", async () => {
    const { council, programme, slot, provider, activity } = await createScene({ activity: { title: "Junior swim", pricePence: 600 } });
    const people = await Promise.all([
      createYoungPerson({ programmeId: programme.id, allocationPence: 2_000, email: `a-${uniqueSuffix()}@example.test` }),
      createYoungPerson({ programmeId: programme.id, allocationPence: 2_000, email: null, phone: "+447700900123" }),
      createYoungPerson({ programmeId: programme.id, allocationPence: 2_000 }),
    ]);
    for (const person of people) await book(person.youngPerson.id, slot.id);
    const recipients = [people[0]!.youngPerson.email!, "+447700900123", people[2]!.youngPerson.email!];

    const result = await cancelSlot(db(), { slotId: slot.id, providerId: provider.id, reason: "pool closed" });

    expect(result).toEqual({ refundedBookings: 3, alreadyCancelled: false });
    for (const person of people) expect(await walletBalance(person.allocation!.id)).toBe(2_000);
    expect(await placesTaken(slot.id)).toBe(0);
    expect(await db().booking.count({ where: { slotId: slot.id, status: "PROVIDER_CANCELLED" } })).toBe(3);
    const messages = await db().message.findMany({ where: { recipient: { in: recipients } } });
    expect(messages).toHaveLength(3);
    expect(messages.map((m) => m.recipient).sort()).toEqual([...recipients].sort());
    expect(messages.find((m) => m.channel === "SMS")).toMatchObject({ recipient: "+447700900123", status: "PENDING" });
    for (const message of messages) {
      expect(message.template).toBe("slot-cancelled");
      expect(message.subject).toBe(`${activity.title} is cancelled`);
      expect(message.body).toMatch(/has been cancelled by the provider \(pool closed\)\. £6\.00 is back on your pass\./);
    }
    await expectLedgerOk(council.id);
  });

  it("does not tell a young person whose pass was stopped that the credit is back on it", async () => {
    const { council, programme, slot, provider } = await createScene({ activity: { pricePence: 600 } });
    const person = await createYoungPerson({ programmeId: programme.id, allocationPence: 2_000 });
    await book(person.youngPerson.id, slot.id);
    await revokeAllocation(db(), { allocationId: person.allocation!.id, reason: "moved away" });
    const budgetBefore = await budgetBalance(programme.id);

    await cancelSlot(db(), { slotId: slot.id, providerId: provider.id, reason: "" });

    const message = await db().message.findFirstOrThrow({ where: { recipient: person.youngPerson.email! } });
    expect(message.body).toMatch(/has been cancelled by the provider\.$/);
    expect(message.body).not.toMatch(/back on your pass/);
    expect(await budgetBalance(programme.id)).toBe(budgetBefore + 600);
    await expectLedgerOk(council.id);
  });

  it("leaves redeemed bookings alone, and a second cancel changes nothing", async () => {
    const { council, programme, slot, provider } = await createScene();
    const came = await createYoungPerson({ programmeId: programme.id });
    const booked = await book(came.youngPerson.id, slot.id);
    await redeemBooking(db(), { code: booked.code, providerId: provider.id, actor: doorActor(), now: slot.startsAt });
    const other = await createYoungPerson({ programmeId: programme.id });
    await book(other.youngPerson.id, slot.id);

    expect(await cancelSlot(db(), { slotId: slot.id, providerId: provider.id, reason: "" })).toEqual({ refundedBookings: 1, alreadyCancelled: false });
    expect(await cancelSlot(db(), { slotId: slot.id, providerId: provider.id, reason: "" })).toEqual({ refundedBookings: 0, alreadyCancelled: true });
    expect(await db().booking.findUniqueOrThrow({ where: { id: booked.id } })).toMatchObject({ status: "REDEEMED" });
    expect(await placesTaken(slot.id)).toBe(1);
    expect(await db().message.count({ where: { recipient: came.youngPerson.email! } })).toBe(0);
    expect(await db().message.count({ where: { recipient: other.youngPerson.email! } })).toBe(1);
    await expectLedgerOk(council.id);
  });

  it("cannot cancel another provider's slot", async () => {
    const { council, slot } = await createScene();
    const { provider: other } = await createProvider({ councilId: council.id });
    await expectDomainError(cancelSlot(db(), { slotId: slot.id, providerId: other.id, reason: "" }), "NOT_FOUND");
  });
});

describe("redeeming a booking at the door", () => {
  it("moves the hold to the provider's payable balance and records who redeemed it", async () => {
    const { council, slot, provider, youngPerson } = await sceneWithYoungPerson({ programme: { disputeWindowDays: 3 } });
    const booked = await book(youngPerson.id, slot.id);
    const now = new Date(slot.startsAt.getTime() - 10 * MINUTE);
    const result = await redeemBooking(db(), { code: booked.code, providerId: provider.id, actor: doorActor("Jo"), now });
    expect(result).toMatchObject({ outcome: "REDEEMED", redeemedAt: now, redeemedByName: "Jo", firstName: youngPerson.firstName, ageBand: "14 to 15" });
    expect(await holdBalance(booked.id)).toBe(0);
    expect(await payableBalance(council.id, provider.id)).toBe(500);
    const redemption = await db().redemption.findUniqueOrThrow({ where: { bookingId: booked.id } });
    expect(redemption).toMatchObject({ amountPence: 500, method: "BOOKING_CODE", status: "PENDING", payableAt: new Date(now.getTime() + 3 * 24 * HOUR) });
    await expectLedgerOk(council.id);
  });

  it("accepts the code typed in lower case, without its dash, with look-alike letters", async () => {
    const { slot, provider, youngPerson } = await sceneWithYoungPerson();
    const booked = await book(youngPerson.id, slot.id);
    const typed = booked.code.replace("-", " ").toLowerCase().replace(/0/g, "o").replace(/1/g, "l");
    await expect(redeemBooking(db(), { code: typed, providerId: provider.id, actor: doorActor(), now: slot.startsAt })).resolves.toMatchObject({ outcome: "REDEEMED" });
  });

  it("a second scan is not an error: it answers when and by whom it was first redeemed", async () => {
    const { council, slot, provider, youngPerson } = await sceneWithYoungPerson();
    const booked = await book(youngPerson.id, slot.id);
    const first = await redeemBooking(db(), { code: booked.code, providerId: provider.id, actor: doorActor("Jo"), now: slot.startsAt });
    const second = await redeemBooking(db(), { code: booked.code, providerId: provider.id, actor: doorActor("Sam"), now: new Date(slot.startsAt.getTime() + 5 * MINUTE) });
    expect(second).toMatchObject({ outcome: "ALREADY_REDEEMED", redeemedByName: "Jo", redeemedAt: first.redeemedAt });
    expect(await payableBalance(council.id, provider.id)).toBe(500);
    expect(await db().redemption.count({ where: { bookingId: booked.id } })).toBe(1);
    await expectLedgerOk(council.id);
  });

  it("WRONG_PROVIDER: another provider cannot redeem the booking", async () => {
    const { council, slot, youngPerson } = await sceneWithYoungPerson();
    const booked = await book(youngPerson.id, slot.id);
    const { provider: other } = await createProvider({ councilId: council.id });
    await expectDomainError(redeemBooking(db(), { code: booked.code, providerId: other.id, actor: doorActor(), now: slot.startsAt }), "WRONG_PROVIDER", /another provider's activity/);
    expect(await holdBalance(booked.id)).toBe(500);
  });

  it("OUTSIDE_REDEMPTION_WINDOW: opens an hour before the start and closes two hours after the end", async () => {
    const { slot, provider, youngPerson } = await sceneWithYoungPerson();
    const booked = await book(youngPerson.id, slot.id);
    const redeemAt = (now: Date) => redeemBooking(db(), { code: booked.code, providerId: provider.id, actor: doorActor(), now });
    await expectDomainError(redeemAt(new Date(slot.startsAt.getTime() - 61 * MINUTE)), "OUTSIDE_REDEMPTION_WINDOW", /from an hour before the start until two hours after the end/);
    await expectDomainError(redeemAt(new Date(slot.endsAt.getTime() + 121 * MINUTE)), "OUTSIDE_REDEMPTION_WINDOW");
    await expect(redeemAt(new Date(slot.endsAt.getTime() + 120 * MINUTE))).resolves.toMatchObject({ outcome: "REDEEMED" });
  });

  it("UNKNOWN_CODE: a code that is not a booking, or not a code at all", async () => {
    const { provider } = await createScene();
    await expectDomainError(redeemBooking(db(), { code: "ZZZZ-ZZZZ", providerId: provider.id, actor: doorActor() }), "UNKNOWN_CODE", /not a Playpass booking/);
    await expectDomainError(redeemBooking(db(), { code: "<script>", providerId: provider.id, actor: doorActor() }), "UNKNOWN_CODE");
  });

  it("BOOKING_ENDED: a cancelled booking cannot be redeemed", async () => {
    const { slot, provider, youngPerson } = await sceneWithYoungPerson();
    const booked = await book(youngPerson.id, slot.id);
    await cancelBooking(db(), { bookingId: booked.id, youngPersonId: youngPerson.id });
    await expectDomainError(redeemBooking(db(), { code: booked.code, providerId: provider.id, actor: doorActor(), now: slot.startsAt }), "BOOKING_ENDED", /cancelled/);
  });
});

describe("charging a pass at the till", () => {
  async function tillScene(allocationPence = 2_000) {
    const scene = await sceneWithYoungPerson({ allocationPence, activity: { pricePence: 800, title: "Climbing wall" } });
    const charge = (amountPence: number, requestKey = randomUUID()) =>
      chargePass(db(), {
        passCode: scene.youngPerson.passCode,
        providerId: scene.provider.id,
        activityId: scene.activity.id,
        amountPence,
        requestKey,
        actor: doorActor(),
      });
    return { ...scene, charge };
  }

  it("moves the amount straight from the wallet to the provider, as a point-of-sale redemption", async () => {
    const { council, provider, allocation, charge } = await tillScene();
    const result = await charge(650);
    expect(result).toMatchObject({ amountPence: 650, created: true });
    expect(await walletBalance(allocation!.id)).toBe(2_000 - 650);
    expect(await payableBalance(council.id, provider.id)).toBe(650);
    expect(await db().redemption.findUniqueOrThrow({ where: { id: result.redemptionId } })).toMatchObject({ method: "POINT_OF_SALE", bookingId: null, amountPence: 650 });
    await expectLedgerOk(council.id);
  });

  it("AMOUNT_TOO_HIGH: charges at most the activity's price", async () => {
    const { allocation, charge } = await tillScene();
    await expectDomainError(charge(801), "AMOUNT_TOO_HIGH", /most you can charge for Climbing wall is £8\.00/);
    await expect(charge(800)).resolves.toMatchObject({ amountPence: 800 });
    expect(await walletBalance(allocation!.id)).toBe(1_200);
  });

  it("NOT_ENOUGH_CREDIT: charges at most what the pass has left", async () => {
    const { council, allocation, charge } = await tillScene(500);
    await expectDomainError(charge(600), "NOT_ENOUGH_CREDIT", /has £5\.00 left, less than £6\.00/);
    await expect(charge(500)).resolves.toMatchObject({ amountPence: 500 });
    expect(await walletBalance(allocation!.id)).toBe(0);
    await expectLedgerOk(council.id);
  });

  it("charges once when the till sends the same charge (requestKey) twice", async () => {
    const { council, provider, allocation, charge } = await tillScene();
    const requestKey = randomUUID();
    const first = await charge(300, requestKey);
    const again = await charge(300, requestKey);
    expect(again).toEqual({ ...first, created: false });
    expect(await walletBalance(allocation!.id)).toBe(1_700);
    expect(await payableBalance(council.id, provider.id)).toBe(300);
    expect(await db().transfer.count({ where: { kind: "CHARGE", councilId: council.id } })).toBe(1);
    await expectLedgerOk(council.id);
  });

  it("INVALID_INPUT and UNKNOWN_CODE: refuses a zero amount and a pass code that does not exist", async () => {
    const { provider, activity, charge } = await tillScene();
    await expectDomainError(charge(0), "INVALID_INPUT", /greater than zero/);
    await expectDomainError(
      chargePass(db(), { passCode: "0000-0000-0000-0000", providerId: provider.id, activityId: activity.id, amountPence: 100, requestKey: randomUUID(), actor: doorActor() }),
      "UNKNOWN_CODE",
      /not a Playpass pass code/,
    );
  });

  it("WRONG_PROVIDER and PROVIDER_NOT_APPROVED: only an approved provider of the pass's council can charge it", async () => {
    const { council, provider, activity, charge } = await tillScene();
    const stranger = await createYoungPerson({ allocationPence: 2_000 });
    await expectDomainError(
      chargePass(db(), { passCode: stranger.youngPerson.passCode, providerId: provider.id, activityId: activity.id, amountPence: 100, requestKey: randomUUID(), actor: doorActor() }),
      "WRONG_PROVIDER",
    );
    await db().providerCouncil.update({ where: { providerId_councilId: { providerId: provider.id, councilId: council.id } }, data: { status: "SUSPENDED" } });
    await expectDomainError(charge(100), "PROVIDER_NOT_APPROVED");
  });
});

describe("no-shows", () => {
  async function pastBooking(noShowPolicy: "RELEASE" | "CHARGE") {
    const scene = await sceneWithYoungPerson({ programme: { noShowPolicy, noShowGraceMinutes: 60 } });
    const booked = await book(scene.youngPerson.id, scene.slot.id);
    const afterGrace = new Date(scene.slot.endsAt.getTime() + 121 * MINUTE);
    return { ...scene, booked, afterGrace };
  }

  it("cannot mark a booking missed before the session and its grace period have ended", async () => {
    const { slot, booked } = await pastBooking("RELEASE");
    await expectDomainError(markNoShow(db(), { bookingId: booked.id, now: new Date(slot.endsAt.getTime() + 59 * MINUTE) }), "INVALID_INPUT", /after the session and its grace period/);
  });

  it("cannot mark a booking missed while the door could still redeem it, even after a shorter grace period", async () => {
    const { slot, provider, booked } = await pastBooking("RELEASE");
    const lateButOpen = new Date(slot.endsAt.getTime() + 90 * MINUTE);
    await expectDomainError(markNoShow(db(), { bookingId: booked.id, now: lateButOpen }), "INVALID_INPUT");
    expect(await redeemBooking(db(), { code: booked.code, providerId: provider.id, actor: doorActor(), now: lateButOpen })).toMatchObject({ outcome: "REDEEMED" });
  });

  it("RELEASE policy: the hold goes back to the wallet and the place stays taken", async () => {
    const { council, slot, allocation, booked, afterGrace } = await pastBooking("RELEASE");
    expect(await markNoShow(db(), { bookingId: booked.id, now: afterGrace })).toEqual({ outcome: "NO_SHOW", changed: true });
    expect(await walletBalance(allocation!.id)).toBe(5_000);
    expect(await holdBalance(booked.id)).toBe(0);
    expect(await placesTaken(slot.id)).toBe(1);
    expect(await db().redemption.count({ where: { bookingId: booked.id } })).toBe(0);
    expect(await markNoShow(db(), { bookingId: booked.id, now: afterGrace })).toEqual({ outcome: "NO_SHOW", changed: false });
    expect(await walletBalance(allocation!.id)).toBe(5_000);
    await expectLedgerOk(council.id);
  });

  it("CHARGE policy: the provider is paid as if the booking had been redeemed", async () => {
    const { council, provider, allocation, booked, afterGrace } = await pastBooking("CHARGE");
    expect(await markNoShow(db(), { bookingId: booked.id, now: afterGrace })).toEqual({ outcome: "NO_SHOW", changed: true });
    expect(await walletBalance(allocation!.id)).toBe(4_500);
    expect(await payableBalance(council.id, provider.id)).toBe(500);
    expect(await db().redemption.findUniqueOrThrow({ where: { bookingId: booked.id } })).toMatchObject({ method: "NO_SHOW_CHARGE", amountPence: 500 });
    expect(await markNoShow(db(), { bookingId: booked.id, now: afterGrace })).toEqual({ outcome: "NO_SHOW", changed: false });
    expect(await payableBalance(council.id, provider.id)).toBe(500);
    await expectLedgerOk(council.id);
  });

  it("a redeemed booking is never a no-show", async () => {
    const { council, slot, provider, allocation, booked, afterGrace } = await pastBooking("RELEASE");
    await redeemBooking(db(), { code: booked.code, providerId: provider.id, actor: doorActor(), now: slot.startsAt });
    expect(await markNoShow(db(), { bookingId: booked.id, now: afterGrace })).toEqual({ outcome: "REDEEMED", changed: false });
    expect(await walletBalance(allocation!.id)).toBe(4_500);
    await expectLedgerOk(council.id);
  });
});

describe("credit that comes back after an allocation has ended", () => {
  it("goes back to the programme budget, not to a wallet nobody can spend", async () => {
    const { council, programme, slot, youngPerson, allocation } = await sceneWithYoungPerson();
    const booked = await book(youngPerson.id, slot.id);
    await revokeAllocation(db(), { allocationId: allocation!.id, reason: "left the area" });
    const budgetBefore = await budgetBalance(programme.id);
    await cancelBooking(db(), { bookingId: booked.id, youngPersonId: youngPerson.id });
    expect(await walletBalance(allocation!.id)).toBe(0);
    expect(await budgetBalance(programme.id)).toBe(budgetBefore + 500);
    await expectLedgerOk(council.id);
  });
});

// Keeps factories honest: a slot belongs to its activity's provider and council.
describe("factories", () => {
  it("build independent scenes", async () => {
    const a = await createScene();
    const b = await createScene();
    expect(a.council.id).not.toBe(b.council.id);
    const activity = await createActivity({ providerId: a.provider.id, councilId: a.council.id });
    const slot = await createSlot({ activityId: activity.id });
    expect(slot.startsAt.getTime()).toBeGreaterThan(Date.now());
    const programme = await createProgramme({ councilId: a.council.id, fundedPence: 0 });
    expect(programme.councilId).toBe(a.council.id);
  });
});
