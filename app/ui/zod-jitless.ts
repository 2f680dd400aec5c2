// Imported first by app/root.tsx: in the browser, Zod must not compile its parsers with `new Function`, which the
// page's CSP (no 'unsafe-eval') refuses and reports as a violation. Zod keeps its settings on this global (so copies
// of Zod share them), whichever loads first; setting it here costs the young people's pages, which load no Zod, no
// Zod code at all (importing `config` from zod/v4/core put 4 KB of it on every page).
type ZodGlobal = { __zod_globalConfig?: { jitless?: boolean } };

export function makeZodJitless(scope: ZodGlobal = globalThis as ZodGlobal) {
  (scope.__zod_globalConfig ??= {}).jitless = true;
}

if (typeof document !== "undefined") makeZodJitless();
