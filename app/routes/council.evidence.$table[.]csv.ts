// One evidence table as a CSV download, for the same date range as the page. Another council's data cannot be
// asked for: the council comes from the signed-in officer, never from the URL.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { defaultRange } from "~/domain/evidence/evidence";
import { rangeSchema } from "~/domain/evidence/range";
import { evidenceTableRows, isEvidenceTable, toCsv } from "~/domain/evidence/tables";
import { requireOfficer } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { councilId } = await requireOfficer(request);
  const table = params.table ?? "";
  if (!isEvidenceTable(table)) throw data({ message: "There is no such table." }, { status: 404 });
  const parsed = rangeSchema.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!parsed.success) throw data({ message: parsed.error.issues[0]?.message ?? "Check the dates." }, { status: 400 });
  const defaults = await defaultRange(getDb(), councilId);
  const range = { from: parsed.data.from ?? defaults.from, to: parsed.data.to ?? defaults.to };
  if (range.from > range.to) range.from = range.to;
  const { header, rows } = await evidenceTableRows(getDb(), councilId, table, range);
  return new Response(toCsv(header, rows), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="playpass-${table}-${range.from}-to-${range.to}.csv"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
