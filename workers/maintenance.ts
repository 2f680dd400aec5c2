// Queue "maintenance": scheduled housekeeping — ledger checks, the outbox sweeper, expired sessions, data retention.
import type { Processor } from "bullmq";
import { getDb } from "~/lib/db.server";
import { QUEUES, requeue } from "~/lib/queues.server";
import { logger } from "~/lib/logger.server";
import { verifyLedger } from "~/domain/ledger";
import { recordAudit } from "~/domain/audit";
import { runRetention } from "~/domain/privacy/retention";

export const queue = QUEUES.maintenance;

/** Job schedulers (BullMQ 6): upserted at every start; each run is idempotent, so duplicates are harmless. */
export const schedules = [
  { id: "verify-ledgers", repeat: { every: 60 * 60 * 1000 }, data: { task: "verify-ledgers" as const } },
  { id: "sweep-outbox", repeat: { every: 60 * 1000 }, data: { task: "sweep-outbox" as const } },
  { id: "expire-sessions", repeat: { every: 6 * 60 * 60 * 1000 }, data: { task: "expire-sessions" as const } },
  { id: "apply-retention", repeat: { pattern: "30 3 * * *", tz: "Europe/London" }, data: { task: "apply-retention" as const } },
];

export const processJob: Processor = async (job) => {
  const payload = queue.payload.parse(job.data);
  const db = getDb();
  switch (payload.task) {
    case "verify-ledgers": {
      const councils = await db.council.findMany({ select: { id: true } });
      let broken = 0;
      for (const council of councils) {
        const report = await verifyLedger(db, council.id);
        if (!report.ok) {
          broken += 1;
          logger.error({ councilId: council.id, violations: report.violations.slice(0, 20) }, "ledger invariant violated");
          await recordAudit(db, {
            councilId: council.id,
            action: "ledger.invariant_violated",
            entityType: "Council",
            entityId: council.id,
            data: { violations: report.violations.length, first: report.violations[0] ?? null },
          });
        }
      }
      return { councils: councils.length, broken };
    }
    case "sweep-outbox": {
      // Messages committed but not yet handed to the queue (the process died in between) are picked up here.
      const due = await db.message.findMany({
        where: { status: "PENDING", createdAt: { lt: new Date(Date.now() - 30_000) } },
        select: { id: true },
        take: 500,
      });
      for (const message of due) await requeue("notifications", `message-${message.id}`, { messageId: message.id });
      return { requeued: due.length };
    }
    case "expire-sessions": {
      const now = new Date();
      const sessions = await db.session.deleteMany({ where: { expiresAt: { lt: now } } });
      const codes = await db.verification.deleteMany({ where: { expiresAt: { lt: new Date(now.getTime() - 24 * 60 * 60 * 1000) } } });
      return { sessions: sessions.count, codes: codes.count };
    }
    case "apply-retention":
      return runRetention(db);
  }
};
