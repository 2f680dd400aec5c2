// Bookings on a session that has already happened, as attendance reports and disputes find them.
import { randomUUID } from "node:crypto";
import { getDb } from "~/lib/db.server";
import { bookSlot } from "~/domain/booking";
import { createActivity, createProvider, createScene, createSlot, createYoungPerson, type SceneOptions } from "../factories";

const HOUR = 60 * 60_000;

/** A 500p session that ended `endedAgo` ms ago (two hours by default) with `count` bookings made before it started. */
export async function pastSession(count = 1, options: SceneOptions & { endedAgo?: number } = {}) {
  const endsAt = new Date(Date.now() - (options.endedAgo ?? 2 * HOUR));
  const scene = await createScene({
    ...options,
    activity: { pricePence: 500, ...options.activity },
    slot: { startsAt: new Date(endsAt.getTime() - HOUR), durationMinutes: 60 },
  });
  const people = [];
  for (let i = 0; i < count; i++) {
    const { youngPerson, allocation } = await createYoungPerson({ programmeId: scene.programme.id, allocationPence: 2_000 });
    const booking = await bookSlot(getDb(), { youngPersonId: youngPerson.id, slotId: scene.slot.id, requestKey: randomUUID(), now: new Date(scene.slot.startsAt.getTime() - 2 * HOUR) });
    people.push({ youngPerson, allocation: allocation!, booking });
  }
  return { ...scene, people };
}

/** A booking of the same council at a second provider's session, for codes that are not the first provider's. */
export async function otherProvidersBooking(scene: Awaited<ReturnType<typeof pastSession>>) {
  const { provider } = await createProvider({ councilId: scene.council.id });
  const activity = await createActivity({ providerId: provider.id, councilId: scene.council.id, pricePence: 300 });
  const slot = await createSlot({ activityId: activity.id, startsAt: scene.slot.startsAt });
  const { youngPerson } = await createYoungPerson({ programmeId: scene.programme.id, allocationPence: 2_000 });
  const booking = await bookSlot(getDb(), { youngPersonId: youngPerson.id, slotId: slot.id, requestKey: randomUUID(), now: new Date(slot.startsAt.getTime() - 2 * HOUR) });
  return { provider, booking };
}
