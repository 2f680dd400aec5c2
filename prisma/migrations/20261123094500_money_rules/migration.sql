-- Rules the database enforces whatever the application does.

-- No balance below zero, except the council's funding source (the outside world's side).
ALTER TABLE "Account" ADD CONSTRAINT "Account_balance_not_negative"
  CHECK ("type" = 'COUNCIL_FUNDING' OR "balancePence" >= 0);
ALTER TABLE "Account" ADD CONSTRAINT "Account_owner_matches_type" CHECK (
  ("type" = 'PROGRAMME_BUDGET' AND "programmeId" IS NOT NULL) OR
  ("type" = 'WALLET' AND "allocationId" IS NOT NULL) OR
  ("type" = 'BOOKING_HOLD' AND "bookingId" IS NOT NULL) OR
  ("type" = 'PROVIDER_PAYABLE' AND "providerId" IS NOT NULL) OR
  ("type" IN ('COUNCIL_FUNDING', 'PAYOUT_IN_FLIGHT', 'PAID_OUT'))
);
-- One funding, in-flight and paid-out account per council; one payable per provider per council.
CREATE UNIQUE INDEX "Account_council_singletons" ON "Account" ("councilId", "type")
  WHERE "type" IN ('COUNCIL_FUNDING', 'PAYOUT_IN_FLIGHT', 'PAID_OUT');
CREATE UNIQUE INDEX "Account_provider_payable" ON "Account" ("councilId", "providerId")
  WHERE "type" = 'PROVIDER_PAYABLE';
CREATE UNIQUE INDEX "Account_programme_budget" ON "Account" ("programmeId")
  WHERE "type" = 'PROGRAMME_BUDGET';

ALTER TABLE "Transfer" ADD CONSTRAINT "Transfer_amount_positive" CHECK ("amountPence" > 0);
ALTER TABLE "Transfer" ADD CONSTRAINT "Transfer_two_accounts" CHECK ("debitAccountId" <> "creditAccountId");

-- Transfers and audit events are appended, never changed: corrections are new rows.
CREATE FUNCTION playpass_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% rows are append-only', TG_TABLE_NAME USING ERRCODE = 'restrict_violation';
END;
$$;
CREATE TRIGGER "Transfer_append_only" BEFORE UPDATE OR DELETE ON "Transfer"
  FOR EACH ROW EXECUTE FUNCTION playpass_append_only();
CREATE TRIGGER "AuditEvent_append_only" BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION playpass_append_only();

ALTER TABLE "Slot" ADD CONSTRAINT "Slot_booked_within_capacity"
  CHECK ("booked" >= 0 AND "booked" <= "capacity");
ALTER TABLE "Slot" ADD CONSTRAINT "Slot_ends_after_start" CHECK ("endsAt" > "startsAt");

ALTER TABLE "Activity" ADD CONSTRAINT "Activity_price_not_negative" CHECK ("pricePence" >= 0);
ALTER TABLE "Activity" ADD CONSTRAINT "Activity_capacity_positive" CHECK ("capacity" > 0);
ALTER TABLE "Activity" ADD CONSTRAINT "Activity_age_range" CHECK ("minAge" >= 0 AND "minAge" <= "maxAge");
ALTER TABLE "Activity" ADD CONSTRAINT "Activity_cutoff_not_negative" CHECK ("cancellationCutoffHours" >= 0);

ALTER TABLE "Programme" ADD CONSTRAINT "Programme_money_not_negative" CHECK (
  "budgetPence" >= 0 AND "baseAllocationPence" >= 0 AND "approvalThresholdPence" >= 0
  AND ("maxPerBookingPence" IS NULL OR "maxPerBookingPence" > 0)
);
ALTER TABLE "Programme" ADD CONSTRAINT "Programme_age_range" CHECK ("minAge" >= 0 AND "minAge" <= "maxAge");
ALTER TABLE "Programme" ADD CONSTRAINT "Programme_dates" CHECK ("endsOn" >= "startsOn");

-- A young person holds at most one live place on a slot.
CREATE UNIQUE INDEX "Booking_one_live_per_slot" ON "Booking" ("slotId", "youngPersonId")
  WHERE "status" IN ('CONFIRMED', 'REDEEMED', 'NO_SHOW');
ALTER TABLE "Booking" ADD CONSTRAINT "Booking_price_not_negative" CHECK ("pricePence" >= 0);
ALTER TABLE "Redemption" ADD CONSTRAINT "Redemption_amount_not_negative" CHECK ("amountPence" >= 0);
ALTER TABLE "Payout" ADD CONSTRAINT "Payout_amount_positive" CHECK ("amountPence" > 0);
ALTER TABLE "Verification" ADD CONSTRAINT "Verification_attempts_not_negative" CHECK ("attempts" >= 0);

-- A membership is scoped to exactly what its role needs.
ALTER TABLE "Membership" ADD CONSTRAINT "Membership_scope_matches_role" CHECK (
  ("role" IN ('OFFICER', 'FINANCE_OFFICER') AND "councilId" IS NOT NULL AND "providerId" IS NULL AND "youngPersonId" IS NULL) OR
  ("role" IN ('PROVIDER_MANAGER', 'DOOR_STAFF') AND "providerId" IS NOT NULL AND "councilId" IS NULL AND "youngPersonId" IS NULL) OR
  ("role" IN ('YOUNG_PERSON', 'GUARDIAN') AND "youngPersonId" IS NOT NULL AND "councilId" IS NULL AND "providerId" IS NULL)
);
-- NULLs are distinct in the composite unique key; these make each scope unique.
CREATE UNIQUE INDEX "Membership_council_role" ON "Membership" ("userId", "role", "councilId") WHERE "councilId" IS NOT NULL;
CREATE UNIQUE INDEX "Membership_provider_role" ON "Membership" ("userId", "role", "providerId") WHERE "providerId" IS NOT NULL;
CREATE UNIQUE INDEX "Membership_young_person_role" ON "Membership" ("userId", "role", "youngPersonId") WHERE "youngPersonId" IS NOT NULL;
