import { GraphQLError } from "graphql";
import { createYoga, type Plugin, type YogaLogger, type YogaServerInstance } from "graphql-yoga";
import { FeatureStoreError } from "./core/errors.js";
import { logger } from "./core/logger.js";
import { bearerTokens } from "./graphql/bearer-tokens.js";
import { createContext, type GraphQLContext } from "./graphql/context.js";
import { corsPolicy } from "./graphql/cors.js";
import { DEMO_OPERATIONS } from "./graphql/demo-data.js";
import { DocumentCache, NO_ERROR_CACHE } from "./graphql/document-cache.js";
import { maskError } from "./graphql/errors.js";
import { FeatureEvents } from "./graphql/events.js";
import { renderOfflineGraphiQL } from "./graphql/graphiql.js";
import { type ApiLimits, resolveLimits } from "./graphql/limits.js";
import { type AuthOptions, useBearerAuth } from "./graphql/plugins/use-bearer-auth.js";
import { useBodyLimit } from "./graphql/plugins/use-body-limit.js";
import { useClientErrorStatus } from "./graphql/plugins/use-client-error-status.js";
import { useCsrfPrevention } from "./graphql/plugins/use-csrf-prevention.js";
import { useDocumentCache } from "./graphql/plugins/use-document-cache.js";
import { useDocumentLimits } from "./graphql/plugins/use-document-limits.js";
import { useEndSubscriptionsOnDispose } from "./graphql/plugins/use-end-subscriptions-on-dispose.js";
import { useExplorer } from "./graphql/plugins/use-explorer.js";
import { useGraphiQLAssets } from "./graphql/plugins/use-graphiql-assets.js";
import { type PubSubState, useHealthEndpoint } from "./graphql/plugins/use-health-endpoint.js";
import { useImportEndpoint } from "./graphql/plugins/use-import-endpoint.js";
import { useMetricsEndpoint } from "./graphql/plugins/use-metrics-endpoint.js";
import { useNotAcceptable } from "./graphql/plugins/use-not-acceptable.js";
import { useRequestParseErrors } from "./graphql/plugins/use-request-parse-errors.js";
import { useRequestRecord } from "./graphql/plugins/use-request-record.js";
import { useSchemaExposure } from "./graphql/plugins/use-schema-exposure.js";
import { useStrictUtf8 } from "./graphql/plugins/use-strict-utf8.js";
import { useTrainingSetEndpoint } from "./graphql/plugins/use-training-set-endpoint.js";
import { useUnhandledRoute } from "./graphql/plugins/use-unhandled-route.js";
import { useUnsupportedMediaType } from "./graphql/plugins/use-unsupported-media-type.js";
import { useVariableErrorCode } from "./graphql/plugins/use-variable-error-code.js";
import { useVaryOrigin } from "./graphql/plugins/use-vary-origin.js";
import { logRequest } from "./graphql/request-log.js";
import { requestLog } from "./graphql/request-record.js";
import { schema } from "./graphql/schema/index.js";
import { ApiMetrics } from "./metrics/api-metrics.js";
import type { FeatureService } from "./service.js";
import { createFeaturePubSub, type FeaturePubSub } from "./store/changes/change-feed.js";

/** Options of {@link createApp}. Everything but the service has a safe default. */
export interface AppOptions {
  /** The service the API serves (its store answers `/health`). */
  service: FeatureService;
  /** Request limits; each one left out keeps its default (see `DEFAULT_LIMITS`). */
  limits?: Partial<ApiLimits>;
  /**
   * Bearer tokens; none by default (an open API, as for local development).
   * An empty token (or one holding whitespace) is refused with a ConfigurationError.
   */
  auth?: AuthOptions;
  /** Origins whose pages may call the API from a browser (`*` for any); none by default. */
  corsOrigins?: readonly string[];
  /** Serve GraphiQL, with example operations, to browsers at `GET /graphql`. Default true. */
  graphiql?: boolean;
  /**
   * Serve the feature explorer, a web app over this API, at `GET /`. Default true. Its files
   * need no token; its GraphQL requests carry the token the person gives it.
   */
  explorer?: boolean;
  /**
   * Answer introspection queries. By default only when GraphiQL is served (which needs them);
   * a server without GraphiQL does not describe its schema to whoever asks.
   */
  introspection?: boolean;
  /** Suggest similar names in error messages. Default true; turn off in production. */
  fieldSuggestions?: boolean;
  /**
   * The cache of parsed documents, keyed by their text. Left out, each app has its own with the
   * default bounds (see `DEFAULT_DOCUMENT_CACHE_LIMITS`); pass one to bound it otherwise or to
   * look into it.
   */
  documentCache?: DocumentCache;
  /**
   * The channel mutations announce their writes on and subscriptions listen to. The default is
   * an in-process one; pass one built on a distributed event target to share changes between
   * replicas, or to publish and listen from elsewhere in the process.
   */
  pubsub?: FeaturePubSub;
  /** Reports the pubsub's connection on `/health`; left out, `/health` reports the store only. */
  pubsubState?: () => PubSubState;
  /**
   * Serve `GET /metrics` to anyone, whatever the read token. Default false: with a read token
   * set, scraping needs it (or the write token) like any read.
   */
  metricsPublic?: boolean;
  /**
   * Count requests and store calls and serve `GET /metrics`. Default true. Turned off (and with
   * the logger above `info`, so no request lines), requests are not recorded at all.
   */
  metrics?: boolean;
}

/** The app: a fetch-style handler (`app.fetch(request)`) that is also a Node request listener. */
export type FeatureStoreApp = YogaServerInstance<Record<string, unknown>, GraphQLContext>;

/** The endpoint GraphQL is served at. */
export const GRAPHQL_PATH = "/graphql";

/** The GraphiQL page: its title, and the example operations it opens with. */
const GRAPHIQL_OPTIONS = Object.freeze({
  title: "Feature store",
  defaultQuery: DEMO_OPERATIONS,
  defaultEditorToolsVisibility: false,
});

/** Yoga's liveness probe: 200 while the process serves HTTP, whatever the store's state. */
const LIVENESS_PATH = "/livez";

/**
 * Routes yoga's own log lines into the project's logger, at the same levels. Yoga logs every
 * error it rewrites; a FeatureStoreError was already logged (at warn) when it was raised and
 * is a client's mistake, not the server's, so it is not logged again as an error.
 */
function yogaLogger(): YogaLogger {
  const at =
    (level: "debug" | "info" | "warn" | "error") =>
    (...args: unknown[]): void => {
      // Yoga logs on every request at debug; skip building the entry unless it is wanted.
      if (!logger.isLevelEnabled(level)) return;
      const [first, ...rest] = args;
      if (first instanceof GraphQLError && first.originalError instanceof FeatureStoreError) return;
      if (first instanceof Error) logger[level]({ err: first }, first.message);
      else logger[level](rest.length > 0 ? { details: rest } : {}, String(first));
    };
  return { debug: at("debug"), info: at("info"), warn: at("warn"), error: at("error") };
}

/**
 * Builds the GraphQL API over a service, without listening: tests call `app.fetch(request)`,
 * the server hands the app to `http.createServer`.
 *
 * - `POST /graphql` runs operations (GraphQL over HTTP), `GET /graphql?query=...` queries and
 *   subscriptions; `GET /graphql` from a browser shows GraphiQL. Any other path is a coded 404.
 * - `GET /` serves the feature explorer (see `useExplorer`), unless `explorer` is false.
 * - `GET /health` reports the store's health (200, or 503 when the backend is down).
 * - Domain errors carry their code in `extensions.code`; anything else is masked and logged.
 * - CSRF prevention is always on: a POST must be preflighted by the browser (a JSON body) or
 *   carry the `x-graphql-yoga-csrf` header; a GET cannot run a mutation and needs neither.
 * - Each document is held to the limits (tokens, depth, aliases, cost, entity ids and reads),
 *   and each subscription to its own bounded queue (see `ApiLimits`).
 *
 * @example
 * ```ts
 * const app = createApp({ service: new FeatureService(await openStore("memory://")) });
 * const response = await app.fetch("http://localhost/graphql", {
 *   method: "POST",
 *   headers: { "content-type": "application/json" },
 *   body: JSON.stringify({ query: "{ features { name } }" }),
 * });
 * ```
 */
export function createApp(options: AppOptions): FeatureStoreApp {
  const limits = resolveLimits(options.limits);
  // Left out entirely when off: the default metrics sample the event loop on a timer.
  const metrics: ApiMetrics | undefined =
    options.metrics === false ? undefined : new ApiMetrics((): number => events.subscriptions);
  const events = new FeatureEvents(options.pubsub ?? createFeaturePubSub(), {
    maxSubscriptions: limits.maxSubscriptions,
    maxQueuedEvents: limits.maxQueuedEvents,
    onEventsDropped: metrics && ((count) => metrics.eventsDroppedBy(count)),
  });
  const deps = {
    service: options.service,
    limits,
    events,
    onBatch:
      metrics && ((loader: "vectors" | "group" | "definition", size: number) => metrics.batch(loader, size)),
  };
  const graphiql = options.graphiql !== false;
  const explorer = options.explorer !== false;
  const documentCache = options.documentCache ?? new DocumentCache();
  const tokens = bearerTokens(options.auth ?? {});
  // Order matters where plugins answer requests or wrap the request parser; see each comment.
  const plugins = [
    // First, so that every request is recorded and logged, however it is answered.
    (metrics !== undefined || logger.isLevelEnabled("info")) &&
      useRequestRecord((record, response) => {
        logRequest(record, response);
        if (!metrics || !record.graphql) return;
        const { operationName, operationType, errorCodes } = record;
        const seconds = (performance.now() - record.start) / 1000;
        metrics.requestEnded({ operationName, operationType, errorCodes, seconds });
      }),
    // Paths other than GraphQL: answered before anything below looks at the request.
    metrics && useMetricsEndpoint(metrics, options.service.store, tokens, options.metricsPublic ?? false),
    useHealthEndpoint(options.service.store, options.pubsubState),
    graphiql && useGraphiQLAssets(),
    explorer && useExplorer(),
    useTrainingSetEndpoint(options.service, tokens, limits.maxUploadBytes),
    useImportEndpoint(options.service, tokens, limits.maxUploadBytes),
    // After every plugin that serves a path of its own.
    useUnhandledRoute(GRAPHQL_PATH),
    // Refusals judged on the request's headers alone, the token first: an anonymous client
    // learns nothing else about its request.
    useBearerAuth(options.auth ?? {}),
    useCsrfPrevention(),
    useUnsupportedMediaType(),
    // Wrappers of the request parser: the later one runs first. The body is read bounded, then
    // decoded as UTF-8, then parsed.
    useRequestParseErrors(),
    useStrictUtf8(),
    useBodyLimit(limits.maxBodyBytes),
    useDocumentLimits(limits),
    useDocumentCache(documentCache),
    useSchemaExposure({
      introspection: options.introspection ?? graphiql,
      fieldSuggestions: options.fieldSuggestions ?? true,
    }),
    useVariableErrorCode(),
    useClientErrorStatus(),
    useNotAcceptable(),
    useVaryOrigin(options.corsOrigins ?? []),
    useEndSubscriptionsOnDispose(events),
  ].filter((plugin): plugin is Plugin => typeof plugin === "object" && plugin !== null);

  return createYoga<Record<string, unknown>, GraphQLContext>({
    schema,
    context: ({ request }) => createContext(deps, requestLog(request)),
    graphqlEndpoint: GRAPHQL_PATH,
    healthCheckEndpoint: LIVENESS_PATH,
    landingPage: false,
    // Yoga would show GraphiQL at /graphql/ and //graphql too; those paths are a 404 like any other.
    graphiql: graphiql
      ? (request) => new URL(request.url).pathname === GRAPHQL_PATH && GRAPHIQL_OPTIONS
      : false,
    renderGraphiQL: (graphiqlOptions) =>
      renderOfflineGraphiQL(graphiqlOptions, { explorerLink: explorer ? "/" : undefined }),
    maskedErrors: { maskError, isDev: false },
    logging: yogaLogger(),
    cors: corsPolicy(options.corsOrigins ?? []),
    // useBodyLimit enforces limits.maxBodyBytes at a fraction of the cost of yoga's own check.
    maxRequestBodySize: false,
    parserAndValidationCache: { documentCache, errorCache: NO_ERROR_CACHE },
    multipart: false,
    plugins,
  });
}
