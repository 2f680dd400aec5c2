// A young person's statement is read from the ledger: every movement of their credit, in words, adding up to their balance.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { bookSlot, cancelBooking, cancelSlot, chargePass, markNoShow } from "~/domain/booking";
import { walletStatement } from "~/domain/ledger";
import { expireAllocation, issueAllocation, revokeAllocation, topUpAllocation } from "~/domain/programmes";
import { createActivity, createProgramme, createScene, createSlot, createYoungPerson, daysFromNow, doorActor } from "../factories";
import { expectLedgerOk, walletBalance } from "../helpers";

const db = () => getDb();

describe("walletStatement", () => {
  it("lists issue, top-up, book, every kind of refund, a till charge and a revoke, newest first, with a running balance", async () => {
    const scene = await createScene({ activity: { title: "Teen swim", pricePence: 700 } });
    const { youngPerson, allocation } = await createYoungPerson({ programmeId: scene.programme.id, allocationPence: 5_000 });
    const allocationId = allocation!.id;

    await topUpAllocation(db(), { allocationId, amountPence: 1_000, reason: "Great attendance", idempotencyKey: randomUUID() });
    // Booked, then cancelled by the young person.
    const cancelled = await bookSlot(db(), { youngPersonId: youngPerson.id, slotId: scene.slot.id, requestKey: randomUUID() });
    await cancelBooking(db(), { bookingId: cancelled.id, youngPersonId: youngPerson.id });
    // Booked, then the provider cancels the session.
    const climbing = await createActivity({ providerId: scene.provider.id, councilId: scene.council.id, title: "Climbing taster", pricePence: 1_200 });
    const climbingSlot = await createSlot({ activityId: climbing.id });
    await bookSlot(db(), { youngPersonId: youngPerson.id, slotId: climbingSlot.id, requestKey: randomUUID() });
    await cancelSlot(db(), { slotId: climbingSlot.id, providerId: scene.provider.id, reason: "Wall closed" });
    // Booked for a session that has since ended, and missed (the programme releases the hold).
    const dance = await createActivity({ providerId: scene.provider.id, councilId: scene.council.id, title: "Street dance", pricePence: 300 });
    const pastSlot = await createSlot({ activityId: dance.id, startsAt: daysFromNow(-2) });
    const missed = await bookSlot(db(), { youngPersonId: youngPerson.id, slotId: pastSlot.id, requestKey: randomUUID(), now: daysFromNow(-3) });
    await markNoShow(db(), { bookingId: missed.id });
    // Walk-in at the till, and one booking still held.
    await chargePass(db(), { passCode: youngPerson.passCode, providerId: scene.provider.id, activityId: scene.activity.id, amountPence: 450, requestKey: randomUUID(), actor: doorActor() });
    await bookSlot(db(), { youngPersonId: youngPerson.id, slotId: scene.slot.id, requestKey: randomUUID() });

    const beforeRevoke = await walletStatement(db(), youngPerson.id);
    expect(beforeRevoke.balancePence).toBe(await walletBalance(allocationId));
    expect(beforeRevoke.balancePence).toBe(5_000 + 1_000 - 450 - 700);

    await revokeAllocation(db(), { allocationId, reason: "Moved out of the area" });
    const statement = await walletStatement(db(), youngPerson.id);

    const rows = statement.entries.map((e) => [e.type, e.description, e.amountPence, e.balancePence]);
    expect(rows).toEqual([
      ["revoked", `The council stopped your credit from ${scene.programme.name}`, -4_850, 0],
      ["booked", "Booked Teen swim", -700, 4_850],
      ["charged", `Paid at ${scene.provider.name}`, -450, 5_550],
      ["refunded", "Money back: you missed Street dance", 300, 6_000],
      ["booked", "Booked Street dance", -300, 5_700],
      ["refunded", "Money back: Climbing taster was cancelled by the provider", 1_200, 6_000],
      ["booked", "Booked Climbing taster", -1_200, 4_800],
      ["refunded", "Money back: you cancelled Teen swim", 700, 6_000],
      ["booked", "Booked Teen swim", -700, 5_300],
      ["top-up", "Extra credit: Great attendance", 1_000, 6_000],
      ["issued", `Credit from ${scene.programme.name}`, 5_000, 5_000],
    ]);
    // The council's reason for stopping a pass is for the council, not the statement.
    expect(statement.entries.some((e) => e.description.includes("Moved out"))).toBe(false);
    expect(statement.balancePence).toBe(0);
    expect(statement.balancePence).toBe(await walletBalance(allocationId));
    const times = statement.entries.map((e) => Date.parse(e.at));
    expect(times).toEqual([...times].sort((a, b) => b - a));
    await expectLedgerOk(scene.council.id);
  });

  it("shows unused credit running out at expiry", async () => {
    const programme = await createProgramme({ endsOn: daysFromNow(10) });
    const { youngPerson, allocation } = await createYoungPerson({ programmeId: programme.id, allocationPence: 2_500 });
    await expireAllocation(db(), { allocationId: allocation!.id, now: daysFromNow(12) });

    const statement = await walletStatement(db(), youngPerson.id);
    expect(statement.entries.map((e) => [e.type, e.description, e.amountPence, e.balancePence])).toEqual([
      ["expired", `Unused credit from ${programme.name} ran out`, -2_500, 0],
      ["issued", `Credit from ${programme.name}`, 2_500, 2_500],
    ]);
  });

  it("adds up every allocation the young person has, and ends at the sum of their wallets", async () => {
    const scene = await createScene({ activity: { pricePence: 400 } });
    const { youngPerson, allocation } = await createYoungPerson({ programmeId: scene.programme.id, allocationPence: 1_000 });
    const second = await createProgramme({ councilId: scene.council.id });
    const secondAllocation = await issueAllocation(db(), { programmeId: second.id, youngPersonId: youngPerson.id, amountPence: 3_000 });
    await bookSlot(db(), { youngPersonId: youngPerson.id, slotId: scene.slot.id, requestKey: randomUUID() });

    const statement = await walletStatement(db(), youngPerson.id);
    expect(statement.entries).toHaveLength(3);
    expect(statement.balancePence).toBe((await walletBalance(allocation!.id)) + (await walletBalance(secondAllocation.id)));
    expect(statement.balancePence).toBe(1_000 + 3_000 - 400);
  });

  it("holds only the young person's own movements", async () => {
    const scene = await createScene({ activity: { pricePence: 600 } });
    const me = await createYoungPerson({ programmeId: scene.programme.id, allocationPence: 2_000 });
    const someoneElse = await createYoungPerson({ programmeId: scene.programme.id, allocationPence: 9_000 });
    await bookSlot(db(), { youngPersonId: someoneElse.youngPerson.id, slotId: scene.slot.id, requestKey: randomUUID() });

    const statement = await walletStatement(db(), me.youngPerson.id);
    expect(statement.entries.map((e) => e.amountPence)).toEqual([2_000]);
    expect(statement.balancePence).toBe(2_000);
  });

  it("is empty for a young person with no credit yet", async () => {
    const { youngPerson } = await createYoungPerson({ withAllocation: false });
    expect(await walletStatement(db(), youngPerson.id)).toEqual({ entries: [], balancePence: 0 });
  });
});
