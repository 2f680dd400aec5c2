import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { chargePass } from "~/domain/booking";
import { issueAllocation } from "~/domain/programmes";
import { createScene, createYoungPerson, doorActor } from "../factories";
import { expectDomainError, expectLedgerOk } from "../helpers";

const db = () => getDb();

describe("retried requests", () => {
  it("refuses a till charge resent under the same key with a different amount", async () => {
    const scene = await createScene({ activity: { pricePence: 800 } });
    const { youngPerson } = await createYoungPerson({ programmeId: scene.programme.id, allocationPence: 5_000 });
    const charge = (amountPence: number) =>
      chargePass(db(), { passCode: youngPerson.passCode, providerId: scene.provider.id, activityId: scene.activity.id, amountPence, requestKey: "till-42", actor: doorActor() });
    expect(await charge(500)).toMatchObject({ amountPence: 500, created: true });
    expect(await charge(500)).toMatchObject({ amountPence: 500, created: false });
    await expectDomainError(charge(700), "IDEMPOTENCY_CONFLICT", /different amount/);
    expect(await db().redemption.count({ where: { youngPersonId: youngPerson.id } })).toBe(1);
    await expectLedgerOk(scene.council.id);
  });

  it("issues one allocation when the same young person is issued twice at the same moment", async () => {
    const scene = await createScene();
    const { youngPerson } = await createYoungPerson({ councilId: scene.council.id, withAllocation: false });
    const issued = await Promise.all(Array.from({ length: 6 }, () => issueAllocation(db(), { programmeId: scene.programme.id, youngPersonId: youngPerson.id, amountPence: 1_000 })));
    expect(new Set(issued.map((a) => a.id)).size).toBe(1);
    expect(await db().transfer.count({ where: { kind: "ISSUE", councilId: scene.council.id } })).toBe(1);
    await expectLedgerOk(scene.council.id);
  });
});
