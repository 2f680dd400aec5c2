// Activity photos: resized on upload (so a phone on poor data loads a small JPEG, and camera metadata such
// as location never leaves the provider's device), stored as files, shown with alt text.
import { unlink } from "node:fs/promises";
import path from "node:path";
import sharp from "sharp";
import type { Db } from "~/lib/db.server";
import { getEnv } from "~/lib/env.server";
import { storeFile } from "~/lib/uploads.server";
import { recordAudit } from "../audit";
import { DomainError } from "../errors";
import { requireUuid } from "./ids";
import { MAX_PHOTOS_PER_ACTIVITY, PHOTO_MAX_SIDE } from "./forms";
import type { ProviderActor } from "./venues";

export { MAX_PHOTOS_PER_ACTIVITY, PHOTO_MAX_SIDE, PHOTO_RULES, photoAltSchema } from "./forms";

/** A JPEG no larger than PHOTO_MAX_SIDE on its longest side, turned the right way up, without metadata. */
export async function resizePhoto(bytes: Uint8Array): Promise<{ bytes: Uint8Array; width: number; height: number }> {
  try {
    const { data, info } = await sharp(bytes, { limitInputPixels: 50_000_000, failOn: "error" })
      .rotate()
      .resize({ width: PHOTO_MAX_SIDE, height: PHOTO_MAX_SIDE, fit: "inside", withoutEnlargement: true })
      .flatten({ background: "#ffffff" })
      .jpeg({ quality: 78, mozjpeg: true })
      .toBuffer({ resolveWithObject: true });
    return { bytes: new Uint8Array(data), width: info.width, height: info.height };
  } catch {
    throw new DomainError("INVALID_INPUT", "We could not read that photo. Try saving it again as a JPEG or PNG.", "photo");
  }
}

/** Adds a resized photo to one of the provider's activities. */
export async function addActivityPhoto(
  db: Db,
  actor: ProviderActor,
  input: { activityId: string; bytes: Uint8Array; originalName: string; altText: string },
) {
  const activityId = requireUuid(input.activityId, "that activity");
  const activity = await db.activity.findFirst({ where: { id: activityId, providerId: actor.providerId }, select: { id: true, councilId: true, status: true } });
  if (!activity) throw new DomainError("NOT_FOUND", "We could not find that activity.");
  if (activity.status === "ARCHIVED") throw new DomainError("ACTIVITY_UNAVAILABLE", "This activity is archived and can no longer be changed.");
  const resized = await resizePhoto(input.bytes);
  let storedName: string | null = null;
  try {
    return await db.$transaction(async (tx) => {
      // Locks the activity so two uploads at once cannot both take the last place.
      await tx.$queryRaw`SELECT 1 FROM "Activity" WHERE "id" = ${activityId}::uuid FOR UPDATE`;
      const count = await tx.activityPhoto.count({ where: { activityId } });
      if (count >= MAX_PHOTOS_PER_ACTIVITY) {
        throw new DomainError("INVALID_INPUT", `An activity can have up to ${MAX_PHOTOS_PER_ACTIVITY} photos. Remove one to add another.`, "photo");
      }
      const file = await storeFile(tx, {
        bytes: resized.bytes,
        type: "jpeg",
        originalName: input.originalName.replace(/\.[A-Za-z0-9]+$/, "") + ".jpg",
        kind: "ACTIVITY_PHOTO",
        providerId: actor.providerId,
        councilId: activity.councilId,
        uploadedByUserId: actor.userId,
      });
      storedName = file.storedName;
      const photo = await tx.activityPhoto.create({ data: { activityId, fileId: file.id, altText: input.altText, position: count }, select: { id: true, fileId: true } });
      await recordAudit(tx, { councilId: activity.councilId, actorUserId: actor.userId, action: "activity.photo_added", entityType: "Activity", entityId: activityId, data: { fileId: file.id } });
      return { ...photo, width: resized.width, height: resized.height, sizeBytes: resized.bytes.byteLength };
    });
  } catch (error) {
    if (storedName) await unlink(path.join(path.resolve(getEnv().UPLOAD_DIR), storedName)).catch(() => undefined);
    throw error;
  }
}

/** Takes a photo off an activity and deletes its file. */
export async function removeActivityPhoto(db: Db, actor: ProviderActor, input: { activityId: string; photoId: string }) {
  const photoId = requireUuid(input.photoId, "that photo");
  const activityId = requireUuid(input.activityId, "that activity");
  const removed = await db.$transaction(async (tx) => {
    const photo = await tx.activityPhoto.findFirst({
      where: { id: photoId, activityId, activity: { providerId: actor.providerId } },
      select: { id: true, fileId: true, file: { select: { storedName: true } }, activity: { select: { councilId: true } } },
    });
    if (!photo) throw new DomainError("NOT_FOUND", "We could not find that photo.");
    await tx.activityPhoto.delete({ where: { id: photo.id } });
    await tx.storedFile.delete({ where: { id: photo.fileId } });
    await recordAudit(tx, { councilId: photo.activity.councilId, actorUserId: actor.userId, action: "activity.photo_removed", entityType: "Activity", entityId: activityId, data: { fileId: photo.fileId } });
    return photo.file.storedName;
  });
  await unlink(path.join(path.resolve(getEnv().UPLOAD_DIR), removed)).catch(() => undefined);
  return { removed: true };
}
