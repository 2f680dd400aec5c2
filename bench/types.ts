// What every benchmark reports: a figure, and beside it the machine's own limit measured in the same run.

export type Figure = { value: number; unit: string };

export type BenchRow = {
  /** The letter and name, e.g. "a. Search page". */
  area: string;
  /** What was measured, in words: "requests per second at 50 connections". */
  measure: string;
  figure: Figure;
  /** The machine's own limit for the same work, measured side by side in this run. */
  baseline?: { measure: string; figure: Figure };
  /** figure / baseline (or baseline / figure for times), so that higher is always better. */
  ratio?: number;
  /** The target in words, e.g. "ratio >= 0.5" or "< 60 s". */
  target: string;
  met: boolean;
  /** Anything a reader needs to trust the figure (e.g. "bookings confirmed 40 of capacity 40"). */
  note?: string;
};

/** Ratio where a higher figure is better (throughput). */
export function throughputRatio(figure: number, baseline: number): number {
  return baseline > 0 ? figure / baseline : 0;
}

/** Ratio where a lower figure is better (elapsed time): baseline time / our time. */
export function timeRatio(seconds: number, baselineSeconds: number): number {
  return seconds > 0 ? baselineSeconds / seconds : 0;
}
