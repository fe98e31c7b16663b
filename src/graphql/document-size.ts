import { type DocumentNode, type FragmentDefinitionNode, Kind, type SelectionSetNode } from "graphql";

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
