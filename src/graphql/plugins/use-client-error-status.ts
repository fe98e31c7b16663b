import type { ExecutionResult, GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";

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
