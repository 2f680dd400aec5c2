// Enrol young people from a CSV file. The file is kept and imported in the background: every row is
// checked, good rows are written in batches, and bad rows are listed by line number with the reason.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, redirect } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData } from "@remix-run/react";
import { isDomainError } from "~/domain/errors";
import { listCouncilJobs, startEnrolmentImport } from "~/domain/programmes";
import { ENROLMENT_COLUMNS } from "~/domain/programmes/enrolment";
import { requireOfficer } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { startInBackground } from "./council.jobs.server";
import { MB, parseUploadForm, readFormFile } from "~/lib/uploads.server";
import { formatDateTime } from "~/ui/dates";
import { SubmitButton } from "~/ui/forms";
import { CouncilShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Import young people – Playpass council console" }];

const MAX_FILE_BYTES = 20 * MB;

export async function loader({ request }: LoaderFunctionArgs) {
  const { councilId } = await requireOfficer(request, ["OFFICER"]);
  const db = getDb();
  const [council, jobs] = await Promise.all([
    db.council.findUniqueOrThrow({ where: { id: councilId }, select: { name: true } }),
    listCouncilJobs(db, councilId, 10),
  ]);
  return { councilName: council.name, columns: ENROLMENT_COLUMNS, imports: jobs.filter((j) => j.kind === "ENROLMENT_IMPORT") };
}

export async function action({ request }: ActionFunctionArgs) {
  const { actor, councilId } = await requireOfficer(request, ["OFFICER"]);
  try {
    const form = await parseUploadForm(request, { maxFileBytes: MAX_FILE_BYTES });
    const file = await readFormFile(form, "file", { accept: ["csv"], maxBytes: MAX_FILE_BYTES, label: "a CSV file" });
    const job = await startEnrolmentImport(getDb(), { councilId, actorUserId: actor.userId }, file);
    await startInBackground(job.id);
    throw redirect(`/council/jobs/${job.id}`);
  } catch (error) {
    if (isDomainError(error)) {
      const hint = /must be/.test(error.message) ? " Save your spreadsheet as “CSV UTF-8” and upload that." : "";
      return data({ fileError: `${error.message}${hint}` }, { status: 400 });
    }
    throw error;
  }
}

export default function ImportYoungPeople() {
  const { councilName, columns, imports } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <CouncilShell councilName={councilName}>
      <p>
        <Link to="/council/young-people">Back to young people</Link>
      </p>
      <h1>Import young people</h1>
      <p>
        The first row must name the columns: <code>{columns.join(",")}</code>. <code>needs</code> takes FSM, CARE, SEND or CARER separated by
        semicolons; <code>email</code>, <code>phone</code> and <code>needs</code> may be empty. Dates of birth can be YYYY-MM-DD or DD/MM/YYYY.
      </p>
      <p>
        Rows with a problem are not imported and are listed by line number, so you can correct them and upload the same file again. Importing a file
        again updates people by <code>external_ref</code> instead of adding them twice. A school roll of 20,000 rows takes under a minute.
      </p>
      <Form method="post" encType="multipart/form-data">
        <div className={result?.fileError ? "field field--error" : "field"}>
          <label htmlFor="file" className="field__label">
            CSV file (up to 20 MB)
          </label>
          {result?.fileError ? (
            <p id="file-error" className="field__error">
              <span className="visually-hidden">Error: </span>
              {result.fileError}
            </p>
          ) : null}
          <input id="file" name="file" type="file" accept=".csv,text/csv" required aria-describedby={result?.fileError ? "file-error" : undefined} aria-invalid={result?.fileError ? true : undefined} />
        </div>
        <SubmitButton pendingText="Uploading…">Upload and import</SubmitButton>
      </Form>
      {imports.length > 0 ? (
        <>
          <h2>Recent imports</h2>
          <ul>
            {imports.map((job) => (
              <li key={job.id}>
                <Link to={`/council/jobs/${job.id}`}>
                  {(job.input as { fileName?: string }).fileName ?? "File"}, {formatDateTime(job.createdAt)}
                </Link>{" "}
                ({job.status.toLowerCase()})
              </li>
            ))}
          </ul>
        </>
      ) : null}
    </CouncilShell>
  );
}
