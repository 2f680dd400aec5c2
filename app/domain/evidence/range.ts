// The date range the evidence pages and downloads are filtered by: two London calendar days, both included.
import { differenceInCalendarDays, isValid, parseISO } from "date-fns";
import { z } from "zod";

const MAX_DAYS = 3 * 366;

const day = (label: string) =>
  z
    .string()
    .trim()
    .regex(/^\d{4}-\d{2}-\d{2}$/, `Enter the ${label} date as a real date, for example 2026-09-01.`)
    .refine((value) => isValid(parseISO(value)), `Enter the ${label} date as a real date, for example 2026-09-01.`)
    .optional();

/** Both days optional (the page fills in its defaults); when both are given they must be in order and within three years. */
export const rangeSchema = z
  .object({ from: day("start"), to: day("end") })
  .superRefine((value, ctx) => {
    if (!value.from || !value.to) return;
    const days = differenceInCalendarDays(parseISO(value.to), parseISO(value.from));
    if (days < 0) ctx.addIssue({ code: "custom", path: ["to"], message: "The end date must be the same as or after the start date." });
    else if (days > MAX_DAYS) ctx.addIssue({ code: "custom", path: ["to"], message: "Choose a range of three years or less." });
  });
