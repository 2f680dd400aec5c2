// Sign out: this device, or every device at once.
import type { ActionFunctionArgs } from "@remix-run/node";
import { redirect } from "@remix-run/node";
import { readForm } from "~/lib/forms.server";
import { getSessionUserId, endAllSessions, endSession } from "~/lib/session.server";

export async function loader() {
  throw redirect("/");
}

export async function action({ request }: ActionFunctionArgs) {
  const form = await readForm(request);
  if (form.get("everywhere") === "yes") {
    const userId = await getSessionUserId(request);
    if (userId) await endAllSessions(userId);
  }
  throw redirect("/", { headers: { "Set-Cookie": await endSession(request) } });
}
