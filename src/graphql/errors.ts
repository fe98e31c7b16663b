import { type ExecutionResult, GraphQLError } from "graphql";
import { maskError as maskUnexpected, type Plugin } from "graphql-yoga";
import { FeatureStoreError } from "../core/errors.js";
import { logger } from "../core/logger.js";

/** Codes a client can see in `extensions.code`, beyond the library's own FeatureStoreError codes. */
export const ApiErrorCode = {
  /** A request over one of the configured limits (`extensions.limit` names which). */
  LIMIT_EXCEEDED: "LIMIT_EXCEEDED",
  /** A missing or wrong bearer token (HTTP 401). */
  UNAUTHENTICATED: "UNAUTHENTICATED",
  /** Anything unexpected: the message is masked and the error logged. */
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
} as const;

/** The message clients get for a backend failure; the backend's own words stay in the log. */
const BACKEND_UNAVAILABLE_MESSAGE = "the feature store backend is unavailable; retry later";

/**
 * Yoga's error mask. A FeatureStoreError reaches the client as a GraphQLError whose
 * `extensions.code` is its code (with its details beside it); a GraphQLError raised on purpose
 * passes as it is; anything else becomes "Unexpected error." with code INTERNAL_SERVER_ERROR,
 * and yoga logs the original. Backend failures keep their code but not their message, which may
 * name hosts or driver internals.
 */
export function maskError(error: unknown, message: string): Error {
  const original = error instanceof GraphQLError ? error.originalError : error;
  if (original instanceof FeatureStoreError) {
    const located = error instanceof GraphQLError ? error : undefined;
    const unavailable = original.code === "BACKEND_UNAVAILABLE";
    if (unavailable) logger.error({ err: original }, "backend unavailable");
    return new GraphQLError(unavailable ? BACKEND_UNAVAILABLE_MESSAGE : original.message, {
      nodes: located?.nodes,
      source: located?.source,
      positions: located?.positions,
      path: located?.path,
      extensions: unavailable ? { code: original.code } : { ...original.details, code: original.code },
    });
  }
  return maskUnexpected(error, message, false);
}

/**
 * Answers a request that could not run because of what the client sent (a syntax error, an
 * invalid or over-limit query) with HTTP 400 whatever the Accept header. The GraphQL over
 * HTTP spec lets `application/json` responses use 200 there; a 4xx tells caches, proxies and
 * dashboards the truth. Unexpected failures keep their 5xx.
 */
export function useClientErrorStatus(): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result) || Symbol.asyncIterator in result) return;
      const single = result as ExecutionResult;
      if ("data" in single || !single.errors?.length) return;
      if (!single.errors.every(isClientError)) return;
      setResult({ ...single, extensions: { ...single.extensions, http: { status: 400 } } });
    },
  };
}

function isClientError(error: GraphQLError): boolean {
  const http = error.extensions.http as { status?: number } | undefined;
  return http?.status === 400;
}
