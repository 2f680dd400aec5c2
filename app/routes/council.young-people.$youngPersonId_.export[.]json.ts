// Subject access request: everything held about one young person of the officer's council, as a JSON download.
// The council comes from the signed-in officer, never from the URL; every download is audited.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { z } from "zod";
import { isDomainError } from "~/domain/errors";
import { downloadHeaders, exportFileName, exportYoungPersonData } from "~/domain/privacy/export";
import { requireOfficer } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";

const paramsSchema = z.object({ youngPersonId: z.string().uuid() });

export async function loader({ request, params }: LoaderFunctionArgs) {
  // Finance officers pay providers; the record of a child is for the council's officers.
  const { actor, councilId } = await requireOfficer(request, ["OFFICER"]);
  const parsed = paramsSchema.safeParse(params);
  if (!parsed.success) throw data({ message: "There is no such young person in your council." }, { status: 404 });
  try {
    const document = await exportYoungPersonData(getDb(), { councilId, youngPersonId: parsed.data.youngPersonId, actorUserId: actor.userId, by: "officer" });
    return new Response(JSON.stringify(document, null, 2), { headers: downloadHeaders(exportFileName(parsed.data.youngPersonId)) });
  } catch (error) {
    if (isDomainError(error, "NOT_FOUND")) throw data({ message: error.message }, { status: 404 });
    throw error;
  }
}
