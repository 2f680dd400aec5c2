// Attendance reports: each bad row named by its line, each report stored once, and every mismatch with what the
// door recorded raised as exactly one dispute, however often the report is processed.
import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { getDb } from "~/lib/db.server";
import { markNoShow, redeemBooking } from "~/domain/booking";
import {
  checkApiAttendanceLines,
  makeDueRedemptionsPayable,
  parseAttendanceCsv,
  processAttendanceReport,
  submitAttendanceReport,
  type AttendanceRow,
} from "~/domain/reconciliation";
import { doorActor } from "../factories";
import { expectDomainError, expectLedgerOk } from "../helpers";
import { otherProvidersBooking, pastSession } from "./fixtures";

const db = () => getDb();
const HOUR = 60 * 60_000;

async function report(providerId: string, rows: Omit<AttendanceRow, "line">[], reference = `ref-${Math.random()}`) {
  const submitted = await submitAttendanceReport(db(), {
    providerId,
    source: "CSV",
    reference,
    rows: rows.map((r, i) => ({ ...r, line: i + 2 })),
    submittedByUserId: null,
  });
  return submitted.reportId;
}

const disputesOf = (providerId: string) =>
  db().dispute.findMany({ where: { providerId }, select: { kind: true, bookingId: true, status: true, councilId: true, detail: true }, orderBy: { kind: "asc" } });

describe("checking an attendance CSV", () => {
  it("reads codes typed any way, with yes/no attendance, and an absent column meaning present", () => {
    expect(parseAttendanceCsv("booking_code,attended\n7k3m q9tx,yes\nABCD-EFGH,no\n")).toEqual({
      rows: [
        { line: 2, code: "7K3M-Q9TX", attended: true },
        { line: 3, code: "ABCD-EFGH", attended: false },
      ],
      problems: [],
    });
    expect(parseAttendanceCsv("\uFEFFBooking_Code\r\nabcd-efgh\r\n").rows).toEqual([{ line: 2, code: "ABCD-EFGH", attended: true }]);
  });

  it("names every bad row by its line number: bad code, bad attendance value, duplicate, extra values", () => {
    const csv = ["booking_code,attended", "ABCD-EFGH,yes", "12345,yes", "ABCD-2345,maybe", "abcdefgh,no", "WXYZ-2345,yes,extra", "", "QRST-6789,yes"].join("\n");
    const { rows, problems } = parseAttendanceCsv(csv);
    expect(problems.map((p) => [p.line, p.field])).toEqual([
      [3, "code"],
      [4, "attended"],
      [5, "code"],
      [6, undefined],
    ]);
    expect(problems[0]!.message).toMatch(/not a booking code/);
    expect(problems[1]!.message).toMatch(/use yes or no/);
    expect(problems[2]!.message).toMatch(/already on line 2/);
    expect(problems[3]!.message).toMatch(/3 values but the header names 2 columns/);
    expect(rows.map((r) => r.line)).toEqual([2, 8]);
  });

  it("refuses an unknown or missing column on the header line", () => {
    expect(parseAttendanceCsv("code,attended,notes\nABCD-EFGH,yes,\n").problems).toEqual([
      { line: 1, message: expect.stringMatching(/Column 1 “code” is not a column we know/) },
      { line: 1, message: expect.stringMatching(/Column 3 “notes”/) },
      { line: 1, message: expect.stringMatching(/must name a booking_code column/) },
    ]);
    expect(parseAttendanceCsv("").problems[0]!.message).toMatch(/The file is empty/);
    expect(parseAttendanceCsv("booking_code\n").problems[0]!.message).toMatch(/no bookings/);
  });

  it("numbers API lines from 1 in the order sent", () => {
    const { problems } = checkApiAttendanceLines([
      { code: "ABCD-EFGH", attended: true },
      { code: "??", attended: true },
      { code: "abcd efgh", attended: false },
    ]);
    expect(problems.map((p) => [p.line, p.field])).toEqual([
      [2, "code"],
      [3, "code"],
    ]);
  });
});

describe("storing a report", () => {
  it("stores a reference once: the same lines again answer with the first report, different lines are refused", async () => {
    const scene = await pastSession(1);
    const rows = [{ line: 2, code: scene.people[0]!.booking.code, attended: true }];
    const input = { providerId: scene.provider.id, source: "API" as const, reference: "till-export-42", rows, submittedByUserId: null };
    const first = await submitAttendanceReport(db(), input);
    const again = await submitAttendanceReport(db(), input);
    expect(again).toEqual({ ...first, created: false });
    await expectDomainError(submitAttendanceReport(db(), { ...input, rows: [{ ...rows[0]!, attended: false }] }), "IDEMPOTENCY_CONFLICT", /different report/);
    expect(await db().attendanceReport.count({ where: { providerId: scene.provider.id } })).toBe(1);
  });

  it("lets two providers use the same reference", async () => {
    const a = await pastSession(1);
    const b = await pastSession(1);
    const rowsA = [{ line: 2, code: a.people[0]!.booking.code, attended: true }];
    const rowsB = [{ line: 2, code: b.people[0]!.booking.code, attended: true }];
    const ra = await submitAttendanceReport(db(), { providerId: a.provider.id, source: "CSV", reference: "monday.csv", rows: rowsA, submittedByUserId: null });
    const rb = await submitAttendanceReport(db(), { providerId: b.provider.id, source: "CSV", reference: "monday.csv", rows: rowsB, submittedByUserId: null });
    expect(ra.reportId).not.toBe(rb.reportId);
  });
});

describe("matching a report against the door", () => {
  it("raises nothing when the report agrees with the door", async () => {
    const scene = await pastSession(2);
    const [came, missed] = scene.people;
    await redeemBooking(db(), { code: came!.booking.code, providerId: scene.provider.id, actor: doorActor(), now: scene.slot.startsAt });
    const id = await report(scene.provider.id, [
      { code: came!.booking.code, attended: true },
      { code: missed!.booking.code, attended: false },
    ]);
    expect(await processAttendanceReport(db(), { reportId: id })).toMatchObject({ lines: 2, mismatches: 0, disputesRaised: 0 });
    expect(await db().attendanceReport.findUniqueOrThrow({ where: { id } })).toMatchObject({ status: "PROCESSED", processedAt: expect.any(Date) });
    expect(await db().attendanceLine.findMany({ where: { reportId: id }, select: { bookingId: true } })).toEqual(
      expect.arrayContaining([{ bookingId: came!.booking.id }, { bookingId: missed!.booking.id }]),
    );
  });

  it("flags a booking reported present that the door never redeemed", async () => {
    const scene = await pastSession(1);
    const id = await report(scene.provider.id, [{ code: scene.people[0]!.booking.code, attended: true }]);
    await processAttendanceReport(db(), { reportId: id });
    expect(await disputesOf(scene.provider.id)).toEqual([
      { kind: "PRESENT_NOT_REDEEMED", bookingId: scene.people[0]!.booking.id, status: "OPEN", councilId: scene.council.id, detail: expect.stringMatching(/reported present but the booking is still booked/) },
    ]);
  });

  it("flags a booking the no-show sweep already released when it is reported present", async () => {
    const scene = await pastSession(1, { endedAgo: 4 * HOUR });
    await markNoShow(db(), { bookingId: scene.people[0]!.booking.id });
    await processAttendanceReport(db(), { reportId: await report(scene.provider.id, [{ code: scene.people[0]!.booking.code, attended: true }]) });
    expect((await disputesOf(scene.provider.id)).map((d) => [d.kind, d.detail])).toEqual([["PRESENT_NOT_REDEEMED", expect.stringMatching(/recorded as a no-show/)]]);
  });

  it("flags a redeemed booking reported absent", async () => {
    const scene = await pastSession(1);
    await redeemBooking(db(), { code: scene.people[0]!.booking.code, providerId: scene.provider.id, actor: doorActor(), now: scene.slot.startsAt });
    await processAttendanceReport(db(), { reportId: await report(scene.provider.id, [{ code: scene.people[0]!.booking.code, attended: false }]) });
    expect((await disputesOf(scene.provider.id)).map((d) => d.kind)).toEqual(["REDEEMED_REPORTED_ABSENT"]);
  });

  it("flags a redemption recorded outside its session's window", async () => {
    const scene = await pastSession(1);
    await redeemBooking(db(), { code: scene.people[0]!.booking.code, providerId: scene.provider.id, actor: doorActor(), now: scene.slot.startsAt });
    // As a till whose clock was a day out would have recorded it.
    await db().redemption.update({ where: { bookingId: scene.people[0]!.booking.id }, data: { redeemedAt: new Date(scene.slot.startsAt.getTime() - 24 * HOUR) } });
    await processAttendanceReport(db(), { reportId: await report(scene.provider.id, [{ code: scene.people[0]!.booking.code, attended: true }]) });
    expect((await disputesOf(scene.provider.id)).map((d) => d.kind)).toEqual(["REDEEMED_OUTSIDE_WINDOW"]);
  });

  it("flags a code reported again in a second report", async () => {
    const scene = await pastSession(1);
    await redeemBooking(db(), { code: scene.people[0]!.booking.code, providerId: scene.provider.id, actor: doorActor(), now: scene.slot.startsAt });
    const line = { code: scene.people[0]!.booking.code, attended: true };
    await processAttendanceReport(db(), { reportId: await report(scene.provider.id, [line], "monday.csv") });
    await processAttendanceReport(db(), { reportId: await report(scene.provider.id, [line], "monday-again.csv") });
    expect((await disputesOf(scene.provider.id)).map((d) => [d.kind, d.detail])).toEqual([["CODE_REPORTED_TWICE", expect.stringMatching(/also in the report “monday.csv”/)]]);
  });

  it("flags a code that is another provider's booking, or nobody's, without describing the other booking", async () => {
    const scene = await pastSession(1);
    const other = await otherProvidersBooking(scene);
    await processAttendanceReport(db(), {
      reportId: await report(scene.provider.id, [
        { code: other.booking.code, attended: true },
        { code: "ZZZZ-ZZZZ", attended: true },
      ]),
    });
    const disputes = await disputesOf(scene.provider.id);
    expect(disputes.map((d) => [d.kind, d.bookingId, d.councilId])).toEqual([
      ["UNKNOWN_CODE", null, scene.council.id],
      ["UNKNOWN_CODE", null, scene.council.id],
    ]);
    for (const d of disputes) expect(d.detail).toMatch(/is not a booking for this provider's activities/);
    expect(await db().dispute.count({ where: { providerId: other.provider.id } })).toBe(0);
  });

  it("raises the same disputes however many times the same report is processed", async () => {
    const scene = await pastSession(3);
    const [present, absent, fine] = scene.people;
    for (const p of [absent!, fine!]) await redeemBooking(db(), { code: p.booking.code, providerId: scene.provider.id, actor: doorActor(), now: scene.slot.startsAt });
    const id = await report(scene.provider.id, [
      { code: present!.booking.code, attended: true },
      { code: absent!.booking.code, attended: false },
      { code: fine!.booking.code, attended: true },
    ]);
    const first = await processAttendanceReport(db(), { reportId: id });
    const before = await disputesOf(scene.provider.id);
    const results = await Promise.all([processAttendanceReport(db(), { reportId: id }), processAttendanceReport(db(), { reportId: id })]);
    expect(first).toMatchObject({ mismatches: 2, disputesRaised: 2 });
    expect(results.map((r) => r.disputesRaised)).toEqual([0, 0]);
    expect(await disputesOf(scene.provider.id)).toEqual(before);
    await expectLedgerOk(scene.council.id);
  });

  it("holds a disputed redemption back from payment while the dispute is open", async () => {
    const scene = await pastSession(2, { programme: { disputeWindowDays: 0 } });
    const [disputed, agreed] = scene.people;
    for (const p of scene.people) await redeemBooking(db(), { code: p.booking.code, providerId: scene.provider.id, actor: doorActor(), now: scene.slot.startsAt });
    await processAttendanceReport(db(), {
      reportId: await report(scene.provider.id, [
        { code: disputed!.booking.code, attended: false },
        { code: agreed!.booking.code, attended: true },
      ]),
    });
    await makeDueRedemptionsPayable(db(), { now: new Date() });
    const status = async (bookingId: string) => (await db().redemption.findUniqueOrThrow({ where: { bookingId }, select: { status: true } })).status;
    expect(await status(disputed!.booking.id)).toBe("PENDING");
    expect(await status(agreed!.booking.id)).toBe("PAYABLE");
  });

  it("takes back a redemption made payable before the report arrived, unless a payout already has it", async () => {
    const scene = await pastSession(2, { programme: { disputeWindowDays: 0 } });
    for (const p of scene.people) await redeemBooking(db(), { code: p.booking.code, providerId: scene.provider.id, actor: doorActor(), now: scene.slot.startsAt });
    await makeDueRedemptionsPayable(db(), { now: new Date() });
    const [late, paid] = scene.people;
    await db().redemption.update({ where: { bookingId: paid!.booking.id }, data: { status: "IN_PAYOUT" } });
    await processAttendanceReport(db(), {
      reportId: await report(scene.provider.id, [
        { code: late!.booking.code, attended: false },
        { code: paid!.booking.code, attended: false },
      ]),
    });
    const status = async (bookingId: string) => (await db().redemption.findUniqueOrThrow({ where: { bookingId }, select: { status: true } })).status;
    expect(await status(late!.booking.id)).toBe("PENDING");
    expect(await status(paid!.booking.id)).toBe("IN_PAYOUT");
  });

  it("raises exactly one dispute per disagreement with the door, for any door and any report, and no more on reprocessing", async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ door: fc.constantFrom("redeemed", "missed", "booked"), attended: fc.boolean() }), { minLength: 1, maxLength: 4 }),
        async (cases) => {
          const scene = await pastSession(cases.length, { endedAgo: 4 * HOUR });
          for (const [i, c] of cases.entries()) {
            const booking = scene.people[i]!.booking;
            if (c.door === "redeemed") await redeemBooking(db(), { code: booking.code, providerId: scene.provider.id, actor: doorActor(), now: scene.slot.startsAt });
            if (c.door === "missed") await markNoShow(db(), { bookingId: booking.id });
          }
          const id = await report(scene.provider.id, cases.map((c, i) => ({ code: scene.people[i]!.booking.code, attended: c.attended })));
          await processAttendanceReport(db(), { reportId: id });
          await processAttendanceReport(db(), { reportId: id });
          const expected = cases.flatMap((c, i) => {
            const bookingId = scene.people[i]!.booking.id;
            if (c.attended && c.door !== "redeemed") return [{ kind: "PRESENT_NOT_REDEEMED", bookingId }];
            if (!c.attended && c.door === "redeemed") return [{ kind: "REDEEMED_REPORTED_ABSENT", bookingId }];
            return [];
          });
          const raised = (await disputesOf(scene.provider.id)).map(({ kind, bookingId }) => ({ kind, bookingId }));
          expect(raised.sort((a, b) => a.bookingId!.localeCompare(b.bookingId!))).toEqual(expected.sort((a, b) => a.bookingId.localeCompare(b.bookingId)));
          await expectLedgerOk(scene.council.id);
        },
      ),
      { numRuns: 10 },
    );
  });
});
