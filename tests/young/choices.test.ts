// Ratings, favourites, suggestions and the home page's "you might like": the rules young people's choices follow.
import { randomUUID } from "node:crypto";
import { afterAll, describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { closeRedis } from "~/lib/redis.server";
import { bookSlot, redeemBooking } from "~/domain/booking";
import { rateBooking, setFavourite, suggestActivity, SUGGESTIONS_PER_DAY } from "~/domain/young/choices";
import { recentActivities, suggestionsFor } from "~/domain/young/home";
import { loader as homeLoader } from "~/routes/young._index";
import { action as rateAction, loader as rateLoader } from "~/routes/young.bookings.$bookingId.rate";
import { action as favouritesAction, loader as favouritesLoader } from "~/routes/young.favourites";
import { action as suggestAction } from "~/routes/young.suggest";
import { createActivity, createProgramme, createProvider, createScene, createSlot, createYoungPerson, daysFromNow, doorActor } from "../factories";
import { expectDomainError, settle } from "../helpers";
import { createMember, formRequest, getRequest, redirectLocation, routeArgs, signIn, statusOf, thrownBy, unwrap } from "../support/actors";

const db = () => getDb();
const HOUR = 3_600_000;
afterAll(async () => {
  await closeRedis();
});

/** A young person with credit in the scene's council, signed in. */
async function signedIn(programmeId: string, age = 14) {
  const person = await createYoungPerson({ programmeId, allocationPence: 5_000, age });
  const user = await createMember("YOUNG_PERSON", { youngPersonId: person.youngPerson.id });
  const actor = { youngPersonId: person.youngPerson.id, councilId: person.youngPerson.councilId, userId: user.id };
  return { ...person, user, actor, cookie: await signIn(user.id) };
}

/** A session two days ago that the young person booked beforehand and was scanned in at. */
async function redeemedBooking(scene: Awaited<ReturnType<typeof createScene>>, youngPersonId: string) {
  const startsAt = daysFromNow(-2);
  const slot = await createSlot({ activityId: scene.activity.id, startsAt });
  const booking = await bookSlot(db(), { youngPersonId, slotId: slot.id, requestKey: randomUUID(), now: new Date(startsAt.getTime() - 24 * HOUR) });
  await redeemBooking(db(), { code: booking.code, providerId: scene.provider.id, actor: doorActor(), now: startsAt });
  return booking;
}

describe("rating what you did", () => {
  it("rates one of your own redeemed bookings once, and shows the rating on the home page", async () => {
    const scene = await createScene({ activity: { title: "Climbing taster" } });
    const me = await signedIn(scene.programme.id);
    const booking = await redeemedBooking(scene, me.youngPerson.id);

    const home = unwrap<{ recent: { bookingId: string; rating: unknown }[] }>(await homeLoader(routeArgs(getRequest("/young", me.cookie))));
    expect(home.data.recent).toEqual([expect.objectContaining({ bookingId: booking.id, rating: null })]);

    const done = await thrownBy(rateAction(routeArgs(formRequest(`/young/bookings/${booking.id}/rate`, { stars: "4", wouldGoAgain: "yes", comment: "  Loved the wall  " }, { cookie: me.cookie }), { bookingId: booking.id })));
    expect(redirectLocation(done)).toBe("/young?rated=1");
    expect(await db().rating.findUniqueOrThrow({ where: { bookingId: booking.id } })).toMatchObject({
      stars: 4,
      wouldGoAgain: true,
      comment: "Loved the wall",
      activityId: scene.activity.id,
      providerId: scene.provider.id,
      councilId: scene.council.id,
    });

    const after = await recentActivities(db(), me.youngPerson.id);
    expect(after).toEqual([expect.objectContaining({ bookingId: booking.id, rating: { stars: 4, wouldGoAgain: true } })]);
    const page = unwrap<{ booking: { canRate: boolean; rating: { stars: number } } }>(await rateLoader(routeArgs(getRequest(`/young/bookings/${booking.id}/rate`, me.cookie), { bookingId: booking.id })));
    expect(page.data.booking).toMatchObject({ canRate: false, rating: { stars: 4 } });

    const again = unwrap<{ result: { error: Record<string, string[]> } }>(
      await rateAction(routeArgs(formRequest(`/young/bookings/${booking.id}/rate`, { stars: "1", wouldGoAgain: "no" }, { cookie: me.cookie }), { bookingId: booking.id })),
    );
    expect(again.status).toBe(409);
    expect(again.data.result.error[""]).toEqual(["You have already rated this. Thanks for telling us!"]);
    expect(await db().rating.count({ where: { bookingId: booking.id } })).toBe(1);
  });

  it("cannot rate a booking not yet used at the door, or someone else's", async () => {
    const scene = await createScene();
    const me = await signedIn(scene.programme.id);
    const other = await signedIn(scene.programme.id);
    const coming = await bookSlot(db(), { youngPersonId: me.youngPerson.id, slotId: scene.slot.id, requestKey: randomUUID() });
    await expectDomainError(rateBooking(db(), me.actor, { bookingId: coming.id, stars: 5, wouldGoAgain: true }), "NOT_RATEABLE", /once you have been/);

    const theirs = await redeemedBooking(scene, other.youngPerson.id);
    await expectDomainError(rateBooking(db(), me.actor, { bookingId: theirs.id, stars: 5, wouldGoAgain: true }), "NOT_FOUND");
    const seen = await thrownBy(rateLoader(routeArgs(getRequest(`/young/bookings/${theirs.id}/rate`, me.cookie), { bookingId: theirs.id })));
    expect(statusOf(seen)).toBe(404);
    expect(await db().rating.count({ where: { bookingId: { in: [coming.id, theirs.id] } } })).toBe(0);
  });

  it("takes 1 to 5 stars and a comment of at most 500 characters", async () => {
    const scene = await createScene();
    const me = await signedIn(scene.programme.id);
    const booking = await redeemedBooking(scene, me.youngPerson.id);
    await expectDomainError(rateBooking(db(), me.actor, { bookingId: booking.id, stars: 0, wouldGoAgain: true }), "INVALID_INPUT", /1 to 5/);
    await expectDomainError(rateBooking(db(), me.actor, { bookingId: booking.id, stars: 6, wouldGoAgain: true }), "INVALID_INPUT");
    await expectDomainError(rateBooking(db(), me.actor, { bookingId: booking.id, stars: 3, comment: "x".repeat(501), wouldGoAgain: true }), "INVALID_INPUT", /500/);

    const missing = unwrap<{ result: { error: Record<string, string[]> } }>(
      await rateAction(routeArgs(formRequest(`/young/bookings/${booking.id}/rate`, { comment: "hmm" }, { cookie: me.cookie }), { bookingId: booking.id })),
    );
    expect(missing.status).toBe(400);
    expect(Object.keys(missing.data.result.error).sort()).toEqual(["stars", "wouldGoAgain"]);
  });

  it("keeps one rating when the same rating is sent twice at once", async () => {
    const scene = await createScene();
    const me = await signedIn(scene.programme.id);
    const booking = await redeemedBooking(scene, me.youngPerson.id);
    const { fulfilled, rejected } = await settle([1, 2, 3].map((stars) => rateBooking(db(), me.actor, { bookingId: booking.id, stars, wouldGoAgain: true })));
    expect(fulfilled).toHaveLength(1);
    expect(rejected.every((e) => (e as { code?: string }).code === "ALREADY_RATED")).toBe(true);
    expect(await db().rating.count({ where: { bookingId: booking.id } })).toBe(1);
  });
});

describe("favourites", () => {
  it("saves and unsaves with a plain form, harmlessly twice, and goes back only to a page on this site", async () => {
    const scene = await createScene({ activity: { title: "Street dance" } });
    const me = await signedIn(scene.programme.id);
    const save = (favourite: string, redirectTo = "/young") =>
      thrownBy(favouritesAction(routeArgs(formRequest("/young/favourites", { activityId: scene.activity.id, favourite, redirectTo }, { cookie: me.cookie }))));

    expect(redirectLocation(await save("true"))).toBe("/young");
    expect(redirectLocation(await save("true", "https://evil.example/"))).toBe("/young/favourites");
    expect(await db().favourite.count({ where: { youngPersonId: me.youngPerson.id } })).toBe(1);

    const listed = unwrap<{ favourites: { id: string; title: string; placesLeft: number }[] }>(await favouritesLoader(routeArgs(getRequest("/young/favourites", me.cookie))));
    expect(listed.data.favourites).toEqual([expect.objectContaining({ id: scene.activity.id, title: "Street dance", placesLeft: 10 })]);

    await save("false");
    await save("false");
    expect(await db().favourite.count({ where: { youngPersonId: me.youngPerson.id } })).toBe(0);
  });

  it("cannot save another council's activity", async () => {
    const mine = await createScene();
    const elsewhere = await createScene();
    const me = await signedIn(mine.programme.id);
    await expectDomainError(setFavourite(db(), me.actor, { activityId: elsewhere.activity.id, favourite: true }), "NOT_FOUND");
    const thrown = await thrownBy(favouritesAction(routeArgs(formRequest("/young/favourites", { activityId: elsewhere.activity.id, favourite: "true" }, { cookie: me.cookie }))));
    expect(statusOf(thrown)).toBe(404);
  });
});

describe("suggesting something that is not on Playpass", () => {
  it("records a suggestion as demand for the young person's council", async () => {
    const scene = await createScene();
    const me = await signedIn(scene.programme.id);
    const reply = unwrap<{ sent: boolean }>(await suggestAction(routeArgs(formRequest("/young/suggest", { text: "Skateboarding   lessons at the harbour", category: "SPORT" }, { cookie: me.cookie }))));
    expect(reply.data.sent).toBe(true);
    expect(await db().demandNote.findMany({ where: { councilId: scene.council.id } })).toEqual([
      expect.objectContaining({ kind: "SUGGESTION", text: "Skateboarding lessons at the harbour", category: "SPORT", youngPersonId: me.youngPerson.id }),
    ]);

    const empty = unwrap<{ result: { error: Record<string, string[]> } }>(await suggestAction(routeArgs(formRequest("/young/suggest", { text: "a" }, { cookie: me.cookie }))));
    expect(empty.status).toBe(400);
    expect(empty.data.result.error.text).toEqual(["Tell us what you would like to do, in a few words."]);
  });

  it("takes a sensible number a day from one young person", async () => {
    const scene = await createScene();
    const me = await signedIn(scene.programme.id);
    for (let i = 0; i < SUGGESTIONS_PER_DAY; i++) await suggestActivity(db(), me.actor, { text: `Idea number ${i}` });
    await expectDomainError(suggestActivity(db(), me.actor, { text: "One more idea" }), "INVALID_INPUT", /tomorrow/);
  });
});

describe("home suggestions", () => {
  it("suggest activities in categories they booked or saved, right for their age and programme, with places, not already booked", async () => {
    const scene = await createScene({ programme: { allowedCategories: ["SWIMMING", "CLIMBING", "DANCE", "MUSIC"] }, activity: { category: "SWIMMING", title: "Lane swim" } });
    const me = await signedIn(scene.programme.id, 14);
    const councilId = scene.council.id;
    const providerId = scene.provider.id;
    await bookSlot(db(), { youngPersonId: me.youngPerson.id, slotId: scene.slot.id, requestKey: randomUUID() });

    const make = async (title: string, options: Partial<Parameters<typeof createActivity>[0]> = {}, slot: { capacity?: number; startsAt?: Date } = {}) => {
      const activity = await createActivity({ providerId, councilId, title, ...options });
      await createSlot({ activityId: activity.id, ...slot });
      return activity;
    };
    const swimLater = await make("Swim club", { category: "SWIMMING" }, { startsAt: daysFromNow(9) });
    const swimSoon = await make("Swim fun", { category: "SWIMMING" }, { startsAt: daysFromNow(3) });
    await make("Swim for little ones", { category: "SWIMMING", minAge: 5, maxAge: 10 });
    await make("Full swim", { category: "SWIMMING" }, { capacity: 0 });
    await make("Paused swim", { category: "SWIMMING", status: "PAUSED" });
    await make("Gig night", { category: "MUSIC" });
    const climbing = await make("Bouldering", { category: "CLIMBING" });
    const { provider: unvetted } = await createProvider({ councilId, vetting: "APPLIED" });
    await make("Unvetted swim", { category: "SWIMMING", providerId: unvetted.id });

    expect((await suggestionsFor(db(), me.youngPerson.id)).map((s) => s.title)).toEqual(["Swim fun", "Swim club"]);

    // Saving a climbing activity brings climbing in; a category the programme does not allow never is.
    await setFavourite(db(), me.actor, { activityId: climbing.id, favourite: true });
    const otherProgramme = await createProgramme({ councilId, allowedCategories: ["GYM"] });
    const gym = await make("Gym induction", { category: "GYM" });
    await setFavourite(db(), me.actor, { activityId: gym.id, favourite: true });
    const titles = (await suggestionsFor(db(), me.youngPerson.id, new Date(), 10)).map((s) => s.title);
    expect(titles).toEqual(expect.arrayContaining(["Swim fun", "Swim club", "Bouldering"]));
    expect(titles).not.toContain("Gym induction");
    expect(titles).toHaveLength(3);
    expect(otherProgramme.id).toBeTruthy();

    const home = unwrap<{ suggestions: { id: string; favourite: boolean }[] }>(await homeLoader(routeArgs(getRequest("/young", me.cookie))));
    expect(home.data.suggestions.find((s) => s.id === climbing.id)?.favourite).toBe(true);
    expect(home.data.suggestions.find((s) => s.id === swimSoon.id)?.favourite).toBe(false);
    expect(swimLater.id).toBeTruthy();
  });

  it("suggests the soonest of every matching activity, by its next session that still has a place", async () => {
    const scene = await createScene({ programme: { allowedCategories: ["DANCE"] }, activity: { category: "DANCE", title: "Saved dance" } });
    const me = await signedIn(scene.programme.id, 14);
    await setFavourite(db(), me.actor, { activityId: scene.activity.id, favourite: true });
    const { council, provider } = scene;
    // Many later ones first, so a few taken in any order would miss the soonest.
    for (let i = 0; i < 45; i++) {
      const later = await createActivity({ providerId: provider.id, councilId: council.id, title: `Later dance ${String(i).padStart(2, "0")}`, category: "DANCE" });
      await createSlot({ activityId: later.id, startsAt: daysFromNow(20 + i) });
    }
    const fullThenFree = await createActivity({ providerId: provider.id, councilId: council.id, title: "Full first", category: "DANCE", capacity: 2 });
    await createSlot({ activityId: fullThenFree.id, startsAt: daysFromNow(1), capacity: 0 });
    const freeSession = await createSlot({ activityId: fullThenFree.id, startsAt: daysFromNow(4), capacity: 2 });
    const soonest = await createActivity({ providerId: provider.id, councilId: council.id, title: "Soonest dance", category: "DANCE" });
    await createSlot({ activityId: soonest.id, startsAt: daysFromNow(2) });

    const now = new Date();
    const suggestions = await suggestionsFor(db(), me.youngPerson.id, now, 3);
    expect(suggestions.map((s) => s.title)).toEqual(["Soonest dance", "Full first", "Saved dance"]);
    expect(suggestions[1]).toMatchObject({ nextSlotAt: freeSession.startsAt.toISOString(), placesLeft: 2 });
    // Looking through the coming sessions in time order, or asking every activity for its next one: the same answer.
    for (const sessionsWalked of [1, 3, 10_000]) expect(await suggestionsFor(db(), me.youngPerson.id, now, 3, { sessionsWalked })).toEqual(suggestions);
  });

  it("suggest nothing to someone who has not booked or saved anything yet", async () => {
    const scene = await createScene();
    const me = await signedIn(scene.programme.id);
    expect(await suggestionsFor(db(), me.youngPerson.id)).toEqual([]);
  });
});

describe("the home page's balance", () => {
  it("counts down the days when the credit runs out within 30 days", async () => {
    const soon = await createProgramme({ endsOn: daysFromNow(10) });
    const me = await signedIn(soon.id);
    const home = unwrap<{ daysLeft: number; pass: { balancePence: number } }>(await homeLoader(routeArgs(getRequest("/young", me.cookie))));
    expect(home.data.pass.balancePence).toBe(5_000);
    expect(home.data.daysLeft).toBeGreaterThanOrEqual(10);
    expect(home.data.daysLeft).toBeLessThanOrEqual(11);
  });
});
