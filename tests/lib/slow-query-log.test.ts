// The slow-query log: every slow query is reported or counted, at most one line a second.
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { slowQueryReporter } from "~/lib/db.server";

type Line = { durationMs: number; query: string; alsoSlow: number };

function reporter() {
  const lines: Line[] = [];
  return { lines, slow: slowQueryReporter((line) => lines.push(line), { thresholdMs: 200, everyMs: 1_000 }) };
}

describe("slow-query log", () => {
  it("reports a slow query at once, never a fast one, and counts the slow ones of the same second into the next line", () => {
    const { lines, slow } = reporter();
    slow(199, "SELECT fast", 0);
    expect(lines).toEqual([]);
    slow(250, "SELECT 1", 10);
    expect(lines).toEqual([{ durationMs: 250, query: "SELECT 1", alsoSlow: 0 }]);
    slow(300, "SELECT 2", 500);
    slow(900, "SELECT 3", 999);
    expect(lines).toHaveLength(1);
    slow(400, "SELECT 4", 1_010);
    expect(lines[1]).toEqual({ durationMs: 400, query: "SELECT 4", alsoSlow: 2 });
  });

  it("cuts the query to 500 characters", () => {
    const { lines, slow } = reporter();
    slow(1_000, "x".repeat(2_000), 0);
    expect(lines[0]!.query).toHaveLength(500);
  });

  it("loses no slow query: lines plus the counts they carry add up to every slow query but those after the last line (property)", () => {
    fc.assert(
      fc.property(fc.array(fc.record({ gap: fc.integer({ min: 0, max: 1_500 }), durationMs: fc.integer({ min: 0, max: 2_000 })}), { maxLength: 200 }), (queries) => {
        const { lines, slow } = reporter();
        let now = 0;
        let slowCount = 0;
        let lastLineAt = -Infinity;
        let sinceLastLine = 0;
        for (const q of queries) {
          now += q.gap;
          const before = lines.length;
          slow(q.durationMs, "SELECT", now);
          if (q.durationMs >= 200) {
            slowCount++;
            if (lines.length > before) {
              expect(now - lastLineAt).toBeGreaterThanOrEqual(1_000);
              lastLineAt = now;
              sinceLastLine = 0;
            } else sinceLastLine++;
          } else expect(lines.length).toBe(before);
        }
        expect(lines.reduce((sum, line) => sum + 1 + line.alsoSlow, 0) + sinceLastLine).toBe(slowCount);
      }),
    );
  });
});
