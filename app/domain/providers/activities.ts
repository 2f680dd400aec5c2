// A provider's activities: drafting, editing, publishing (only once the council has approved the provider),
// pausing and archiving. Prices are typed in pounds and kept in pence.
import type { Db, DbTx } from "~/lib/db.server";
import type { ActivityStatus } from "~/generated/prisma/enums";
import { recordAudit } from "../audit";
import { DomainError } from "../errors";
import { requireUuid } from "./ids";
import type { ActivityInput } from "./forms";
import type { ProviderActor } from "./venues";

export { activitySchema, MAX_PRICE_PENCE, poundsSchema, type ActivityInput } from "./forms";



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
      const booked = await tx.slot.count({ where: { activityId, status: "SCHEDULED", endsAt: { gt: now }, OR: [{ booked: { gt: 0 } }, { offered: { gt: 0 } }] } });
      if (booked > 0) {
        throw new DomainError(
          "ACTIVITY_UNAVAILABLE",
          `This activity has ${booked} coming ${booked === 1 ? "session" : "sessions"} with bookings or places offered. Cancel ${booked === 1 ? "it" : "them"} first (everyone is refunded and told), or pause the activity instead.`,
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

