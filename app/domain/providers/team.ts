// A provider's team: who can sign in for it (managers and door staff), who is invited, and removing someone.
import type { Db } from "~/lib/db.server";
import type { Role } from "~/generated/prisma/enums";
import { recordAudit } from "../audit";
import { DomainError } from "../errors";
import { createInvitation, pendingInvitations, revokeInvitation, ROLE_NAMES } from "../identity/invitations";

export const TEAM_ROLES = ["PROVIDER_MANAGER", "DOOR_STAFF"] as const satisfies Role[];
export type TeamRole = (typeof TEAM_ROLES)[number];

export async function providerTeam(db: Db, input: { providerId: string; now?: Date }) {
  const [provider, members, invitations] = await Promise.all([
    db.provider.findUniqueOrThrow({ where: { id: input.providerId }, select: { name: true } }),
    db.membership.findMany({
      where: { providerId: input.providerId, role: { in: [...TEAM_ROLES] } },
      select: { id: true, role: true, createdAt: true, user: { select: { id: true, displayName: true, email: true, phone: true } } },
      orderBy: [{ role: "asc" }, { createdAt: "asc" }],
    }),
    pendingInvitations(db, { scope: { providerId: input.providerId }, now: input.now }),
  ]);
  return {
    providerName: provider.name,
    members: members.map((m) => ({
      membershipId: m.id,
      userId: m.user.id,
      name: m.user.displayName,
      contact: m.user.email ?? m.user.phone ?? "",
      role: m.role,
      roleName: ROLE_NAMES[m.role] ?? m.role,
      since: m.createdAt,
    })),
    invitations,
  };
}

export async function inviteStaff(db: Db, input: { providerId: string; email: string; role: TeamRole; invitedBy: { userId: string; name: string }; now?: Date }) {
  return createInvitation(db, { email: input.email, role: input.role, scope: { providerId: input.providerId }, invitedBy: input.invitedBy, now: input.now });
}

export async function withdrawStaffInvitation(db: Db, input: { providerId: string; invitationId: string; actorUserId: string }) {
  return revokeInvitation(db, { invitationId: input.invitationId, scope: { providerId: input.providerId }, actorUserId: input.actorUserId });
}

/** Removes someone from the team; their next request no longer reaches the provider. The last manager stays. */
export async function removeTeamMember(db: Db, input: { providerId: string; membershipId: string; actorUserId: string }) {
  return db.$transaction(async (tx) => {
    // Managers of one provider are changed one at a time, so two managers cannot remove each other at once.
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext('provider-team'), hashtext(${input.providerId}))`;
    const membership = await tx.membership.findFirst({
      where: { id: input.membershipId, providerId: input.providerId, role: { in: [...TEAM_ROLES] } },
      select: { id: true, role: true, userId: true },
    });
    if (!membership) throw new DomainError("NOT_FOUND", "That person is not in your team.");
    if (membership.role === "PROVIDER_MANAGER") {
      const managers = await tx.membership.count({ where: { providerId: input.providerId, role: "PROVIDER_MANAGER" } });
      if (managers <= 1) throw new DomainError("LAST_MANAGER", "You cannot remove the only manager. Invite another manager first.");
    }
    await tx.membership.delete({ where: { id: membership.id } });
    await recordAudit(tx, {
      actorUserId: input.actorUserId,
      action: "team.member-removed",
      entityType: "Membership",
      entityId: membership.id,
      data: { providerId: input.providerId, role: membership.role, userId: membership.userId },
    });
    return { removed: true, self: membership.userId === input.actorUserId };
  });
}
