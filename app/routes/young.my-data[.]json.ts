// "Download my data": a young person's own copy of everything Playpass holds about them, as JSON. Audited.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { downloadHeaders, exportFileName, exportYoungPersonData } from "~/domain/privacy/export";
import { requireYoungPerson } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";

export async function loader({ request }: LoaderFunctionArgs) {
  const { actor, youngPerson } = await requireYoungPerson(request);
  const document = await exportYoungPersonData(getDb(), { councilId: youngPerson.councilId, youngPersonId: youngPerson.id, actorUserId: actor.userId, by: "self" });
  return new Response(JSON.stringify(document, null, 2), { headers: downloadHeaders(exportFileName(youngPerson.id)) });
}
