// Reconciliation: no-shows after the session, and redemptions made payable after the dispute window.
export { sweepNoShows } from "./no-shows";
export { makeDueRedemptionsPayable } from "./payable";
