// Change a programme's settings; a higher budget is funded from the council through the ledger.
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { isDomainError } from "~/domain/errors";
import { getProgramme, updateProgramme } from "~/domain/programmes";
import { programmeData, programmeFormSchema } from "~/domain/programmes/forms";
import { requireOfficer } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { ProgrammeForm, programmeDefaults } from "~/ui/programme-form";
import { CouncilShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Change a programme – Playpass council console" }];

function notFound(error: unknown): never {
  if (isDomainError(error, "NOT_FOUND")) throw data({ message: error.message }, { status: 404 });
  throw error;
}

export async function loader({ request, params }: LoaderFunctionArgs) {
  const { councilId } = await requireOfficer(request, ["OFFICER"]);
  const db = getDb();
  const programme = await getProgramme(db, councilId, params.programmeId!).catch(notFound);
  const council = await db.council.findUniqueOrThrow({ where: { id: councilId }, select: { name: true } });
  return { councilName: council.name, programme: { id: programme.id, name: programme.name }, defaults: programmeDefaults(programme) };
}

export async function action({ request, params }: ActionFunctionArgs) {
  const { actor, councilId } = await requireOfficer(request, ["OFFICER"]);
  const submission = parseWithZod(await readForm(request), { schema: programmeFormSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  try {
    await updateProgramme(getDb(), { councilId, actorUserId: actor.userId }, params.programmeId!, programmeData(submission.value));
  } catch (error) {
    if (isDomainError(error, "NOT_FOUND")) notFound(error);
    if (!isDomainError(error)) throw error;
    return data({ result: submission.reply(error.field ? { fieldErrors: { [error.field]: [error.message] } } : { formErrors: [error.message] }) }, { status: 400 });
  }
  throw redirect(`/council/programmes/${params.programmeId}?saved=updated`);
}

export default function EditProgramme() {
  const { councilName, programme, defaults } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <CouncilShell councilName={councilName}>
      <p>
        <Link to={`/council/programmes/${programme.id}`}>Back to {programme.name}</Link>
      </p>
      <h1>Change {programme.name}</h1>
      <ProgrammeForm lastResult={actionData?.result} defaultValue={defaults} submitLabel="Save changes" />
    </CouncilShell>
  );
}
