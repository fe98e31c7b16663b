import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { ApiErrorCode } from "../errors.js";

/**
 * Answers a query string or body the request parser cannot read (`variables={bad` in a GET, a
 * body that is not JSON) with 400 BAD_REQUEST. Yoga's GET parser lets JSON.parse's SyntaxError
 * escape, which would otherwise be a 500 logged with its stack, for a client's mistake.
 */
export function useRequestParseErrors(): Plugin {
  return {
    onRequestParse({ requestParser, setRequestParser }) {
      if (requestParser === undefined) return;
      setRequestParser(async (request) => {
        try {
          return await requestParser(request);
        } catch (err) {
          if (err instanceof SyntaxError) {
            throw new GraphQLError("the request's variables or extensions are not valid JSON", {
              extensions: { code: ApiErrorCode.BAD_REQUEST, http: { status: 400 } },
            });
          }
          throw err;
        }
      });
    },
  };
}
