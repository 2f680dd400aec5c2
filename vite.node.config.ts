// The production web server (app/serve.ts) and worker process (workers/index.ts) compiled to plain JavaScript in
// build/node/, so production runs `node build/node/serve.js` instead of compiling TypeScript at start through tsx
// (which also keeps a loader thread and every compiled file's source map in memory). Packages stay in node_modules.
// Built after the Remix build by vite.config.ts (buildEnd), so every `remix vite:build` makes both.
import { defineConfig } from "vite";
import tsconfigPaths from "vite-tsconfig-paths";

export default defineConfig({
  plugins: [tsconfigPaths()],
  logLevel: "warn",
  publicDir: false,
  build: {
    ssr: true,
    outDir: "build/node",
    emptyOutDir: true,
    target: "node20",
    minify: false,
    sourcemap: true,
    rollupOptions: {
      input: { serve: "app/serve.ts", workers: "workers/index.ts" },
      output: { format: "esm", entryFileNames: "[name].js", chunkFileNames: "chunks/[name]-[hash].js" },
    },
  },
});
