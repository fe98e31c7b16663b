import { compareCodePoints } from "./code-point-order.js";

/**
 * The most entities a backend without a sorted index of entity ids (Redis) looks at for one
 * page; past it the page is taken from those it saw and says `complete: false`.
 */
export const ENTITY_SCAN_LIMIT = 100_000;

/** What {@link StoreBackend.listEntities} is asked: one page of entity ids in code point order. */
export interface EntityPageQuery {
  /**
   * Only entities with an entry (a value or a deletion marker) of one of these features;
   * `null`: every entity with any entry.
   */
  readonly featureNames: readonly string[] | null;
  /** Only ids after this one (exclusive); `null`: from the first. */
  readonly after: string | null;
  /** The most ids to answer. */
  readonly limit: number;
  /**
   * For a backend without a sorted index of entity ids (Redis): the most entities it may look
   * at; it then answers `complete: false`. Backends with such an index ignore it.
   */
  readonly scanLimit: number;
}

/** One page of entity ids. */
export interface EntityPage {
  /** Ascending by code point (see {@link compareCodePoints}), each once, at most `limit`. */
  readonly entityIds: string[];
  /** False when `scanLimit` stopped the backend before it saw every entity. */
  readonly complete: boolean;
}

/**
 * The page of `candidates` (entity ids in any order, each once) a query asks for: what the
 * backends without a sorted index (memory, Redis) answer, so they page alike.
 */
export function pageOfIds(
  candidates: Iterable<string>,
  query: EntityPageQuery,
  complete: boolean,
): EntityPage {
  const after = query.after;
  const ids =
    after === null ? [...candidates] : [...candidates].filter((id) => compareCodePoints(id, after) > 0);
  ids.sort(compareCodePoints);
  return { entityIds: ids.slice(0, query.limit), complete };
}
