import { createHash, timingSafeEqual } from "node:crypto";
import { GraphQLError } from "graphql";
import { ConfigurationError } from "../core/errors.js";
import { ApiErrorCode } from "./errors.js";

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
 * The token policy of one app, for every route that needs it: GraphQL (see `useBearerAuth`) and
 * the file endpoints, which answer before GraphQL's request parsing and so check for themselves.
 */
export interface BearerTokens {
  /** Why the request may not read (no token, or a wrong one), or `undefined` when it may. */
  readRefusal(request: Request): GraphQLError | undefined;
  /** Why the request may not write, or `undefined` when it may. */
  writeRefusal(request: Request): GraphQLError | undefined;
  /** Whether reads need a token at all (a read token is set). */
  readonly readsGuarded: boolean;
  /** Whether writes need the write token (one is set). */
  readonly writesGuarded: boolean;
}

/**
 * Reads the configured tokens once. With a read token, reading needs it or the write token;
 * with a write token, writing needs it. Without a write token, writing needs what reading does.
 * Returns `undefined` when no token is set (an open API).
 * @throws ConfigurationError for a token that is empty or holds whitespace.
 */
export function bearerTokens(options: AuthOptions): BearerTokens | undefined {
  const writeToken = checkedToken(options.writeToken, "write");
  const readToken = checkedToken(options.readToken, "read");
  const write = writeToken === undefined ? undefined : digest(writeToken);
  const read = readToken === undefined ? undefined : digest(readToken);
  if (!write && !read) return undefined;
  const readRefusal = (request: Request): GraphQLError | undefined => {
    if (!read) return undefined;
    const token = bearerToken(request);
    if (token === undefined) return unauthenticated("this API needs an Authorization: Bearer token");
    const presented = digest(token);
    if (matches(presented, read) || matches(presented, write)) return undefined;
    return unauthenticated("the bearer token is not valid for this operation");
  };
  return {
    readsGuarded: read !== undefined,
    writesGuarded: write !== undefined,
    readRefusal,
    writeRefusal(request) {
      if (!write) return readRefusal(request);
      const token = bearerToken(request);
      if (token === undefined) return unauthenticated("writes need an Authorization: Bearer token");
      if (!matches(digest(token), write))
        return unauthenticated("the bearer token is not valid for this operation");
      return undefined;
    },
  };
}
