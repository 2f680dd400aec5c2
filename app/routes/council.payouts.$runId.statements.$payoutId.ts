// A provider's statement for one payout (the redemptions it paid), as CSV for the council; another council's is a 404.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { z } from "zod";
import { isDomainError } from "~/domain/errors";
import { payoutStatementCsv } from "~/domain/settlement";
import { requireOfficer } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { fileResponse } from "~/lib/uploads.server";

const paramsSchema = z.object({ runId: z.uuid(), payoutId: z.uuid() });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { councilId } = await requireOfficer(request);
  const parsed = paramsSchema.safeParse(params);
  if (!parsed.success) throw data({ message: "We could not find that statement." }, { status: 404 });
  try {
    const statement = await payoutStatementCsv(getDb(), { payoutId: parsed.data.payoutId, scope: { councilId } });
    if (statement.payout.runId !== parsed.data.runId) throw data({ message: "We could not find that statement." }, { status: 404 });
    return fileResponse({ originalName: statement.fileName, contentType: "text/csv; charset=utf-8" }, Buffer.from(statement.content, "utf8"));
  } catch (error) {
    if (isDomainError(error, "NOT_FOUND")) throw data({ message: error.message }, { status: 404 });
    throw error;
  }
}
