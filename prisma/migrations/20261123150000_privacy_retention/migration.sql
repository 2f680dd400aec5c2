-- AlterTable
ALTER TABLE "Council" ADD COLUMN     "retentionMonths" INTEGER NOT NULL DEFAULT 12;

-- AlterTable
ALTER TABLE "YoungPerson" ADD COLUMN     "anonymisedAt" TIMESTAMPTZ(3);

-- A council keeps young people's personal data between one month and ten years after their programme ends.
ALTER TABLE "Council" ADD CONSTRAINT "Council_retentionMonths_range" CHECK ("retentionMonths" BETWEEN 1 AND 120);

-- The retention job finds people still to anonymise without reading those already done.
CREATE INDEX "YoungPerson_notAnonymised_idx" ON "YoungPerson" ("councilId") WHERE "anonymisedAt" IS NULL;
