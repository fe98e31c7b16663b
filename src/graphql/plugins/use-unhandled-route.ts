import type { Plugin } from "graphql-yoga";
import { ApiErrorCode, errorResponse } from "../errors.js";

/**
 * Answers 404 NOT_FOUND to every request that no earlier plugin answered (health, GraphiQL and
 * its files, CORS preflights) and whose path is not the GraphQL endpoint exactly. Yoga itself
 * would run GraphQL for `/graphql/`, `//graphql`, `/a/graphql` and even `/x?/graphql`, and
 * answer its own 404 with an empty body; here the endpoint has one spelling, compared after the
 * URL is parsed (`/./graphql` and `/graphql?x` are `/graphql`), and every refusal has a code.
 * Add it after the plugins that serve other paths.
 */
export function useUnhandledRoute(graphqlPath: string): Plugin {
  return {
    onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname === graphqlPath) return;
      endResponse(
        errorResponse(
          fetchAPI,
          404,
          ApiErrorCode.NOT_FOUND,
          `nothing is served at this path: use ${graphqlPath}`,
        ),
      );
    },
  };
}
