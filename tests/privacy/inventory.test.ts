// The privacy notice tells the truth: every field of the schema that looks personal is in the data inventory
// (or said not to be, with a reason), every field the inventory names exists, and docs/privacy.md carries the
// inventory word for word.
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { INVENTORY, inventoryMarkdown, LOOKS_PERSONAL, NOT_PERSONAL } from "~/domain/privacy/inventory";

const ROOT = new URL("../../", import.meta.url);
const schema = readFileSync(new URL("prisma/schema.prisma", ROOT), "utf8");
const SCALARS = new Set(["String", "Int", "BigInt", "Float", "Boolean", "DateTime", "Json", "Decimal", "Bytes"]);
const enums = new Set([...schema.matchAll(/^enum (\w+) \{/gm)].map((m) => m[1]!));

/** Every stored column as Model.field (relations left out: they are other models' columns). */
function schemaColumns(): string[] {
  const columns: string[] = [];
  for (const [, model, body] of schema.matchAll(/^model (\w+) \{\n([\s\S]*?)^\}/gm)) {
    for (const line of body!.split("\n")) {
      const [field, type] = line.trim().split(/\s+/);
      if (!field || !type || field.startsWith("//") || field.startsWith("@@")) continue;
      const base = type.replace(/[?[\]]/g, "");
      if (SCALARS.has(base) || enums.has(base)) columns.push(`${model}.${field}`);
    }
  }
  return columns;
}

describe("the data inventory", () => {
  const columns = schemaColumns();
  const listed = new Set(INVENTORY.flatMap((item) => item.fields));

  it("accounts for every field of the schema that looks like personal data", () => {
    const unaccounted = columns.filter((c) => LOOKS_PERSONAL.test(c.split(".")[1]!) && !listed.has(c) && !(c in NOT_PERSONAL));
    expect(unaccounted).toEqual([]);
  });

  it("names only fields that exist", () => {
    const known = new Set(columns);
    expect([...listed, ...Object.keys(NOT_PERSONAL)].filter((f) => !known.has(f))).toEqual([]);
  });

  it("says why, who sees it and how long for every item, in short plain sentences", () => {
    for (const item of INVENTORY) {
      for (const text of [item.why, item.whoSees, item.howLong]) {
        expect(text, item.what).toMatch(/^[A-Z].*[.)]$/s);
        // Plain words for a 13-year-old: no sentence runs on past 40 words.
        for (const sentence of text.split(/(?<=\.)\s+/)) expect(sentence.split(/\s+/).length, sentence).toBeLessThanOrEqual(40);
      }
    }
  });

  it("is in docs/privacy.md word for word", () => {
    const doc = readFileSync(new URL("docs/privacy.md", ROOT), "utf8");
    const between = /<!-- inventory:start -->\n([\s\S]*?)\n<!-- inventory:end -->/.exec(doc);
    expect(between, "docs/privacy.md needs the inventory between its markers").not.toBeNull();
    expect(between![1]).toBe(inventoryMarkdown());
  });
});
