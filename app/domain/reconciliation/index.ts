// Reconciliation: no-shows after the session, attendance reports matched into disputes, officers' decisions,
// and redemptions made payable after the dispute window.
export { sweepNoShows } from "./no-shows";
export { makeDueRedemptionsPayable, NOT_HELD_BY_A_DISPUTE } from "./payable";
export {
  ATTENDANCE_COLUMNS,
  MAX_ATTENDANCE_LINES,
  parseAttendanceCsv,
  apiAttendanceSchema,
  checkApiAttendanceLines,
  csvReference,
  submitAttendanceReport,
  processAttendanceReport,
  enqueueAttendanceReport,
  unprocessedReports,
  listAttendanceReports,
  attendanceReportDetail,
  disputeKindLabel,
  type AttendanceRow,
  type RowProblem,
} from "./attendance";
export { decideDispute, listDisputes, countOpenDisputes, disputeDetail, DECISION_LABELS, type DecisionEffect } from "./disputes";
export { providerBookingsOn } from "./bookings-for-day";
