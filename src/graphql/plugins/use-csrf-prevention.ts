import { useCSRFPrevention as useYogaCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { ApiErrorCode } from "../errors.js";

/**
 * Refuses a POST that a page on any site could make a browser send without asking the server
 * first: one with a form or `text/plain` body, or none, and without the `x-graphql-yoga-csrf`
 * header (yoga's CSRF prevention, with the code CSRF_HEADER_REQUIRED on its 403; the
 * package's own refusal has no code).
 *
 * GET is let through without the header, as GraphQL clients send it (urql's default for
 * queries, a browser's EventSource for subscriptions): yoga refuses a mutation over GET (405),
 * so a GET can only read, and a page on another site cannot read the answer unless CORS lets
 * it. The API authenticates with a bearer header, never a cookie, so a forged request carries
 * no credentials either. Other methods are refused by yoga with 405.
 */
export function useCsrfPrevention(): Plugin {
  const prevention = useYogaCSRFPrevention();
  return {
    onRequestParse(payload) {
      if (payload.request.method !== "POST") return;
      try {
        prevention.onRequestParse?.(payload);
      } catch (err) {
        if (!(err instanceof GraphQLError)) throw err;
        throw new GraphQLError(err.message, {
          extensions: { code: ApiErrorCode.CSRF_HEADER_REQUIRED, http: { status: 403 } },
        });
      }
    },
  };
}
