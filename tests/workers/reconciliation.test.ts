import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { getDb } from "~/lib/db.server";
import { getQueue, QUEUES } from "~/lib/queues.server";
import { bookSlot, redeemBooking } from "~/domain/booking";
import { expiryReminderKey } from "~/domain/programmes";
import { fakeJob, useWorkerTestEnvironment } from "../support/workers";
import { processJob as runReconciliation, schedules } from "../../workers/reconciliation";
import { processJob as runNotification } from "../../workers/notifications";
import { processJob as runAttendance, schedules as attendanceSchedules } from "../../workers/attendance";
import { submitAttendanceReport } from "~/domain/reconciliation";
import { calendarDay, createProgramme, createScene, createYoungPerson, daysFromNow, doorActor } from "../factories";
import { budgetBalance, expectLedgerOk, walletBalance } from "../helpers";

const db = () => getDb();
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;


useWorkerTestEnvironment();

/** A 500p booking on a slot that ended `endedAgo` ms ago, booked (in the past) before it started. */
async function pastBooking(endedAgo: number, programme: { noShowPolicy?: "RELEASE" | "CHARGE"; disputeWindowDays?: number } = {}) {
  const endsAt = new Date(Date.now() - endedAgo);
  const scene = await createScene({ programme, activity: { pricePence: 500 }, slot: { startsAt: new Date(endsAt.getTime() - HOUR), durationMinutes: 60 } });
  const { youngPerson, allocation } = await createYoungPerson({ programmeId: scene.programme.id, allocationPence: 2_000 });
  const booking = await bookSlot(db(), { youngPersonId: youngPerson.id, slotId: scene.slot.id, requestKey: randomUUID(), now: new Date(scene.slot.startsAt.getTime() - HOUR) });
  return { ...scene, allocation: allocation!, booking };
}

const statusOf = async (bookingId: string) => (await db().booking.findUniqueOrThrow({ where: { id: bookingId }, select: { status: true } })).status;

describe('reconciliation "sweep-no-shows"', () => {
  it("marks bookings past their no-show time and releases their credit, leaving recent ones", async () => {
    const due = await pastBooking(3 * HOUR);
    const recent = await pastBooking(30 * MINUTE);

    const result = await runReconciliation(fakeJob({ task: "sweep-no-shows" }));
    expect(result).toMatchObject({ failed: [] });
    expect((result as { marked: number }).marked).toBeGreaterThanOrEqual(1);

    expect(await statusOf(due.booking.id)).toBe("NO_SHOW");
    expect(await walletBalance(due.allocation.id)).toBe(2_000);
    expect(await statusOf(recent.booking.id)).toBe("CONFIRMED");
    // A second delivery of the same job (BullMQ is at least once) changes nothing.
    await runReconciliation(fakeJob({ task: "sweep-no-shows" }));
    expect(await db().transfer.count({ where: { idempotencyKey: `hold-end:${due.booking.id}` } })).toBe(1);
    await expectLedgerOk(due.council.id);
    await expectLedgerOk(recent.council.id);
  });
});

describe('reconciliation "make-payable"', () => {
  it("makes redemptions past their dispute window payable", async () => {
    const scene = await pastBooking(3 * HOUR, { disputeWindowDays: 0 });
    await redeemBooking(db(), { code: scene.booking.code, providerId: scene.provider.id, actor: doorActor(), now: scene.slot.startsAt });

    const result = await runReconciliation(fakeJob({ task: "make-payable" }));
    expect((result as { madePayable: number }).madePayable).toBeGreaterThanOrEqual(1);
    expect(await db().redemption.findUniqueOrThrow({ where: { bookingId: scene.booking.id }, select: { status: true } })).toEqual({ status: "PAYABLE" });
    await expectLedgerOk(scene.council.id);
  });
});

describe('reconciliation "send-expiry-reminders"', () => {
  it("queues one reminder per pass however often it runs, which the notifications queue then delivers", async () => {
    // Expires at the end of the day after tomorrow: between 2 and 3 days away, so the 3-day reminder is due.
    const programme = await createProgramme({ fundedPence: 10_000, endsOn: calendarDay(daysFromNow(2)) });
    const { allocation } = await createYoungPerson({ programmeId: programme.id, allocationPence: 1_250 });

    await runReconciliation(fakeJob({ task: "send-expiry-reminders" }));
    await runReconciliation(fakeJob({ task: "send-expiry-reminders" }));

    const messages = await db().message.findMany({ where: { dedupeKey: { endsWith: allocation!.id } } });
    expect(messages).toHaveLength(1);
    expect(messages[0]).toMatchObject({ dedupeKey: expiryReminderKey(allocation!.id, 3), status: "PENDING", template: "expiry-reminder" });
    expect(messages[0]!.body).toContain("£12.50 left on your Playpass");

    await expect(runNotification(fakeJob({ messageId: messages[0]!.id }))).resolves.toBe("OUTBOX");
  });
});

describe('reconciliation "expire-allocations"', () => {
  it("expires passes past their date and returns their credit to the budget", async () => {
    const programme = await createProgramme({ fundedPence: 10_000, endsOn: calendarDay(daysFromNow(-1)) });
    const { allocation } = await createYoungPerson({ programmeId: programme.id, allocationPence: 3_000 });

    const result = await runReconciliation(fakeJob({ task: "expire-allocations" }));
    expect(result).toMatchObject({ failed: [] });
    await runReconciliation(fakeJob({ task: "expire-allocations" }));

    expect(await db().allocation.findUniqueOrThrow({ where: { id: allocation!.id }, select: { status: true } })).toEqual({ status: "EXPIRED" });
    expect(await budgetBalance(programme.id)).toBe(10_000);
    expect(await db().transfer.count({ where: { councilId: programme.councilId, kind: "EXPIRE" } })).toBe(1);
    await expectLedgerOk(programme.councilId);
  });

  it("fails the job, naming the allocation, when one cannot be expired, after expiring the rest", async () => {
    const programme = await createProgramme({ fundedPence: 10_000, endsOn: calendarDay(daysFromNow(-2)) });
    const { allocation } = await createYoungPerson({ programmeId: programme.id, allocationPence: 1_000 });
    const other = await createYoungPerson({ councilId: programme.councilId, withAllocation: false });
    // An allocation without a wallet: data no domain path creates, so expireAllocation refuses it.
    const broken = await db().allocation.create({
      data: { councilId: programme.councilId, programmeId: programme.id, youngPersonId: other.youngPerson.id, expiresAt: new Date(Date.now() - 2 * 24 * HOUR) },
    });
    try {
      await expect(runReconciliation(fakeJob({ task: "expire-allocations" }))).rejects.toThrow(new RegExp(`1 allocations could not be processed: ${broken.id}`));
      expect(await db().allocation.findUniqueOrThrow({ where: { id: allocation!.id }, select: { status: true } })).toEqual({ status: "EXPIRED" });
      await expectLedgerOk(programme.councilId);
    } finally {
      await db().allocation.delete({ where: { id: broken.id } });
    }
  });
});

describe("reconciliation schedules", () => {
  it("runs no-shows and payable every 5 minutes, expiry hourly and reminders daily in the daytime", () => {
    expect(Object.fromEntries(schedules.map((s) => [s.id, s.repeat]))).toEqual({
      "sweep-no-shows": { every: 5 * MINUTE },
      "make-payable": { every: 5 * MINUTE },
      "send-expiry-reminders": { pattern: "0 10 * * *", tz: "Europe/London" },
      "expire-allocations": { every: HOUR },
    });
    for (const schedule of schedules) expect(QUEUES.reconciliation.payload.parse(schedule.data)).toEqual({ task: schedule.id });
  });

  it("are accepted by BullMQ, and upserting them twice keeps one scheduler each", async () => {
    const queue = getQueue("reconciliation");
    for (let round = 0; round < 2; round++) {
      for (const schedule of schedules) await queue.upsertJobScheduler(schedule.id, schedule.repeat, { name: schedule.id, data: schedule.data });
    }
    const registered = await queue.getJobSchedulers();
    expect(registered.map((s) => s.key).sort()).toEqual(schedules.map((s) => s.id).sort());
    const daily = registered.find((s) => s.key === "send-expiry-reminders");
    expect(daily).toMatchObject({ pattern: "0 10 * * *", tz: "Europe/London" });
    for (const schedule of schedules) await queue.removeJobScheduler(schedule.id);
  });
});

describe("reconciliation job payloads", () => {
  it.each([
    ["an unknown task", { task: "pay-everyone-twice" }],
    ["a maintenance task", { task: "verify-ledgers" }],
    ["no task", {}],
    ["no payload", null],
    ["a task of the wrong type", { task: 5 }],
  ])("refuses %s with a Zod error", async (_what, data) => {
    await expect(runReconciliation(fakeJob(data))).rejects.toBeInstanceOf(z.ZodError);
  });
});

describe('attendance "process-report" and "sweep-received"', () => {
  it("matches a report into disputes, the same ones however often the job runs", async () => {
    const scene = await pastBooking(3 * HOUR);
    const { reportId } = await submitAttendanceReport(db(), {
      providerId: scene.provider.id,
      source: "API",
      reference: "till-1",
      rows: [{ line: 1, code: scene.booking.code, attended: true }],
      submittedByUserId: null,
    });
    await runAttendance(fakeJob({ task: "process-report", reportId }));
    await runAttendance(fakeJob({ task: "process-report", reportId }));
    expect(await db().dispute.findMany({ where: { reportId }, select: { kind: true } })).toEqual([{ kind: "PRESENT_NOT_REDEEMED" }]);
    await expect(runAttendance(fakeJob({ task: "process-report", reportId: randomUUID() }))).rejects.toThrow(/does not exist/);
  });

  it("re-queues a report whose job was lost after the upload committed", async () => {
    const scene = await pastBooking(3 * HOUR);
    const { reportId } = await submitAttendanceReport(db(), {
      providerId: scene.provider.id,
      source: "CSV",
      reference: "lost.csv",
      rows: [{ line: 2, code: scene.booking.code, attended: true }],
      submittedByUserId: null,
    });
    await db().attendanceReport.update({ where: { id: reportId }, data: { createdAt: new Date(Date.now() - 10 * MINUTE) } });
    const result = await runAttendance(fakeJob({ task: "sweep-received" }));
    expect((result as { requeued: number }).requeued).toBeGreaterThanOrEqual(1);
    expect((await getQueue("attendance").getJob(`attendance-report-${reportId}`))?.data).toEqual({ task: "process-report", reportId });
    for (const schedule of attendanceSchedules) expect(QUEUES.attendance.payload.parse(schedule.data)).toEqual(schedule.data);
  });
});
