// Named points in a payout run where the crash-safety test kills the worker (PLAYPASS_CRASH_AT); inert otherwise.
export type SettlementCheckpoint = "run-opened" | "attempt-claimed" | "transfer-made" | "payout-recorded";

export function checkpoint(name: SettlementCheckpoint) {
  if (process.env.NODE_ENV !== "production" && process.env.PLAYPASS_CRASH_AT === name) process.kill(process.pid, "SIGKILL");
}
