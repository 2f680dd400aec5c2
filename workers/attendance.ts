// Queue "attendance": matches each provider attendance report against bookings (after every upload), and a
// sweep that picks up reports whose job was lost between the upload's commit and its enqueue.
import type { Processor, RepeatOptions } from "bullmq";
import { UnrecoverableError } from "bullmq";
import { getDb } from "~/lib/db.server";
import { QUEUES, type Payload } from "~/lib/queues.server";
import { isDomainError } from "~/domain/errors";
import { processAttendanceReport, unprocessedReports } from "~/domain/reconciliation";
import { requeueAttendanceReport } from "~/domain/reconciliation/attendance";

export const queue = QUEUES.attendance;

const MINUTE = 60 * 1000;
const SWEEP_BATCH = 500;

export const schedules: { id: string; repeat: Omit<RepeatOptions, "key">; data: Payload<"attendance"> }[] = [
  { id: "sweep-received-reports", repeat: { every: 5 * MINUTE }, data: { task: "sweep-received" } },
];

export const processJob: Processor = async (job) => {
  const payload = queue.payload.parse(job.data);
  const db = getDb();
  switch (payload.task) {
    case "process-report":
      try {
        return await processAttendanceReport(db, { reportId: payload.reportId });
      } catch (error) {
        if (isDomainError(error, "NOT_FOUND")) throw new UnrecoverableError(`attendance report ${payload.reportId} does not exist`);
        throw error;
      }
    case "sweep-received": {
      // Older than a minute, so a report whose job is on its way is left to that job.
      const ids = await unprocessedReports(db, { olderThan: new Date(Date.now() - MINUTE), limit: SWEEP_BATCH });
      // requeue, not enqueue: a job that failed for good under the report's id is kept for weeks and would make an add a no-op.
      for (const id of ids) await requeueAttendanceReport(id);
      return { requeued: ids.length };
    }
  }
};
