// Settlement: paying providers what their redemptions earned, by Stripe Connect transfer or bank file.
export {
  makeRedemptionsPayable,
  createPayoutRun,
  approvePayoutRun,
  markPayoutPaid,
  markPayoutPaidIn,
  stripeIdempotencyKey,
  transferGroupFor,
} from "./payouts";
export { councilPayoutPolicy, createDuePayoutRuns, periodStart, settleCouncilNow } from "./schedule";
export {
  payPayoutByStripe,
  retryParkedPayout,
  dueStripePayouts,
  findTransferForPayout,
  classifyStripeError,
  backoffMs,
  MAX_STRIPE_ATTEMPTS,
  ATTEMPT_LEASE_MS,
  type PayOutcome,
} from "./stripe-transfers";
export { generateBankFile, getBankFile, markBankFilePaid, renderBankFile, parseBankFile, bankReference, poundsText, BANK_FILE_HEADER } from "./bank-files";
export { payoutStatement, payoutStatementCsv, type StatementScope } from "./statements";
export { listPayoutRuns, payoutRunDetail } from "./runs";
export { providerPaymentSettings, saveBankDetails, choosePayoutMethod, startStripeOnboarding, syncStripeAccount, accountState } from "./provider-payments";
export {
  verifyStripeWebhook,
  recordStripeEvent,
  processStripeEvent,
  reconcileTransfer,
  unprocessedStripeEvents,
  WebhookSignatureError,
  WEBHOOK_TOLERANCE_SECONDS,
  type VerifiedStripeEvent,
} from "./stripe-events";
export { reconcileRunWithStripe, runsToReconcile, latestReconciliation, type RunReconciliation } from "./reconcile";
