import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { bookSlot, redeemBooking } from "~/domain/booking";
import {
  expireDueAllocations,
  expiryReminderDue,
  expiryReminderKey,
  revokeAllocation,
  sendExpiryReminders,
  setAllocationFrozen,
} from "~/domain/programmes";
import { calendarDay, createProgramme, createScene, createYoungPerson, daysFromNow, doorActor } from "../factories";
import { budgetBalance, expectLedgerOk, holdBalance, payableBalance, settle, walletBalance } from "../helpers";

const db = () => getDb();
const HOUR = 60 * 60 * 1000;
const DAY = 24 * HOUR;

/** A young person whose allocation expires at the end of `endsOn` (UTC), from a programme of their own council. */
async function personExpiringOn(endsOn: Date, options: { allocationPence?: number; email?: string | null; phone?: string | null; firstName?: string } = {}) {
  const programme = await createProgramme({ endsOn, fundedPence: 100_000 });
  const person = await createYoungPerson({ programmeId: programme.id, ...options });
  return { programme, ...person, allocation: person.allocation! };
}

const remindersFor = (allocationId: string) =>
  db().message.findMany({ where: { dedupeKey: { in: [expiryReminderKey(allocationId, 14), expiryReminderKey(allocationId, 3)] } }, orderBy: { createdAt: "asc" } });

describe("expiryReminderDue", () => {
  const expiresAt = new Date("2027-09-01T23:59:59.999Z");
  const before = (ms: number) => new Date(expiresAt.getTime() - ms);

  it("is the 14-day reminder from 14 days before until the 3-day one is due, then the 3-day one until expiry", () => {
    expect(expiryReminderDue(expiresAt, before(14 * DAY + 1))).toBeNull();
    expect(expiryReminderDue(expiresAt, before(14 * DAY))).toBe(14);
    expect(expiryReminderDue(expiresAt, before(3 * DAY + 1))).toBe(14);
    expect(expiryReminderDue(expiresAt, before(3 * DAY))).toBe(3);
    expect(expiryReminderDue(expiresAt, before(1))).toBe(3);
    expect(expiryReminderDue(expiresAt, expiresAt)).toBeNull();
    expect(expiryReminderDue(expiresAt, new Date(expiresAt.getTime() + DAY))).toBeNull();
  });
});

describe("sendExpiryReminders", () => {
  it("queues one plain reminder 14 days before expiry and one 3 days before, however often it runs", async () => {
    const { allocation, youngPerson } = await personExpiringOn(new Date("2027-09-01T00:00:00Z"), { allocationPence: 1_250, firstName: "Sam" });
    const at14 = new Date(allocation.expiresAt.getTime() - 14 * DAY + HOUR);
    const at3 = new Date(allocation.expiresAt.getTime() - 3 * DAY + HOUR);

    await sendExpiryReminders(db(), { now: new Date(allocation.expiresAt.getTime() - 15 * DAY) });
    expect(await remindersFor(allocation.id)).toHaveLength(0);

    await sendExpiryReminders(db(), { now: at14 });
    await sendExpiryReminders(db(), { now: at14 });
    // The next day's run, still before the 3-day reminder, sends nothing new.
    await sendExpiryReminders(db(), { now: new Date(at14.getTime() + DAY) });
    const first = await remindersFor(allocation.id);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatchObject({
      dedupeKey: expiryReminderKey(allocation.id, 14),
      channel: "EMAIL",
      recipient: youngPerson.email,
      status: "PENDING",
      template: "expiry-reminder",
      subject: "Your Playpass credit",
      body: "Hi Sam, you have £12.50 left on your Playpass. It can be used until 1 September.",
      redactAfterSend: false,
    });

    await sendExpiryReminders(db(), { now: at3 });
    await sendExpiryReminders(db(), { now: at3 });
    const both = await remindersFor(allocation.id);
    expect(both.map((m) => m.dedupeKey)).toEqual([expiryReminderKey(allocation.id, 14), expiryReminderKey(allocation.id, 3)]);
    expect(both[1]!.body).toBe("Hi Sam, you have £12.50 left on your Playpass. It can be used until 1 September.");
  });

  it("uses plain facts only: no urgency, no pressure to spend", async () => {
    const { allocation } = await personExpiringOn(new Date("2027-10-05T00:00:00Z"), { allocationPence: 3_000 });
    await sendExpiryReminders(db(), { now: new Date(allocation.expiresAt.getTime() - 2 * DAY) });
    const [message] = await remindersFor(allocation.id);
    expect(message!.body).toContain("£30.00 left");
    expect(message!.body).toContain("5 October");
    expect(`${message!.subject} ${message!.body}`).not.toMatch(/!|hurry|quick|soon|don.t miss|do not miss|last chance|lose|book now|spend|before it.s gone|only \d+ days/i);
  });

  it("sends a reminder exactly once when many sweeps run at the same moment", async () => {
    const people = await Promise.all(Array.from({ length: 3 }, () => personExpiringOn(new Date("2027-11-20T00:00:00Z"), { allocationPence: 700 })));
    const now = new Date(people[0]!.allocation.expiresAt.getTime() - 10 * DAY);
    const before = await db().message.count();

    const runs = await Promise.all(Array.from({ length: 6 }, () => sendExpiryReminders(db(), { now })));

    for (const { allocation } of people) {
      const reminders = await remindersFor(allocation.id);
      expect(reminders.map((m) => m.dedupeKey)).toEqual([expiryReminderKey(allocation.id, 14)]);
    }
    // Each run counts only what it queued itself: together they queued exactly the new rows.
    expect(runs.reduce((sum, run) => sum + run.queued, 0)).toBe((await db().message.count()) - before);
  });

  it("catches up on a missed run, and skips the 14-day reminder once the 3-day one is due", async () => {
    const missed = await personExpiringOn(new Date("2027-12-10T00:00:00Z"));
    await sendExpiryReminders(db(), { now: new Date(missed.allocation.expiresAt.getTime() - 9 * DAY) });
    expect((await remindersFor(missed.allocation.id)).map((m) => m.dedupeKey)).toEqual([expiryReminderKey(missed.allocation.id, 14)]);

    const late = await personExpiringOn(new Date("2027-12-11T00:00:00Z"));
    await sendExpiryReminders(db(), { now: new Date(late.allocation.expiresAt.getTime() - 2 * DAY) });
    expect((await remindersFor(late.allocation.id)).map((m) => m.dedupeKey)).toEqual([expiryReminderKey(late.allocation.id, 3)]);
  });

  it("sends nothing for an empty wallet, a revoked, frozen or expired pass, or someone with no contact details", async () => {
    const endsOn = new Date("2028-01-15T00:00:00Z");
    const empty = await personExpiringOn(endsOn, { allocationPence: 0 });
    const revoked = await personExpiringOn(endsOn);
    await revokeAllocation(db(), { allocationId: revoked.allocation.id, reason: "moved away" });
    const frozen = await personExpiringOn(endsOn);
    await setAllocationFrozen(db(), { allocationId: frozen.allocation.id, frozen: true });
    const unreachable = await personExpiringOn(endsOn, { email: null, phone: null });
    const bySms = await personExpiringOn(endsOn, { email: null, phone: "+447700900123" });

    const now = new Date(empty.allocation.expiresAt.getTime() - 2 * DAY);
    await sendExpiryReminders(db(), { now });
    await sendExpiryReminders(db(), { now: new Date(empty.allocation.expiresAt.getTime() + HOUR) });

    for (const quiet of [empty, revoked, frozen, unreachable]) expect(await remindersFor(quiet.allocation.id)).toHaveLength(0);
    expect(await remindersFor(bySms.allocation.id)).toMatchObject([{ channel: "SMS", recipient: "+447700900123" }]);
  });
});

describe("expireDueAllocations", () => {
  it("returns unspent credit to the programme budget once, leaving passes not yet due alone", async () => {
    const programme = await createProgramme({ fundedPence: 100_000, endsOn: calendarDay(daysFromNow(-2)) });
    const { allocation } = await createYoungPerson({ programmeId: programme.id, allocationPence: 4_000 });
    const frozen = (await createYoungPerson({ programmeId: programme.id, allocationPence: 1_500 })).allocation!;
    await setAllocationFrozen(db(), { allocationId: frozen.id, frozen: true });
    const revoked = (await createYoungPerson({ programmeId: programme.id, allocationPence: 500 })).allocation!;
    await revokeAllocation(db(), { allocationId: revoked.id, reason: "left the area" });
    const future = await createProgramme({ councilId: programme.councilId, fundedPence: 10_000, endsOn: calendarDay(daysFromNow(30)) });
    const notYet = (await createYoungPerson({ programmeId: future.id, allocationPence: 2_000 })).allocation!;
    expect(await budgetBalance(programme.id)).toBe(100_000 - 4_000 - 1_500);

    const now = new Date();
    const first = await expireDueAllocations(db(), { now, limit: 1_000 });
    expect(first.failed).toEqual([]);
    expect(first.returnedPence).toBeGreaterThanOrEqual(5_500);

    const statuses = await db().allocation.findMany({ where: { id: { in: [allocation!.id, frozen.id, revoked.id, notYet.id] } }, select: { id: true, status: true } });
    expect(Object.fromEntries(statuses.map((a) => [a.id, a.status]))).toEqual({
      [allocation!.id]: "EXPIRED",
      [frozen.id]: "EXPIRED",
      [revoked.id]: "REVOKED",
      [notYet.id]: "ACTIVE",
    });
    expect(await walletBalance(allocation!.id)).toBe(0);
    expect(await walletBalance(frozen.id)).toBe(0);
    expect(await walletBalance(notYet.id)).toBe(2_000);
    expect(await budgetBalance(programme.id)).toBe(100_000);
    const expiries = await db().transfer.findMany({ where: { councilId: programme.councilId, kind: "EXPIRE" }, orderBy: { amountPence: "asc" } });
    expect(expiries.map((t) => t.amountPence)).toEqual([1_500, 4_000]);
    await expectLedgerOk(programme.councilId);

    // Running again (the next hour, or a duplicate job) changes nothing.
    const transfersBefore = await db().transfer.count({ where: { councilId: programme.councilId } });
    const again = await expireDueAllocations(db(), { now: new Date(now.getTime() + HOUR), limit: 1_000 });
    expect(again.failed).toEqual([]);
    expect(await db().transfer.count({ where: { councilId: programme.councilId } })).toBe(transfersBefore);
    expect(await budgetBalance(programme.id)).toBe(100_000);
    await expectLedgerOk(programme.councilId);
  });

  it("expires each allocation once when sweeps overlap", async () => {
    const programme = await createProgramme({ fundedPence: 100_000, endsOn: calendarDay(daysFromNow(-1)) });
    const people = await Promise.all(Array.from({ length: 6 }, () => createYoungPerson({ programmeId: programme.id, allocationPence: 1_000 })));

    const runs = await settle(Array.from({ length: 4 }, () => expireDueAllocations(db(), { now: new Date(), limit: 1_000 })));
    expect(runs.rejected).toEqual([]);
    expect(runs.fulfilled.flatMap((r) => r.failed)).toEqual([]);

    for (const { allocation } of people) {
      expect(await db().transfer.count({ where: { kind: "EXPIRE", debitAccountId: (await db().account.findUniqueOrThrow({ where: { allocationId: allocation!.id } })).id } })).toBe(1);
    }
    expect(await budgetBalance(programme.id)).toBe(100_000);
    await expectLedgerOk(programme.councilId);
  });

  it("takes at most `limit` allocations per run and says when more are waiting", async () => {
    const programme = await createProgramme({ fundedPence: 10_000, endsOn: calendarDay(daysFromNow(-3)) });
    const people = await Promise.all(Array.from({ length: 3 }, () => createYoungPerson({ programmeId: programme.id, allocationPence: 100 })));
    const now = new Date();

    const first = await expireDueAllocations(db(), { now, limit: 2 });
    expect(first).toMatchObject({ expired: 2, failed: [], more: true });

    while ((await expireDueAllocations(db(), { now, limit: 2 })).more);
    const statuses = await db().allocation.findMany({ where: { id: { in: people.map((p) => p.allocation!.id) } }, select: { status: true } });
    expect(statuses.map((a) => a.status)).toEqual(["EXPIRED", "EXPIRED", "EXPIRED"]);
    await expectLedgerOk(programme.councilId);
  });

  it("keeps a booking made before expiry held, and the door can still redeem it afterwards", async () => {
    const scene = await createScene({
      programme: { fundedPence: 50_000, endsOn: calendarDay(daysFromNow(1)) },
      activity: { pricePence: 500 },
      slot: { startsAt: daysFromNow(3) },
    });
    const { youngPerson, allocation } = await createYoungPerson({ programmeId: scene.programme.id, allocationPence: 2_000 });
    const booking = await bookSlot(db(), { youngPersonId: youngPerson.id, slotId: scene.slot.id, requestKey: randomUUID() });

    const afterExpiry = new Date(allocation!.expiresAt.getTime() + HOUR);
    const run = await expireDueAllocations(db(), { now: afterExpiry, limit: 1_000 });
    expect(run.failed).toEqual([]);
    expect(await db().allocation.findUniqueOrThrow({ where: { id: allocation!.id }, select: { status: true } })).toEqual({ status: "EXPIRED" });
    expect(await walletBalance(allocation!.id)).toBe(0);
    expect(await holdBalance(booking.id)).toBe(500);
    expect(await budgetBalance(scene.programme.id)).toBe(50_000 - 500);
    await expectLedgerOk(scene.council.id);

    const redeemed = await redeemBooking(db(), {
      code: booking.code,
      providerId: scene.provider.id,
      actor: doorActor(),
      now: new Date(scene.slot.startsAt.getTime() + 5 * 60_000),
    });
    expect(redeemed.outcome).toBe("REDEEMED");
    expect(await holdBalance(booking.id)).toBe(0);
    expect(await payableBalance(scene.council.id, scene.provider.id)).toBe(500);
    await expectLedgerOk(scene.council.id);
  });
});
