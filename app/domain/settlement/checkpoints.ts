// Named points where the crash-safety tests kill the worker (PLAYPASS_CRASH_AT); inert otherwise.
export type SettlementCheckpoint = "run-opened" | "attempt-claimed" | "transfer-made" | "payout-recorded";
/** Outside settlement: a council job after a batch is written, and a message once Notify has accepted it. */
export type WorkerCheckpoint = "council-job-batch-written" | "notify-accepted";

export function checkpoint(name: SettlementCheckpoint | WorkerCheckpoint) {
  if (process.env.NODE_ENV !== "production" && process.env.PLAYPASS_CRASH_AT === name) process.kill(process.pid, "SIGKILL");
}
