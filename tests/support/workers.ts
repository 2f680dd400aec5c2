// Running worker processors in a test file: fake jobs, Notify switched off, queues closed afterwards.
import type { Job } from "bullmq";
import { afterAll, beforeAll } from "vitest";
import { resetEnvForTests } from "~/lib/env.server";
import { closeQueues } from "~/lib/queues.server";
import { closeRedis } from "~/lib/redis.server";
import { uniqueSuffix } from "../factories";

/** What a BullMQ worker hands a processor, as far as our processors look. */
export const fakeJob = (data: unknown) => ({ id: `test-${uniqueSuffix()}`, data, attemptsMade: 0 }) as unknown as Job;

/**
 * For the calling test file: Notify is off whatever the shell says (messages go to the outbox),
 * and the file's queue and Redis connections are closed when it ends.
 */
export function useWorkerTestEnvironment() {
  const notifyKeyBefore = process.env.NOTIFY_API_KEY;
  beforeAll(() => {
    delete process.env.NOTIFY_API_KEY;
    resetEnvForTests();
  });
  afterAll(async () => {
    if (notifyKeyBefore !== undefined) process.env.NOTIFY_API_KEY = notifyKeyBefore;
    resetEnvForTests();
    await closeQueues();
    await closeRedis();
  });
}
