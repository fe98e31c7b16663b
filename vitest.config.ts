import { defineConfig } from "vitest/config";

export default defineConfig({
  // Vite would load graphql's ESM build for our sources while Pothos and yoga get the CommonJS
  // one from Node: two copies of graphql break instanceof checks. Node itself loads one copy.
  resolve: { alias: [{ find: /^graphql$/, replacement: "graphql/index.js" }] },
  test: {
    include: ["test/**/*.test.ts"],
    globalSetup: ["test/build-once.ts"],
    env: { FEATURESTORE_LOG_LEVEL: "silent" },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Backends that share one Redis/PostgreSQL server and the multi-process tests are heavy on 2 cores.
    maxWorkers: 2,
  },
});
