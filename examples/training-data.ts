/**
 * Training data end to end on the embedded SQLite default: import a CSV of feature values with
 * their event times, build a point-in-time training set from a file of labelled entity rows, write
 * it as Parquet, and read it back. Run with `npm run example:training`; it writes into
 * `data/training-example/`.
 */
import { createWriteStream, mkdirSync, rmSync, writeFileSync } from "node:fs";
import { finished } from "node:stream/promises";
import { asyncBufferFromFile, parquetReadObjects } from "hyparquet";
import { exportTrainingSet, importFile } from "../src/files.js";
import { openStore } from "../src/index.js";

const dir = "data/training-example";
rmSync(dir, { recursive: true, force: true });
mkdirSync(dir, { recursive: true });
const store = await openStore(`sqlite://${dir}/features.db`);
await store.registerFeature({ name: "age", featureType: "NUMERIC", valueType: "INT", defaultValue: 0 });
await store.registerFeature({
  name: "country",
  featureType: "CATEGORICAL",
  valueType: "STRING",
  defaultValue: "unknown",
});
await store.registerFeature({
  name: "clicks_7d",
  featureType: "NUMERIC",
  valueType: "INT",
  defaultValue: 0,
  ttlSeconds: 7 * 86_400,
});

// 1. Import: one row per entity and instant, one column per feature (an empty cell: no value).
writeFileSync(
  `${dir}/features.csv`,
  [
    "user,ts,age,country,clicks_7d",
    "user-1,2026-01-01T00:00:00Z,30,FR,4",
    "user-1,2026-02-01T00:00:00Z,31,,12",
    "user-2,2026-01-15T00:00:00Z,45,DE,",
    "user-3,2026-01-20T00:00:00Z,twenty,NL,1",
  ].join("\n"),
);
const report = await importFile(store, {
  source: { path: `${dir}/features.csv` },
  format: "csv",
  entityIdColumn: "user",
  eventTimeColumn: "ts",
});
console.log("import:", report);

// 2. A training set: labelled entity rows in, each feature as it was known at the row's time out.
writeFileSync(
  `${dir}/rows.csv`,
  [
    "entity_id,timestamp,label",
    "user-1,2026-01-05T00:00:00Z,0",
    "user-1,2026-02-05T00:00:00Z,1",
    "user-2,2026-01-10T00:00:00Z,0",
    "user-2,2026-03-01T00:00:00Z,1",
  ].join("\n"),
);
const out = createWriteStream(`${dir}/train.parquet`);
await exportTrainingSet(store, {
  rows: { path: `${dir}/rows.csv` },
  rowsFormat: "csv",
  featureNames: ["age", "country", "clicks_7d"],
  out,
  outFormat: "parquet",
  includeEventTimes: true,
});
out.end();
await finished(out);
await store.close();

// 3. Read it back, as a notebook would.
const train = await parquetReadObjects({ file: await asyncBufferFromFile(`${dir}/train.parquet`) });
// Timestamps arrive as Dates and int64 columns as bigints; shown here as dates and numbers.
const cell = (v: unknown) =>
  v instanceof Date ? v.toISOString().slice(0, 10) : typeof v === "bigint" ? Number(v) : v;
console.table(train.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, cell(v)]))));
