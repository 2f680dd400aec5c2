// Where a council's money is and how it moved, read straight from ledger balances and transfers,
// plus the burn-down over time and a projection to the programme's end.
import { TZDate } from "@date-fns/tz";
import { addDays as addCalendarDays, differenceInCalendarDays, format, parseISO } from "date-fns";
import type { Db } from "~/lib/db.server";
import { penceFromBigInt } from "../money";

export async function councilMoneySummary(db: Db, councilId: string) {
  const [council, byType, programmes, youngPeople, activePasses] = await Promise.all([
    db.council.findUniqueOrThrow({ where: { id: councilId }, select: { name: true } }),
    db.account.groupBy({ by: ["type"], where: { councilId }, _sum: { balancePence: true } }),
    db.programme.findMany({
      where: { councilId },
      select: { id: true, name: true, budgetPence: true, startsOn: true, endsOn: true, status: true, accounts: { where: { type: "PROGRAMME_BUDGET" }, select: { balancePence: true } } },
      orderBy: { createdAt: "asc" },
    }),
    db.youngPerson.count({ where: { councilId } }),
    db.allocation.count({ where: { councilId, status: "ACTIVE" } }),
  ]);
  const total = (type: string) => penceFromBigInt(byType.find((t) => t.type === type)?._sum.balancePence ?? 0n);
  return {
    councilName: council.name,
    fundedPence: -total("COUNCIL_FUNDING"),
    unissuedPence: total("PROGRAMME_BUDGET"),
    inWalletsPence: total("WALLET"),
    heldByBookingsPence: total("BOOKING_HOLD"),
    owedToProvidersPence: total("PROVIDER_PAYABLE"),
    payoutsInFlightPence: total("PAYOUT_IN_FLIGHT"),
    paidOutPence: total("PAID_OUT"),
    youngPeople,
    activePasses,
    programmes: programmes.map((p) => ({
      id: p.id,
      name: p.name,
      status: p.status,
      budgetPence: p.budgetPence,
      startsOn: p.startsOn.toISOString().slice(0, 10),
      endsOn: p.endsOn.toISOString().slice(0, 10),
      unissuedPence: penceFromBigInt(p.accounts[0]?.balancePence ?? 0n),
    })),
  };
}

/** Days of spending the projection averages over. */
export const PROJECTION_WINDOW_DAYS = 28;

export type BudgetFigures = {
  /** Flows: sums of transfers since the start. */
  fundedPence: number;
  issuedPence: number;
  /** Expired or revoked credit, and refunds of bookings made from passes that have since closed, back in a budget. */
  returnedPence: number;
  /** Spent by young people: redeemed bookings and charges at a till. */
  redeemedPence: number;
  /** Balances now. */
  remainingPence: number;
  onPassesPence: number;
  heldByBookingsPence: number;
  owedToProvidersPence: number;
  payoutsInFlightPence: number;
  paidOutPence: number;
};

/** One London day: what young people spent that day, in total so far, and what is left of everything funded. */
export type BurnDownPoint = { day: string; spentPence: number; spentToDatePence: number; leftToSpendPence: number };

/** The budget dashboard: ledger figures, per-programme budgets, the burn-down and a projection. */
export async function budgetDashboard(db: Db, councilId: string, options: { now?: Date } = {}) {
  const now = options.now ?? new Date();
  const [summary, flows, perProgramme, daily] = await Promise.all([
    councilMoneySummary(db, councilId),
    db.$queryRaw<{ kind: string; toBudget: boolean; total: bigint }[]>`
      SELECT t."kind"::text AS kind, (ca."type" = 'PROGRAMME_BUDGET') AS "toBudget", SUM(t."amountPence")::bigint AS total
      FROM "Transfer" t JOIN "Account" ca ON ca."id" = t."creditAccountId"
      WHERE t."councilId" = ${councilId}::uuid
      GROUP BY 1, 2`,
    db.$queryRaw<{ programmeId: string; funded: bigint; issued: bigint; returned: bigint }[]>`
      SELECT a."programmeId" AS "programmeId",
        COALESCE(SUM(m.amount) FILTER (WHERE m.dir = 'in' AND m.kind = 'FUND'), 0)::bigint AS funded,
        COALESCE(SUM(m.amount) FILTER (WHERE m.dir = 'out'), 0)::bigint AS issued,
        COALESCE(SUM(m.amount) FILTER (WHERE m.dir = 'in' AND m.kind <> 'FUND'), 0)::bigint AS returned
      FROM "Account" a
      LEFT JOIN (
        SELECT "creditAccountId" AS account, 'in' AS dir, "kind"::text AS kind, "amountPence" AS amount FROM "Transfer" WHERE "councilId" = ${councilId}::uuid
        UNION ALL
        SELECT "debitAccountId", 'out', "kind"::text, "amountPence" FROM "Transfer" WHERE "councilId" = ${councilId}::uuid
      ) m ON m.account = a."id"
      WHERE a."councilId" = ${councilId}::uuid AND a."type" = 'PROGRAMME_BUDGET'
      GROUP BY a."programmeId"`,
    // Spend by the day it happened (redemptions carry their own time; a late-posted charge still counts on its day).
    // The redemptions' amounts equal their earning transfers, which verifyLedger checks.
    db.$queryRaw<{ day: Date; spent: bigint }[]>`
      SELECT ("redeemedAt" AT TIME ZONE 'Europe/London')::date AS day, SUM("amountPence")::bigint AS spent
      FROM "Redemption" WHERE "councilId" = ${councilId}::uuid
      GROUP BY 1 ORDER BY 1`,
  ]);

  const sum = (match: (row: { kind: string; toBudget: boolean }) => boolean) =>
    flows.filter(match).reduce((total, row) => total + penceFromBigInt(row.total), 0);
  const figures: BudgetFigures = {
    fundedPence: sum((r) => r.kind === "FUND"),
    issuedPence: sum((r) => r.kind === "ISSUE" || r.kind === "TOP_UP"),
    returnedPence: sum((r) => r.toBudget && r.kind !== "FUND"),
    redeemedPence: sum((r) => r.kind === "REDEEM" || r.kind === "CHARGE"),
    remainingPence: summary.unissuedPence,
    onPassesPence: summary.inWalletsPence,
    heldByBookingsPence: summary.heldByBookingsPence,
    owedToProvidersPence: summary.owedToProvidersPence,
    payoutsInFlightPence: summary.payoutsInFlightPence,
    paidOutPence: summary.paidOutPence,
  };

  const programmeFlows = new Map(perProgramme.map((p) => [p.programmeId, p]));
  const programmes = summary.programmes.map((p) => {
    const f = programmeFlows.get(p.id);
    return {
      ...p,
      fundedPence: penceFromBigInt(f?.funded ?? 0n),
      issuedPence: penceFromBigInt(f?.issued ?? 0n),
      returnedPence: penceFromBigInt(f?.returned ?? 0n),
    };
  });

  const today = londonDay(now);
  const startsOn = summary.programmes.map((p) => p.startsOn).sort()[0];
  const burnDown = figures.fundedPence > 0 ? burnDownSeries(daily, figures.fundedPence, startsOn ?? today, today) : [];
  const endsOn = projectionEnd(summary.programmes);
  const projection = project(burnDown, figures, endsOn, today);
  return { councilName: summary.councilName, figures, checks: checkFigures(figures), programmes, burnDown, projection };
}

/** The identities that tie the flows to the balances; each must hold for the dashboard to add up. */
export function checkFigures(f: BudgetFigures) {
  const balances = f.remainingPence + f.onPassesPence + f.heldByBookingsPence + f.owedToProvidersPence + f.payoutsInFlightPence + f.paidOutPence;
  return [
    { rule: "Every balance together equals what was funded", ok: balances === f.fundedPence, leftPence: balances, rightPence: f.fundedPence },
    { rule: "Not yet issued equals funded, less issued, plus returned", ok: f.remainingPence === f.fundedPence - f.issuedPence + f.returnedPence, leftPence: f.remainingPence, rightPence: f.fundedPence - f.issuedPence + f.returnedPence },
    { rule: "Redeemed equals owed to providers, plus payouts in progress, plus paid out", ok: f.redeemedPence === f.owedToProvidersPence + f.payoutsInFlightPence + f.paidOutPence, leftPence: f.redeemedPence, rightPence: f.owedToProvidersPence + f.payoutsInFlightPence + f.paidOutPence },
  ];
}

/**
 * Everything funded so far, burned down by each day's spend: from the start of the earliest programme (or the
 * first spend, when sooner) to today.
 */
export function burnDownSeries(rows: ReadonlyArray<{ day: Date; spent: bigint }>, fundedPence: number, startsOn: string, today: string): BurnDownPoint[] {
  const byDay = new Map(rows.map((r) => [r.day.toISOString().slice(0, 10), penceFromBigInt(r.spent)]));
  const firstSpend = rows[0]?.day.toISOString().slice(0, 10);
  let first = firstSpend && firstSpend < startsOn ? firstSpend : startsOn;
  if (first > today) first = today;
  const points: BurnDownPoint[] = [];
  let spentToDate = 0;
  for (let day = first; day <= today; day = nextDay(day)) {
    const spent = byDay.get(day) ?? 0;
    spentToDate += spent;
    points.push({ day, spentPence: spent, spentToDatePence: spentToDate, leftToSpendPence: fundedPence - spentToDate });
  }
  return points;
}

function projectionEnd(programmes: { status: string; endsOn: string }[]): string | null {
  const active = programmes.filter((p) => p.status === "ACTIVE");
  const pool = active.length > 0 ? active : programmes;
  if (pool.length === 0) return null;
  return pool.map((p) => p.endsOn).sort().at(-1)!;
}

/**
 * Straight-line projection: the average spend per day over the last 28 days (or since the first movement,
 * when that is sooner) carried on to the programme's end date.
 */
export function project(points: ReadonlyArray<BurnDownPoint>, figures: BudgetFigures, endsOn: string | null, today: string) {
  const notYetSpentPence = figures.fundedPence - figures.redeemedPence;
  if (!endsOn || points.length === 0) return null;
  const window = Math.min(PROJECTION_WINDOW_DAYS, points.length);
  const spentInWindowPence = points.slice(-window).reduce((sum, p) => sum + p.spentPence, 0);
  const dailySpendPence = Math.round(spentInWindowPence / window);
  const daysLeft = Math.max(0, daysBetween(today, endsOn));
  const projectedSpendPence = dailySpendPence * daysLeft;
  const unspentAtEndPence = Math.max(0, notYetSpentPence - projectedSpendPence);
  const runsOutOn =
    dailySpendPence > 0 && projectedSpendPence > notYetSpentPence ? addDays(today, Math.floor(notYetSpentPence / dailySpendPence)) : null;
  return { endsOn, windowDays: window, spentInWindowPence, dailySpendPence, daysLeft, notYetSpentPence, projectedSpendPence, unspentAtEndPence, runsOutOn };
}

/** The calendar day in London, as YYYY-MM-DD. */
export function londonDay(date: Date): string {
  return format(new TZDate(date, "Europe/London"), "yyyy-MM-dd");
}

function nextDay(day: string): string {
  return addDays(day, 1);
}

function addDays(day: string, days: number): string {
  return format(addCalendarDays(parseISO(day), days), "yyyy-MM-dd");
}

function daysBetween(from: string, to: string): number {
  return differenceInCalendarDays(parseISO(to), parseISO(from));
}
