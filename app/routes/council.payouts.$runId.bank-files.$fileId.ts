// Download of a run's bank payment file, exactly as stored (byte-identical every time); another council's is a 404.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { z } from "zod";
import { isDomainError } from "~/domain/errors";
import { getBankFile } from "~/domain/settlement";
import { requireOfficer } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { fileResponse } from "~/lib/uploads.server";

const paramsSchema = z.object({ runId: z.uuid(), fileId: z.uuid() });

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { councilId } = await requireOfficer(request);
  const parsed = paramsSchema.safeParse(params);
  if (!parsed.success) throw data({ message: "We could not find that file." }, { status: 404 });
  try {
    const file = await getBankFile(getDb(), { councilId, bankFileId: parsed.data.fileId });
    if (file.runId !== parsed.data.runId) throw data({ message: "We could not find that file." }, { status: 404 });
    return fileResponse({ originalName: file.fileName, contentType: "text/csv; charset=utf-8" }, Buffer.from(file.content, "utf8"));
  } catch (error) {
    if (isDomainError(error, "NOT_FOUND")) throw data({ message: error.message }, { status: 404 });
    throw error;
  }
}
