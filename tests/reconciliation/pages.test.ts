// The attendance, API key and disputes pages as a browser without JavaScript uses them: managers only on the
// provider side, each tenant's records only, bad input answered next to the field with nothing written.
import { describe, expect, it } from "vitest";
import { getDb } from "~/lib/db.server";
import { redeemBooking } from "~/domain/booking";
import { createApiKey } from "~/domain/providers/api-keys";
import { makeDueRedemptionsPayable, processAttendanceReport, submitAttendanceReport } from "~/domain/reconciliation";
import { getQueue } from "~/lib/queues.server";
import { action as uploadAction, loader as attendanceLoader } from "~/routes/provider.attendance._index";
import { loader as reportLoader } from "~/routes/provider.attendance.$reportId";
import { action as keysAction, loader as keysLoader } from "~/routes/provider.api-keys";
import { loader as queueLoader } from "~/routes/council.disputes._index";
import { action as decideAction, loader as disputeLoader } from "~/routes/council.disputes.$disputeId";
import { doorActor } from "../factories";
import { expectLedgerOk, payableBalance } from "../helpers";
import { createMember, formRequest, getRequest, redirectLocation, routeArgs, signIn, statusOf, thrownBy, unwrap } from "../support/actors";
import { useWorkerTestEnvironment } from "../support/workers";
import { pastSession } from "./fixtures";

useWorkerTestEnvironment();
const db = () => getDb();

async function staff(providerId: string, role: "PROVIDER_MANAGER" | "DOOR_STAFF" = "PROVIDER_MANAGER") {
  const user = await createMember(role, { providerId });
  return { user, cookie: await signIn(user.id) };
}

function upload(cookie: string, name: string, text: string) {
  const form = new FormData();
  form.append("file", new File([text], name, { type: "text/csv" }));
  return new Request("http://localhost/provider/attendance", { method: "POST", headers: { Cookie: cookie }, body: form });
}

describe("/provider/attendance", () => {
  it("lists every bad row of an upload by line and stores nothing", async () => {
    const scene = await pastSession(1);
    const { cookie } = await staff(scene.provider.id);
    const result = unwrap<{ outcome: string; problems: { line: number }[] }>(
      await uploadAction(routeArgs(upload(cookie, "register.csv", `booking_code,attended\n${scene.people[0]!.booking.code},yes\nbad!,yes\n${scene.people[0]!.booking.code},no\n`))),
    );
    expect(result.status).toBe(400);
    expect(result.data.problems.map((p) => p.line)).toEqual([3, 4]);
    expect(await db().attendanceReport.count({ where: { providerId: scene.provider.id } })).toBe(0);
  });

  it("stores a good file once, queues it, and shows it to its own provider only", async () => {
    const scene = await pastSession(1);
    const other = await pastSession(1);
    const { cookie } = await staff(scene.provider.id);
    const csv = `booking_code\n${scene.people[0]!.booking.code}\n`;
    const location = redirectLocation(await thrownBy(uploadAction(routeArgs(upload(cookie, "register.csv", csv)))));
    const reportId = location.split("/").at(-1)!;
    expect(redirectLocation(await thrownBy(uploadAction(routeArgs(upload(cookie, "register.csv", csv)))))).toBe(`${location}?again=1`);
    expect(await db().attendanceReport.count({ where: { providerId: scene.provider.id } })).toBe(1);
    expect((await getQueue("attendance").getJob(`attendance-report-${reportId}`))?.data).toEqual({ task: "process-report", reportId });

    await processAttendanceReport(db(), { reportId });
    const page = unwrap<{ report: { status: string; disputes: { kind: string }[] } }>(await reportLoader(routeArgs(getRequest(location, cookie), { reportId })));
    expect(page.data.report).toMatchObject({ status: "PROCESSED", disputes: [{ kind: "PRESENT_NOT_REDEEMED" }] });
    const list = unwrap<{ reports: { id: string; disputes: number }[] }>(await attendanceLoader(routeArgs(getRequest("/provider/attendance", cookie))));
    expect(list.data.reports).toEqual([expect.objectContaining({ id: reportId, disputes: 1 })]);

    const outsider = await staff(other.provider.id);
    expect(statusOf(await thrownBy(reportLoader(routeArgs(getRequest(location, outsider.cookie), { reportId }))))).toBe(404);
  });

  it("is for managers: door staff are refused", async () => {
    const scene = await pastSession(1);
    const door = await staff(scene.provider.id, "DOOR_STAFF");
    expect(statusOf(await thrownBy(attendanceLoader(routeArgs(getRequest("/provider/attendance", door.cookie)))))).toBe(403);
    expect(statusOf(await thrownBy(keysLoader(routeArgs(getRequest("/provider/api-keys", door.cookie)))))).toBe(403);
  });
});

describe("/provider/api-keys", () => {
  it("shows a new key once, then only its prefix; revokes it; cannot touch another provider's key", async () => {
    const scene = await pastSession(1);
    const other = await pastSession(1);
    const { cookie } = await staff(scene.provider.id);
    const created = unwrap<{ outcome: string; token: string }>(await keysAction(routeArgs(formRequest("/provider/api-keys", { intent: "create", name: "LeisureHub" }, { cookie }))));
    expect(created.data).toMatchObject({ outcome: "created", token: expect.stringMatching(/^pp_live_/) });
    const listed = unwrap<{ keys: Record<string, unknown>[] }>(await keysLoader(routeArgs(getRequest("/provider/api-keys", cookie))));
    expect(listed.data.keys).toHaveLength(1);
    expect(JSON.stringify(listed.data)).not.toContain(created.data.token);

    const theirs = await createApiKey(db(), { providerId: other.provider.id, name: "Theirs", actorUserId: null });
    expect(statusOf(await thrownBy(keysAction(routeArgs(formRequest("/provider/api-keys", { intent: "revoke", keyId: theirs.id }, { cookie })))))).toBe(404);
    expect((await db().apiKey.findUniqueOrThrow({ where: { id: theirs.id } })).revokedAt).toBeNull();

    const mine = listed.data.keys[0]!.id as string;
    expect(unwrap(await keysAction(routeArgs(formRequest("/provider/api-keys", { intent: "revoke", keyId: mine }, { cookie })))).data).toMatchObject({ outcome: "revoked" });
    expect((await db().apiKey.findUniqueOrThrow({ where: { id: mine } })).revokedAt).toBeInstanceOf(Date);
  });

  it("asks for a name next to the field", async () => {
    const scene = await pastSession(1);
    const { cookie } = await staff(scene.provider.id);
    const result = unwrap<{ result: { error: Record<string, string[]> } }>(await keysAction(routeArgs(formRequest("/provider/api-keys", { intent: "create", name: "  " }, { cookie }))));
    expect(result.status).toBe(400);
    expect(result.data.result.error.name).toEqual([expect.stringMatching(/Give the key a name/)]);
    expect(await db().apiKey.count({ where: { providerId: scene.provider.id } })).toBe(0);
  });
});

describe("/council/disputes", () => {
  async function disputed() {
    const scene = await pastSession(1);
    const rows = [{ line: 2, code: scene.people[0]!.booking.code, attended: true }];
    const { reportId } = await submitAttendanceReport(db(), { providerId: scene.provider.id, source: "CSV", reference: "r.csv", rows, submittedByUserId: null });
    await processAttendanceReport(db(), { reportId });
    const dispute = await db().dispute.findFirstOrThrow({ where: { reportId } });
    const officer = await createMember("OFFICER", { councilId: scene.council.id }, { displayName: "Olu" });
    return { scene, dispute, officer, cookie: await signIn(officer.id) };
  }

  it("queues open disputes for the council's officers, and another council's officer cannot see or decide them", async () => {
    const { scene, dispute, cookie } = await disputed();
    const queue = unwrap<{ open: number; disputes: { id: string }[] }>(await queueLoader(routeArgs(getRequest("/council/disputes", cookie))));
    expect(queue.data).toMatchObject({ open: 1, disputes: [{ id: dispute.id }] });

    const elsewhere = await pastSession(1);
    const stranger = await signIn((await createMember("OFFICER", { councilId: elsewhere.council.id })).id);
    const path = `/council/disputes/${dispute.id}`;
    expect(statusOf(await thrownBy(disputeLoader(routeArgs(getRequest(path, stranger), { disputeId: dispute.id }))))).toBe(404);
    expect(statusOf(await thrownBy(decideAction(routeArgs(formRequest(path, { decision: "PAY_PROVIDER", note: "x" }, { cookie: stranger }), { disputeId: dispute.id }))))).toBe(404);
    expect(await payableBalance(scene.council.id, scene.provider.id)).toBe(0);
  });

  it("records a decision with its note and moves the money", async () => {
    const { scene, dispute, cookie, officer } = await disputed();
    const path = `/council/disputes/${dispute.id}`;
    const missing = unwrap<{ result: { error: Record<string, string[]> } }>(await decideAction(routeArgs(formRequest(path, { decision: "PAY_PROVIDER" }, { cookie }), { disputeId: dispute.id })));
    expect(missing.status).toBe(400);
    expect(missing.data.result.error.note).toEqual([expect.stringMatching(/Say why/)]);

    expect(redirectLocation(await thrownBy(decideAction(routeArgs(formRequest(path, { decision: "PAY_PROVIDER", note: "On the signing-in sheet." }, { cookie }), { disputeId: dispute.id }))))).toBe(`${path}?decided=1`);
    const page = unwrap<{ dispute: { status: string; decisionLabel: string; decidedByName: string } }>(await disputeLoader(routeArgs(getRequest(path, cookie), { disputeId: dispute.id })));
    expect(page.data.dispute).toMatchObject({ status: "RESOLVED", decisionLabel: "Pay the provider", decidedByName: "Olu" });
    expect((await db().dispute.findUniqueOrThrow({ where: { id: dispute.id } })).decidedByUserId).toBe(officer.id);
    expect(await payableBalance(scene.council.id, scene.provider.id)).toBe(500);

    const again = unwrap<{ result: { error: Record<string, string[]> } }>(await decideAction(routeArgs(formRequest(path, { decision: "NO_ACTION", note: "Changed my mind." }, { cookie }), { disputeId: dispute.id })));
    expect(again.status).toBe(409);
    expect(again.data.result.error.decision).toEqual([expect.stringMatching(/already been decided/)]);
    await expectLedgerOk(scene.council.id);
  });

  it("leaves a redeemed booking's dispute off the provider's payment until decided", async () => {
    const scene = await pastSession(1, { programme: { disputeWindowDays: 0 } });
    await redeemBooking(db(), { code: scene.people[0]!.booking.code, providerId: scene.provider.id, actor: doorActor(), now: scene.slot.startsAt });
    const { reportId } = await submitAttendanceReport(db(), { providerId: scene.provider.id, source: "CSV", reference: "r.csv", rows: [{ line: 2, code: scene.people[0]!.booking.code, attended: false }], submittedByUserId: null });
    await processAttendanceReport(db(), { reportId });
    await makeDueRedemptionsPayable(db(), { now: new Date() });
    expect((await db().redemption.findUniqueOrThrow({ where: { bookingId: scene.people[0]!.booking.id } })).status).toBe("PENDING");
  });
});
