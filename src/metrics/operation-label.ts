/** The label of an operation with no name. */
export const ANONYMOUS_OPERATION = "(anonymous)";
/** The label of operation names past {@link OperationLabels}' limit of distinct names. */
export const OTHER_OPERATION = "(other)";
/** The label of a client-sent operation name that is not a GraphQL name, or is too long. */
export const INVALID_OPERATION = "(invalid)";

/** Longest operation name kept as a label. */
export const MAX_OPERATION_NAME_LENGTH = 64;
/** Most distinct operation names an app labels its metrics with. */
export const DEFAULT_MAX_OPERATION_NAMES = 100;

const GRAPHQL_NAME = new RegExp(`^[_A-Za-z][_0-9A-Za-z]{0,${MAX_OPERATION_NAME_LENGTH - 1}}$`);

/** Whether `name` is a GraphQL name of at most {@link MAX_OPERATION_NAME_LENGTH} characters. */
export function isOperationName(name: string): boolean {
  return GRAPHQL_NAME.test(name);
}

/**
 * Turns operation names, which clients choose, into label values a metrics backend can hold:
 * a GraphQL name of at most {@link MAX_OPERATION_NAME_LENGTH} characters stays itself, the first
 * `maxNames` of them; later new names share {@link OTHER_OPERATION}. The placeholders hold
 * parentheses, which no GraphQL name can, so they never collide with a real name.
 */
export class OperationLabels {
  private readonly known = new Set<string>();

  constructor(private readonly maxNames = DEFAULT_MAX_OPERATION_NAMES) {}

  /** The label of `name` (`undefined` or `null` for an anonymous operation). */
  label(name: string | null | undefined): string {
    if (name === undefined || name === null || name === "") return ANONYMOUS_OPERATION;
    if (this.known.has(name)) return name;
    if (!isOperationName(name)) return INVALID_OPERATION;
    if (this.known.size >= this.maxNames) return OTHER_OPERATION;
    this.known.add(name);
    return name;
  }
}
