// Every table of the evidence dashboard as a CSV file: the same figures the page shows, for a range.
import type { Db } from "~/lib/db.server";
import { ratings, repeatUse, spend, takeUp, unmetDemand, type DateRange } from "./evidence";
import type { WardDeprivation } from "./deprivation";

export const EVIDENCE_TABLES = {
  "take-up-by-ward": "Take-up by ward",
  "take-up-by-age": "Take-up by age band",
  "take-up-by-needs": "Take-up by needs group",
  "spend-by-category": "Spend by category",
  "spend-by-provider": "Spend by provider",
  "searches-without-results": "Searches with no result",
  suggestions: "Suggestions from young people",
  ratings: "Ratings by activity",
  "repeat-use": "Repeat use",
} as const;

export type EvidenceTable = keyof typeof EVIDENCE_TABLES;

export function isEvidenceTable(value: string): value is EvidenceTable {
  return Object.hasOwn(EVIDENCE_TABLES, value);
}

type Cell = string | number | null;

/** The header and rows of one table; only that table's figures are computed. */
export async function evidenceTableRows(
  db: Db,
  councilId: string,
  table: EvidenceTable,
  range: DateRange,
  options: { deprivation?: WardDeprivation } = {},
): Promise<{ header: string[]; rows: Cell[][] }> {
  const takeUpHeader = (first: string) => [first, "Passes issued", "Used at least once", "Take-up (%)"];
  switch (table) {
    case "take-up-by-ward": {
      const t = await takeUp(db, councilId, range, options.deprivation);
      return {
        header: ["Ward", "Deprivation decile (1 = most deprived)", "Passes issued", "Used at least once", "Take-up (%)"],
        rows: t.byWard.map((r) => [r.group, r.decile, r.issued, r.used, r.ratePercent]),
      };
    }
    case "take-up-by-age": {
      const t = await takeUp(db, councilId, range, options.deprivation);
      return { header: takeUpHeader("Age band"), rows: t.byAge.map((r) => [r.group, r.issued, r.used, r.ratePercent]) };
    }
    case "take-up-by-needs": {
      const t = await takeUp(db, councilId, range, options.deprivation);
      return { header: takeUpHeader("Needs group"), rows: t.byNeeds.map((r) => [r.group, r.issued, r.used, r.ratePercent]) };
    }
    case "spend-by-category": {
      const s = await spend(db, councilId, range);
      return { header: ["Category", "Uses", "Spent (£)"], rows: s.byCategory.map((r) => [r.group, r.uses, pounds(r.spentPence)]) };
    }
    case "spend-by-provider": {
      const s = await spend(db, councilId, range);
      return { header: ["Provider", "Uses", "Spent (£)"], rows: s.byProvider.map((r) => [r.group, r.uses, pounds(r.spentPence)]) };
    }
    case "searches-without-results": {
      const d = await unmetDemand(db, councilId, range);
      return { header: ["Search", "Times searched", "Last searched"], rows: d.topEmptySearches.map((r) => [r.query, r.searches, r.lastSearched]) };
    }
    case "suggestions": {
      const d = await unmetDemand(db, councilId, range);
      return {
        header: ["Date", "Kind", "Suggestion", "Category", "Search that found nothing"],
        rows: d.suggestions.map((r) => [r.createdAt, r.kind, r.text, r.category, r.searchQuery]),
      };
    }
    case "ratings": {
      const r = await ratings(db, councilId, range);
      return {
        header: ["Activity", "Provider", "Ratings", "Average stars (out of 5)", "Would go again (%)"],
        rows: r.byActivity.map((a) => [a.activity, a.provider, a.ratings, a.averageStars, a.wouldGoAgainPercent]),
      };
    }
    case "repeat-use": {
      const r = await repeatUse(db, councilId, range);
      return { header: ["Used their pass", "Young people", "Share (%)"], rows: r.byUses.map((u) => [u.uses, u.youngPeople, u.percent]) };
    }
  }
}

/** Pence as pounds with two decimals, without floating point ("1234" -> "12.34"). */
export function pounds(pence: number): string {
  const sign = pence < 0 ? "-" : "";
  const abs = Math.abs(pence);
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, "0")}`;
}

/**
 * RFC 4180 CSV with CRLF line ends. Text a spreadsheet would run as a formula (=, +, -, @, tab, CR at the start)
 * is prefixed with an apostrophe: search words and suggestions are typed by the public.
 */
export function toCsv(header: string[], rows: Cell[][]): string {
  const cell = (value: Cell) => {
    if (value === null) return "";
    if (typeof value === "number") return String(value);
    const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
    return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
  };
  return [header, ...rows].map((row) => row.map(cell).join(",")).join("\r\n") + "\r\n";
}
