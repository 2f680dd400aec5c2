// Domain errors: a code for programs, a plain-English message for the person who caused it.

export type DomainErrorCode =
  | "NOT_FOUND"
  | "FORBIDDEN"
  | "INVALID_INPUT"
  | "SLOT_FULL"
  | "SLOT_CANCELLED"
  | "SLOT_STARTED"
  | "ALREADY_BOOKED"
  | "NOT_ENOUGH_CREDIT"
  | "NO_ALLOCATION"
  | "ALLOCATION_EXPIRED"
  | "ALLOCATION_FROZEN"
  | "ALLOCATION_REVOKED"
  | "ACTIVITY_NOT_ALLOWED"
  | "ACTIVITY_UNAVAILABLE"
  | "AGE_NOT_ELIGIBLE"
  | "OVER_BOOKING_LIMIT"
  | "PROVIDER_NOT_APPROVED"
  | "PAST_CUTOFF"
  | "ALREADY_REDEEMED"
  | "BOOKING_ENDED"
  | "UNKNOWN_CODE"
  | "WRONG_PROVIDER"
  | "OUTSIDE_REDEMPTION_WINDOW"
  | "AMOUNT_TOO_HIGH"
  | "INSUFFICIENT_FUNDS"
  | "IDEMPOTENCY_CONFLICT"
  | "CODE_INVALID"
  | "CODE_EXPIRED"
  | "TOO_MANY_ATTEMPTS"
  | "INVITATION_UNKNOWN"
  | "INVITATION_USED"
  | "INVITATION_EXPIRED"
  | "INVITATION_REVOKED"
  | "INVITATION_WRONG_ACCOUNT"
  | "LAST_MANAGER"
  | "AWAITING_CONSENT"
  | "WAITLIST_NOT_NEEDED"
  | "OFFER_EXPIRED"
  | "VETTING_STATE"
  | "CHECKLIST_INCOMPLETE"
  | "ACTIVATION_CODE_UNKNOWN"
  | "ACTIVATION_CODE_USED"
  | "ACTIVATION_CODE_EXPIRED"
  | "CONTACT_IN_USE"
  | "CONSENT_LINK_UNKNOWN"
  | "CONSENT_LINK_USED"
  | "CONSENT_LINK_EXPIRED"
  | "NOT_RATEABLE"
  | "ALREADY_RATED"
  | "PAYOUT_RUN_STATE"
  | "PAYOUT_STATE"
  | "STRIPE_UNAVAILABLE"
  | "DISPUTE_DECIDED"
  | "DISPUTE_DECISION_NOT_POSSIBLE"
  // A session's places cannot go below those booked plus those offered from the waiting list.
  | "CAPACITY_BELOW_BOOKED"
  // The database dropped or refused the connection: nothing was written, the same request may be sent again.
  | "TRY_AGAIN";

export class DomainError extends Error {
  override name = "DomainError";
  constructor(
    readonly code: DomainErrorCode,
    message: string,
    /** The form field the person should look at, when there is one. */
    readonly field?: string,
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export function isDomainError(error: unknown, code?: DomainErrorCode): error is DomainError {
  return error instanceof DomainError && (code === undefined || error.code === code);
}

/** HTTP status a route answers with for a domain error. */
export function statusForDomainError(error: DomainError): number {
  switch (error.code) {
    case "NOT_FOUND":
    case "UNKNOWN_CODE":
    case "ACTIVATION_CODE_UNKNOWN":
    case "CONSENT_LINK_UNKNOWN":
      return 404;
    case "FORBIDDEN":
    case "WRONG_PROVIDER":
      return 403;
    case "TOO_MANY_ATTEMPTS":
      return 429;
    case "INVALID_INPUT":
      return 400;
    case "TRY_AGAIN":
      return 503;
    default:
      return 409;
  }
}
