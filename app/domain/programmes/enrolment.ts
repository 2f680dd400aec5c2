// Enrolment from a CSV (a school roll or council list): every row validated, bad rows reported by line with
// the reason. Re-importing a file updates people by their external reference instead of adding them twice.
import { Readable } from "node:stream";
import { parse } from "csv-parse";
import { z } from "zod";
import type { Db, DbTx } from "~/lib/db.server";
import { newPassCode } from "../codes";
import { normaliseUkMobile } from "../identity/contact";

export const ENROLMENT_COLUMNS = ["external_ref", "first_name", "last_name", "date_of_birth", "postcode", "ward", "needs", "email", "phone"] as const;
export const MAX_ENROLMENT_ERRORS = 200;

const NEEDS: Record<string, "FREE_SCHOOL_MEALS" | "CARE_EXPERIENCED" | "SEND" | "YOUNG_CARER"> = {
  FSM: "FREE_SCHOOL_MEALS",
  FREE_SCHOOL_MEALS: "FREE_SCHOOL_MEALS",
  CARE: "CARE_EXPERIENCED",
  CARE_EXPERIENCED: "CARE_EXPERIENCED",
  SEND: "SEND",
  CARER: "YOUNG_CARER",
  YOUNG_CARER: "YOUNG_CARER",
};

const UK_POSTCODE = /^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$/;
// Built once: a schema made per row is most of the cost of checking a roll of 100,000.
const EMAIL = z.string().email();

function parseDate(value: string): Date | null {
  const iso = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(value);
  const [y, m, d] = iso ? [iso[1], iso[2], iso[3]] : uk ? [uk[3], uk[2], uk[1]] : [];
  if (!y) return null;
  const date = new Date(Date.UTC(Number(y), Number(m) - 1, Number(d)));
  return date.getUTCMonth() === Number(m) - 1 && date.getUTCDate() === Number(d) ? date : null;
}

const text = (name: string, max: number) =>
  z.string().trim().min(1, `${name} is missing`).max(max, `${name} is longer than ${max} characters`);

// No one's name starts like a spreadsheet formula; one that did would run when an officer opens an export.
const personName = (name: string) =>
  text(name, 80).refine((value) => !/^[=+\-@]/.test(value), {
    error: (issue) => `${name} "${String(issue.input).trim().slice(0, 40)}" starts with ${String(issue.input).trim()[0]}, which spreadsheets run as a formula`,
  });

export const enrolmentRowSchema = z.object({
  external_ref: text("external_ref", 64).regex(/^[\w./-]+$/, "external_ref may only use letters, digits, '-', '_', '.' and '/'"),
  first_name: personName("first_name"),
  last_name: personName("last_name"),
  date_of_birth: z
    .string()
    .trim()
    .transform((value, ctx) => {
      const date = parseDate(value);
      const age = date ? (Date.now() - date.getTime()) / (365.25 * 86_400_000) : -1;
      if (!date || age < 4 || age > 30) {
        ctx.addIssue({ code: "custom", message: `date_of_birth "${value}" is not a real date of birth (use YYYY-MM-DD or DD/MM/YYYY)` });
        return z.NEVER;
      }
      return date;
    }),
  postcode: z
    .string()
    .trim()
    .toUpperCase()
    .refine((value) => UK_POSTCODE.test(value), { error: (issue) => `postcode "${String(issue.input)}" is not a UK postcode` })
    // One spelling per postcode ("NB12AA" and "nb1 2aa" are "NB1 2AA"), so areas group correctly in evidence.
    .transform((value) => value.replace(/\s+/g, "").replace(/^(.+)(.{3})$/, "$1 $2")),
  ward: text("ward", 80),
  needs: z
    .string()
    .trim()
    .default("")
    .transform((value, ctx) => {
      const flags = value.split(/[;|]/).map((f) => f.trim().toUpperCase().replace(/\s+/g, "_")).filter(Boolean);
      const unknown = flags.filter((f) => !NEEDS[f]);
      if (unknown.length > 0) {
        ctx.addIssue({ code: "custom", message: `needs "${unknown.join(", ")}" is not one of FSM, CARE, SEND, CARER` });
        return z.NEVER;
      }
      return [...new Set(flags.map((f) => NEEDS[f]!))];
    }),
  email: z
    .string()
    .trim()
    .toLowerCase()
    .default("")
    .refine((value) => value === "" || EMAIL.safeParse(value).success, { error: (issue) => `email "${String(issue.input)}" is not an email address` })
    .transform((value) => value || null),
  phone: z
    .string()
    .trim()
    .default("")
    .transform((value, ctx) => {
      if (value === "") return null;
      const phone = normaliseUkMobile(value);
      if (!phone) {
        ctx.addIssue({ code: "custom", message: `phone "${value}" is not a UK mobile number` });
        return z.NEVER;
      }
      return phone;
    }),
});

export type EnrolmentRow = z.infer<typeof enrolmentRowSchema>;
export type EnrolmentError = { line: number; message: string };

/** Reads and checks a whole file. Stops collecting errors after MAX_ENROLMENT_ERRORS. */
export async function parseEnrolmentCsv(input: string | Buffer | Readable): Promise<{ rows: EnrolmentRow[]; errors: EnrolmentError[] }> {
  const rows: EnrolmentRow[] = [];
  const errors: EnrolmentError[] = [];
  const seen = new Map<string, number>();
  const source = typeof input === "string" || Buffer.isBuffer(input) ? Readable.from([input]) : input;
  // The line the header, then each record read so far, ended on.
  let lastLine = 0;
  let headerChecked = false;
  const parser = source.pipe(
    parse({
      columns: (header: string[]) => {
        lastLine = 1;
        return header.map((h) => h.trim().toLowerCase());
      },
      bom: true,
      skip_empty_lines: true,
      trim: true,
      relax_column_count: false,
      info: true,
      // Runs as each record is parsed, before the stream hands it on (an error later drops what is still buffered).
      on_record: (record, context) => {
        lastLine = context.lines;
        return record;
      },
    }),
  );
  try {
    for await (const { record, info } of parser as AsyncIterable<{ record: Record<string, string>; info: { lines: number } }>) {
      const line = info.lines;
      // The first record, wherever it is (blank lines are skipped), shows which columns the header named.
      if (!headerChecked) {
        headerChecked = true;
        const missing = ENROLMENT_COLUMNS.slice(0, 6).filter((c) => !(c in record));
        if (missing.length > 0) return { rows: [], errors: [{ line: 1, message: `the header row is missing ${missing.join(", ")} (expected: ${ENROLMENT_COLUMNS.join(",")})` }] };
      }
      const parsed = enrolmentRowSchema.safeParse(record);
      if (!parsed.success) {
        if (errors.length < MAX_ENROLMENT_ERRORS) errors.push({ line, message: parsed.error.issues.map((i) => i.message).join("; ") });
        continue;
      }
      const earlier = seen.get(parsed.data.external_ref);
      if (earlier !== undefined) {
        if (errors.length < MAX_ENROLMENT_ERRORS) errors.push({ line, message: `external_ref "${parsed.data.external_ref}" is also on line ${earlier}` });
        continue;
      }
      seen.set(parsed.data.external_ref, line);
      rows.push(parsed.data);
    }
  } catch (error) {
    // csv-parse reports an unclosed quote where the file ends; the quote opened in the record after the last one read.
    if ((error as { code?: string }).code === "CSV_QUOTE_NOT_CLOSED") {
      errors.push({ line: lastLine + 1, message: 'the file is not valid CSV here: a field opens a quote (") that is never closed' });
    } else {
      const message = error instanceof Error ? error.message : String(error);
      const line = (error as { lines?: number }).lines ?? lastLine + 1;
      errors.push({ line, message: `the file is not valid CSV here: ${message}` });
    }
  }
  if (rows.length === 0 && errors.length === 0) errors.push({ line: 1, message: "the file has no rows under its header" });
  return { rows, errors };
}

const BATCH = 1000;

/**
 * Writes checked rows for one council in one transaction: new people are created with a pass code,
 * people already enrolled under the same external reference are updated.
 */
export async function importYoungPeople(db: Db, councilId: string, rows: EnrolmentRow[]) {
  return db.$transaction(
    async (tx) => {
      let created = 0;
      let updated = 0;
      for (let start = 0; start < rows.length; start += BATCH) {
        const result = await upsertYoungPeople(tx, councilId, rows.slice(start, start + BATCH));
        created += result.created;
        updated += result.updated;
      }
      return { created, updated };
    },
    { timeout: 120_000 },
  );
}

/** One multi-row upsert by (council, external reference): a re-imported person is updated, never duplicated. */
export async function upsertYoungPeople(tx: DbTx, councilId: string, batch: EnrolmentRow[]) {
  const result = await tx.$queryRaw<{ inserted: boolean }[]>`
    INSERT INTO "YoungPerson" ("councilId", "externalRef", "firstName", "lastName", "dateOfBirth", "postcode", "ward", "needsFlags", "email", "phone", "passCode")
    SELECT ${councilId}::uuid, r.ref, r.first, r.last, r.dob, r.postcode, r.ward, string_to_array(r.needs, ',')::"NeedsFlag"[], r.email, r.phone, r.pass
    FROM unnest(${batch.map((r) => r.external_ref)}::text[], ${batch.map((r) => r.first_name)}::text[], ${batch.map((r) => r.last_name)}::text[],
                ${batch.map((r) => r.date_of_birth.toISOString().slice(0, 10))}::date[], ${batch.map((r) => r.postcode)}::text[],
                ${batch.map((r) => r.ward)}::text[], ${batch.map((r) => r.needs.join(","))}::text[], ${batch.map((r) => r.email)}::text[],
                ${batch.map((r) => r.phone)}::text[], ${batch.map(() => newPassCode())}::text[])
      AS r(ref, first, last, dob, postcode, ward, needs, email, phone, pass)
    ON CONFLICT ("councilId", "externalRef") DO UPDATE SET
      "firstName" = EXCLUDED."firstName", "lastName" = EXCLUDED."lastName", "dateOfBirth" = EXCLUDED."dateOfBirth",
      "postcode" = EXCLUDED."postcode", "ward" = EXCLUDED."ward", "needsFlags" = EXCLUDED."needsFlags",
      "email" = EXCLUDED."email", "phone" = EXCLUDED."phone"
    RETURNING (xmax = 0) AS inserted`;
  const created = result.filter((r) => r.inserted).length;
  return { created, updated: result.length - created };
}
