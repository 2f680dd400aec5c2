// Demo data for the council's own work: a second programme still in draft, a finished enrolment import
// (with two bad rows in its report, and young people waiting for letters or invitations), and a pass
// application waiting for an officer.
import PDFDocument from "pdfkit";
import type { Db } from "~/lib/db.server";
import { createProgramme, runCouncilJob, startEnrolmentImport, submitPassApplication } from "~/domain/programmes";
import { ENROLMENT_COLUMNS } from "~/domain/programmes/enrolment";

const FIRST = ["Aisha", "Ben", "Chloe", "Dev", "Ella", "Finn", "Grace", "Harvey", "Isla", "Jayden", "Kai", "Lola", "Maya", "Noah", "Orla", "Priya"];
const LAST = ["Ahmed", "Brown", "Clarke", "Davies", "Evans", "Fraser", "Green", "Hussain", "Iqbal", "Jones", "Khan", "Lewis"];
const WARDS = [
  ["Riverside", "NB1"],
  ["Hill Top", "NB4"],
  ["Old Town", "NB2"],
  ["Canal Side", "NB3"],
] as const;

export async function seedCouncil(db: Db, input: { councilId: string; now: Date }) {
  const { councilId, now } = input;
  const officer = await db.user.findUniqueOrThrow({ where: { email: "officer@northbridge.example" }, select: { id: true } });
  const context = { councilId, actorUserId: officer.id };
  const year = now.getUTCFullYear();

  await createProgramme(db, context, {
    name: `Winter Wellbeing ${year + 1}`,
    status: "DRAFT",
    budgetPence: 4_000_000,
    baseAllocationPence: 3_000,
    upliftsPence: { CARE_EXPERIENCED: 2_000, YOUNG_CARER: 2_000 },
    minAge: 11,
    maxAge: 19,
    ageReferenceDate: new Date(Date.UTC(year, 7, 31)),
    eligibleWards: ["Hill Top", "Canal Side"],
    eligiblePostcodes: ["NB3"],
    allowedCategories: ["SWIMMING", "GYM", "DANCE", "OUTDOORS", "ARTS"],
    startsOn: new Date(Date.UTC(year + 1, 0, 5)),
    endsOn: new Date(Date.UTC(year + 1, 2, 31)),
    maxPerBookingPence: 1_500,
    noShowPolicy: "RELEASE",
    payoutSchedule: "WEEKLY",
    approvalThresholdPence: 250_000,
    waitlistOfferMinutes: 120,
  });

  // A small school roll: 40 good rows (a third with no phone or email, for printed letters) and two bad ones.
  const lines = [ENROLMENT_COLUMNS.join(",")];
  for (let i = 0; i < 40; i++) {
    const [ward, outward] = WARDS[i % WARDS.length]!;
    // Ofcom's drama range (07700 900000 to 900999): never a real phone.
    const contact = i % 3 === 0 ? ["", ""] : i % 3 === 1 ? [`pupil${i}@school.example`, ""] : ["", `07700 900${500 + i}`];
    const born = `${year - 12 - (i % 5)}-${String(1 + (i % 12)).padStart(2, "0")}-${String(1 + (i % 27)).padStart(2, "0")}`;
    lines.push([`NBA-${1000 + i}`, FIRST[i % FIRST.length], LAST[i % LAST.length], born, `${outward} ${i % 9}QT`, ward, i % 6 === 0 ? "FSM" : i % 10 === 0 ? "CARER" : "", ...contact].join(","));
  }
  lines.push(`NBA-2000,Sam,Smith,2012-02-30,NB1 2QT,Riverside,,,`);
  lines.push(`NBA-2001,Jo,Jones,2013-05-05,NOT KNOWN,Riverside,,,`);
  const job = await startEnrolmentImport(db, context, { bytes: Buffer.from(lines.join("\n") + "\n"), type: "csv", originalName: "northbridge-academy-year7-9.csv" });
  await runCouncilJob(db, job.id);

  await submitPassApplication(
    db,
    { councilId, firstName: "Tyler", lastName: "Morgan", dateOfBirth: new Date(Date.UTC(year - 15, 3, 12)), postcode: "NB2 7LP", email: "tyler.morgan@example.com", phone: null, guardianContact: null },
    { bytes: await proofPdf(), type: "pdf", originalName: "council-tax-bill.pdf" },
  );
}

/** A one-page stand-in for a scanned bill, so the demo's proof of address opens as a real PDF. */
function proofPdf(): Promise<Buffer> {
  const doc = new PDFDocument({ size: "A4", margin: 56 });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const done = new Promise<Buffer>((resolve) => doc.on("end", () => resolve(Buffer.concat(chunks))));
  doc.fontSize(18).text("Northbridge Council: Council Tax bill (demo)");
  doc.moveDown().fontSize(12).text("Mrs K Morgan\n14 Canal Street\nNorthbridge\nNB2 7LP");
  doc.end();
  return done;
}
