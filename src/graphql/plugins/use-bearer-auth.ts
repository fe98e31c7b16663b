import { getOperationAST } from "graphql";
import type { Plugin, YogaInitialContext } from "graphql-yoga";
import { type AuthOptions, bearerTokens } from "../bearer-tokens.js";

export type { AuthOptions } from "../bearer-tokens.js";

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
  const tokens = bearerTokens(options);
  if (!tokens) return undefined;
  return {
    onRequestParse({ request }) {
      const refusal = tokens.readRefusal(request);
      if (refusal) throw refusal;
    },
    onExecute({ args }) {
      if (!tokens.writesGuarded) return;
      if (getOperationAST(args.document, args.operationName)?.operation !== "mutation") return;
      const refusal = tokens.writeRefusal(args.contextValue.request);
      if (refusal) throw refusal;
    },
  };
}
