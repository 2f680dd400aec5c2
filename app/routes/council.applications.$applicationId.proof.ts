// The proof of address of a pass application, as a download no browser renders as a page; officers of the council only.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { data } from "@remix-run/node";
import { isDomainError } from "~/domain/errors";
import { getPassApplication } from "~/domain/programmes";
import { requireOfficer } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { fileResponse, readStoredFile } from "~/lib/uploads.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { councilId } = await requireOfficer(request);
  try {
    const application = await getPassApplication(getDb(), councilId, params.applicationId!);
    if (!application.proof) throw data({ message: "This application has no proof of address." }, { status: 404 });
    return fileResponse(application.proof, await readStoredFile(application.proof));
  } catch (error) {
    if (isDomainError(error, "NOT_FOUND")) throw data({ message: error.message }, { status: 404 });
    throw error;
  }
}
