// Audit trail: who did what to which record. Callers pass ids and reasons, never codes or bank details.
import type { DbTx } from "~/lib/db.server";

export type AuditInput = {
  councilId?: string | null;
  actorUserId?: string | null;
  action: string;
  entityType: string;
  entityId: string;
  data?: Record<string, string | number | boolean | null>;
};

export async function recordAudit(tx: DbTx, event: AuditInput) {
  await tx.auditEvent.create({
    data: {
      councilId: event.councilId ?? null,
      actorUserId: event.actorUserId ?? null,
      action: event.action,
      entityType: event.entityType,
      entityId: event.entityId,
      data: event.data ?? {},
    },
  });
}
