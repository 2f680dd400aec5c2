// A payout's statement as CSV, for the provider's books.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { statementCsv, statementFileName } from "~/domain/providers/earnings";
import { loadStatement } from "./provider.earnings.$payoutId.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const statement = await loadStatement(request, params.payoutId);
  return new Response(statementCsv(statement), {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${statementFileName(statement, "csv")}"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
