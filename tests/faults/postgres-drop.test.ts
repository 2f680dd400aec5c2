// RELIABILITY 1-5 under a fault: the PostgreSQL backend of a booking's transaction is killed while the booking waits
// on a lock. Nothing is half written, the young person is told plainly, the same request books once on retry, and
// the app's pool carries on with fresh connections.
import { randomUUID } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import type pg from "pg";
import { getDb } from "~/lib/db.server";
import { bookSlot } from "~/domain/booking";
import { action as activityAction } from "~/routes/activities.$activityId";
import { createScene, createYoungPerson } from "../factories";
import { expectDomainError, expectLedgerOk, holdBalance, placesTaken, walletBalance } from "../helpers";
import { createMember, formRequest, routeArgs, signIn, unwrap } from "../support/actors";
import { sideConnection, waitingBackendPid } from "./support";

const db = () => getDb();
let side: pg.Client | undefined;

afterEach(async () => {
  await side?.query("ROLLBACK").catch(() => undefined);
  await side?.end().catch(() => undefined);
  side = undefined;
});

/**
 * Holds the slot's row lock from another connection, so the booking's UPDATE waits inside its transaction. The lock
 * every writer of a slot takes (NO KEY UPDATE): FOR UPDATE would also block the booking row's foreign-key check.
 */
async function lockSlot(slotId: string) {
  side = await sideConnection();
  await side.query("BEGIN");
  await side.query(`SELECT 1 FROM "Slot" WHERE id = $1 FOR NO KEY UPDATE`, [slotId]);
  return side;
}

/** Runs `book` while the slot is locked, kills the PostgreSQL backend of its transaction, then lets the lock go. */
async function withBackendKilled<T>(slotId: string, book: () => Promise<T>): Promise<T> {
  const lock = await lockSlot(slotId);
  const attempt = book();
  // Settled either way here, so an early failure cannot go unobserved while we wait for the backend.
  const settled = attempt.then(() => undefined, () => undefined);
  const pid = await waitingBackendPid(lock, /UPDATE "Slot"/);
  const { rows } = await lock.query<{ killed: boolean }>("SELECT pg_terminate_backend($1) AS killed", [pid]);
  expect(rows[0]?.killed).toBe(true);
  await lock.query("ROLLBACK");
  await settled;
  return attempt;
}

describe("the database connection of a booking drops mid-transaction", () => {
  it("fails the booking with nothing written, then the same request books exactly once", async () => {
    const { council, programme, slot } = await createScene({ activity: { capacity: 3, pricePence: 600 } });
    const { youngPerson, allocation } = await createYoungPerson({ programmeId: programme.id, allocationPence: 1_000 });
    const request = { youngPersonId: youngPerson.id, slotId: slot.id, requestKey: randomUUID() };

    await expectDomainError(
      withBackendKilled(slot.id, () => bookSlot(db(), request)),
      "TRY_AGAIN",
      /nothing was taken from your pass/,
    );
    // Rolled back whole: no booking, no hold account, no transfer, the place and the credit untouched.
    expect(await db().booking.count({ where: { slotId: slot.id } })).toBe(0);
    expect(await db().transfer.count({ where: { councilId: council.id, kind: "BOOK" } })).toBe(0);
    expect(await placesTaken(slot.id)).toBe(0);
    expect(await walletBalance(allocation!.id)).toBe(1_000);
    await expectLedgerOk(council.id);

    // The pool hands out a fresh connection; the retry (same request key) books once, and a repeat is that booking.
    const booked = await bookSlot(db(), request);
    expect(booked.created).toBe(true);
    const again = await bookSlot(db(), request);
    expect(again).toEqual({ ...booked, created: false });
    expect(await placesTaken(slot.id)).toBe(1);
    expect(await walletBalance(allocation!.id)).toBe(400);
    expect(await holdBalance(booked.id)).toBe(600);
    await expectLedgerOk(council.id);
  });

  it("tells the young person on the booking page that nothing was taken, and their retry books once", async () => {
    const { council, programme, activity, slot } = await createScene({ activity: { capacity: 1, pricePence: 250 } });
    const { youngPerson, allocation } = await createYoungPerson({ programmeId: programme.id, allocationPence: 1_000 });
    const cookie = await signIn((await createMember("YOUNG_PERSON", { youngPersonId: youngPerson.id })).id);
    const fields = { intent: "book", slotId: slot.id, requestKey: randomUUID() };
    const post = () => activityAction(routeArgs(formRequest(`/activities/${activity.id}`, fields, { cookie }), { activityId: activity.id }));

    const reply = unwrap<{ error?: string }>(await withBackendKilled(slot.id, post));
    expect(reply.status).toBe(503);
    expect(reply.data.error).toBe("We could not book this just now and nothing was taken from your pass. Please try again.");

    // The page keeps the form (and its request key): sending it again books, and a double send is still one booking.
    const retried = await post().catch((thrown: unknown) => thrown);
    expect(retried).toBeInstanceOf(Response);
    expect((retried as Response).headers.get("Location")).toBe(`/young?booked=${activity.id}`);
    await post().catch(() => undefined);
    expect(await db().booking.count({ where: { slotId: slot.id, youngPersonId: youngPerson.id } })).toBe(1);
    expect(await placesTaken(slot.id)).toBe(1);
    expect(await walletBalance(allocation!.id)).toBe(750);
    await expectLedgerOk(council.id);
  });

  it("keeps serving other requests after several connections are killed at once", async () => {
    const { council, programme, slot } = await createScene({ activity: { capacity: 10, pricePence: 100 } });
    const people = await Promise.all([1, 2, 3].map(() => createYoungPerson({ programmeId: programme.id, allocationPence: 300 })));
    const lock = await lockSlot(slot.id);
    const attempts = people.map(({ youngPerson }) => bookSlot(db(), { youngPersonId: youngPerson.id, slotId: slot.id, requestKey: randomUUID() }));
    const settled = Promise.allSettled(attempts);
    const killed = new Set<number>();
    while (killed.size < people.length) {
      const pid = await waitingBackendPid(lock, /UPDATE "Slot"/, killed);
      await lock.query("SELECT pg_terminate_backend($1)", [pid]);
      killed.add(pid);
    }
    await lock.query("ROLLBACK");
    const outcomes = await settled;
    expect(outcomes.map((o) => (o.status === "rejected" ? (o.reason as { code?: string }).code : "booked"))).toEqual(["TRY_AGAIN", "TRY_AGAIN", "TRY_AGAIN"]);

    // Every killed connection is gone from the pool: the next bookings all go through.
    for (const { youngPerson } of people) await bookSlot(db(), { youngPersonId: youngPerson.id, slotId: slot.id, requestKey: randomUUID() });
    expect(await placesTaken(slot.id)).toBe(3);
    await expectLedgerOk(council.id);
  });
});
