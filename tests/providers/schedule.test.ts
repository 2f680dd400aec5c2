// Sessions: weekly patterns in UK wall-clock time across the clock change, with dates skipped; places never
// below what is booked, even when a booking lands at the same moment; cancelling refunds everyone and tells them.
import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bookSlot } from "~/domain/booking";
import { addOneOffSlot, addSlotSeries, cancelProviderSlot, changeSlotCapacity, isoWeekday, londonInstant, parseCalendarDate, slotSeriesSchema, weeklyOccurrences } from "~/domain/providers/schedule";
import { getDb } from "~/lib/db.server";
import { createProvider, createActivity, createScene, createYoungPerson, createYoungPeople } from "../factories";
import { domainCodes, expectDomainError, expectLedgerOk, settle, walletBalance } from "../helpers";
import { action as slotsAction, loader as slotsLoader } from "~/routes/provider.activities.$id.slots";
import { createMember, formRequest, getRequest, redirectLocation, routeArgs, signIn, statusOf, thrownBy, unwrap } from "../support/actors";

const db = () => getDb();
const day = (iso: string) => parseCalendarDate(iso)!;
const londonClock = new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/London", hour: "2-digit", minute: "2-digit", hourCycle: "h23", weekday: "short", year: "numeric", month: "2-digit", day: "2-digit" });

describe("weekly patterns", () => {
  it("keeps a Saturday and Sunday 10:00 session at 10:00 UK time across the October clock change, skipping the exception", () => {
    const occurrences = weeklyOccurrences({
      weekdays: [6, 7],
      startTime: "10:00",
      durationMinutes: 90,
      fromDate: day("2026-10-17"),
      toDate: day("2026-11-01"),
      exceptDates: [day("2026-10-31")],
    });
    expect(occurrences.map((o) => o.startsAt.toISOString())).toEqual([
      "2026-10-17T09:00:00.000Z", // British Summer Time: 10:00 is 09:00 UTC
      "2026-10-18T09:00:00.000Z",
      "2026-10-24T09:00:00.000Z",
      "2026-10-25T10:00:00.000Z", // the clocks went back that night: 10:00 is now 10:00 UTC
      // 31 October skipped
      "2026-11-01T10:00:00.000Z",
    ]);
    expect(occurrences.every((o) => o.endsAt.getTime() - o.startsAt.getTime() === 90 * 60_000)).toBe(true);
  });

  it("moves a time that does not exist in March an hour on, and takes the GMT one of a time that happens twice in October", () => {
    expect(londonInstant(day("2027-03-28"), "01:30").toISOString()).toBe("2027-03-28T01:30:00.000Z"); // 02:30 BST
    expect(londonInstant(day("2026-10-25"), "01:30").toISOString()).toBe("2026-10-25T01:30:00.000Z"); // 01:30 GMT
  });

  it("makes sessions only on the chosen weekdays, at the chosen UK time, never on a skipped date (any pattern)", () => {
    const start = day("2026-01-01").getTime();
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.integer({ min: 1, max: 7 }), { minLength: 1, maxLength: 7 }),
        fc.integer({ min: 6, max: 21 }),
        fc.constantFrom(0, 15, 30, 45),
        fc.integer({ min: 0, max: 600 }),
        fc.integer({ min: 0, max: 120 }),
        fc.array(fc.integer({ min: 0, max: 120 }), { maxLength: 6 }),
        (weekdays, hour, minute, offset, length, skips) => {
          const fromDate = new Date(start + offset * 86_400_000);
          const toDate = new Date(fromDate.getTime() + length * 86_400_000);
          const exceptDates = skips.map((s) => new Date(fromDate.getTime() + s * 86_400_000));
          const startTime = `${String(hour).padStart(2, "0")}:${String(minute).padStart(2, "0")}`;
          const occurrences = weeklyOccurrences({ weekdays, startTime, durationMinutes: 60, fromDate, toDate, exceptDates });
          const skipped = new Set(exceptDates.map((d) => d.toISOString().slice(0, 10)));
          let expected = 0;
          for (let t = fromDate.getTime(); t <= toDate.getTime(); t += 86_400_000) {
            const d = new Date(t);
            if (weekdays.includes(isoWeekday(d)) && !skipped.has(d.toISOString().slice(0, 10))) expected++;
          }
          expect(occurrences).toHaveLength(expected);
          for (const o of occurrences) {
            const parts = Object.fromEntries(londonClock.formatToParts(o.startsAt).map((p) => [p.type, p.value]));
            expect(`${parts.hour}:${parts.minute}`).toBe(startTime);
            expect(`${parts.year}-${parts.month}-${parts.day}`).toBe(o.day.toISOString().slice(0, 10));
            expect(skipped.has(o.day.toISOString().slice(0, 10))).toBe(false);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it("explains each mistake in a pattern", () => {
    const issues = (input: Record<string, unknown>) => {
      const parsed = slotSeriesSchema.safeParse({ weekdays: [6], startTime: "10:00", durationMinutes: 60, fromDate: "2026-10-01", toDate: "2026-11-30", capacity: 10, ...input });
      return parsed.success ? {} : Object.fromEntries(parsed.error.issues.map((i) => [i.path.join("."), i.message]));
    };
    expect(issues({ weekdays: [] })).toEqual({ weekdays: "Choose at least one day of the week" });
    expect(issues({ startTime: "25:00" })).toEqual({ startTime: "Enter the start time on the 24-hour clock, like 17:30" });
    expect(issues({ toDate: "2026-09-01" })).toEqual({ toDate: "The last date must be on or after the first date" });
    expect(issues({ toDate: "2027-12-01" })).toEqual({ toDate: "A weekly pattern can run for up to a year; add another one after that" });
    expect(issues({ fromDate: "2026-02-30" })).toEqual({ fromDate: "Enter the first date as a real date, like 2026-11-28" });
    expect(issues({ exceptDates: "2026-12-25" })).toEqual({ exceptDates: "2026-12-25 is outside the dates the pattern runs" });
    expect(issues({ exceptDates: "Christmas" })).toMatchObject({ exceptDates: expect.stringMatching(/is not a date/) });
    expect(issues({ capacity: 0 })).toEqual({ capacity: "A session needs at least 1 place" });
    expect(issues({ exceptDates: "2026-10-10, 24/10/2026" })).toEqual({});
  });

  it("stores the pattern and its coming sessions together, leaving out those already past", async () => {
    const { provider, activity } = await createScene();
    const input = slotSeriesSchema.parse({ weekdays: [6], startTime: "10:00", durationMinutes: 60, fromDate: "2026-10-03", toDate: "2026-11-07", exceptDates: "2026-10-31", capacity: 12 });
    const made = await addSlotSeries(db(), { providerId: provider.id, userId: (await db().user.create({ data: { displayName: "M" } })).id }, activity.id, input, new Date("2026-10-12T00:00:00Z"));
    expect(made.slotsCreated).toBe(3); // 17 Oct, 24 Oct, 7 Nov: 3 and 10 Oct are past, 31 Oct is skipped
    const slots = await db().slot.findMany({ where: { seriesId: made.seriesId }, orderBy: { startsAt: "asc" } });
    expect(slots.map((s) => [s.startsAt.toISOString(), s.capacity])).toEqual([
      ["2026-10-17T09:00:00.000Z", 12],
      ["2026-10-24T09:00:00.000Z", 12],
      ["2026-11-07T10:00:00.000Z", 12],
    ]);
    const series = await db().slotSeries.findUniqueOrThrow({ where: { id: made.seriesId } });
    expect(series).toMatchObject({ weekdays: [6], startTime: "10:00", exceptDates: [day("2026-10-31")] });
  });

  it("refuses sessions for another provider's activity and for a session in the past", async () => {
    const { council, activity } = await createScene();
    const { provider: other } = await createProvider({ councilId: council.id });
    const user = await db().user.create({ data: { displayName: "Other manager" } });
    const input = { date: day("2030-01-05"), startTime: "10:00", durationMinutes: 60, capacity: 5 };
    await expectDomainError(addOneOffSlot(db(), { userId: user.id, providerId: other.id }, activity.id, input), "NOT_FOUND");
    await expectDomainError(addOneOffSlot(db(), { userId: user.id, providerId: activity.providerId }, activity.id, { ...input, date: day("2020-01-04") }), "INVALID_INPUT", /in the future/);
  });
});

describe("changing a session's places", () => {
  it("never goes below the places booked, and says how many are needed", async () => {
    const { programme, provider, slot } = await createScene({ activity: { capacity: 10, pricePence: 100 } });
    const people = await createYoungPeople(3, { programmeId: programme.id });
    for (const p of people) await bookSlot(db(), { youngPersonId: p.youngPerson.id, slotId: slot.id, requestKey: randomUUID() });
    const user = await db().user.create({ data: { displayName: "Manager" } });
    const manager = { userId: user.id, providerId: provider.id };
    const error = await expectDomainError(changeSlotCapacity(db(), manager, { slotId: slot.id, capacity: 2 }), "CAPACITY_BELOW_BOOKED");
    expect(error.message).toBe("This session has 3 places booked, so it needs at least 3 places.");
    expect(error.field).toBe("capacity");
    expect(await changeSlotCapacity(db(), manager, { slotId: slot.id, capacity: 3 })).toEqual({ capacity: 3 });
    await db().slot.update({ where: { id: slot.id }, data: { capacity: 5, offered: 1 } });
    await expectDomainError(changeSlotCapacity(db(), manager, { slotId: slot.id, capacity: 3 }), "CAPACITY_BELOW_BOOKED", /This session has 3 places booked and 1 offered to the waiting list, so it needs at least 4 places/);
  });

  it("never ends with more bookings than places when bookings and a cut in places happen at once", async () => {
    const { programme, provider, slot, council } = await createScene({ activity: { capacity: 8, pricePence: 100 } });
    const people = await createYoungPeople(8, { programmeId: programme.id });
    const user = await db().user.create({ data: { displayName: "Manager" } });
    const results = await settle<unknown>([
      ...people.map((p) => bookSlot(db(), { youngPersonId: p.youngPerson.id, slotId: slot.id, requestKey: randomUUID() })),
      changeSlotCapacity(db(), { userId: user.id, providerId: provider.id }, { slotId: slot.id, capacity: 4 }),
    ]);
    for (const code of domainCodes(results.rejected)) expect(["SLOT_FULL", "CAPACITY_BELOW_BOOKED"]).toContain(code);
    const after = await db().slot.findUniqueOrThrow({ where: { id: slot.id } });
    expect(after.booked).toBeLessThanOrEqual(after.capacity);
    expect(await db().booking.count({ where: { slotId: slot.id, status: "CONFIRMED" } })).toBe(after.booked);
    await expectLedgerOk(council.id);
  });
});

describe("cancelling a session", () => {
  it("refunds every booking at once and tells each young person by email or text, with the reason", async () => {
    const { programme, provider, slot, council, activity } = await createScene({ activity: { pricePence: 600, title: "Sunday climb" } });
    const byEmail = await createYoungPerson({ programmeId: programme.id, allocationPence: 2_000, email: `climber-${randomUUID().slice(0, 6)}@example.test` });
    const byText = await createYoungPerson({ programmeId: programme.id, allocationPence: 2_000, email: null, phone: "+447700900555" });
    for (const p of [byEmail, byText]) await bookSlot(db(), { youngPersonId: p.youngPerson.id, slotId: slot.id, requestKey: randomUUID() });
    expect(await walletBalance(byEmail.allocation!.id)).toBe(1_400);

    const user = await db().user.create({ data: { displayName: "Manager" } });
    const result = await cancelProviderSlot(db(), { userId: user.id, providerId: provider.id }, { slotId: slot.id, reason: "Instructor ill" });
    expect(result).toEqual({ refundedBookings: 2, alreadyCancelled: false });
    expect(await walletBalance(byEmail.allocation!.id)).toBe(2_000);
    expect(await walletBalance(byText.allocation!.id)).toBe(2_000);
    expect(await db().booking.findMany({ where: { slotId: slot.id }, select: { status: true } })).toEqual([{ status: "PROVIDER_CANCELLED" }, { status: "PROVIDER_CANCELLED" }]);
    const messages = await db().message.findMany({ where: { template: "slot-cancelled", recipient: { in: [byEmail.youngPerson.email!, "+447700900555"] } } });
    expect(messages.map((m) => m.channel).sort()).toEqual(["EMAIL", "SMS"]);
    for (const m of messages) expect(m.body).toMatch(new RegExp(`${activity.title}.*cancelled by the provider \\(Instructor ill\\).*£6\\.00 is back on your pass`));
    await expectLedgerOk(council.id);

    // A second press is not a second refund.
    expect(await cancelProviderSlot(db(), { userId: user.id, providerId: provider.id }, { slotId: slot.id, reason: "Instructor ill" })).toEqual({ refundedBookings: 0, alreadyCancelled: true });
  });

  it("does not let another provider cancel the session", async () => {
    const { council, slot } = await createScene();
    const { provider: other } = await createProvider({ councilId: council.id });
    const activityOfOther = await createActivity({ providerId: other.id, councilId: council.id });
    expect(activityOfOther.providerId).toBe(other.id);
    const user = await db().user.create({ data: { displayName: "Other" } });
    await expectDomainError(cancelProviderSlot(db(), { userId: user.id, providerId: other.id }, { slotId: slot.id, reason: "Because" }), "NOT_FOUND");
    expect((await db().slot.findUniqueOrThrow({ where: { id: slot.id } })).status).toBe("SCHEDULED");
  });
});

describe("the sessions page", () => {
  it("cancels a session from the form only with a reason, and says how many were refunded", async () => {
    const { programme, provider, slot, activity } = await createScene({ activity: { pricePence: 300 } });
    const booked = await createYoungPerson({ programmeId: programme.id, allocationPence: 1_000 });
    await bookSlot(db(), { youngPersonId: booked.youngPerson.id, slotId: slot.id, requestKey: randomUUID() });
    const manager = await createMember("PROVIDER_MANAGER", { providerId: provider.id });
    const cookie = await signIn(manager.id);
    const path = `/provider/activities/${activity.id}/slots`;

    const noReason = unwrap<{ intent: string; error: string }>(await slotsAction(routeArgs(formRequest(path, { intent: "cancel", slotId: slot.id, reason: " " }, { cookie }), { id: activity.id })));
    expect(noReason.status).toBe(400);
    expect(noReason.data.error).toBe("Say why the session is cancelled: young people are told.");
    expect((await db().slot.findUniqueOrThrow({ where: { id: slot.id } })).status).toBe("SCHEDULED");

    const done = redirectLocation(await thrownBy(slotsAction(routeArgs(formRequest(path, { intent: "cancel", slotId: slot.id, reason: "Pool closed" }, { cookie }), { id: activity.id }))));
    expect(done).toBe(`${path}?done=cancelled&refunded=1`);
    expect(await walletBalance(booked.allocation!.id)).toBe(1_000);

    const below = unwrap<{ intent: string; slotId: string; error: string }>(
      await slotsAction(routeArgs(formRequest(path, { intent: "capacity", slotId: slot.id, capacity: "0" }, { cookie }), { id: activity.id })),
    );
    expect(below).toMatchObject({ status: 400, data: { intent: "capacity", slotId: slot.id, error: "A session needs at least 1 place." } });
  });

  it("is only for the provider's managers", async () => {
    const { provider, activity } = await createScene();
    const door = await createMember("DOOR_STAFF", { providerId: provider.id });
    expect(statusOf(await thrownBy(slotsLoader(routeArgs(getRequest(`/provider/activities/${activity.id}/slots`, await signIn(door.id)), { id: activity.id }))))).toBe(403);
  });
});
