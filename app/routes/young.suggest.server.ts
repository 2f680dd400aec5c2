// The "suggest something" form's rules, checked by the action alone: a .server module, so the build refuses any
// browser code that imports it and Zod stays off the young people's pages.
import { z } from "zod";
import { SUGGESTION_MAX } from "~/domain/young/limits";
import { categories } from "~/ui/activity-card";

export const suggestionSchema = z.object({
  text: z
    .string({ error: "Tell us what you would like to do." })
    .trim()
    .min(3, "Tell us what you would like to do, in a few words.")
    .max(SUGGESTION_MAX, `Keep it to ${SUGGESTION_MAX} characters or fewer.`),
  category: z.enum(categories).optional(),
});
