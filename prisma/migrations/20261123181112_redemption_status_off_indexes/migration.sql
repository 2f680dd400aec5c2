-- Settling a million redemptions wrote every row three times (payable, taken into a payout, paid), and each
-- write added an entry to every index of the table, because the status was in one of them. Now no index
-- holds the status and each page keeps room for a new version of its rows, so marking redemptions payable
-- or paid is a HOT update (no index entry written); only taking them into a payout (payoutId) touches indexes.

-- What a payout run looks for: a council's redemptions in no payout yet, by provider.
CREATE INDEX "Redemption_unpaid_by_provider" ON "Redemption" ("councilId", "providerId") WHERE "payoutId" IS NULL;
-- A council's redemptions by the day they happened (evidence and budget pages), instead of the status index.
CREATE INDEX "Redemption_councilId_redeemedAt_idx" ON "Redemption"("councilId", "redeemedAt");
DROP INDEX "Redemption_councilId_providerId_status_idx";
-- Half of each page left for the rows' next versions (applies to pages written from now on).
ALTER TABLE "Redemption" SET (fillfactor = 50);
