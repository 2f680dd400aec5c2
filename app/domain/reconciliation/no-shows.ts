// The scheduled side of no-shows: finds every confirmed booking past its no-show time and records it, once.
import type { Db } from "~/lib/db.server";
import { logger } from "~/lib/logger.server";
import { markNoShow, REDEEM_CLOSES_MINUTES_AFTER_END } from "../booking";

/**
 * Applies markNoShow (and so the programme's RELEASE or CHARGE policy) to up to `limit` CONFIRMED bookings
 * whose slot ended longer ago than noShowAfter allows: the grace period or the door's window, whichever is
 * later. markNoShow claims each booking with a conditional update, so overlapping sweeps record each once.
 * One booking failing does not stop the rest; its id is reported so the job can be retried.
 */
export async function sweepNoShows(db: Db, input: { now: Date; limit: number }) {
  // The same rule as noShowAfter in booking/windows.ts, in SQL so the limit only counts bookings that are due.
  const due = await db.$queryRaw<{ id: string }[]>`
    SELECT b."id"
    FROM "Booking" b
    JOIN "Slot" s ON s."id" = b."slotId"
    JOIN "Allocation" al ON al."id" = b."allocationId"
    JOIN "Programme" p ON p."id" = al."programmeId"
    WHERE b."status" = 'CONFIRMED'
      AND s."endsAt" + make_interval(mins => GREATEST(p."noShowGraceMinutes", ${REDEEM_CLOSES_MINUTES_AFTER_END}::int)) <= ${input.now}
    ORDER BY s."endsAt", b."id"
    LIMIT ${input.limit}`;
  let marked = 0;
  const failed: string[] = [];
  for (const { id } of due) {
    try {
      if ((await markNoShow(db, { bookingId: id, now: input.now })).changed) marked += 1;
    } catch (error) {
      failed.push(id);
      logger.error({ bookingId: id, error: error instanceof Error ? error.message : String(error) }, "no-show could not be recorded");
    }
  }
  return { due: due.length, marked, failed, more: due.length === input.limit };
}
