import { vitePlugin as remix } from "@remix-run/dev";
import path from "node:path";
import { build, defineConfig } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";

declare module "@remix-run/node" {
  interface Future {
    v3_singleFetch: true;
  }
}

export default defineConfig({
  server: { port: 3000, host: "127.0.0.1" },
  plugins: [
    remix({
      future: {
        v3_fetcherPersist: true,
        v3_relativeSplatPath: true,
        v3_throwAbortReason: true,
        v3_singleFetch: true,
        v3_lazyRouteDiscovery: true,
        v3_routeConfig: true,
      },
      // The web server and workers as plain JavaScript (build/node/), so production never runs through tsx.
      buildEnd: async ({ viteConfig }) => {
        await build({ configFile: path.join(viteConfig.root, "vite.node.config.ts"), mode: viteConfig.mode });
      },
    }),
    tsconfigPaths(),
  ],
});
