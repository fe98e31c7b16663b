import { PassThrough } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { exportTrainingSet } from "../../src/files/training-set-export.js";
import { dropStore, FeatureService, type FeatureStore, openStore } from "../../src/index.js";
import { errorCode } from "../../src/testing.js";

/**
 * Redis keeps the newest `historyRetention` entries per key: a value as of an instant before
 * them is unknown, and a read says `historyTrimmed` rather than guess. A transform must not
 * turn that unknown into a value (FILL_DEFAULT would fill it, a derived feature would compute
 * from it), on the serving path or the training path.
 */
const url = `redis://127.0.0.1:6379/0?namespace=trimmed_transform_${process.pid}_${Date.now()}&historyRetention=2`;
const day = (d: number) => new Date(Date.UTC(2026, 0, d));
let store: FeatureStore;
let service: FeatureService;

beforeAll(async () => {
  store = await openStore(url);
  service = new FeatureService(store);
  await service.registerFeature({ name: "y", featureType: "NUMERIC", valueType: "FLOAT" });
  await service.registerFeature({ name: "k", featureType: "NUMERIC", valueType: "INT", defaultValue: 0 });
  for (const d of [1, 2, 3, 4]) await service.ingest({ y: d }, "u1", { eventTime: day(d) });
  await service.ingest({ k: 5 }, "u1", { eventTime: day(1) });
  await service.registerTransform({
    name: "fill",
    features: [{ featureName: "y", steps: [{ kind: "FILL_DEFAULT", value: -1 }] }],
    derived: [
      { name: "twice", expression: "coalesce(y, 0) * 2", featureType: "NUMERIC", valueType: "FLOAT" },
    ],
  });
});

afterAll(async () => {
  await store?.close();
  await dropStore(url);
});

describe("a transform over history Redis has trimmed", () => {
  it("serves the unknown as unknown, through steps and derived features", async () => {
    const vector = await service.getFeatures("u1", ["y", "k"], "fill@1", { asOf: day(1) });
    expect(vector.entries.map((e) => [e.featureName, e.value, e.historyTrimmed])).toEqual([
      ["y", null, true],
      ["k", 5, undefined],
      ["twice", null, true],
    ]);
    // Within what is kept, the steps run as ever.
    expect((await service.getFeatures("u1", ["y"], "fill@1", { asOf: day(3) })).values).toEqual({
      y: 3,
      twice: 6,
    });
  });

  it("gives the training set the same answer, and a file export refuses it", async () => {
    const rows = [{ entityId: "u1", timestamp: day(1) }];
    const trained = [];
    for await (const chunk of service.trainingSet(rows, ["y", "k"], { transform: "fill@1" }))
      trained.push(...chunk);
    const served = await service.getFeatures("u1", ["y", "k"], "fill@1", { asOf: day(1) });
    expect(trained[0]?.entries).toEqual(served.entries);
    const out = new PassThrough();
    const written = await errorCode(
      exportTrainingSet(service, {
        rows: { stream: ["entity_id,timestamp\nu1,2026-01-01T00:00:00Z\n"] },
        rowsFormat: "csv",
        featureNames: ["y"],
        out,
        outFormat: "csv",
        transform: "fill@1",
      }),
    );
    expect(written).toBe("HISTORY_TRIMMED");
  });
});
