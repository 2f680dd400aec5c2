// The shape of a booking's work, which is what lets a popular session take bookings quickly: the checks in one
// read, then every write in one statement committed on its own, so the slot's row (the one every booking of the
// session wants) is never held across a round trip to the web process. Counts, not timings.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { bookSlot } from "~/domain/booking";
import { createScene, createYoungPerson } from "../factories";

/** The SQL the client sends while `run` runs (Prisma's query events: BEGIN and COMMIT appear when a transaction is used). */
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
  it("reads once, then writes the place, the booking and the hold in one statement with no transaction held open", async () => {
    const { slot, programme } = await createScene({ activity: { capacity: 10, pricePence: 500 } });
    const { youngPerson } = await createYoungPerson({ programmeId: programme.id, allocationPence: 1_000 });

    const statements = await statementsOf(() => bookSlot(getDb(), { youngPersonId: youngPerson.id, slotId: slot.id, requestKey: randomUUID() }));

    expect(statements).toHaveLength(2);
    expect(statements[0]).toMatch(/^SELECT/);
    expect(statements[1]).toMatch(/UPDATE "Slot"[\s\S]*INSERT INTO "Booking"[\s\S]*INSERT INTO "Transfer"/);
    expect(statements.filter((s) => /^(BEGIN|COMMIT)/.test(s))).toEqual([]);
  });

  it("refuses a session already full when read, without writing anything", async () => {
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
