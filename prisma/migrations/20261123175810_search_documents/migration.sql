-- Search without parsing every activity's text on every search: each activity's title and description, and each
-- provider's name, kept as a stored tsvector that PostgreSQL recomputes whenever the text changes.
ALTER TABLE "Activity" ADD COLUMN "searchDocument" tsvector
  GENERATED ALWAYS AS (to_tsvector('english', "title" || ' ' || "description")) STORED;
ALTER TABLE "Provider" ADD COLUMN "searchDocument" tsvector
  GENERATED ALWAYS AS (to_tsvector('english', "name")) STORED;

-- "Soonest first" walks the coming sessions in (startsAt, activityId) order and stops once the page is full.
DROP INDEX "Slot_startsAt_idx";
CREATE INDEX "Slot_startsAt_activityId_idx" ON "Slot"("startsAt", "activityId");
