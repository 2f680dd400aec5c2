// Queue "attendance": matches each provider attendance report against bookings (after every upload), and a
// sweep that picks up reports whose job was lost between the upload's commit and its enqueue.
import type { Processor, RepeatOptions } from "bullmq";
import { UnrecoverableError } from "bullmq";
import { getDb } from "~/lib/db.server";
import { QUEUES, type Payload } from "~/lib/queues.server";
import { isDomainError } from "~/domain/errors";
import { enqueueAttendanceReport, processAttendanceReport, unprocessedReports } from "~/domain/reconciliation";

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
      for (const id of ids) await enqueueAttendanceReport(id);
      return { requeued: ids.length };
    }
  }
};
