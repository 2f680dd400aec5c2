// My bookings, the calendar file and My pass, called as Remix calls them, as the signed-in young person.
import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { bookSlot, chargePass } from "~/domain/booking";
import { topUpAllocation } from "~/domain/programmes";
import { loader as bookingsLoader, action as bookingsAction } from "~/routes/young.bookings._index";
import { loader as calendarLoader } from "~/routes/young.bookings.$bookingId.calendar[.]ics";
import { loader as passLoader } from "~/routes/young.pass";
import { loader as activityLoader, action as activityAction } from "~/routes/activities.$activityId";
import { loader as exploreLoader, action as exploreAction } from "~/routes/_index";
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

type ActivityPage = Awaited<ReturnType<typeof activityLoader>>;
type ActivityReply = { intent: string; slotId: string | null; error?: string; joinedPosition?: number; left?: boolean };
type Explore = Awaited<ReturnType<typeof exploreLoader>>;

describe("the activity page", () => {
  it("shows what booking leaves on the balance, and books through choose, confirm, done; a repeated confirm books once", async () => {
    const scene = await createScene({ activity: { pricePence: 700, capacity: 5 } });
    const owner = await signedInYoungPerson(scene.programme.id);
    const path = `/activities/${scene.activity.id}`;
    const page = unwrap<ActivityPage>(await activityLoader(routeArgs(getRequest(`${path}?slot=${scene.slot.id}`, owner.cookie), { activityId: scene.activity.id }))).data;
    expect(page).toMatchObject({ balancePence: 5_000, chosenSlotId: scene.slot.id, mine: { cannotBook: null, spendablePence: 5_000, enoughCredit: true } });
    expect(page.activity.slots[0]).toMatchObject({ id: scene.slot.id, placesLeft: 5 });

    const confirm = () =>
      thrownBy(activityAction(routeArgs(formRequest(path, { intent: "book", slotId: scene.slot.id, requestKey: `${page.pageKey}:${scene.slot.id}` }, { cookie: owner.cookie }), { activityId: scene.activity.id })));
    expect(redirectLocation(await confirm())).toBe(`/young?booked=${scene.activity.id}`);
    expect(redirectLocation(await confirm())).toBe(`/young?booked=${scene.activity.id}`);
    expect(await db().booking.count({ where: { youngPersonId: owner.youngPerson.id } })).toBe(1);
    expect(await walletBalance(owner.allocation!.id)).toBe(4_300);
    await expectLedgerOk(scene.council.id);
  });

  it("puts a domain error next to the session that caused it, in plain words with what to do instead", async () => {
    const scene = await createScene({ activity: { pricePence: 700, capacity: 5 } });
    const poor = await signedInYoungPerson(scene.programme.id, 300);
    const path = `/activities/${scene.activity.id}`;
    const reply = unwrap<ActivityReply>(
      await activityAction(routeArgs(formRequest(path, { intent: "book", slotId: scene.slot.id, requestKey: randomUUID() }, { cookie: poor.cookie }), { activityId: scene.activity.id })),
    );
    expect(reply).toEqual({ status: 409, data: { intent: "book", slotId: scene.slot.id, error: expect.stringMatching(/costs £7.00 and you have £3.00 left. Try something cheaper or free./) } });
    const page = unwrap<ActivityPage>(await activityLoader(routeArgs(getRequest(path, poor.cookie), { activityId: scene.activity.id }))).data;
    expect(page.mine).toMatchObject({ enoughCredit: false, spendablePence: 300 });
  });

  it("says why someone cannot book: awaiting a guardian's consent, or another council's activity", async () => {
    const scene = await createScene();
    const child = await signedInYoungPerson(scene.programme.id);
    await db().youngPerson.update({ where: { id: child.youngPerson.id }, data: { status: "AWAITING_CONSENT" } });
    const args = (cookie: string) => routeArgs(getRequest(`/activities/${scene.activity.id}`, cookie), { activityId: scene.activity.id });
    expect(unwrap<ActivityPage>(await activityLoader(args(child.cookie))).data.mine?.cannotBook).toMatch(/parent or carer needs to say yes/);
    const reply = unwrap<ActivityReply>(
      await activityAction(routeArgs(formRequest(`/activities/${scene.activity.id}`, { intent: "book", slotId: scene.slot.id, requestKey: randomUUID() }, { cookie: child.cookie }), { activityId: scene.activity.id })),
    );
    expect(reply.data.error).toMatch(/parent or carer needs to say yes/);

    const elsewhere = await createScene();
    const outsider = await signedInYoungPerson(elsewhere.programme.id);
    expect(unwrap<ActivityPage>(await activityLoader(args(outsider.cookie))).data.mine?.cannotBook).toMatch(/another council/);
  });

  it("joins and leaves a full session's waiting list, and shows the place in line on the page and in My bookings", async () => {
    const scene = await createScene({ activity: { capacity: 1 } });
    const first = await signedInYoungPerson(scene.programme.id);
    await book(first.youngPerson.id, scene.slot.id);
    const waiter = await signedInYoungPerson(scene.programme.id);
    const path = `/activities/${scene.activity.id}`;
    const post = (fields: Record<string, string>) => activityAction(routeArgs(formRequest(path, fields, { cookie: waiter.cookie }), { activityId: scene.activity.id }));

    const joined = unwrap<ActivityReply>(await post({ intent: "join-waitlist", slotId: scene.slot.id }));
    expect(joined.data).toEqual({ intent: "join-waitlist", slotId: scene.slot.id, joinedPosition: 1 });
    const page = unwrap<ActivityPage>(await activityLoader(routeArgs(getRequest(path, waiter.cookie), { activityId: scene.activity.id }))).data;
    expect(page.activity.slots[0]!.placesLeft).toBe(0);
    const place = page.waitlist[scene.slot.id]!;
    expect(place).toMatchObject({ position: 1, offerExpiresAt: null });
    const mine = unwrap<Bookings>(await bookingsLoader(routeArgs(getRequest("/young/bookings", waiter.cookie)))).data;
    expect(mine.waiting).toEqual([expect.objectContaining({ id: place.entryId, position: 1 })]);

    expect(unwrap<ActivityReply>(await post({ intent: "leave-waitlist", slotId: scene.slot.id, entryId: place.entryId })).data).toMatchObject({ left: true });
    expect(await db().waitlistEntry.findUniqueOrThrow({ where: { id: place.entryId } })).toMatchObject({ status: "LEFT" });
  });

  it("shows an offer in My bookings with the time it is held until, and the person offered books into the held place", async () => {
    const scene = await createScene({ activity: { capacity: 1, pricePence: 500 } });
    const first = await signedInYoungPerson(scene.programme.id);
    const booking = await book(first.youngPerson.id, scene.slot.id);
    const waiter = await signedInYoungPerson(scene.programme.id);
    await activityAction(routeArgs(formRequest(`/activities/${scene.activity.id}`, { intent: "join-waitlist", slotId: scene.slot.id }, { cookie: waiter.cookie }), { activityId: scene.activity.id }));
    await cancel(booking.id, first.cookie);

    const mine = unwrap<Bookings>(await bookingsLoader(routeArgs(getRequest("/young/bookings", waiter.cookie)))).data;
    expect(mine.offers).toEqual([expect.objectContaining({ slotId: scene.slot.id, offer: { expiresAt: expect.any(String) } })]);
    const outcome = await thrownBy(
      activityAction(routeArgs(formRequest(`/activities/${scene.activity.id}`, { intent: "book", slotId: scene.slot.id, requestKey: randomUUID() }, { cookie: waiter.cookie }), { activityId: scene.activity.id })),
    );
    expect(redirectLocation(outcome)).toBe(`/young?booked=${scene.activity.id}`);
    expect(await walletBalance(waiter.allocation!.id)).toBe(4_500);
    await expectLedgerOk(scene.council.id);
  });
});

describe("an activity that cannot be shown", () => {
  it("is not found when its provider is suspended by the council that lists it, even if another council approves them", async () => {
    const scene = await createScene();
    const other = await createScene();
    await db().providerCouncil.create({ data: { providerId: scene.provider.id, councilId: other.council.id, status: "APPROVED" } });
    await db().providerCouncil.update({ where: { providerId_councilId: { providerId: scene.provider.id, councilId: scene.council.id } }, data: { status: "SUSPENDED" } });
    const thrown = await thrownBy(activityLoader(routeArgs(getRequest(`/activities/${scene.activity.id}`), { activityId: scene.activity.id })));
    expect(statusOf(thrown)).toBe(404);
  });
});

describe("explore", () => {
  it("shows a signed-in young person only what they can book, names bad filters next to their field, and records the search", async () => {
    const scene = await createScene({ programme: { allowedCategories: ["SWIMMING"] }, activity: { title: "Lengths and lessons" } });
    const climbing = await createActivity({ providerId: scene.provider.id, councilId: scene.council.id, category: "CLIMBING", title: "Bouldering" });
    await createSlot({ activityId: climbing.id });
    const owner = await signedInYoungPerson(scene.programme.id);

    const page = unwrap<Explore>(await exploreLoader(routeArgs(getRequest("/?q=lessons&postcode=hello&miles=3", owner.cookie)))).data;
    expect(page.outcome.results.map((r) => r.title)).toEqual(["Lengths and lessons"]);
    expect(page.errors).toMatchObject({ postcode: expect.stringMatching(/postcode like NB1 2AA/), miles: expect.stringMatching(/distance/) });
    expect(page.signedInAsYoungPerson).toBe(true);
    expect(await db().searchEvent.count({ where: { councilId: scene.council.id, query: "lessons" } })).toBe(1);
  });

  it("takes a note of what they wanted after a search with no result, and checks it", async () => {
    const scene = await createScene();
    const owner = await signedInYoungPerson(scene.programme.id);
    const empty = unwrap<{ thanks: boolean }>(await exploreAction(routeArgs(formRequest("/", { text: "" }, { cookie: owner.cookie }))));
    expect(empty).toMatchObject({ status: 400, data: { thanks: false } });
    const sent = await exploreAction(routeArgs(formRequest("/", { text: "Go-karting", searchQuery: "karting" }, { cookie: owner.cookie })));
    expect(sent).toMatchObject({ thanks: true });
    expect(await db().demandNote.count({ where: { councilId: scene.council.id, kind: "NO_RESULT", text: "Go-karting" } })).toBe(1);
  });
});
