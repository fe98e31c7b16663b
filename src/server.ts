import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type AppOptions, createApp, type FeatureStoreApp, GRAPHQL_PATH } from "./app.js";
import { clusterChangeFeed } from "./cluster/cluster-change-feed.js";
import { isWorker, namingWorker } from "./cluster/cluster-worker.js";
import { logger } from "./core/logger.js";
import { loadDemoDataIfEmpty } from "./graphql/demo-data.js";
import { requireRequestUrl } from "./request-target.js";
import type { ServerConfig } from "./server-config.js";
import { FeatureService } from "./service.js";
import { findBackend } from "./store/backend-registry.js";
import type { ChangeFeed } from "./store/changes/change-feed.js";
import { openChangeFeed } from "./store/changes/open-change-feed.js";
import type { FeatureStore } from "./store/feature-store.js";
import { openStore } from "./store/open-store.js";

/** A listening server and how to stop it. */
export interface RunningServer {
  /** The GraphQL endpoint, e.g. `http://127.0.0.1:4000/graphql`. */
  readonly url: string;
  /** The port actually bound (useful with port 0). */
  readonly port: number;
  /** The GraphQL app the server hands its requests to (see `createApp`). */
  readonly app: FeatureStoreApp;
  /** The store the server opened from `storeUrl`; {@link stop} closes it. */
  readonly store: FeatureStore;
  /** Where writes are announced to subscribers: shared with the other replicas on Redis and PostgreSQL. */
  readonly pubsub: ChangeFeed;
  /** The Node HTTP server listening, with the configured timeouts and connection limit. */
  readonly http: Server;
  /**
   * Stops accepting connections, lets in-flight requests finish (cutting the rest after the
   * shutdown timeout), then closes the pubsub's connections and the store. Safe to call twice.
   */
  stop(): Promise<void>;
}

/** The app options a configuration asks for; subscriptions run on `pubsub` when given. */
function appOptionsFrom(config: ServerConfig, service: FeatureService, pubsub?: ChangeFeed): AppOptions {
  return {
    service,
    pubsub: pubsub?.pubsub,
    pubsubState: pubsub && (() => ({ transport: pubsub.transport, connected: pubsub.connected })),
    limits: config.limits,
    auth: { writeToken: config.token, readToken: config.readToken },
    corsOrigins: config.corsOrigins,
    graphiql: config.graphiql,
    explorer: config.explorer,
    introspection: config.introspection,
    fieldSuggestions: config.fieldSuggestions,
    metrics: config.metrics,
    metricsPublic: config.metricsPublic,
  };
}

/**
 * Opens the store and its pubsub (see {@link openChangeFeed}: replicas over one Redis or PostgreSQL
 * store share their changes), listens, then loads the demo data into an empty store (unless
 * turned off). A request that arrives while the demo data loads may see part of it.
 * @throws ConfigurationError / BackendUnavailableError when the store cannot be opened, or the
 * pubsub's connection error.
 */
export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const store = await openStore(config.storeUrl);
  let pubsub: ChangeFeed | undefined;
  let http: Server | undefined;
  try {
    const changes = await serverChangeFeed(config.storeUrl);
    pubsub = changes;
    const service = new FeatureService(store, { defaultTransform: config.defaultTransform });
    const app = createApp(appOptionsFrom(config, service, changes));
    const server = createServer(
      {
        requestTimeout: config.requestTimeoutMs,
        headersTimeout: config.headersTimeoutMs,
        // Node checks both timeouts only this often (every 30 s by default), which would let a
        // slow client hold its connection well past them.
        connectionsCheckingInterval: Math.min(1000, config.headersTimeoutMs),
      },
      isWorker() ? namingWorker(requireRequestUrl(app)) : requireRequestUrl(app),
    );
    server.keepAliveTimeout = config.keepAliveTimeoutMs;
    server.maxConnections = config.maxConnections;
    http = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(config.port, config.host, () => {
        server.off("error", reject);
        resolve();
      });
    });
    // Only once the port is ours: a server that cannot listen must not have filled the store.
    if (config.demoData) await loadDemoDataIfEmpty(service);
    const { port } = server.address() as AddressInfo;
    const host = config.host.includes(":") ? `[${config.host}]` : config.host;
    const url = `http://${host}:${port}${GRAPHQL_PATH}`;
    let stopping: Promise<void> | undefined;
    const stop = () => {
      stopping ??= (async () => {
        const drained = drain(server, config.shutdownTimeoutMs);
        // Ends the subscription streams, which would otherwise hold the drain open until the timeout.
        await app.dispose();
        await drained;
        // Nothing publishes or listens any more: no request is left, no subscription either.
        await changes.close();
        await store.close();
      })();
      return stopping;
    };
    // A worker's "listening" would tell a supervisor the server is up before the others are:
    // the cluster's primary says "listening" once all of them are.
    logger.info(
      { url, backend: store.backend, pubsub: changes.transport },
      isWorker() ? "worker listening" : "listening",
    );
    return { url, port, app, store, pubsub: changes, http: server, stop };
  } catch (err) {
    http?.close();
    await pubsub?.close();
    await store.close();
    throw err;
  }
}

/**
 * The change feed of this server process: the backend's own, shared with every process serving
 * the store; or, in a worker of a cluster whose backend has none (SQLite), the cluster's relay
 * through the primary; else one within this process.
 */
function serverChangeFeed(url: string): Promise<ChangeFeed> {
  if (isWorker() && !findBackend(url).openChangeFeed) return Promise.resolve(clusterChangeFeed());
  return openChangeFeed(url);
}

/**
 * Closes the server: no new connections, in-flight requests run to their end. A keep-alive
 * socket goes idle when its last response is sent, and only then can it close, so idle sockets
 * are closed again every few milliseconds until the server is closed, or cut at the timeout.
 */
function drain(server: Server, timeoutMs: number): Promise<void> {
  return new Promise((resolve) => {
    const sweep = setInterval(() => server.closeIdleConnections(), 25);
    const timer = setTimeout(() => {
      logger.warn({ timeoutMs }, "shutdown timeout: closing the connections still open");
      server.closeAllConnections();
    }, timeoutMs);
    server.close(() => {
      clearInterval(sweep);
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}

/**
 * Runs the server as the process's one job: sets the process's log level from the
 * configuration, starts the server, and stops it on SIGTERM or SIGINT: in-flight requests
 * finish, the pubsub and the store close, and the process exits 0 (1 if stopping failed).
 */
export async function runServer(config: ServerConfig): Promise<RunningServer> {
  logger.level = config.logLevel;
  const running = await startServer(config);
  const onSignal = (signal: NodeJS.Signals) => {
    // stop() closes the listening socket synchronously, before this line is logged.
    const stopping = running.stop();
    logger.info({ signal }, "shutting down");
    stopping.then(
      () => {
        logger.info("stopped");
        process.exit(0);
      },
      (err: unknown) => {
        logger.error({ err }, "shutdown failed");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", onSignal);
  process.once("SIGINT", onSignal);
  return running;
}
