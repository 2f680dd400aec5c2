// Imported first by app/root.tsx: in the browser, Zod must not compile its parsers with `new Function`,
// which the page's CSP (no 'unsafe-eval') refuses and reports as a violation on every page.
import { config } from "zod/v4/core";

if (typeof document !== "undefined") config({ jitless: true });
