import { type DocumentNode, GraphQLError, type ParseOptions, parse, type Source } from "graphql";
import type { Plugin } from "graphql-yoga";
import { type DocumentSize, measureDocument } from "../document-size.js";
import { ApiErrorCode } from "../errors.js";
import { type ApiLimits, limitExceeded } from "../limits.js";

/** A parser error for a client's document: HTTP 400, code GRAPHQL_PARSE_FAILED. */
function parseFailed(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: { code: ApiErrorCode.GRAPHQL_PARSE_FAILED, http: { status: 400 } },
  });
}

/** graphql-js's words when `maxTokens` stops the parser ("more that" in graphql 16). */
const TOO_MANY_TOKENS = /Document contains more (?:than|that) \d+ tokens/;

/**
 * Parses with a token limit. A document past it gets LIMIT_EXCEEDED (limit `tokens`); one
 * nested deeper than the parser's recursion can follow (a list literal or selection set a few
 * thousand levels deep fits in few tokens) gets GRAPHQL_PARSE_FAILED instead of escaping as a
 * RangeError, which would be answered 500.
 */
function parseWithLimit(source: string | Source, maxTokens: number, options?: ParseOptions): DocumentNode {
  try {
    return parse(source, { ...options, maxTokens });
  } catch (err) {
    if (err instanceof RangeError) throw parseFailed("Syntax Error: the document is nested too deeply");
    if (err instanceof GraphQLError && TOO_MANY_TOKENS.test(err.message)) {
      throw new GraphQLError(`request exceeds the tokens limit (more than ${maxTokens} tokens)`, {
        extensions: {
          code: ApiErrorCode.LIMIT_EXCEEDED,
          limit: "tokens",
          max: maxTokens,
          http: { status: 400 },
        },
      });
    }
    throw err;
  }
}

/**
 * Judges each document, refusing it with LIMIT_EXCEEDED and HTTP 400: one longer than
 * `maxDocumentBytes` before it is parsed or looked up in the document cache (whose keys are
 * whole texts); the parser stops at `maxTokens`; and a document deeper than `maxDepth` or with
 * more than `maxAliases` aliased fields (fragments expanded, introspection included) is refused
 * before graphql-js validates it, without running the standard rules, some of which recurse as
 * deep as the document nests. The verdict on a document that passes is cached with it, so a
 * repeated query costs nothing more.
 */
export function useDocumentLimits(
  limits: Pick<ApiLimits, "maxDocumentBytes" | "maxTokens" | "maxDepth" | "maxAliases">,
): Plugin {
  return {
    onParams({ params }) {
      if (typeof params.query !== "string") return;
      const bytes = Buffer.byteLength(params.query, "utf8");
      if (bytes > limits.maxDocumentBytes) {
        throw limitExceeded("documentBytes", limits.maxDocumentBytes, bytes);
      }
    },
    onParse({ setParseFn }) {
      setParseFn((source, options) => parseWithLimit(source, limits.maxTokens, options));
    },
    onValidate({ params, setResult }) {
      let size: DocumentSize;
      try {
        size = measureDocument(params.documentAST);
      } catch (err) {
        if (!(err instanceof RangeError)) throw err;
        setResult([parseFailed("the document is nested too deeply")]);
        return;
      }
      const errors: GraphQLError[] = [];
      if (size.depth > limits.maxDepth) errors.push(limitExceeded("depth", limits.maxDepth, size.depth));
      if (size.aliases > limits.maxAliases)
        errors.push(limitExceeded("aliases", limits.maxAliases, size.aliases));
      if (errors.length > 0) setResult(errors);
    },
  };
}
