// Booking core: book, cancel, redeem, charge at the till, no-shows.
export { bookSlot, type BookSlotInput, type BookedSlot } from "./book";
export { cancelBooking, cancelSlot, type CancelResult } from "./cancel";
export { redeemBooking, type RedeemResult, type DoorActor } from "./redeem";
export { chargePass, type ChargeResult } from "./charge";
export { markNoShow } from "./no-show";
export * from "./windows";
