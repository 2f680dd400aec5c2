// The rating form's rules, checked by the action alone: a .server module, so the build refuses any browser code that
// imports it and Zod stays off the young people's pages.
import { z } from "zod";
import { COMMENT_MAX } from "~/domain/young/limits";

export const ratingSchema = z.object({
  stars: z.coerce.number({ error: "Choose how many stars, from 1 to 5." }).int().min(1, "Choose how many stars, from 1 to 5.").max(5, "Choose how many stars, from 1 to 5."),
  wouldGoAgain: z.enum(["yes", "no"], { error: "Tell us if you would go again." }),
  comment: z.string().trim().max(COMMENT_MAX, `Keep your comment to ${COMMENT_MAX} characters or fewer.`).optional(),
});

export const bookingIdSchema = z.string().uuid();
