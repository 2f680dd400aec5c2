// Tests run against real PostgreSQL and Redis: one template database migrated once per run,
// one fresh copy per test file, at most two test files at a time.
import tsconfigPaths from "vite-tsconfig-paths";
import { defineConfig } from "vitest/config";

export default defineConfig({
  plugins: [tsconfigPaths()],
  test: {
    environment: "node",
    include: ["tests/**/*.test.ts"],
    exclude: ["tests/e2e/**", "node_modules/**"],
    pool: "forks",
    maxWorkers: 2,
    // Set before any module loads, so the logger stays silent and nothing reads a development env.
    env: { NODE_ENV: "test" },
    globalSetup: ["tests/setup/global-setup.ts"],
    setupFiles: ["tests/setup/setup-file.ts"],
    // Database work and concurrency tests are slow on a small machine; a hang still fails.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
  },
});
