// A provider's venues: where activities happen, with their address and access features.
import type { Db } from "~/lib/db.server";
import { recordAudit } from "../audit";
import { DomainError } from "../errors";
import type { VenueInput } from "./forms";

export { ACCESSIBILITY_LABELS, accessibilityFeaturesSchema, venueSchema, type VenueInput } from "./forms";
import { requireUuid } from "./ids";



export type ProviderActor = { userId: string; providerId: string };

export async function listVenues(db: Db, providerId: string) {
  const venues = await db.venue.findMany({
    where: { providerId },
    orderBy: { createdAt: "asc" },
    select: { id: true, name: true, addressLine1: true, town: true, postcode: true, accessibilityFeatures: true, _count: { select: { activities: { where: { status: { not: "ARCHIVED" } } } } } },
  });
  return venues.map(({ _count, ...venue }) => ({ ...venue, activities: _count.activities }));
}

/** One of the provider's venues; another provider's is not found. */
export async function getVenue(db: Db, providerId: string, venueId: string) {
  const venue = await db.venue.findFirst({
    where: { id: requireUuid(venueId, "that venue"), providerId },
    select: { id: true, name: true, addressLine1: true, town: true, postcode: true, accessibilityFeatures: true },
  });
  if (!venue) throw new DomainError("NOT_FOUND", "We could not find that venue.");
  return venue;
}

export async function createVenue(db: Db, actor: ProviderActor, input: VenueInput) {
  return db.$transaction(async (tx) => {
    const venue = await tx.venue.create({ data: { providerId: actor.providerId, ...input }, select: { id: true } });
    await recordAudit(tx, { actorUserId: actor.userId, action: "venue.created", entityType: "Venue", entityId: venue.id, data: { name: input.name } });
    return venue;
  });
}

export async function updateVenue(db: Db, actor: ProviderActor, venueId: string, input: VenueInput) {
  return db.$transaction(async (tx) => {
    const changed = await tx.venue.updateMany({ where: { id: requireUuid(venueId, "that venue"), providerId: actor.providerId }, data: input });
    if (changed.count === 0) throw new DomainError("NOT_FOUND", "We could not find that venue.");
    await recordAudit(tx, { actorUserId: actor.userId, action: "venue.updated", entityType: "Venue", entityId: venueId, data: { name: input.name } });
    return { id: venueId };
  });
}
