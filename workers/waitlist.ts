// Queue "waitlist": offers freed places to the first in line, and passes unanswered offers to the next.
import type { Processor, RepeatOptions } from "bullmq";
import { getDb } from "~/lib/db.server";
import { QUEUES, type Payload } from "~/lib/queues.server";
import { expireOffers, offerFreedPlacesForSlot } from "~/domain/booking";

export const queue = QUEUES.waitlist;

/** Job schedulers (BullMQ 6): every minute, so an offer lasts at most a minute past its time; each run is idempotent. */
export const schedules: { id: string; repeat: Omit<RepeatOptions, "key">; data: Payload<"waitlist"> }[] = [
  { id: "expire-waitlist-offers", repeat: { every: 60_000 }, data: { task: "expire-offers" } },
];

export const processJob: Processor = async (job) => {
  const payload = queue.payload.parse(job.data);
  const now = new Date();
  switch (payload.task) {
    case "offer-freed-places":
      return { offered: await offerFreedPlacesForSlot(getDb(), { slotId: payload.slotId, now }) };
    case "expire-offers":
      return expireOffers(getDb(), { now });
  }
};
