import { type ComplexityErrorFn, ComplexityErrorKind } from "@pothos/plugin-complexity";
import { GraphQLError } from "graphql";
import { ApiErrorCode } from "./errors.js";

/**
 * How much one request may ask of the server. Every limit has a safe default
 * ({@link DEFAULT_LIMITS}). A request over a limit gets `extensions.code` `LIMIT_EXCEEDED` with
 * `extensions.limit` naming it; body and document size, tokens, depth, aliases and cost are judged
 * before anything runs (HTTP 413 or 400), the entity ids and feature reads as fields resolve (the
 * fields past the limit fail, the others are answered).
 */
export interface ApiLimits {
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /**
   * Largest file accepted by `POST /training-set` and `POST /import`, in bytes. Those bodies are
   * streamed (never held in memory, except that a Parquet upload is spooled to a temporary file,
   * since Parquet is read from its end), so they may be far larger than a GraphQL request.
   */
  maxUploadBytes: number;
  /**
   * Longest GraphQL document accepted, in bytes of UTF-8, judged before it is parsed or looked
   * up in the document cache. The body limit is sized for batches of values (variables); a
   * document is code, a few KiB at most (the standard introspection query is 2 KiB), and
   * parsing one, or keeping it cached, costs in proportion to its length: a megabyte that is
   * nearly all comment passes the token limit, so this limit is what keeps it out.
   */
  maxDocumentBytes: number;
  /**
   * Most lexical tokens in one document: the parser stops there, so a document built to make
   * parsing or validation slow (or to nest deeper than the parser's stack) costs little.
   */
  maxTokens: number;
  /**
   * Deepest selection nesting of an operation (`{ a { b } }` has depth 2), with fragments
   * expanded and introspection fields counted like any other. The default admits the standard
   * introspection query (depth 15) that GraphiQL and code generators send.
   */
  maxDepth: number;
  /**
   * Most aliased fields in one operation, counted with fragment spreads expanded: a fragment
   * with 10 aliases spread 10 times counts 100 (aliases multiply the work of a single field).
   */
  maxAliases: number;
  /**
   * Most entity ids one request may read vectors for, summed over every `vector`, `vectors`,
   * `groupVector` and `FeatureGroup.vector` field it resolves.
   */
  maxEntityIds: number;
  /**
   * Highest cost of one operation. It is priced before it runs: a vector read costs one per
   * (entity, feature) pair, so `vectors` costs entityIds.length x featureNames.length (a group's
   * vector {@link GROUP_VECTOR_COST}); `ingestBatch` one per record; every other field one, and
   * the sub-selection of a list ten times its own cost. As the vector fields resolve, the
   * (entity, feature) pairs they really read are counted against it too, so a group's vector
   * costs its real size.
   */
  maxCost: number;
  /** Most `valueChanged` subscriptions open at once on one app (one server process). */
  maxSubscriptions: number;
  /**
   * Most changes waiting for one subscriber. A subscriber further behind than this (a client
   * that does not read, or reads slower than changes are written) has its stream ended with
   * `SUBSCRIBER_TOO_SLOW`, so it never holds more memory than this many changes.
   */
  maxQueuedEvents: number;
}

/** The limits used where none are configured: generous for dashboards, small enough to be safe. */
export const DEFAULT_LIMITS: Readonly<ApiLimits> = Object.freeze({
  maxBodyBytes: 1_048_576,
  maxUploadBytes: 1_073_741_824,
  // 32 times the introspection query, and a sixteenth of the body limit.
  maxDocumentBytes: 65_536,
  maxTokens: 5000,
  maxDepth: 15,
  maxAliases: 100,
  maxEntityIds: 1000,
  maxCost: 100_000,
  maxSubscriptions: 1000,
  maxQueuedEvents: 10_000,
});

/**
 * The price of a group's vector before the operation runs, when the group's size is not known
 * yet. As the field resolves, its real reads (one per feature of the group) are counted against
 * `maxCost` too (see `ReadBudget`), so a wide group cannot pass for a narrow one.
 */
export const GROUP_VECTOR_COST = 50;

/**
 * The price of `featureStatistics` in the cost limit: one call aggregates every value of a
 * feature (a scan of up to 100,000 entities on Redis), so a request may hold at most
 * `maxCost / STATISTICS_COST` of them (1000 with the default limit).
 */
export const STATISTICS_COST = 100;

/**
 * The price of `FeatureDefinition.coverage`: per feature, counts over its entities (no value
 * aggregates); inside the `features` list it is multiplied like any field of a list.
 */
export const COVERAGE_COST = 5;

/** The most edges one page of a connection (`entities`, `historyConnection`) may ask for. */
export const MAX_PAGE_SIZE = 1000;

/** The edges a page holds when the client gives neither `first` nor `last`. */
export const DEFAULT_PAGE_SIZE = 50;

/**
 * Fills in the defaults and checks the rest.
 * @throws RangeError when a limit is not a positive integer.
 */
export function resolveLimits(overrides: Partial<ApiLimits> = {}): ApiLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof ApiLimits)[]) {
    const value = overrides[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new RangeError(`limit ${key} must be a positive integer, not ${String(value)}`);
    }
    limits[key] = value;
  }
  return limits;
}

/**
 * The error a request over one of its limits gets. `wholeRequest` marks a verdict on the
 * operation as a whole (priced or validated before it ran), answered with HTTP 400.
 */
export function limitExceeded(limit: string, max: number, actual: number, wholeRequest = true): GraphQLError {
  return new GraphQLError(`request exceeds the ${limit} limit (${actual} > max ${max})`, {
    extensions: {
      code: ApiErrorCode.LIMIT_EXCEEDED,
      limit,
      max,
      actual,
      ...(wholeRequest ? { http: { status: 400 } } : {}),
    },
  });
}

/** Turns the complexity plugin's verdict into our coded error. */
export const complexityError: ComplexityErrorFn = (kind, result) =>
  kind === ComplexityErrorKind.Depth
    ? limitExceeded("depth", result.maxDepth ?? 0, result.depth)
    : kind === ComplexityErrorKind.Breadth
      ? limitExceeded("breadth", result.maxBreadth ?? 0, result.breadth)
      : limitExceeded("cost", result.maxComplexity ?? 0, result.complexity);
