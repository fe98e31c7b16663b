import { type ComplexityErrorFn, ComplexityErrorKind } from "@pothos/plugin-complexity";
import { GraphQLError, Kind, type SelectionNode, type ValidationRule } from "graphql";
import type { Plugin } from "graphql-yoga";

/**
 * How much one request may ask of the server. Every limit has a safe default
 * ({@link DEFAULT_LIMITS}). A request over a limit gets `extensions.code` `LIMIT_EXCEEDED` with
 * `extensions.limit` naming it; body size, depth, aliases and cost are judged before anything
 * runs (HTTP 413 or 400), the entity budget as fields resolve (the fields past it fail).
 */
export interface ApiLimits {
  /** Largest request body accepted, in bytes. */
  maxBodyBytes: number;
  /** Deepest selection nesting of an operation (`{ a { b } }` has depth 2). */
  maxDepth: number;
  /** Most aliased fields in one document (aliases multiply the work of a single field). */
  maxAliases: number;
  /**
   * Most entity ids one request may read vectors for, summed over every `vector`, `vectors`,
   * `groupVector` and `FeatureGroup.vector` field it resolves.
   */
  maxEntityIds: number;
  /**
   * Highest cost of one operation, priced before it runs: a vector read costs one per
   * (entity, feature) pair, so `vectors` costs entityIds.length x featureNames.length (a group's
   * vector {@link GROUP_VECTOR_COST}); `ingestBatch` one per record; every other field one, and
   * the sub-selection of a list ten times its own cost.
   */
  maxCost: number;
}

/** The limits used where none are configured: generous for dashboards, small enough to be safe. */
export const DEFAULT_LIMITS: Readonly<ApiLimits> = Object.freeze({
  maxBodyBytes: 1_048_576,
  maxDepth: 10,
  maxAliases: 100,
  maxEntityIds: 1000,
  maxCost: 100_000,
});

/** The cost charged for a group's vector, whose feature count is unknown before the group is read. */
export const GROUP_VECTOR_COST = 50;

/**
 * Fills in the defaults and checks the rest.
 * @throws RangeError when a limit is not a positive integer.
 */
export function resolveLimits(overrides: Partial<ApiLimits> = {}): ApiLimits {
  const limits = { ...DEFAULT_LIMITS };
  for (const key of Object.keys(DEFAULT_LIMITS) as (keyof ApiLimits)[]) {
    const value = overrides[key];
    if (value === undefined) continue;
    if (!Number.isSafeInteger(value) || value <= 0) {
      throw new RangeError(`limit ${key} must be a positive integer, not ${String(value)}`);
    }
    limits[key] = value;
  }
  return limits;
}

/**
 * The error a request over one of its limits gets. `wholeRequest` marks a verdict on the
 * operation as a whole (priced or validated before it ran), answered with HTTP 400.
 */
export function limitExceeded(limit: string, max: number, actual: number, wholeRequest = true): GraphQLError {
  return new GraphQLError(`request exceeds the ${limit} limit (${actual} > max ${max})`, {
    extensions: {
      code: "LIMIT_EXCEEDED",
      limit,
      max,
      actual,
      ...(wholeRequest ? { http: { status: 400 } } : {}),
    },
  });
}

/** Turns the complexity plugin's verdict into our coded error. */
export const complexityError: ComplexityErrorFn = (kind, result) =>
  kind === ComplexityErrorKind.Depth
    ? limitExceeded("depth", result.maxDepth ?? 0, result.depth)
    : kind === ComplexityErrorKind.Breadth
      ? limitExceeded("breadth", result.maxBreadth ?? 0, result.breadth)
      : limitExceeded("cost", result.maxComplexity ?? 0, result.complexity);

/**
 * A validation rule refusing documents with more than `max` aliased fields. It depends on the
 * document alone, so yoga's validation cache runs it once per distinct query text.
 */
export function aliasLimitRule(max: number): ValidationRule {
  // The cache keys validation results by rule name, so the limit is part of it.
  const rule: ValidationRule = (context) => {
    let aliases = 0;
    return {
      Document: {
        enter(document) {
          for (const definition of document.definitions) {
            if (
              definition.kind === Kind.OPERATION_DEFINITION ||
              definition.kind === Kind.FRAGMENT_DEFINITION
            ) {
              aliases += countAliases(definition.selectionSet.selections);
            }
          }
          if (aliases > max) context.reportError(limitExceeded("aliases", max, aliases));
          return false;
        },
      },
    };
  };
  Object.defineProperty(rule, "name", { value: `AliasLimit${max}` });
  return rule;
}

function countAliases(selections: readonly SelectionNode[]): number {
  let count = 0;
  for (const selection of selections) {
    if (selection.kind === Kind.FIELD && selection.alias) count++;
    if (selection.kind !== Kind.FRAGMENT_SPREAD && selection.selectionSet) {
      count += countAliases(selection.selectionSet.selections);
    }
  }
  return count;
}

/**
 * The entity ids one request may still read. Resolvers take from it before they load, so the
 * sum over all fields (aliases included) stays within {@link ApiLimits.maxEntityIds}.
 */
export class EntityBudget {
  private spent = 0;

  constructor(private readonly max: number) {}

  /** Takes `count` ids from the budget. @throws GraphQLError LIMIT_EXCEEDED past the limit. */
  take(count: number): void {
    this.spent += count;
    if (this.spent > this.max) throw limitExceeded("entityIds", this.max, this.spent, false);
  }
}

function bodyTooLarge(max: number): GraphQLError {
  return new GraphQLError(`request body exceeds the limit of ${max} bytes`, {
    extensions: { code: "LIMIT_EXCEEDED", limit: "bodyBytes", max, http: { status: 413 } },
  });
}

/** Reads a body of unknown length, stopping as soon as it passes `max` bytes. */
async function readBounded(request: Request, max: number): Promise<Uint8Array<ArrayBuffer>> {
  const reader = (request.body as ReadableStream<Uint8Array>).getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > max) {
      await reader.cancel();
      throw bodyTooLarge(max);
    }
    chunks.push(value);
  }
  const body = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    body.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return body;
}

/**
 * Refuses request bodies over `max` bytes with HTTP 413 before parsing them. A declared
 * Content-Length is checked without touching the body: Node's HTTP parser never delivers more
 * bytes than it declares. Only a body of unknown length (chunked) is read with a running
 * count. This replaces yoga's own limit, which streams every body through a TransformStream
 * and, on a small request, costs more than executing it.
 */
export function useBodyLimit(max: number): Plugin {
  return {
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      const declared = request.headers.get("content-length");
      if (declared !== null) {
        if (!/^\d+$/.test(declared)) {
          throw new GraphQLError("invalid Content-Length", {
            extensions: { code: "BAD_REQUEST", http: { status: 400 } },
          });
        }
        if (Number(declared) > max) throw bodyTooLarge(max);
        return;
      }
      if (request.body === null || requestParser === undefined) return;
      setRequestParser(async (unbounded) => {
        const body = await readBounded(unbounded, max);
        return requestParser(
          new fetchAPI.Request(unbounded.url, { method: unbounded.method, headers: unbounded.headers, body }),
        );
      });
    },
  };
}
