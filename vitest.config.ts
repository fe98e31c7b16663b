import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    env: { FEATURESTORE_LOG_LEVEL: "silent" },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Backends that share one Redis/PostgreSQL server and the multi-process tests are heavy on 2 cores.
    maxWorkers: 2,
  },
});
