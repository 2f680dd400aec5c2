-- CreateEnum
CREATE TYPE "Role" AS ENUM ('YOUNG_PERSON', 'GUARDIAN', 'PROVIDER_MANAGER', 'DOOR_STAFF', 'OFFICER', 'FINANCE_OFFICER');

-- CreateEnum
CREATE TYPE "VerificationPurpose" AS ENUM ('SIGN_IN');

-- CreateEnum
CREATE TYPE "MessageChannel" AS ENUM ('SMS', 'EMAIL');

-- CreateEnum
CREATE TYPE "MessageStatus" AS ENUM ('PENDING', 'SENT', 'FAILED', 'OUTBOX');

-- CreateEnum
CREATE TYPE "Category" AS ENUM ('SWIMMING', 'GYM', 'FOOTBALL', 'SPORT', 'CLIMBING', 'DANCE', 'MUSIC', 'RECORDING_STUDIO', 'ARTS', 'DRAMA', 'OUTDOORS');

-- CreateEnum
CREATE TYPE "NeedsFlag" AS ENUM ('FREE_SCHOOL_MEALS', 'CARE_EXPERIENCED', 'SEND', 'YOUNG_CARER');

-- CreateEnum
CREATE TYPE "NoShowPolicy" AS ENUM ('RELEASE', 'CHARGE');

-- CreateEnum
CREATE TYPE "PayoutSchedule" AS ENUM ('DAILY', 'WEEKLY');

-- CreateEnum
CREATE TYPE "ProgrammeStatus" AS ENUM ('DRAFT', 'ACTIVE', 'CLOSED');

-- CreateEnum
CREATE TYPE "YoungPersonStatus" AS ENUM ('INVITED', 'ACTIVE', 'AWAITING_CONSENT', 'DEACTIVATED');

-- CreateEnum
CREATE TYPE "AllocationStatus" AS ENUM ('ACTIVE', 'FROZEN', 'REVOKED', 'EXPIRED');

-- CreateEnum
CREATE TYPE "VettingStatus" AS ENUM ('APPLIED', 'APPROVED', 'REJECTED', 'SUSPENDED');

-- CreateEnum
CREATE TYPE "ActivityStatus" AS ENUM ('DRAFT', 'LIVE', 'PAUSED', 'ARCHIVED');

-- CreateEnum
CREATE TYPE "SlotStatus" AS ENUM ('SCHEDULED', 'CANCELLED');

-- CreateEnum
CREATE TYPE "BookingStatus" AS ENUM ('CONFIRMED', 'REDEEMED', 'CANCELLED', 'PROVIDER_CANCELLED', 'NO_SHOW');

-- CreateEnum
CREATE TYPE "RedemptionMethod" AS ENUM ('BOOKING_CODE', 'PASS_QR', 'POINT_OF_SALE', 'NO_SHOW_CHARGE');

-- CreateEnum
CREATE TYPE "RedemptionStatus" AS ENUM ('PENDING', 'PAYABLE', 'IN_PAYOUT', 'PAID');

-- CreateEnum
CREATE TYPE "AccountType" AS ENUM ('COUNCIL_FUNDING', 'PROGRAMME_BUDGET', 'WALLET', 'BOOKING_HOLD', 'PROVIDER_PAYABLE', 'PAYOUT_IN_FLIGHT', 'PAID_OUT');

-- CreateEnum
CREATE TYPE "TransferKind" AS ENUM ('FUND', 'ISSUE', 'TOP_UP', 'BOOK', 'CANCEL', 'PROVIDER_CANCEL', 'NO_SHOW_RELEASE', 'REDEEM', 'CHARGE', 'PAYOUT_START', 'PAYOUT_COMPLETE', 'PAYOUT_FAIL', 'EXPIRE', 'REVOKE');

-- CreateEnum
CREATE TYPE "PayoutRunStatus" AS ENUM ('OPEN', 'AWAITING_APPROVAL', 'APPROVED', 'PAYING', 'COMPLETED', 'FAILED');

-- CreateEnum
CREATE TYPE "PayoutMethod" AS ENUM ('STRIPE_TRANSFER', 'BANK_FILE');

-- CreateEnum
CREATE TYPE "PayoutStatus" AS ENUM ('PENDING', 'PROCESSING', 'PAID', 'PARKED', 'FAILED');

-- CreateTable
CREATE TABLE "Council" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "slug" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Council_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "User" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "email" TEXT,
    "phone" TEXT,
    "displayName" TEXT NOT NULL,
    "isPlatformAdmin" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSignInAt" TIMESTAMPTZ(3),

    CONSTRAINT "User_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Membership" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "userId" UUID NOT NULL,
    "role" "Role" NOT NULL,
    "councilId" UUID,
    "providerId" UUID,
    "youngPersonId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Membership_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Session" (
    "id" TEXT NOT NULL,
    "userId" UUID NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "lastSeenAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Session_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Verification" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "purpose" "VerificationPurpose" NOT NULL,
    "target" TEXT NOT NULL,
    "codeHash" TEXT NOT NULL,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,
    "usedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Verification_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Message" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "channel" "MessageChannel" NOT NULL,
    "recipient" TEXT NOT NULL,
    "template" TEXT NOT NULL,
    "subject" TEXT NOT NULL,
    "body" TEXT NOT NULL,
    "status" "MessageStatus" NOT NULL DEFAULT 'PENDING',
    "notifyId" TEXT,
    "failureReason" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "sentAt" TIMESTAMPTZ(3),
    "redactAfterSend" BOOLEAN NOT NULL DEFAULT false,

    CONSTRAINT "Message_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Programme" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "councilId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "status" "ProgrammeStatus" NOT NULL DEFAULT 'DRAFT',
    "budgetPence" INTEGER NOT NULL,
    "baseAllocationPence" INTEGER NOT NULL,
    "upliftsPence" JSONB NOT NULL DEFAULT '{}',
    "minAge" INTEGER NOT NULL,
    "maxAge" INTEGER NOT NULL,
    "ageReferenceDate" DATE NOT NULL,
    "eligibleWards" TEXT[],
    "allowedCategories" "Category"[],
    "startsOn" DATE NOT NULL,
    "endsOn" DATE NOT NULL,
    "maxPerBookingPence" INTEGER,
    "noShowPolicy" "NoShowPolicy" NOT NULL DEFAULT 'RELEASE',
    "noShowGraceMinutes" INTEGER NOT NULL DEFAULT 60,
    "disputeWindowDays" INTEGER NOT NULL DEFAULT 3,
    "payoutSchedule" "PayoutSchedule" NOT NULL DEFAULT 'WEEKLY',
    "approvalThresholdPence" INTEGER NOT NULL DEFAULT 500000,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Programme_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "YoungPerson" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "councilId" UUID NOT NULL,
    "externalRef" TEXT,
    "firstName" TEXT NOT NULL,
    "lastName" TEXT NOT NULL,
    "dateOfBirth" DATE NOT NULL,
    "postcode" TEXT NOT NULL,
    "ward" TEXT NOT NULL,
    "needsFlags" "NeedsFlag"[],
    "email" TEXT,
    "phone" TEXT,
    "status" "YoungPersonStatus" NOT NULL DEFAULT 'INVITED',
    "passCode" TEXT NOT NULL,
    "activationCode" TEXT,
    "userId" UUID,
    "guardianConsentAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "YoungPerson_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Allocation" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "councilId" UUID NOT NULL,
    "programmeId" UUID NOT NULL,
    "youngPersonId" UUID NOT NULL,
    "status" "AllocationStatus" NOT NULL DEFAULT 'ACTIVE',
    "issuedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Allocation_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Provider" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "name" TEXT NOT NULL,
    "contactEmail" TEXT NOT NULL,
    "contactPhone" TEXT,
    "stripeAccountId" TEXT,
    "stripePayoutsEnabled" BOOLEAN NOT NULL DEFAULT false,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Provider_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "ProviderCouncil" (
    "providerId" UUID NOT NULL,
    "councilId" UUID NOT NULL,
    "status" "VettingStatus" NOT NULL DEFAULT 'APPLIED',
    "rejectionReason" TEXT,
    "decidedAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ProviderCouncil_pkey" PRIMARY KEY ("providerId","councilId")
);

-- CreateTable
CREATE TABLE "Venue" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "providerId" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "addressLine1" TEXT NOT NULL,
    "town" TEXT NOT NULL,
    "postcode" TEXT NOT NULL,
    "latitude" DOUBLE PRECISION,
    "longitude" DOUBLE PRECISION,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Venue_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Activity" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "providerId" UUID NOT NULL,
    "councilId" UUID NOT NULL,
    "venueId" UUID NOT NULL,
    "title" TEXT NOT NULL,
    "description" TEXT NOT NULL,
    "category" "Category" NOT NULL,
    "minAge" INTEGER NOT NULL,
    "maxAge" INTEGER NOT NULL,
    "pricePence" INTEGER NOT NULL,
    "capacity" INTEGER NOT NULL,
    "accessibility" TEXT NOT NULL DEFAULT '',
    "whatToBring" TEXT NOT NULL DEFAULT '',
    "cancellationCutoffHours" INTEGER NOT NULL DEFAULT 24,
    "status" "ActivityStatus" NOT NULL DEFAULT 'LIVE',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Activity_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Slot" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "activityId" UUID NOT NULL,
    "startsAt" TIMESTAMPTZ(3) NOT NULL,
    "endsAt" TIMESTAMPTZ(3) NOT NULL,
    "capacity" INTEGER NOT NULL,
    "booked" INTEGER NOT NULL DEFAULT 0,
    "status" "SlotStatus" NOT NULL DEFAULT 'SCHEDULED',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Slot_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Booking" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "councilId" UUID NOT NULL,
    "code" TEXT NOT NULL,
    "slotId" UUID NOT NULL,
    "youngPersonId" UUID NOT NULL,
    "allocationId" UUID NOT NULL,
    "pricePence" INTEGER NOT NULL,
    "status" "BookingStatus" NOT NULL DEFAULT 'CONFIRMED',
    "requestKey" TEXT NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "endedAt" TIMESTAMPTZ(3),

    CONSTRAINT "Booking_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Redemption" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "councilId" UUID NOT NULL,
    "providerId" UUID NOT NULL,
    "youngPersonId" UUID NOT NULL,
    "bookingId" UUID,
    "amountPence" INTEGER NOT NULL,
    "method" "RedemptionMethod" NOT NULL,
    "status" "RedemptionStatus" NOT NULL DEFAULT 'PENDING',
    "redeemedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "redeemedByUserId" UUID,
    "redeemedByName" TEXT NOT NULL,
    "payableAt" TIMESTAMPTZ(3) NOT NULL,
    "payoutId" UUID,
    "idempotencyKey" TEXT NOT NULL,

    CONSTRAINT "Redemption_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Account" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "councilId" UUID NOT NULL,
    "type" "AccountType" NOT NULL,
    "balancePence" BIGINT NOT NULL DEFAULT 0,
    "programmeId" UUID,
    "allocationId" UUID,
    "bookingId" UUID,
    "providerId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Account_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Transfer" (
    "id" BIGSERIAL NOT NULL,
    "councilId" UUID NOT NULL,
    "kind" "TransferKind" NOT NULL,
    "debitAccountId" UUID NOT NULL,
    "creditAccountId" UUID NOT NULL,
    "amountPence" INTEGER NOT NULL,
    "idempotencyKey" TEXT NOT NULL,
    "reason" TEXT,
    "actorUserId" UUID,
    "bookingId" UUID,
    "redemptionId" UUID,
    "payoutId" UUID,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Transfer_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PayoutRun" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "councilId" UUID NOT NULL,
    "status" "PayoutRunStatus" NOT NULL DEFAULT 'OPEN',
    "totalPence" BIGINT NOT NULL DEFAULT 0,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "approvedAt" TIMESTAMPTZ(3),
    "approvedByUserId" UUID,
    "completedAt" TIMESTAMPTZ(3),

    CONSTRAINT "PayoutRun_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "Payout" (
    "id" UUID NOT NULL DEFAULT gen_random_uuid(),
    "runId" UUID NOT NULL,
    "councilId" UUID NOT NULL,
    "providerId" UUID NOT NULL,
    "amountPence" INTEGER NOT NULL,
    "method" "PayoutMethod" NOT NULL,
    "status" "PayoutStatus" NOT NULL DEFAULT 'PENDING',
    "idempotencyKey" TEXT NOT NULL,
    "stripeTransferId" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "failureReason" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "paidAt" TIMESTAMPTZ(3),

    CONSTRAINT "Payout_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AuditEvent" (
    "id" BIGSERIAL NOT NULL,
    "councilId" UUID,
    "actorUserId" UUID,
    "action" TEXT NOT NULL,
    "entityType" TEXT NOT NULL,
    "entityId" TEXT NOT NULL,
    "data" JSONB NOT NULL DEFAULT '{}',
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Council_slug_key" ON "Council"("slug");

-- CreateIndex
CREATE UNIQUE INDEX "User_email_key" ON "User"("email");

-- CreateIndex
CREATE UNIQUE INDEX "User_phone_key" ON "User"("phone");

-- CreateIndex
CREATE INDEX "Membership_councilId_idx" ON "Membership"("councilId");

-- CreateIndex
CREATE INDEX "Membership_providerId_idx" ON "Membership"("providerId");

-- CreateIndex
CREATE INDEX "Membership_youngPersonId_idx" ON "Membership"("youngPersonId");

-- CreateIndex
CREATE UNIQUE INDEX "Membership_userId_role_councilId_providerId_youngPersonId_key" ON "Membership"("userId", "role", "councilId", "providerId", "youngPersonId");

-- CreateIndex
CREATE INDEX "Session_userId_idx" ON "Session"("userId");

-- CreateIndex
CREATE INDEX "Session_expiresAt_idx" ON "Session"("expiresAt");

-- CreateIndex
CREATE INDEX "Verification_purpose_target_createdAt_idx" ON "Verification"("purpose", "target", "createdAt");

-- CreateIndex
CREATE INDEX "Message_createdAt_idx" ON "Message"("createdAt");

-- CreateIndex
CREATE INDEX "Programme_councilId_idx" ON "Programme"("councilId");

-- CreateIndex
CREATE UNIQUE INDEX "YoungPerson_passCode_key" ON "YoungPerson"("passCode");

-- CreateIndex
CREATE UNIQUE INDEX "YoungPerson_activationCode_key" ON "YoungPerson"("activationCode");

-- CreateIndex
CREATE UNIQUE INDEX "YoungPerson_userId_key" ON "YoungPerson"("userId");

-- CreateIndex
CREATE INDEX "YoungPerson_councilId_ward_idx" ON "YoungPerson"("councilId", "ward");

-- CreateIndex
CREATE UNIQUE INDEX "YoungPerson_councilId_externalRef_key" ON "YoungPerson"("councilId", "externalRef");

-- CreateIndex
CREATE INDEX "Allocation_youngPersonId_idx" ON "Allocation"("youngPersonId");

-- CreateIndex
CREATE INDEX "Allocation_expiresAt_idx" ON "Allocation"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "Allocation_programmeId_youngPersonId_key" ON "Allocation"("programmeId", "youngPersonId");

-- CreateIndex
CREATE UNIQUE INDEX "Provider_stripeAccountId_key" ON "Provider"("stripeAccountId");

-- CreateIndex
CREATE INDEX "ProviderCouncil_councilId_status_idx" ON "ProviderCouncil"("councilId", "status");

-- CreateIndex
CREATE INDEX "Venue_providerId_idx" ON "Venue"("providerId");

-- CreateIndex
CREATE INDEX "Activity_councilId_status_category_idx" ON "Activity"("councilId", "status", "category");

-- CreateIndex
CREATE INDEX "Activity_providerId_idx" ON "Activity"("providerId");

-- CreateIndex
CREATE INDEX "Slot_activityId_startsAt_idx" ON "Slot"("activityId", "startsAt");

-- CreateIndex
CREATE INDEX "Slot_startsAt_idx" ON "Slot"("startsAt");

-- CreateIndex
CREATE UNIQUE INDEX "Booking_code_key" ON "Booking"("code");

-- CreateIndex
CREATE INDEX "Booking_slotId_status_idx" ON "Booking"("slotId", "status");

-- CreateIndex
CREATE INDEX "Booking_youngPersonId_status_idx" ON "Booking"("youngPersonId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Booking_youngPersonId_requestKey_key" ON "Booking"("youngPersonId", "requestKey");

-- CreateIndex
CREATE UNIQUE INDEX "Redemption_bookingId_key" ON "Redemption"("bookingId");

-- CreateIndex
CREATE UNIQUE INDEX "Redemption_idempotencyKey_key" ON "Redemption"("idempotencyKey");

-- CreateIndex
CREATE INDEX "Redemption_councilId_providerId_status_idx" ON "Redemption"("councilId", "providerId", "status");

-- CreateIndex
CREATE INDEX "Redemption_payoutId_idx" ON "Redemption"("payoutId");

-- CreateIndex
CREATE UNIQUE INDEX "Account_allocationId_key" ON "Account"("allocationId");

-- CreateIndex
CREATE UNIQUE INDEX "Account_bookingId_key" ON "Account"("bookingId");

-- CreateIndex
CREATE INDEX "Account_councilId_type_idx" ON "Account"("councilId", "type");

-- CreateIndex
CREATE UNIQUE INDEX "Transfer_idempotencyKey_key" ON "Transfer"("idempotencyKey");

-- CreateIndex
CREATE INDEX "Transfer_councilId_createdAt_idx" ON "Transfer"("councilId", "createdAt");

-- CreateIndex
CREATE INDEX "Transfer_debitAccountId_idx" ON "Transfer"("debitAccountId");

-- CreateIndex
CREATE INDEX "Transfer_creditAccountId_idx" ON "Transfer"("creditAccountId");

-- CreateIndex
CREATE INDEX "PayoutRun_councilId_createdAt_idx" ON "PayoutRun"("councilId", "createdAt");

-- CreateIndex
CREATE UNIQUE INDEX "Payout_idempotencyKey_key" ON "Payout"("idempotencyKey");

-- CreateIndex
CREATE UNIQUE INDEX "Payout_stripeTransferId_key" ON "Payout"("stripeTransferId");

-- CreateIndex
CREATE INDEX "Payout_councilId_status_idx" ON "Payout"("councilId", "status");

-- CreateIndex
CREATE UNIQUE INDEX "Payout_runId_providerId_key" ON "Payout"("runId", "providerId");

-- CreateIndex
CREATE INDEX "AuditEvent_councilId_createdAt_idx" ON "AuditEvent"("councilId", "createdAt");

-- CreateIndex
CREATE INDEX "AuditEvent_entityType_entityId_idx" ON "AuditEvent"("entityType", "entityId");

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_councilId_fkey" FOREIGN KEY ("councilId") REFERENCES "Council"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "Provider"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_youngPersonId_fkey" FOREIGN KEY ("youngPersonId") REFERENCES "YoungPerson"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Session" ADD CONSTRAINT "Session_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Programme" ADD CONSTRAINT "Programme_councilId_fkey" FOREIGN KEY ("councilId") REFERENCES "Council"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "YoungPerson" ADD CONSTRAINT "YoungPerson_councilId_fkey" FOREIGN KEY ("councilId") REFERENCES "Council"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "YoungPerson" ADD CONSTRAINT "YoungPerson_userId_fkey" FOREIGN KEY ("userId") REFERENCES "User"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Allocation" ADD CONSTRAINT "Allocation_councilId_fkey" FOREIGN KEY ("councilId") REFERENCES "Council"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Allocation" ADD CONSTRAINT "Allocation_programmeId_fkey" FOREIGN KEY ("programmeId") REFERENCES "Programme"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Allocation" ADD CONSTRAINT "Allocation_youngPersonId_fkey" FOREIGN KEY ("youngPersonId") REFERENCES "YoungPerson"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProviderCouncil" ADD CONSTRAINT "ProviderCouncil_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "Provider"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ProviderCouncil" ADD CONSTRAINT "ProviderCouncil_councilId_fkey" FOREIGN KEY ("councilId") REFERENCES "Council"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Venue" ADD CONSTRAINT "Venue_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "Provider"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Activity" ADD CONSTRAINT "Activity_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "Provider"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Activity" ADD CONSTRAINT "Activity_councilId_fkey" FOREIGN KEY ("councilId") REFERENCES "Council"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Activity" ADD CONSTRAINT "Activity_venueId_fkey" FOREIGN KEY ("venueId") REFERENCES "Venue"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Slot" ADD CONSTRAINT "Slot_activityId_fkey" FOREIGN KEY ("activityId") REFERENCES "Activity"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_councilId_fkey" FOREIGN KEY ("councilId") REFERENCES "Council"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_slotId_fkey" FOREIGN KEY ("slotId") REFERENCES "Slot"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_youngPersonId_fkey" FOREIGN KEY ("youngPersonId") REFERENCES "YoungPerson"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_allocationId_fkey" FOREIGN KEY ("allocationId") REFERENCES "Allocation"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Redemption" ADD CONSTRAINT "Redemption_councilId_fkey" FOREIGN KEY ("councilId") REFERENCES "Council"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Redemption" ADD CONSTRAINT "Redemption_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "Provider"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Redemption" ADD CONSTRAINT "Redemption_youngPersonId_fkey" FOREIGN KEY ("youngPersonId") REFERENCES "YoungPerson"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Redemption" ADD CONSTRAINT "Redemption_bookingId_fkey" FOREIGN KEY ("bookingId") REFERENCES "Booking"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Redemption" ADD CONSTRAINT "Redemption_payoutId_fkey" FOREIGN KEY ("payoutId") REFERENCES "Payout"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Account" ADD CONSTRAINT "Account_councilId_fkey" FOREIGN KEY ("councilId") REFERENCES "Council"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Account" ADD CONSTRAINT "Account_programmeId_fkey" FOREIGN KEY ("programmeId") REFERENCES "Programme"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Account" ADD CONSTRAINT "Account_allocationId_fkey" FOREIGN KEY ("allocationId") REFERENCES "Allocation"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Account" ADD CONSTRAINT "Account_bookingId_fkey" FOREIGN KEY ("bookingId") REFERENCES "Booking"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Account" ADD CONSTRAINT "Account_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "Provider"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Transfer" ADD CONSTRAINT "Transfer_councilId_fkey" FOREIGN KEY ("councilId") REFERENCES "Council"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Transfer" ADD CONSTRAINT "Transfer_debitAccountId_fkey" FOREIGN KEY ("debitAccountId") REFERENCES "Account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Transfer" ADD CONSTRAINT "Transfer_creditAccountId_fkey" FOREIGN KEY ("creditAccountId") REFERENCES "Account"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "PayoutRun" ADD CONSTRAINT "PayoutRun_councilId_fkey" FOREIGN KEY ("councilId") REFERENCES "Council"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Payout" ADD CONSTRAINT "Payout_runId_fkey" FOREIGN KEY ("runId") REFERENCES "PayoutRun"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Payout" ADD CONSTRAINT "Payout_providerId_fkey" FOREIGN KEY ("providerId") REFERENCES "Provider"("id") ON DELETE RESTRICT ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "AuditEvent" ADD CONSTRAINT "AuditEvent_councilId_fkey" FOREIGN KEY ("councilId") REFERENCES "Council"("id") ON DELETE SET NULL ON UPDATE CASCADE;
