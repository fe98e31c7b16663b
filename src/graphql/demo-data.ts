import { fileURLToPath } from "node:url";
import { ConflictError } from "../core/errors.js";
import { logger } from "../core/logger.js";
import { applyDefinitions } from "../definitions/apply-definitions.js";
import { type DefinitionsFile, readDefinitionsFile } from "../definitions/definitions-file.js";
import type { FeatureService } from "../service.js";
import { loadDemoPopulation } from "./demo-population.js";

const DAY_MS = 86_400_000;

/**
 * The demo's definitions (users' profile and activity, catalogue items): a definitions file,
 * `demo/definitions.yaml` at the package's root (two levels up from `src/graphql/` or
 * `dist/graphql/`), shipped in the package and applied by the code `featurestore apply` runs.
 */
export const DEMO_DEFINITIONS_PATH = fileURLToPath(new URL("../../demo/definitions.yaml", import.meta.url));

/** The demo's definitions file, read and checked against the schema. */
export function readDemoDefinitions(): Promise<DefinitionsFile> {
  return readDefinitionsFile(DEMO_DEFINITIONS_PATH);
}

/**
 * Applies the demo's definitions file (as `featurestore apply demo/definitions.yaml` does) and
 * writes a few entities' values, with some history for `clicks_7d` of `user-1`. Idempotent for
 * the definitions; values are written again on each call.
 * @throws ConflictError when the store holds other definitions under the demo's names.
 */
export async function loadDemoData(service: FeatureService, now = Date.now()): Promise<void> {
  const applied = await applyDefinitions(service, await readDemoDefinitions());
  const conflicts = applied.plan.items.filter((item) => item.action === "conflict");
  if (conflicts.length > 0) {
    throw new ConflictError(
      `the demo definitions conflict with the store's: ${conflicts.map((c) => c.reason).join("; ")}`,
    );
  }
  const lastWeek = new Date(now - 6 * DAY_MS);
  const yesterday = new Date(now - DAY_MS);
  await service.ingestBatch(
    [
      { id: "user-1", age: 31, country: "FR", is_premium: true, signup_date: "2021-03-14T09:26:53Z" },
      { id: "user-2", age: 25, country: "DE", signup_date: "2023-11-02T17:05:00Z" },
      { id: "user-3", age: 47, country: "US", is_premium: true, signup_date: "2019-07-21T12:00:00Z" },
      { id: "user-4", age: 19, country: "BR" },
      { id: "user-5", country: "JP" },
      { id: "item-1", item_embedding: [0.12, -0.4, 0.33, 0.9], item_price: 19.99, item_category: "books" },
      { id: "item-2", item_embedding: [0.5, 0.1, -0.2, 0.05], item_price: 249, item_category: "electronics" },
      { id: "item-3", item_embedding: [-0.3, 0.8, 0.1, -0.6], item_price: 4.5 },
    ],
    "id",
    { eventTime: lastWeek },
  );
  await service.ingestBatch(
    [
      {
        id: "user-1",
        clicks_7d: 12,
        sessions_30d: 20,
        avg_session_minutes: 7.5,
        recent_categories: ["books"],
      },
      { id: "user-2", clicks_7d: 3, sessions_30d: 4, avg_session_minutes: 2.25 },
      { id: "user-3", clicks_7d: 41, sessions_30d: 35, recent_categories: ["electronics", "garden"] },
    ],
    "id",
    { eventTime: yesterday },
  );
  await service.ingest({ clicks_7d: 15, recent_categories: ["books", "music"] }, "user-1", {
    eventTime: new Date(now),
  });
}

/**
 * Loads the demo data set when the store has no features yet, so a fresh clone's server has
 * something to answer with (and its feature explorer something to show): the hand-written
 * entities of {@link loadDemoData} and the generated crowd of `loadDemoPopulation`, a few
 * hundred entities with five weeks of history. A store that holds any feature is left alone.
 * @returns whether it loaded the data.
 */
export async function loadDemoDataIfEmpty(service: FeatureService): Promise<boolean> {
  if ((await service.listFeatures()).length > 0) return false;
  const started = Date.now();
  const now = started;
  await loadDemoData(service, now);
  let lastReport = started;
  const values = await loadDemoPopulation(service, now, (done, total) => {
    // A slow backend (a remote Redis, say) takes a while: say how far it got every few seconds.
    if (Date.now() - lastReport < 3_000 || done === total) return;
    lastReport = Date.now();
    logger.info({ done, total }, "loading the demo data set: days of history written");
  });
  logger.info(
    {
      groups: ((await readDemoDefinitions()).groups ?? []).map((g) => g.name),
      values,
      ms: Date.now() - started,
    },
    "loaded the demo data set into the empty store",
  );
  return true;
}

/** The operations GraphiQL opens with; they read and write the demo data set. */
export const DEMO_OPERATIONS = `# Example operations over the demo data set. Pick one with the run button.

query UserVector {
  vector(entityId: "user-1", featureNames: ["age", "country", "clicks_7d", "is_premium"]) {
    entityId
    values
    features { featureName value version usedDefault }
  }
}

query ManyUsers {
  vectors(entityIds: ["user-1", "user-2", "user-3", "user-5"], featureNames: ["age", "clicks_7d"]) {
    entityId
    values
  }
}

query GroupsForOneUser {
  groups {
    name
    description
    featureNames
    vector(entityId: "user-2") { values }
  }
}

query FeatureCatalog {
  features(tag: "user") { name featureType valueType defaultValue tags ttlSeconds description }
}

query ClickHistory {
  history(featureName: "clicks_7d", entityId: "user-1") { version value timestamp ageSeconds }
  firstWrite: value(featureName: "clicks_7d", entityId: "user-1", version: 1) { value timestamp }
}

mutation RegisterUserModel {
  registerTransform(input: {
    name: "user_model"
    features: [
      { featureName: "age", steps: [{ kind: STANDARDIZE }, { kind: CLIP, min: -3, max: 3 }] }
      { featureName: "country", steps: [{ kind: ONE_HOT, maxCategories: 4 }] }
      { featureName: "clicks_7d", steps: [{ kind: LOG1P }] }
    ]
    derived: [
      { name: "clicks_per_session", expression: "clicks_7d / max(sessions_30d, 1)", featureType: NUMERIC, valueType: FLOAT }
    ]
  }) {
    created
    transform {
      reference
      features { featureName steps { kind parameters fitted output { featureType valueType dimension } } fittedOn { values complete } }
    }
  }
}

query ModelInput {
  vector(entityId: "user-1", featureNames: ["age", "country", "clicks_7d"], transform: "user_model@1") {
    transform
    values
    features { featureName value transform }
  }
}

# The same transform in a training set: each row is what the vector above would have served at
# the row's instant (here a time after the demo data, which is written when the server starts).
query ModelTrainingSet {
  trainingSet(
    rows: [
      { entityId: "user-1", timestamp: "2030-01-01T00:00:00Z", columns: { label: 1 } }
      { entityId: "user-2", timestamp: "2030-01-01T00:00:00Z", columns: { label: 0 } }
    ]
    featureNames: ["age", "country", "clicks_7d"]
    transform: "user_model@1"
  ) {
    entityId
    columns
    transform
    values
  }
}

mutation IngestActivity {
  ingest(entityId: "user-4", features: { clicks_7d: 9, sessions_30d: 14 }) {
    entityId
    values { featureName value version timestamp }
  }
}
`;
