// Files: the provider's staff and its councils' officers may read its documents; photos of live activities are
// public; everyone else is told the file does not exist. Nothing is served so a browser would render it.
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { resetEnvForTests } from "~/lib/env.server";
import { storeFile } from "~/lib/uploads.server";
import { loader as fileLoader } from "~/routes/files.$fileId";
import { createCouncil, createProvider, createScene } from "../factories";
import { createMember, createUser, getRequest, routeArgs, signIn, statusOf, thrownBy } from "../support/actors";

const db = () => getDb();
const PDF = new TextEncoder().encode("%PDF-1.7\n1 0 obj\n<<>>\nendobj\n");
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0x10, 0x4a, 0x46, 0x49, 0x46]);

beforeAll(async () => {
  process.env.UPLOAD_DIR = await mkdtemp(path.join(tmpdir(), "playpass-files-"));
  resetEnvForTests();
});

async function fetchFile(fileId: string, userId?: string): Promise<number | Response> {
  const request = getRequest(`/files/${fileId}`, userId ? await signIn(userId) : undefined);
  try {
    return (await fileLoader(routeArgs(request, { fileId }))) as Response;
  } catch (thrown) {
    return statusOf(thrown);
  }
}

async function applicantWithPolicy() {
  const council = await createCouncil();
  const { provider } = await createProvider({ councilId: council.id, vetting: "APPLIED" });
  const file = await storeFile(db(), { bytes: PDF, type: "pdf", originalName: "Safeguarding.pdf", kind: "SAFEGUARDING_POLICY", providerId: provider.id, councilId: council.id });
  return { council, provider, file };
}

describe("documents", () => {
  it("are served to the provider's own staff as a download nobody's browser renders", async () => {
    const { provider, file } = await applicantWithPolicy();
    const door = await createMember("DOOR_STAFF", { providerId: provider.id });
    const response = await fetchFile(file.id, door.id);
    expect(response).toBeInstanceOf(Response);
    const served = response as Response;
    expect(served.status).toBe(200);
    expect(served.headers.get("Content-Type")).toBe("application/pdf");
    expect(served.headers.get("Content-Disposition")).toMatch(/^attachment;/);
    expect(served.headers.get("Cache-Control")).toBe("private, no-store");
    expect(new Uint8Array(await served.arrayBuffer())).toEqual(PDF);
  });

  it("are served to officers of the council the provider applied to, whether or not the file names it", async () => {
    const { council, provider, file } = await applicantWithPolicy();
    const officer = await createMember("OFFICER", { councilId: council.id });
    expect(((await fetchFile(file.id, officer.id)) as Response).status).toBe(200);
    // A later council the provider applies to may read the documents it was sent first.
    const second = await createCouncil();
    await db().providerCouncil.create({ data: { providerId: provider.id, councilId: second.id } });
    const secondOfficer = await createMember("FINANCE_OFFICER", { councilId: second.id });
    expect(((await fetchFile(file.id, secondOfficer.id)) as Response).status).toBe(200);
  });

  it("are 'not found' for another council's officer, another provider, a young person and a visitor", async () => {
    const { file } = await applicantWithPolicy();
    const otherCouncil = await createCouncil();
    const strangerOfficer = await createMember("OFFICER", { councilId: otherCouncil.id });
    const { provider: otherProvider } = await createProvider({ councilId: otherCouncil.id });
    const otherManager = await createMember("PROVIDER_MANAGER", { providerId: otherProvider.id });
    const nobody = await createUser();
    for (const userId of [strangerOfficer.id, otherManager.id, nobody.id, undefined]) expect(await fetchFile(file.id, userId)).toBe(404);
    expect(await fetchFile("00000000-0000-4000-8000-000000000000", otherManager.id)).toBe(404);
    expect(await fetchFile("../../etc/passwd")).toBe(404);
  });

  it("are served to officers of the file's own council even without a provider (an enrolment file)", async () => {
    const council = await createCouncil();
    const csv = await storeFile(db(), { bytes: new TextEncoder().encode("a,b\n1,2\n"), type: "csv", originalName: "enrol.csv", kind: "ENROLMENT_CSV", councilId: council.id });
    const officer = await createMember("OFFICER", { councilId: council.id });
    expect(((await fetchFile(csv.id, officer.id)) as Response).status).toBe(200);
    expect(await fetchFile(csv.id, (await createMember("OFFICER", { councilId: (await createCouncil()).id })).id)).toBe(404);
  });
});

describe("activity photos", () => {
  it("are public while the activity is live, shown inline, and 'not found' once it is paused", async () => {
    const { council, provider, activity } = await createScene();
    const file = await storeFile(db(), { bytes: JPEG, type: "jpeg", originalName: "pool.jpg", kind: "ACTIVITY_PHOTO", providerId: provider.id, councilId: council.id });
    await db().activityPhoto.create({ data: { activityId: activity.id, fileId: file.id, altText: "The pool" } });
    const response = (await fetchFile(file.id)) as Response;
    expect(response.status).toBe(200);
    expect(response.headers.get("Content-Disposition")).toMatch(/^inline;/);
    expect(response.headers.get("Cache-Control")).toBe("public, max-age=3600");

    await db().activity.update({ where: { id: activity.id }, data: { status: "PAUSED" } });
    expect(await fetchFile(file.id)).toBe(404);
    const manager = await createMember("PROVIDER_MANAGER", { providerId: provider.id });
    expect(((await fetchFile(file.id, manager.id)) as Response).status).toBe(200);
  });

  it("of a draft are seen only by the provider and its councils", async () => {
    const { council, provider, activity } = await createScene({ activity: { status: "DRAFT" } });
    const file = await storeFile(db(), { bytes: JPEG, type: "jpeg", originalName: "draft.jpg", kind: "ACTIVITY_PHOTO", providerId: provider.id, councilId: council.id });
    await db().activityPhoto.create({ data: { activityId: activity.id, fileId: file.id, altText: "Draft" } });
    expect(await fetchFile(file.id)).toBe(404);
    expect(((await fetchFile(file.id, (await createMember("OFFICER", { councilId: council.id })).id)) as Response).status).toBe(200);
  });
});
