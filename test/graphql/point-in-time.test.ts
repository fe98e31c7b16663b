import { beforeEach, describe, expect, it } from "vitest";
import { codes, run, type TestApp, testApp } from "./client.js";
import {
  GroupVectorDocument,
  TrainingSetDocument,
  VectorDocument,
  VectorsDocument,
} from "./generated/graphql.js";

let t: TestApp;
const day = (d: number) => new Date(Date.UTC(2026, 0, d));

beforeEach(async () => {
  t = await testApp();
  await t.service.registerGroup({
    name: "history",
    features: [
      { name: "score", featureType: "NUMERIC", valueType: "INT", defaultValue: 0 },
      { name: "fresh", featureType: "NUMERIC", valueType: "FLOAT", ttlSeconds: 86_400 },
    ],
  });
  await t.store.setValues([
    { featureName: "score", entityId: "u1", value: 1, eventTime: day(1) },
    { featureName: "score", entityId: "u1", value: 2, eventTime: day(5) },
    { featureName: "fresh", entityId: "u1", value: 0.5, eventTime: day(1) },
    { featureName: "score", entityId: "u2", value: 7, eventTime: day(3) },
  ]);
  t.store.resetCounts();
});

describe("vectors as of a time", () => {
  it("answers vector, vectors and groupVector as of the instant, TTL judged then", async () => {
    const one = await run(t.app, VectorDocument, {
      entityId: "u1",
      featureNames: ["score", "fresh"],
      asOf: day(1.5).toISOString(),
    });
    expect(one.errors).toBeUndefined();
    expect(one.data?.vector?.values).toEqual({ score: 1, fresh: 0.5 });
    expect(one.data?.vector?.features.map((f) => [f.version, f.timestamp])).toEqual([
      [1, day(1).toISOString()],
      [1, day(1).toISOString()],
    ]);
    const many = await run(t.app, VectorsDocument, {
      entityIds: ["u1", "u2", "u3"],
      featureNames: ["score", "fresh"],
      asOf: day(4).toISOString(),
    });
    expect(many.data?.vectors?.map((v) => v.values)).toEqual([
      { score: 1, fresh: null },
      { score: 7, fresh: null },
      { score: 0, fresh: null },
    ]);
    const group = await run(t.app, GroupVectorDocument, {
      entityId: "u1",
      groupName: "history",
      asOf: day(6).toISOString(),
    });
    expect(group.data?.groupVector?.values).toEqual({ score: 2, fresh: null });
    const now = await run(t.app, VectorDocument, { entityId: "u1", featureNames: ["score"] });
    expect(now.data?.vector?.values).toEqual({ score: 2 });
  });

  it("reads one batch per feature set and instant, however many fields ask", async () => {
    const reply = await run(t.app, VectorsDocument, {
      entityIds: ["u1", "u2", "u1"],
      featureNames: ["score"],
      asOf: day(4).toISOString(),
    });
    expect(reply.errors).toBeUndefined();
    expect(t.store.vectorsCalls).toEqual([
      { entityIds: ["u1", "u2"], featureNames: ["score"], asOfMs: day(4).getTime() },
    ]);
  });

  it("refuses an asOf that is not an instant with BAD_USER_INPUT", async () => {
    const reply = await run(t.app, VectorDocument, {
      entityId: "u1",
      featureNames: ["score"],
      asOf: "yesterday",
    });
    expect(reply.status).toBe(400);
    expect(codes(reply)).toEqual(["BAD_USER_INPUT"]);
  });
});

describe("trainingSet", () => {
  it("joins rows point in time, in order, passing columns through", async () => {
    const reply = await run(t.app, TrainingSetDocument, {
      rows: [
        { entityId: "u1", timestamp: day(2).toISOString(), columns: { label: 1, weight: 0.5 } },
        { entityId: "u1", timestamp: day(6).toISOString(), columns: { label: 0 } },
        { entityId: "u2", timestamp: day(2).toISOString() },
      ],
      featureNames: ["score", "fresh"],
    });
    expect(reply.errors).toBeUndefined();
    expect(reply.data?.trainingSet?.map((r) => [r.entityId, r.timestamp, r.columns, r.values])).toEqual([
      ["u1", day(2).toISOString(), { label: 1, weight: 0.5 }, { score: 1, fresh: 0.5 }],
      ["u1", day(6).toISOString(), { label: 0 }, { score: 2, fresh: null }],
      ["u2", day(2).toISOString(), {}, { score: 0, fresh: null }],
    ]);
    expect(
      reply.data?.trainingSet?.[1]?.features.map((f) => [f.version, f.timestamp, f.usedDefault]),
    ).toEqual([
      [2, day(5).toISOString(), false],
      [null, null, true],
    ]);
  });

  it("refuses an unregistered feature, bad columns and sets past the cost limit with coded errors", async () => {
    const rows = [{ entityId: "u1", timestamp: day(2).toISOString() }];
    const ghost = await run(t.app, TrainingSetDocument, { rows, featureNames: ["score", "ghost"] });
    expect(codes(ghost)).toEqual(["FEATURE_NOT_FOUND"]);
    expect(ghost.data?.trainingSet).toBeNull();
    const badColumns = await run(t.app, TrainingSetDocument, {
      rows: [{ entityId: "u1", timestamp: day(2).toISOString(), columns: [1, 2] }],
      featureNames: ["score"],
    });
    expect(codes(badColumns)).toEqual(["VALIDATION_FAILED"]);
    // Priced like vectors: rows x features, plus each row's selection (67 per row here).
    const small = await testApp({ limits: { maxCost: 350 } });
    const many = Array.from({ length: 6 }, (_, i) => ({
      entityId: `u${i}`,
      timestamp: day(2).toISOString(),
    }));
    const tooBig = await run(small.app, TrainingSetDocument, {
      rows: many,
      featureNames: ["age", "country"],
    });
    expect(tooBig.status).toBe(400);
    expect(codes(tooBig)).toEqual(["LIMIT_EXCEEDED"]);
    const fits = await run(small.app, TrainingSetDocument, {
      rows: many.slice(0, 5),
      featureNames: ["age", "country"],
    });
    expect(fits.errors).toBeUndefined();
    expect(fits.data?.trainingSet).toHaveLength(5);
  });
});
