import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { ApiErrorCode } from "../errors.js";

/**
 * Refuses a POST whose Content-Type no request parser reads with 415 UNSUPPORTED_MEDIA_TYPE.
 * Yoga answers it with an empty 415 that a client cannot tell from a proxy's. Other methods
 * pass on to yoga's 405. Add it after every plugin that adds a request parser.
 */
export function useUnsupportedMediaType(): Plugin {
  return {
    onRequestParse({ request, requestParser }) {
      if (request.method !== "POST" || requestParser !== undefined) return;
      throw new GraphQLError("send the operation as a JSON body (Content-Type: application/json)", {
        extensions: { code: ApiErrorCode.UNSUPPORTED_MEDIA_TYPE, http: { status: 415 } },
      });
    },
  };
}
