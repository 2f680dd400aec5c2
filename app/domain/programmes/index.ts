// Programmes, eligibility and allocations.
export {
  allocationAmountPence,
  fundProgramme,
  issueAllocation,
  topUpAllocation,
  setAllocationFrozen,
  revokeAllocation,
  expireAllocation,
  lockAllocation,
  upliftsSchema,
} from "./allocations";
export {
  sendExpiryReminders,
  expireDueAllocations,
  expiryReminderDue,
  expiryReminderKey,
  EXPIRY_REMINDER_DAYS,
  type ExpiryReminderDays,
} from "./expiry";
