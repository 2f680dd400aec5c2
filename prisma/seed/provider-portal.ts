// Demo data for the provider portal: photos on a few activities (drawn here, no downloads), a weekly pattern of
// sessions with a skipped date, and an applicant with its documents waiting for the council's vetting.
import sharp from "sharp";
import type { Db } from "~/lib/db.server";
import { applicationSchema, submitApplication } from "~/domain/providers/application";
import { addActivityPhoto } from "~/domain/providers/photos";
import { addSlotSeries, dayKey, slotSeriesSchema } from "~/domain/providers/schedule";

const DAY = 24 * 60 * 60 * 1000;

/** The applicant's contact signs in with this address to follow the application. */
export const DEMO_APPLICANT_EMAIL = "manager@eastfield-theatre.example";

type Picture = { provider: string; activity: string; alt: string; colours: [string, string]; shapes: string };

// Simple pictures in SVG (shapes only: no fonts needed), turned into JPEGs like any uploaded photo.
const PICTURES: Picture[] = [
  {
    provider: "Northbridge Leisure Centre",
    activity: "Teen swim session",
    alt: "Blue pool lanes with lane ropes and a swimmer",
    colours: ["#0b6fb8", "#53b7e8"],
    shapes: `${[0, 1, 2, 3, 4].map((i) => `<rect x="0" y="${120 + i * 90}" width="1200" height="8" fill="#ffffff" opacity="0.7"/>`).join("")}
      <circle cx="520" cy="300" r="34" fill="#ffcc4d"/><rect x="560" y="285" width="160" height="30" rx="15" fill="#ffcc4d"/>`,
  },
  {
    provider: "Peak Climbing Wall",
    activity: "Bouldering taster",
    alt: "A climbing wall covered in colourful holds",
    colours: ["#4a4a58", "#8c8ca1"],
    shapes: Array.from({ length: 28 }, (_, i) => {
      const colours = ["#ff6b6b", "#ffd93d", "#6bcB77", "#4d96ff", "#c77dff"];
      return `<ellipse cx="${80 + ((i * 173) % 1040)}" cy="${70 + ((i * 97) % 640)}" rx="${22 + (i % 4) * 6}" ry="${16 + (i % 3) * 5}" fill="${colours[i % colours.length]}"/>`;
    }).join(""),
  },
  {
    provider: "Soundbox Studios",
    activity: "Recording studio session (2 hours)",
    alt: "A mixing desk with faders and a microphone",
    colours: ["#1d1b2f", "#3f2b63"],
    shapes: `${Array.from({ length: 16 }, (_, i) => `<rect x="${120 + i * 60}" y="420" width="14" height="240" fill="#6c6c80"/><rect x="${108 + i * 60}" y="${460 + ((i * 37) % 160)}" width="38" height="22" rx="4" fill="#e6e6f0"/>`).join("")}
      <rect x="560" y="80" width="80" height="200" rx="40" fill="#c0c0d0"/><rect x="592" y="280" width="16" height="90" fill="#c0c0d0"/>`,
  },
  {
    provider: "Riverside 3G Pitches",
    activity: "Five-a-side pitch hire (1 hour)",
    alt: "A floodlit green five-a-side pitch with white lines and a goal",
    colours: ["#1f7a3a", "#38a85a"],
    shapes: `<rect x="80" y="80" width="1040" height="640" fill="none" stroke="#ffffff" stroke-width="10"/><line x1="600" y1="80" x2="600" y2="720" stroke="#ffffff" stroke-width="10"/>
      <circle cx="600" cy="400" r="90" fill="none" stroke="#ffffff" stroke-width="10"/><rect x="80" y="300" width="60" height="200" fill="none" stroke="#ffffff" stroke-width="10"/>`,
  },
];

async function drawPicture(picture: Picture): Promise<Uint8Array> {
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="800" viewBox="0 0 1200 800">
    <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${picture.colours[0]}"/><stop offset="1" stop-color="${picture.colours[1]}"/></linearGradient></defs>
    <rect width="1200" height="800" fill="url(#g)"/>${picture.shapes}</svg>`;
  return new Uint8Array(await sharp(Buffer.from(svg)).png().toBuffer());
}

/** A small, valid one-page PDF with a few lines of text, as an applicant's document. */
function pdfDocument(lines: string[]): Uint8Array {
  const text = lines.map((line, i) => `BT /F1 12 Tf 72 ${760 - i * 18} Td (${line.replace(/[()\\]/g, "")}) Tj ET`).join("\n");
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
    `<< /Length ${text.length} >>\nstream\n${text}\nendstream`,
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
  ];
  let body = "%PDF-1.4\n";
  const offsets: number[] = [];
  objects.forEach((object, i) => {
    offsets.push(body.length);
    body += `${i + 1} 0 obj\n${object}\nendobj\n`;
  });
  const xref = body.length;
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return new TextEncoder().encode(body);
}

export async function seedProviderPortal(db: Db, input: { councilId: string; now: Date }) {
  const { councilId, now } = input;

  // Photos, uploaded as a manager would: resized and stored.
  for (const picture of PICTURES) {
    const activity = await db.activity.findFirst({ where: { title: picture.activity, provider: { name: picture.provider } }, select: { id: true, providerId: true } });
    if (!activity) continue;
    const manager = await db.membership.findFirstOrThrow({ where: { providerId: activity.providerId, role: "PROVIDER_MANAGER" }, select: { userId: true } });
    await addActivityPhoto(db, { userId: manager.userId, providerId: activity.providerId }, {
      activityId: activity.id,
      bytes: await drawPicture(picture),
      originalName: `${picture.activity}.png`,
      altText: picture.alt,
    });
  }

  // A weekly pattern: Beat-making on Tuesdays and Thursdays at 18:00 for eight weeks, skipping the second Thursday.
  const beats = await db.activity.findFirstOrThrow({ where: { title: "Beat-making workshop", provider: { name: "Soundbox Studios" } }, select: { id: true, providerId: true, capacity: true } });
  const soundboxManager = await db.user.findUniqueOrThrow({ where: { email: "manager@soundbox.example" }, select: { id: true } });
  const firstDay = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate()) + DAY);
  const thursdays = Array.from({ length: 14 }, (_, i) => new Date(firstDay.getTime() + i * DAY)).filter((d) => d.getUTCDay() === 4);
  const series = slotSeriesSchema.parse({
    weekdays: [2, 4],
    startTime: "18:00",
    durationMinutes: 90,
    fromDate: dayKey(firstDay),
    toDate: dayKey(new Date(firstDay.getTime() + 55 * DAY)),
    exceptDates: thursdays[1] ? dayKey(thursdays[1]) : "",
    capacity: beats.capacity,
  });
  await addSlotSeries(db, { userId: soundboxManager.id, providerId: beats.providerId }, beats.id, series, now);

  // An applicant with its documents, waiting for the council: applied through the same path as the form.
  const application = applicationSchema.parse({
    councilId,
    name: "Eastfield Youth Theatre",
    organisationType: "CHARITY",
    registrationNumber: "1187654",
    organisationWebsite: "eastfield-theatre.example",
    description: "Drama workshops, improvisation and two shows a year for young people aged 11 to 18, in a converted chapel in Eastfield.",
    addressLine1: "The Old Chapel, 3 Wesley Street",
    town: "Northbridge",
    postcode: "NB3 7HT",
    contactName: "Morgan Ellis",
    contactEmail: DEMO_APPLICANT_EMAIL,
    contactPhone: "01632 960123",
    venues: [{ name: "The Old Chapel", addressLine1: "3 Wesley Street", town: "Northbridge", postcode: "NB3 7HT" }],
    categories: ["DRAMA", "ARTS"],
    payoutMethod: "BANK_FILE",
    bank: { accountName: "Eastfield Youth Theatre", sortCode: "30-99-50", accountNumber: "87654321" },
    declaration: true,
  });
  const year = now.getUTCFullYear();
  await submitApplication(db, application, {
    safeguardingPolicy: {
      bytes: pdfDocument([
        "Eastfield Youth Theatre - Safeguarding policy",
        `Adopted by the trustees, September ${year}.`,
        "Designated safeguarding lead: Morgan Ellis (01632 960123).",
        "All staff and volunteers hold enhanced DBS checks, renewed every three years.",
      ]),
      type: "pdf",
      originalName: "Safeguarding policy.pdf",
    },
    insuranceCertificate: {
      bytes: pdfDocument([
        "Certificate of public liability insurance",
        "Insured: Eastfield Youth Theatre",
        "Limit of indemnity: 5,000,000 GBP any one occurrence",
        `Period: 1 April ${year} to 31 March ${year + 1}`,
      ]),
      type: "pdf",
      originalName: "Public liability insurance.pdf",
    },
  }, now);
}
