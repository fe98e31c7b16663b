import type { FeatureService } from "../service.js";
import type { FeatureEvents } from "./events.js";
import { type ApiLimits, EntityBudget } from "./limits.js";
import { createLoaders, type Loaders } from "./loaders.js";

/** What every resolver sees as its context. */
export interface GraphQLContext {
  /** The service the API serves. */
  readonly service: FeatureService;
  /** This request's DataLoaders. */
  readonly loaders: Loaders;
  /** The entity ids this request may still read vectors for. */
  readonly entityBudget: EntityBudget;
  /** The limits the complexity plugin enforces before the first root field resolves. */
  readonly complexityLimit: { readonly complexity: number; readonly depth: number };
  /** Where writes are announced, and where subscriptions listen. */
  readonly events: FeatureEvents;
}

/** What {@link createContext} builds each request's context from; fixed for the app's lifetime. */
export interface ContextDependencies {
  readonly service: FeatureService;
  readonly limits: ApiLimits;
  readonly events: FeatureEvents;
}

/**
 * Builds the context of one request: fresh DataLoaders and a fresh entity budget, so nothing
 * cached or counted leaks from one request into another.
 */
export function createContext(deps: ContextDependencies): GraphQLContext {
  return {
    service: deps.service,
    loaders: createLoaders(deps.service),
    entityBudget: new EntityBudget(deps.limits.maxEntityIds),
    complexityLimit: { complexity: deps.limits.maxCost, depth: deps.limits.maxDepth },
    events: deps.events,
  };
}
