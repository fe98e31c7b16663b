/**
 * The package as a user gets it: packed, installed from the tarball into a fresh project, then
 * run as the `featurestore` command, used through `featurestore/api` and `require()`, and
 * type-checked by a strict consumer. The build is the one test/build-once.ts made.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ServerProcess } from "../e2e/server-process.js";

const ROOT = fileURLToPath(new URL("../..", import.meta.url));
const work = mkdtempSync(join(tmpdir(), "featurestore-package-"));
const consumer = join(work, "consumer");
const bin = join(consumer, "node_modules", ".bin", "featurestore");
let installOutput = "";

/**
 * The environment of the commands run here, without the variables `npm test` sets for its own
 * package (`npm_package_*`, `npm_config_local_prefix`, ...), which would point npm back at the
 * repository.
 */
function consumerEnv(extra: Record<string, string> = {}): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.startsWith("npm_") && key !== "INIT_CWD") env[key] = value;
  }
  return { ...env, NODE_ENV: "", ...extra };
}

interface Finished {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: readonly string[], cwd: string): Promise<Finished> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, env: consumerEnv(), stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
      stdout += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
      stderr += chunk;
    });
    child.once("error", reject);
    child.once("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function expectSuccess(result: Finished): Finished {
  expect(result.code, `${result.stdout}\n${result.stderr}`).toBe(0);
  return result;
}

/** Bytes under a directory, as `du --apparent-size` counts them. */
function treeSize(path: string): number {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (!stat) return 0;
  if (!stat.isDirectory()) return stat.size;
  return readdirSync(path).reduce((sum, name) => sum + treeSize(join(path, name)), 0);
}

beforeAll(async () => {
  // --ignore-scripts: dist/ was built once for the whole run; no rebuild while other tests read it.
  const packed = expectSuccess(
    await run("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", work], ROOT),
  );
  const [{ filename }] = JSON.parse(packed.stdout) as [{ filename: string }];
  mkdirSync(consumer);
  writeFileSync(
    join(consumer, "package.json"),
    JSON.stringify({
      name: "consumer",
      version: "1.0.0",
      private: true,
      type: "module",
      // What a user's project says to let better-sqlite3 build its native module.
      allowScripts: { "better-sqlite3": true },
    }),
  );
  const install = expectSuccess(
    await run(
      "npm",
      ["install", "--prefer-offline", "--no-audit", "--no-fund", join(work, filename)],
      consumer,
    ),
  );
  installOutput = `${install.stdout}\n${install.stderr}`;
}, 900_000);

afterAll(() => {
  rmSync(work, { recursive: true, force: true });
});

// Generous: each step starts Node processes or TypeScript, on two cores shared with others.
describe("the installed package", { timeout: 300_000 }, () => {
  it("installs without peer-dependency warnings, and without build-time packages", () => {
    expect(installOutput).not.toMatch(/ERESOLVE|peer dep|Conflicting peer|install-scripts/i);
    // The one warning left: graphql-yoga's current dependencies (@graphql-tools/executor and
    // utils) take @whatwg-node packages that declare Node >= 22.15, yet run on Node 20 (this
    // repository's whole suite runs on them). Any other engine warning fails here.
    const engineWarned = new Set(
      [...installOutput.matchAll(/EBADENGINE\s+package: '((?:@[^/]+\/)?[^@']+)@/g)].map((m) => m[1]),
    );
    expect([...engineWarned].filter((name) => !name?.startsWith("@whatwg-node/"))).toEqual([]);
    const otherWarnings = installOutput
      .split("\n")
      .filter((line) => /^npm warn/.test(line) && !/EBADENGINE/.test(line));
    expect(otherWarnings).toEqual([]);
    const installed = readdirSync(join(consumer, "node_modules"));
    for (const devOnly of ["react", "monaco-editor", "graphiql", "typescript", "tsx", "vitest", "@biomejs"]) {
      expect(installed).not.toContain(devOnly);
    }
    expect(readdirSync(join(consumer, "node_modules", "@graphql-yoga"))).not.toContain("graphiql");
    // Far below the 338 MB it used to take (React, Monaco, GraphiQL and codegen's trees).
    expect(treeSize(join(consumer, "node_modules"))).toBeLessThan(100 * 1024 * 1024);
  });

  it("resolves one graphql for itself, graphql-yoga and Pothos", () => {
    const fromPackage = createRequire(join(consumer, "node_modules", "featurestore", "package.json"));
    const graphql = fromPackage.resolve("graphql");
    for (const dependent of ["graphql-yoga", "@pothos/core"]) {
      const fromDependent = createRequire(fromPackage.resolve(dependent));
      expect(fromDependent.resolve("graphql"), dependent).toBe(graphql);
    }
  });

  it("is the featurestore command: serves GraphQL and GraphiQL's files, and exits 0 on SIGTERM", async () => {
    const help = expectSuccess(await run("npx", ["featurestore", "serve", "--help"], consumer));
    expect(help.stdout).toMatch(/^Usage: featurestore serve /);
    expect(help.stdout).toContain("FEATURESTORE_URL");

    const server = await ServerProcess.startCommand(
      [bin, "serve", "--port", "0", "--store-url", `sqlite://${join(work, "features.db")}`],
      consumerEnv({ FEATURESTORE_LOG_LEVEL: "info" }),
      consumer,
    );
    try {
      const reply = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          query: '{ vector(entityId: "user-1", featureNames: ["age", "country"]) { values } }',
        }),
      });
      expect(reply.status).toBe(200);
      expect(await reply.json()).toEqual({ data: { vector: { values: { age: 31, country: "FR" } } } });

      const page = await (await fetch(server.url, { headers: { accept: "text/html" } })).text();
      const assets = [...page.matchAll(/"(\/graphiql\/[^"]+)"/g)].map((match) => match[1] ?? "");
      expect(assets).toHaveLength(5);
      for (const asset of assets) {
        const response = await fetch(new URL(asset, server.url));
        expect(response.status, asset).toBe(200);
        expect((await response.arrayBuffer()).byteLength, asset).toBeGreaterThan(10_000);
      }

      server.child.kill("SIGTERM");
      expect(await server.exited()).toBe(0);
    } finally {
      server.kill();
    }
  });

  it("applies a definitions file with the schema the package ships", async () => {
    const file = join(work, "definitions.yaml");
    writeFileSync(
      file,
      "features:\n  - { name: visits, featureType: NUMERIC, valueType: INT, defaultValue: 0 }\n",
    );
    const store = `sqlite://${join(work, "applied.db")}`;
    const applied = expectSuccess(await run(bin, ["apply", file, "--store-url", store], consumer));
    expect(applied.stdout).toContain("+ feature visits: to add");
    const invalid = join(work, "invalid.yaml");
    writeFileSync(invalid, "features:\n  - { name: visits, featureType: NUMBER, valueType: INT }\n");
    const refused = await run(bin, ["plan", invalid, "--store-url", store], consumer);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("/features/0/featureType: must be one of NUMERIC");
    const schema = join(consumer, "node_modules", "featurestore", "schemas", "definitions.schema.json");
    expect(JSON.parse(readFileSync(schema, "utf8")).title).toBe("featurestore definitions");
  });

  it("starts a server through featurestore/api that answers queries", async () => {
    writeFileSync(
      join(consumer, "api-server.js"),
      `import { readServerConfig, startServer } from "featurestore/api";
const server = await startServer(readServerConfig({}, ["--port", "0", "--store-url", "memory://", "--no-demo-data"]));
async function graphql(query) {
  const response = await fetch(server.url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: await response.json() };
}
const registered = await graphql('mutation { registerFeature(input: { name: "age", featureType: NUMERIC, valueType: INT, defaultValue: 0 }) { name } }');
const read = await graphql('{ features { name valueType } }');
await server.stop();
console.log(JSON.stringify({ registered, read }));
`,
    );
    const result = expectSuccess(await run("node", ["api-server.js"], consumer));
    expect(JSON.parse(result.stdout)).toEqual({
      registered: { status: 200, body: { data: { registerFeature: { name: "age" } } } },
      read: { status: 200, body: { data: { features: [{ name: "age", valueType: "INT" }] } } },
    });
  });

  it("loads both entries with require()", async () => {
    writeFileSync(
      join(consumer, "required.cjs"),
      `const library = require("featurestore");
const api = require("featurestore/api");
console.log(JSON.stringify({ FeatureService: typeof library.FeatureService, startServer: typeof api.startServer }));
`,
    );
    const result = expectSuccess(await run("node", ["required.cjs"], consumer));
    expect(JSON.parse(result.stdout)).toEqual({ FeatureService: "function", startServer: "function" });
  });

  it("type-checks in a strict consumer, without skipLibCheck, as ESM and as CommonJS", async () => {
    const strict = {
      target: "ES2022",
      module: "NodeNext",
      moduleResolution: "NodeNext",
      strict: true,
      noUncheckedIndexedAccess: true,
      verbatimModuleSyntax: true,
      skipLibCheck: false,
      noEmit: true,
    };
    writeFileSync(
      join(consumer, "tsconfig.library.json"),
      JSON.stringify({ compilerOptions: strict, include: ["library.ts", "library.cts"] }),
    );
    // graphql-yoga's types (which featurestore/api's expose) import lru-cache 10, whose
    // declarations break TypeScript's strictBuiltinIteratorReturn (part of strict since 5.6).
    // That one check is off for the API's consumer; the library's consumer keeps all of strict.
    writeFileSync(
      join(consumer, "tsconfig.api.json"),
      JSON.stringify({
        compilerOptions: { ...strict, strictBuiltinIteratorReturn: false },
        include: ["api.ts", "api.cts"],
      }),
    );
    writeFileSync(
      join(consumer, "library.ts"),
      `import { FeatureService, FeatureType, openStore, ValueType, type FeatureVector } from "featurestore";

const store = await openStore("memory://");
const service = new FeatureService(store);
await service.registerGroup({
  name: "profile",
  features: [{ name: "age", featureType: FeatureType.NUMERIC, valueType: ValueType.INT, defaultValue: 0 }],
});
const vector: FeatureVector = await service.getGroupFeatures("user-1", "profile");
console.log(vector.values);
await store.close();
`,
    );
    writeFileSync(
      join(consumer, "library.cts"),
      `import featurestore = require("featurestore");

const service: typeof featurestore.FeatureService = featurestore.FeatureService;
console.log(service.name);
`,
    );
    writeFileSync(
      join(consumer, "api.ts"),
      `import { openStore } from "featurestore";
import { readServerConfig, startServer, type RunningServer, type ServerConfig } from "featurestore/api";

const config: ServerConfig = readServerConfig(process.env, ["--port", "0"]);
const server: RunningServer = await startServer({ ...config, storeUrl: "memory://" });
console.log(server.url, (await openStore("memory://")).backend);
await server.stop();
`,
    );
    writeFileSync(
      join(consumer, "api.cts"),
      `import api = require("featurestore/api");

const start: typeof api.startServer = api.startServer;
console.log(start.name);
`,
    );
    const tsc = join(ROOT, "node_modules", "typescript", "bin", "tsc");
    expectSuccess(await run(process.execPath, [tsc, "-p", "tsconfig.library.json"], consumer));
    expectSuccess(await run(process.execPath, [tsc, "-p", "tsconfig.api.json"], consumer));
  });
});
