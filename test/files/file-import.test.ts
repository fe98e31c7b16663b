import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { importFile } from "../../src/files/file-import.js";
import { type FeatureStore, InMemoryFeatureStore } from "../../src/index.js";
import { errorCode } from "../../src/testing.js";
import { duckdb } from "./duckdb.js";

const day = (d: number) => Date.UTC(2026, 0, d);
let store: FeatureStore;
let dir: string;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "fs-import-"));
  store = await new InMemoryFeatureStore().open();
  await store.registerFeature({ name: "age", featureType: "NUMERIC", valueType: "INT" });
  await store.registerFeature({ name: "score", featureType: "NUMERIC", valueType: "FLOAT" });
  await store.registerFeature({ name: "country", featureType: "CATEGORICAL", valueType: "STRING" });
  await store.registerFeature({ name: "active", featureType: "BOOLEAN", valueType: "BOOL" });
  await store.registerFeature({ name: "emb", featureType: "EMBEDDING", valueType: "LIST", dimension: 2 });
});

const history = async (name: string, id: string) =>
  (await store.history(name, id)).map((h) => [h.value, h.timestamp.getTime()]);

describe("importFile", () => {
  it("imports a CSV with event times, reporting skipped and rejected rows by number, never half a row", async () => {
    const csv = [
      "id,ts,age,country,active,emb",
      'u1,2026-01-01T00:00:00Z,30,FR,true,"[1,2]"',
      "u1,2026-01-02,31,,,",
      ",2026-01-02,40,DE,false,",
      "u2,2026-01-02,not-a-number,DE,true,",
      "u3,2026-01-03,,,,",
      "u4,yesterday,20,NL,true,",
      'u5,1767398400000,25,NL,false,"[0.5,0.25]"',
      'u6,2026-01-02,7,NL,true,"[1,2,3]"',
    ].join("\n");
    const report = await importFile(store, {
      source: { stream: [csv] },
      format: "csv",
      entityIdColumn: "id",
      eventTimeColumn: "ts",
      chunkSize: 2,
    });
    expect(report).toMatchObject({ rowsRead: 8, rowsWritten: 3, valuesWritten: 9, skipped: 2, rejected: 3 });
    expect(report.problems.map((p) => [p.row, p.outcome])).toEqual([
      [3, "skipped"],
      [4, "rejected"],
      [5, "skipped"],
      [6, "rejected"],
      [8, "rejected"],
    ]);
    expect(report.problems[1]?.reason).toMatch(/not-a-number/);
    expect(report.problems[3]?.reason).toMatch(/ts/);
    expect(report.problems[4]?.reason).toMatch(/dimension|2/);
    expect(await history("age", "u1")).toEqual([
      [30, day(1)],
      [31, day(2)],
    ]);
    expect(await history("emb", "u5")).toEqual([[[0.5, 0.25], 1767398400000]]);
    // The rejected rows wrote none of their values.
    for (const id of ["u2", "u4", "u6"]) {
      for (const name of ["age", "country", "active", "emb"])
        expect(await store.history(name, id)).toEqual([]);
    }
  });

  it("imports NDJSON, rejecting unreadable lines and unknown columns by row", async () => {
    const ndjson = [
      '{"id": "u1", "age": 30, "score": 0.5}',
      "not json",
      '{"id": 7, "age": 31}',
      "",
      '{"id": "u2", "ghost": 1}',
      "[1, 2]",
    ].join("\n");
    const report = await importFile(store, {
      source: { stream: [ndjson] },
      format: "ndjson",
      entityIdColumn: "id",
    });
    expect(report.problems).toEqual([
      { row: 2, outcome: "rejected", reason: "not valid JSON" },
      { row: 4, outcome: "rejected", reason: expect.stringMatching(/ghost/) },
      { row: 5, outcome: "rejected", reason: "not a JSON object" },
    ]);
    expect(report.valuesWritten).toBe(3);
    expect((await store.getValue("age", "7"))?.value).toBe(31);
  });

  it("imports a Parquet file written by DuckDB, with its column types", async () => {
    const file = join(dir, "data.parquet");
    await duckdb(`COPY (SELECT 'u' || i AS id, TIMESTAMPTZ '2026-01-01 00:00:00+00' + i * INTERVAL 1 DAY AS ts,
        i::BIGINT AS age, i / 4 AS score, CASE WHEN i % 2 = 0 THEN 'FR' END AS country, i % 2 = 0 AS active,
        [i::DOUBLE, 1.5] AS emb FROM range(10) t(i)) TO '${file}' (FORMAT parquet, ROW_GROUP_SIZE 3)`);
    const seen: number[] = [];
    const report = await importFile(store, {
      source: { path: file },
      format: "parquet",
      entityIdColumn: "id",
      eventTimeColumn: "ts",
      chunkSize: 4,
      onProgress: (p) => seen.push(p.rows),
    });
    expect(report).toMatchObject({
      rowsRead: 10,
      rowsWritten: 10,
      valuesWritten: 45,
      skipped: 0,
      rejected: 0,
    });
    expect(seen.at(-1)).toBe(10);
    expect(await history("age", "u3")).toEqual([[3, day(4)]]);
    expect(await history("score", "u3")).toEqual([[0.75, day(4)]]);
    expect(await history("emb", "u3")).toEqual([[[3, 1.5], day(4)]]);
    expect(await history("active", "u3")).toEqual([[false, day(4)]]);
    expect(await history("country", "u3")).toEqual([]);
  });

  it("refuses a first row with an unregistered column or without the id column, writing nothing", async () => {
    const csv = "id,age,ghost\nu1,1,2\n";
    expect(
      await errorCode(importFile(store, { source: { stream: [csv] }, format: "csv", entityIdColumn: "id" })),
    ).toBe("FEATURE_NOT_FOUND");
    expect(
      await errorCode(
        importFile(store, { source: { stream: ["key,age\nu1,1\n"] }, format: "csv", entityIdColumn: "id" }),
      ),
    ).toBe("VALIDATION_FAILED");
    expect(await store.history("age", "u1")).toEqual([]);
    writeFileSync(join(dir, "bad.parquet"), "not parquet at all");
    expect(
      await errorCode(
        importFile(store, {
          source: { path: join(dir, "bad.parquet") },
          format: "parquet",
          entityIdColumn: "id",
        }),
      ),
    ).toBe("VALIDATION_FAILED");
  });

  it("rejects only the row the store refuses in a batch (an event time too far ahead)", async () => {
    const ahead = new Date(Date.now() + 3_600_000).toISOString();
    const csv = `id,ts,age\nu1,2026-01-01,1\nu2,${ahead},2\nu3,2026-01-01,3\n`;
    const report = await importFile(store, {
      source: { stream: [csv] },
      format: "csv",
      entityIdColumn: "id",
      eventTimeColumn: "ts",
    });
    expect(report).toMatchObject({ rowsWritten: 2, rejected: 1 });
    expect(report.problems[0]).toMatchObject({
      row: 2,
      outcome: "rejected",
      reason: expect.stringMatching(/future/),
    });
    expect((await store.getValue("age", "u3"))?.value).toBe(3);
    expect(await store.getValue("age", "u2")).toBeNull();
  });
});
