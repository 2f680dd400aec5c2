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
export {
  createProgramme,
  updateProgramme,
  getProgramme,
  listProgrammes,
  issuingPreview,
  issueAllocationsBatch,
  countEligibleWithout,
  eligibleWithoutAllocationSql,
  dateOfBirthRange,
  budgetLeft,
  type OfficerContext,
} from "./programmes";
export {
  listYoungPeople,
  getYoungPersonForOfficer,
  addYoungPerson,
  actOnPass,
  topUpGroupBatch,
  countGroupTopUp,
  countYoungPeople,
  PAGE_SIZE,
  type PassAction,
  type YoungPeopleFilter,
} from "./young-people";
export {
  startEnrolmentImport,
  startIssueAll,
  startGroupTopUp,
  runCouncilJob,
  markCouncilJobFailed,
  getCouncilJob,
  listCouncilJobs,
  queuedJobsToResend,
  councilJobId,
  type ImportResult,
  type IssueAllResult,
  type GroupTopUpJobResult,
} from "./jobs";
export { activationLettersPdf, sendInvitations, activationLink, ACTIVATION_DAYS, MAX_LETTERS } from "./letters";
export {
  submitPassApplication,
  listPassApplications,
  getPassApplication,
  approvePassApplication,
  rejectPassApplication,
  councilsTakingApplications,
} from "./applications";
