// Getting passes to young people: printed activation letters (one A4 page each, with the activation code
// and a QR code of the activation link) for those without a phone or email, and invitations by SMS or
// email for those with one. Both give each person an activation code that lasts ACTIVATION_DAYS.
import PDFDocument from "pdfkit";
import QRCode from "qrcode";
import type { Db, DbTx } from "~/lib/db.server";
import { recordAudit } from "../audit";
import { newActivationCode } from "../codes";
import { DomainError } from "../errors";
import { queueMessage } from "../notifications/messages";
import type { OfficerContext } from "./programmes";
import { youngPeopleIds, type YoungPeopleFilter } from "./young-people";

export const ACTIVATION_DAYS = 60;
/** Letters per download: a print run an office printer can take in one go. */
export const MAX_LETTERS = 2_000;
const MAX_INVITATIONS = 20_000;

export function activationLink(appUrl: string, code: string) {
  return `${appUrl.replace(/\/$/, "")}/activate?code=${encodeURIComponent(code)}`;
}

type Invitee = { id: string; firstName: string; lastName: string; email: string | null; phone: string | null; activationCode: string };

/**
 * Gives each not-yet-activated person a current activation code (a code past its date is replaced) and
 * marks them invited now. Runs inside the caller's transaction.
 */
async function prepareActivation(tx: DbTx, councilId: string, ids: string[], now: Date): Promise<Invitee[]> {
  const people = await tx.youngPerson.findMany({
    where: { id: { in: ids }, councilId, status: "INVITED", activatedAt: null },
    orderBy: [{ lastName: "asc" }, { firstName: "asc" }, { id: "asc" }],
    select: { id: true, firstName: true, lastName: true, email: true, phone: true, activationCode: true, activationExpiresAt: true },
  });
  const expiresAt = new Date(now.getTime() + ACTIVATION_DAYS * 86_400_000);
  const out: Invitee[] = [];
  for (const person of people) {
    const current = person.activationCode && person.activationExpiresAt && person.activationExpiresAt > now;
    const activationCode = current ? person.activationCode! : newActivationCode();
    await tx.youngPerson.update({ where: { id: person.id }, data: { activationCode, activationExpiresAt: current ? person.activationExpiresAt : expiresAt, invitedAt: now } });
    out.push({ ...person, activationCode });
  }
  return out;
}

/**
 * One A4 page per young person the filter picks who has not activated yet (by default those with no
 * phone or email), in name order. Returns the PDF and how many letters it holds.
 */
export async function activationLettersPdf(db: Db, context: OfficerContext & { appUrl: string; councilName: string }, filter: YoungPeopleFilter, now = new Date()) {
  const ids = await youngPeopleIds(db, context.councilId, { ...filter, status: "INVITED" }, MAX_LETTERS + 1);
  if (ids.length === 0) throw new DomainError("INVALID_INPUT", "Nobody in this group is waiting to activate a pass, so there are no letters to print.");
  if (ids.length > MAX_LETTERS) throw new DomainError("INVALID_INPUT", `This group has more than ${MAX_LETTERS.toLocaleString("en-GB")} people. Narrow it down (by ward, for example) and print it in parts.`);
  const people = await db.$transaction(async (tx) => {
    const prepared = await prepareActivation(tx, context.councilId, ids, now);
    await recordAudit(tx, { councilId: context.councilId, actorUserId: context.actorUserId, action: "activation_letters.printed", entityType: "Council", entityId: context.councilId, data: { letters: prepared.length } });
    return prepared;
  });
  const pdf = await renderLetters(people, context.appUrl, context.councilName);
  return { pdf, letters: people.length };
}

async function renderLetters(people: Invitee[], appUrl: string, councilName: string): Promise<Buffer> {
  const doc = new PDFDocument({ size: "A4", margin: 56, autoFirstPage: false, info: { Title: `${councilName}: Playpass activation letters`, Author: councilName } });
  const chunks: Buffer[] = [];
  doc.on("data", (chunk: Buffer) => chunks.push(chunk));
  const finished = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => resolve(Buffer.concat(chunks)));
    doc.on("error", reject);
  });
  for (const person of people) {
    const link = activationLink(appUrl, person.activationCode);
    const qr = await QRCode.toBuffer(link, { type: "png", errorCorrectionLevel: "M", margin: 1, scale: 8 });
    doc.addPage();
    doc.font("Helvetica").fontSize(11).fillColor("#505a5f").text(councilName);
    doc.moveDown(2);
    doc.font("Helvetica-Bold").fontSize(22).fillColor("#0b0c0c").text(`${person.firstName}, your Playpass is ready`);
    doc.moveDown(0.8);
    doc
      .font("Helvetica")
      .fontSize(13)
      .text(`${councilName} has given you credit to spend on activities you choose: sports, swimming, music, arts and more. It costs you nothing.`, { lineGap: 3 });
    doc.moveDown(1);
    doc.font("Helvetica-Bold").fontSize(14).text("How to start");
    doc.moveDown(0.4);
    doc.font("Helvetica").fontSize(13);
    const steps = [
      "Scan the square code below with your phone's camera, or go to the web address under it.",
      "Type in your activation code if you are asked for it.",
      "Add your mobile number or email address so you can sign in. We will send you a code to check it.",
    ];
    steps.forEach((step, i) => doc.text(`${i + 1}.  ${step}`, { indent: 0, lineGap: 3 }));
    doc.moveDown(1);
    const qrTop = doc.y;
    doc.image(qr, 56, qrTop, { width: 160, height: 160 });
    doc.font("Helvetica").fontSize(12).text("Your activation code", 240, qrTop + 10);
    doc.font("Courier-Bold").fontSize(24).text(person.activationCode, 240, qrTop + 30);
    doc.font("Helvetica").fontSize(11).text(link, 240, qrTop + 70, { width: 300, link });
    doc.y = qrTop + 180;
    doc.x = 56;
    doc.moveDown(1);
    doc
      .font("Helvetica")
      .fontSize(12)
      .text(
        `Keep this letter private: the code is for ${person.firstName} ${person.lastName} only. It works once and lasts ${ACTIVATION_DAYS} days. If you are under 13, a parent or carer will be asked to agree.`,
        { lineGap: 3 },
      );
    doc.moveDown(0.8);
    doc.text(`Questions, or need this letter in another format? Contact ${councilName} and mention Playpass.`, { lineGap: 3 });
  }
  doc.end();
  return finished;
}

/**
 * Invites everyone the filter picks who has not activated and can be reached: a message with their
 * activation link, by email when they have one, otherwise by SMS. Returns the message ids to deliver.
 */
export async function sendInvitations(db: Db, context: OfficerContext & { appUrl: string; councilName: string }, filter: YoungPeopleFilter, now = new Date()) {
  const ids = await youngPeopleIds(db, context.councilId, { ...filter, noContact: false, hasContact: true, status: "INVITED" }, MAX_INVITATIONS);
  const messageIds: string[] = [];
  for (let start = 0; start < ids.length; start += 500) {
    await db.$transaction(
      async (tx) => {
        const people = await prepareActivation(tx, context.councilId, ids.slice(start, start + 500), now);
        for (const person of people) {
          const link = activationLink(context.appUrl, person.activationCode);
          const id = await queueMessage(tx, person, {
            template: "pass-invitation",
            subject: "Your Playpass is ready",
            body: `Hi ${person.firstName}, ${context.councilName} has given you a Playpass with credit for activities you choose. Start here: ${link} (the link works for ${ACTIVATION_DAYS} days).`,
            sensitive: true,
            dedupeKey: `invitation:${person.id}:${person.activationCode}`,
          });
          if (id) messageIds.push(id);
        }
      },
      { timeout: 60_000 },
    );
  }
  await recordAudit(db, { councilId: context.councilId, actorUserId: context.actorUserId, action: "invitations.sent", entityType: "Council", entityId: context.councilId, data: { messages: messageIds.length } });
  return { messageIds, invited: ids.length };
}
