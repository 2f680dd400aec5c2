// The activation letters PDF for the group chosen on the letters page (POST: printing gives out codes).
import type { ActionFunctionArgs } from "@remix-run/node";
import { activationLettersPdf } from "~/domain/programmes";
import { isDomainError } from "~/domain/errors";
import { filterFromUrl } from "~/domain/programmes/forms";
import { requireOfficer } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { getEnv } from "~/lib/env.server";
import { readForm } from "~/lib/forms.server";

export async function action({ request }: ActionFunctionArgs) {
  const { actor, councilId } = await requireOfficer(request, ["OFFICER"]);
  const form = await readForm(request);
  const { page: _page, status: _status, ...filter } = filterFromUrl(new URL(request.url));
  const db = getDb();
  const council = await db.council.findUniqueOrThrow({ where: { id: councilId }, select: { name: true } });
  try {
    const { pdf } = await activationLettersPdf(
      db,
      { councilId, actorUserId: actor.userId, appUrl: getEnv().APP_URL, councilName: council.name },
      { ...filter, noContact: form.get("who") !== "everyone" },
    );
    return new Response(new Uint8Array(pdf), {
      headers: {
        "Content-Type": "application/pdf",
        "Content-Disposition": `attachment; filename="playpass-activation-letters-${new Date().toISOString().slice(0, 10)}.pdf"`,
        "Content-Length": String(pdf.byteLength),
        "Cache-Control": "private, no-store",
        "X-Content-Type-Options": "nosniff",
      },
    });
  } catch (error) {
    // The letters page only offers the download when there are letters to print; this is the rare race.
    if (isDomainError(error)) return new Response(error.message, { status: 400, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    throw error;
  }
}
