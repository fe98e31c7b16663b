import { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { ApiErrorCode } from "../errors.js";

/** Throws on bytes that are not UTF-8 instead of replacing them with U+FFFD; strips a leading BOM. */
const UTF8 = new TextDecoder("utf-8", { fatal: true });

function notUtf8(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ApiErrorCode.BAD_REQUEST, http: { status: 400 } },
  });
}

/**
 * Percent-decodes a query string (or a form body) strictly: `decodeURIComponent` refuses an
 * escape that is not two hex digits and escaped bytes that are not UTF-8, where
 * `URLSearchParams`, which the request parsers use, would put U+FFFD in their place.
 */
function checkPercentEncoded(text: string, what: string): void {
  try {
    decodeURIComponent(text);
  } catch (err) {
    if (err instanceof URIError) throw notUtf8(`the ${what} is not valid percent-encoded UTF-8`);
    throw err;
  }
}

function isForm(request: Request): boolean {
  const type = request.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
  return type === "application/x-www-form-urlencoded";
}

/**
 * Refuses with 400 BAD_REQUEST a request whose text is not UTF-8: a POST body, and the escaped
 * bytes of a GET query string or a form body. The request parsers (and `Request.text()`) would
 * replace each bad byte with U+FFFD, so different byte strings, `FF FE` and `C0 AF` among them,
 * would name one entity, and one that legitimately holds U+FFFD. The parser is handed the
 * decoded text, so the body is decoded once. Add it before `useBodyLimit`, whose bounded read
 * must come first.
 */
export function useStrictUtf8(): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      if (request.method === "GET") {
        const query = request.url.indexOf("?");
        if (query >= 0) checkPercentEncoded(request.url.slice(query + 1), "query string");
        return;
      }
      if (request.body === null || requestParser === undefined) return;
      setRequestParser(async (raw) => {
        const bytes = await raw.arrayBuffer();
        let text: string;
        try {
          text = UTF8.decode(bytes);
        } catch (err) {
          if (err instanceof TypeError) throw notUtf8("the request body is not valid UTF-8");
          throw err;
        }
        if (isForm(raw)) checkPercentEncoded(text, "form body");
        return requestParser(
          new fetchAPI.Request(raw.url, { method: raw.method, headers: raw.headers, body: text }),
        );
      });
    },
  };
}
