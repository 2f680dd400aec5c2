// A payout's statement as a PDF to print or file.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { statementFileName, statementPdf } from "~/domain/providers/earnings";
import { loadStatement } from "./provider.earnings.$payoutId.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const statement = await loadStatement(request, params.payoutId);
  const pdf = await statementPdf(statement);
  return new Response(new Uint8Array(pdf), {
    headers: {
      "Content-Type": "application/pdf",
      "Content-Disposition": `attachment; filename="${statementFileName(statement, "pdf")}"`,
      "Cache-Control": "private, no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
