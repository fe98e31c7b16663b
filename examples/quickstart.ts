/**
 * A tour of the library on the embedded SQLite default: register a group, ingest, read a vector,
 * travel back in time, and look at a value's versions. Run with `npm run example`.
 */
import { FeatureService, FeatureType, openStore, ValueType } from "../src/index.js";

const url = process.env.FEATURESTORE_URL ?? "sqlite://data/quickstart.db";
const store = await openStore(url);
const service = new FeatureService(store);

await service.registerGroup({
  name: "user_profile",
  description: "What we know about a user",
  features: [
    { name: "age", featureType: FeatureType.NUMERIC, valueType: ValueType.INT, defaultValue: 0 },
    {
      name: "country",
      featureType: FeatureType.CATEGORICAL,
      valueType: ValueType.STRING,
      defaultValue: "unknown",
    },
    {
      name: "clicks_7d",
      featureType: FeatureType.NUMERIC,
      valueType: ValueType.INT,
      defaultValue: 0,
      ttlSeconds: 7 * 86_400,
    },
    {
      name: "embedding",
      featureType: FeatureType.EMBEDDING,
      valueType: ValueType.LIST,
      dimension: 4,
      defaultValue: [0, 0, 0, 0],
    },
  ],
});

const yesterday = new Date(Date.now() - 86_400_000);
await service.ingest({ age: 31, country: "FR", clicks_7d: 12 }, "user-1", { eventTime: yesterday });
await service.ingest({ clicks_7d: 15, embedding: [0.12, -0.4, 0.33, 0.9] }, "user-1");
const processed = await service.ingestBatch(
  [
    { user_id: "user-2", age: 25, country: "DE" },
    { user_id: "user-3", age: 47, clicks_7d: 3 },
    { age: 99 }, // no user_id: skipped
  ],
  "user_id",
);
console.log(`ingestBatch processed ${processed} records`);

const vector = await service.getGroupFeatures("user-1", "user_profile");
console.log("vector for user-1:", vector.values);
console.log(
  "provenance:",
  vector.entries
    .map((e) => `${e.featureName}=v${e.version ?? "-"}${e.usedDefault ? " (default)" : ""}`)
    .join(", "),
);

const vectors = await store.getVectors(["user-2", "user-3", "nobody"], ["age", "country"]);
console.log(
  "batch read:",
  vectors.map((v) => v.values),
);

const history = await store.history("clicks_7d", "user-1");
console.log(
  "clicks_7d history:",
  history.map((h) => `v${h.version}=${h.value} at ${h.timestamp.toISOString()}`),
);
const asOf = await store.getValue("clicks_7d", "user-1", { asOf: new Date(yesterday.getTime() + 1000) });
console.log("clicks_7d as of yesterday:", asOf?.value, `(version ${asOf?.version})`);

await store.close();
