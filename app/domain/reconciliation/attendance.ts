// Attendance reported by providers' own systems (CSV or API): checked row by row, stored once per reference,
// then matched against bookings and redemptions; every mismatch becomes one Dispute for an officer.
import { createHash } from "node:crypto";
import { parse } from "csv-parse/sync";
import { z } from "zod";
import { isUniqueViolation, type Db } from "~/lib/db.server";
import { enqueue, requeue } from "~/lib/queues.server";
import type { AttendanceSource, DisputeKind } from "~/generated/prisma/enums";
import { normaliseCode } from "../codes";
import { DomainError } from "../errors";
import { redemptionWindow } from "../booking/windows";

export const ATTENDANCE_COLUMNS = ["booking_code", "attended"] as const;
export const MAX_ATTENDANCE_LINES = 5_000;
/** Enough problems to fix a file from; past this the list is cut short. */
const MAX_PROBLEMS = 200;

export type AttendanceRow = { line: number; code: string; attended: boolean };
export type RowProblem = { line: number; field?: "code" | "attended"; message: string };

const ATTENDED_WORDS: Record<string, boolean> = { yes: true, y: true, true: true, "1": true, present: true, attended: true, no: false, n: false, false: false, "0": false, absent: false };

/** A booking code as printed ("7K3M-Q9TX"), typed with or without the dash, any case. */
export const bookingCodeSchema = z
  .string({ error: "Give the booking code." })
  .trim()
  .min(1, "The booking code is empty.")
  .transform((value, ctx) => {
    const code = normaliseCode(value);
    if (!/^[0-9A-Z]{4}-[0-9A-Z]{4}$/.test(code)) {
      ctx.addIssue({ code: "custom", message: `“${value.slice(0, 20)}” is not a booking code: they have 8 letters and numbers, like 7K3M-Q9TX.` });
      return z.NEVER;
    }
    return code;
  });

const attendedCell = z
  .string()
  .trim()
  .transform((value, ctx) => {
    if (value === "") return true; // a list of codes with no second column means everyone on it came
    const attended = ATTENDED_WORDS[value.toLowerCase()];
    if (attended === undefined) {
      ctx.addIssue({ code: "custom", message: `“${value.slice(0, 20)}” is not an attendance value: use yes or no.` });
      return z.NEVER;
    }
    return attended;
  });

const csvRowSchema = z.object({ code: bookingCodeSchema, attended: attendedCell });

/** Each valid row once; a code already on an earlier row is a problem on the later line. */
function findDuplicates(rows: AttendanceRow[], problems: RowProblem[]) {
  const firstLine = new Map<string, number>();
  const unique: AttendanceRow[] = [];
  for (const row of rows) {
    const earlier = firstLine.get(row.code);
    if (earlier !== undefined) problems.push({ line: row.line, field: "code", message: `${row.code} is already on line ${earlier}: give each booking once.` });
    else {
      firstLine.set(row.code, row.line);
      unique.push(row);
    }
  }
  return unique;
}

function finish(rows: AttendanceRow[], problems: RowProblem[]) {
  const unique = findDuplicates(rows, problems);
  if (unique.length + problems.length === 0) problems.push({ line: 1, message: "There are no bookings in the report." });
  if (rows.length > MAX_ATTENDANCE_LINES) problems.push({ line: 1, message: `A report can have up to ${MAX_ATTENDANCE_LINES} lines: split it into smaller ones.` });
  problems.sort((a, b) => a.line - b.line);
  return { rows: unique, problems: problems.slice(0, MAX_PROBLEMS) };
}

/**
 * Reads an attendance CSV: a header naming booking_code and optionally attended (yes/no), one booking per line.
 * Returns the rows, or every problem by line number (the header is line 1); a file with problems is not stored.
 */
export function parseAttendanceCsv(text: string): { rows: AttendanceRow[]; problems: RowProblem[] } {
  let records: { record: string[]; info: { lines: number } }[];
  try {
    records = parse(text, { bom: true, skip_empty_lines: true, relax_column_count: true, info: true }) as unknown as typeof records;
  } catch (error) {
    const line = (error as { lines?: number }).lines ?? 1;
    return { rows: [], problems: [{ line, message: `The file is not valid CSV here: ${error instanceof Error ? error.message : String(error)}` }] };
  }
  const [header, ...body] = records;
  if (!header) return { rows: [], problems: [{ line: 1, message: `The file is empty. The first line must name the columns: ${ATTENDANCE_COLUMNS.join(",")}.` }] };

  const problems: RowProblem[] = [];
  const names = header.record.map((name) => name.trim().toLowerCase());
  names.forEach((name, index) => {
    if (!(ATTENDANCE_COLUMNS as readonly string[]).includes(name)) {
      problems.push({ line: header.info.lines, message: `Column ${index + 1} “${name.slice(0, 30)}” is not a column we know: use ${ATTENDANCE_COLUMNS.join(" and ")}.` });
    } else if (names.indexOf(name) !== index) {
      problems.push({ line: header.info.lines, message: `The column ${name} is named twice.` });
    }
  });
  const codeAt = names.indexOf("booking_code");
  const attendedAt = names.indexOf("attended");
  if (codeAt === -1) problems.push({ line: header.info.lines, message: "The first line must name a booking_code column." });
  if (problems.length > 0) return { rows: [], problems };

  const rows: AttendanceRow[] = [];
  for (const { record, info } of body) {
    if (record.length > names.length) {
      problems.push({ line: info.lines, message: `This line has ${record.length} values but the header names ${names.length} columns.` });
      continue;
    }
    const parsed = csvRowSchema.safeParse({ code: record[codeAt] ?? "", attended: attendedAt === -1 ? "" : (record[attendedAt] ?? "") });
    if (parsed.success) rows.push({ line: info.lines, ...parsed.data });
    else for (const issue of parsed.error.issues) problems.push({ line: info.lines, field: issue.path[0] as "code" | "attended", message: issue.message });
  }
  return finish(rows, problems);
}

/** The JSON form of a report (the API): lines numbered from 1 in the order sent. */
export const apiAttendanceSchema = z.object({
  reference: z
    .string()
    .trim()
    .min(1, "The reference is empty.")
    .max(100, "The reference can be up to 100 characters.")
    // PostgreSQL refuses NUL in text, and control or direction characters would garble the reference on the provider's page.
    .regex(/^[^\u0000-\u001F\u007F\u202A-\u202E\u2066-\u2069]*$/, "The reference can only hold printable characters.")
    .optional(),
  lines: z
    .array(z.strictObject({ code: z.string({ error: "Give the booking code as text." }), attended: z.boolean({ error: "Give attended as true or false." }) }), {
      error: "Give lines as a list of { code, attended }.",
    })
    .min(1, "Give at least one line.")
    .max(MAX_ATTENDANCE_LINES, `A report can have up to ${MAX_ATTENDANCE_LINES} lines: send several.`),
});

export function checkApiAttendanceLines(lines: { code: string; attended: boolean }[]) {
  const rows: AttendanceRow[] = [];
  const problems: RowProblem[] = [];
  lines.forEach((line, index) => {
    const code = bookingCodeSchema.safeParse(line.code);
    if (code.success) rows.push({ line: index + 1, code: code.data, attended: line.attended });
    else problems.push({ line: index + 1, field: "code", message: code.error.issues[0]!.message });
  });
  return finish(rows, problems);
}

/** A CSV report's reference: its file name and a fingerprint of its bytes, so the same file twice is one report. */
export function csvReference(fileName: string, bytes: Uint8Array) {
  return `${fileName.slice(0, 80)} · ${createHash("sha256").update(bytes).digest("hex").slice(0, 12)}`;
}

/**
 * Stores a checked report once per (provider, reference). The same reference with the same lines answers with
 * the first report; with different lines it is refused, so a report can never change after it is received.
 */
export async function submitAttendanceReport(
  db: Db,
  input: { providerId: string; source: AttendanceSource; reference: string; rows: AttendanceRow[]; submittedByUserId: string | null },
) {
  const sameLines = (stored: { line: number; bookingCode: string; attended: boolean }[]) =>
    stored.length === input.rows.length &&
    [...stored].sort((a, b) => a.line - b.line).every((s, i) => s.bookingCode === input.rows[i]!.code && s.attended === input.rows[i]!.attended && s.line === input.rows[i]!.line);
  const existing = async () => {
    const report = await db.attendanceReport.findUnique({
      where: { providerId_reference: { providerId: input.providerId, reference: input.reference } },
      select: { id: true, status: true, lines: { select: { line: true, bookingCode: true, attended: true } } },
    });
    if (!report) return null;
    if (!sameLines(report.lines)) {
      throw new DomainError("IDEMPOTENCY_CONFLICT", `A different report with the reference “${input.reference}” was already received. Use a new reference for a new report.`, "reference");
    }
    return { reportId: report.id, status: report.status, created: false };
  };

  const before = await existing();
  if (before) return before;
  try {
    return await db.$transaction(async (tx) => {
      const report = await tx.attendanceReport.create({
        data: { providerId: input.providerId, source: input.source, reference: input.reference, lineCount: input.rows.length, submittedByUserId: input.submittedByUserId },
        select: { id: true, status: true },
      });
      await tx.attendanceLine.createMany({ data: input.rows.map((row) => ({ reportId: report.id, line: row.line, bookingCode: row.code, attended: row.attended })) });
      return { reportId: report.id, status: report.status, created: true };
    });
  } catch (error) {
    // Two submissions of one report at once: the unique (provider, reference) lets one in; the other answers as a replay.
    if (isUniqueViolation(error)) {
      const after = await existing();
      if (after) return after;
    }
    throw error;
  }
}

type Finding = { kind: DisputeKind; dedupeKey: string; councilId: string; bookingId?: string; redemptionId?: string; detail: string };

const KIND_WORDS: Record<DisputeKind, string> = {
  PRESENT_NOT_REDEEMED: "Reported present but not redeemed",
  REDEEMED_REPORTED_ABSENT: "Redeemed but reported absent",
  REDEEMED_OUTSIDE_WINDOW: "Redeemed outside its window",
  CODE_REPORTED_TWICE: "Code reported twice",
  UNKNOWN_CODE: "Not this provider's booking",
};
export const disputeKindLabel = (kind: DisputeKind) => KIND_WORDS[kind];

const when = (at: Date) => at.toLocaleString("en-GB", { timeZone: "Europe/London", dateStyle: "medium", timeStyle: "short" });
// What the door recorded for a booking; a no-show charge is the programme's policy, not a visit.
const DOOR_METHODS = new Set(["BOOKING_CODE", "PASS_QR"]);

/**
 * Matches a report's lines against bookings and redemptions and raises one Dispute per mismatch. Processing
 * the same report again finds the same mismatches and raises nothing new (each dispute has a dedupe key).
 */
export async function processAttendanceReport(db: Db, input: { reportId: string; now?: Date }) {
  const now = input.now ?? new Date();
  const report = await db.attendanceReport.findUnique({
    where: { id: input.reportId },
    select: { id: true, providerId: true, lines: { select: { id: true, line: true, bookingCode: true, attended: true }, orderBy: { line: "asc" } } },
  });
  if (!report) throw new DomainError("NOT_FOUND", "We could not find that attendance report.");
  const codes = report.lines.map((l) => l.bookingCode);
  const [bookings, councils, otherReports] = await Promise.all([
    db.booking.findMany({
      where: { code: { in: codes } },
      select: {
        id: true,
        code: true,
        councilId: true,
        status: true,
        slot: { select: { startsAt: true, endsAt: true, activity: { select: { providerId: true, title: true } } } },
        redemption: { select: { id: true, method: true, redeemedAt: true } },
      },
    }),
    db.providerCouncil.findMany({ where: { providerId: report.providerId }, select: { councilId: true }, orderBy: { createdAt: "asc" } }),
    db.attendanceLine.findMany({
      where: { bookingCode: { in: codes }, reportId: { not: report.id }, report: { providerId: report.providerId } },
      select: { bookingCode: true, report: { select: { reference: true } } },
    }),
  ]);
  const byCode = new Map(bookings.map((b) => [b.code, b]));
  const reportedElsewhere = new Map(otherReports.map((l) => [l.bookingCode, l.report.reference]));
  const providerCouncils = councils.map((c) => c.councilId);

  const findings: Finding[] = [];
  const lineBookings: { id: string; bookingId: string }[] = [];
  for (const line of report.lines) {
    const booking = byCode.get(line.bookingCode);
    if (!booking || booking.slot.activity.providerId !== report.providerId) {
      // Another provider's booking is never described to this one; it is raised with the council it would concern.
      const councilId = booking && providerCouncils.includes(booking.councilId) ? booking.councilId : providerCouncils[0];
      if (councilId) {
        findings.push({
          kind: "UNKNOWN_CODE",
          dedupeKey: `unknown-code:${report.providerId}:${line.bookingCode}`,
          councilId,
          detail: `Line ${line.line}: ${line.bookingCode} is not a booking for this provider's activities.`,
        });
      }
      continue;
    }
    lineBookings.push({ id: line.id, bookingId: booking.id });
    const session = `${booking.slot.activity.title} on ${when(booking.slot.startsAt)}`;
    const base = { councilId: booking.councilId, bookingId: booking.id, redemptionId: booking.redemption?.id };
    const doorRedemption = booking.redemption && DOOR_METHODS.has(booking.redemption.method) ? booking.redemption : null;

    const earlierReport = reportedElsewhere.get(line.bookingCode);
    if (earlierReport) {
      findings.push({ ...base, kind: "CODE_REPORTED_TWICE", dedupeKey: `reported-twice:${booking.id}`, detail: `${line.bookingCode} (${session}) is also in the report “${earlierReport}”.` });
    }
    if (line.attended && !doorRedemption) {
      const state = booking.status === "CONFIRMED" ? "still booked, not redeemed" : booking.status === "NO_SHOW" ? "recorded as a no-show" : "cancelled";
      findings.push({ ...base, kind: "PRESENT_NOT_REDEEMED", dedupeKey: `present-not-redeemed:${booking.id}`, detail: `${line.bookingCode} (${session}) was reported present but the booking is ${state}.` });
    }
    if (!line.attended && doorRedemption) {
      findings.push({
        ...base,
        kind: "REDEEMED_REPORTED_ABSENT",
        dedupeKey: `redeemed-absent:${booking.id}`,
        detail: `${line.bookingCode} (${session}) was redeemed at ${when(doorRedemption.redeemedAt)} but reported absent.`,
      });
    }
    if (line.attended && doorRedemption) {
      const window = redemptionWindow(booking.slot);
      if (doorRedemption.redeemedAt < window.opensAt || doorRedemption.redeemedAt > window.closesAt) {
        findings.push({
          ...base,
          kind: "REDEEMED_OUTSIDE_WINDOW",
          dedupeKey: `outside-window:${doorRedemption.id}`,
          detail: `${line.bookingCode} (${session}) was redeemed at ${when(doorRedemption.redeemedAt)}, outside the session's window.`,
        });
      }
    }
  }

  return db.$transaction(async (tx) => {
    for (const { id, bookingId } of lineBookings) await tx.attendanceLine.update({ where: { id }, data: { bookingId } });
    const raised = await tx.dispute.createMany({
      data: findings.map((f) => ({ ...f, providerId: report.providerId, reportId: report.id })),
      skipDuplicates: true,
    });
    // A report that arrives after the dispute window: its disputed redemptions wait again, unless a payout already took them.
    const disputedRedemptions = findings.flatMap((f) => (f.redemptionId ? [f.redemptionId] : []));
    if (disputedRedemptions.length > 0) {
      await tx.redemption.updateMany({ where: { id: { in: disputedRedemptions }, status: "PAYABLE", payoutId: null, disputes: { some: { status: "OPEN" } } }, data: { status: "PENDING" } });
    }
    await tx.attendanceReport.update({ where: { id: report.id }, data: { status: "PROCESSED", processedAt: now } });
    return { reportId: report.id, lines: report.lines.length, mismatches: findings.length, disputesRaised: raised.count };
  });
}

const attendanceReportJobId = (reportId: string) => `attendance-report-${reportId}`;

/** Enqueues a report's matching; its job id is the report's, so enqueuing it again while it is stored adds nothing. */
export function enqueueAttendanceReport(reportId: string) {
  return enqueue("attendance", attendanceReportJobId(reportId), { task: "process-report", reportId });
}

/** The sweeper's re-add of a report still RECEIVED: retries a kept failed job under its id instead of adding nothing. */
export function requeueAttendanceReport(reportId: string) {
  return requeue("attendance", attendanceReportJobId(reportId), { task: "process-report", reportId });
}

/** Reports received but never processed (their job was lost between commit and enqueue), oldest first. */
export async function unprocessedReports(db: Db, input: { olderThan: Date; limit: number }) {
  const reports = await db.attendanceReport.findMany({
    where: { status: "RECEIVED", createdAt: { lte: input.olderThan } },
    orderBy: { createdAt: "asc" },
    take: input.limit,
    select: { id: true },
  });
  return reports.map((r) => r.id);
}

/** A provider's reports, newest first, with how many disputes each raised. */
export async function listAttendanceReports(db: Db, providerId: string) {
  const reports = await db.attendanceReport.findMany({
    where: { providerId },
    orderBy: { createdAt: "desc" },
    take: 100,
    select: { id: true, source: true, reference: true, status: true, lineCount: true, createdAt: true, processedAt: true, _count: { select: { disputes: true } } },
  });
  return reports.map(({ _count, ...r }) => ({ ...r, disputes: _count.disputes }));
}

/** One report of this provider, its lines and the disputes it raised (another provider's report is not found). */
export async function attendanceReportDetail(db: Db, input: { providerId: string; reportId: string }) {
  const report = await db.attendanceReport.findFirst({
    where: { id: input.reportId, providerId: input.providerId },
    select: {
      id: true,
      source: true,
      reference: true,
      status: true,
      lineCount: true,
      createdAt: true,
      processedAt: true,
      lines: { select: { line: true, bookingCode: true, attended: true, bookingId: true }, orderBy: { line: "asc" } },
      disputes: {
        select: { id: true, kind: true, detail: true, status: true, decision: true, decisionNote: true, decidedAt: true, createdAt: true },
        orderBy: { createdAt: "asc" },
      },
    },
  });
  if (!report) throw new DomainError("NOT_FOUND", "We could not find that attendance report.");
  return report;
}
