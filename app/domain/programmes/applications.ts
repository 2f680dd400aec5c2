// "Apply for a pass": a young person (or their guardian) asks a council to enrol them, with proof of
// address; an officer approves (the young person is enrolled, waiting to activate) or rejects with a
// reason. Either way the applicant is told by email or SMS.
import type { Db } from "~/lib/db.server";
import { storeFile, type FileType } from "~/lib/uploads.server";
import { recordAudit } from "../audit";
import { newPassCode } from "../codes";
import { DomainError } from "../errors";
import { queueMessage } from "../notifications/messages";
import { isUuid, type OfficerContext } from "./programmes";

export type PassApplicationInput = {
  councilId: string;
  firstName: string;
  lastName: string;
  dateOfBirth: Date;
  postcode: string;
  email: string | null;
  phone: string | null;
  guardianContact: string | null;
};

/** Councils a member of the public can apply to. */
export async function councilsTakingApplications(db: Db) {
  return db.council.findMany({ select: { id: true, name: true }, orderBy: { name: "asc" } });
}

export async function submitPassApplication(db: Db, input: PassApplicationInput, proof: { bytes: Uint8Array; type: FileType; originalName: string }) {
  const council = await db.council.findUnique({ where: { id: input.councilId }, select: { id: true, name: true } });
  if (!council) throw new DomainError("INVALID_INPUT", "Choose your council.", "councilId");
  return db.$transaction(async (tx) => {
    const file = await storeFile(tx, { ...proof, kind: "PROOF_OF_ADDRESS", councilId: council.id });
    const application = await tx.passApplication.create({ data: { ...input, proofFileId: file.id }, select: { id: true } });
    await queueMessage(tx, input, {
      template: "pass-application-received",
      subject: "We have your Playpass application",
      body: `Hi ${input.firstName}, ${council.name} has your application for a Playpass. An officer will check it and we will tell you the answer, usually within 5 working days.`,
    });
    return application;
  });
}

export async function listPassApplications(db: Db, councilId: string, status: "PENDING" | "APPROVED" | "REJECTED" = "PENDING") {
  return db.passApplication.findMany({
    where: { councilId, status },
    orderBy: { createdAt: status === "PENDING" ? "asc" : "desc" },
    take: 200,
    select: { id: true, firstName: true, lastName: true, dateOfBirth: true, postcode: true, createdAt: true, decidedAt: true, status: true },
  });
}

export async function getPassApplication(db: Db, councilId: string, applicationId: string) {
  if (!isUuid(applicationId)) throw new DomainError("NOT_FOUND", "That application does not exist.");
  const application = await db.passApplication.findFirst({ where: { id: applicationId, councilId } });
  if (!application) throw new DomainError("NOT_FOUND", "That application does not exist.");
  const proof = application.proofFileId
    ? await db.storedFile.findFirst({ where: { id: application.proofFileId, councilId, kind: "PROOF_OF_ADDRESS" } })
    : null;
  return { ...application, proof };
}

/**
 * Approves a pending application: enrols the young person (INVITED, with a pass code) in the officer's
 * council and tells the applicant. Deciding twice is refused, so one application makes one person.
 */
export async function approvePassApplication(db: Db, context: OfficerContext, applicationId: string, input: { ward: string }) {
  return db.$transaction(async (tx) => {
    const application = await claimPending(tx, context.councilId, applicationId);
    const person = await tx.youngPerson.create({
      data: {
        councilId: context.councilId,
        firstName: application.firstName,
        lastName: application.lastName,
        dateOfBirth: application.dateOfBirth,
        postcode: application.postcode,
        ward: input.ward,
        email: application.email,
        phone: application.phone,
        passCode: newPassCode(),
      },
      select: { id: true },
    });
    await tx.passApplication.update({
      where: { id: application.id },
      data: { status: "APPROVED", youngPersonId: person.id, decidedAt: new Date(), decidedByUserId: context.actorUserId ?? null },
    });
    const council = await tx.council.findUniqueOrThrow({ where: { id: context.councilId }, select: { name: true } });
    await queueMessage(tx, application, {
      template: "pass-application-approved",
      subject: "Your Playpass application is approved",
      body: `Hi ${application.firstName}, good news: ${council.name} has approved your Playpass. We will send you a link to start using it.`,
    });
    await recordAudit(tx, { councilId: context.councilId, actorUserId: context.actorUserId, action: "pass_application.approved", entityType: "PassApplication", entityId: application.id, data: { youngPersonId: person.id } });
    return person;
  });
}

export async function rejectPassApplication(db: Db, context: OfficerContext, applicationId: string, input: { reason: string }) {
  return db.$transaction(async (tx) => {
    const application = await claimPending(tx, context.councilId, applicationId);
    await tx.passApplication.update({
      where: { id: application.id },
      data: { status: "REJECTED", rejectionReason: input.reason, decidedAt: new Date(), decidedByUserId: context.actorUserId ?? null },
    });
    const council = await tx.council.findUniqueOrThrow({ where: { id: context.councilId }, select: { name: true } });
    await queueMessage(tx, application, {
      template: "pass-application-rejected",
      subject: "Your Playpass application",
      body: `Hi ${application.firstName}, ${council.name} could not approve your Playpass application. The reason given: “${input.reason}”. If you think this is wrong, contact the council.`,
    });
    await recordAudit(tx, { councilId: context.councilId, actorUserId: context.actorUserId, action: "pass_application.rejected", entityType: "PassApplication", entityId: application.id, data: { reason: input.reason } });
  });
}

/** Locks a pending application of the council; decided ones are refused, others' are NOT_FOUND. */
async function claimPending(tx: Parameters<Parameters<Db["$transaction"]>[0]>[0], councilId: string, applicationId: string) {
  if (!isUuid(applicationId)) throw new DomainError("NOT_FOUND", "That application does not exist.");
  const [locked] = await tx.$queryRaw<{ id: string }[]>`
    SELECT "id" FROM "PassApplication" WHERE "id" = ${applicationId}::uuid AND "councilId" = ${councilId}::uuid FOR UPDATE`;
  if (!locked) throw new DomainError("NOT_FOUND", "That application does not exist.");
  const application = await tx.passApplication.findUniqueOrThrow({ where: { id: applicationId } });
  if (application.status !== "PENDING") throw new DomainError("INVALID_INPUT", `This application was already ${application.status === "APPROVED" ? "approved" : "rejected"}.`);
  return application;
}
