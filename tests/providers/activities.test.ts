// Venues, activities and photos in the provider portal: prices in pounds kept in pence, drafts until the
// council approves, pause and archive, photos made small, and only the provider's own managers at the controls.
import { mkdtemp, readdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { randomUUID } from "node:crypto";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { bookSlot } from "~/domain/booking";
import { activitySchema, changeActivityStatus, createActivity as createDraft, poundsSchema, updateActivity } from "~/domain/providers/activities";
import { addActivityPhoto, PHOTO_MAX_SIDE, removeActivityPhoto } from "~/domain/providers/photos";
import { createVenue, updateVenue, venueSchema } from "~/domain/providers/venues";
import { getDb } from "~/lib/db.server";
import { resetEnvForTests } from "~/lib/env.server";
import { action as activityAction, loader as activityLoader } from "~/routes/provider.activities.$id._index";
import { loader as venuesLoader } from "~/routes/provider.venues._index";
import { createCouncil, createProvider, createScene, createSlot, createYoungPerson } from "../factories";
import { domainCodes, expectDomainError, settle } from "../helpers";
import { createMember, formRequest, getRequest, routeArgs, signIn, statusOf, thrownBy, unwrap, redirectLocation } from "../support/actors";

const db = () => getDb();

let uploadDir: string;
beforeAll(async () => {
  uploadDir = await mkdtemp(path.join(tmpdir(), "playpass-photos-"));
  process.env.UPLOAD_DIR = uploadDir;
  resetEnvForTests();
});

async function managerOf(providerId: string) {
  const user = await createMember("PROVIDER_MANAGER", { providerId });
  return { user, actor: { userId: user.id, providerId } };
}

function activityFields(councilId: string, venueId: string, overrides: Record<string, unknown> = {}) {
  return {
    councilId,
    venueId,
    title: "Skate jam",
    category: "SPORT",
    description: "Coached skateboarding for beginners and improvers.",
    minAge: 11,
    maxAge: 16,
    price: "4.50",
    capacity: 15,
    cancellationCutoffHours: 24,
    accessibilityFeatures: ["STEP_FREE"],
    accessibility: "Flat tarmac, step-free from the road.",
    whatToBring: "A helmet if you have one.",
    ...overrides,
  };
}

describe("prices", () => {
  it("reads pounds as people type them and keeps pence", () => {
    expect(poundsSchema.parse("4.50")).toBe(450);
    expect(poundsSchema.parse("£12")).toBe(1_200);
    expect(poundsSchema.parse("0")).toBe(0);
    expect(poundsSchema.parse("0.5")).toBe(50);
  });

  it("refuses fractions of a penny, negative prices and words, each with its own message", () => {
    const message = (value: string) => poundsSchema.safeParse(value).error?.issues[0]?.message;
    expect(message("4.505")).toBe("Enter the price in pounds and pence, like 4.50: it cannot include fractions of a penny");
    expect(message("-3")).toBe("The price cannot be negative. Enter 0 if it is free");
    expect(message("four pounds")).toBe("Enter the price as an amount in pounds, like 4.50");
    expect(message("")).toBe("Enter the price in pounds, or 0 if it is free");
    expect(message("600")).toBe("The price must be £500 or less");
  });

  it("checks ages, places and cut-off", () => {
    const issues = (overrides: Record<string, unknown>) =>
      Object.fromEntries((activitySchema.safeParse(activityFields(randomUUID(), randomUUID(), overrides)).error?.issues ?? []).map((i) => [i.path.join("."), i.message]));
    expect(issues({ minAge: 16, maxAge: 11 })).toEqual({ maxAge: "The oldest age must be the same as or more than the youngest age" });
    expect(issues({ capacity: 0 })).toEqual({ capacity: "The number of places must be 1 or more" });
    expect(issues({ capacity: 2.5 })).toEqual({ capacity: "Enter the number of places as a whole number" });
    expect(issues({ title: "" })).toEqual({ title: "Enter a title" });
    expect(issues({ description: "Fun" })).toEqual({ description: "The description must be at least 20 characters: say what young people will do" });
    expect(issues({ cancellationCutoffHours: 200 })).toEqual({ cancellationCutoffHours: "The cancellation cut-off must be 168 or less" });
    expect(issues({ category: "SKYDIVING" })).toEqual({ category: "Choose a category" });
  });
});

describe("publishing", () => {
  it("lets a provider still being vetted draft an activity but not publish it; once approved it goes live", async () => {
    const council = await createCouncil();
    const { provider, venue } = await createProvider({ councilId: council.id, vetting: "APPLIED" });
    const { actor } = await managerOf(provider.id);
    const draft = await createDraft(db(), actor, activitySchema.parse(activityFields(council.id, venue.id)));
    const stored = await db().activity.findUniqueOrThrow({ where: { id: draft.id } });
    expect(stored).toMatchObject({ status: "DRAFT", pricePence: 450, accessibilityFeatures: ["STEP_FREE"], providerId: provider.id });

    await expectDomainError(changeActivityStatus(db(), actor, draft.id, "publish"), "PROVIDER_NOT_APPROVED", /has not approved you yet/);
    expect((await db().activity.findUniqueOrThrow({ where: { id: draft.id } })).status).toBe("DRAFT");

    await db().providerCouncil.update({ where: { providerId_councilId: { providerId: provider.id, councilId: council.id } }, data: { status: "APPROVED" } });
    expect(await changeActivityStatus(db(), actor, draft.id, "publish")).toEqual({ status: "LIVE", changed: true });
    expect(await changeActivityStatus(db(), actor, draft.id, "pause")).toEqual({ status: "PAUSED", changed: true });
    expect(await changeActivityStatus(db(), actor, draft.id, "pause")).toEqual({ status: "PAUSED", changed: false });
  });

  it("refuses a venue or council that is not the provider's own", async () => {
    const { council, provider } = await createScene();
    const other = await createProvider({ councilId: council.id });
    const elsewhere = await createCouncil();
    const { actor } = await managerOf(provider.id);
    const ownVenue = (await db().venue.findFirstOrThrow({ where: { providerId: provider.id } })).id;
    const wrongVenue = await expectDomainError(createDraft(db(), actor, activitySchema.parse(activityFields(council.id, other.venue.id))), "INVALID_INPUT");
    expect(wrongVenue.field).toBe("venueId");
    const wrongCouncil = await expectDomainError(createDraft(db(), actor, activitySchema.parse(activityFields(elsewhere.id, ownVenue))), "INVALID_INPUT");
    expect(wrongCouncil.field).toBe("councilId");
  });

  it("archives only once no coming session has bookings, and then nobody can change it", async () => {
    const { programme, provider, activity, slot } = await createScene();
    const { actor } = await managerOf(provider.id);
    const { youngPerson } = await createYoungPerson({ programmeId: programme.id });
    await bookSlot(db(), { youngPersonId: youngPerson.id, slotId: slot.id, requestKey: randomUUID() });
    const empty = await createSlot({ activityId: activity.id });
    await expectDomainError(changeActivityStatus(db(), actor, activity.id, "archive"), "ACTIVITY_UNAVAILABLE", /This activity has 1 coming session with bookings or places offered\. Cancel it first/);

    await db().booking.updateMany({ where: { slotId: slot.id }, data: { status: "CANCELLED" } });
    await db().slot.update({ where: { id: slot.id }, data: { booked: 0 } });
    expect(await changeActivityStatus(db(), actor, activity.id, "archive")).toEqual({ status: "ARCHIVED", changed: true });
    expect((await db().slot.findUniqueOrThrow({ where: { id: empty.id } })).status).toBe("CANCELLED");
    await expectDomainError(updateActivity(db(), actor, activity.id, activitySchema.parse(activityFields(activity.councilId, activity.venueId))), "ACTIVITY_UNAVAILABLE", /archived/);
    await expectDomainError(changeActivityStatus(db(), actor, activity.id, "publish"), "ACTIVITY_UNAVAILABLE");
  });
});

describe("photos", () => {
  it("stores a large photo as a small JPEG, no larger than 1200 pixels on its longest side", async () => {
    const { provider, activity } = await createScene();
    const { actor } = await managerOf(provider.id);
    const big = await sharp({ create: { width: 3000, height: 2000, channels: 3, background: "#3366cc" } }).png().toBuffer();
    const photo = await addActivityPhoto(db(), actor, { activityId: activity.id, bytes: new Uint8Array(big), originalName: "IMG_0001.PNG", altText: "The skate park at sunset" });
    expect(photo).toMatchObject({ width: PHOTO_MAX_SIDE, height: 800 });
    const file = await db().storedFile.findUniqueOrThrow({ where: { id: photo.fileId } });
    expect(file).toMatchObject({ kind: "ACTIVITY_PHOTO", contentType: "image/jpeg", originalName: "IMG_0001.jpg", providerId: provider.id });
    expect(file.sizeBytes).toBeLessThan(100_000);
    expect(await readdir(uploadDir)).toContain(file.storedName);

    await removeActivityPhoto(db(), actor, { activityId: activity.id, photoId: photo.id });
    expect(await db().storedFile.count({ where: { id: photo.fileId } })).toBe(0);
    expect(await readdir(uploadDir)).not.toContain(file.storedName);
  });

  it("never lets two uploads at once take an activity past its six photos", async () => {
    const { provider, activity } = await createScene();
    const { actor } = await managerOf(provider.id);
    const small = new Uint8Array(await sharp({ create: { width: 40, height: 30, channels: 3, background: "#cc3366" } }).jpeg().toBuffer());
    for (let i = 0; i < 5; i++) await addActivityPhoto(db(), actor, { activityId: activity.id, bytes: small, originalName: `p${i}.jpg`, altText: `Photo number ${i}` });
    const before = new Set(await readdir(uploadDir));
    const results = await settle([0, 1, 2].map((i) => addActivityPhoto(db(), actor, { activityId: activity.id, bytes: small, originalName: `race${i}.jpg`, altText: `Racing photo ${i}` })));
    expect(results.fulfilled).toHaveLength(1);
    expect(domainCodes(results.rejected)).toEqual(["INVALID_INPUT", "INVALID_INPUT"]);
    expect(await db().activityPhoto.count({ where: { activityId: activity.id } })).toBe(6);
    // The refused uploads leave no files behind: one new file, the one that was kept.
    const added = (await readdir(uploadDir)).filter((name) => !before.has(name));
    const kept = await db().storedFile.findUniqueOrThrow({ where: { id: (results.fulfilled[0] as { fileId: string }).fileId } });
    expect(added).toEqual([kept.storedName]);
  });

  it("refuses bytes that only claim to be a photo", async () => {
    const { provider, activity } = await createScene();
    const { actor } = await managerOf(provider.id);
    const broken = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3, 4]);
    await expectDomainError(addActivityPhoto(db(), actor, { activityId: activity.id, bytes: broken, originalName: "x.jpg", altText: "Broken photo" }), "INVALID_INPUT", /could not read that photo/);
  });
});

describe("the portal's pages", () => {
  it("lets only managers in: door staff are refused, and another provider's activity is not found", async () => {
    const { council, provider, activity } = await createScene();
    const door = await createMember("DOOR_STAFF", { providerId: provider.id });
    expect(statusOf(await thrownBy(venuesLoader(routeArgs(getRequest("/provider/venues", await signIn(door.id))))))).toBe(403);
    const { provider: other } = await createProvider({ councilId: council.id });
    const { user: otherManager } = await managerOf(other.id);
    const cookie = await signIn(otherManager.id);
    expect(statusOf(await thrownBy(activityLoader(routeArgs(getRequest(`/provider/activities/${activity.id}`, cookie), { id: activity.id }))))).toBe(404);
    expect(statusOf(await thrownBy(activityLoader(routeArgs(getRequest(`/provider/activities/not-an-id`, cookie), { id: "not-an-id" }))))).toBe(404);
    const refused = await thrownBy(activityAction(routeArgs(formRequest(`/provider/activities/${activity.id}`, { intent: "pause" }, { cookie }), { id: activity.id })));
    expect(statusOf(refused)).toBe(404);
    expect((await db().activity.findUniqueOrThrow({ where: { id: activity.id } })).status).toBe("LIVE");
  });

  it("saves a new activity as a draft from the form, and shows each field's problem next to it", async () => {
    const { council, provider, venue } = await createScene();
    const { user } = await managerOf(provider.id);
    const cookie = await signIn(user.id);
    const fields = Object.fromEntries(
      Object.entries(activityFields(council.id, venue.id, { accessibilityFeatures: undefined })).flatMap(([k, v]) => (v === undefined ? [] : [[k, String(v)]])),
    ) as Record<string, string>;
    const bad = unwrap<{ intent: string; result: { error: Record<string, string[]> } }>(
      await activityAction(routeArgs(formRequest("/provider/activities/new", { ...fields, price: "3.999", minAge: "12", maxAge: "10" }, { cookie }), { id: "new" })),
    );
    expect(bad.status).toBe(400);
    expect(bad.data.result.error.price).toEqual(["Enter the price in pounds and pence, like 4.50: it cannot include fractions of a penny"]);
    expect(bad.data.result.error.maxAge).toEqual(["The oldest age must be the same as or more than the youngest age"]);

    const location = redirectLocation(await thrownBy(activityAction(routeArgs(formRequest("/provider/activities/new", fields, { cookie }), { id: "new" }))));
    const id = /\/provider\/activities\/([0-9a-f-]{36})\?saved=created/.exec(location)?.[1];
    expect(id).toBeDefined();
    expect(await db().activity.findUniqueOrThrow({ where: { id: id! } })).toMatchObject({ status: "DRAFT", pricePence: 450, title: "Skate jam" });
  });
});

describe("venues", () => {
  it("adds and changes a venue with its postcode in one spelling and its access features", async () => {
    const { provider } = await createScene();
    const { actor } = await managerOf(provider.id);
    const venue = await createVenue(db(), actor, venueSchema.parse({ name: "Skate barn", addressLine1: "1 Mill Lane", town: "Northbridge", postcode: "nb25rs", accessibilityFeatures: ["STEP_FREE", "STEP_FREE", "HEARING_LOOP"] }));
    expect(await db().venue.findUniqueOrThrow({ where: { id: venue.id } })).toMatchObject({ postcode: "NB2 5RS", accessibilityFeatures: ["STEP_FREE", "HEARING_LOOP"] });
    const other = await createProvider({ councilId: (await createCouncil()).id });
    await expectDomainError(updateVenue(db(), { userId: actor.userId, providerId: other.provider.id }, venue.id, venueSchema.parse({ name: "Taken", addressLine1: "x", town: "y", postcode: "NB1 1AA" })), "NOT_FOUND");
  });
});
