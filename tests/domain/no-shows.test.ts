import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { bookSlot, cancelBooking, noShowAfter, redeemBooking } from "~/domain/booking";
import { expireAllocation } from "~/domain/programmes";
import { makeDueRedemptionsPayable, sweepNoShows } from "~/domain/reconciliation";
import { createScene, createSlot, createYoungPeople, createYoungPerson, daysFromNow, doorActor, type SceneOptions } from "../factories";
import { budgetBalance, expectLedgerOk, holdBalance, payableBalance, placesTaken, walletBalance } from "../helpers";

const db = () => getDb();
const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;
const LOTS = 10_000;

/** A scene plus one young person (5,000p of credit) with a confirmed 500p booking on its slot. */
async function bookedScene(options: SceneOptions = {}) {
  const scene = await createScene({ activity: { pricePence: 500 }, ...options });
  const person = await createYoungPerson({ programmeId: scene.programme.id, allocationPence: 5_000 });
  const booking = await book(person.youngPerson.id, scene.slot.id);
  return { ...scene, ...person, allocation: person.allocation!, booking };
}

const book = (youngPersonId: string, slotId: string) => bookSlot(db(), { youngPersonId, slotId, requestKey: randomUUID() });
const statusOf = async (bookingId: string) => (await db().booking.findUniqueOrThrow({ where: { id: bookingId }, select: { status: true } })).status;
const holdEndings = (bookingId: string) => db().transfer.findMany({ where: { idempotencyKey: `hold-end:${bookingId}` } });
/** A sweep that must not have met a booking it could not record (e.g. one picked before its no-show time). */
async function sweep(input: { now: Date; limit: number }) {
  const result = await sweepNoShows(db(), input);
  expect(result.failed).toEqual([]);
  return result;
}
const after = (slot: { endsAt: Date }, minutes: number) => new Date(slot.endsAt.getTime() + minutes * MINUTE);

describe("sweepNoShows", () => {
  it("marks only confirmed bookings past the later of the grace period and the door's window", async () => {
    // Grace 60 min: the door can redeem for 120 min after the end, so 120 min it is.
    const short = await bookedScene({ programme: { noShowGraceMinutes: 60 } });
    const long = await bookedScene({ programme: { noShowGraceMinutes: 240 }, slot: { startsAt: short.slot.startsAt } });
    expect(noShowAfter(short.slot, short.programme)).toEqual(after(short.slot, 120));
    expect(noShowAfter(long.slot, long.programme)).toEqual(after(long.slot, 240));

    const redeemedPerson = await createYoungPerson({ programmeId: short.programme.id });
    const redeemed = await book(redeemedPerson.youngPerson.id, short.slot.id);
    await redeemBooking(db(), { code: redeemed.code, providerId: short.provider.id, actor: doorActor(), now: short.slot.startsAt });
    const cancelledPerson = await createYoungPerson({ programmeId: short.programme.id });
    const cancelled = await book(cancelledPerson.youngPerson.id, short.slot.id);
    await cancelBooking(db(), { bookingId: cancelled.id, youngPersonId: cancelledPerson.youngPerson.id });
    const laterSlot = await createSlot({ activityId: short.activity.id, startsAt: new Date(short.slot.startsAt.getTime() + DAY) });
    const later = await book(short.youngPerson.id, laterSlot.id);
    const placesBefore = await placesTaken(short.slot.id);

    await sweep({ now: new Date(after(short.slot, 120).getTime() - 1), limit: LOTS });
    expect(await statusOf(short.booking.id)).toBe("CONFIRMED");

    await sweep({ now: after(short.slot, 120), limit: LOTS });
    expect(await statusOf(short.booking.id)).toBe("NO_SHOW");
    expect(await statusOf(long.booking.id)).toBe("CONFIRMED");
    expect(await statusOf(redeemed.id)).toBe("REDEEMED");
    expect(await statusOf(cancelled.id)).toBe("CANCELLED");
    expect(await statusOf(later.id)).toBe("CONFIRMED");
    // A no-show keeps its place: the session happened with it held.
    expect(await placesTaken(short.slot.id)).toBe(placesBefore);

    await sweep({ now: after(long.slot, 239), limit: LOTS });
    expect(await statusOf(long.booking.id)).toBe("CONFIRMED");
    await sweep({ now: after(long.slot, 240), limit: LOTS });
    expect(await statusOf(long.booking.id)).toBe("NO_SHOW");
    expect(await statusOf(later.id)).toBe("CONFIRMED");

    await expectLedgerOk(short.council.id);
    await expectLedgerOk(long.council.id);
  });

  it("gives the credit back to the wallet under the RELEASE policy", async () => {
    const scene = await bookedScene({ programme: { noShowPolicy: "RELEASE" } });
    expect(await walletBalance(scene.allocation.id)).toBe(4_500);

    await sweep({ now: noShowAfter(scene.slot, scene.programme), limit: LOTS });

    expect(await statusOf(scene.booking.id)).toBe("NO_SHOW");
    expect(await walletBalance(scene.allocation.id)).toBe(5_000);
    expect(await holdBalance(scene.booking.id)).toBe(0);
    expect((await holdEndings(scene.booking.id)).map((t) => t.kind)).toEqual(["NO_SHOW_RELEASE"]);
    expect(await db().redemption.count({ where: { bookingId: scene.booking.id } })).toBe(0);
    expect(await payableBalance(scene.council.id, scene.provider.id)).toBe(0);
    await expectLedgerOk(scene.council.id);
  });

  it("pays the provider as if redeemed under the CHARGE policy, payable after the dispute window", async () => {
    const scene = await bookedScene({ programme: { noShowPolicy: "CHARGE", disputeWindowDays: 3 } });
    const now = noShowAfter(scene.slot, scene.programme);

    await sweep({ now, limit: LOTS });

    expect(await statusOf(scene.booking.id)).toBe("NO_SHOW");
    expect(await walletBalance(scene.allocation.id)).toBe(4_500);
    expect(await holdBalance(scene.booking.id)).toBe(0);
    expect(await payableBalance(scene.council.id, scene.provider.id)).toBe(500);
    const redemption = await db().redemption.findUniqueOrThrow({ where: { bookingId: scene.booking.id } });
    expect(redemption).toMatchObject({ method: "NO_SHOW_CHARGE", amountPence: 500, status: "PENDING", payableAt: new Date(now.getTime() + 3 * DAY) });
    expect((await holdEndings(scene.booking.id)).map((t) => t.kind)).toEqual(["REDEEM"]);
    await expectLedgerOk(scene.council.id);

    await makeDueRedemptionsPayable(db(), { now: new Date(redemption.payableAt.getTime() - 1) });
    expect((await db().redemption.findUniqueOrThrow({ where: { id: redemption.id } })).status).toBe("PENDING");
    await makeDueRedemptionsPayable(db(), { now: redemption.payableAt });
    expect((await db().redemption.findUniqueOrThrow({ where: { id: redemption.id } })).status).toBe("PAYABLE");
    await expectLedgerOk(scene.council.id);
  });

  it("changes nothing when run again", async () => {
    const release = await bookedScene({ programme: { noShowPolicy: "RELEASE" } });
    const charge = await bookedScene({ programme: { noShowPolicy: "CHARGE" }, slot: { startsAt: release.slot.startsAt } });
    const now = after(release.slot, 180);

    await sweep({ now, limit: LOTS });
    const transfers = await db().transfer.count({ where: { councilId: { in: [release.council.id, charge.council.id] } } });
    const redemptions = await db().redemption.count({ where: { councilId: { in: [release.council.id, charge.council.id] } } });

    const again = await sweep({ now: new Date(now.getTime() + 5 * MINUTE), limit: LOTS });
    expect(again.failed).toEqual([]);
    expect(await db().transfer.count({ where: { councilId: { in: [release.council.id, charge.council.id] } } })).toBe(transfers);
    expect(await db().redemption.count({ where: { councilId: { in: [release.council.id, charge.council.id] } } })).toBe(redemptions);
    expect(await walletBalance(release.allocation.id)).toBe(5_000);
    expect(await payableBalance(charge.council.id, charge.provider.id)).toBe(500);
    await expectLedgerOk(release.council.id);
    await expectLedgerOk(charge.council.id);
  });

  it("records each booking once when sweeps run at the same moment", async () => {
    const release = await createScene({ programme: { noShowPolicy: "RELEASE" }, activity: { pricePence: 300, capacity: 20 } });
    const charge = await createScene({ programme: { noShowPolicy: "CHARGE" }, activity: { pricePence: 400, capacity: 20 }, slot: { startsAt: release.slot.startsAt } });
    const releasePeople = await createYoungPeople(8, { programmeId: release.programme.id, allocationPence: 1_000 });
    const chargePeople = await createYoungPeople(8, { programmeId: charge.programme.id, allocationPence: 1_000 });
    const bookings = [
      ...(await Promise.all(releasePeople.map((p) => book(p.youngPerson.id, release.slot.id)))),
      ...(await Promise.all(chargePeople.map((p) => book(p.youngPerson.id, charge.slot.id)))),
    ];
    const now = after(release.slot, 180);
    const noShowsBefore = await db().booking.count({ where: { status: "NO_SHOW" } });

    const sweeps = await Promise.all(Array.from({ length: 4 }, () => sweepNoShows(db(), { now, limit: LOTS })));

    expect(sweeps.flatMap((s) => s.failed)).toEqual([]);
    for (const booking of bookings) {
      expect(await statusOf(booking.id)).toBe("NO_SHOW");
      expect(await holdEndings(booking.id)).toHaveLength(1);
    }
    expect(sweeps.reduce((sum, s) => sum + s.marked, 0)).toBe((await db().booking.count({ where: { status: "NO_SHOW" } })) - noShowsBefore);
    for (const person of releasePeople) expect(await walletBalance(person.allocation!.id)).toBe(1_000);
    for (const person of chargePeople) expect(await walletBalance(person.allocation!.id)).toBe(600);
    expect(await payableBalance(charge.council.id, charge.provider.id)).toBe(8 * 400);
    expect(await db().redemption.count({ where: { councilId: charge.council.id, method: "NO_SHOW_CHARGE" } })).toBe(8);
    await expectLedgerOk(release.council.id);
    await expectLedgerOk(charge.council.id);
  });

  it("sends released credit to the programme budget when the pass has expired meanwhile", async () => {
    const scene = await bookedScene({ programme: { noShowPolicy: "RELEASE", endsOn: daysFromNow(8) } });
    // The pass expires at the end of day 8, after the session on day 7 and its no-show time.
    const now = new Date(scene.allocation.expiresAt.getTime() + 1);
    expect(noShowAfter(scene.slot, scene.programme) < now).toBe(true);
    await expireAllocation(db(), { allocationId: scene.allocation.id, now });
    const budgetBefore = await budgetBalance(scene.programme.id);

    await sweep({ now, limit: LOTS });

    expect(await statusOf(scene.booking.id)).toBe("NO_SHOW");
    expect(await walletBalance(scene.allocation.id)).toBe(0);
    expect(await budgetBalance(scene.programme.id)).toBe(budgetBefore + 500);
    await expectLedgerOk(scene.council.id);
  });

  it("takes at most `limit` bookings per run and says when more are waiting", async () => {
    const scene = await createScene({ activity: { pricePence: 100, capacity: 5 } });
    const people = await createYoungPeople(3, { programmeId: scene.programme.id });
    const bookings = await Promise.all(people.map((p) => book(p.youngPerson.id, scene.slot.id)));
    const now = noShowAfter(scene.slot, scene.programme);

    const first = await sweep({ now, limit: 2 });
    expect(first).toMatchObject({ due: 2, failed: [], more: true });
    while ((await sweep({ now, limit: 2 })).more);
    for (const booking of bookings) expect(await statusOf(booking.id)).toBe("NO_SHOW");
    await expectLedgerOk(scene.council.id);
  });
});

describe("makeDueRedemptionsPayable", () => {
  it("makes every council's redemptions payable once their dispute window has passed, and only those", async () => {
    const a = await bookedScene({ programme: { disputeWindowDays: 2 } });
    const b = await bookedScene({ programme: { disputeWindowDays: 5 }, slot: { startsAt: a.slot.startsAt } });
    await redeemBooking(db(), { code: a.booking.code, providerId: a.provider.id, actor: doorActor(), now: a.slot.startsAt });
    await redeemBooking(db(), { code: b.booking.code, providerId: b.provider.id, actor: doorActor(), now: b.slot.startsAt });
    const statusIn = async (councilId: string) => (await db().redemption.findFirstOrThrow({ where: { councilId } })).status;

    await makeDueRedemptionsPayable(db(), { now: new Date(a.slot.startsAt.getTime() + 2 * DAY - 1) });
    expect(await statusIn(a.council.id)).toBe("PENDING");
    expect(await statusIn(b.council.id)).toBe("PENDING");

    const twoDays = await makeDueRedemptionsPayable(db(), { now: new Date(a.slot.startsAt.getTime() + 2 * DAY) });
    expect(twoDays.madePayable).toBeGreaterThanOrEqual(1);
    expect(await statusIn(a.council.id)).toBe("PAYABLE");
    expect(await statusIn(b.council.id)).toBe("PENDING");

    await makeDueRedemptionsPayable(db(), { now: new Date(a.slot.startsAt.getTime() + 5 * DAY) });
    expect(await statusIn(a.council.id)).toBe("PAYABLE");
    expect(await statusIn(b.council.id)).toBe("PAYABLE");
    // Nothing left to do: a second run makes nothing payable again.
    expect((await makeDueRedemptionsPayable(db(), { now: new Date(a.slot.startsAt.getTime() + 5 * DAY) })).madePayable).toBe(0);
    await expectLedgerOk(a.council.id);
    await expectLedgerOk(b.council.id);
  });
});
