// A stored file, for those who may read it (see findReadableFile); everyone else gets 404. Never rendered as a page.
import type { LoaderFunctionArgs } from "@remix-run/node";
import { findReadableFile } from "~/domain/providers/files";
import { getActor } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { fileResponse, readStoredFile } from "~/lib/uploads.server";

export async function loader({ request, params }: LoaderFunctionArgs) {
  const actor = await getActor(request);
  const file = await findReadableFile(getDb(), actor, params.fileId ?? "");
  if (!file) throw new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
  const bytes = await readStoredFile(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === "ENOENT") throw new Response("Not found", { status: 404, headers: { "Content-Type": "text/plain; charset=utf-8" } });
    throw error;
  });
  const response = fileResponse(file, bytes, { inline: file.kind === "ACTIVITY_PHOTO" });
  // A photo's bytes never change under its id; an hour's caching still lets a paused activity's photos go quiet soon.
  if (file.isPublicPhoto) response.headers.set("Cache-Control", "public, max-age=3600");
  return response;
}
