import { createHash, timingSafeEqual } from "node:crypto";
import { type DocumentNode, GraphQLError, getOperationAST } from "graphql";
import type { Plugin, YogaInitialContext } from "graphql-yoga";
import { ConfigurationError } from "../../core/errors.js";
import { ApiErrorCode } from "../errors.js";

/** Bearer tokens guarding the API. Unset tokens leave that kind of operation open. */
export interface AuthOptions {
  /** Required (as `Authorization: Bearer <token>`) for every mutation. */
  writeToken?: string | undefined;
  /** Required for queries and subscriptions too; the write token is accepted for them as well. */
  readToken?: string | undefined;
}

function digest(token: string): Buffer {
  return createHash("sha256").update(token, "utf8").digest();
}

/**
 * A configured token, trimmed. An empty one would leave the API open while looking guarded,
 * and one with inner whitespace could never be presented in an Authorization header.
 * @throws ConfigurationError for either.
 */
function checkedToken(token: string | undefined, name: string): string | undefined {
  if (token === undefined) return undefined;
  const trimmed = token.trim();
  if (trimmed.length === 0) {
    throw new ConfigurationError(
      `the ${name} token is empty: leave it unset for an open API, or give a token`,
    );
  }
  if (/\s/.test(trimmed)) throw new ConfigurationError(`the ${name} token must not contain whitespace`);
  return trimmed;
}

/**
 * Compares by SHA-256 digest in constant time: equal-length inputs for timingSafeEqual, and no
 * early exit that would tell an attacker how much of a guess was right, or how long the token is.
 */
function matches(presented: Buffer, expected: Buffer | undefined): boolean {
  return expected !== undefined && timingSafeEqual(presented, expected);
}

function bearerToken(request: Request): string | undefined {
  const header = request.headers.get("authorization");
  const match = header === null ? null : /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return match?.[1];
}

function unauthenticated(message: string): GraphQLError {
  return new GraphQLError(message, {
    extensions: {
      code: ApiErrorCode.UNAUTHENTICATED,
      http: {
        status: 401,
        headers: { "WWW-Authenticate": 'Bearer realm="featurestore"', "Cache-Control": "no-store" },
      },
    },
  });
}

/**
 * Guards the API with bearer tokens: mutations need the write token; with a read token set,
 * every GraphQL request needs the read token (or the write token) too.
 *
 * The read check runs where every GraphQL request passes, whatever its path, method or
 * content type (yoga's request parsing, `onRequestParse`), and before its body or query string
 * is read: so no spelling of the endpoint's path gets around it, and a client without a token
 * cannot map the schema from parse or validation errors either. The write check needs the
 * operation, so it runs once the document is known, before anything executes. Returns
 * `undefined` when no token is configured, so an open API pays nothing per request.
 * @throws ConfigurationError for a token that is empty or holds whitespace.
 */
export function useBearerAuth(options: AuthOptions): Plugin<YogaInitialContext> | undefined {
  const writeToken = checkedToken(options.writeToken, "write");
  const readToken = checkedToken(options.readToken, "read");
  const write = writeToken === undefined ? undefined : digest(writeToken);
  const read = readToken === undefined ? undefined : digest(readToken);
  if (!write && !read) return undefined;

  /** The reason a request may not read, or undefined when it may. */
  const readRefusal = (request: Request): GraphQLError | undefined => {
    const token = bearerToken(request);
    if (token === undefined) return unauthenticated("this API needs an Authorization: Bearer token");
    const presented = digest(token);
    if (matches(presented, read) || matches(presented, write)) return undefined;
    return unauthenticated("the bearer token is not valid for this operation");
  };

  const checkWrite = (document: DocumentNode, operationName: string | null | undefined, request: Request) => {
    if (!write || getOperationAST(document, operationName)?.operation !== "mutation") return;
    const token = bearerToken(request);
    if (token === undefined) throw unauthenticated("mutations need an Authorization: Bearer token");
    if (!matches(digest(token), write))
      throw unauthenticated("the bearer token is not valid for this operation");
  };

  return {
    onRequestParse({ request }) {
      if (!read) return;
      const refusal = readRefusal(request);
      if (refusal) throw refusal;
    },
    onExecute({ args }) {
      checkWrite(args.document, args.operationName, args.contextValue.request);
    },
  };
}
