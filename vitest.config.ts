import { defineConfig } from "vitest/config";

export default defineConfig({
  // Vite would load graphql's ESM build for our sources while Pothos and yoga get the CommonJS
  // one from Node: two copies of graphql break instanceof checks. Node itself loads one copy.
  resolve: { alias: [{ find: /^graphql$/, replacement: "graphql/index.js" }] },
  test: {
    env: { FEATURESTORE_LOG_LEVEL: "silent" },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Backends that share one Redis/PostgreSQL server and the multi-process tests are heavy on 2 cores.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: "featurestore",
          include: ["test/**/*.test.ts"],
          exclude: ["test/package/**"],
          globalSetup: ["test/build-once.ts", "test/redis-cluster-up.ts"],
        },
      },
      {
        // Packing and installing the package compiles better-sqlite3 for a minute or more: it
        // runs after the other tests, so that their timeouts are not judged under that load.
        extends: true,
        test: {
          name: "package",
          include: ["test/package/**/*.test.ts"],
          // Vitest runs the projects' global setups one after the other: the second build is a no-op.
          globalSetup: ["test/build-once.ts"],
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
