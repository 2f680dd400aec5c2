// What payout runs and payouts are called on the pages: plain words for each status (no server code, so pages can import it).
import type { PayoutRunStatus, PayoutStatus } from "~/generated/prisma/enums";

export const RUN_STATUS_WORDS: Record<PayoutRunStatus, string> = {
  OPEN: "Open",
  AWAITING_APPROVAL: "Waiting for approval",
  APPROVED: "Approved",
  PAYING: "Paying",
  COMPLETED: "Paid",
  FAILED: "Failed",
};

export const PAYOUT_STATUS_WORDS: Record<PayoutStatus, string> = {
  PENDING: "To pay",
  PROCESSING: "Being paid",
  PAID: "Paid",
  PARKED: "Needs attention",
  FAILED: "Failed",
};
