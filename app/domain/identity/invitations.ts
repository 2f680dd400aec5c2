// Invitations to join a provider's team or a council's officers: a one-off link by email, stored only as a
// hash, expiring, used once, revocable. Accepting it (after signing in to the invited email) creates the membership.
import { createHash, randomBytes } from "node:crypto";
import { isUniqueViolation, type Db, type DbTx } from "~/lib/db.server";
import { getEnv } from "~/lib/env.server";
import type { Role } from "~/generated/prisma/enums";
import { recordAudit } from "../audit";
import { DomainError } from "../errors";
import { queueMessage } from "../notifications/messages";
import { normaliseContact } from "./contact";
import { requestSignInCode } from "./sign-in";

export const INVITATION_DAYS = 7;
/** 32 random bytes: 256 bits, so a link cannot be guessed; only its SHA-256 is stored. */
export const INVITATION_TOKEN_BITS = 256;
const DAY = 24 * 60 * 60 * 1000;

export type InvitationScope = { providerId: string; councilId?: never } | { councilId: string; providerId?: never };

export const ROLES_BY_SCOPE = {
  provider: ["PROVIDER_MANAGER", "DOOR_STAFF"],
  council: ["OFFICER", "FINANCE_OFFICER"],
} as const satisfies Record<string, Role[]>;

export const ROLE_NAMES: Partial<Record<Role, string>> = {
  PROVIDER_MANAGER: "manager",
  DOOR_STAFF: "door staff",
  OFFICER: "officer",
  FINANCE_OFFICER: "finance officer",
};

export function hashInvitationToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

function scopeWhere(scope: InvitationScope) {
  return scope.providerId ? { providerId: scope.providerId } : { councilId: scope.councilId! };
}

async function scopeName(db: DbTx, scope: { providerId?: string | null; councilId?: string | null }): Promise<string> {
  if (scope.providerId) return (await db.provider.findUniqueOrThrow({ where: { id: scope.providerId }, select: { name: true } })).name;
  return (await db.council.findUniqueOrThrow({ where: { id: scope.councilId! }, select: { name: true } })).name;
}

/**
 * Invites an email address to a role. A pending invitation to the same address and place is withdrawn,
 * so only the newest link works. Returns the link (to show once) and the queued message's id.
 */
export async function createInvitation(
  db: Db,
  input: { email: string; role: Role; scope: InvitationScope; invitedBy: { userId: string; name: string }; now?: Date },
) {
  const now = input.now ?? new Date();
  const contact = normaliseContact(input.email);
  if (contact?.kind !== "email") throw new DomainError("INVALID_INPUT", "Enter an email address like name@example.com.", "email");
  const allowed: readonly Role[] = input.scope.providerId ? ROLES_BY_SCOPE.provider : ROLES_BY_SCOPE.council;
  if (!allowed.includes(input.role)) throw new DomainError("INVALID_INPUT", "Choose one of the roles listed.", "role");

  const existing = await db.membership.findFirst({
    where: { ...scopeWhere(input.scope), role: { in: [...allowed] }, user: { email: contact.value } },
    select: { id: true },
  });
  if (existing) throw new DomainError("INVALID_INPUT", `${contact.value} is already in the team.`, "email");

  const token = randomBytes(INVITATION_TOKEN_BITS / 8).toString("base64url");
  const link = `${getEnv().APP_URL.replace(/\/$/, "")}/invitations/${token}`;
  return db.$transaction(async (tx) => {
    await tx.invitation.updateMany({
      where: { ...scopeWhere(input.scope), email: contact.value, acceptedAt: null, revokedAt: null },
      data: { revokedAt: now },
    });
    const invitation = await tx.invitation.create({
      data: {
        email: contact.value,
        role: input.role,
        providerId: input.scope.providerId ?? null,
        councilId: input.scope.councilId ?? null,
        tokenHash: hashInvitationToken(token),
        invitedByUserId: input.invitedBy.userId,
        expiresAt: new Date(now.getTime() + INVITATION_DAYS * DAY),
      },
      select: { id: true, email: true, role: true, expiresAt: true },
    });
    const place = await scopeName(tx, input.scope);
    const messageId = await queueMessage(tx, { email: contact.value }, {
      template: "team-invitation",
      subject: `Join ${place} on Playpass`,
      body:
        `${input.invitedBy.name} has invited you to join ${place} on Playpass as ${ROLE_NAMES[input.role]}.\n\n` +
        `Open this link within ${INVITATION_DAYS} days to accept: ${link}\n\n` +
        `You will sign in with a code sent to this email address. If you were not expecting this, ignore it.`,
      sensitive: true,
    });
    await recordAudit(tx, {
      councilId: input.scope.councilId ?? null,
      actorUserId: input.invitedBy.userId,
      action: "invitation.created",
      entityType: "Invitation",
      entityId: invitation.id,
      data: { role: input.role, providerId: input.scope.providerId ?? null },
    });
    return { invitation, link, messageId };
  });
}

export type InvitationView = {
  id: string;
  email: string;
  role: Role;
  roleName: string;
  providerId: string | null;
  councilId: string | null;
  placeName: string;
  expiresAt: Date;
  /** Whether the invited address already has an account (then no name is asked for). */
  hasAccount: boolean;
};

/** The invitation a link stands for, if it can still be accepted; otherwise why not, in words. */
export async function findInvitation(db: DbTx, input: { token: string; now?: Date }): Promise<InvitationView> {
  const now = input.now ?? new Date();
  const invitation = input.token
    ? await db.invitation.findUnique({ where: { tokenHash: hashInvitationToken(input.token) } })
    : null;
  if (!invitation) throw new DomainError("INVITATION_UNKNOWN", "This invitation link is not right. Check you copied all of it, or ask for a new invitation.");
  if (invitation.acceptedAt) throw new DomainError("INVITATION_USED", "This invitation has already been accepted. Sign in to continue.");
  if (invitation.revokedAt) throw new DomainError("INVITATION_REVOKED", "This invitation has been withdrawn. Ask the person who invited you for a new one.");
  if (invitation.expiresAt <= now) throw new DomainError("INVITATION_EXPIRED", "This invitation has expired. Ask the person who invited you to send a new one.");
  const account = await db.user.findUnique({ where: { email: invitation.email }, select: { id: true } });
  return {
    id: invitation.id,
    email: invitation.email,
    role: invitation.role,
    roleName: ROLE_NAMES[invitation.role] ?? invitation.role,
    providerId: invitation.providerId,
    councilId: invitation.councilId,
    placeName: await scopeName(db, invitation),
    expiresAt: invitation.expiresAt,
    hasAccount: account !== null,
  };
}

/**
 * Sends a sign-in code to the invited address, creating its account (with the name given) when it has none:
 * the link reached that inbox, and the code proves it again before anything is joined.
 */
export async function sendInvitationSignInCode(db: Db, input: { token: string; displayName?: string; now?: Date }) {
  const invitation = await findInvitation(db, input);
  if (!invitation.hasAccount) {
    const displayName = input.displayName?.trim() ?? "";
    if (!displayName) throw new DomainError("INVALID_INPUT", "Enter your name, as your team will see it.", "displayName");
    try {
      await db.user.create({ data: { email: invitation.email, displayName } });
    } catch (error) {
      // Two tabs at once: the other one made the account.
      if (!isUniqueViolation(error)) throw error;
    }
  }
  const messageId = await requestSignInCode(db, { kind: "email", value: invitation.email }, input.now);
  return { email: invitation.email, messageId };
}

/** Accepts the invitation for the signed-in user: once, only by the invited address. Returns where they now belong. */
export async function acceptInvitation(db: Db, input: { token: string; userId: string; now?: Date }) {
  const now = input.now ?? new Date();
  return db.$transaction(async (tx) => {
    const invitation = await findInvitation(tx, { token: input.token, now });
    const user = await tx.user.findUniqueOrThrow({ where: { id: input.userId }, select: { email: true } });
    if (user.email !== invitation.email) {
      throw new DomainError(
        "INVITATION_WRONG_ACCOUNT",
        `This invitation is for ${invitation.email}, but you are signed in with another account. Sign out, then open the link again.`,
      );
    }
    // The claim: of two accepts at once, one changes the row and the other finds it used.
    const claimed = await tx.invitation.updateMany({
      where: { id: invitation.id, acceptedAt: null, revokedAt: null, expiresAt: { gt: now } },
      data: { acceptedAt: now },
    });
    if (claimed.count === 0) throw new DomainError("INVITATION_USED", "This invitation has already been accepted. Sign in to continue.");
    const already = await tx.membership.findFirst({
      where: { userId: input.userId, role: invitation.role, providerId: invitation.providerId, councilId: invitation.councilId, youngPersonId: null },
      select: { id: true },
    });
    if (!already) {
      await tx.membership.create({
        data: { userId: input.userId, role: invitation.role, providerId: invitation.providerId, councilId: invitation.councilId },
      });
    }
    await recordAudit(tx, {
      councilId: invitation.councilId,
      actorUserId: input.userId,
      action: "invitation.accepted",
      entityType: "Invitation",
      entityId: invitation.id,
      data: { role: invitation.role, providerId: invitation.providerId },
    });
    return { role: invitation.role, providerId: invitation.providerId, councilId: invitation.councilId, placeName: invitation.placeName };
  });
}

/** Withdraws a pending invitation of this place; an accepted one stays (remove the member instead). */
export async function revokeInvitation(db: Db, input: { invitationId: string; scope: InvitationScope; actorUserId: string; now?: Date }) {
  const revoked = await db.invitation.updateMany({
    where: { id: input.invitationId, ...scopeWhere(input.scope), acceptedAt: null, revokedAt: null },
    data: { revokedAt: input.now ?? new Date() },
  });
  if (revoked.count === 0) throw new DomainError("NOT_FOUND", "That invitation is not waiting any more.");
  return { revoked: true };
}

/** Invitations of a place still waiting to be accepted, newest first. */
export async function pendingInvitations(db: DbTx, input: { scope: InvitationScope; now?: Date }) {
  const rows = await db.invitation.findMany({
    where: { ...scopeWhere(input.scope), acceptedAt: null, revokedAt: null, expiresAt: { gt: input.now ?? new Date() } },
    select: { id: true, email: true, role: true, expiresAt: true, createdAt: true },
    orderBy: { createdAt: "desc" },
  });
  return rows.map((row) => ({ ...row, roleName: ROLE_NAMES[row.role] ?? row.role }));
}
