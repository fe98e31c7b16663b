import { availableParallelism } from "node:os";
import { Command, CommanderError } from "commander";
import { ConfigurationError } from "./core/errors.js";
import { LOG_LEVELS, type LogLevel } from "./core/logger.js";
import { type ApiLimits, DEFAULT_LIMITS } from "./graphql/limits.js";
import {
  addSettingOptions,
  countOrAuto,
  envOf,
  integer,
  list,
  oneOf,
  onOff,
  readSettings,
  type Setting,
  type Settings,
  secret,
  text,
  transformReference,
} from "./settings.js";
import { findBackend, storeSchemes } from "./store/backend-registry.js";

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
  /** Serve the feature explorer web app at `GET /`. */
  explorer: boolean;
  /** Answer introspection queries (by default, when GraphiQL is served). */
  introspection: boolean;
  /** Suggest similar names in error messages. */
  fieldSuggestions: boolean;
  /** Count requests and store calls, and serve `GET /metrics`. */
  metrics: boolean;
  /** Serve `GET /metrics` without a token even when a read token is set. */
  metricsPublic: boolean;
  /** The stored transform (`name@version`, or `name`) that reads asking for `applyTransform` get. */
  defaultTransform: string | undefined;
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
  /**
   * How many server processes share the port (see `runServer`): 1 serves from this process
   * alone; more fork that many workers through `node:cluster`.
   */
  workers: number;
  /**
   * The process's log level, set by `runServer` (which owns the process); `startServer` leaves
   * the logger as it is, since a library user may have set it.
   */
  logLevel: LogLevel;
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

/** The settings read one by one: every request limit is a setting of its own. */
type ServerSettings = Omit<ServerConfig, "limits"> & ApiLimits;

/**
 * The help line of each request limit. Its variable (`FEATURESTORE_MAX_...`), flag
 * (`--max-...`) and default (`DEFAULT_LIMITS`) follow from its name, so a new limit in
 * `ApiLimits` needs only its line here (and the compiler asks for it).
 */
const LIMIT_HELP: { readonly [K in keyof ApiLimits]: string } = {
  maxBodyBytes: "largest request body, in bytes",
  maxUploadBytes: "largest file POST /training-set and POST /import accept, in bytes",
  maxDocumentBytes: "longest query document, in bytes of UTF-8, refused before it is parsed",
  maxTokens: "most tokens in a query document",
  maxDepth: "deepest query nesting, introspection included",
  maxAliases: "most aliased fields per query, fragments expanded",
  maxEntityIds: "most entity ids read per request",
  maxCost: "highest query cost, entity x feature reads",
  maxSubscriptions: "most subscriptions open at once",
  maxQueuedEvents: "most changes waiting for one subscriber before it is cut off",
};

function limitSettings(): Settings<ApiLimits> {
  const settings: Partial<Record<keyof ApiLimits, Setting<number>>> = {};
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof ApiLimits)[]) {
    settings[key] = {
      env: envOf(key),
      type: integer(1),
      default: { value: DEFAULT_LIMITS[key] },
      help: LIMIT_HELP[key],
    };
  }
  return settings as Settings<ApiLimits>;
}

const positive = integer(1);

/**
 * Every server setting, each declared once: its variable, its type, its default and its help.
 * The flag is the key in kebab case. Parsing and `--help` are both derived from this list.
 */
const SERVER_SETTINGS: Settings<ServerSettings> = {
  port: {
    env: "PORT",
    type: integer(0, 65_535),
    default: { value: 4000 },
    help: "TCP port; 0 picks a free one",
  },
  host: {
    env: "HOST",
    type: text("<host>"),
    default: { value: "127.0.0.1" },
    help: "interface to listen on",
  },
  storeUrl: {
    env: "FEATURESTORE_URL",
    type: text("<url>"),
    default: { value: DEFAULT_STORE_URL },
    help: `store URL, one of ${storeSchemes()
      .map((scheme) => `${scheme}://`)
      .join(", ")}`,
  },
  token: {
    env: "FEATURESTORE_TOKEN",
    type: secret,
    default: { value: undefined },
    help: "bearer token required for mutations; prefer the environment, flags show in ps",
  },
  readToken: {
    env: "FEATURESTORE_READ_TOKEN",
    type: secret,
    default: { value: undefined },
    help: "bearer token required for queries too",
  },
  corsOrigins: {
    env: "FEATURESTORE_CORS_ORIGINS",
    type: list,
    default: { value: [] },
    help: "comma-separated origins allowed to call from a browser, or *",
  },
  demoData: {
    env: "FEATURESTORE_DEMO_DATA",
    type: onOff,
    default: { development: true, production: false },
    help: "load the demo data set into an empty store",
  },
  graphiql: {
    env: "FEATURESTORE_GRAPHIQL",
    type: onOff,
    default: { development: true, production: false },
    help: "serve GraphiQL at GET /graphql",
  },
  explorer: {
    env: "FEATURESTORE_EXPLORER",
    type: onOff,
    default: { development: true, production: false },
    help: "serve the feature explorer web app at GET /",
  },
  introspection: {
    env: "FEATURESTORE_INTROSPECTION",
    type: onOff,
    // GraphiQL cannot work without introspection, and nothing else here needs it.
    default: { sameAs: "graphiql" },
    help: "answer introspection queries",
  },
  fieldSuggestions: {
    env: "FEATURESTORE_FIELD_SUGGESTIONS",
    type: onOff,
    default: { development: true, production: false },
    help: '"did you mean" hints in errors',
  },
  metrics: {
    env: "FEATURESTORE_METRICS",
    type: onOff,
    default: { value: true },
    help: "count requests and store calls, and serve GET /metrics",
  },
  metricsPublic: {
    env: "FEATURESTORE_METRICS_PUBLIC",
    type: onOff,
    default: { value: false },
    help: "serve GET /metrics without a token even when a read token is set",
  },
  defaultTransform: {
    env: "FEATURESTORE_DEFAULT_TRANSFORM",
    type: transformReference,
    default: { value: undefined },
    help: "stored transform (name@version, or name for its newest version) that applyTransform: true applies",
  },
  ...limitSettings(),
  shutdownTimeoutMs: {
    env: "FEATURESTORE_SHUTDOWN_TIMEOUT_MS",
    type: positive,
    default: { value: 10_000 },
    help: "how long SIGTERM waits for in-flight requests",
  },
  requestTimeoutMs: {
    env: "FEATURESTORE_REQUEST_TIMEOUT_MS",
    type: positive,
    default: { value: DEFAULT_HTTP_LIMITS.requestTimeoutMs },
    help: "how long a client may take to send a whole request",
  },
  headersTimeoutMs: {
    env: "FEATURESTORE_HEADERS_TIMEOUT_MS",
    type: positive,
    default: { value: DEFAULT_HTTP_LIMITS.headersTimeoutMs },
    help: "how long a client may take to send a request's headers; at most the request timeout",
  },
  keepAliveTimeoutMs: {
    env: "FEATURESTORE_KEEP_ALIVE_TIMEOUT_MS",
    type: positive,
    default: { value: DEFAULT_HTTP_LIMITS.keepAliveTimeoutMs },
    help: "how long an idle keep-alive connection is kept; behind a load balancer, make it longer than the balancer's idle timeout",
  },
  maxConnections: {
    env: "FEATURESTORE_MAX_CONNECTIONS",
    type: positive,
    default: { value: DEFAULT_HTTP_LIMITS.maxConnections },
    help: "most connections open at once",
  },
  workers: {
    env: "FEATURESTORE_WORKERS",
    type: countOrAuto(availableParallelism),
    default: { value: 1 },
    help: "server processes sharing the port (auto: one per core available); more than 1 needs a store every process shares, not memory://",
  },
  logLevel: {
    env: "FEATURESTORE_LOG_LEVEL",
    type: oneOf("<level>", LOG_LEVELS),
    default: { value: "info" },
    help: "least severe level logged, as JSON lines on stderr",
  },
};

/**
 * The server's configuration from the environment and the flags commander parsed (a flag wins;
 * see {@link SERVER_SETTINGS}). `NODE_ENV=production` turns GraphiQL, name suggestions and the
 * demo data off unless they are set; introspection follows GraphiQL unless it is set.
 * @throws ConfigurationError for a variable that does not parse, a token that is set but
 * empty, or a headers timeout longer than the request timeout.
 */
export function serverConfigFrom(
  env: NodeJS.ProcessEnv,
  flags: Readonly<Record<string, unknown>>,
): ServerConfig {
  const { values, given } = readSettings(SERVER_SETTINGS, env, flags);
  const limits: Partial<ApiLimits> = {};
  const config: Record<string, unknown> = { limits };
  for (const [key, value] of Object.entries(values)) {
    if (Object.hasOwn(DEFAULT_LIMITS, key)) {
      if (given.has(key as keyof ApiLimits)) limits[key as keyof ApiLimits] = value as number;
    } else {
      config[key] = value;
    }
  }
  const server = config as unknown as ServerConfig;
  if (server.headersTimeoutMs > server.requestTimeoutMs) {
    throw new ConfigurationError(
      `the headers timeout (${server.headersTimeoutMs} ms) must not exceed the request timeout (${server.requestTimeoutMs} ms)`,
    );
  }
  const backend = server.workers > 1 ? findBackend(server.storeUrl) : undefined;
  if (backend?.inProcess === true) {
    throw new ConfigurationError(
      `${server.workers} workers cannot serve a ${backend.name} store: each process would hold data of its own; use 1 worker, or a store every process shares`,
    );
  }
  return server;
}

/**
 * Adds the server's settings to a command as options, with their help lines: the `serve`
 * command of the CLI, and the command {@link readServerConfig} parses flags with.
 */
export function addServerOptions(command: Command): Command {
  return addSettingOptions(command, SERVER_SETTINGS);
}

/**
 * Reads the server's configuration from the environment and command-line flags (`--port 0`,
 * `--no-demo-data`, ...), as the `featurestore serve` command does.
 * @throws ConfigurationError for an unknown flag, a positional argument, or any failure of
 * {@link serverConfigFrom}.
 */
export function readServerConfig(
  env: NodeJS.ProcessEnv = process.env,
  args: readonly string[] = [],
): ServerConfig {
  const command = addServerOptions(new Command())
    .exitOverride()
    .configureOutput({ writeOut: () => {}, writeErr: () => {} });
  try {
    command.parse([...args], { from: "user" });
  } catch (err) {
    if (err instanceof CommanderError) throw new ConfigurationError(err.message.replace(/^error: /, ""));
    throw err;
  }
  return serverConfigFrom(env, command.opts());
}
