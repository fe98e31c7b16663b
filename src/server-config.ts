import { parseArgs } from "node:util";
import { ConfigurationError } from "./core/errors.js";
import { type ApiLimits, DEFAULT_LIMITS } from "./graphql/limits.js";

/** Everything the server is started with. */
export interface ServerConfig {
  /** TCP port; 0 picks a free one. */
  port: number;
  /** Interface to listen on. */
  host: string;
  /** Where the features live, as understood by `openStore`. */
  storeUrl: string;
  /** Bearer token every mutation needs, when set (trimmed; never empty). */
  token: string | undefined;
  /** Bearer token every request to the GraphQL endpoint needs, when set (trimmed; never empty). */
  readToken: string | undefined;
  /** Origins whose pages may call the API from a browser. */
  corsOrigins: string[];
  /** Load the demo data set when the store has no features. */
  demoData: boolean;
  /** Serve GraphiQL at `GET /graphql`. */
  graphiql: boolean;
  /** Answer introspection queries (by default, when GraphiQL is served). */
  introspection: boolean;
  /** Suggest similar names in error messages. */
  fieldSuggestions: boolean;
  /** Request limits that differ from the defaults. */
  limits: Partial<ApiLimits>;
  /** How long SIGTERM waits for in-flight requests before cutting connections. */
  shutdownTimeoutMs: number;
  /** How long a client may take to send a whole request (headers and body); then 408. */
  requestTimeoutMs: number;
  /** How long a client may take to send a request's headers; then 408. At most requestTimeoutMs. */
  headersTimeoutMs: number;
  /** How long an idle keep-alive connection stays open waiting for its next request. */
  keepAliveTimeoutMs: number;
  /** Most connections open at once; the server closes the ones beyond it on arrival. */
  maxConnections: number;
}

/** The store a fresh clone uses: a SQLite file under `./data/`. */
export const DEFAULT_STORE_URL = "sqlite://data/featurestore.db";

/**
 * How long the HTTP server waits on clients, and how many it holds at once, unless configured:
 * a client that sends its request slowly (or never finishes it) is answered 408 and closed
 * instead of holding a connection for Node's defaults (60 s for the headers, 5 min for the
 * whole request). A subscription's stream is a response, which these do not limit.
 */
export const DEFAULT_HTTP_LIMITS = Object.freeze({
  requestTimeoutMs: 30_000,
  headersTimeoutMs: 10_000,
  // Node's own default: an idle connection costs a socket, and clients reconnect cheaply.
  keepAliveTimeoutMs: 5000,
  maxConnections: 10_000,
});

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
    help: "load the demo data set into an empty store (default true, false when NODE_ENV=production)",
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
    help: "answer introspection queries (default: on when GraphiQL is served)",
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
    key: "maxDocumentBytes",
    env: "FEATURESTORE_MAX_DOCUMENT_BYTES",
    flag: "max-document-bytes",
    kind: "integer",
    help: `longest query document, in bytes (default ${DEFAULT_LIMITS.maxDocumentBytes})`,
  },
  {
    key: "maxTokens",
    env: "FEATURESTORE_MAX_TOKENS",
    flag: "max-tokens",
    kind: "integer",
    help: `most tokens in a query document (default ${DEFAULT_LIMITS.maxTokens})`,
  },
  {
    key: "maxDepth",
    env: "FEATURESTORE_MAX_DEPTH",
    flag: "max-depth",
    kind: "integer",
    help: `deepest query nesting, introspection included (default ${DEFAULT_LIMITS.maxDepth})`,
  },
  {
    key: "maxAliases",
    env: "FEATURESTORE_MAX_ALIASES",
    flag: "max-aliases",
    kind: "integer",
    help: `most aliased fields per query, fragments expanded (default ${DEFAULT_LIMITS.maxAliases})`,
  },
  {
    key: "maxEntityIds",
    env: "FEATURESTORE_MAX_ENTITY_IDS",
    flag: "max-entity-ids",
    kind: "integer",
    help: `most entity ids read per request (default ${DEFAULT_LIMITS.maxEntityIds})`,
  },
  {
    key: "maxCost",
    env: "FEATURESTORE_MAX_COST",
    flag: "max-cost",
    kind: "integer",
    help: `highest query cost, entity x feature reads (default ${DEFAULT_LIMITS.maxCost})`,
  },
  {
    key: "maxSubscriptions",
    env: "FEATURESTORE_MAX_SUBSCRIPTIONS",
    flag: "max-subscriptions",
    kind: "integer",
    help: `most subscriptions open at once (default ${DEFAULT_LIMITS.maxSubscriptions})`,
  },
  {
    key: "maxQueuedEvents",
    env: "FEATURESTORE_MAX_QUEUED_EVENTS",
    flag: "max-queued-events",
    kind: "integer",
    help: `most changes waiting for one subscriber before it is cut off (default ${DEFAULT_LIMITS.maxQueuedEvents})`,
  },
  {
    key: "shutdownTimeoutMs",
    env: "FEATURESTORE_SHUTDOWN_TIMEOUT_MS",
    flag: "shutdown-timeout-ms",
    kind: "integer",
    help: "how long SIGTERM waits for in-flight requests (default 10000)",
  },
  {
    key: "requestTimeoutMs",
    env: "FEATURESTORE_REQUEST_TIMEOUT_MS",
    flag: "request-timeout-ms",
    kind: "integer",
    help: `how long a client may take to send a whole request (default ${DEFAULT_HTTP_LIMITS.requestTimeoutMs})`,
  },
  {
    key: "headersTimeoutMs",
    env: "FEATURESTORE_HEADERS_TIMEOUT_MS",
    flag: "headers-timeout-ms",
    kind: "integer",
    help: `how long a client may take to send a request's headers (default ${DEFAULT_HTTP_LIMITS.headersTimeoutMs})`,
  },
  {
    key: "keepAliveTimeoutMs",
    env: "FEATURESTORE_KEEP_ALIVE_TIMEOUT_MS",
    flag: "keep-alive-timeout-ms",
    kind: "integer",
    help: `how long an idle keep-alive connection is kept; behind a load balancer, make it longer than the balancer's idle timeout (default ${DEFAULT_HTTP_LIMITS.keepAliveTimeoutMs})`,
  },
  {
    key: "maxConnections",
    env: "FEATURESTORE_MAX_CONNECTIONS",
    flag: "max-connections",
    kind: "integer",
    help: `most connections open at once (default ${DEFAULT_HTTP_LIMITS.maxConnections})`,
  },
];

const LIMIT_KEYS = new Set<string>(Object.keys(DEFAULT_LIMITS));

/** Settings whose value is a secret token: trimmed, and refused when empty rather than ignored. */
const TOKEN_KEYS = new Set<string>(["token", "readToken"]);

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
      return TOKEN_KEYS.has(setting.key) ? parseToken(raw, source) : raw;
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
 * A token as configured, trimmed. Set but empty, it would leave the API open while looking
 * guarded (a deployment template that forgot to fill it in): that is a configuration error.
 */
function parseToken(raw: string, source: string): string {
  const token = raw.trim();
  if (token.length === 0) {
    throw new ConfigurationError(
      `${source} is set but empty: give a token, or unset it to leave the API open`,
    );
  }
  if (/\s/.test(token)) throw new ConfigurationError(`${source} must not contain whitespace`);
  return token;
}

/**
 * Reads the server's configuration from the environment and command-line flags (a flag wins).
 * `NODE_ENV=production` turns GraphiQL, name suggestions and the demo data off unless they are
 * set explicitly; introspection follows GraphiQL unless set explicitly.
 * @throws ConfigurationError for an unknown flag, a value that does not parse, a token that is
 * set but empty, or a headers timeout longer than the request timeout.
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
    demoData: !production,
    graphiql: !production,
    introspection: !production,
    fieldSuggestions: !production,
    limits: {},
    shutdownTimeoutMs: 10_000,
    ...DEFAULT_HTTP_LIMITS,
  };
  const target = config as unknown as Record<string, unknown>;
  const limits = config.limits as Record<string, number>;
  const given = new Set<string>();
  for (const s of SETTINGS) {
    let value: string | number | boolean | string[] | undefined;
    const raw = env[s.env];
    // An empty variable means unset, except for a token, which parseValue refuses when empty.
    if (raw !== undefined && (raw !== "" || TOKEN_KEYS.has(s.key))) value = parseValue(s, raw, s.env);
    const flag = flags[s.flag];
    if (s.kind === "boolean") {
      if (flag === true) value = true;
      if (flags[`no-${s.flag}`] === true) value = false;
    } else if (typeof flag === "string") {
      value = parseValue(s, flag, `--${s.flag}`);
    }
    if (value === undefined) continue;
    given.add(s.key);
    if (LIMIT_KEYS.has(s.key)) limits[s.key] = value as number;
    else target[s.key] = value;
  }
  // GraphiQL cannot work without introspection, and nothing else here needs it.
  if (!given.has("introspection")) config.introspection = config.graphiql;
  if (config.headersTimeoutMs > config.requestTimeoutMs) {
    throw new ConfigurationError(
      `the headers timeout (${config.headersTimeoutMs} ms) must not exceed the request timeout (${config.requestTimeoutMs} ms)`,
    );
  }
  return config;
}
