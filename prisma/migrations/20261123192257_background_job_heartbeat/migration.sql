-- A council job's run writes its heartbeat every 30 s, so the sweeper can tell a RUNNING job that lost its
-- queue job (Redis emptied, the worker died) from one a worker is still running.
ALTER TABLE "BackgroundJob" ADD COLUMN "heartbeatAt" TIMESTAMPTZ(3);
