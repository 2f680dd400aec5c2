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
