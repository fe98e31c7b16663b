import { parseArgs } from "node:util";
import { ConfigurationError } from "./core/errors.js";
import type { ApiLimits } from "./graphql/limits.js";

/** Everything the server is started with. */
export interface ServerConfig {
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Interface to listen on. */
  host: string;
  /** Where the features live, as understood by `openStore`. */
  storeUrl: string;
  /** Bearer token every mutation needs, when set. */
  token: string | undefined;
  /** Bearer token queries need too, when set. */
  readToken: string | undefined;
  /** Origins whose pages may call the API from a browser. */
  corsOrigins: string[];
  /** Load the demo data set when the store has no features. */
  demoData: boolean;
  /** Serve GraphiQL at `GET /graphql`. */
  graphiql: boolean;
  /** Answer introspection queries. */
  introspection: boolean;
  /** Suggest similar names in error messages. */
  fieldSuggestions: boolean;
  /** Request limits that differ from the defaults. */
  limits: Partial<ApiLimits>;
  /** How long SIGTERM waits for in-flight requests before cutting connections. */
  shutdownTimeoutMs: number;
}

/** The store a fresh clone uses: a SQLite file under `./data/`. */
export const DEFAULT_STORE_URL = "sqlite://data/featurestore.db";

type Kind = "string" | "integer" | "boolean" | "list";

interface Setting {
  key: Exclude<keyof ServerConfig, "limits"> | keyof ApiLimits;
  env: string;
  flag: string;
  kind: Kind;
  help: string;
}

/** Each setting, its environment variable and its flag (`--flag value`, or `--[no-]flag` for booleans). */
const SETTINGS: readonly Setting[] = [
  {
    key: "port",
    env: "PORT",
    flag: "port",
    kind: "integer",
    help: "TCP port (default 4000; 0 picks a free one)",
  },
  {
    key: "host",
    env: "HOST",
    flag: "host",
    kind: "string",
    help: "interface to listen on (default 127.0.0.1)",
  },
  {
    key: "storeUrl",
    env: "FEATURESTORE_URL",
    flag: "store-url",
    kind: "string",
    help: `store URL (default ${DEFAULT_STORE_URL})`,
  },
  {
    key: "token",
    env: "FEATURESTORE_TOKEN",
    flag: "token",
    kind: "string",
    help: "bearer token required for mutations (prefer the environment: flags show in ps)",
  },
  {
    key: "readToken",
    env: "FEATURESTORE_READ_TOKEN",
    flag: "read-token",
    kind: "string",
    help: "bearer token required for queries too",
  },
  {
    key: "corsOrigins",
    env: "FEATURESTORE_CORS_ORIGINS",
    flag: "cors-origins",
    kind: "list",
    help: "comma-separated origins allowed to call from a browser, or * (default none)",
  },
  {
    key: "demoData",
    env: "FEATURESTORE_DEMO_DATA",
    flag: "demo-data",
    kind: "boolean",
    help: "load the demo data set into an empty store (default true)",
  },
  {
    key: "graphiql",
    env: "FEATURESTORE_GRAPHIQL",
    flag: "graphiql",
    kind: "boolean",
    help: "serve GraphiQL at GET /graphql (default true, false when NODE_ENV=production)",
  },
  {
    key: "introspection",
    env: "FEATURESTORE_INTROSPECTION",
    flag: "introspection",
    kind: "boolean",
    help: "answer introspection queries (default true, false when NODE_ENV=production)",
  },
  {
    key: "fieldSuggestions",
    env: "FEATURESTORE_FIELD_SUGGESTIONS",
    flag: "field-suggestions",
    kind: "boolean",
    help: '"did you mean" hints in errors (default true, false when NODE_ENV=production)',
  },
  {
    key: "maxBodyBytes",
    env: "FEATURESTORE_MAX_BODY_BYTES",
    flag: "max-body-bytes",
    kind: "integer",
    help: "largest request body (default 1048576)",
  },
  {
    key: "maxDepth",
    env: "FEATURESTORE_MAX_DEPTH",
    flag: "max-depth",
    kind: "integer",
    help: "deepest query nesting (default 10)",
  },
  {
    key: "maxAliases",
    env: "FEATURESTORE_MAX_ALIASES",
    flag: "max-aliases",
    kind: "integer",
    help: "most aliased fields per query (default 100)",
  },
  {
    key: "maxEntityIds",
    env: "FEATURESTORE_MAX_ENTITY_IDS",
    flag: "max-entity-ids",
    kind: "integer",
    help: "most entity ids read per request (default 1000)",
  },
  {
    key: "maxCost",
    env: "FEATURESTORE_MAX_COST",
    flag: "max-cost",
    kind: "integer",
    help: "highest query cost, entity x feature reads (default 100000)",
  },
  {
    key: "shutdownTimeoutMs",
    env: "FEATURESTORE_SHUTDOWN_TIMEOUT_MS",
    flag: "shutdown-timeout-ms",
    kind: "integer",
    help: "how long SIGTERM waits for in-flight requests (default 10000)",
  },
];

const LIMIT_KEYS = new Set<string>(["maxBodyBytes", "maxDepth", "maxAliases", "maxEntityIds", "maxCost"]);

/** The `--help` text: every flag with its environment variable. */
export function configHelp(): string {
  const lines = SETTINGS.map((s) => {
    const flag =
      s.kind === "boolean" ? `--[no-]${s.flag}` : `--${s.flag} <${s.kind === "list" ? "a,b" : "value"}>`;
    return `  ${flag.padEnd(32)} ${s.env.padEnd(34)} ${s.help}`;
  });
  return [
    "Usage: featurestore [options]",
    "",
    "Serves the feature store's GraphQL API. Each option can also be set by its environment",
    "variable; a flag wins over the environment.",
    "",
    `  ${"flag".padEnd(32)} ${"environment".padEnd(34)} meaning`,
    ...lines,
    `  ${"--help".padEnd(32)} ${"".padEnd(34)} show this text`,
  ].join("\n");
}

function parseValue(setting: Setting, raw: string, source: string): string | number | boolean | string[] {
  switch (setting.kind) {
    case "string":
      return raw;
    case "list":
      return raw
        .split(",")
        .map((item) => item.trim())
        .filter((item) => item.length > 0);
    case "integer": {
      const value = /^\d+$/.test(raw.trim()) ? Number(raw.trim()) : Number.NaN;
      const min = setting.key === "port" ? 0 : 1;
      const max = setting.key === "port" ? 65_535 : Number.MAX_SAFE_INTEGER;
      if (!Number.isSafeInteger(value) || value < min || value > max) {
        throw new ConfigurationError(
          `${source} must be an integer from ${min} to ${max}, not ${JSON.stringify(raw)}`,
        );
      }
      return value;
    }
    case "boolean": {
      const normal = raw.trim().toLowerCase();
      if (["1", "true", "yes", "on"].includes(normal)) return true;
      if (["0", "false", "no", "off"].includes(normal)) return false;
      throw new ConfigurationError(`${source} must be true or false, not ${JSON.stringify(raw)}`);
    }
  }
}

/**
 * Reads the server's configuration from the environment and command-line flags (a flag wins).
 * `NODE_ENV=production` turns GraphiQL, introspection and name suggestions off unless they
 * are set explicitly.
 * @throws ConfigurationError for an unknown flag or a value that does not parse.
 */
export function readServerConfig(
  env: NodeJS.ProcessEnv = process.env,
  args: readonly string[] = [],
): ServerConfig {
  const options: Record<string, { type: "string" | "boolean" }> = {};
  for (const s of SETTINGS) {
    options[s.flag] = { type: s.kind === "boolean" ? "boolean" : "string" };
    if (s.kind === "boolean") options[`no-${s.flag}`] = { type: "boolean" };
  }
  let flags: Record<string, string | boolean | undefined>;
  try {
    flags = parseArgs({ args: [...args], options, strict: true, allowPositionals: false }).values as Record<
      string,
      string | boolean | undefined
    >;
  } catch (err) {
    throw new ConfigurationError(err instanceof Error ? err.message : String(err));
  }

  const production = env.NODE_ENV === "production";
  const config: ServerConfig = {
    port: 4000,
    host: "127.0.0.1",
    storeUrl: DEFAULT_STORE_URL,
    token: undefined,
    readToken: undefined,
    corsOrigins: [],
    demoData: true,
    graphiql: !production,
    introspection: !production,
    fieldSuggestions: !production,
    limits: {},
    shutdownTimeoutMs: 10_000,
  };
  const target = config as unknown as Record<string, unknown>;
  const limits = config.limits as Record<string, number>;
  for (const s of SETTINGS) {
    let value: string | number | boolean | string[] | undefined;
    const raw = env[s.env];
    if (raw !== undefined && raw !== "") value = parseValue(s, raw, s.env);
    const flag = flags[s.flag];
    if (s.kind === "boolean") {
      if (flag === true) value = true;
      if (flags[`no-${s.flag}`] === true) value = false;
    } else if (typeof flag === "string") {
      value = parseValue(s, flag, `--${s.flag}`);
    }
    if (value === undefined) continue;
    if (LIMIT_KEYS.has(s.key)) limits[s.key] = value as number;
    else target[s.key] = value;
  }
  return config;
}
