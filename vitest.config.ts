import { defineConfig } from "vitest/config";

// One runner for unit, HTTP and browser tests. Browser tests drive Debian's Chromium through
// playwright-core, so they share the PostgreSQL cluster started once in the global setup.
export default defineConfig({
  test: {
    include: ["src/**/*.test.ts", "simulators/**/*.test.ts", "test/**/*.test.ts", "scripts/**/*.test.ts"],
    globalSetup: ["test/support/global-setup.ts"],
    maxWorkers: 2,
    testTimeout: 30_000,
    hookTimeout: 60_000,
    teardownTimeout: 30_000,
    pool: "forks",
    reporters: ["default", "./test/support/summary-reporter.ts"],
  },
});
