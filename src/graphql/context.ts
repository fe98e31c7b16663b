import type { Logger } from "pino";
import type { FeatureService } from "../service.js";
import type { FeatureEvents } from "./events.js";
import type { ApiLimits } from "./limits.js";
import { type BatchObserver, createLoaders, type Loaders } from "./loaders.js";
import { ReadBudget } from "./read-budget.js";

/** What every resolver sees as its context. */
export interface GraphQLContext {
  /** The service the API serves. */
  readonly service: FeatureService;
  /** This request's DataLoaders. */
  readonly loaders: Loaders;
  /** The entity ids and (entity, feature) reads this request may still make. */
  readonly readBudget: ReadBudget;
  /**
   * The cost the complexity plugin allows before the first root field resolves. Depth is
   * judged earlier, at validation, with fragments expanded and introspection counted.
   */
  readonly complexityLimit: { readonly complexity: number };
  /** Where writes are announced, and where subscriptions listen. */
  readonly events: FeatureEvents;
  /** The logger for lines written on behalf of this request: they carry its `requestId`. */
  readonly log: Logger;
}

/** What {@link createContext} builds each request's context from; fixed for the app's lifetime. */
export interface ContextDependencies {
  readonly service: FeatureService;
  readonly limits: ApiLimits;
  readonly events: FeatureEvents;
  /** Told the size of each DataLoader batch. */
  readonly onBatch?: BatchObserver;
}

/**
 * Builds the context of one request: fresh DataLoaders and a fresh read budget, so nothing
 * cached or counted leaks from one request into another, and the request's logger (`log`).
 */
export function createContext(deps: ContextDependencies, log: Logger): GraphQLContext {
  return {
    service: deps.service,
    loaders: createLoaders(deps.service, deps.onBatch),
    readBudget: new ReadBudget(deps.limits.maxEntityIds, deps.limits.maxCost),
    complexityLimit: { complexity: deps.limits.maxCost },
    events: deps.events,
    log,
  };
}
