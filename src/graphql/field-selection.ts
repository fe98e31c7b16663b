import type { GraphQLResolveInfo, SelectionSetNode } from "graphql";

/**
 * True when the field being resolved selects a sub-field called `name` anywhere in its own
 * selection set, through fragments and inline fragments too. A selection under `@skip` or
 * `@include` counts as selected: the answer may say "selected" when it is not, never the
 * reverse, so it can decide whether work is needed.
 */
export function selectsField(info: GraphQLResolveInfo, name: string): boolean {
  const visited = new Set<string>();
  const search = (set: SelectionSetNode | undefined): boolean => {
    for (const selection of set?.selections ?? []) {
      switch (selection.kind) {
        case "Field":
          if (selection.name.value === name) return true;
          break;
        case "InlineFragment":
          if (search(selection.selectionSet)) return true;
          break;
        case "FragmentSpread": {
          const fragment = selection.name.value;
          if (visited.has(fragment)) break;
          visited.add(fragment);
          if (search(info.fragments[fragment]?.selectionSet)) return true;
          break;
        }
      }
    }
    return false;
  };
  return info.fieldNodes.some((node) => search(node.selectionSet));
}
