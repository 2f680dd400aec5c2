// The search form and the "what were you looking for" form: one Zod schema each, shared by the route's loader and
// action and the domain (the browser checks nothing with them; its choices come from search-choices.ts).
import { z } from "zod";
import { AccessibilityFeature, Category } from "~/generated/prisma/enums";
import { outwardCodeOf } from "../places/postcodes";
import { DEMAND_NOTE_MAX, DISTANCE_MILES, SEARCH_SORTS } from "./search-choices";

export { DEMAND_NOTE_MAX, DISTANCE_MILES, SEARCH_PAGE_SIZE, SEARCH_SORTS } from "./search-choices";

const checkbox = z.preprocess((v) => v === "on" || v === "true" || v === true, z.boolean());
const blankToUndefined = (v: unknown) => (typeof v === "string" && v.trim() === "" ? undefined : v);

/** What a search form sends (URL query). Every field is optional: the plain front page is a search with none. */
export const searchFiltersSchema = z.object({
  q: z.preprocess(blankToUndefined, z.string().trim().max(100, "Keep your search under 100 characters.").optional()),
  category: z.preprocess(blankToUndefined, z.enum(Category, { error: "Choose a category from the list." }).optional()),
  date: z.preprocess(
    blankToUndefined,
    z
      .string()
      .refine((d) => /^\d{4}-\d{2}-\d{2}$/.test(d) && !Number.isNaN(Date.parse(`${d}T00:00:00Z`)), "Enter a date like 2026-11-28.")
      .optional(),
  ),
  postcode: z.preprocess(
    blankToUndefined,
    z.string().trim().max(10).refine((p) => outwardCodeOf(p) !== null, "Enter a postcode like NB1 2AA, or just the first part (NB1).").optional(),
  ),
  miles: z.preprocess(blankToUndefined, z.coerce.number().refine((m) => (DISTANCE_MILES as readonly number[]).includes(m), "Choose a distance from the list.").optional()),
  withinBalance: checkbox.optional(),
  free: checkbox.optional(),
  age: z.preprocess(blankToUndefined, z.coerce.number({ error: "Enter your age in years." }).int("Enter your age in whole years.").min(5, "Enter an age from 5 to 25.").max(25, "Enter an age from 5 to 25.").optional()),
  access: z.preprocess((v) => (v === undefined ? [] : Array.isArray(v) ? v : [v]), z.array(z.enum(AccessibilityFeature))).optional(),
  sort: z.preprocess(blankToUndefined, z.enum(SEARCH_SORTS).default("soonest")),
  page: z.preprocess(blankToUndefined, z.coerce.number().int().min(1).max(1000).default(1)),
});
export type SearchFilters = z.infer<typeof searchFiltersSchema>;

export const demandNoteSchema = z.object({
  text: z.string({ error: "Tell us what you were looking for." }).trim().min(3, "Tell us a bit more: what were you looking for?").max(DEMAND_NOTE_MAX, `Keep it under ${DEMAND_NOTE_MAX} characters.`),
  searchQuery: z.string().trim().max(100).optional(),
  category: z.preprocess(blankToUndefined, z.enum(Category).optional()),
});

