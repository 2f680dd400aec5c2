// The waiting-list worker: a thin shell that validates its payload and calls the domain.
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { bookSlot, joinWaitlist } from "~/domain/booking";
import { processJob, schedules } from "../../workers/waitlist";
import { createScene, createYoungPeople } from "../factories";
import { fakeJob, useWorkerTestEnvironment } from "../support/workers";

useWorkerTestEnvironment();
const db = () => getDb();

describe("the waitlist worker", () => {
  it("offers a slot's free places to the people waiting when told about the slot, and sweeps every minute", async () => {
    const { programme, slot } = await createScene({ activity: { capacity: 1 } });
    const [booker, waiter] = await createYoungPeople(2, { programmeId: programme.id });
    await bookSlot(db(), { youngPersonId: booker!.youngPerson.id, slotId: slot.id, requestKey: "worker-test" });
    await joinWaitlist(db(), { youngPersonId: waiter!.youngPerson.id, slotId: slot.id });
    await db().slot.update({ where: { id: slot.id }, data: { capacity: 2 } });

    expect(await processJob(fakeJob({ task: "offer-freed-places", slotId: slot.id }))).toEqual({ offered: 1 });
    expect(await processJob(fakeJob({ task: "offer-freed-places", slotId: slot.id }))).toEqual({ offered: 0 });
    expect(await processJob(fakeJob({ task: "expire-offers" }))).toMatchObject({ expired: 0 });
    expect(schedules.map((s) => [s.id, s.repeat.every])).toEqual([["expire-waitlist-offers", 60_000]]);
  });

  it("refuses a payload that is not one of its tasks", async () => {
    await expect(processJob(fakeJob({ task: "offer-freed-places", slotId: "nope" }))).rejects.toThrow();
  });
});
