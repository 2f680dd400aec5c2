// My bookings, the calendar file and My pass, called as Remix calls them, as the signed-in young person.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { bookSlot, chargePass } from "~/domain/booking";
import { topUpAllocation } from "~/domain/programmes";
import { loader as bookingsLoader, action as bookingsAction } from "~/routes/young.bookings._index";
import { loader as calendarLoader } from "~/routes/young.bookings.$bookingId.calendar[.]ics";
import { loader as passLoader } from "~/routes/young.pass";
import { isQrSvg } from "~/ui/qr";
import { createActivity, createScene, createSlot, createYoungPerson, doorActor } from "../factories";
import { expectLedgerOk, walletBalance } from "../helpers";
import { createMember, formRequest, getRequest, redirectLocation, routeArgs, signIn, statusOf, thrownBy, unwrap } from "../support/actors";

const db = () => getDb();

type Bookings = Awaited<ReturnType<typeof bookingsLoader>>;
type CancelReply = { ok: true; bookingId: string; refundedPence: number; alreadyCancelled: boolean } | { ok: false; bookingId: string | null; error: string };
type Pass = Awaited<ReturnType<typeof passLoader>>;

/** A young person with credit, signed in: their ids and the Cookie header their browser sends. */
async function signedInYoungPerson(programmeId: string, allocationPence = 5_000) {
  const person = await createYoungPerson({ programmeId, allocationPence });
  const user = await createMember("YOUNG_PERSON", { youngPersonId: person.youngPerson.id });
  return { ...person, cookie: await signIn(user.id) };
}

const book = (youngPersonId: string, slotId: string) => bookSlot(db(), { youngPersonId, slotId, requestKey: randomUUID() });
const cancel = (bookingId: string, cookie: string) =>
  bookingsAction(routeArgs(formRequest("/young/bookings", { intent: "cancel", bookingId }, { cookie })));

describe("My bookings", () => {
  it("lists a young person's own bookings only, each coming one with its QR and code", async () => {
    const scene = await createScene({ activity: { title: "Teen swim", pricePence: 700 } });
    const owner = await signedInYoungPerson(scene.programme.id);
    const other = await signedInYoungPerson(scene.programme.id);
    const mine = await book(owner.youngPerson.id, scene.slot.id);
    const theirs = await book(other.youngPerson.id, scene.slot.id);

    const { data } = unwrap<Bookings>(await bookingsLoader(routeArgs(getRequest("/young/bookings", owner.cookie))));
    expect(data.upcoming.map((b) => b.id)).toEqual([mine.id]);
    expect(data.past).toEqual([]);
    const [booking] = data.upcoming;
    expect(booking).toMatchObject({ code: mine.code, title: "Teen swim", venueName: scene.venue.name, canCancel: true });
    expect(isQrSvg(booking!.qrSvg)).toBe(true);
    expect(data.balancePence).toBe(5_000 - 700);

    const seenByOther = unwrap<Bookings>(await bookingsLoader(routeArgs(getRequest("/young/bookings", other.cookie)))).data;
    expect(seenByOther.upcoming.map((b) => b.id)).toEqual([theirs.id]);
    expect(JSON.stringify(seenByOther)).not.toContain(mine.code);
  });

  it("sends a signed-out visitor to sign in", async () => {
    const thrown = await thrownBy(bookingsLoader(routeArgs(getRequest("/young/bookings"))));
    expect(redirectLocation(thrown)).toBe("/login?redirectTo=%2Fyoung%2Fbookings");
  });

  it("cancels through the action: the credit is back at once, the reply names the amount, and the booking moves to past as Cancelled", async () => {
    const scene = await createScene({ activity: { pricePence: 700 } });
    const owner = await signedInYoungPerson(scene.programme.id);
    const booking = await book(owner.youngPerson.id, scene.slot.id);
    expect(await walletBalance(owner.allocation!.id)).toBe(4_300);

    const reply = unwrap<CancelReply>(await cancel(booking.id, owner.cookie));
    expect(reply).toEqual({ status: 200, data: { ok: true, bookingId: booking.id, refundedPence: 700, alreadyCancelled: false } });
    expect(await walletBalance(owner.allocation!.id)).toBe(5_000);

    const after = unwrap<Bookings>(await bookingsLoader(routeArgs(getRequest("/young/bookings", owner.cookie)))).data;
    expect(after.upcoming).toEqual([]);
    expect(after.past.map((b) => [b.id, b.status])).toEqual([[booking.id, "CANCELLED"]]);

    // A second tap on the same button refunds nothing more.
    const again = unwrap<CancelReply>(await cancel(booking.id, owner.cookie));
    expect(again.data).toMatchObject({ ok: true, alreadyCancelled: true });
    expect(await walletBalance(owner.allocation!.id)).toBe(5_000);
    await expectLedgerOk(scene.council.id);
  });

  it("answers a cancel of someone else's booking with not found, and changes nothing", async () => {
    const scene = await createScene({ activity: { pricePence: 700 } });
    const owner = await signedInYoungPerson(scene.programme.id);
    const intruder = await signedInYoungPerson(scene.programme.id);
    const booking = await book(owner.youngPerson.id, scene.slot.id);

    const reply = unwrap<CancelReply>(await cancel(booking.id, intruder.cookie));
    expect(reply).toEqual({ status: 404, data: { ok: false, bookingId: booking.id, error: "We could not find that booking." } });
    expect(await db().booking.findUniqueOrThrow({ where: { id: booking.id } })).toMatchObject({ status: "CONFIRMED", endedAt: null });
    expect(await walletBalance(owner.allocation!.id)).toBe(4_300);
    expect(await walletBalance(intruder.allocation!.id)).toBe(5_000);
    expect((await db().slot.findUniqueOrThrow({ where: { id: scene.slot.id } })).booked).toBe(1);
  });

  it("says what went wrong, in words, when it is too late to cancel or the form is wrong", async () => {
    const scene = await createScene({ activity: { pricePence: 700, cancellationCutoffHours: 48 }, slot: { startsAt: new Date(Date.now() + 24 * 3_600_000) } });
    const owner = await signedInYoungPerson(scene.programme.id);
    const booking = await book(owner.youngPerson.id, scene.slot.id);

    const listed = unwrap<Bookings>(await bookingsLoader(routeArgs(getRequest("/young/bookings", owner.cookie)))).data;
    expect(listed.upcoming[0]).toMatchObject({ id: booking.id, canCancel: false });
    const late = unwrap<CancelReply>(await cancel(booking.id, owner.cookie));
    expect(late.status).toBe(409);
    expect(late.data).toMatchObject({ ok: false, bookingId: booking.id, error: expect.stringMatching(/^It is too late to cancel/) });
    expect(await walletBalance(owner.allocation!.id)).toBe(4_300);

    const wrong = unwrap<CancelReply>(await bookingsAction(routeArgs(formRequest("/young/bookings", { intent: "cancel", bookingId: "nope" }, { cookie: owner.cookie }))));
    expect(wrong).toEqual({ status: 400, data: { ok: false, bookingId: null, error: "Choose a booking to cancel." } });
  });
});

describe("the calendar file", () => {
  it("is one RFC 5545 event in UTC with the booking code, CRLF lines folded at 75 octets and TEXT escaped", async () => {
    const scene = await createScene();
    const title = "Swim, splash; and dive – an extra long session title that needs folding twice over, honestly";
    const activity = await createActivity({ providerId: scene.provider.id, councilId: scene.council.id, title, pricePence: 300 });
    const slot = await createSlot({ activityId: activity.id, startsAt: new Date("2031-03-08T10:30:00.000Z"), durationMinutes: 90 });
    const owner = await signedInYoungPerson(scene.programme.id);
    const booking = await book(owner.youngPerson.id, slot.id);

    const response = (await calendarLoader(routeArgs(getRequest(`/young/bookings/${booking.id}/calendar.ics`, owner.cookie), { bookingId: booking.id }))) as Response;
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Type")).toBe("text/calendar; charset=utf-8");
    expect(response.headers.get("Content-Disposition")).toBe(`attachment; filename="playpass-${booking.code}.ics"`);

    const body = await response.text();
    expect(body.endsWith("\r\n")).toBe(true);
    expect(body.replace(/\r\n/g, "")).not.toMatch(/[\r\n]/); // every line break is CRLF
    const physical = body.slice(0, -2).split("\r\n");
    for (const line of physical) expect(Buffer.byteLength(line, "utf8")).toBeLessThanOrEqual(75);
    expect(physical.some((line) => line.startsWith(" "))).toBe(true); // something was folded

    // Unfolded (RFC 5545 3.1): a CRLF followed by one space joins the lines.
    const lines = body.replace(/\r\n /g, "").split("\r\n").filter(Boolean);
    expect(lines[0]).toBe("BEGIN:VCALENDAR");
    expect(lines).toContain("VERSION:2.0");
    expect(lines.at(-1)).toBe("END:VCALENDAR");
    expect(lines.filter((l) => l === "BEGIN:VEVENT")).toHaveLength(1);
    expect(lines).toContain(`UID:booking-${booking.id}@playpass`);
    expect(lines).toContain("DTSTART:20310308T103000Z");
    expect(lines).toContain("DTEND:20310308T120000Z");
    expect(lines.find((l) => l.startsWith("DTSTAMP:"))).toMatch(/^DTSTAMP:\d{8}T\d{6}Z$/);
    expect(lines).toContain("SUMMARY:Swim\\, splash\\; and dive – an extra long session title that needs folding twice over\\, honestly");
    expect(lines).toContain(`LOCATION:${scene.venue.name}\\, 1 High Street\\, Testtown AB1 2CD`);
    expect(lines.find((l) => l.startsWith("DESCRIPTION:"))).toContain(`Booking code: ${booking.code}\\n`);
    expect(lines).toContain("STATUS:CONFIRMED");
  });

  it("is not found for someone else's booking, or no booking at all", async () => {
    const scene = await createScene();
    const owner = await signedInYoungPerson(scene.programme.id);
    const other = await signedInYoungPerson(scene.programme.id);
    const booking = await book(owner.youngPerson.id, scene.slot.id);
    const ask = (bookingId: string, cookie: string) =>
      calendarLoader(routeArgs(getRequest(`/young/bookings/${bookingId}/calendar.ics`, cookie), { bookingId }));

    const refused = await thrownBy(ask(booking.id, other.cookie));
    expect(statusOf(refused)).toBe(404);
    expect(await (refused as Response).text()).not.toContain(booking.code);
    expect(statusOf(await thrownBy(ask(randomUUID(), owner.cookie)))).toBe(404);
    expect(statusOf(await thrownBy(ask("not-a-booking", owner.cookie)))).toBe(404);
  });
});

describe("My pass", () => {
  it("shows the pass QR and code, and a statement whose running balance ends at the wallet balance after issue, book, cancel, charge and top-up", async () => {
    const scene = await createScene({ activity: { title: "Teen swim", pricePence: 700 } });
    const owner = await signedInYoungPerson(scene.programme.id, 5_000);
    const allocationId = owner.allocation!.id;

    await book(owner.youngPerson.id, scene.slot.id);
    const second = await createSlot({ activityId: scene.activity.id });
    const cancelled = await book(owner.youngPerson.id, second.id);
    expect(unwrap<CancelReply>(await cancel(cancelled.id, owner.cookie)).data).toMatchObject({ ok: true, refundedPence: 700 });
    await chargePass(db(), { passCode: owner.youngPerson.passCode, providerId: scene.provider.id, activityId: scene.activity.id, amountPence: 250, requestKey: randomUUID(), actor: doorActor() });
    await topUpAllocation(db(), { allocationId, amountPence: 1_500, reason: "Helping at the youth club", idempotencyKey: randomUUID() });

    const { data } = unwrap<Pass>(await passLoader(routeArgs(getRequest("/young/pass", owner.cookie))));
    expect(data.passCode).toBe(owner.youngPerson.passCode);
    expect(isQrSvg(data.qrSvg)).toBe(true);

    const wallet = await walletBalance(allocationId);
    expect(wallet).toBe(5_000 - 700 - 250 + 1_500);
    expect(data.statement.entries[0]!.balancePence).toBe(wallet);
    expect(data.statement.balancePence).toBe(wallet);
    expect(data.pass.balancePence).toBe(wallet);
    expect(data.statement.entries.map((e) => [e.type, e.amountPence])).toEqual([
      ["top-up", 1_500],
      ["charged", -250],
      ["refunded", 700],
      ["booked", -700],
      ["booked", -700],
      ["issued", 5_000],
    ]);
    expect(data.statement.entries[0]!.description).toBe("Extra credit: Helping at the youth club");
    // Each running balance is the one before it plus this movement.
    const oldestFirst = [...data.statement.entries].reverse();
    oldestFirst.reduce((before, entry) => {
      expect(entry.balancePence).toBe(before + entry.amountPence);
      return entry.balancePence;
    }, 0);
    await expectLedgerOk(scene.council.id);
  });

  it("shows nobody else's movements", async () => {
    const scene = await createScene({ activity: { pricePence: 700 } });
    const me = await signedInYoungPerson(scene.programme.id, 2_000);
    const other = await signedInYoungPerson(scene.programme.id, 9_000);
    await book(other.youngPerson.id, scene.slot.id);

    const { data } = unwrap<Pass>(await passLoader(routeArgs(getRequest("/young/pass", me.cookie))));
    expect(data.statement.entries.map((e) => e.amountPence)).toEqual([2_000]);
    expect(data.passCode).not.toBe(other.youngPerson.passCode);
  });
});
