import type { Plugin } from "graphql-yoga";
import type { DocumentCache } from "../document-cache.js";

/**
 * Drops a document from the cache once it fails validation (an unknown field, a limit it
 * exceeds): yoga keeps every document that parses, and a document that can never run is not
 * worth its room, nor the room of the validation errors cached beside it.
 */
export function useDocumentCache(cache: DocumentCache): Plugin {
  return {
    onValidate({ params }) {
      return ({ valid }) => {
        const text = params.documentAST.loc?.source.body;
        if (!valid && text !== undefined) cache.delete(text);
      };
    },
  };
}
