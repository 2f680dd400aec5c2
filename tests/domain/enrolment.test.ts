import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { ENROLMENT_COLUMNS, importYoungPeople, parseEnrolmentCsv, type EnrolmentError } from "~/domain/programmes/enrolment";
import { createCouncil, uniqueSuffix } from "../factories";

const db = () => getDb();
const DAY = 86_400_000;
const HEADER = ENROLMENT_COLUMNS.join(",");

type Row = Record<(typeof ENROLMENT_COLUMNS)[number], string>;

/** A good row; override any column. */
function row(overrides: Partial<Row> = {}): Row {
  const suffix = uniqueSuffix();
  return {
    external_ref: `ref-${suffix}`,
    first_name: "Sam",
    last_name: `Tester${suffix}`,
    date_of_birth: "2012-03-04",
    postcode: "AB1 2CD",
    ward: "Central",
    needs: "",
    email: "",
    phone: "",
    ...overrides,
  };
}

/** A field as a spreadsheet writes it: quoted when it has to be (or always), quotes doubled. */
function field(value: string, alwaysQuote = false): string {
  return alwaysQuote || /[",\r\n]|^\s|\s$/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

function csv(rows: Row[], options: { header?: string; eol?: string; alwaysQuote?: boolean } = {}): string {
  const eol = options.eol ?? "\n";
  const lines = rows.map((r) => ENROLMENT_COLUMNS.map((c) => field(r[c], options.alwaysQuote)).join(","));
  return [options.header ?? HEADER, ...lines].join(eol) + eol;
}

/** The single error of a file, which must have exactly one. */
async function onlyError(text: string): Promise<EnrolmentError> {
  const { errors } = await parseEnrolmentCsv(text);
  expect(errors).toHaveLength(1);
  return errors[0]!;
}

describe("parsing an enrolment file", () => {
  it("reads a good file: dates in either format, needs flags, email and mobile normalised", async () => {
    const text = csv([
      row({ external_ref: "S-001", first_name: "Sam", date_of_birth: "2012-03-04", needs: "FSM; send", email: "Sam@Example.COM", phone: "07700 900123" }),
      row({ external_ref: "S-002", first_name: "Al", date_of_birth: "4/3/2012", postcode: "ab12cd", needs: "care|CARER|care" }),
      row({ external_ref: "S-003", first_name: "O'Brien, Jo", ward: "North \"Old\" Town" }),
    ]);
    const { rows, errors } = await parseEnrolmentCsv(text);
    expect(errors).toEqual([]);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatchObject({
      external_ref: "S-001",
      date_of_birth: new Date(Date.UTC(2012, 2, 4)),
      needs: ["FREE_SCHOOL_MEALS", "SEND"],
      email: "sam@example.com",
      phone: "+447700900123",
    });
    expect(rows[1]).toMatchObject({ date_of_birth: new Date(Date.UTC(2012, 2, 4)), postcode: "AB1 2CD", needs: ["CARE_EXPERIENCED", "YOUNG_CARER"], email: null, phone: null });
    expect(rows[2]).toMatchObject({ first_name: "O'Brien, Jo", ward: 'North "Old" Town' });
  });

  it("reads a spreadsheet's export: byte-order mark, CRLF line ends, header in any case", async () => {
    const text = "\uFEFF" + csv([row({ external_ref: "A1" })], { header: ENROLMENT_COLUMNS.map((c) => ` ${c.toUpperCase()} `).join(","), eol: "\r\n" });
    const { rows, errors } = await parseEnrolmentCsv(text);
    expect(errors).toEqual([]);
    expect(rows.map((r) => r.external_ref)).toEqual(["A1"]);
  });

  it("reports an impossible date (31/02/2012) on its line", async () => {
    const error = await onlyError(csv([row(), row(), row({ date_of_birth: "31/02/2012" })]));
    expect(error).toEqual({ line: 4, message: 'date_of_birth "31/02/2012" is not a real date of birth (use YYYY-MM-DD or DD/MM/YYYY)' });
  });

  it("reports a date of birth that makes no sense for a young person", async () => {
    expect((await onlyError(csv([row({ date_of_birth: "1901-01-01" })]))).message).toMatch(/date_of_birth "1901-01-01" is not a real date of birth/);
    const tomorrow = new Date(Date.now() + DAY).toISOString().slice(0, 10);
    expect((await onlyError(csv([row({ date_of_birth: tomorrow })]))).line).toBe(2);
  });

  it("reports a postcode that is not a UK postcode", async () => {
    expect(await onlyError(csv([row(), row({ postcode: "XYZ 123" })]))).toEqual({ line: 3, message: 'postcode "XYZ 123" is not a UK postcode' });
  });

  it("reports an unknown needs flag, naming it and the ones we know", async () => {
    expect(await onlyError(csv([row({ needs: "FSM;WIZARD" })]))).toEqual({ line: 2, message: 'needs "WIZARD" is not one of FSM, CARE, SEND, CARER' });
  });

  it("reports an email that is not an email address", async () => {
    expect(await onlyError(csv([row({ email: "sam@" })]))).toEqual({ line: 2, message: 'email "sam@" is not an email address' });
  });

  it("reports a phone number that is not a UK mobile", async () => {
    expect(await onlyError(csv([row({ phone: "0161 496 0000" })]))).toEqual({ line: 2, message: 'phone "0161 496 0000" is not a UK mobile number' });
  });

  it("reports a duplicate external_ref on its second line, naming the first", async () => {
    const error = await onlyError(csv([row({ external_ref: "DUP-1" }), row(), row({ external_ref: "DUP-1" })]));
    expect(error).toEqual({ line: 4, message: 'external_ref "DUP-1" is also on line 2' });
  });

  it("reports every problem of a row together, and every bad row by its own line", async () => {
    const { rows, errors } = await parseEnrolmentCsv(
      csv([row(), row({ first_name: " ", postcode: "nope" }), row(), row({ email: "x@y" }), row({ date_of_birth: "yesterday" })]),
    );
    expect(rows).toHaveLength(2);
    expect(errors.map((e) => e.line)).toEqual([3, 5, 6]);
    expect(errors[0]!.message).toMatch(/first_name is missing; postcode "NOPE" is not a UK postcode/);
  });

  it("reports missing header columns on line 1, naming them and the expected header", async () => {
    const error = await onlyError("external_ref,first_name,date_of_birth,ward\nr1,Sam,2012-03-04,Central\n");
    expect(error.line).toBe(1);
    expect(error.message).toBe(`the header row is missing last_name, postcode (expected: ${HEADER})`);
  });

  it("checks the header even when blank lines come before it", async () => {
    const error = await onlyError("\n\nexternal_ref,first_name,date_of_birth,ward\nr1,Sam,2012-03-04,Central\n");
    expect(error.message).toMatch(/^the header row is missing last_name, postcode/);
  });

  it("reports an unclosed quote at the line where the quote opens, not where the file ends", async () => {
    const good = Array.from({ length: 6 }, () => row());
    const lines = csv(good).split("\n");
    lines.splice(4, 0, `r-open,"Sam,Smith,2012-03-04,AB1 2CD,Central,,,`); // line 5 of the file
    const error = await onlyError(lines.join("\n"));
    expect(error.line).toBe(5);
    expect(error.message).toMatch(/not valid CSV.*quote/i);
  });

  it("reports a row with the wrong number of columns on its line", async () => {
    const text = `${csv([row(), row()])}r3,Sam,Smith,2012-03-04,AB1 2CD,Central\n`;
    const error = await onlyError(text);
    expect(error.line).toBe(4);
    expect(error.message).toMatch(/not valid CSV/);
  });

  it("reports an empty file, and a file with only a header", async () => {
    expect(await onlyError("")).toEqual({ line: 1, message: "the file has no rows under its header" });
    expect(await onlyError(`${HEADER}\n`)).toEqual({ line: 1, message: "the file has no rows under its header" });
  });
});

describe("importing young people", () => {
  it("creates people, then on re-import of the same rows updates them instead of adding them twice", async () => {
    const council = await createCouncil();
    const first = [row({ external_ref: "E-1", first_name: "Sam" }), row({ external_ref: "E-2", needs: "FSM" }), row({ external_ref: "E-3" })];
    const parsed = await parseEnrolmentCsv(csv(first));
    expect(await importYoungPeople(db(), council.id, parsed.rows)).toEqual({ created: 3, updated: 0 });
    const before = await db().youngPerson.findMany({ where: { councilId: council.id }, orderBy: { externalRef: "asc" } });
    expect(before.map((p) => p.externalRef)).toEqual(["E-1", "E-2", "E-3"]);
    expect(before[1]).toMatchObject({ needsFlags: ["FREE_SCHOOL_MEALS"], status: "INVITED", email: null });
    expect(new Set(before.map((p) => p.passCode)).size).toBe(3);

    const renamed = [{ ...first[0]!, first_name: "Samantha" }, first[1]!, first[2]!];
    const again = await parseEnrolmentCsv(csv(renamed));
    expect(await importYoungPeople(db(), council.id, again.rows)).toEqual({ created: 0, updated: 3 });

    const after = await db().youngPerson.findMany({ where: { councilId: council.id }, orderBy: { externalRef: "asc" } });
    expect(after).toHaveLength(3);
    expect(after.map((p) => p.id)).toEqual(before.map((p) => p.id));
    expect(after[0]!.firstName).toBe("Samantha");
    expect(after.map((p) => p.passCode)).toEqual(before.map((p) => p.passCode));
  });

  it("keeps councils apart: the same external_ref in another council is another person", async () => {
    const councilA = await createCouncil();
    const councilB = await createCouncil();
    const { rows } = await parseEnrolmentCsv(csv([row({ external_ref: "SHARED-1", first_name: "Ana" })]));
    await importYoungPeople(db(), councilA.id, rows);
    const { rows: rowsB } = await parseEnrolmentCsv(csv([row({ external_ref: "SHARED-1", first_name: "Bea" })]));
    expect(await importYoungPeople(db(), councilB.id, rowsB)).toEqual({ created: 1, updated: 0 });
    expect((await db().youngPerson.findFirstOrThrow({ where: { councilId: councilA.id, externalRef: "SHARED-1" } })).firstName).toBe("Ana");
  });
});

// ---------------------------------------------------------------- properties

const YEAR = Math.floor(365.25 * DAY);

// A value may not start like a spreadsheet formula (=, +, -, @): such rows are refused, so valid text never does.
const nonSpace = fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }).filter((c) => c.trim() === c && c !== "");
const firstChar = nonSpace.filter((c) => !/^[=+\-@]/.test(c));
const inner = fc.oneof(fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }), fc.constantFrom(" ", ",", '"', "'", "-", ";", "\n"));
/** Trimmed text of 1-80 UTF-16 units with commas, quotes and newlines inside. */
const text = (multiline: boolean) =>
  fc
    .tuple(firstChar, fc.array(multiline ? inner : inner.filter((c) => c !== "\n"), { maxLength: 12 }), fc.option(nonSpace, { nil: "" }))
    .map(([a, middle, b]) => a + middle.join("") + b)
    .filter((value) => value.length <= 80 && value.trim() === value);

const dateOfBirth = fc.integer({ min: 5 * 366, max: 29 * 365 }).chain((daysAgo) => {
  const today = new Date();
  const date = new Date(Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) - daysAgo * DAY);
  const [y, m, d] = [date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate()];
  const pad = (n: number) => String(n).padStart(2, "0");
  return fc.constantFrom(`${y}-${pad(m)}-${pad(d)}`, `${pad(d)}/${pad(m)}/${y}`, `${d}/${m}/${y}`).map((typed) => ({ typed, date }));
});

const postcode = fc
  .tuple(
    fc.stringMatching(/^[A-Z]{1,2}[0-9][A-Z0-9]?$/),
    fc.constantFrom(" ", ""),
    fc.stringMatching(/^[0-9][A-Z]{2}$/),
    fc.boolean(),
  )
  .map(([outward, space, inward, lower]) => {
    const typed = `${outward}${space}${inward}`;
    return { typed: lower ? typed.toLowerCase() : typed, stored: `${outward} ${inward}` };
  });

const NEEDS_WORDS = { FSM: "FREE_SCHOOL_MEALS", "free school meals": "FREE_SCHOOL_MEALS", CARE: "CARE_EXPERIENCED", SEND: "SEND", carer: "YOUNG_CARER", YOUNG_CARER: "YOUNG_CARER" } as const;
const needs = fc
  .tuple(fc.subarray(Object.keys(NEEDS_WORDS) as (keyof typeof NEEDS_WORDS)[]), fc.constantFrom(";", "|", " ; "))
  .map(([words, separator]) => ({ typed: words.join(separator), flags: [...new Set(words.map((w) => NEEDS_WORDS[w]))].sort() }));

const email = fc.option(
  fc.stringMatching(/^[a-zA-Z0-9]{1,10}(\.[a-z0-9]{1,5})?@[a-zA-Z0-9]{1,10}\.(com|org|uk|test)$/).map((typed) => ({ typed, stored: typed.toLowerCase() })),
  { nil: null },
);

const phone = fc.option(
  fc.tuple(fc.stringMatching(/^[0-9]{9}$/), fc.integer({ min: 0, max: 3 })).map(([digits, style]) => {
    const n = `7${digits}`;
    const typed = [`0${n}`, `+44${n}`, `+44 ${n.slice(0, 4)} ${n.slice(4)}`, `0${n.slice(0, 4)} ${n.slice(4)}`][style]!;
    return { typed, stored: `+44${n}` };
  }),
  { nil: null },
);

const generatedRow = (multiline: boolean) =>
  fc.record({
    firstName: text(multiline),
    lastName: text(multiline),
    ward: text(multiline),
    dob: dateOfBirth,
    postcode,
    needs,
    email,
    phone,
  });

const generatedFile = (multiline: boolean) =>
  fc
    .uniqueArray(fc.stringMatching(/^[A-Za-z0-9_./-]{1,20}$/), { minLength: 1, maxLength: 15 })
    .chain((refs) => fc.tuple(fc.constant(refs), fc.array(generatedRow(multiline), { minLength: refs.length, maxLength: refs.length })));

type GeneratedRow = ReturnType<typeof generatedRow> extends fc.Arbitrary<infer T> ? T : never;

function typedRow(ref: string, g: GeneratedRow): Row {
  return {
    external_ref: ref,
    first_name: g.firstName,
    last_name: g.lastName,
    date_of_birth: g.dob.typed,
    postcode: g.postcode.typed,
    ward: g.ward,
    needs: g.needs.typed,
    email: g.email?.typed ?? "",
    phone: g.phone?.typed ?? "",
  };
}

describe("enrolment properties", () => {
  it("any valid rows survive a trip through CSV text unchanged", async () => {
    await fc.assert(
      fc.asyncProperty(generatedFile(true), fc.constantFrom("\n", "\r\n"), fc.boolean(), async ([refs, generated], eol, alwaysQuote) => {
        const text = csv(
          refs.map((ref, i) => typedRow(ref, generated[i]!)),
          { eol, alwaysQuote },
        );
        const { rows, errors } = await parseEnrolmentCsv(text);
        expect(errors).toEqual([]);
        // Needs flags are a set: compare them in one order.
        expect(rows.map((r) => ({ ...r, needs: [...r.needs].sort() }))).toEqual(
          refs.map((ref, i) => {
            const g = generated[i]!;
            return {
              external_ref: ref,
              first_name: g.firstName,
              last_name: g.lastName,
              date_of_birth: g.dob.date,
              postcode: g.postcode.stored,
              ward: g.ward,
              needs: g.needs.flags,
              email: g.email?.stored ?? null,
              phone: g.phone?.stored ?? null,
            };
          }),
        );
      }),
      { numRuns: 150 },
    );
  });

  const garbageDate = fc.oneof(
    // Anything that is not written as a date at all.
    fc.string({ unit: "grapheme-ascii", maxLength: 12 }).filter((s) => !/^\s*(\d{4}-\d{2}-\d{2}|\d{1,2}\/\d{1,2}\/\d{4})\s*$/.test(s)),
    // Written like a date, but no such day.
    fc.constantFrom("2012-02-30", "2012-13-01", "2012-00-10", "2011-02-29", "31/04/2012", "00/01/2012", "32/01/2012", "29/02/2013", "2012-02-31"),
    // A real day, but nobody in a youth scheme was born on it.
    fc.integer({ min: -3_000, max: 3 * 365 }).map((daysAgo) => new Date(Date.now() - daysAgo * DAY).toISOString().slice(0, 10)),
    fc.integer({ min: 31, max: 120 }).map((years) => new Date(Date.now() - years * YEAR).toISOString().slice(0, 10)),
  );

  it("any row with a garbage date is rejected on its own line, and every other row is kept", async () => {
    await fc.assert(
      fc.asyncProperty(
        generatedFile(false).chain(([refs, generated]) => fc.tuple(fc.constant(refs), fc.constant(generated), fc.nat({ max: refs.length - 1 }), garbageDate)),
        async ([refs, generated, badIndex, badDate]) => {
          const rows = refs.map((ref, i) => typedRow(ref, generated[i]!));
          rows[badIndex]!.date_of_birth = badDate;
          const parsed = await parseEnrolmentCsv(csv(rows));
          expect(parsed.errors).toHaveLength(1);
          expect(parsed.errors[0]!.line).toBe(badIndex + 2);
          expect(parsed.errors[0]!.message).toMatch(/^date_of_birth ".*" is not a real date of birth/s);
          expect(parsed.rows.map((r) => r.external_ref)).toEqual(refs.filter((_, i) => i !== badIndex));
        },
      ),
      { numRuns: 150 },
    );
  });
});

// The import page and its background job: tests/council/enrolment-jobs.test.ts.
