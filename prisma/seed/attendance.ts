// Demo data for providers' own systems at Northbridge Leisure Centre: an API key whose value is printed (so the
// API can be tried with curl), and an attendance report from its till that differs from the door twice, leaving
// two open disputes in the council's queue.
import type { Db } from "~/lib/db.server";
import { apiKeyRecordFor } from "~/domain/providers/api-keys";
import { processAttendanceReport, submitAttendanceReport, type AttendanceRow } from "~/domain/reconciliation";

/** Only ever valid in the demo database; the README prints it too. */
export const DEMO_API_KEY = "pp_live_de000dead0_NorthbridgeLeisureDemoKey-OnlyForTheDemo000";

export async function seedAttendance(db: Db, input: { councilId: string; now: Date }) {
  const { councilId, now } = input;
  const leisure = await db.provider.findFirstOrThrow({ where: { name: "Northbridge Leisure Centre" }, select: { id: true } });
  const manager = await db.user.findUniqueOrThrow({ where: { email: "manager@nb-leisure.example" }, select: { id: true } });
  await db.apiKey.create({ data: { providerId: leisure.id, name: "LeisureHub tills (demo)", createdByUserId: manager.id, ...apiKeyRecordFor(DEMO_API_KEY) } });

  // Sessions of the last three days that have ended: redeemed ones still inside the dispute window, and missed ones.
  const ended = { councilId, slot: { endsAt: { lte: now, gte: new Date(now.getTime() - 3 * 24 * 60 * 60_000) }, activity: { providerId: leisure.id } } };
  const redeemed = await db.booking.findMany({ where: { ...ended, status: "REDEEMED", redemption: { status: "PENDING" } }, select: { code: true }, orderBy: { code: "asc" }, take: 4 });
  const missed = await db.booking.findFirst({ where: { ...ended, status: { in: ["NO_SHOW", "CONFIRMED"] } }, select: { code: true }, orderBy: { code: "asc" } });
  if (redeemed.length < 2 || !missed) {
    console.log("Attendance demo: not enough recent sessions at Northbridge Leisure Centre; no report seeded.");
    return;
  }
  // The till agrees with the door on most; it says one redeemed person was absent, and that one who missed came.
  const [absent, ...agreed] = redeemed;
  const rows: AttendanceRow[] = [
    ...agreed.map((b, i) => ({ line: i + 2, code: b.code, attended: true })),
    { line: agreed.length + 2, code: absent!.code, attended: false },
    { line: agreed.length + 3, code: missed.code, attended: true },
  ];
  const { reportId } = await submitAttendanceReport(db, { providerId: leisure.id, source: "CSV", reference: "leisurehub-register.csv", rows, submittedByUserId: manager.id });
  const result = await processAttendanceReport(db, { reportId, now });
  console.log(`Attendance demo: API key for Northbridge Leisure Centre: ${DEMO_API_KEY}`);
  console.log(`Attendance demo: one report of ${rows.length} lines raised ${result.disputesRaised} open disputes.`);
}
