import { ValidationError } from "../../core/errors.js";
import { builder } from "../builder.js";
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from "../limits.js";

/** Where a page of a connection stands (the Relay connection specification's PageInfo). */
export interface PageInfo {
  readonly hasNextPage: boolean;
  readonly hasPreviousPage: boolean;
  readonly startCursor: string | null;
  readonly endCursor: string | null;
}

/** The Relay `PageInfo` every connection of the API shares. */
export const PageInfoRef = builder.objectRef<PageInfo>("PageInfo").implement({
  description: "Where a page of a connection stands (Relay cursor connections).",
  fields: (t) => ({
    hasNextPage: t.exposeBoolean("hasNextPage", {
      description: "More edges follow `endCursor` in the connection's order.",
    }),
    hasPreviousPage: t.exposeBoolean("hasPreviousPage", {
      description:
        "More edges precede `startCursor` (always false where the field says it only pages forward).",
    }),
    startCursor: t.exposeString("startCursor", { nullable: true, description: "The first edge's cursor." }),
    endCursor: t.exposeString("endCursor", {
      nullable: true,
      description: "The last edge's cursor: pass it as `after` for the next page.",
    }),
  }),
});

/**
 * The size of a page a client asked for (`first` or `last`), {@link DEFAULT_PAGE_SIZE} when it
 * gave none.
 * @throws ValidationError outside 1..{@link MAX_PAGE_SIZE}.
 */
export function pageSize(size: number | null | undefined, argument: string): number {
  const n = size ?? DEFAULT_PAGE_SIZE;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_PAGE_SIZE) {
    throw new ValidationError(`${argument} must be from 1 to ${MAX_PAGE_SIZE}, not ${n}`);
  }
  return n;
}
