-- CreateEnum
CREATE TYPE "OrganisationType" AS ENUM ('CHARITY', 'COMMUNITY_GROUP', 'COMPANY', 'SOLE_TRADER', 'PUBLIC_BODY');

-- CreateEnum
CREATE TYPE "AccessibilityFeature" AS ENUM ('STEP_FREE', 'ACCESSIBLE_TOILET', 'HEARING_LOOP', 'QUIET_SESSIONS', 'CHANGING_PLACES', 'BSL');

-- CreateEnum
CREATE TYPE "FileKind" AS ENUM ('SAFEGUARDING_POLICY', 'PUBLIC_LIABILITY_INSURANCE', 'ACTIVITY_PHOTO', 'PROOF_OF_ADDRESS', 'ENROLMENT_CSV', 'ATTENDANCE_CSV');

-- CreateEnum
CREATE TYPE "JobKind" AS ENUM ('ENROLMENT_IMPORT', 'ISSUE_ALL', 'GROUP_TOP_UP', 'ACTIVATION_LETTERS');

-- CreateEnum
CREATE TYPE "JobStatus" AS ENUM ('QUEUED', 'RUNNING', 'SUCCEEDED', 'FAILED');

-- CreateEnum
CREATE TYPE "PassApplicationStatus" AS ENUM ('PENDING', 'APPROVED', 'REJECTED');

-- CreateEnum
CREATE TYPE "AttendanceSource" AS ENUM ('CSV', 'API');

-- CreateEnum
CREATE TYPE "AttendanceReportStatus" AS ENUM ('RECEIVED', 'PROCESSED', 'FAILED');

-- CreateEnum
CREATE TYPE "DisputeKind" AS ENUM ('PRESENT_NOT_REDEEMED', 'REDEEMED_REPORTED_ABSENT', 'REDEEMED_OUTSIDE_WINDOW', 'CODE_REPORTED_TWICE', 'UNKNOWN_CODE');

-- CreateEnum
CREATE TYPE "DisputeStatus" AS ENUM ('OPEN', 'RESOLVED');

-- CreateEnum
CREATE TYPE "DisputeDecision" AS ENUM ('PAY_PROVIDER', 'REFUND_YOUNG_PERSON', 'NO_ACTION');

-- CreateEnum
CREATE TYPE "WaitlistStatus" AS ENUM ('WAITING', 'OFFERED', 'BOOKED', 'EXPIRED', 'LEFT');

-- CreateEnum
CREATE TYPE "DemandKind" AS ENUM ('NO_RESULT', 'SUGGESTION');

-- AlterEnum
ALTER TYPE "VerificationPurpose" ADD VALUE 'ACTIVATE';

-- AlterTable
ALTER TABLE "Activity" ADD COLUMN     "accessibilityFeatures" "AccessibilityFeature"[],
ADD COLUMN     "updatedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP;

-- AlterTable
ALTER TABLE "Payout" ADD COLUMN     "bankFileId" UUID,
ADD COLUMN     "lastAttemptAt" TIMESTAMPTZ(3),
ADD COLUMN     "nextAttemptAt" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "PayoutRun" ADD COLUMN     "transferGroup" TEXT;

-- AlterTable
ALTER TABLE "Programme" ADD COLUMN     "eligiblePostcodes" TEXT[],
ADD COLUMN     "waitlistOfferMinutes" INTEGER NOT NULL DEFAULT 120;

-- AlterTable
ALTER TABLE "Provider" ADD COLUMN     "addressLine1" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "bankAccountName" TEXT,
ADD COLUMN     "bankAccountNumber" TEXT,
ADD COLUMN     "bankSortCode" TEXT,
ADD COLUMN     "categories" "Category"[],
ADD COLUMN     "contactName" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "description" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "organisationType" "OrganisationType" NOT NULL DEFAULT 'COMPANY',
ADD COLUMN     "payoutMethod" "PayoutMethod" NOT NULL DEFAULT 'BANK_FILE',
ADD COLUMN     "postcode" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "registrationNumber" TEXT,
ADD COLUMN     "stripeAccountUpdatedAt" TIMESTAMPTZ(3),
ADD COLUMN     "stripeDetailsSubmitted" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "stripeDisabledReason" TEXT,
ADD COLUMN     "town" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "website" TEXT;

-- AlterTable
ALTER TABLE "ProviderCouncil" ADD COLUMN     "checklist" JSONB NOT NULL DEFAULT '{}',
ADD COLUMN     "decidedByUserId" UUID,
ADD COLUMN     "suspensionReason" TEXT;

-- AlterTable
ALTER TABLE "Slot" ADD COLUMN     "cancelledReason" TEXT,
ADD COLUMN     "offered" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "seriesId" UUID;

-- AlterTable
ALTER TABLE "Venue" ADD COLUMN     "accessibilityFeatures" "AccessibilityFeature"[];

-- AlterTable
ALTER TABLE "YoungPerson" ADD COLUMN     "activatedAt" TIMESTAMPTZ(3),
ADD COLUMN     "activationExpiresAt" TIMESTAMPTZ(3),
ADD COLUMN     "invitedAt" TIMESTAMPTZ(3),
ADD COLUMN     "latitude" DOUBLE PRECISION,
ADD COLUMN     "longitude" DOUBLE PRECISION;

-- CreateTable
CREATE TABLE "BankFile" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "councilId" UUID NOT NULL,
    "runId" UUID NOT NULL,
    "fileName" TEXT NOT NULL,
    "content" TEXT NOT NULL,
    "sha256" TEXT NOT NULL,
    "totalPence" BIGINT NOT NULL,
    "lineCount" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "BankFile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StripeEvent" (
    "id" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "account" TEXT,
    "objectId" TEXT,
    "livemode" BOOLEAN NOT NULL DEFAULT false,
    "receivedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" TIMESTAMPTZ(3),
    "error" TEXT,

    CONSTRAINT "StripeEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "StoredFile" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "kind" "FileKind" NOT NULL,
    "councilId" UUID,
    "providerId" UUID,
    "originalName" TEXT NOT NULL,
    "storedName" TEXT NOT NULL,
    "contentType" TEXT NOT NULL,
    "sizeBytes" INTEGER NOT NULL,
    "sha256" TEXT NOT NULL,
    "uploadedByUserId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "StoredFile_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ActivityPhoto" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "activityId" UUID NOT NULL,
    "fileId" UUID NOT NULL,
    "altText" TEXT NOT NULL DEFAULT '',
    "position" INTEGER NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ActivityPhoto_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "SlotSeries" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "activityId" UUID NOT NULL,
    "weekdays" INTEGER[],
    "startTime" TEXT NOT NULL,
    "durationMinutes" INTEGER NOT NULL,
    "fromDate" DATE NOT NULL,
    "toDate" DATE NOT NULL,
    "exceptDates" DATE[],
    "capacity" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SlotSeries_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiKey" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "providerId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "secretHash" TEXT NOT NULL,
    "createdByUserId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),

    CONSTRAINT "ApiKey_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ApiIdempotency" (
    "providerId" UUID NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "requestHash" TEXT NOT NULL,
    "status" INTEGER NOT NULL,
    "body" JSONB NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ApiIdempotency_pkey" PRIMARY KEY ("providerId","idempotencyKey")
);

-- CreateTable
CREATE TABLE "Invitation" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "email" TEXT NOT NULL,
    "role" "Role" NOT NULL,
    "providerId" UUID,
    "councilId" UUID,
    "tokenHash" TEXT NOT NULL,
    "invitedByUserId" UUID,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "acceptedAt" TIMESTAMPTZ(3),
    "revokedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Invitation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "GuardianConsent" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "youngPersonId" UUID NOT NULL,
    "guardianContact" TEXT NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "consentedAt" TIMESTAMPTZ(3),
    "guardianUserId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "GuardianConsent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "BackgroundJob" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "councilId" UUID NOT NULL,
    "kind" "JobKind" NOT NULL,
    "status" "JobStatus" NOT NULL DEFAULT 'QUEUED',
    "processed" INTEGER NOT NULL DEFAULT 0,
    "total" INTEGER,
    "input" JSONB NOT NULL DEFAULT '{}',
    "result" JSONB NOT NULL DEFAULT '{}',
    "error" TEXT,
    "fileId" UUID,
    "createdByUserId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "startedAt" TIMESTAMPTZ(3),
    "finishedAt" TIMESTAMPTZ(3),

    CONSTRAINT "BackgroundJob_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PassApplication" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "councilId" UUID NOT NULL,
    "firstName" TEXT NOT NULL,
    "lastName" TEXT NOT NULL,
    "dateOfBirth" DATE NOT NULL,
    "postcode" TEXT NOT NULL,
    "email" TEXT,
    "phone" TEXT,
    "guardianContact" TEXT,
    "proofFileId" UUID,
    "status" "PassApplicationStatus" NOT NULL DEFAULT 'PENDING',
    "rejectionReason" TEXT,
    "decidedByUserId" UUID,
    "decidedAt" TIMESTAMPTZ(3),
    "youngPersonId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "PassApplication_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AttendanceReport" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "providerId" UUID NOT NULL,
    "source" "AttendanceSource" NOT NULL,
    "reference" TEXT NOT NULL,
    "status" "AttendanceReportStatus" NOT NULL DEFAULT 'RECEIVED',
    "lineCount" INTEGER NOT NULL,
    "submittedByUserId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "processedAt" TIMESTAMPTZ(3),

    CONSTRAINT "AttendanceReport_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AttendanceLine" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "reportId" UUID NOT NULL,
    "line" INTEGER NOT NULL,
    "bookingCode" TEXT NOT NULL,
    "attended" BOOLEAN NOT NULL,
    "bookingId" UUID,

    CONSTRAINT "AttendanceLine_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Dispute" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "councilId" UUID NOT NULL,
    "providerId" UUID NOT NULL,
    "kind" "DisputeKind" NOT NULL,
    "dedupeKey" TEXT NOT NULL,
    "bookingId" UUID,
    "redemptionId" UUID,
    "reportId" UUID,
    "detail" TEXT NOT NULL,
    "status" "DisputeStatus" NOT NULL DEFAULT 'OPEN',
    "decision" "DisputeDecision",
    "decisionNote" TEXT,
    "decidedByUserId" UUID,
    "decidedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Dispute_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "WaitlistEntry" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "councilId" UUID NOT NULL,
    "slotId" UUID NOT NULL,
    "youngPersonId" UUID NOT NULL,
    "status" "WaitlistStatus" NOT NULL DEFAULT 'WAITING',
    "offeredAt" TIMESTAMPTZ(3),
    "offerExpiresAt" TIMESTAMPTZ(3),
    "bookingId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "WaitlistEntry_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Rating" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "councilId" UUID NOT NULL,
    "bookingId" UUID NOT NULL,
    "youngPersonId" UUID NOT NULL,
    "activityId" UUID NOT NULL,
    "providerId" UUID NOT NULL,
    "stars" INTEGER NOT NULL,
    "comment" TEXT,
    "wouldGoAgain" BOOLEAN NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Rating_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Favourite" (
    "youngPersonId" UUID NOT NULL,
    "activityId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Favourite_pkey" PRIMARY KEY ("youngPersonId","activityId")
);

-- CreateTable
CREATE TABLE "SearchEvent" (
    "id" BIGSERIAL NOT NULL,
    "councilId" UUID NOT NULL,
    "query" TEXT NOT NULL,
    "category" "Category",
    "filters" JSONB NOT NULL DEFAULT '{}',
    "resultCount" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SearchEvent_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DemandNote" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "councilId" UUID NOT NULL,
    "youngPersonId" UUID,
    "kind" "DemandKind" NOT NULL,
    "text" TEXT NOT NULL,
    "category" "Category",
    "searchQuery" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "DemandNote_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "BankFile_councilId_createdAt_idx" ON "BankFile"("councilId", "createdAt");

-- CreateIndex
CREATE INDEX "StripeEvent_objectId_idx" ON "StripeEvent"("objectId");

-- CreateIndex
CREATE UNIQUE INDEX "StoredFile_storedName_key" ON "StoredFile"("storedName");

-- CreateIndex
CREATE INDEX "StoredFile_providerId_kind_idx" ON "StoredFile"("providerId", "kind");

-- CreateIndex
CREATE INDEX "StoredFile_councilId_kind_idx" ON "StoredFile"("councilId", "kind");

-- CreateIndex
CREATE INDEX "ActivityPhoto_activityId_position_idx" ON "ActivityPhoto"("activityId", "position");

-- CreateIndex
CREATE INDEX "SlotSeries_activityId_idx" ON "SlotSeries"("activityId");

-- CreateIndex
CREATE UNIQUE INDEX "ApiKey_prefix_key" ON "ApiKey"("prefix");

-- CreateIndex
CREATE INDEX "ApiKey_providerId_idx" ON "ApiKey"("providerId");

-- CreateIndex
CREATE INDEX "ApiIdempotency_createdAt_idx" ON "ApiIdempotency"("createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Invitation_tokenHash_key" ON "Invitation"("tokenHash");

-- CreateIndex
CREATE INDEX "Invitation_providerId_idx" ON "Invitation"("providerId");

-- CreateIndex
CREATE INDEX "Invitation_councilId_idx" ON "Invitation"("councilId");

-- CreateIndex
CREATE UNIQUE INDEX "GuardianConsent_tokenHash_key" ON "GuardianConsent"("tokenHash");

-- CreateIndex
CREATE INDEX "GuardianConsent_youngPersonId_idx" ON "GuardianConsent"("youngPersonId");

-- CreateIndex
CREATE INDEX "BackgroundJob_councilId_kind_createdAt_idx" ON "BackgroundJob"("councilId", "kind", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "PassApplication_youngPersonId_key" ON "PassApplication"("youngPersonId");

-- CreateIndex
CREATE INDEX "PassApplication_councilId_status_createdAt_idx" ON "PassApplication"("councilId", "status", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "AttendanceReport_providerId_reference_key" ON "AttendanceReport"("providerId", "reference");

-- CreateIndex
CREATE INDEX "AttendanceLine_reportId_idx" ON "AttendanceLine"("reportId");

-- CreateIndex
CREATE INDEX "AttendanceLine_bookingCode_idx" ON "AttendanceLine"("bookingCode");

-- CreateIndex
CREATE UNIQUE INDEX "Dispute_dedupeKey_key" ON "Dispute"("dedupeKey");

-- CreateIndex
CREATE INDEX "Dispute_councilId_status_createdAt_idx" ON "Dispute"("councilId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "Dispute_redemptionId_status_idx" ON "Dispute"("redemptionId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "WaitlistEntry_bookingId_key" ON "WaitlistEntry"("bookingId");

-- CreateIndex
CREATE INDEX "WaitlistEntry_slotId_status_createdAt_idx" ON "WaitlistEntry"("slotId", "status", "createdAt");

-- CreateIndex
CREATE INDEX "WaitlistEntry_youngPersonId_status_idx" ON "WaitlistEntry"("youngPersonId", "status");

-- CreateIndex
CREATE INDEX "WaitlistEntry_status_offerExpiresAt_idx" ON "WaitlistEntry"("status", "offerExpiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "Rating_bookingId_key" ON "Rating"("bookingId");

-- CreateIndex
CREATE INDEX "Rating_councilId_createdAt_idx" ON "Rating"("councilId", "createdAt");

-- CreateIndex
CREATE INDEX "Rating_activityId_idx" ON "Rating"("activityId");

-- CreateIndex
CREATE INDEX "SearchEvent_councilId_resultCount_createdAt_idx" ON "SearchEvent"("councilId", "resultCount", "createdAt");

-- CreateIndex
CREATE INDEX "DemandNote_councilId_kind_createdAt_idx" ON "DemandNote"("councilId", "kind", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "PayoutRun_transferGroup_key" ON "PayoutRun"("transferGroup");

-- AddForeignKey
ALTER TABLE "Slot" ADD CONSTRAINT "Slot_seriesId_fkey" FOREIGN KEY ("seriesId") REFERENCES "SlotSeries"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Payout" ADD CONSTRAINT "Payout_bankFileId_fkey" FOREIGN KEY ("bankFileId") REFERENCES "BankFile"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "BankFile" ADD CONSTRAINT "BankFile_runId_fkey" FOREIGN KEY ("runId") REFERENCES "PayoutRun"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "StoredFile" ADD CONSTRAINT "StoredFile_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "Provider"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ActivityPhoto" ADD CONSTRAINT "ActivityPhoto_activityId_fkey" FOREIGN KEY ("activityId") REFERENCES "Activity"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ActivityPhoto" ADD CONSTRAINT "ActivityPhoto_fileId_fkey" FOREIGN KEY ("fileId") REFERENCES "StoredFile"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "SlotSeries" ADD CONSTRAINT "SlotSeries_activityId_fkey" FOREIGN KEY ("activityId") REFERENCES "Activity"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ApiKey" ADD CONSTRAINT "ApiKey_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "Provider"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Invitation" ADD CONSTRAINT "Invitation_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "Provider"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "GuardianConsent" ADD CONSTRAINT "GuardianConsent_youngPersonId_fkey" FOREIGN KEY ("youngPersonId") REFERENCES "YoungPerson"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AttendanceReport" ADD CONSTRAINT "AttendanceReport_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "Provider"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AttendanceLine" ADD CONSTRAINT "AttendanceLine_reportId_fkey" FOREIGN KEY ("reportId") REFERENCES "AttendanceReport"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Dispute" ADD CONSTRAINT "Dispute_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "Provider"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Dispute" ADD CONSTRAINT "Dispute_bookingId_fkey" FOREIGN KEY ("bookingId") REFERENCES "Booking"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Dispute" ADD CONSTRAINT "Dispute_redemptionId_fkey" FOREIGN KEY ("redemptionId") REFERENCES "Redemption"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Dispute" ADD CONSTRAINT "Dispute_reportId_fkey" FOREIGN KEY ("reportId") REFERENCES "AttendanceReport"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WaitlistEntry" ADD CONSTRAINT "WaitlistEntry_slotId_fkey" FOREIGN KEY ("slotId") REFERENCES "Slot"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "WaitlistEntry" ADD CONSTRAINT "WaitlistEntry_youngPersonId_fkey" FOREIGN KEY ("youngPersonId") REFERENCES "YoungPerson"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Rating" ADD CONSTRAINT "Rating_bookingId_fkey" FOREIGN KEY ("bookingId") REFERENCES "Booking"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Rating" ADD CONSTRAINT "Rating_youngPersonId_fkey" FOREIGN KEY ("youngPersonId") REFERENCES "YoungPerson"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Rating" ADD CONSTRAINT "Rating_activityId_fkey" FOREIGN KEY ("activityId") REFERENCES "Activity"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Favourite" ADD CONSTRAINT "Favourite_youngPersonId_fkey" FOREIGN KEY ("youngPersonId") REFERENCES "YoungPerson"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Favourite" ADD CONSTRAINT "Favourite_activityId_fkey" FOREIGN KEY ("activityId") REFERENCES "Activity"("id") ON DELETE RESTRICT ON UPDATE CASCADE;


-- ---------------------------------------------------------------- hand-written rules

-- Places offered from a waiting list are held: booked + offered never exceeds capacity.
ALTER TABLE "Slot" DROP CONSTRAINT "Slot_booked_within_capacity";
ALTER TABLE "Slot" ADD CONSTRAINT "Slot_taken_within_capacity"
  CHECK ("booked" >= 0 AND "offered" >= 0 AND "booked" + "offered" <= "capacity");

-- One live place in a slot's queue per young person.
CREATE UNIQUE INDEX "WaitlistEntry_one_live_per_person"
  ON "WaitlistEntry" ("slotId", "youngPersonId") WHERE "status" IN ('WAITING', 'OFFERED');
ALTER TABLE "WaitlistEntry" ADD CONSTRAINT "WaitlistEntry_offer_has_expiry"
  CHECK ("status" <> 'OFFERED' OR ("offeredAt" IS NOT NULL AND "offerExpiresAt" IS NOT NULL));

ALTER TABLE "Rating" ADD CONSTRAINT "Rating_stars_1_to_5" CHECK ("stars" BETWEEN 1 AND 5);
ALTER TABLE "Rating" ADD CONSTRAINT "Rating_comment_length" CHECK ("comment" IS NULL OR length("comment") <= 1000);
ALTER TABLE "DemandNote" ADD CONSTRAINT "DemandNote_text_length" CHECK (length("text") BETWEEN 1 AND 1000);

-- Bank details are all there or all absent; UK sort code 6 digits, account number 8.
ALTER TABLE "Provider" ADD CONSTRAINT "Provider_bank_details_whole" CHECK (
  ("bankAccountName" IS NULL AND "bankSortCode" IS NULL AND "bankAccountNumber" IS NULL)
  OR ("bankAccountName" IS NOT NULL AND "bankSortCode" ~ '^[0-9]{6}$' AND "bankAccountNumber" ~ '^[0-9]{8}$'));

ALTER TABLE "SlotSeries" ADD CONSTRAINT "SlotSeries_sane" CHECK (
  "toDate" >= "fromDate" AND "durationMinutes" > 0 AND "capacity" > 0
  AND "startTime" ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'
  AND "weekdays" <@ ARRAY[1,2,3,4,5,6,7] AND cardinality("weekdays") > 0);

ALTER TABLE "StoredFile" ADD CONSTRAINT "StoredFile_size_positive" CHECK ("sizeBytes" > 0);
ALTER TABLE "BackgroundJob" ADD CONSTRAINT "BackgroundJob_progress_sane"
  CHECK ("processed" >= 0 AND ("total" IS NULL OR "total" >= 0));
ALTER TABLE "Invitation" ADD CONSTRAINT "Invitation_scope" CHECK (
  ("role" IN ('PROVIDER_MANAGER', 'DOOR_STAFF') AND "providerId" IS NOT NULL AND "councilId" IS NULL)
  OR ("role" IN ('OFFICER', 'FINANCE_OFFICER') AND "councilId" IS NOT NULL AND "providerId" IS NULL));
ALTER TABLE "Dispute" ADD CONSTRAINT "Dispute_decided_when_resolved" CHECK (
  ("status" = 'OPEN' AND "decision" IS NULL) OR ("status" = 'RESOLVED' AND "decision" IS NOT NULL AND "decidedAt" IS NOT NULL));
ALTER TABLE "Programme" ADD CONSTRAINT "Programme_waitlist_offer_positive" CHECK ("waitlistOfferMinutes" > 0);

-- The no-show sweep and reminders look only at live bookings.
CREATE INDEX "Booking_live_by_slot" ON "Booking" ("slotId") WHERE "status" = 'CONFIRMED';
