import {
  type DocumentNode,
  type FragmentDefinitionNode,
  GraphQLError,
  Kind,
  type ParseOptions,
  parse,
  type SelectionSetNode,
  type Source,
} from "graphql";
import type { Plugin } from "graphql-yoga";
import { ApiErrorCode } from "./errors.js";
import { limitExceeded } from "./limits.js";

/** The limits {@link useDocumentLimits} applies to each document; see `ApiLimits`. */
export interface DocumentLimits {
  /** Most tokens the parser reads. */
  maxTokens: number;
  /** Deepest field of an operation, fragments expanded. */
  maxDepth: number;
  /** Most aliased fields of an operation, fragments expanded. */
  maxAliases: number;
}

/** How deep an operation nests and how many aliased fields it runs, fragments expanded. */
export interface DocumentSize {
  /** The deepest field, counting every field (introspection included) from 1 at the root. */
  depth: number;
  /** The aliased fields the operation would resolve: a fragment counts once per spread. */
  aliases: number;
}

const EMPTY: DocumentSize = { depth: 0, aliases: 0 };

/**
 * Measures each operation of a document with its fragment spreads expanded, and returns the
 * largest depth and alias count among them (one operation runs per request). Each fragment is
 * measured once and its size reused at every spread, so the work is linear in the document's
 * length however the fragments multiply; alias counts saturate at `Number.MAX_SAFE_INTEGER`.
 * A fragment spread inside itself counts as empty (validation refuses the cycle anyway).
 *
 * @example
 * ```ts
 * measureDocument(parse("{ a: x { ...F } b: x { ...F } } fragment F on X { c: y d: y }"));
 * // { depth: 2, aliases: 6 }
 * ```
 */
export function measureDocument(document: DocumentNode): DocumentSize {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
  }
  const measured = new Map<string, DocumentSize>();
  const measuring = new Set<string>();

  const fragment = (name: string): DocumentSize => {
    const known = measured.get(name);
    if (known) return known;
    const definition = fragments.get(name);
    if (!definition || measuring.has(name)) return EMPTY;
    measuring.add(name);
    const size = selectionSet(definition.selectionSet);
    measuring.delete(name);
    measured.set(name, size);
    return size;
  };

  const selectionSet = (set: SelectionSetNode): DocumentSize => {
    let depth = 0;
    let aliases = 0;
    for (const selection of set.selections) {
      let size: DocumentSize;
      if (selection.kind === Kind.FIELD) {
        const below = selection.selectionSet ? selectionSet(selection.selectionSet) : EMPTY;
        size = { depth: below.depth + 1, aliases: below.aliases + (selection.alias ? 1 : 0) };
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        size = selectionSet(selection.selectionSet);
      } else {
        size = fragment(selection.name.value);
      }
      depth = Math.max(depth, size.depth);
      aliases = Math.min(aliases + size.aliases, Number.MAX_SAFE_INTEGER);
    }
    return { depth, aliases };
  };

  let largest = EMPTY;
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OPERATION_DEFINITION) continue;
    const size = selectionSet(definition.selectionSet);
    largest = {
      depth: Math.max(largest.depth, size.depth),
      aliases: Math.max(largest.aliases, size.aliases),
    };
  }
  return largest;
}

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
 * Judges each document before graphql-js validates it: the parser stops at `maxTokens`, and a
 * document deeper than `maxDepth` or with more than `maxAliases` aliased fields (fragments
 * expanded, introspection included) is refused with LIMIT_EXCEEDED and HTTP 400 without
 * running the standard rules, some of which recurse as deep as the document nests. Yoga caches
 * the verdict per document, so a repeated query costs nothing more.
 */
export function useDocumentLimits(limits: DocumentLimits): Plugin {
  return {
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
