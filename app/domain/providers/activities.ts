// A provider's activities: drafting, editing, publishing (only once the council has approved the provider),
// pausing and archiving. Prices are typed in pounds and kept in pence.
import { z } from "zod";
import type { Db, DbTx } from "~/lib/db.server";
import { Category, type ActivityStatus } from "~/generated/prisma/enums";
import { recordAudit } from "../audit";
import { DomainError } from "../errors";
import { requireUuid } from "./ids";
import { accessibilityFeaturesSchema, type ProviderActor } from "./venues";

export const MAX_PRICE_PENCE = 50_000;

/** "4.50", "£4.50", "4" → pence, with a message for each way it can be wrong. */
export const poundsSchema = z
  .string({ error: "Enter the price in pounds, or 0 if it is free" })
  .trim()
  .min(1, { error: "Enter the price in pounds, or 0 if it is free", abort: true })
  .transform((value, ctx) => {
    const cleaned = value.replace(/^£/, "").replace(/,/g, "").trim();
    if (/^-/.test(cleaned)) {
      ctx.addIssue({ code: "custom", message: "The price cannot be negative. Enter 0 if it is free" });
      return z.NEVER;
    }
    if (/^\d+\.\d{3,}$/.test(cleaned)) {
      ctx.addIssue({ code: "custom", message: "Enter the price in pounds and pence, like 4.50: it cannot include fractions of a penny" });
      return z.NEVER;
    }
    if (!/^\d{1,6}(\.\d{1,2})?$/.test(cleaned)) {
      ctx.addIssue({ code: "custom", message: "Enter the price as an amount in pounds, like 4.50" });
      return z.NEVER;
    }
    const [pounds, fraction = ""] = cleaned.split(".");
    const pence = Number(pounds) * 100 + Number(fraction.padEnd(2, "0"));
    if (pence > MAX_PRICE_PENCE) {
      ctx.addIssue({ code: "custom", message: `The price must be £${MAX_PRICE_PENCE / 100} or less` });
      return z.NEVER;
    }
    return pence;
  });

const whole = (what: string, min: number, max: number) =>
  z
    .number({ error: `Enter ${what} as a whole number` })
    .int({ error: `Enter ${what} as a whole number` })
    .min(min, { error: `${capitalise(what)} must be ${min} or more` })
    .max(max, { error: `${capitalise(what)} must be ${max} or less` });

const longText = (what: string, max: number) =>
  z
    .string()
    .trim()
    .max(max, { error: `${capitalise(what)} must be ${max} characters or fewer` })
    .optional()
    .transform((value) => value ?? "");

export const activitySchema = z
  .object({
    councilId: z.uuid({ error: "Choose the council whose scheme lists this activity" }),
    venueId: z.uuid({ error: "Choose the venue" }),
    title: z
      .string({ error: "Enter a title" })
      .trim()
      .min(1, { error: "Enter a title", abort: true })
      .min(3, { error: "The title must be at least 3 characters", abort: true })
      .max(100, { error: "The title must be 100 characters or fewer" }),
    category: z.enum(Category, { error: "Choose a category" }),
    description: z
      .string({ error: "Describe the activity" })
      .trim()
      .min(1, { error: "Describe the activity", abort: true })
      .min(20, { error: "The description must be at least 20 characters: say what young people will do", abort: true })
      .max(3000, { error: "The description must be 3000 characters or fewer" }),
    minAge: whole("the youngest age", 5, 25),
    maxAge: whole("the oldest age", 5, 25),
    price: poundsSchema,
    capacity: whole("the number of places", 1, 500),
    accessibility: longText("accessibility information", 1000),
    accessibilityFeatures: accessibilityFeaturesSchema,
    cancellationCutoffHours: whole("the cancellation cut-off", 0, 168),
    whatToBring: longText("what to bring", 1000),
  })
  .superRefine((value, ctx) => {
    if (typeof value.minAge === "number" && typeof value.maxAge === "number" && value.minAge > value.maxAge) {
      ctx.addIssue({ code: "custom", path: ["maxAge"], message: "The oldest age must be the same as or more than the youngest age" });
    }
    // Runs even when other fields are wrong, so every problem is shown in one round.
  }, { when: () => true })
  .transform(({ price, ...value }) => ({ ...value, pricePence: price }));

export type ActivityInput = z.output<typeof activitySchema>;

/** Where an activity can be listed and held: the provider's councils and venues. */
export async function activityFormChoices(db: Db, providerId: string) {
  const [councils, venues] = await Promise.all([
    db.providerCouncil.findMany({ where: { providerId }, select: { status: true, council: { select: { id: true, name: true } } }, orderBy: { createdAt: "asc" } }),
    db.venue.findMany({ where: { providerId }, select: { id: true, name: true }, orderBy: { createdAt: "asc" } }),
  ]);
  return { councils: councils.map((c) => ({ id: c.council.id, name: c.council.name, status: c.status })), venues };
}

export async function listActivities(db: Db, providerId: string, now = new Date()) {
  const activities = await db.activity.findMany({
    where: { providerId },
    orderBy: [{ status: "asc" }, { title: "asc" }],
    select: {
      id: true,
      title: true,
      category: true,
      status: true,
      pricePence: true,
      venue: { select: { name: true } },
      _count: { select: { slots: { where: { status: "SCHEDULED", startsAt: { gt: now } } }, photos: true } },
    },
  });
  return activities.map(({ _count, venue, ...a }) => ({ ...a, venueName: venue.name, comingSlots: _count.slots, photos: _count.photos }));
}

/** One of the provider's activities with its photos; another provider's is not found. */
export async function getActivity(db: Db | DbTx, providerId: string, activityId: string) {
  const activity = await db.activity.findFirst({
    where: { id: requireUuid(activityId, "that activity"), providerId },
    select: {
      id: true,
      councilId: true,
      venueId: true,
      title: true,
      category: true,
      description: true,
      minAge: true,
      maxAge: true,
      pricePence: true,
      capacity: true,
      accessibility: true,
      accessibilityFeatures: true,
      cancellationCutoffHours: true,
      whatToBring: true,
      status: true,
      council: { select: { name: true } },
      photos: { select: { id: true, fileId: true, altText: true }, orderBy: [{ position: "asc" }, { createdAt: "asc" }] },
    },
  });
  if (!activity) throw new DomainError("NOT_FOUND", "We could not find that activity.");
  return activity;
}

async function checkPlace(tx: DbTx, providerId: string, input: Pick<ActivityInput, "councilId" | "venueId">) {
  const [link, venue] = await Promise.all([
    tx.providerCouncil.findUnique({ where: { providerId_councilId: { providerId, councilId: input.councilId } }, select: { status: true, council: { select: { name: true } } } }),
    tx.venue.findFirst({ where: { id: input.venueId, providerId }, select: { id: true } }),
  ]);
  if (!link) throw new DomainError("INVALID_INPUT", "Choose a council whose scheme you have applied to.", "councilId");
  if (!venue) throw new DomainError("INVALID_INPUT", "Choose one of your venues.", "venueId");
  return link;
}

/** A new activity, saved as a draft: it is published separately. */
export async function createActivity(db: Db, actor: ProviderActor, input: ActivityInput) {
  return db.$transaction(async (tx) => {
    await checkPlace(tx, actor.providerId, input);
    const activity = await tx.activity.create({ data: { ...input, providerId: actor.providerId, status: "DRAFT" }, select: { id: true } });
    await recordAudit(tx, { councilId: input.councilId, actorUserId: actor.userId, action: "activity.created", entityType: "Activity", entityId: activity.id, data: { title: input.title } });
    return activity;
  });
}

export async function updateActivity(db: Db, actor: ProviderActor, activityId: string, input: ActivityInput) {
  return db.$transaction(async (tx) => {
    const current = await lockActivity(tx, actor.providerId, activityId);
    if (current.status === "ARCHIVED") throw new DomainError("ACTIVITY_UNAVAILABLE", "This activity is archived and can no longer be changed.");
    const link = await checkPlace(tx, actor.providerId, input);
    if (current.status === "LIVE" && link.status !== "APPROVED") {
      throw new DomainError("PROVIDER_NOT_APPROVED", `A live activity can only be listed with a council that has approved you; ${link.council.name} has not.`, "councilId");
    }
    await tx.activity.update({ where: { id: activityId }, data: input });
    await recordAudit(tx, { councilId: input.councilId, actorUserId: actor.userId, action: "activity.updated", entityType: "Activity", entityId: activityId, data: { title: input.title, pricePence: input.pricePence } });
    return { id: activityId };
  });
}

export type StatusChange = "publish" | "pause" | "archive";

const ALLOWED_FROM: Record<StatusChange, ActivityStatus[]> = {
  publish: ["DRAFT", "PAUSED"],
  pause: ["LIVE"],
  archive: ["DRAFT", "LIVE", "PAUSED"],
};
const TARGET: Record<StatusChange, ActivityStatus> = { publish: "LIVE", pause: "PAUSED", archive: "ARCHIVED" };

/**
 * Publish (live and bookable), pause (hidden, bookings kept) or archive (gone for good). Publishing needs the
 * council's approval; archiving waits until no coming session has bookings, so nobody is left without a place.
 */
export async function changeActivityStatus(db: Db, actor: ProviderActor, activityId: string, change: StatusChange, now = new Date()) {
  return db.$transaction(async (tx) => {
    const activity = await lockActivity(tx, actor.providerId, activityId);
    if (activity.status === TARGET[change]) return { status: activity.status, changed: false };
    if (!ALLOWED_FROM[change].includes(activity.status)) {
      throw new DomainError("ACTIVITY_UNAVAILABLE", `A ${activity.status.toLowerCase()} activity cannot be ${change === "publish" ? "published" : change === "pause" ? "paused" : "archived"}.`);
    }
    if (change === "publish") {
      const link = await tx.providerCouncil.findUnique({
        where: { providerId_councilId: { providerId: actor.providerId, councilId: activity.councilId } },
        select: { status: true, council: { select: { name: true } } },
      });
      if (link?.status !== "APPROVED") {
        throw new DomainError(
          "PROVIDER_NOT_APPROVED",
          `${link?.council.name ?? "The council"} has not approved you yet, so this activity stays a draft. You can publish it once you are approved.`,
        );
      }
    }
    if (change === "archive") {
      const booked = await tx.slot.count({ where: { activityId, status: "SCHEDULED", endsAt: { gt: now }, booked: { gt: 0 } } });
      if (booked > 0) {
        throw new DomainError(
          "ACTIVITY_UNAVAILABLE",
          `This activity has ${booked} coming ${booked === 1 ? "session" : "sessions"} with bookings. Cancel ${booked === 1 ? "it" : "them"} first (everyone is refunded and told), or pause the activity instead.`,
        );
      }
      await tx.slot.updateMany({ where: { activityId, status: "SCHEDULED", startsAt: { gt: now }, booked: 0, offered: 0 }, data: { status: "CANCELLED", cancelledReason: "Activity archived" } });
    }
    await tx.activity.update({ where: { id: activityId }, data: { status: TARGET[change] } });
    await recordAudit(tx, { councilId: activity.councilId, actorUserId: actor.userId, action: `activity.${change}`, entityType: "Activity", entityId: activityId, data: { before: activity.status, after: TARGET[change] } });
    return { status: TARGET[change], changed: true };
  });
}

/** Row lock on the activity, so two status changes (or an edit) never interleave. */
async function lockActivity(tx: DbTx, providerId: string, activityId: string) {
  requireUuid(activityId, "that activity");
  const rows = await tx.$queryRaw<Array<{ id: string; status: ActivityStatus; councilId: string }>>`
    SELECT "id", "status"::text AS "status", "councilId"::text AS "councilId" FROM "Activity" WHERE "id" = ${activityId}::uuid AND "providerId" = ${providerId}::uuid FOR UPDATE`;
  const row = rows[0];
  if (!row) throw new DomainError("NOT_FOUND", "We could not find that activity.");
  return row;
}

function capitalise(value: string) {
  return value.charAt(0).toUpperCase() + value.slice(1);
}
