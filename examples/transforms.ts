/**
 * Stored transforms on an in-memory store: register one with fitted parameters and a derived
 * feature, read through a pinned version, register a refit as version 2, and see version 1 stay
 * as it was; then the same version in a training set and a CSV export. Run with
 * `npm run example:transforms`.
 */
import { exportTrainingSet } from "../src/files.js";
import { FeatureService, InMemoryFeatureStore, type TransformDeclaration } from "../src/index.js";

const service = new FeatureService(new InMemoryFeatureStore());
await service.registerGroup({
  name: "user",
  features: [
    { name: "age", featureType: "NUMERIC", valueType: "INT", defaultValue: 0 },
    { name: "country", featureType: "CATEGORICAL", valueType: "STRING", defaultValue: "unknown" },
    { name: "clicks_7d", featureType: "NUMERIC", valueType: "INT", defaultValue: 0 },
    { name: "sessions_7d", featureType: "NUMERIC", valueType: "INT", defaultValue: 0 },
  ],
});
await service.ingestBatch(
  [
    { id: "user-1", age: 31, country: "FR", clicks_7d: 15, sessions_7d: 4 },
    { id: "user-2", age: 25, country: "DE", clicks_7d: 3, sessions_7d: 0 },
    { id: "user-3", age: 47, country: "FR", clicks_7d: 41, sessions_7d: 9 },
  ],
  "id",
);

const userModel: TransformDeclaration = {
  name: "user_model",
  features: [
    // No mean or std given: both are fitted from the store's current ages, and stored.
    { featureName: "age", steps: [{ kind: "STANDARDIZE" }, { kind: "CLIP", min: -3, max: 3 }] },
    // The categories are fitted too; the output is [FR, DE, unknown].
    { featureName: "country", steps: [{ kind: "ONE_HOT" }] },
  ],
  derived: [
    {
      name: "ctr",
      expression: "clicks_7d / max(sessions_7d, 1)",
      featureType: "NUMERIC",
      valueType: "FLOAT",
    },
  ],
};

const { transform } = await service.registerTransform(userModel);
console.log(transform.version, transform.features[0]?.steps[0]?.params); // 1 { mean: 34.33..., std: 9.28... }

const vector = await service.getFeatures("user-1", ["age", "country"], "user_model@1");
console.log(vector.values); // { age: -0.358..., country: [1, 0, 0], ctr: 3.75 }
console.log(vector.entries.map((e) => e.transform)); // [ 'user_model@1', 'user_model@1', 'user_model@1' ]

// The same declaration over the same data is a no-op; over changed data it fits a version 2.
console.log((await service.registerTransform(userModel)).created); // false
await service.ingest({ age: 80 }, "user-4");
console.log((await service.registerTransform(userModel)).transform.version); // 2

// A model pinned to version 1 still gets version 1's parameters; the bare name means the newest.
console.log((await service.getFeatures("user-1", ["age"], "user_model@1")).values.age); // -0.358...
console.log((await service.getFeatures("user-1", ["age"], "user_model")).transform); // user_model@2

// The same transform in a training set: each row is what serving would have given at its instant,
// computed by the same compiled code. Derived features come after the features asked for.
const rows = [
  { entityId: "user-1", timestamp: new Date(), label: 1 },
  { entityId: "user-2", timestamp: new Date(), label: 0 },
];
for await (const chunk of service.trainingSet(rows, ["age", "country"], { transform: "user_model@1" })) {
  for (const row of chunk) console.log(row.entityId, row.columns.label, row.transform, row.values);
}
// user-1 1 user_model@1 { age: -0.358..., country: [ 1, 0, 0 ], ctr: 3.75 }
// user-2 0 user_model@1 { age: -1.005..., country: [ 0, 1, 0 ], ctr: 3 }

// And as a file: the derived feature is a column, the one-hot list a JSON array in CSV (a list of
// doubles in Parquet, whose metadata also names the transform).
const report = await exportTrainingSet(service, {
  rows: { stream: ["entity_id,timestamp,label\nuser-3,2030-01-01T00:00:00Z,1\n"] },
  rowsFormat: "csv",
  featureNames: ["age", "country"],
  out: process.stdout,
  outFormat: "csv",
  transform: "user_model@1",
});
// entity_id,timestamp,label,age,country,ctr
// user-3,2030-01-01T00:00:00.000Z,1,1.364...,"[1,0,0]",4.555...
console.log(report); // { rows: 1, transform: 'user_model@1' }
