-- Each claim of a council job writes a new token; a run whose token is no longer the row's (a re-queued run took
-- the job over) stops at its next progress write instead of running on alongside.
ALTER TABLE "BackgroundJob" ADD COLUMN "runToken" UUID;
