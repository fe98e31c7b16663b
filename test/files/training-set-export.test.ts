import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { beforeEach, describe, expect, it } from "vitest";
import { exportTrainingSet } from "../../src/files/training-set-export.js";
import { type FeatureStore, InMemoryFeatureStore } from "../../src/index.js";
import { errorCode } from "../../src/testing.js";
import { duckdb } from "./duckdb.js";

const day = (d: number) => Date.UTC(2026, 0, d);
let store: FeatureStore;
let dir: string;

/** Exports into a buffer, returning its bytes. */
async function exported(options: Omit<Parameters<typeof exportTrainingSet>[1], "out">): Promise<Buffer> {
  const out = new PassThrough();
  const chunks: Buffer[] = [];
  out.on("data", (c: Buffer) => chunks.push(c));
  const report = await exportTrainingSet(store, { ...options, out });
  out.end();
  expect(report.rows).toBeGreaterThanOrEqual(0);
  return Buffer.concat(chunks);
}

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "fs-export-"));
  store = await new InMemoryFeatureStore().open();
  await store.registerFeature({ name: "age", featureType: "NUMERIC", valueType: "INT", defaultValue: 0 });
  await store.registerFeature({ name: "score", featureType: "NUMERIC", valueType: "FLOAT" });
  await store.registerFeature({
    name: "country",
    featureType: "CATEGORICAL",
    valueType: "STRING",
    defaultValue: "unknown",
  });
  await store.registerFeature({ name: "active", featureType: "BOOLEAN", valueType: "BOOL" });
  await store.registerFeature({ name: "emb", featureType: "EMBEDDING", valueType: "LIST", dimension: 2 });
  await store.registerFeature({ name: "seen", featureType: "TIMESTAMP", valueType: "INT" });
  await store.registerFeature({ name: "tags", featureType: "CATEGORICAL", valueType: "DICT" });
  const at = (d: number) => new Date(day(d));
  await store.setValues([
    { featureName: "age", entityId: "u1", value: 30, eventTime: at(1) },
    { featureName: "age", entityId: "u1", value: 31, eventTime: at(10) },
    { featureName: "score", entityId: "u1", value: 0.25, eventTime: at(2) },
    { featureName: "country", entityId: "u1", value: "FR", eventTime: at(2) },
    { featureName: "active", entityId: "u1", value: true, eventTime: at(2) },
    { featureName: "emb", entityId: "u1", value: [0.5, -1.5], eventTime: at(2) },
    { featureName: "seen", entityId: "u1", value: day(3), eventTime: at(3) },
    { featureName: "tags", entityId: "u1", value: { a: [1, 2] }, eventTime: at(2) },
    { featureName: "age", entityId: "u2", value: 50, eventTime: at(1) },
  ]);
});

describe("exportTrainingSet", () => {
  it("writes Parquet with a proper type per column, read back by DuckDB", async () => {
    const rowsFile = join(dir, "rows.parquet");
    // The entity rows come from DuckDB too: a file written by code that is not ours.
    await duckdb(`COPY (SELECT * FROM (VALUES
        ('u1', TIMESTAMPTZ '2026-01-05 00:00:00+00', 1, 0.5),
        ('u2', TIMESTAMPTZ '2026-01-05 00:00:00+00', 0, 1.0),
        ('u1', TIMESTAMPTZ '2025-12-31 00:00:00+00', 1, 2.0),
        ('u1', TIMESTAMPTZ '2026-01-11 00:00:00+00', NULL, 3.0)) t(entity_id, "timestamp", label, weight))
      TO '${rowsFile}' (FORMAT parquet)`);
    const bytes = await exported({
      rows: { path: rowsFile },
      rowsFormat: "parquet",
      featureNames: ["age", "score", "country", "active", "emb", "seen", "tags"],
      outFormat: "parquet",
      includeEventTimes: true,
      chunkSize: 3,
    });
    const outFile = join(dir, "train.parquet");
    writeFileSync(outFile, bytes);
    const types = await duckdb(`DESCRIBE SELECT * FROM read_parquet('${outFile}')`);
    expect(Object.fromEntries(types.map((t) => [t.column_name, t.column_type]))).toEqual({
      entity_id: "VARCHAR",
      timestamp: "TIMESTAMP WITH TIME ZONE",
      label: "BIGINT",
      weight: "DOUBLE",
      age: "BIGINT",
      score: "DOUBLE",
      country: "VARCHAR",
      active: "BOOLEAN",
      emb: "DOUBLE[]",
      seen: "TIMESTAMP WITH TIME ZONE",
      tags: "JSON",
      age__event_time: "TIMESTAMP WITH TIME ZONE",
      score__event_time: "TIMESTAMP WITH TIME ZONE",
      country__event_time: "TIMESTAMP WITH TIME ZONE",
      active__event_time: "TIMESTAMP WITH TIME ZONE",
      emb__event_time: "TIMESTAMP WITH TIME ZONE",
      seen__event_time: "TIMESTAMP WITH TIME ZONE",
      tags__event_time: "TIMESTAMP WITH TIME ZONE",
    });
    const rows =
      await duckdb(`SELECT entity_id, epoch_ms("timestamp") AS t, label, weight, age, score, country,
        active, emb, epoch_ms(seen) AS seen, tags::VARCHAR AS tags, epoch_ms(age__event_time) AS age_at,
        epoch_ms(score__event_time) AS score_at
      FROM read_parquet('${outFile}')`);
    expect(rows).toEqual([
      {
        entity_id: "u1",
        t: String(day(5)),
        label: "1",
        weight: 0.5,
        age: "30",
        score: 0.25,
        country: "FR",
        active: true,
        emb: [0.5, -1.5],
        seen: String(day(3)),
        tags: '{"a":[1,2]}',
        age_at: String(day(1)),
        score_at: String(day(2)),
      },
      {
        entity_id: "u2",
        t: String(day(5)),
        label: "0",
        weight: 1,
        age: "50",
        score: null,
        country: "unknown",
        active: null,
        emb: null,
        seen: null,
        tags: null,
        age_at: String(day(1)),
        score_at: null,
      },
      {
        entity_id: "u1",
        t: String(Date.UTC(2025, 11, 31)),
        label: "1",
        weight: 2,
        age: "0",
        score: null,
        country: "unknown",
        active: null,
        emb: null,
        seen: null,
        tags: null,
        age_at: null,
        score_at: null,
      },
      {
        entity_id: "u1",
        t: String(day(11)),
        label: null,
        weight: 3,
        age: "31",
        score: 0.25,
        country: "FR",
        active: true,
        emb: [0.5, -1.5],
        seen: String(day(3)),
        tags: '{"a":[1,2]}',
        age_at: String(day(10)),
        score_at: String(day(2)),
      },
    ]);
  });

  it("reads CSV rows and writes NDJSON and CSV that DuckDB reads back", async () => {
    const csv = "entity_id,timestamp,label\nu1,2026-01-05T00:00:00Z,yes\nu2,1767571200000,no\n";
    const ndjson = await exported({
      rows: { stream: [Buffer.from(csv)] },
      rowsFormat: "csv",
      featureNames: ["age", "country"],
      outFormat: "ndjson",
    });
    expect(
      ndjson
        .toString()
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line)),
    ).toEqual([
      { entity_id: "u1", timestamp: new Date(day(5)).toISOString(), label: "yes", age: 30, country: "FR" },
      {
        entity_id: "u2",
        timestamp: new Date(1767571200000).toISOString(),
        label: "no",
        age: 50,
        country: "unknown",
      },
    ]);
    const csvOut = await exported({
      rows: { stream: [Buffer.from(csv)] },
      rowsFormat: "csv",
      featureNames: ["age", "emb"],
      outFormat: "csv",
    });
    const file = join(dir, "train.csv");
    writeFileSync(file, csvOut);
    expect(readFileSync(file, "utf8").split("\n")[0]).toBe("entity_id,timestamp,label,age,emb");
    const rows = await duckdb(
      `SELECT entity_id, label, age, emb FROM read_csv('${file}', header = true, all_varchar = true)`,
    );
    expect(rows).toEqual([
      { entity_id: "u1", label: "yes", age: "30", emb: "[0.5,-1.5]" },
      { entity_id: "u2", label: "no", age: "50", emb: null },
    ]);
  });

  it("refuses an unregistered feature up front and names a bad row", async () => {
    const csv = "entity_id,timestamp\nu1,2026-01-05\nu2,not-a-time\n";
    expect(
      await errorCode(
        exported({ rows: { stream: [csv] }, rowsFormat: "csv", featureNames: ["ghost"], outFormat: "csv" }),
      ),
    ).toBe("FEATURE_NOT_FOUND");
    await expect(
      exported({ rows: { stream: [csv] }, rowsFormat: "csv", featureNames: ["age"], outFormat: "csv" }),
    ).rejects.toMatchObject({ code: "VALIDATION_FAILED", details: { row: 2 } });
    await expect(
      exported({ rows: { stream: ["{}\n"] }, rowsFormat: "ndjson", featureNames: ["age"], outFormat: "csv" }),
    ).rejects.toMatchObject({ code: "VALIDATION_FAILED", details: { row: 1 } });
  });

  it("writes a valid empty file for no rows", async () => {
    const bytes = await exported({
      rows: { stream: ["entity_id,timestamp\n"] },
      rowsFormat: "csv",
      featureNames: ["age"],
      outFormat: "parquet",
    });
    const file = join(dir, "empty.parquet");
    writeFileSync(file, bytes);
    expect(await duckdb(`SELECT count(*)::INT AS n FROM read_parquet('${file}')`)).toEqual([{ n: 0 }]);
  });
});
