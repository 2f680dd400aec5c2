// Who may read a stored file: the owning provider's staff, officers of a council the provider applied to or
// of the file's own council; anyone for photos of live activities. Everyone else is told it does not exist.
import type { Db } from "~/lib/db.server";
import type { Role } from "~/generated/prisma/enums";
import { isUuid } from "./ids";

export type FileViewer = { memberships: ReadonlyArray<{ role: Role; councilId: string | null; providerId: string | null }> } | null;

const PROVIDER_ROLES: Role[] = ["PROVIDER_MANAGER", "DOOR_STAFF"];
const OFFICER_ROLES: Role[] = ["OFFICER", "FINANCE_OFFICER"];

/** The file's record when the viewer may read it, or null (unknown and forbidden look the same). */
export async function findReadableFile(db: Db, viewer: FileViewer, fileId: string) {
  if (!isUuid(fileId)) return null;
  const file = await db.storedFile.findUnique({
    where: { id: fileId },
    select: {
      id: true,
      kind: true,
      councilId: true,
      providerId: true,
      originalName: true,
      storedName: true,
      contentType: true,
      provider: { select: { councils: { select: { councilId: true } } } },
      photos: { where: { activity: { status: "LIVE" } }, select: { id: true }, take: 1 },
    },
  });
  if (!file) return null;
  const isPublicPhoto = file.kind === "ACTIVITY_PHOTO" && file.photos.length > 0;
  const memberships = viewer?.memberships ?? [];
  const isProviderStaff = file.providerId !== null && memberships.some((m) => PROVIDER_ROLES.includes(m.role) && m.providerId === file.providerId);
  const officerCouncils = new Set(memberships.filter((m) => OFFICER_ROLES.includes(m.role) && m.councilId).map((m) => m.councilId!));
  const isOfficer =
    (file.councilId !== null && officerCouncils.has(file.councilId)) || (file.provider?.councils.some((link) => officerCouncils.has(link.councilId)) ?? false);
  if (!isPublicPhoto && !isProviderStaff && !isOfficer) return null;
  return { id: file.id, kind: file.kind, originalName: file.originalName, storedName: file.storedName, contentType: file.contentType, isPublicPhoto };
}
