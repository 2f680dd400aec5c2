// Handing a recorded BackgroundJob to the worker, for the council pages that start one.
import { councilJobId } from "~/domain/programmes";
import { logger } from "~/lib/logger.server";
import { enqueue } from "~/lib/queues.server";

/**
 * Enqueues the job after its row is committed. If Redis cannot take it now, the page still shows the job
 * (waiting to start) and the worker's sweep sends it from the database within a minute or two.
 */
export async function startInBackground(backgroundJobId: string) {
  await enqueue("council-jobs", councilJobId(backgroundJobId), { task: "run", backgroundJobId }).catch((error: unknown) => {
    logger.warn({ backgroundJobId, error: error instanceof Error ? error.message : String(error) }, "council job left for the sweep to send");
  });
}
