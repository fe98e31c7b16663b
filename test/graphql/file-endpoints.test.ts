import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeEach, describe, expect, it } from "vitest";
import { duckdb } from "../files/duckdb.js";
import { type TestApp, testApp } from "./client.js";

let t: TestApp;
const day = (d: number) => Date.UTC(2026, 0, d);

beforeEach(async () => {
  t = await testApp({
    demo: false,
    auth: { readToken: "r", writeToken: "w" },
    limits: { maxUploadBytes: 4096 },
  });
  await t.store.registerFeature({ name: "age", featureType: "NUMERIC", valueType: "INT", defaultValue: 0 });
  await t.store.registerFeature({ name: "country", featureType: "CATEGORICAL", valueType: "STRING" });
});

const post = (
  path: string,
  body: BodyInit,
  type: string,
  token?: string,
  headers: Record<string, string> = {},
) =>
  t.app.fetch(`http://localhost${path}`, {
    method: "POST",
    body,
    headers: { "content-type": type, ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
  });

/** The code of a refusal, with its status. */
const refusal = async (response: Response) => [
  response.status,
  ((await response.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions.code,
];

describe("POST /import and POST /training-set", () => {
  it("imports a CSV with the write token, then answers a training set as NDJSON and Parquet with the read token", async () => {
    const csv = "id,ts,age,country\nu1,2026-01-01,30,FR\nu1,2026-01-10,31,DE\nu2,2026-01-02,x,NL\n";
    const imported = await post("/import?entityIdColumn=id&eventTimeColumn=ts", csv, "text/csv", "w");
    expect(imported.status).toBe(200);
    expect(await imported.json()).toMatchObject({
      rowsWritten: 2,
      valuesWritten: 4,
      rejected: 1,
      problems: [{ row: 3, outcome: "rejected" }],
    });
    const rows =
      '{"entity_id":"u1","timestamp":"2026-01-05T00:00:00Z","label":1}\n{"entity_id":"u2","timestamp":"2026-01-05T00:00:00Z","label":0}\n';
    const ndjson = await post(
      "/training-set?features=age,country&eventTimes=true",
      rows,
      "application/x-ndjson",
      "r",
    );
    expect(ndjson.status).toBe(200);
    expect(ndjson.headers.get("content-type")).toBe("application/x-ndjson");
    expect(
      (await ndjson.text())
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l)),
    ).toEqual([
      {
        entity_id: "u1",
        timestamp: new Date(day(5)).toISOString(),
        label: 1,
        age: 30,
        country: "FR",
        age__event_time: new Date(day(1)).toISOString(),
        country__event_time: new Date(day(1)).toISOString(),
      },
      {
        entity_id: "u2",
        timestamp: new Date(day(5)).toISOString(),
        label: 0,
        age: 0,
        country: null,
        age__event_time: null,
        country__event_time: null,
      },
    ]);
    const parquet = await post("/training-set?features=age", rows, "application/x-ndjson", "r", {
      accept: "application/vnd.apache.parquet",
    });
    expect(parquet.headers.get("content-type")).toBe("application/vnd.apache.parquet");
    const file = join(mkdtempSync(join(tmpdir(), "fs-http-")), "t.parquet");
    writeFileSync(file, Buffer.from(await parquet.arrayBuffer()));
    expect(await duckdb(`SELECT entity_id, age FROM read_parquet('${file}')`)).toEqual([
      { entity_id: "u1", age: "30" },
      { entity_id: "u2", age: "0" },
    ]);
  });

  it("takes Parquet bodies, spooled and read back", async () => {
    const dir = mkdtempSync(join(tmpdir(), "fs-http-"));
    const file = join(dir, "rows.parquet");
    await duckdb(`COPY (SELECT 'u1' AS id, 41::BIGINT AS age) TO '${file}' (FORMAT parquet)`);
    const { readFileSync } = await import("node:fs");
    const response = await post(
      "/import?entityIdColumn=id",
      readFileSync(file),
      "application/vnd.apache.parquet",
      "w",
    );
    expect(await response.json()).toMatchObject({ rowsWritten: 1, valuesWritten: 1 });
    expect((await t.store.getValue("age", "u1"))?.value).toBe(41);
  });

  it("holds the endpoints to the token policy", async () => {
    const csv = "id,age\nu1,1\n";
    expect(await refusal(await post("/import?entityIdColumn=id", csv, "text/csv"))).toEqual([
      401,
      "UNAUTHENTICATED",
    ]);
    expect(await refusal(await post("/import?entityIdColumn=id", csv, "text/csv", "r"))).toEqual([
      401,
      "UNAUTHENTICATED",
    ]);
    const rows = "entity_id,timestamp\nu1,2026-01-05\n";
    expect(await refusal(await post("/training-set?features=age", rows, "text/csv"))).toEqual([
      401,
      "UNAUTHENTICATED",
    ]);
    expect(await refusal(await post("/training-set?features=age", rows, "text/csv", "x"))).toEqual([
      401,
      "UNAUTHENTICATED",
    ]);
    expect((await post("/training-set?features=age", rows, "text/csv", "w")).status).toBe(200);
    expect(await t.store.getValue("age", "u1")).toBeNull();
  });

  it("refuses bad requests with coded 4xx errors, never a 5xx", async () => {
    const rows = "entity_id,timestamp\nu1,2026-01-05\n";
    expect(await refusal(await post("/training-set?features=ghost", rows, "text/csv", "r"))).toEqual([
      404,
      "FEATURE_NOT_FOUND",
    ]);
    expect(await refusal(await post("/training-set", rows, "text/csv", "r"))).toEqual([400, "BAD_REQUEST"]);
    expect(await refusal(await post("/training-set?features=age", rows, "text/plain", "r"))).toEqual([
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    ]);
    expect(
      await refusal(
        await post("/training-set?features=age", "entity_id,timestamp\nu1,soon\n", "text/csv", "r"),
      ),
    ).toEqual([400, "VALIDATION_FAILED"]);
    expect(
      await refusal(await post("/training-set?features=age&format=xlsx", rows, "text/csv", "r")),
    ).toEqual([400, "VALIDATION_FAILED"]);
    expect(
      await refusal(
        await post("/training-set?features=age", "not parquet", "application/vnd.apache.parquet", "r"),
      ),
    ).toEqual([400, "VALIDATION_FAILED"]);
    const big = `entity_id,timestamp\n${"u1,2026-01-05\n".repeat(400)}`;
    expect(await refusal(await post("/training-set?features=age", big, "text/csv", "r"))).toEqual([
      413,
      "LIMIT_EXCEEDED",
    ]);
    const streamed = new Blob([big]).stream();
    const chunked = await t.app.fetch("http://localhost/import?entityIdColumn=entity_id", {
      method: "POST",
      body: streamed,
      headers: { "content-type": "text/csv", authorization: "Bearer w" },
      duplex: "half",
    } as RequestInit);
    expect(await refusal(chunked)).toEqual([413, "LIMIT_EXCEEDED"]);
    const lines = '{"id":"u1","age":1}\n'.repeat(400);
    const chunkedNdjson = await t.app.fetch("http://localhost/import?entityIdColumn=id", {
      method: "POST",
      body: new Blob([lines]).stream(),
      headers: { "content-type": "application/x-ndjson", authorization: "Bearer w" },
      duplex: "half",
    } as RequestInit);
    expect(await refusal(chunkedNdjson)).toEqual([413, "LIMIT_EXCEEDED"]);
    expect(
      await refusal(await post("/import?entityIdColumn=id", "id,ghost\nu1,1\n", "text/csv", "w")),
    ).toEqual([404, "FEATURE_NOT_FOUND"]);
    expect(await refusal(await post("/import", "id,age\nu1,1\n", "text/csv", "w"))).toEqual([
      400,
      "BAD_REQUEST",
    ]);
    const get = await t.app.fetch("http://localhost/import?entityIdColumn=id", {
      headers: { authorization: "Bearer w" },
    });
    expect(await refusal(get)).toEqual([405, "BAD_REQUEST"]);
  });
});
