// Subject access: everything Playpass holds about one young person, as one JSON document. The same builder
// serves the council officer's download and the young person's own "Download my data".
import type { Db } from "~/lib/db.server";
import { recordAudit } from "../audit";
import { DomainError } from "../errors";
import { walletStatement } from "../ledger";
import { penceFromBigInt } from "../money";

export const EXPORT_FORMAT = "playpass-subject-access/1";

/** Said in the file itself, so whoever opens it knows what is not there and why. */
export const LEFT_OUT = [
  "The pass code, activation code and booking codes: they work like keys, so they are not put in a file that can be copied. The pass code is on the My pass page.",
  "Sign-in codes and consent links: only a scrambled form of them is kept, and only until they are used or run out.",
  "The proof of address sent with an application: ask the council for a copy of the file itself.",
  "The names of staff who checked you in: they are other people's data.",
];

const iso = (date: Date | null | undefined) => (date ? date.toISOString() : null);
const day = (date: Date | null | undefined) => (date ? date.toISOString().slice(0, 10) : null);

export type SubjectAccessExport = Awaited<ReturnType<typeof buildSubjectAccessExport>>;

/** Reads everything about the young person, scoped by their council: a record of another council is NOT_FOUND. */
export async function buildSubjectAccessExport(db: Db, input: { councilId: string; youngPersonId: string; now?: Date }) {
  const person = await db.youngPerson.findFirst({
    where: { id: input.youngPersonId, councilId: input.councilId },
    select: {
      id: true,
      externalRef: true,
      firstName: true,
      lastName: true,
      dateOfBirth: true,
      postcode: true,
      ward: true,
      needsFlags: true,
      email: true,
      phone: true,
      status: true,
      invitedAt: true,
      activatedAt: true,
      guardianConsentAt: true,
      anonymisedAt: true,
      latitude: true,
      longitude: true,
      createdAt: true,
      council: { select: { name: true, retentionMonths: true } },
      user: { select: { displayName: true, email: true, phone: true, createdAt: true, lastSignInAt: true, _count: { select: { sessions: true } } } },
    },
  });
  if (!person) throw new DomainError("NOT_FOUND", "There is no such young person in your council.");
  const id = person.id;

  const [guardianConsents, allocations, statement, bookings, redemptions, waitlist, ratings, favourites, suggestions, applications, history] = await Promise.all([
    db.guardianConsent.findMany({ where: { youngPersonId: id }, select: { guardianContact: true, createdAt: true, expiresAt: true, consentedAt: true }, orderBy: { createdAt: "asc" } }),
    db.allocation.findMany({
      where: { youngPersonId: id },
      select: { status: true, issuedAt: true, expiresAt: true, programme: { select: { name: true, startsOn: true, endsOn: true } }, wallet: { select: { balancePence: true } } },
      orderBy: { issuedAt: "asc" },
    }),
    walletStatement(db, id),
    db.booking.findMany({
      where: { youngPersonId: id },
      select: {
        status: true,
        pricePence: true,
        createdAt: true,
        endedAt: true,
        slot: { select: { startsAt: true, endsAt: true, activity: { select: { title: true, provider: { select: { name: true } }, venue: { select: { name: true, town: true } } } } } },
      },
      orderBy: { createdAt: "asc" },
    }),
    db.redemption.findMany({
      where: { youngPersonId: id },
      select: { amountPence: true, method: true, status: true, redeemedAt: true, provider: { select: { name: true } } },
      orderBy: { redeemedAt: "asc" },
    }),
    db.waitlistEntry.findMany({
      where: { youngPersonId: id },
      select: { status: true, createdAt: true, offeredAt: true, offerExpiresAt: true, slot: { select: { startsAt: true, activity: { select: { title: true } } } } },
      orderBy: { createdAt: "asc" },
    }),
    db.rating.findMany({
      where: { youngPersonId: id },
      select: { stars: true, comment: true, wouldGoAgain: true, createdAt: true, activity: { select: { title: true } } },
      orderBy: { createdAt: "asc" },
    }),
    db.favourite.findMany({ where: { youngPersonId: id }, select: { createdAt: true, activity: { select: { title: true } } }, orderBy: { createdAt: "asc" } }),
    db.demandNote.findMany({ where: { youngPersonId: id }, select: { kind: true, text: true, category: true, searchQuery: true, createdAt: true }, orderBy: { createdAt: "asc" } }),
    db.passApplication.findMany({
      where: { youngPersonId: id, councilId: input.councilId },
      select: {
        firstName: true,
        lastName: true,
        dateOfBirth: true,
        postcode: true,
        email: true,
        phone: true,
        guardianContact: true,
        proofFileId: true,
        status: true,
        rejectionReason: true,
        decidedAt: true,
        createdAt: true,
      },
    }),
    db.auditEvent.findMany({ where: { entityType: "YoungPerson", entityId: id, councilId: input.councilId }, select: { action: true, createdAt: true }, orderBy: { id: "asc" } }),
  ]);

  const contacts = [...new Set([person.email, person.phone, person.user?.email, person.user?.phone, ...guardianConsents.map((g) => g.guardianContact)].filter((c): c is string => Boolean(c)))];
  const messages = contacts.length
    ? await db.message.findMany({
        where: { recipient: { in: contacts } },
        select: { channel: true, recipient: true, subject: true, body: true, status: true, createdAt: true, sentAt: true, redactAfterSend: true },
        orderBy: { createdAt: "asc" },
      })
    : [];

  return {
    format: EXPORT_FORMAT,
    generatedAt: (input.now ?? new Date()).toISOString(),
    about:
      `Everything Playpass holds about this young person for ${person.council.name}. ${person.council.name} decides what is kept and why; ` +
      `Playpass keeps it for them. Money is in pence (100 pence = £1). Times are UTC.`,
    person: {
      id,
      firstName: person.firstName,
      lastName: person.lastName,
      dateOfBirth: day(person.dateOfBirth),
      postcode: person.postcode,
      ward: person.ward,
      needs: person.needsFlags,
      email: person.email,
      phone: person.phone,
      councilReference: person.externalRef,
      status: person.status,
      invitedAt: iso(person.invitedAt),
      activatedAt: iso(person.activatedAt),
      guardianConsentAt: iso(person.guardianConsentAt),
      enrolledAt: iso(person.createdAt),
      anonymisedAt: iso(person.anonymisedAt),
      // The centre of the home postcode's district, used for "distance from me"; never shown to anyone.
      homeDistrictCentre: person.latitude !== null && person.longitude !== null ? { latitude: person.latitude, longitude: person.longitude } : null,
    },
    signIn: person.user
      ? {
          name: person.user.displayName,
          email: person.user.email,
          phone: person.user.phone,
          createdAt: iso(person.user.createdAt),
          lastSignInAt: iso(person.user.lastSignInAt),
          devicesSignedIn: person.user._count.sessions,
        }
      : null,
    guardians: guardianConsents.map((g) => ({ contact: g.guardianContact, askedAt: iso(g.createdAt), linkExpiresAt: iso(g.expiresAt), consentedAt: iso(g.consentedAt) })),
    passes: allocations.map((a) => ({
      programme: a.programme.name,
      programmeStartsOn: day(a.programme.startsOn),
      programmeEndsOn: day(a.programme.endsOn),
      status: a.status,
      issuedAt: iso(a.issuedAt),
      expiresAt: iso(a.expiresAt),
      balancePence: a.wallet ? penceFromBigInt(a.wallet.balancePence) : 0,
    })),
    statement: statement.entries.map((e) => ({ at: e.at, type: e.type, description: e.description, amountPence: e.amountPence, balancePence: e.balancePence })),
    bookings: bookings.map((b) => ({
      activity: b.slot.activity.title,
      provider: b.slot.activity.provider.name,
      venue: `${b.slot.activity.venue.name}, ${b.slot.activity.venue.town}`,
      startsAt: iso(b.slot.startsAt),
      endsAt: iso(b.slot.endsAt),
      pricePence: b.pricePence,
      status: b.status,
      bookedAt: iso(b.createdAt),
      endedAt: iso(b.endedAt),
    })),
    uses: redemptions.map((r) => ({ provider: r.provider.name, amountPence: r.amountPence, how: r.method, paymentStatus: r.status, at: iso(r.redeemedAt) })),
    waitingLists: waitlist.map((w) => ({
      activity: w.slot.activity.title,
      startsAt: iso(w.slot.startsAt),
      status: w.status,
      joinedAt: iso(w.createdAt),
      offeredAt: iso(w.offeredAt),
      offerExpiresAt: iso(w.offerExpiresAt),
    })),
    ratings: ratings.map((r) => ({ activity: r.activity.title, stars: r.stars, comment: r.comment, wouldGoAgain: r.wouldGoAgain, at: iso(r.createdAt) })),
    saved: favourites.map((f) => ({ activity: f.activity.title, savedAt: iso(f.createdAt) })),
    suggestions: suggestions.map((s) => ({ kind: s.kind, text: s.text, category: s.category, searchedFor: s.searchQuery, at: iso(s.createdAt) })),
    applications: applications.map((a) => ({
      firstName: a.firstName,
      lastName: a.lastName,
      dateOfBirth: day(a.dateOfBirth),
      postcode: a.postcode,
      email: a.email,
      phone: a.phone,
      guardianContact: a.guardianContact,
      sentProofOfAddress: a.proofFileId !== null,
      status: a.status,
      reason: a.rejectionReason,
      decidedAt: iso(a.decidedAt),
      sentAt: iso(a.createdAt),
    })),
    messages: messages.map((m) => ({
      channel: m.channel,
      to: m.recipient,
      subject: m.subject,
      // A message carrying a sign-in code keeps it out of the file even before it is sent.
      body: m.redactAfterSend ? "[a one-time code; not kept]" : m.body,
      status: m.status,
      createdAt: iso(m.createdAt),
      sentAt: iso(m.sentAt),
    })),
    recordHistory: history.map((h) => ({ action: h.action, at: iso(h.createdAt) })),
    retention: `${person.council.name} keeps these details for ${person.council.retentionMonths} months after the last programme ends, then removes names, contact details and exact dates of birth.`,
    leftOut: LEFT_OUT,
  };
}

/** Builds the export and records who took it; `by` says whether an officer or the young person asked. */
export async function exportYoungPersonData(
  db: Db,
  input: { councilId: string; youngPersonId: string; actorUserId: string; by: "officer" | "self"; now?: Date },
): Promise<SubjectAccessExport> {
  const document = await buildSubjectAccessExport(db, input);
  await recordAudit(db, {
    councilId: input.councilId,
    actorUserId: input.actorUserId,
    action: "young_person.data_exported",
    entityType: "YoungPerson",
    entityId: input.youngPersonId,
    data: { by: input.by },
  });
  return document;
}

/** The download's file name: no personal data in it, since file names end up in logs and download folders. */
export function exportFileName(youngPersonId: string, now = new Date()): string {
  return `playpass-data-${youngPersonId.slice(0, 8)}-${now.toISOString().slice(0, 10)}.json`;
}

/** Headers for the JSON download: an attachment, never cached, never sniffed into something a browser runs. */
export function downloadHeaders(fileName: string): Record<string, string> {
  return {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Disposition": `attachment; filename="${fileName}"`,
    "Cache-Control": "private, no-store",
    "X-Content-Type-Options": "nosniff",
  };
}
