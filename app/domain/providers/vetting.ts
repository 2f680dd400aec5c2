// Vetting providers for a council's scheme: the checklist, approve, reject, suspend (future sessions cancelled
// and refunded) and reinstate. Every decision is audited and the provider is told.
import type { Db, DbTx } from "~/lib/db.server";
import type { VettingStatus } from "~/generated/prisma/enums";
import { recordAudit } from "../audit";
import { cancelSlot } from "../booking";
import { DomainError } from "../errors";
import { queueMessage } from "../notifications/messages";

/** What an officer checks before approving; every item must be ticked. */
export const CHECKLIST_ITEMS = [
  { key: "insurance", label: "Public liability insurance is in date and covers the activities (at least £5 million)" },
  { key: "safeguarding", label: "Safeguarding policy is in place and names a designated safeguarding lead" },
  { key: "dbs", label: "Staff and volunteers working with young people have enhanced DBS checks" },
  { key: "venue", label: "Venues are suitable and safe for young people, with a risk assessment" },
  { key: "firstAid", label: "A qualified first aider is present at every session" },
  { key: "organisation", label: "Organisation details (charity or company number, address, contact) are checked" },
] as const;

export type ChecklistKey = (typeof CHECKLIST_ITEMS)[number]["key"];
export type Checklist = Record<ChecklistKey, boolean>;

export type VettingActor = { userId: string };
type Target = { councilId: string; providerId: string };

export const VETTING_DOCUMENT_KINDS = ["SAFEGUARDING_POLICY", "PUBLIC_LIABILITY_INSURANCE"] as const;

/** A stored checklist as booleans per known item; anything else in the JSON is ignored. */
export function readChecklist(value: unknown): Checklist {
  const source = typeof value === "object" && value !== null ? (value as Record<string, unknown>) : {};
  return Object.fromEntries(CHECKLIST_ITEMS.map((item) => [item.key, source[item.key] === true])) as Checklist;
}

export function checklistComplete(checklist: Checklist): boolean {
  return CHECKLIST_ITEMS.every((item) => checklist[item.key]);
}

/** A vetting status in the words officers read. */
export const VETTING_STATUS_WORDS: Record<VettingStatus, string> = {
  APPLIED: "Waiting to be vetted",
  APPROVED: "Approved",
  REJECTED: "Rejected",
  SUSPENDED: "Suspended",
};

const STATUS_ORDER: Record<VettingStatus, number> = { APPLIED: 0, SUSPENDED: 1, APPROVED: 2, REJECTED: 3 };

/** Every provider that has applied to the council: applications waiting first, oldest first. */
export async function listProvidersForVetting(db: Db, councilId: string) {
  const rows = await db.providerCouncil.findMany({
    where: { councilId },
    select: {
      status: true,
      createdAt: true,
      decidedAt: true,
      checklist: true,
      provider: {
        select: {
          id: true,
          name: true,
          organisationType: true,
          town: true,
          categories: true,
          _count: { select: { files: { where: { kind: { in: [...VETTING_DOCUMENT_KINDS] } } } } },
        },
      },
    },
    orderBy: { createdAt: "asc" },
  });
  return rows
    .map((row) => {
      const checklist = readChecklist(row.checklist);
      return {
        providerId: row.provider.id,
        name: row.provider.name,
        organisationType: row.provider.organisationType,
        town: row.provider.town,
        categories: row.provider.categories,
        status: row.status,
        appliedAt: row.createdAt.toISOString(),
        decidedAt: row.decidedAt?.toISOString() ?? null,
        checksDone: CHECKLIST_ITEMS.filter((item) => checklist[item.key]).length,
        documents: row.provider._count.files,
      };
    })
    .sort((a, b) => STATUS_ORDER[a.status] - STATUS_ORDER[b.status]);
}

/** One provider as the council sees it for vetting; another council's provider is not found. */
export async function getProviderVetting(db: Db, input: Target & { now?: Date }) {
  const now = input.now ?? new Date();
  const link = await db.providerCouncil.findUnique({
    where: { providerId_councilId: { providerId: input.providerId, councilId: input.councilId } },
    include: { provider: true },
  });
  if (!link) throw new DomainError("NOT_FOUND", "We could not find that provider.");
  const { provider } = link;
  const [documents, liveActivities, futureSlots, futureBookings, history] = await Promise.all([
    db.storedFile.findMany({
      where: { providerId: provider.id, kind: { in: [...VETTING_DOCUMENT_KINDS] } },
      select: { id: true, kind: true, originalName: true, sizeBytes: true, createdAt: true },
      orderBy: { createdAt: "desc" },
    }),
    db.activity.count({ where: { providerId: provider.id, councilId: input.councilId, status: "LIVE" } }),
    db.slot.count({ where: { status: "SCHEDULED", startsAt: { gt: now }, activity: { providerId: provider.id, councilId: input.councilId } } }),
    db.booking.count({
      where: { councilId: input.councilId, status: "CONFIRMED", slot: { startsAt: { gt: now }, activity: { providerId: provider.id } } },
    }),
    db.auditEvent.findMany({
      where: { councilId: input.councilId, entityType: "Provider", entityId: provider.id },
      select: { id: true, action: true, actorUserId: true, data: true, createdAt: true },
      orderBy: { createdAt: "desc" },
      take: 20,
    }),
  ]);
  const actorIds = [...new Set(history.map((h) => h.actorUserId).filter((id): id is string => id !== null))];
  const actors = new Map((await db.user.findMany({ where: { id: { in: actorIds } }, select: { id: true, displayName: true } })).map((u) => [u.id, u.displayName]));
  return {
    provider: {
      id: provider.id,
      name: provider.name,
      organisationType: provider.organisationType,
      registrationNumber: provider.registrationNumber,
      website: provider.website,
      description: provider.description,
      contactName: provider.contactName,
      contactEmail: provider.contactEmail,
      contactPhone: provider.contactPhone,
      address: [provider.addressLine1, provider.town, provider.postcode].filter(Boolean).join(", "),
      categories: provider.categories,
    },
    status: link.status,
    rejectionReason: link.rejectionReason,
    suspensionReason: link.suspensionReason,
    checklist: readChecklist(link.checklist),
    appliedAt: link.createdAt.toISOString(),
    decidedAt: link.decidedAt?.toISOString() ?? null,
    documents: documents.map((d) => ({ ...d, createdAt: d.createdAt.toISOString() })),
    liveActivities,
    futureSlots,
    futureBookings,
    history: history.map((h) => ({
      id: String(h.id),
      action: h.action,
      by: h.actorUserId ? (actors.get(h.actorUserId) ?? "Someone") : "Playpass",
      reason: typeof (h.data as Record<string, unknown>)?.reason === "string" ? ((h.data as Record<string, unknown>).reason as string) : null,
      at: h.createdAt.toISOString(),
    })),
  };
}

/** Saves the officer's ticks; the checklist can be kept up to date at any stage. */
export async function saveChecklist(db: Db, actor: VettingActor, input: Target & { checklist: Checklist }) {
  return db.$transaction(async (tx) => {
    const link = await lockLink(tx, input);
    const before = readChecklist(link.checklist);
    await tx.providerCouncil.update({
      where: { providerId_councilId: { providerId: input.providerId, councilId: input.councilId } },
      data: { checklist: input.checklist },
    });
    await recordAudit(tx, {
      councilId: input.councilId,
      actorUserId: actor.userId,
      action: "provider.checklist_saved",
      entityType: "Provider",
      entityId: input.providerId,
      data: { before: summarise(before), after: summarise(input.checklist) },
    });
    return { checklist: input.checklist };
  });
}

/** Approves an application (or a rejected provider that has put things right) once every check is ticked. */
/**
 * Approves an application, or reconsiders a rejection. `seenStatus` is what the officer's page showed: when
 * another officer decided in the meantime (two at once, one approving and one rejecting), the approval is
 * refused rather than silently overturning a rejection the provider has just been told about.
 */
export async function approveProvider(db: Db, actor: VettingActor, input: Target & { checklist: Checklist; seenStatus?: "APPLIED" | "REJECTED"; now?: Date }) {
  if (!checklistComplete(input.checklist)) {
    const missing = CHECKLIST_ITEMS.filter((item) => !input.checklist[item.key]).length;
    throw new DomainError("CHECKLIST_INCOMPLETE", `Tick every check before approving: ${missing} ${missing === 1 ? "is" : "are"} not done yet.`, "checklist");
  }
  const now = input.now ?? new Date();
  return db.$transaction(async (tx) => {
    const link = await lockLink(tx, input);
    if (link.status !== "APPLIED" && link.status !== "REJECTED") throw cannot(link.status, "approve");
    if (input.seenStatus && link.status !== input.seenStatus) throw cannot(link.status, "approve");
    await tx.providerCouncil.update({
      where: { providerId_councilId: { providerId: input.providerId, councilId: input.councilId } },
      data: { status: "APPROVED", checklist: input.checklist, rejectionReason: null, decidedAt: now, decidedByUserId: actor.userId },
    });
    await tell(tx, link, {
      template: "provider-approved",
      subject: `You are approved for Playpass in ${link.council.name}`,
      body: `Good news: ${link.council.name} has approved ${link.provider.name} for Playpass. Your live activities can now be booked by young people, and you can take Playpass at the door.`,
    });
    await recordAudit(tx, {
      councilId: input.councilId,
      actorUserId: actor.userId,
      action: "provider.approved",
      entityType: "Provider",
      entityId: input.providerId,
      data: { before: link.status, after: "APPROVED", checklist: summarise(input.checklist) },
    });
    return { status: "APPROVED" as const };
  });
}

/** Turns an application down, telling the provider why. */
export async function rejectProvider(db: Db, actor: VettingActor, input: Target & { reason: string; now?: Date }) {
  const reason = requireReason(input.reason);
  const now = input.now ?? new Date();
  return db.$transaction(async (tx) => {
    const link = await lockLink(tx, input);
    if (link.status !== "APPLIED") throw cannot(link.status, "reject");
    await tx.providerCouncil.update({
      where: { providerId_councilId: { providerId: input.providerId, councilId: input.councilId } },
      data: { status: "REJECTED", rejectionReason: reason, decidedAt: now, decidedByUserId: actor.userId },
    });
    await tell(tx, link, {
      template: "provider-rejected",
      subject: `Your Playpass application to ${link.council.name}`,
      body: `${link.council.name} cannot approve ${link.provider.name} for Playpass yet. The reason: ${reason} You can reply to the council to put this right and ask them to look again.`,
    });
    await recordAudit(tx, {
      councilId: input.councilId,
      actorUserId: actor.userId,
      action: "provider.rejected",
      entityType: "Provider",
      entityId: input.providerId,
      data: { before: link.status, after: "REJECTED", reason },
    });
    return { status: "REJECTED" as const };
  });
}

// Young people are told their session is cancelled, never the officer's reason (it may be a safeguarding matter).
const REASON_FOR_YOUNG_PEOPLE = "the provider cannot run Playpass sessions at the moment";

/**
 * Suspends an approved provider: nothing of theirs can be booked from this moment, their live activities are
 * hidden, and every future session is cancelled with each booking refunded and its young person told. Running it
 * again on a suspended provider finishes cancelling any session left over (say, after a crash half way).
 */
export async function suspendProvider(db: Db, actor: VettingActor, input: Target & { reason: string; now?: Date }) {
  const reason = requireReason(input.reason);
  const now = input.now ?? new Date();
  await db.$transaction(async (tx) => {
    const link = await lockLink(tx, input);
    if (link.status === "SUSPENDED") return;
    if (link.status !== "APPROVED") throw cannot(link.status, "suspend");
    await tx.providerCouncil.update({
      where: { providerId_councilId: { providerId: input.providerId, councilId: input.councilId } },
      data: { status: "SUSPENDED", suspensionReason: reason, decidedAt: now, decidedByUserId: actor.userId },
    });
    const paused = await tx.activity.updateManyAndReturn({
      where: { providerId: input.providerId, councilId: input.councilId, status: "LIVE" },
      data: { status: "PAUSED" },
      select: { id: true },
    });
    await tell(tx, link, {
      template: "provider-suspended",
      subject: `Playpass in ${link.council.name} is suspended for ${link.provider.name}`,
      body: `${link.council.name} has suspended ${link.provider.name} from Playpass. The reason: ${reason} Your activities are hidden and your future Playpass sessions are cancelled; the young people booked on them get their credit back and are told. Contact the council to talk about this.`,
    });
    await recordAudit(tx, {
      councilId: input.councilId,
      actorUserId: actor.userId,
      action: "provider.suspended",
      entityType: "Provider",
      entityId: input.providerId,
      // Kept so reinstating brings back exactly the activities this suspension hid.
      data: { before: link.status, after: "SUSPENDED", reason, pausedActivityIds: paused.map((a) => a.id).join(",") },
    });
  });

  // Each session is cancelled in its own transaction by the booking module (refunds, places, messages).
  const slots = await db.slot.findMany({
    where: { status: "SCHEDULED", startsAt: { gt: now }, activity: { providerId: input.providerId, councilId: input.councilId } },
    select: { id: true },
    orderBy: { startsAt: "asc" },
  });
  let refundedBookings = 0;
  for (const slot of slots) {
    const result = await cancelSlot(db, { slotId: slot.id, providerId: input.providerId, reason: REASON_FOR_YOUNG_PEOPLE, actorUserId: actor.userId, now });
    refundedBookings += result.refundedBookings;
  }
  return { status: "SUSPENDED" as const, cancelledSlots: slots.length, refundedBookings };
}

/** Lifts a suspension: bookable again, and the activities the suspension hid are live again. */
export async function reinstateProvider(db: Db, actor: VettingActor, input: Target & { now?: Date }) {
  const now = input.now ?? new Date();
  return db.$transaction(async (tx) => {
    const link = await lockLink(tx, input);
    if (link.status !== "SUSPENDED") throw cannot(link.status, "reinstate");
    await tx.providerCouncil.update({
      where: { providerId_councilId: { providerId: input.providerId, councilId: input.councilId } },
      data: { status: "APPROVED", suspensionReason: null, decidedAt: now, decidedByUserId: actor.userId },
    });
    const suspension = await tx.auditEvent.findFirst({
      where: { councilId: input.councilId, entityType: "Provider", entityId: input.providerId, action: "provider.suspended" },
      orderBy: { id: "desc" },
      select: { data: true },
    });
    const hidden = String((suspension?.data as Record<string, unknown> | null)?.pausedActivityIds ?? "")
      .split(",")
      .filter(Boolean);
    const resumed = await tx.activity.updateMany({
      where: { id: { in: hidden }, providerId: input.providerId, councilId: input.councilId, status: "PAUSED" },
      data: { status: "LIVE" },
    });
    await tell(tx, link, {
      template: "provider-reinstated",
      subject: `Playpass in ${link.council.name} is open again for ${link.provider.name}`,
      body: `${link.council.name} has lifted the suspension of ${link.provider.name}. Your activities are live again; add new sessions for young people to book.`,
    });
    await recordAudit(tx, {
      councilId: input.councilId,
      actorUserId: actor.userId,
      action: "provider.reinstated",
      entityType: "Provider",
      entityId: input.providerId,
      data: { before: link.status, after: "APPROVED", resumedActivities: resumed.count },
    });
    return { status: "APPROVED" as const, resumedActivities: resumed.count };
  });
}

// Locks the council's vetting row so two officers deciding at once are decided one after the other.
async function lockLink(tx: DbTx, input: Target) {
  const locked = await tx.$queryRaw<{ providerId: string }[]>`
    SELECT "providerId" FROM "ProviderCouncil"
    WHERE "providerId" = ${input.providerId}::uuid AND "councilId" = ${input.councilId}::uuid FOR UPDATE`;
  if (locked.length === 0) throw new DomainError("NOT_FOUND", "We could not find that provider.");
  return tx.providerCouncil.findUniqueOrThrow({
    where: { providerId_councilId: { providerId: input.providerId, councilId: input.councilId } },
    include: {
      provider: { select: { name: true, contactEmail: true, contactPhone: true } },
      council: { select: { name: true } },
    },
  });
}

async function tell(
  tx: DbTx,
  link: { provider: { contactEmail: string; contactPhone: string | null } },
  message: { template: string; subject: string; body: string },
) {
  await queueMessage(tx, { email: link.provider.contactEmail, phone: link.provider.contactPhone }, message);
}

function requireReason(reason: string): string {
  const trimmed = reason.trim().replace(/\s+/g, " ");
  if (trimmed.length < 10) throw new DomainError("INVALID_INPUT", "Give the reason in a sentence the provider will understand (at least 10 characters).", "reason");
  if (trimmed.length > 1000) throw new DomainError("INVALID_INPUT", "Keep the reason under 1,000 characters.", "reason");
  return /[.!?]$/.test(trimmed) ? trimmed : `${trimmed}.`;
}

const VERBS: Record<VettingStatus, string> = { APPLIED: "waiting to be vetted", APPROVED: "approved", REJECTED: "rejected", SUSPENDED: "suspended" };

function cannot(status: VettingStatus, action: string): DomainError {
  return new DomainError("VETTING_STATE", `You cannot ${action} this provider: they are ${VERBS[status]}. Reload the page to see the latest.`);
}

function summarise(checklist: Checklist): string {
  return CHECKLIST_ITEMS.filter((item) => checklist[item.key])
    .map((item) => item.key)
    .join(",");
}
