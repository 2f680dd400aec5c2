// Shared by the activation pages: rate limits on activation codes, per address and per code.
import type { ActivationChoice } from "~/domain/identity/activation";
import { normaliseCode } from "~/domain/codes";
import { clientAddress, consume } from "~/lib/rate-limit.server";

/**
 * Every look at an activation code spends a point per address and per code (60 bits, so guessing is
 * hopeless anyway; this keeps a script from trying). Sending a one-time code has the sign-in request limits.
 * Throws RateLimited.
 */
export async function limitActivationAttempt(request: Request, rawCode: string, kind: "check" | "send") {
  const code = normaliseCode(rawCode) || rawCode.slice(0, 40);
  await consume(
    kind === "check"
      ? [
          ["signInVerifyPerIp", `activate:${clientAddress(request)}`],
          ["signInVerifyPerTarget", `activate:${code}`],
          ["signInVerifyPerTargetDay", `activate:${code}`],
        ]
      : [
          ["signInRequestPerIp", `activate:${clientAddress(request)}`],
          ["signInRequestPerTarget", `activate:${code}`],
        ],
  );
}

/** The choice of where the one-time code goes, from the form or the URL. */
export function choiceFrom(via: string | null | undefined, contact: string | null | undefined): ActivationChoice {
  if (via === "email" || via === "phone") return { via };
  return { via: "new", contact: contact ?? "" };
}
