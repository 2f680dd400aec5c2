// The one MSW server of a test file: every third-party API the app calls, impersonated at the HTTP boundary.
// Tests add one-off behaviour with mswServer.use(...); handlers are reset after each test.
import { setupServer } from "msw/node";
import { notifyHandlers, resetFakeNotify } from "./notify";
import { resetFakeStripe, stripeHandlers } from "./stripe";

export const mswServer = setupServer(...stripeHandlers, ...notifyHandlers);

export function resetFakes() {
  resetFakeStripe();
  resetFakeNotify();
}
