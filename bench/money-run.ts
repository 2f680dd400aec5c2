// Runs the money benchmarks (8.1c issuing, 8.1d settlement) on their own, to iterate on them:
//   npx tsx bench/money-run.ts --count 100000 --redemptions 1000000 [--only issuing|settlement]
import { parseArgs } from "node:util";
import { benchIssuing } from "./issuing";
import { benchSettlement } from "./settlement";
import type { BenchRow } from "./types";

const { values } = parseArgs({
  options: {
    count: { type: "string", default: "100000" },
    redemptions: { type: "string", default: "1000000" },
    only: { type: "string" },
  },
});

process.env.LOG_LEVEL ??= "warn";
const databaseUrl = process.env.BENCH_DATABASE_URL ?? "postgresql://postgres@127.0.0.1:5432/postgres";
const adminUrl = process.env.BENCH_ADMIN_URL ?? databaseUrl;

const rows: BenchRow[] = [];
if (values.only !== "settlement") rows.push(...(await benchIssuing({ databaseUrl, adminUrl, count: Number(values.count) })));
if (values.only !== "issuing") rows.push(...(await benchSettlement({ databaseUrl, adminUrl, redemptions: Number(values.redemptions) })));

for (const row of rows) {
  const baseline = row.baseline ? ` | baseline ${row.baseline.figure.value} ${row.baseline.figure.unit} (${row.baseline.measure})` : "";
  console.log(`${row.area}: ${row.measure}: ${row.figure.value} ${row.figure.unit}${baseline} | ratio ${row.ratio ?? "-"} | target ${row.target}: ${row.met ? "met" : "NOT met"}`);
  if (row.note) console.log(`   ${row.note}`);
}
console.log(JSON.stringify(rows, null, 2));
process.exit(rows.every((r) => r.met) ? 0 : 1);
