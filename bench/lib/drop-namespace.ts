import { dropStore } from "../../src/store/open-store.js";

/** Only namespaces with this prefix are ever dropped, so a mistyped URL cannot wipe real data. */
export const SCRATCH_PREFIX = "bench";

/**
 * The namespace a store URL names when it is a scratch one the benchmarks may drop (it starts
 * with {@link SCRATCH_PREFIX}), else `undefined`.
 */
export function scratchNamespace(url: string): string | undefined {
  // The query alone: a cluster URL lists several hosts, which the URL parser refuses.
  const query = /\?([^#]*)/.exec(url)?.[1] ?? "";
  const namespace = new URLSearchParams(query).get("namespace");
  return namespace?.startsWith(SCRATCH_PREFIX) ? namespace : undefined;
}

/**
 * Deletes everything a benchmark stored under a scratch namespace, the way its backend drops a
 * namespace (`dropStore`).
 * @returns what was removed, for the log; `undefined` when the URL names no scratch namespace.
 */
export async function dropNamespace(url: string): Promise<string | undefined> {
  const namespace = scratchNamespace(url);
  if (namespace === undefined) return undefined;
  await dropStore(url);
  return `namespace ${namespace}`;
}
