import type { GraphQLError } from "graphql";
import type { Plugin } from "graphql-yoga";
import { ApiErrorCode, withExtensions } from "../errors.js";

/**
 * Gives the errors of variables that do not coerce to their declared types the code
 * BAD_USER_INPUT. graphql-js reports them without a code, in a result without `data` (the
 * operation never started), which is how they are told apart from field errors.
 */
export function useVariableErrorCode(): Plugin {
  return {
    onExecute() {
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in result || "data" in result || !result.errors?.length) return;
          setResult({ ...result, errors: result.errors.map(withInputCode) });
        },
      };
    },
    onSubscribe() {
      return {
        onSubscribeResult({ result, setResult }) {
          if (Symbol.asyncIterator in result || "data" in result || !result.errors?.length) return;
          setResult({ ...result, errors: result.errors.map(withInputCode) });
        },
      };
    },
  };
}

function withInputCode(error: GraphQLError): GraphQLError {
  if (error.extensions.code !== undefined) return error;
  return withExtensions(error, { ...error.extensions, code: ApiErrorCode.BAD_USER_INPUT });
}
