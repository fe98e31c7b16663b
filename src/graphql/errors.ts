import { GraphQLError } from "graphql";
import { maskError as maskUnexpected } from "graphql-yoga";
import { FeatureStoreError } from "../core/errors.js";
import { logger } from "../core/logger.js";

/**
 * Codes a client can see in `extensions.code`, beyond the library's own FeatureStoreError codes:
 * the ones the API sets, and the ones graphql-yoga sets that pass through our error mask. The
 * README lists each (a test checks that it does).
 */
export const ApiErrorCode = {
  /** A request over one of the configured limits (`extensions.limit` names which). */
  LIMIT_EXCEEDED: "LIMIT_EXCEEDED",
  /** A missing or wrong bearer token (HTTP 401). */
  UNAUTHENTICATED: "UNAUTHENTICATED",
  /**
   * A request that is not GraphQL over HTTP: a bad body, query string or header (HTTP 400); a
   * method other than GET and POST, or a mutation over GET (HTTP 405, set by yoga).
   */
  BAD_REQUEST: "BAD_REQUEST",
  /** A document that does not parse, or is nested too deeply to parse (HTTP 400). */
  GRAPHQL_PARSE_FAILED: "GRAPHQL_PARSE_FAILED",
  /**
   * A document that parses but is not valid against the schema: an unknown field, a missing
   * argument, a wrong literal (HTTP 400). Set by yoga.
   */
  GRAPHQL_VALIDATION_FAILED: "GRAPHQL_VALIDATION_FAILED",
  /**
   * A document that does not say which operation to run: an `operationName` it does not
   * define, or several operations and no name (HTTP 400). Set by yoga.
   */
  OPERATION_RESOLUTION_FAILURE: "OPERATION_RESOLUTION_FAILURE",
  /** Variables that do not fit the types the operation declares for them (HTTP 400). */
  BAD_USER_INPUT: "BAD_USER_INPUT",
  /** A subscription that fell too far behind the changes it was sent; its stream ends. */
  SUBSCRIBER_TOO_SLOW: "SUBSCRIBER_TOO_SLOW",
  /**
   * A path the server does not serve (HTTP 404). GraphQL is served at `/graphql` exactly: other
   * spellings (`/graphql/`, `//graphql`, ...) are refused rather than served, so that nothing
   * about a request depends on how a router might have matched its path.
   */
  NOT_FOUND: "NOT_FOUND",
  /**
   * A POST a browser could send from any site without asking first (a form or `text/plain`
   * body, or none) that lacks the `x-graphql-yoga-csrf` header (HTTP 403): send a JSON body,
   * or add the header.
   */
  CSRF_HEADER_REQUIRED: "CSRF_HEADER_REQUIRED",
  /** A POST body in a media type no request parser reads (HTTP 415): send `application/json`. */
  UNSUPPORTED_MEDIA_TYPE: "UNSUPPORTED_MEDIA_TYPE",
  /**
   * An Accept header that admits none of the media types the result can be sent in (HTTP 406),
   * e.g. a subscription asked for as `application/json` only.
   */
  NOT_ACCEPTABLE: "NOT_ACCEPTABLE",
  /**
   * A failure the server did not expect (a bug): masked as "Unexpected error." and logged in
   * full (HTTP 500, or a field error beside the other fields' answers). Set by yoga's mask.
   */
  INTERNAL_SERVER_ERROR: "INTERNAL_SERVER_ERROR",
} as const;

/**
 * A refusal answered before GraphQL runs, in the body shape of every other error: a JSON
 * `errors` list whose entry carries `extensions.code`, so a client tells refusals apart by code
 * whatever stage of the server sent them.
 */
export function errorResponse(
  fetchAPI: { Response: typeof Response },
  status: number,
  code: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return fetchAPI.Response.json({ errors: [{ message, extensions: { code } }] }, { status, headers });
}

/** The message clients get for a backend failure; the backend's own words stay in the log. */
const BACKEND_UNAVAILABLE_MESSAGE = "the feature store backend is unavailable; retry later";

/**
 * Yoga's error mask. A FeatureStoreError reaches the client as a GraphQLError whose
 * `extensions.code` is its code (with its details beside it); a GraphQLError raised on purpose
 * passes as it is, without `extensions.originalError` (yoga puts the JSON parser's message
 * there, which quotes the request body back); anything else becomes "Unexpected error." with
 * code INTERNAL_SERVER_ERROR, and yoga logs the original. Backend failures keep their code but
 * not their message, which may name hosts or driver internals.
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
  return withoutOriginalError(maskUnexpected(error, message, false));
}

function withoutOriginalError(error: Error): Error {
  if (!(error instanceof GraphQLError) || !("originalError" in error.extensions)) return error;
  const { originalError: _echo, ...extensions } = error.extensions;
  return withExtensions(error, extensions);
}

/**
 * The same error with other extensions. A GraphQLError's extensions are read-only, and the
 * validation cache hands one error object to every request that sends its document.
 */
export function withExtensions(error: GraphQLError, extensions: GraphQLError["extensions"]): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions,
  });
}
