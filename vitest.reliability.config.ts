import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/reliability/**/*.test.ts"],
    testTimeout: 600_000,
    hookTimeout: 120_000,
    pool: "forks",
    // The suites mostly wait on child processes and retry back-off: two files at a time even on a 2-CPU runner
    // (vitest's default there is one).
    maxWorkers: 2,
    globalSetup: ["test/global-setup.ts"],
  },
});
