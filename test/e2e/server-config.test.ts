import { availableParallelism } from "node:os";
import { describe, expect, it } from "vitest";
import { createProgram } from "../../src/cli/program.js";
import { ConfigurationError } from "../../src/index.js";
import { DEFAULT_HTTP_LIMITS, DEFAULT_STORE_URL, readServerConfig } from "../../src/server-config.js";

/** What `featurestore serve --help` prints. */
function serveHelp(): string {
  const serve = createProgram().commands.find((command) => command.name() === "serve");
  if (!serve) throw new Error("no serve command");
  return serve.helpInformation();
}

describe("readServerConfig", () => {
  it("has defaults that run a fresh clone", () => {
    expect(readServerConfig({}, [])).toEqual({
      port: 4000,
      host: "127.0.0.1",
      storeUrl: DEFAULT_STORE_URL,
      token: undefined,
      readToken: undefined,
      corsOrigins: [],
      demoData: true,
      graphiql: true,
      explorer: true,
      introspection: true,
      fieldSuggestions: true,
      metrics: true,
      metricsPublic: false,
      defaultTransform: undefined,
      limits: {},
      shutdownTimeoutMs: 10_000,
      requestTimeoutMs: 30_000,
      headersTimeoutMs: 10_000,
      keepAliveTimeoutMs: 5000,
      maxConnections: 10_000,
      workers: 1,
      logLevel: "info",
    });
    expect(DEFAULT_STORE_URL).toMatch(/^sqlite:\/\/data\//);
    expect(DEFAULT_HTTP_LIMITS).toMatchObject({ requestTimeoutMs: 30_000, headersTimeoutMs: 10_000 });
  });

  it("reads the environment", () => {
    const config = readServerConfig(
      {
        PORT: "8080",
        HOST: "0.0.0.0",
        FEATURESTORE_URL: "memory://",
        FEATURESTORE_TOKEN: "w",
        FEATURESTORE_READ_TOKEN: "r",
        FEATURESTORE_CORS_ORIGINS: "https://a.example, https://b.example,",
        FEATURESTORE_DEMO_DATA: "false",
        FEATURESTORE_MAX_ENTITY_IDS: "50",
        FEATURESTORE_MAX_DEPTH: "6",
        FEATURESTORE_METRICS_PUBLIC: "true",
      },
      [],
    );
    expect(config).toMatchObject({
      port: 8080,
      host: "0.0.0.0",
      storeUrl: "memory://",
      token: "w",
      readToken: "r",
      corsOrigins: ["https://a.example", "https://b.example"],
      demoData: false,
      metricsPublic: true,
      limits: { maxEntityIds: 50, maxDepth: 6 },
    });
  });

  it("lets a flag win over the environment", () => {
    const config = readServerConfig({ PORT: "8080", FEATURESTORE_DEMO_DATA: "false" }, [
      "--port",
      "9090",
      "--demo-data",
      "--max-cost=500",
      "--no-introspection",
    ]);
    expect(config).toMatchObject({
      port: 9090,
      demoData: true,
      introspection: false,
      limits: { maxCost: 500 },
    });
  });

  it("turns the schema explorer and the demo data off in production unless asked", () => {
    expect(readServerConfig({ NODE_ENV: "production" }, [])).toMatchObject({
      graphiql: false,
      explorer: false,
      introspection: false,
      fieldSuggestions: false,
      demoData: false,
    });
    expect(readServerConfig({ NODE_ENV: "production", FEATURESTORE_DEMO_DATA: "1" }, [])).toMatchObject({
      demoData: true,
    });
  });

  it("answers introspection only where GraphiQL is served, unless told otherwise", () => {
    // GraphiQL needs introspection; without GraphiQL nothing here does.
    expect(readServerConfig({ NODE_ENV: "production", FEATURESTORE_GRAPHIQL: "1" }, [])).toMatchObject({
      graphiql: true,
      introspection: true,
    });
    expect(readServerConfig({}, ["--no-graphiql"])).toMatchObject({ graphiql: false, introspection: false });
    expect(readServerConfig({}, ["--no-graphiql", "--introspection"])).toMatchObject({
      graphiql: false,
      introspection: true,
    });
    expect(readServerConfig({ FEATURESTORE_INTROSPECTION: "false" }, [])).toMatchObject({
      graphiql: true,
      introspection: false,
    });
  });

  it("reads the new limits and the HTTP timeouts", () => {
    const config = readServerConfig(
      {
        FEATURESTORE_MAX_TOKENS: "800",
        FEATURESTORE_MAX_SUBSCRIPTIONS: "5",
        FEATURESTORE_MAX_QUEUED_EVENTS: "50",
        FEATURESTORE_REQUEST_TIMEOUT_MS: "2000",
        FEATURESTORE_HEADERS_TIMEOUT_MS: "500",
      },
      ["--keep-alive-timeout-ms", "65000", "--max-connections", "64"],
    );
    expect(config).toMatchObject({
      limits: { maxTokens: 800, maxSubscriptions: 5, maxQueuedEvents: 50 },
      requestTimeoutMs: 2000,
      headersTimeoutMs: 500,
      keepAliveTimeoutMs: 65_000,
      maxConnections: 64,
    });
    expect(() => readServerConfig({ FEATURESTORE_HEADERS_TIMEOUT_MS: "40000" }, [])).toThrow(
      /headers timeout .* must not exceed the request timeout/,
    );
  });

  it("reads the document size limit from its variable and its flag", () => {
    expect(readServerConfig({ FEATURESTORE_MAX_DOCUMENT_BYTES: "4096" }, []).limits).toEqual({
      maxDocumentBytes: 4096,
    });
    expect(
      readServerConfig({ FEATURESTORE_MAX_DOCUMENT_BYTES: "4096" }, ["--max-document-bytes", "8192"]).limits,
    ).toEqual({ maxDocumentBytes: 8192 });
    expect(() => readServerConfig({}, ["--max-document-bytes", "0"])).toThrow(/--max-document-bytes/);
    expect(serveHelp()).toMatch(
      /--max-document-bytes <n>[\s\S]*?default: 65536; env:\s+FEATURESTORE_MAX_DOCUMENT_BYTES/,
    );
  });

  it("trims tokens, and refuses one that is set but empty rather than leaving the API open", () => {
    expect(
      readServerConfig({ FEATURESTORE_TOKEN: "  w \n", FEATURESTORE_READ_TOKEN: "\tr" }, []),
    ).toMatchObject({
      token: "w",
      readToken: "r",
    });
    expect(() => readServerConfig({ FEATURESTORE_TOKEN: "" }, [])).toThrow(
      /FEATURESTORE_TOKEN is set but empty/,
    );
    expect(() => readServerConfig({ FEATURESTORE_READ_TOKEN: "   " }, [])).toThrow(ConfigurationError);
    expect(() => readServerConfig({}, ["--token", ""])).toThrow(/--token is set but empty/);
    expect(() => readServerConfig({}, ["--token=a b"])).toThrow(/whitespace/);
  });

  it("reads the default transform from its variable and its flag, and refuses a malformed one", () => {
    expect(readServerConfig({ FEATURESTORE_DEFAULT_TRANSFORM: " user_model@3 " }, []).defaultTransform).toBe(
      "user_model@3",
    );
    expect(
      readServerConfig({ FEATURESTORE_DEFAULT_TRANSFORM: "a@1" }, ["--default-transform", "b"])
        .defaultTransform,
    ).toBe("b");
    expect(() => readServerConfig({ FEATURESTORE_DEFAULT_TRANSFORM: "user_model@0" }, [])).toThrow(
      /FEATURESTORE_DEFAULT_TRANSFORM/,
    );
    expect(() => readServerConfig({}, ["--default-transform", "no spaces"])).toThrow(ConfigurationError);
    expect(serveHelp()).toMatch(/--default-transform <ref>[\s\S]*?env:\s+FEATURESTORE_DEFAULT_TRANSFORM/);
  });

  it("refuses values that do not parse, naming the setting", () => {
    expect(() => readServerConfig({ PORT: "http" }, [])).toThrow(/PORT/);
    expect(() => readServerConfig({ PORT: "70000" }, [])).toThrow(ConfigurationError);
    expect(() => readServerConfig({ FEATURESTORE_MAX_DEPTH: "0" }, [])).toThrow(/FEATURESTORE_MAX_DEPTH/);
    expect(() => readServerConfig({ FEATURESTORE_DEMO_DATA: "maybe" }, [])).toThrow(/true or false/);
    expect(() => readServerConfig({}, ["--max-aliases", "-1"])).toThrow(ConfigurationError);
    expect(() => readServerConfig({}, ["--unknown"])).toThrow(ConfigurationError);
    expect(() => readServerConfig({}, ["positional"])).toThrow(ConfigurationError);
  });

  it("reads the worker count, auto as the cores available, and refuses it for a store in one process", () => {
    expect(readServerConfig({ FEATURESTORE_WORKERS: "3" }, []).workers).toBe(3);
    expect(readServerConfig({}, ["--workers", "auto"]).workers).toBe(availableParallelism());
    expect(readServerConfig({ FEATURESTORE_WORKERS: "auto" }, ["--workers", "2"]).workers).toBe(2);
    expect(() => readServerConfig({ FEATURESTORE_WORKERS: "0" }, [])).toThrow(
      /FEATURESTORE_WORKERS must be auto or an integer from 1/,
    );
    expect(() => readServerConfig({}, ["--workers", "many"])).toThrow(ConfigurationError);
    expect(() => readServerConfig({ FEATURESTORE_URL: "memory://" }, ["--workers", "2"])).toThrow(
      /2 workers cannot serve a memory store/,
    );
    // One worker is today's single process, which a memory store has always run in.
    expect(readServerConfig({ FEATURESTORE_URL: "memory://", FEATURESTORE_WORKERS: "1" }, []).workers).toBe(
      1,
    );
  });

  it("documents every flag with its environment variable", () => {
    const help = serveHelp();
    for (const name of [
      "--port",
      "PORT",
      "--store-url",
      "FEATURESTORE_URL",
      "--[no-]demo-data",
      "FEATURESTORE_TOKEN",
      "--max-tokens",
      "FEATURESTORE_MAX_SUBSCRIPTIONS",
      "FEATURESTORE_MAX_QUEUED_EVENTS",
      "--request-timeout-ms",
      "FEATURESTORE_HEADERS_TIMEOUT_MS",
      "--keep-alive-timeout-ms",
      "FEATURESTORE_MAX_CONNECTIONS",
    ]) {
      expect(help).toContain(name);
    }
  });
});
