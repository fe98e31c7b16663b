import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { asyncBufferFromFile, parquetMetadataAsync } from "hyparquet";
import { beforeEach, describe, expect, it } from "vitest";
import { createApp, type FeatureStoreApp } from "../../src/app.js";
import {
  COLUMNS_METADATA_KEY,
  exportTrainingSet,
  TRANSFORM_METADATA_KEY,
} from "../../src/files/training-set-export.js";
import { type EntityRow, FeatureService, FeatureTransform, InMemoryFeatureStore } from "../../src/index.js";
import { errorCode } from "../../src/testing.js";
import { duckdb } from "../files/duckdb.js";
import { post } from "../graphql/client.js";

const day = (d: number) => new Date(Date.UTC(2026, 0, d));
let service: FeatureService;
let app: FeatureStoreApp;

/**
 * A transform whose parameters are all given, so every output below is computed by hand:
 * age standardized with mean 30 and std 10, country one-hot over [FR, DE] (then unknown),
 * clicks bucketized at 5 and 10, and two derived features, one of which reads `sessions`,
 * a feature the training sets below do not ask for.
 */
const MODEL = {
  name: "m",
  features: [
    { featureName: "age", steps: [{ kind: "STANDARDIZE", mean: 30, std: 10 }] },
    { featureName: "country", steps: [{ kind: "ONE_HOT", categories: ["FR", "DE"] }] },
    { featureName: "clicks", steps: [{ kind: "BUCKETIZE", boundaries: [5, 10] }] },
  ],
  derived: [
    {
      name: "ctr",
      expression: "clicks / max(sessions, 1)",
      featureType: "NUMERIC" as const,
      valueType: "FLOAT" as const,
    },
    { name: "senior", expression: "age >= 40", featureType: "BOOLEAN" as const, valueType: "BOOL" as const },
  ],
};

const NAMES = ["age", "country", "clicks"];
const ROWS: EntityRow[] = [
  { entityId: "u1", timestamp: day(5), label: 1 },
  { entityId: "u1", timestamp: day(15), label: 0 },
  { entityId: "u2", timestamp: day(3), label: 1 },
  { entityId: "u3", timestamp: day(3), label: 0 },
];
/** The rows above through m@1, worked out by hand. */
const EXPECTED = [
  { age: 0, country: [1, 0, 0], clicks: 2, ctr: 3, senior: false },
  { age: 1, country: [0, 1, 0], clicks: 2, ctr: 3, senior: true },
  { age: 2, country: [0, 0, 1], clicks: 0, ctr: 3, senior: true },
  { age: -3, country: [0, 0, 1], clicks: 0, ctr: 0, senior: false },
];

beforeEach(async () => {
  service = new FeatureService(new InMemoryFeatureStore(), { defaultTransform: "m" });
  await service.registerGroup({
    name: "user",
    features: [
      { name: "age", featureType: "NUMERIC", valueType: "INT", defaultValue: 0 },
      { name: "country", featureType: "CATEGORICAL", valueType: "STRING", defaultValue: "unknown" },
      { name: "clicks", featureType: "NUMERIC", valueType: "INT", defaultValue: 0 },
      { name: "sessions", featureType: "NUMERIC", valueType: "INT", defaultValue: 0 },
    ],
  });
  await service.ingest({ age: 30, country: "FR", clicks: 12, sessions: 4 }, "u1", { eventTime: day(1) });
  await service.ingest({ age: 40, country: "DE" }, "u1", { eventTime: day(10) });
  await service.ingest({ age: 50, country: "JP", clicks: 3 }, "u2", { eventTime: day(2) });
  await service.registerTransform(MODEL);
  app = createApp({ service });
});

async function collect(choice: string | boolean, names = NAMES) {
  const out = [];
  for await (const chunk of service.trainingSet(ROWS, names, { transform: choice, chunkSize: 3 }))
    out.push(...chunk);
  return out;
}

/** Entity rows that fail the test if anything reads them: a refusal must come first. */
const untouchable: Iterable<EntityRow> = {
  [Symbol.iterator]() {
    throw new Error("the rows were read before the refusal");
  },
};

describe("a training set through a transform, in the library", () => {
  it("gives the hand-computed values, names the transform, and reads what the derived features need", async () => {
    const rows = await collect("m@1");
    expect(rows.map((r) => r.values)).toEqual(EXPECTED);
    expect(rows.map((r) => r.transform)).toEqual(["m@1", "m@1", "m@1", "m@1"]);
    expect(rows.map((r) => r.columns)).toEqual([{ label: 1 }, { label: 0 }, { label: 1 }, { label: 0 }]);
    expect(rows[0]?.entries.map((e) => [e.featureName, e.transform, e.registered])).toEqual([
      ["age", "m@1", true],
      ["country", "m@1", true],
      ["clicks", "m@1", true],
      ["ctr", "m@1", false],
      ["senior", "m@1", false],
    ]);
    // ctr's event time is the latest of what it read (clicks and sessions, day 1).
    expect(rows[1]?.entries[3]?.eventTimeMs).toBe(day(1).getTime());
    // The bare name and the service's default mean the newest version.
    expect((await collect("m")).map((r) => r.values)).toEqual(EXPECTED);
    expect((await collect(true)).map((r) => r.transform)).toEqual(["m@1", "m@1", "m@1", "m@1"]);
    // No transform: the features as stored.
    expect((await collect(false))[0]?.values).toEqual({ age: 30, country: "FR", clicks: 12 });
  });

  it("keeps a pinned version while the bare name follows a newer one", async () => {
    await service.registerTransform({
      ...MODEL,
      features: [{ featureName: "age", steps: [{ kind: "STANDARDIZE", mean: 0, std: 1 }] }],
    });
    expect((await collect("m@1"))[0]?.values.age).toBe(0);
    const newest = await collect("m");
    expect(newest[0]?.values.age).toBe(30);
    expect(newest[0]?.transform).toBe("m@2");
  });

  it("refuses, before reading a row, what it cannot answer", async () => {
    const refused = async (choice: string | boolean, names = NAMES, on = service) => {
      const rows = on.trainingSet(untouchable, names, { transform: choice });
      return errorCode(rows.next());
    };
    expect(await refused("ghost")).toBe("TRANSFORM_NOT_FOUND");
    expect(await refused("m@9")).toBe("TRANSFORM_NOT_FOUND");
    expect(await refused("m@0")).toBe("VALIDATION_FAILED");
    expect(await refused("not a name")).toBe("VALIDATION_FAILED");
    // A derived feature is added by the transform: asking for it too would be two columns.
    expect(await refused("m@1", ["age", "ctr"])).toBe("VALIDATION_FAILED");
    expect(await refused("m@1", ["age", "ghost"])).toBe("FEATURE_NOT_FOUND");
    // A code-defined default has no name or version to put on the rows.
    const coded = new FeatureService(service.store, { transform: new FeatureTransform() });
    expect(await refused(true, NAMES, coded)).toBe("VALIDATION_FAILED");
  });
});

describe("a training set through a transform, exported", () => {
  async function exported(outFormat: "csv" | "parquet", transform: string | boolean, rows = ROWS) {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on("data", (c: Buffer) => chunks.push(c));
    const csv = [
      "entity_id,timestamp,label",
      ...rows.map((r) => `${r.entityId},${r.timestamp.toISOString()},${r.label}`),
    ].join("\n");
    const report = await exportTrainingSet(service, {
      rows: { stream: [csv] },
      rowsFormat: "csv",
      featureNames: NAMES,
      out,
      outFormat,
      transform,
      includeEventTimes: true,
    });
    out.end();
    return { report, bytes: Buffer.concat(chunks) };
  }

  it("writes CSV with derived columns and one-hot lists as JSON arrays", async () => {
    const { report, bytes } = await exported("csv", "m@1");
    expect(report).toEqual({ rows: 4, transform: "m@1" });
    const lines = bytes.toString("utf8").trim().split("\n");
    expect(lines[0]).toBe(
      "entity_id,timestamp,label,age,country,clicks,ctr,senior,age__event_time,country__event_time,clicks__event_time,ctr__event_time,senior__event_time",
    );
    expect(lines[1]).toBe(
      `u1,${day(5).toISOString()},1,0,"[1,0,0]",2,3,false,${day(1).toISOString()},${day(1).toISOString()},${day(1).toISOString()},${day(1).toISOString()},${day(1).toISOString()}`,
    );
    expect(lines[4]).toBe(`u3,${day(3).toISOString()},0,-3,"[0,0,1]",0,0,false,,,,,`);
  });

  it("writes Parquet typed by each step's output, naming the transform in its metadata", async () => {
    const { bytes } = await exported("parquet", true);
    const file = join(mkdtempSync(join(tmpdir(), "fs-transformed-")), "train.parquet");
    writeFileSync(file, bytes);
    const types = await duckdb(
      `DESCRIBE SELECT age, country, clicks, ctr, senior FROM read_parquet('${file}')`,
    );
    expect(types.map((t) => [t.column_name, t.column_type])).toEqual([
      ["age", "DOUBLE"],
      ["country", "DOUBLE[]"],
      ["clicks", "BIGINT"],
      ["ctr", "DOUBLE"],
      ["senior", "BOOLEAN"],
    ]);
    expect(
      await duckdb(`SELECT entity_id, age, country, clicks, ctr, senior FROM read_parquet('${file}')`),
    ).toEqual([
      { entity_id: "u1", age: 0, country: [1, 0, 0], clicks: "2", ctr: 3, senior: false },
      { entity_id: "u1", age: 1, country: [0, 1, 0], clicks: "2", ctr: 3, senior: true },
      { entity_id: "u2", age: 2, country: [0, 0, 1], clicks: "0", ctr: 3, senior: true },
      { entity_id: "u3", age: -3, country: [0, 0, 1], clicks: "0", ctr: 0, senior: false },
    ]);
    const metadata = await parquetMetadataAsync(await asyncBufferFromFile(file));
    const kv = Object.fromEntries((metadata.key_value_metadata ?? []).map((e) => [e.key, e.value]));
    expect(kv[TRANSFORM_METADATA_KEY]).toBe("m@1");
    expect(JSON.parse(kv[COLUMNS_METADATA_KEY] as string)).toEqual([
      {
        name: "age",
        featureType: "NUMERIC",
        valueType: "FLOAT",
        dimension: null,
        derived: false,
        transform: "m@1",
      },
      {
        name: "country",
        featureType: "EMBEDDING",
        valueType: "LIST",
        dimension: 3,
        derived: false,
        transform: "m@1",
      },
      {
        name: "clicks",
        featureType: "CATEGORICAL",
        valueType: "INT",
        dimension: null,
        derived: false,
        transform: "m@1",
      },
      {
        name: "ctr",
        featureType: "NUMERIC",
        valueType: "FLOAT",
        dimension: null,
        derived: true,
        transform: "m@1",
      },
      {
        name: "senior",
        featureType: "BOOLEAN",
        valueType: "BOOL",
        dimension: null,
        derived: true,
        transform: "m@1",
      },
    ]);
  });

  it("refuses a transform it cannot use, or a column its derived features would clash with, writing nothing", async () => {
    const out = new PassThrough();
    const chunks: Buffer[] = [];
    out.on("data", (c: Buffer) => chunks.push(c));
    const attempt = (transform: string, featureNames = NAMES, csv = "entity_id,timestamp\nu1,2026-01-05\n") =>
      errorCode(
        exportTrainingSet(service, {
          rows: { stream: [csv] },
          rowsFormat: "csv",
          featureNames,
          out,
          outFormat: "parquet",
          transform,
        }),
      );
    expect(await attempt("ghost@1")).toBe("TRANSFORM_NOT_FOUND");
    expect(await attempt("m@1", ["age", "senior"])).toBe("VALIDATION_FAILED");
    expect(await attempt("m@1", NAMES, "entity_id,timestamp,ctr\nu1,2026-01-05,1\n")).toBe(
      "VALIDATION_FAILED",
    );
    expect(chunks).toEqual([]);
  });
});

describe("a training set through a transform, over GraphQL", () => {
  const QUERY = `query ($rows: [EntityRowInput!]!, $names: [String!]!, $t: String, $apply: Boolean) {
    trainingSet(rows: $rows, featureNames: $names, transform: $t, applyTransform: $apply) {
      entityId transform values features { featureName transform }
    }
  }`;
  const variables = (extra: Record<string, unknown>) => ({
    rows: ROWS.map((r) => ({
      entityId: r.entityId,
      timestamp: r.timestamp.toISOString(),
      columns: { label: r.label },
    })),
    names: NAMES,
    ...extra,
  });
  type Reply = { trainingSet: { entityId: string; transform: string | null; values: unknown }[] };

  it("answers the hand-computed rows through a pinned version or the server's default", async () => {
    for (const extra of [{ t: "m@1" }, { t: "m" }, { apply: true }]) {
      const reply = await post<Reply>(app, { query: QUERY, variables: variables(extra) });
      expect(reply.errors).toBeUndefined();
      expect(reply.data?.trainingSet.map((r) => r.values)).toEqual(EXPECTED);
      expect(reply.data?.trainingSet.map((r) => r.transform)).toEqual(["m@1", "m@1", "m@1", "m@1"]);
    }
    const plain = await post<Reply>(app, { query: QUERY, variables: variables({}) });
    expect(plain.data?.trainingSet[0]).toMatchObject({ transform: null, values: { age: 30 } });
  });

  it("refuses with a coded error, and no data", async () => {
    const code = async (extra: Record<string, unknown>) => {
      const reply = await post<Reply>(app, { query: QUERY, variables: variables(extra) });
      expect(reply.data?.trainingSet ?? null).toBeNull();
      return reply.errors?.[0]?.extensions?.code;
    };
    expect(await code({ t: "ghost" })).toBe("TRANSFORM_NOT_FOUND");
    expect(await code({ t: "m@1", apply: true })).toBe("VALIDATION_FAILED");
    expect(await code({ t: "m@1", names: ["age", "ctr"] })).toBe("VALIDATION_FAILED");
  });
});

describe("a training set through a transform, over POST /training-set", () => {
  const rowsCsv = [
    "entity_id,timestamp,label",
    ...ROWS.map((r) => `${r.entityId},${r.timestamp.toISOString()},${r.label}`),
  ].join("\n");
  const request = (query: string) =>
    app.fetch(`http://localhost/training-set?features=age,country,clicks&format=ndjson${query}`, {
      method: "POST",
      body: rowsCsv,
      headers: { "content-type": "text/csv" },
    });

  it("streams the transformed rows and names the version in a header", async () => {
    for (const query of ["&transform=m@1", "&transform=m", "&applyTransform=true"]) {
      const response = await request(query);
      expect(response.status).toBe(200);
      expect(response.headers.get("featurestore-transform")).toBe("m@1");
      const lines = (await response.text())
        .trim()
        .split("\n")
        .map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.map(({ entity_id, timestamp, label, ...features }) => features)).toEqual(EXPECTED);
    }
    const plain = await request("");
    expect(plain.headers.get("featurestore-transform")).toBeNull();
    expect(JSON.parse((await plain.text()).split("\n")[0] as string)).toMatchObject({
      age: 30,
      country: "FR",
    });
  });

  it("lets a page of an allowed origin read the header", async () => {
    const cors = createApp({ service, corsOrigins: ["https://notebook.example"] });
    const response = await cors.fetch("http://localhost/training-set?features=age&transform=m@1", {
      method: "POST",
      body: rowsCsv,
      headers: { "content-type": "text/csv", origin: "https://notebook.example" },
    });
    expect(response.status).toBe(200);
    expect(response.headers.get("access-control-allow-origin")).toBe("https://notebook.example");
    expect(response.headers.get("access-control-expose-headers")).toBe("featurestore-transform");
    expect(response.headers.get("featurestore-transform")).toBe("m@1");
  });

  it("refuses an unknown or unusable transform with a coded 4xx before reading the body", async () => {
    const refusal = async (query: string) => {
      const response = await request(query);
      const body = (await response.json()) as { errors: { extensions: { code: string } }[] };
      return [response.status, body.errors[0]?.extensions.code];
    };
    expect(await refusal("&transform=ghost")).toEqual([404, "TRANSFORM_NOT_FOUND"]);
    expect(await refusal("&transform=m@1&applyTransform=true")).toEqual([400, "VALIDATION_FAILED"]);
    expect(await refusal("&transform=bad%20name")).toEqual([400, "VALIDATION_FAILED"]);
  });
});
