import { type GraphQLError, NoSchemaIntrospectionCustomRule } from "graphql";
import type { Plugin } from "graphql-yoga";

/** How much of the schema the API reveals to clients that do not already know it. */
export interface ExposureOptions {
  /** Answer introspection queries (GraphiQL and code generators need them). */
  introspection: boolean;
  /** Let error messages suggest similar names ("Did you mean ...?"), which leaks the schema piece by piece. */
  fieldSuggestions: boolean;
}

const SUGGESTION = /\s*Did you mean .*\?$/s;

function withoutSuggestion(error: GraphQLError): void {
  // The validation cache hands out the same error objects again; stripping twice is harmless.
  if (SUGGESTION.test(error.message)) error.message = error.message.replace(SUGGESTION, "");
}

/**
 * Turns introspection and name suggestions off for production. Returns `undefined` when both
 * stay on, so a development server pays nothing per request.
 */
export function useSchemaExposure(options: ExposureOptions): Plugin | undefined {
  if (options.introspection && options.fieldSuggestions) return undefined;
  return {
    onValidate({ addValidationRule }) {
      if (!options.introspection) addValidationRule(NoSchemaIntrospectionCustomRule);
    },
    onResultProcess({ result }) {
      if (options.fieldSuggestions) return;
      // Suggestions come from validation and from variable coercion; both end up here.
      for (const single of Array.isArray(result) ? result : [result]) {
        if (Symbol.asyncIterator in single) continue;
        for (const error of single.errors ?? []) withoutSuggestion(error);
      }
    },
  };
}
