import { useCSRFPrevention as useYogaCSRFPrevention } from "@graphql-yoga/plugin-csrf-prevention";
import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { ApiErrorCode } from "../errors.js";

/**
 * Yoga's CSRF prevention (a request needs a content type that makes a browser ask the server
 * first, or the `x-graphql-yoga-csrf` header), with the code CSRF_HEADER_REQUIRED on its 403:
 * the package's own refusal carries no `extensions.code`.
 */
export function useCsrfPrevention(): Plugin {
  const prevention = useYogaCSRFPrevention();
  return {
    onRequestParse(payload) {
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
