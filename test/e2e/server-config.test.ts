import { describe, expect, it } from "vitest";
import { ConfigurationError } from "../../src/index.js";
import { configHelp, DEFAULT_STORE_URL, readServerConfig } from "../../src/server-config.js";

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
      introspection: true,
      fieldSuggestions: true,
      limits: {},
      shutdownTimeoutMs: 10_000,
    });
    expect(DEFAULT_STORE_URL).toMatch(/^sqlite:\/\/data\//);
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

  it("turns the schema explorer off in production unless asked", () => {
    expect(readServerConfig({ NODE_ENV: "production" }, [])).toMatchObject({
      graphiql: false,
      introspection: false,
      fieldSuggestions: false,
    });
    expect(readServerConfig({ NODE_ENV: "production", FEATURESTORE_GRAPHIQL: "1" }, [])).toMatchObject({
      graphiql: true,
      introspection: false,
    });
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

  it("documents every flag with its environment variable", () => {
    const help = configHelp();
    for (const name of [
      "--port",
      "PORT",
      "--store-url",
      "FEATURESTORE_URL",
      "--[no-]demo-data",
      "FEATURESTORE_TOKEN",
    ]) {
      expect(help).toContain(name);
    }
  });
});
