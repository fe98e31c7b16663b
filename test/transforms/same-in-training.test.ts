import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type FeatureStoreApp } from "../../src/app.js";
import { exportTrainingSet } from "../../src/files/training-set-export.js";
import { dropStore, FeatureService, type FeatureStore, openStore } from "../../src/index.js";
import { post } from "../graphql/client.js";
import {
  EVERYTHING,
  EVERYTHING_DERIVED,
  EVERYTHING_FEATURES,
  EVERYTHING_GROUP,
  everythingRecord,
} from "./everything-transform.js";

/**
 * The promise of a stored transform: a model trains on exactly what serving will give it. For
 * random histories of writes (several per entity, ties in event time included) and random
 * entity rows, each training-set row at instant T, through every entry point that builds one
 * (the library, GraphQL's `trainingSet`, a file export), equals the vector read through the
 * same transform as of T (the library's and GraphQL's), for every built-in step and the
 * derived features, including when the features asked for leave out what the derived ones read.
 */

const DAY = 86_400_000;
const START = Date.UTC(2026, 0, 1);
const namespace = `same_in_training_${process.pid}_${Date.now()}`;

const BACKENDS: { name: string; url: () => string; runs: number; drop: boolean }[] = [
  { name: "memory", url: () => "memory://", runs: 40, drop: false },
  {
    name: "sqlite",
    url: () => `sqlite://${join(mkdtempSync(join(tmpdir(), "fs-same-training-")), "features.db")}`,
    runs: 25,
    drop: false,
  },
  {
    name: "postgres",
    url: () => `postgres://postgres@127.0.0.1:5432/test?namespace=${namespace}`,
    runs: 12,
    drop: true,
  },
  { name: "redis", url: () => `redis://127.0.0.1:6379/0?namespace=${namespace}`, runs: 8, drop: true },
];

/** One write of an entity's history: some features' values at an event time (a day after START). */
const write = fc.record({ values: everythingRecord, day: fc.integer({ min: 0, max: 40 }) });

const scenario = fc.record({
  histories: fc.array(fc.array(write, { minLength: 1, maxLength: 4 }), { minLength: 1, maxLength: 5 }),
  rows: fc.array(
    fc.record({
      // Past the last entity: an entity with no values at all.
      entity: fc.nat({ max: 5 }),
      day: fc.integer({ min: -1, max: 42 }),
      // Exactly at a write's event time, or a moment after the day began.
      offsetMs: fc.constantFrom(0, 1, DAY / 2),
    }),
    { minLength: 1, maxLength: 8 },
  ),
  names: fc.shuffledSubarray([...EVERYTHING_FEATURES], { minLength: 1 }),
});

interface WireRow {
  values: Record<string, unknown>;
  transform: string | null;
}

describe.each(BACKENDS)("a training set through a transform is what serving serves, on $name", (backend) => {
  let url: string;
  let store: FeatureStore;
  let service: FeatureService;
  let app: FeatureStoreApp;

  beforeAll(async () => {
    url = backend.url();
    store = await openStore(url);
    service = new FeatureService(store);
    await service.registerGroup(EVERYTHING_GROUP);
    app = createApp({ service });
  });

  afterAll(async () => {
    await store?.close();
    if (backend.drop) await dropStore(url);
  });

  it("every row equals the vector as of its instant: library, GraphQL and file export (property)", async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(scenario, async ({ histories, rows, names }) => {
        run++;
        const id = (i: number) => `r${run}-e${i}`;
        // Fitting needs a value of each fitted feature.
        await service.ingest({ x: 1, y: 1, c: "a", d: "q" }, id(99), { eventTime: new Date(START) });
        for (const [i, history] of histories.entries()) {
          for (const { values, day } of history) {
            if (Object.keys(values).length > 0) {
              await service.ingest(values, id(i), { eventTime: new Date(START + day * DAY) });
            }
          }
        }
        const { transform } = await service.registerTransform(EVERYTHING);
        const reference = `${transform.name}@${transform.version}`;
        const entityRows = rows.map((r, target) => ({
          entityId: id(r.entity),
          timestamp: new Date(START + r.day * DAY + r.offsetMs),
          target,
        }));

        // The library: one chunk per two rows, so rows cross chunk boundaries.
        const training = [];
        for await (const chunk of service.trainingSet(entityRows, names, {
          transform: reference,
          chunkSize: 2,
        })) {
          training.push(...chunk);
        }
        expect(training).toHaveLength(rows.length);
        const served = [];
        for (const [i, row] of entityRows.entries()) {
          const vector = await service.getFeatures(row.entityId, names, reference, { asOf: row.timestamp });
          served.push(vector);
          const trained = training[i];
          expect(trained?.transform).toBe(reference);
          expect(vector.transform).toBe(reference);
          expect(trained?.columns).toEqual({ target: i });
          expect(trained?.values).toEqual(vector.values);
          expect(trained?.entries).toEqual(vector.entries);
          expect(Object.keys(vector.values)).toEqual([...names, ...EVERYTHING_DERIVED]);
        }
        // Over the wire, what a model server and a training job each see: the same JSON.
        const asJson = served.map((v) => JSON.parse(JSON.stringify(v.values)));
        const vectorFields = entityRows.map(
          (row, i) =>
            `v${i}: vector(entityId: "${row.entityId}", featureNames: $names, asOf: "${row.timestamp.toISOString()}", transform: $t) { values transform }`,
        );
        const reply = await post<Record<string, WireRow> & { ts: WireRow[] }>(app, {
          query: `query ($rows: [EntityRowInput!]!, $names: [String!]!, $t: String) {
            ts: trainingSet(rows: $rows, featureNames: $names, transform: $t) { values transform }
            ${vectorFields.join("\n")}
          }`,
          variables: {
            rows: entityRows.map((r) => ({
              entityId: r.entityId,
              timestamp: r.timestamp.toISOString(),
              columns: { target: r.target },
            })),
            names,
            t: reference,
          },
        });
        expect(reply.errors).toBeUndefined();
        for (const [i, json] of asJson.entries()) {
          expect(reply.data?.ts[i]).toEqual({ values: json, transform: reference });
          expect(reply.data?.[`v${i}`]).toEqual({ values: json, transform: reference });
        }
        // A file: NDJSON keeps JSON's types, so each feature column is the served value.
        const out = new PassThrough();
        const chunks: Buffer[] = [];
        out.on("data", (c: Buffer) => chunks.push(c));
        const ndjson = entityRows
          .map((r) =>
            JSON.stringify({ entity_id: r.entityId, timestamp: r.timestamp.toISOString(), target: r.target }),
          )
          .join("\n");
        const report = await exportTrainingSet(service, {
          rows: { stream: [ndjson] },
          rowsFormat: "ndjson",
          featureNames: names,
          out,
          outFormat: "ndjson",
          transform: reference,
          chunkSize: 3,
        });
        expect(report).toEqual({ rows: rows.length, transform: reference });
        const lines = Buffer.concat(chunks)
          .toString("utf8")
          .trim()
          .split("\n")
          .map((line) => JSON.parse(line) as Record<string, unknown>);
        for (const [i, line] of lines.entries()) {
          const { entity_id, timestamp, target, ...features } = line;
          expect([entity_id, timestamp, target]).toEqual([
            entityRows[i]?.entityId,
            entityRows[i]?.timestamp.toISOString(),
            i,
          ]);
          expect(features).toEqual(asJson[i]);
          expect(Object.keys(features)).toEqual(Object.keys(asJson[i]));
        }
      }),
      { numRuns: backend.runs },
    );
  }, 240_000);
});
