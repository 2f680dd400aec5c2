// Enrol young people from a CSV file. Every row is checked first; if any is wrong nothing is written
// and each problem is listed by line number.
import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { data, MaxPartSizeExceededError, unstable_createMemoryUploadHandler, unstable_parseMultipartFormData } from "@remix-run/node";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { ENROLMENT_COLUMNS, importYoungPeople, parseEnrolmentCsv } from "~/domain/programmes/enrolment";
import { recordAudit } from "~/domain/audit";
import { requireOfficer } from "~/lib/auth.server";
import { getDb } from "~/lib/db.server";
import { DataTable } from "~/ui/data-table";
import { Notice } from "~/ui/notice";
import { CouncilShell } from "~/ui/shells";

export const meta: MetaFunction = () => [{ title: "Import young people – Playpass council console" }];

const MAX_FILE_BYTES = 10 * 1024 * 1024;

export async function loader({ request }: LoaderFunctionArgs) {
  const { councilId } = await requireOfficer(request, ["OFFICER"]);
  const council = await getDb().council.findUniqueOrThrow({ where: { id: councilId }, select: { name: true } });
  return { councilName: council.name, columns: ENROLMENT_COLUMNS };
}

type ActionResult =
  | { outcome: "rejected"; fileError?: string; errors: { line: number; message: string }[]; goodRows: number }
  | { outcome: "imported"; created: number; updated: number };

export async function action({ request }: ActionFunctionArgs) {
  const { actor, councilId } = await requireOfficer(request, ["OFFICER"]);
  let file: File | null = null;
  try {
    const form = await unstable_parseMultipartFormData(request, unstable_createMemoryUploadHandler({ maxPartSize: MAX_FILE_BYTES }));
    const value = form.get("file");
    file = value instanceof File && value.size > 0 ? value : null;
  } catch (error) {
    if (error instanceof MaxPartSizeExceededError) {
      return data<ActionResult>({ outcome: "rejected", fileError: "The file is larger than 10 MB. Split it into smaller files.", errors: [], goodRows: 0 }, { status: 413 });
    }
    throw error;
  }
  if (!file) return data<ActionResult>({ outcome: "rejected", fileError: "Choose a CSV file to upload.", errors: [], goodRows: 0 }, { status: 400 });
  if (!/\.csv$/i.test(file.name) && file.type !== "text/csv") {
    return data<ActionResult>({ outcome: "rejected", fileError: "The file must be a CSV file (.csv). Save your spreadsheet as CSV first.", errors: [], goodRows: 0 }, { status: 415 });
  }
  const bytes = Buffer.from(await file.arrayBuffer());
  const text = new TextDecoder("utf-8", { fatal: false }).decode(bytes);
  if (text.includes("\uFFFD")) {
    return data<ActionResult>({ outcome: "rejected", fileError: "The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.", errors: [], goodRows: 0 }, { status: 400 });
  }
  const { rows, errors } = await parseEnrolmentCsv(text);
  if (errors.length > 0) return data<ActionResult>({ outcome: "rejected", errors, goodRows: rows.length }, { status: 400 });

  const result = await importYoungPeople(getDb(), councilId, rows);
  await recordAudit(getDb(), {
    councilId,
    actorUserId: actor.userId,
    action: "young_people.imported",
    entityType: "Council",
    entityId: councilId,
    data: { created: result.created, updated: result.updated, file: file.name.slice(0, 100) },
  });
  return { outcome: "imported", ...result } satisfies ActionResult;
}

export default function ImportYoungPeople() {
  const { councilName, columns } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  return (
    <CouncilShell councilName={councilName}>
      <h1>Import young people</h1>
      {result?.outcome === "imported" ? (
        <Notice tone="success" title="Import complete">
          {result.created} young people added and {result.updated} updated.
        </Notice>
      ) : null}
      {result?.outcome === "rejected" ? (
        <Notice tone="error" title="Nothing was imported">
          {result.fileError ??
            `${result.errors.length} ${result.errors.length === 1 ? "row has a problem" : "rows have problems"} (${result.goodRows} ${result.goodRows === 1 ? "row was" : "rows were"} fine). Correct the file and upload it again.`}
        </Notice>
      ) : null}
      {result?.outcome === "rejected" && result.errors.length > 0 ? (
        <DataTable
          caption="Problems by line"
          columns={[
            { key: "line", header: "Line", cell: (e: { line: number; message: string }) => e.line, numeric: true },
            { key: "problem", header: "Problem", cell: (e: { line: number; message: string }) => e.message },
          ]}
          rows={result.errors}
          rowKey={(e) => `${e.line}-${e.message}`}
        />
      ) : null}
      <p>
        The first row must name the columns: <code>{columns.join(",")}</code>. <code>needs</code> takes FSM, CARE, SEND or CARER separated by
        semicolons; <code>email</code>, <code>phone</code> and <code>needs</code> may be empty. Importing the same file again updates people by{" "}
        <code>external_ref</code> instead of adding them twice.
      </p>
      <Form method="post" encType="multipart/form-data">
        <div className="field">
          <label htmlFor="file" className="field__label">
            CSV file (up to 10 MB)
          </label>
          <input id="file" name="file" type="file" accept=".csv,text/csv" required />
        </div>
        <button type="submit" className="button">
          Check and import
        </button>
      </Form>
    </CouncilShell>
  );
}
