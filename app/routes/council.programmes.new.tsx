// Create a programme: its budget is funded from the council through the ledger as it is saved.
import { parseWithZod } from "@conform-to/zod/v4";
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Link, useActionData, useLoaderData } from "@remix-run/react";
import { isDomainError } from "~/domain/errors";
import { createProgramme } from "~/domain/programmes";
import { programmeData, programmeFormSchema } from "~/domain/programmes/forms";
import { requireOfficer } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { readForm } from "~/lib/forms.server";
import { ProgrammeForm } from "~/ui/programme-form";
import { CouncilShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Create a programme – Playpass council console" }];

export async function loader({ request }: LoaderFunctionArgs) {
  const { councilId } = await requireOfficer(request, ["OFFICER"]);
  const council = await getDb().council.findUniqueOrThrow({ where: { id: councilId }, select: { name: true } });
  const today = new Date();
  const year = today.getUTCFullYear();
  return {
    councilName: council.name,
    defaults: {
      status: "DRAFT",
      minAge: "11",
      maxAge: "18",
      ageReferenceDate: `${today.getUTCMonth() >= 8 ? year : year - 1}-08-31`,
      startsOn: today.toISOString().slice(0, 10),
      endsOn: `${year + 1}-03-31`,
      noShowPolicy: "RELEASE",
      payoutSchedule: "WEEKLY",
      approvalThreshold: "5000.00",
      waitlistOfferMinutes: "120",
      allowedCategories: [] as string[],
    },
  };
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor, councilId } = await requireOfficer(request, ["OFFICER"]);
  const submission = parseWithZod(await readForm(request), { schema: programmeFormSchema });
  if (submission.status !== "success") return data({ result: submission.reply() }, { status: 400 });
  try {
    const programme = await createProgramme(getDb(), { councilId, actorUserId: actor.userId }, programmeData(submission.value));
    throw redirect(`/council/programmes/${programme.id}?saved=created`);
  } catch (error) {
    if (!isDomainError(error)) throw error;
    return data({ result: submission.reply(error.field ? { fieldErrors: { [error.field]: [error.message] } } : { formErrors: [error.message] }) }, { status: 400 });
  }
}

export default function NewProgramme() {
  const { councilName, defaults } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  return (
    <CouncilShell councilName={councilName}>
      <p>
        <Link to="/council/programmes">Back to programmes</Link>
      </p>
      <h1>Create a programme</h1>
      <ProgrammeForm lastResult={actionData?.result} defaultValue={defaults} submitLabel="Create programme" />
    </CouncilShell>
  );
}
