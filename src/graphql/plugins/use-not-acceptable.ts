import { isAsyncIterable, type Plugin } from "graphql-yoga";
import { ApiErrorCode, errorResponse } from "../errors.js";

/**
 * Answers a request whose Accept header admits no media type the result can be sent in with a
 * coded 406 NOT_ACCEPTABLE (yoga's own 406 has an empty body), listing the media types that
 * would do in its `Accept` header as yoga does. A subscription refused this way has already
 * started listening: its stream is ended here, or it would hold a place among the open
 * subscriptions (`maxSubscriptions`) for the life of the process.
 */
export function useNotAcceptable(): Plugin {
  return {
    onResultProcess({ resultProcessor, setResultProcessor, acceptableMediaTypes }) {
      if (resultProcessor) return;
      const mediaTypes = [...new Set(acceptableMediaTypes)];
      setResultProcessor(async (result, fetchAPI) => {
        if (isAsyncIterable(result)) await result[Symbol.asyncIterator]().return?.();
        return errorResponse(
          fetchAPI,
          406,
          ApiErrorCode.NOT_ACCEPTABLE,
          `the Accept header admits none of the media types this result can be sent in: ${mediaTypes.join(", ")}`,
          { accept: mediaTypes.join(", ") },
        );
      }, "application/json");
    },
  };
}
