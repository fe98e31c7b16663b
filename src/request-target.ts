import type { IncomingMessage, RequestListener, ServerResponse } from "node:http";
import { ApiErrorCode } from "./graphql/errors.js";

const ABSOLUTE_FORM = /^[a-z][a-z0-9+.-]*:\/\//i;

/**
 * Puts the request in the form the fetch adapter under yoga understands, or says it cannot be.
 * The adapter builds a URL from the Host header and the request target before any plugin runs:
 * a target in absolute form (`GET http://host/graphql`, which HTTP/1.1 servers must accept) or
 * a Host it cannot parse (`[bad`) made it answer 500 with the error's stack as plain text. An
 * absolute target becomes origin form, its authority the Host (as RFC 9112 says it wins).
 * @returns false when the target and Host make no URL.
 */
function normalizeTarget(request: IncomingMessage): boolean {
  const target = request.url ?? "/";
  try {
    if (ABSOLUTE_FORM.test(target)) {
      const url = new URL(target);
      request.url = `${url.pathname}${url.search}`;
      request.headers.host = url.host;
      return true;
    }
    new URL(`http://${request.headers.host ?? "localhost"}${target.startsWith("/") ? "" : "/"}${target}`);
    return true;
  } catch {
    return false;
  }
}

/**
 * Hands a request to `app` once its target and Host make a URL (see {@link normalizeTarget});
 * otherwise answers 400 BAD_REQUEST with a JSON error, like every other refusal of the server.
 */
export function requireRequestUrl(app: RequestListener): RequestListener {
  return (request: IncomingMessage, response: ServerResponse) => {
    if (normalizeTarget(request)) {
      app(request, response);
      return;
    }
    const body = JSON.stringify({
      errors: [
        {
          message: "the request's target and Host header do not make a URL",
          extensions: { code: ApiErrorCode.BAD_REQUEST },
        },
      ],
    });
    response.writeHead(400, {
      "content-type": "application/json; charset=utf-8",
      "content-length": Buffer.byteLength(body),
    });
    response.end(body);
  };
}
