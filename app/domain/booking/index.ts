// Booking core: book, cancel, redeem, charge at the till, no-shows, waiting lists.
export { bookSlot, type BookSlotInput, type BookedSlot } from "./book";
export { cancelBooking, cancelSlot, type CancelResult } from "./cancel";
export { redeemBooking, type RedeemResult, type DoorActor } from "./redeem";
export { chargePass, type ChargeResult } from "./charge";
export { markNoShow } from "./no-show";
export { joinWaitlist, leaveWaitlist, offerFreedPlaces, offerFreedPlacesForSlot, expireOffers, myWaitlist, waitlistStatusFor } from "./waitlist";
export * from "./windows";
