import { createHash, timingSafeEqual } from "node:crypto";
import { type DocumentNode, GraphQLError, getOperationAST } from "graphql";
import type { Plugin, YogaInitialContext } from "graphql-yoga";
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
      http: { status: 401, headers: { "WWW-Authenticate": 'Bearer realm="featurestore"' } },
    },
  });
}

/**
 * Checks the bearer token of each operation before it executes: mutations need the write
 * token; queries and subscriptions need the read token (or the write token) when one is set.
 * Returns `undefined` when no token is configured, so an open API pays nothing per request.
 */
export function useBearerAuth(options: AuthOptions): Plugin<YogaInitialContext> | undefined {
  const write = options.writeToken ? digest(options.writeToken) : undefined;
  const read = options.readToken ? digest(options.readToken) : undefined;
  if (!write && !read) return undefined;

  const check = (document: DocumentNode, operationName: string | null | undefined, request: Request) => {
    const isWrite = getOperationAST(document, operationName)?.operation === "mutation";
    if (!isWrite && !read) return;
    if (isWrite && !write) return;
    const token = bearerToken(request);
    if (token === undefined) {
      throw unauthenticated(`${isWrite ? "mutations" : "this API"} need an Authorization: Bearer token`);
    }
    const presented = digest(token);
    const allowed = isWrite
      ? matches(presented, write)
      : matches(presented, read) || matches(presented, write);
    if (!allowed) throw unauthenticated("the bearer token is not valid for this operation");
  };

  return {
    onExecute({ args }) {
      check(args.document, args.operationName, args.contextValue.request);
    },
    onSubscribe({ args }) {
      check(args.document, args.operationName, args.contextValue.request);
    },
  };
}
