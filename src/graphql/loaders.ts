import DataLoader from "dataloader";
import type { DefinitionVersion } from "../core/definition-version.js";
import type { FeatureVector, StoredGroup } from "../core/models.js";
import type { FeatureService, TransformChoice } from "../service.js";
import type { FeatureCoverage } from "../store/feature-statistics.js";
import type { VectorTransform } from "../transforms/vector-transform.js";

/**
 * One request's DataLoaders. Every batch function makes one store call for all the keys
 * gathered in a tick and answers in key order, so however many vector fields a request
 * selects, the store sees one `getVectors` call per tick for each distinct feature set.
 */
export interface Loaders {
  /**
   * The vector loader for one feature set read at one instant (now when `asOf` is omitted):
   * entity id -> vector of exactly these features. Fields asking for the same names in the same
   * order at the same instant share one loader, and so one batch. With `valuesOnly`, its vectors
   * hold `values` and no `entries` (see `VectorReadOptions.valuesOnly`); such fields share a
   * loader of their own.
   */
  vectors(
    featureNames: readonly string[],
    asOf?: Date,
    valuesOnly?: boolean,
  ): DataLoader<string, FeatureVector>;
  /** Group name -> stored group, or `null` when there is none; primed by the `groups` query. */
  readonly group: DataLoader<string, StoredGroup | null>;
  /** Feature name -> definition, or `null` when it is not registered; primed by the `features` query. */
  readonly definition: DataLoader<string, DefinitionVersion | null>;
  /** Feature name -> its coverage now; every name gathered in a tick in one store call. */
  readonly coverage: DataLoader<string, FeatureCoverage>;
  /**
   * The transform a choice names (see `FeatureService.resolveTransform`), looked up once per
   * request: every field naming `user_model` gets the same version, even if a newer one is
   * registered meanwhile.
   */
  transform(choice: TransformChoice): Promise<VectorTransform | undefined>;
  /** Drops the cached vectors of one entity, after a write to it. */
  forgetEntity(entityId: string): void;
  /** Drops everything cached, after definitions or groups changed or many entities were written. */
  forgetAll(): void;
}

/** Told the size of each batch a loader makes (for metrics). */
export type BatchObserver = (loader: "vectors" | "group" | "definition", size: number) => void;

/**
 * Creates the loaders of one request. Never share them between requests: their caches are
 * what makes two reads in one request agree, and would serve stale data across requests.
 */
export function createLoaders(service: FeatureService, onBatch?: BatchObserver): Loaders {
  const vectorLoaders = new Map<string, DataLoader<string, FeatureVector>>();
  const transforms = new Map<TransformChoice, Promise<VectorTransform | undefined>>();
  const group = new DataLoader<string, StoredGroup | null>((names) => {
    onBatch?.("group", names.length);
    return service.getGroups(names);
  });
  // One lookup for every name gathered in the tick: a group's features, or many groups' at once.
  const definition = new DataLoader<string, DefinitionVersion | null>((names) => {
    onBatch?.("definition", names.length);
    return service.getDefinitions(names);
  });
  const coverage = new DataLoader<string, FeatureCoverage>((names) => service.featureCoverage(names));
  return {
    vectors(featureNames, asOf, valuesOnly = false) {
      // JSON keeps distinct lists distinct whatever characters the names hold.
      const key = JSON.stringify([featureNames, asOf?.getTime() ?? null, valuesOnly]);
      let loader = vectorLoaders.get(key);
      if (!loader) {
        const names = [...featureNames];
        // A malformed id fails its own field only, not every field batched with it.
        loader = new DataLoader<string, FeatureVector>((entityIds) => {
          onBatch?.("vectors", entityIds.length);
          return service.getVectorsSettled(entityIds, names, { asOf, valuesOnly });
        });
        vectorLoaders.set(key, loader);
      }
      return loader;
    },
    group,
    definition,
    coverage,
    transform(choice) {
      let found = transforms.get(choice);
      if (!found) {
        found = service.resolveTransform(choice);
        transforms.set(choice, found);
      }
      return found;
    },
    forgetEntity(entityId) {
      for (const loader of vectorLoaders.values()) loader.clear(entityId);
      // A write to any entity changes the counts.
      coverage.clearAll();
    },
    forgetAll() {
      for (const loader of vectorLoaders.values()) loader.clearAll();
      group.clearAll();
      definition.clearAll();
      coverage.clearAll();
      transforms.clear();
    },
  };
}
