// The script nonce of this response. The server sets it; in the browser it is empty (browsers hide
// nonces from the page), which is fine: by then every script that needs one has already run.
import { createContext, useContext } from "react";

export const NonceContext = createContext<string | undefined>(undefined);

export function useNonce(): string | undefined {
  return useContext(NonceContext);
}
