import { describe, expect, it } from "vitest";
import { codes, run, testApp } from "./client.js";
import {
  FeatureVersionsDocument,
  TrainingSetDocument,
  UpdateFeatureDocument,
  ValueDocument,
  VectorDocument,
} from "./generated/graphql.js";

const WRITE = "write-token-for-definition-versions";
const DAY_MS = 86_400_000;

describe("updateFeature and feature(name, version)", () => {
  it("stores a change as a new version that needs the write token, keeping the old one readable", async () => {
    const { app } = await testApp({ auth: { writeToken: WRITE } });
    const input = { name: "clicks_7d", description: "Clicks, kept two weeks", ttlSeconds: 14 * 86_400 };
    const anonymous = await run(app, UpdateFeatureDocument, { input });
    expect(anonymous.status).toBe(401);
    expect(codes(anonymous)).toEqual(["UNAUTHENTICATED"]);

    const auth = { authorization: `Bearer ${WRITE}` };
    const updated = await run(app, UpdateFeatureDocument, { input }, auth);
    expect(updated.errors).toBeUndefined();
    expect(updated.data?.updateFeature).toMatchObject({
      name: "clicks_7d",
      version: 2,
      ttlSeconds: 14 * 86_400,
      description: "Clicks, kept two weeks",
      // Left out: kept.
      defaultValue: 0,
      tags: ["activity", "user"],
    });
    expect(Date.parse(updated.data?.updateFeature?.validFrom ?? "")).toBeGreaterThan(Date.now() - 60_000);
    // The same change again is a no-op.
    const again = await run(app, UpdateFeatureDocument, { input }, auth);
    expect(again.data?.updateFeature?.version).toBe(2);
    // null clears a field.
    const cleared = await run(
      app,
      UpdateFeatureDocument,
      { input: { name: "clicks_7d", ttlSeconds: null } },
      auth,
    );
    expect(cleared.data?.updateFeature).toMatchObject({ version: 3, ttlSeconds: null });

    const newest = await run(app, FeatureVersionsDocument, { name: "clicks_7d" });
    expect(newest.data?.feature?.version).toBe(3);
    expect(
      newest.data?.feature?.versions.map((v) => [v.version, v.ttlSeconds, v.validFrom === null]),
    ).toEqual([
      [1, 7 * 86_400, true],
      [2, 14 * 86_400, false],
      [3, null, false],
    ]);
    const first = await run(app, FeatureVersionsDocument, { name: "clicks_7d", version: 1 });
    expect(first.data?.feature).toMatchObject({
      version: 1,
      validFrom: null,
      ttlSeconds: 7 * 86_400,
      description: "Clicks in the last 7 days; expires after a week without an update",
    });
    expect(
      (await run(app, FeatureVersionsDocument, { name: "clicks_7d", version: 9 })).data?.feature,
    ).toBeNull();
  });

  it("refuses what the input cannot express and a bad value, storing nothing", async () => {
    const { app } = await testApp();
    // Types cannot change through updateFeature at all: the input has no such field.
    const typed = await run(app, UpdateFeatureDocument, {
      input: { name: "age", valueType: "FLOAT" } as unknown as { name: string },
    });
    expect(codes(typed)).toEqual(["BAD_USER_INPUT"]);
    const wrongDefault = await run(app, UpdateFeatureDocument, {
      input: { name: "age", defaultValue: "old" },
    });
    expect(codes(wrongDefault)).toEqual(["VALIDATION_FAILED"]);
    expect(wrongDefault.data?.updateFeature).toBeNull();
    const missing = await run(app, UpdateFeatureDocument, { input: { name: "ghost", description: "x" } });
    expect(codes(missing)).toEqual(["FEATURE_NOT_FOUND"]);
    const read = await run(app, FeatureVersionsDocument, { name: "age" });
    expect(read.data?.feature?.versions.map((v) => v.version)).toEqual([1]);
  });

  it("reads, vectors and training rows use the version in force at the instant read", async () => {
    const { app, service } = await testApp({ demo: false });
    await service.registerFeature({
      name: "score",
      featureType: "NUMERIC",
      valueType: "INT",
      defaultValue: 0,
    });
    await service.ingest({ score: 7 }, "u1", { eventTime: new Date(Date.now() - 10 * DAY_MS) });
    const beforeChange = new Date(Date.now() - DAY_MS).toISOString();
    const changed = await run(app, UpdateFeatureDocument, {
      input: { name: "score", ttlSeconds: 2 * 86_400, defaultValue: -1 },
    });
    expect(changed.errors).toBeUndefined();
    const afterChange = new Date().toISOString();

    const now = await run(app, VectorDocument, { entityId: "u1", featureNames: ["score"] });
    expect(now.data?.vector?.values).toEqual({ score: -1 });
    const then = await run(app, VectorDocument, {
      entityId: "u1",
      featureNames: ["score"],
      asOf: beforeChange,
    });
    expect(then.data?.vector?.values).toEqual({ score: 7 });
    expect((await run(app, ValueDocument, { featureName: "score", entityId: "u1" })).data?.value).toBeNull();
    const valueThen = await run(app, ValueDocument, {
      featureName: "score",
      entityId: "u1",
      asOf: beforeChange,
    });
    expect(valueThen.data?.value?.value).toBe(7);

    const rows = await run(app, TrainingSetDocument, {
      rows: [
        { entityId: "u1", timestamp: beforeChange },
        { entityId: "u1", timestamp: afterChange },
        { entityId: "u2", timestamp: beforeChange },
      ],
      featureNames: ["score"],
    });
    expect(rows.errors).toBeUndefined();
    expect(rows.data?.trainingSet?.map((r) => r.values)).toEqual([{ score: 7 }, { score: -1 }, { score: 0 }]);
  });
});
