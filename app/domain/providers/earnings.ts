// A provider's earnings: what it has redeemed, what waits for a payout, what has been paid, each payout with
// its lines, and a statement per payout as CSV and PDF. Figures come from redemptions and are checked against the ledger.
import PDFDocument from "pdfkit";
import type { Db } from "~/lib/db.server";
import type { PayoutMethod, PayoutStatus, RedemptionMethod } from "~/generated/prisma/enums";
import { DomainError } from "../errors";
import { formatPence, penceFromBigInt } from "../money";

export type EarningsSummary = {
  /** Redeemed, inside the dispute window: becomes payable after it. */
  checkingPence: number;
  /** Past the dispute window, waiting for the next payout run. */
  readyPence: number;
  /** In a payout run that has not reached the provider yet. */
  payingPence: number;
  paidPence: number;
  totalPence: number;
  redemptions: number;
  /** The provider's payable balance in the ledger: always checking + ready. */
  ledgerPayablePence: number;
  addsUp: boolean;
};

export async function earningsSummary(db: Db, input: { providerId: string }): Promise<EarningsSummary> {
  const [byStatus, payable] = await Promise.all([
    db.redemption.groupBy({ by: ["status"], where: { providerId: input.providerId }, _sum: { amountPence: true }, _count: { _all: true } }),
    db.account.aggregate({ where: { providerId: input.providerId, type: "PROVIDER_PAYABLE" }, _sum: { balancePence: true } }),
  ]);
  const sum = (status: string) => byStatus.find((row) => row.status === status)?._sum.amountPence ?? 0;
  const checkingPence = sum("PENDING");
  const readyPence = sum("PAYABLE");
  const payingPence = sum("IN_PAYOUT");
  const paidPence = sum("PAID");
  const ledgerPayablePence = penceFromBigInt(payable._sum.balancePence ?? 0n);
  return {
    checkingPence,
    readyPence,
    payingPence,
    paidPence,
    totalPence: checkingPence + readyPence + payingPence + paidPence,
    redemptions: byStatus.reduce((n, row) => n + row._count._all, 0),
    ledgerPayablePence,
    addsUp: ledgerPayablePence === checkingPence + readyPence,
  };
}

export type PayoutRow = {
  id: string;
  runId: string;
  runCreatedAt: Date;
  amountPence: number;
  method: PayoutMethod;
  status: PayoutStatus;
  paidAt: Date | null;
  lines: number;
  councilName: string;
};

/** Every payout to the provider, newest run first. */
export async function providerPayouts(db: Db, input: { providerId: string }): Promise<PayoutRow[]> {
  const payouts = await db.payout.findMany({
    where: { providerId: input.providerId },
    orderBy: [{ run: { createdAt: "desc" } }, { id: "asc" }],
    take: 200,
    select: {
      id: true,
      runId: true,
      amountPence: true,
      method: true,
      status: true,
      paidAt: true,
      run: { select: { createdAt: true, council: { select: { name: true } } } },
      _count: { select: { redemptions: true } },
    },
  });
  return payouts.map((p) => ({
    id: p.id,
    runId: p.runId,
    runCreatedAt: p.run.createdAt,
    amountPence: p.amountPence,
    method: p.method,
    status: p.status,
    paidAt: p.paidAt,
    lines: p._count.redemptions,
    councilName: p.run.council.name,
  }));
}

export type StatementLine = {
  redeemedAt: Date;
  reference: string;
  description: string;
  youngPerson: string;
  method: RedemptionMethod;
  amountPence: number;
};

export type PayoutStatement = Omit<PayoutRow, "lines"> & { providerName: string; reference: string; lines: StatementLine[]; linesTotalPence: number };

const METHOD_WORDS: Record<RedemptionMethod, string> = {
  BOOKING_CODE: "Booking code",
  PASS_QR: "Pass QR",
  POINT_OF_SALE: "Walk-in charge",
  NO_SHOW_CHARGE: "No-show charge",
};

export function methodWords(method: RedemptionMethod): string {
  return METHOD_WORDS[method];
}

/** One payout with the redemptions it paid. Another provider's payout is not found. */
export async function payoutStatement(db: Db, input: { providerId: string; payoutId: string }): Promise<PayoutStatement> {
  const payout = await db.payout.findFirst({
    where: { id: input.payoutId, providerId: input.providerId },
    select: {
      id: true,
      runId: true,
      amountPence: true,
      method: true,
      status: true,
      paidAt: true,
      provider: { select: { name: true } },
      run: { select: { createdAt: true, council: { select: { name: true } } } },
      redemptions: {
        orderBy: [{ redeemedAt: "asc" }, { id: "asc" }],
        select: {
          redeemedAt: true,
          amountPence: true,
          method: true,
          youngPerson: { select: { firstName: true, lastName: true } },
          booking: { select: { code: true, slot: { select: { startsAt: true, activity: { select: { title: true } } } } } },
        },
      },
    },
  });
  if (!payout) throw new DomainError("NOT_FOUND", "We could not find that payout.");
  const lines = payout.redemptions.map((r) => ({
    redeemedAt: r.redeemedAt,
    reference: r.booking?.code ?? "Walk-in",
    description: r.booking
      ? `${r.booking.slot.activity.title}, ${r.booking.slot.startsAt.toLocaleString("en-GB", { timeZone: "Europe/London", dateStyle: "medium", timeStyle: "short" })}`
      : "Walk-in charge at the till",
    youngPerson: `${r.youngPerson.firstName} ${r.youngPerson.lastName.charAt(0).toUpperCase()}.`,
    method: r.method,
    amountPence: r.amountPence,
  }));
  const linesTotalPence = lines.reduce((n, l) => n + l.amountPence, 0);
  return {
    id: payout.id,
    runId: payout.runId,
    runCreatedAt: payout.run.createdAt,
    amountPence: payout.amountPence,
    method: payout.method,
    status: payout.status,
    paidAt: payout.paidAt,
    councilName: payout.run.council.name,
    providerName: payout.provider.name,
    reference: statementReference(payout.id),
    lines,
    linesTotalPence,
  };
}

/** The short reference printed on the statement and the council's payment: "PP-" and the payout id's first 8 characters. */
export function statementReference(payoutId: string): string {
  return `PP-${payoutId.slice(0, 8).toUpperCase()}`;
}

const londonStamp = (at: Date) =>
  at.toLocaleString("en-GB", { timeZone: "Europe/London", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit", hourCycle: "h23" });

/** Pounds with two decimals and no symbol, for spreadsheets: 1234 → "12.34". */
export function poundsForCsv(pence: number): string {
  const sign = pence < 0 ? "-" : "";
  const abs = Math.abs(pence);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/** A CSV field: quoted when needed, and a leading =, +, - or @ defused so a spreadsheet never runs it. */
function csvField(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function statementCsv(statement: PayoutStatement): string {
  const rows: string[][] = [
    ["Redeemed at", "Reference", "Description", "Young person", "Method", "Amount (GBP)"],
    ...statement.lines.map((l) => [londonStamp(l.redeemedAt), l.reference, l.description, l.youngPerson, methodWords(l.method), poundsForCsv(l.amountPence)]),
    ["", "", `Total paid in payout ${statement.reference}`, "", "", poundsForCsv(statement.amountPence)],
  ];
  return rows.map((row) => row.map(csvField).join(",")).join("\r\n") + "\r\n";
}

export function statementFileName(statement: PayoutStatement, extension: "csv" | "pdf"): string {
  const day = statement.runCreatedAt.toISOString().slice(0, 10);
  return `playpass-statement-${day}-${statement.reference}.${extension}`;
}

const STATUS_WORDS: Record<PayoutStatus, string> = {
  PENDING: "Waiting to be paid",
  PROCESSING: "Being paid",
  PAID: "Paid",
  PARKED: "Delayed",
  FAILED: "Failed",
};

export function payoutStatusWords(status: PayoutStatus): string {
  return STATUS_WORDS[status];
}

/** The statement as an A4 PDF: header, one line per redemption, and the total. */
export async function statementPdf(statement: PayoutStatement): Promise<Buffer> {
  const doc = new PDFDocument({ size: "A4", margin: 50, info: { Title: `Playpass statement ${statement.reference}`, Author: "Playpass" } });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });

  doc.font("Helvetica-Bold").fontSize(18).text("Playpass payout statement");
  doc.moveDown(0.5).font("Helvetica").fontSize(11);
  doc.text(`Paid to: ${statement.providerName}`);
  doc.text(`Paid by: ${statement.councilName}`);
  doc.text(`Reference: ${statement.reference}`);
  doc.text(`Payout run: ${londonStamp(statement.runCreatedAt)}`);
  doc.text(`Status: ${payoutStatusWords(statement.status)}${statement.paidAt ? ` on ${londonStamp(statement.paidAt)}` : ""}`);
  doc.text(`Payment method: ${statement.method === "STRIPE_TRANSFER" ? "Stripe transfer" : "bank payment"}`);
  doc.moveDown();

  const columns = [
    { title: "Redeemed", x: 50, width: 90 },
    { title: "Reference", x: 140, width: 70 },
    { title: "Description", x: 210, width: 200 },
    { title: "Young person", x: 410, width: 70 },
    { title: "Amount", x: 480, width: 65, right: true },
  ];
  const row = (cells: string[], bold = false) => {
    doc.font(bold ? "Helvetica-Bold" : "Helvetica").fontSize(9);
    const heights = cells.map((cell, i) => doc.heightOfString(cell, { width: columns[i]!.width }));
    const height = Math.max(...heights) + 4;
    if (doc.y + height > doc.page.height - doc.page.margins.bottom) doc.addPage();
    const y = doc.y;
    cells.forEach((cell, i) => doc.text(cell, columns[i]!.x, y, { width: columns[i]!.width, align: columns[i]!.right ? "right" : "left" }));
    doc.x = 50;
    doc.y = y + height;
  };
  row(columns.map((c) => c.title), true);
  for (const line of statement.lines) {
    row([londonStamp(line.redeemedAt), line.reference, line.description, line.youngPerson, formatPence(line.amountPence)]);
  }
  doc.moveDown(0.5);
  row(["", "", `Total (${statement.lines.length} ${statement.lines.length === 1 ? "line" : "lines"})`, "", formatPence(statement.amountPence)], true);
  doc.end();
  return finished;
}
