// The shape of a booking's work, which is what lets a popular session take bookings quickly: the checks in one
// read, a transaction of three statements, and the slot's row (the one every booking of the session wants) locked
// by the last of them, so it is held for one statement and the commit. Counts, not timings.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { bookSlot } from "~/domain/booking";
import { createScene, createYoungPerson } from "../factories";

/** The SQL the client sends while `run` runs (Prisma's query events; BEGIN is not among them, COMMIT is). */
async function statementsOf(run: () => Promise<unknown>): Promise<string[]> {
  const seen: string[] = [];
  let listening = true;
  getDb().$on("query", (event) => {
    if (listening) seen.push(event.query.trim());
  });
  try {
    await run();
  } finally {
    listening = false;
  }
  return seen;
}

describe("the work of one booking", () => {
  it("reads once, then writes the booking and the hold before it takes the slot's place, last before the commit", async () => {
    const { slot, programme } = await createScene({ activity: { capacity: 10, pricePence: 500 } });
    const { youngPerson } = await createYoungPerson({ programmeId: programme.id, allocationPence: 1_000 });

    const statements = await statementsOf(() => bookSlot(getDb(), { youngPersonId: youngPerson.id, slotId: slot.id, requestKey: randomUUID() }));

    expect(statements).toHaveLength(5);
    expect(statements[0]).toMatch(/^SELECT/);
    expect(statements[1]).toMatch(/INSERT INTO "Booking"/);
    expect(statements[2]).toMatch(/INSERT INTO "Transfer"/);
    expect(statements[3]).toMatch(/UPDATE "Slot"/);
    expect(statements[4]).toBe("COMMIT");
    // Only the last statement touches the slot.
    expect(statements.slice(0, 3).filter((s) => /"Slot"\s+SET|FROM "Slot".*FOR /s.test(s))).toEqual([]);
  });

  it("refuses a session already full when read without opening a transaction", async () => {
    const { slot, programme } = await createScene({ activity: { capacity: 1, pricePence: 500 } });
    const [first, second] = await Promise.all([1, 2].map(() => createYoungPerson({ programmeId: programme.id, allocationPence: 1_000 })));
    await bookSlot(getDb(), { youngPersonId: first!.youngPerson.id, slotId: slot.id, requestKey: randomUUID() });

    const statements = await statementsOf(() =>
      bookSlot(getDb(), { youngPersonId: second!.youngPerson.id, slotId: slot.id, requestKey: randomUUID() }).catch((error: { code?: string }) => {
        expect(error.code).toBe("SLOT_FULL");
      }),
    );

    expect(statements).toHaveLength(1);
    expect(statements[0]).toMatch(/^SELECT/);
  });
});
