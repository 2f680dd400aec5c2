// Settlement: paying providers what their redemptions earned.
export { makeRedemptionsPayable, createPayoutRun, markPayoutPaid } from "./payouts";
