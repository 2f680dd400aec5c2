// What personal data Playpass holds, about whom, why, who sees it and for how long: one list that the /privacy
// page renders and docs/privacy.md carries word for word (a test holds both to it, and it to the schema).
// No server-only imports: the page renders this list in the browser too.

export type DataSubject = "Young people" | "Parents and guardians" | "Provider staff" | "Council officers";

export type InventoryItem = {
  about: DataSubject;
  /** Plain words: what it is. */
  what: string;
  /** Where it lives: Model.field in prisma/schema.prisma. */
  fields: string[];
  why: string;
  whoSees: string;
  howLong: string;
};

/** Months a young person's data is kept after their last programme ends, unless their council chooses otherwise. */
export const DEFAULT_RETENTION_MONTHS = 12;

const AFTER = `${DEFAULT_RETENTION_MONTHS} months after your last programme ends (your council can choose a different time)`;

/** Staff and officers who leave: their name and contacts go this long after they left and last signed in. */
const STAFF_AFTER = `${DEFAULT_RETENTION_MONTHS} months after they leave and last sign in`;

/** Stored API replies: only a client's retry needs them (app/domain/privacy/retention-records.ts). */
export const API_REPLY_RETENTION_DAYS = 7;

export const CONTROLLER_AND_BASIS = {
  controller:
    "Your council decides what Playpass keeps and why: it is the data controller. Playpass keeps and uses the data only for the council, on its written instructions: it is the data processor.",
  basis:
    "The council runs Playpass as part of its public task (its legal duty to provide leisure and recreation for young people). That is the lawful basis. Needs such as special educational needs are special category data: the council uses them for reasons of substantial public interest, to give extra credit and to check the scheme is fair.",
  never: "Playpass never sells anyone's data, never shows adverts, and never tracks young people across other websites.",
};

export const INVENTORY: readonly InventoryItem[] = [
  {
    about: "Young people",
    what: "Your name",
    fields: ["YoungPerson.firstName", "YoungPerson.lastName", "PassApplication.firstName", "PassApplication.lastName", "User.displayName"],
    why: "So the council knows who has a pass, and staff at the door know the booking is yours.",
    whoSees: "You and council officers. Staff at an activity see only your first name.",
    howLong: `Until ${AFTER}. Then it is removed.`,
  },
  {
    about: "Young people",
    what: "Your date of birth",
    fields: ["YoungPerson.dateOfBirth", "PassApplication.dateOfBirth"],
    why: "To check you are the right age for the programme and for each activity.",
    whoSees: "Council officers. Staff at an activity see only your age group.",
    howLong: `The exact date until ${AFTER}. After that only the year is kept, for counts by age group.`,
  },
  {
    about: "Young people",
    what: "Where you live: postcode, ward and the middle of your postcode area",
    fields: ["YoungPerson.postcode", "YoungPerson.ward", "YoungPerson.latitude", "YoungPerson.longitude", "PassApplication.postcode"],
    why: "To check you live in the area, to show how far activities are from your area (never your exact home), and to count how many young people in each ward use their pass.",
    whoSees: "Council officers see your postcode and ward. Nobody sees the map point: it is only used to work out distances.",
    howLong: `Until ${AFTER}. Then the full postcode and the map point are removed; the first half of the postcode (like NB1) and the ward stay, for counts.`,
  },
  {
    about: "Young people",
    what: "Your email address and mobile number",
    fields: ["YoungPerson.email", "YoungPerson.phone", "User.email", "User.phone", "PassApplication.email", "PassApplication.phone"],
    why: "To send you sign-in codes, booking messages and reminders.",
    whoSees: "You and council officers.",
    howLong: `Until ${AFTER}. Then they are removed and your sign-in is closed.`,
  },
  {
    about: "Young people",
    what: "Extra needs: free school meals, care-experienced, special educational needs (SEND), young carer",
    fields: ["YoungPerson.needsFlags"],
    why: "To give extra credit to those who need it most, and to check the scheme reaches them.",
    whoSees: "Council officers only. Activity providers never see it.",
    howLong: "Kept only on the record with no name on it, so the council's counts stay right.",
  },
  {
    about: "Young people",
    what: "Your school's or council's reference number",
    fields: ["YoungPerson.externalRef"],
    why: "So the council can update your details from its lists without making a second record.",
    whoSees: "Council officers.",
    howLong: `Until ${AFTER}. Then it is removed.`,
  },
  {
    about: "Young people",
    what: "Your passes, bookings, waiting lists, what you used and your credit",
    fields: ["Allocation.status", "Booking.status", "Booking.pricePence", "WaitlistEntry.status", "Redemption.amountPence", "Transfer.amountPence", "Favourite.activityId"],
    why: "Your credit is public money: every penny must add up, and providers must be paid for what you did.",
    whoSees: "You and council officers. A provider sees bookings for its own activities only.",
    howLong: `The money records are kept for good, so the council's accounts always add up, but after ${AFTER} nothing in them says who you are. Saved favourites are removed then.`,
  },
  {
    about: "Young people",
    what: "Your ratings, comments and suggestions",
    fields: ["Rating.comment", "DemandNote.text", "DemandNote.searchQuery"],
    why: "To show the council what young people enjoy and what they want that nobody offers yet.",
    whoSees: "Council officers, as figures and lists.",
    howLong: `Stars and suggestions are kept as figures without your name. Comments are removed ${AFTER}.`,
  },
  {
    about: "Young people",
    what: "What people search for",
    fields: ["SearchEvent.query", "SearchEvent.filters"],
    why: "To show the council what young people look for and cannot find.",
    whoSees: "Council officers, as counts.",
    howLong: "Kept. A search is never stored with who made it.",
  },
  {
    about: "Young people",
    what: "Messages we send you (texts and emails)",
    fields: ["Message.recipient", "Message.subject", "Message.body", "Message.failureReason"],
    why: "A record that a code, reminder or booking message was sent, in case it did not arrive.",
    whoSees: "Playpass support, when a message did not arrive.",
    howLong: `Sign-in codes are wiped from the message as soon as it is sent. Who it went to and what it said are removed ${AFTER}.`,
  },
  {
    about: "Young people",
    what: "Signing in",
    fields: ["Session.userId", "Membership.userId", "YoungPerson.userId", "Verification.target"],
    why: "To keep you signed in, and to check the code you type is the one we sent.",
    whoSees: "Nobody reads it. Codes are stored only in a scrambled form.",
    howLong: "A sign-in lasts up to 30 days, or until you sign out. Codes work for 10 minutes and are deleted a day after.",
  },
  {
    about: "Young people",
    what: "Proof of address sent with an application for a pass",
    fields: ["PassApplication.proofFileId", "StoredFile.originalName"],
    why: "So the council can check you live in its area.",
    whoSees: "Council officers.",
    howLong: `Until ${AFTER}. Then the file is deleted. If the application was turned down, the file and the details on it are deleted that long after the decision.`,
  },
  {
    about: "Parents and guardians",
    what: "A parent's or guardian's email address or mobile number, and when they said yes",
    fields: ["GuardianConsent.guardianContact", "GuardianConsent.guardianUserId", "PassApplication.guardianContact"],
    why: "Children under 13 need a parent or guardian to agree before they can book.",
    whoSees: "The parent or guardian and council officers.",
    howLong: `Until ${AFTER} of the child's programme. Then it is removed, with the sign-in if it was only for that child.`,
  },
  {
    about: "Provider staff",
    what: "Staff names, email addresses and mobile numbers; the provider's contact person",
    fields: ["User.displayName", "User.email", "User.phone", "Provider.contactName", "Provider.contactEmail", "Provider.contactPhone", "Invitation.email"],
    why: "To sign in, to join a provider's team, and so the council can reach the provider.",
    whoSees: "The provider's managers and the councils the provider works with.",
    howLong: `While the person works for a provider on Playpass. A manager removes someone from the team. Their name, email and mobile number are removed ${STAFF_AFTER}.`,
  },
  {
    about: "Provider staff",
    what: "Who checked a young person in, uploaded a file or made a key",
    fields: ["Redemption.redeemedByName", "Redemption.redeemedByUserId", "AttendanceReport.submittedByUserId", "ApiKey.createdByUserId", "StoredFile.uploadedByUserId"],
    why: "Public money is paid for each check-in, so each one records who did it.",
    whoSees: "The provider's managers and council officers.",
    howLong: `Kept with the money records. The name on a check-in becomes "Former staff member" ${STAFF_AFTER}.`,
  },
  {
    about: "Provider staff",
    what: "A provider's address and bank details (for a sole trader, these are a person's)",
    fields: ["Provider.addressLine1", "Provider.postcode", "Provider.bankAccountName", "Provider.bankSortCode", "Provider.bankAccountNumber"],
    why: "To vet the provider and to pay them.",
    whoSees: "The provider's managers and the council's finance officers. Bank details are never written to logs.",
    howLong: "While the provider takes part, then as the council's contract with the provider says.",
  },
  {
    about: "Provider staff",
    what: "Replies to a provider's own booking system",
    fields: ["ApiIdempotency.body"],
    why: "So a system that sends the same request twice gets the same answer and nothing happens twice. A reply may hold a young person's first name.",
    whoSees: "The provider's system that made the request.",
    howLong: `Kept for ${API_REPLY_RETENTION_DAYS} days, long enough for any retry. Then it is deleted.`,
  },
  {
    about: "Council officers",
    what: "Officers' names, email addresses and mobile numbers",
    fields: ["User.displayName", "User.email", "User.phone", "Invitation.email"],
    why: "To sign in and to invite colleagues.",
    whoSees: "Other officers of the same council.",
    howLong: `While the officer works on Playpass for the council. Their name, email and mobile number are removed ${STAFF_AFTER}.`,
  },
  {
    about: "Council officers",
    what: "Who decided, approved or changed something, with their notes and reasons",
    fields: [
      "AuditEvent.actorUserId",
      "Transfer.actorUserId",
      "Transfer.reason",
      "ProviderCouncil.decidedByUserId",
      "ProviderCouncil.rejectionReason",
      "ProviderCouncil.suspensionReason",
      "PayoutRun.approvedByUserId",
      "Dispute.decidedByUserId",
      "Dispute.decisionNote",
      "Dispute.detail",
      "PassApplication.decidedByUserId",
      "PassApplication.rejectionReason",
      "Slot.cancelledReason",
      "BackgroundJob.createdByUserId",
      "BackgroundJob.input",
      "BackgroundJob.result",
      "Invitation.invitedByUserId",
    ],
    why: "Public money and children's records need a record of who did what. Notes should say no more about a person than the decision needs.",
    whoSees: "Officers of the same council; a provider sees the reasons given to it.",
    howLong: "Kept with the records they explain. An import's list of rows with mistakes, and the uploaded roll, are deleted when the council's retention time has passed since the import.",
  },
];

/**
 * Fields whose names look personal but are not about a person, each with the reason. A new field that looks
 * personal must go in INVENTORY or here, or the privacy test fails.
 */
export const NOT_PERSONAL: Readonly<Record<string, string>> = {
  "Council.name": "an organisation",
  "Programme.name": "a scheme",
  "Programme.eligibleWards": "areas, not people",
  "Programme.eligiblePostcodes": "postcode areas, not addresses",
  "Provider.name": "an organisation (a sole trader's is in the bank details row)",
  "Provider.stripeDetailsSubmitted": "a yes or no about an account",
  "Provider.stripeDisabledReason": "Stripe's reason code for an account",
  "Venue.name": "a place of business",
  "Venue.addressLine1": "a place of business",
  "Venue.postcode": "a place of business",
  "Venue.latitude": "a place of business",
  "Venue.longitude": "a place of business",
  "Payout.failureReason": "a bank or Stripe error about a payment",
  "Payout.bankFileId": "a file's id",
  "BankFile.fileName": "made from the run's date and id",
  "StoredFile.storedName": "a random name",
  "ApiKey.name": "a label a provider gives its system",
  "AuditEvent.data": "ids, counts and reasons only: the audit module refuses codes, tokens and bank details",
  "PostcodeDistrict.outwardCode": "the centre of a postcode area, from open data",
  "PostcodeDistrict.latitude": "the centre of a postcode area, from open data",
  "PostcodeDistrict.longitude": "the centre of a postcode area, from open data",
};

/** Field names that suggest personal data; the privacy test checks each such field of the schema is accounted for. */
export const LOOKS_PERSONAL =
  /name|email|phone|contact|postcode|address|dateOfBirth|latitude|longitude|recipient|^body$|subject|comment|^text$|^query$|^target$|bank|externalRef|needs|ward|note|reason|detail|userId|^data$|^input$|^result$|searchQuery|filters/i;

export const DATA_SUBJECTS: readonly DataSubject[] = ["Young people", "Parents and guardians", "Provider staff", "Council officers"];

const cell = (text: string) => text.replace(/\|/g, "\\|");

/** The inventory as the Markdown table docs/privacy.md carries between its inventory markers. */
export function inventoryMarkdown(): string {
  const lines: string[] = [];
  for (const about of DATA_SUBJECTS) {
    lines.push(`### ${about}`, "", "| what | why | who sees it | how long | where (schema) |", "|---|---|---|---|---|");
    for (const item of INVENTORY.filter((i) => i.about === about)) {
      lines.push(`| ${cell(item.what)} | ${cell(item.why)} | ${cell(item.whoSees)} | ${cell(item.howLong)} | ${item.fields.map((f) => `\`${f}\``).join(", ")} |`);
    }
    lines.push("");
  }
  return lines.join("\n").trimEnd();
}
