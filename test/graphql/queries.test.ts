import { beforeEach, describe, expect, it } from "vitest";
import { FeatureService, FeatureTransform } from "../../src/index.js";
import { codes, run, type TestApp, testApp } from "./client.js";
import { CountingStore } from "./counting-store.js";
import {
  FeatureDocument,
  FeaturesDocument,
  GroupDocument,
  GroupsDocument,
  GroupVectorDocument,
  HistoryDocument,
  ValueDocument,
  VectorDocument,
  VectorsDocument,
} from "./generated/graphql.js";

let t: TestApp;

beforeEach(async () => {
  t = await testApp();
});

describe("features / feature", () => {
  it("lists every definition sorted by name, with all its fields", async () => {
    const reply = await run(t.app, FeaturesDocument, {});
    expect(reply.status).toBe(200);
    const names = reply.data?.features?.map((f) => f.name) ?? [];
    expect(names).toEqual([...names].sort());
    expect(names).toHaveLength(14);
    expect(reply.data?.features?.find((f) => f.name === "clicks_7d")).toEqual({
      name: "clicks_7d",
      featureType: "NUMERIC",
      valueType: "INT",
      defaultValue: 0,
      tags: ["activity", "user"],
      ttlSeconds: 604_800,
      description: "Clicks in the last 7 days; expires after a week without an update",
      dimension: null,
    });
  });

  it("filters by tag", async () => {
    const reply = await run(t.app, FeaturesDocument, { tag: "item" });
    expect(reply.data?.features?.map((f) => f.name)).toEqual([
      "item_category",
      "item_embedding",
      "item_price",
    ]);
    const none = await run(t.app, FeaturesDocument, { tag: "no-such-tag" });
    expect(none.data?.features).toEqual([]);
  });

  it("finds one feature by name, or null", async () => {
    const found = await run(t.app, FeatureDocument, { name: "item_embedding" });
    expect(found.data?.feature).toMatchObject({ featureType: "EMBEDDING", valueType: "LIST", dimension: 4 });
    const missing = await run(t.app, FeatureDocument, { name: "nope" });
    expect(missing.errors).toBeUndefined();
    expect(missing.data?.feature).toBeNull();
  });
});

describe("value / history", () => {
  it("reads the current value with its version, timestamp and age", async () => {
    const reply = await run(t.app, ValueDocument, { featureName: "clicks_7d", entityId: "user-1" });
    const value = reply.data?.value;
    expect(value).toMatchObject({ featureName: "clicks_7d", entityId: "user-1", value: 15, version: 2 });
    expect(new Date(value?.timestamp ?? "").toISOString()).toBe(value?.timestamp);
    expect(value?.ageSeconds).toBeGreaterThanOrEqual(0);
  });

  it("reads an exact version and the value in force as of an instant", async () => {
    const v1 = await run(t.app, ValueDocument, { featureName: "clicks_7d", entityId: "user-1", version: 1 });
    expect(v1.data?.value).toMatchObject({ value: 12, version: 1 });
    const asOf = new Date(Date.now() - 3_600_000).toISOString();
    const before = await run(t.app, ValueDocument, { featureName: "clicks_7d", entityId: "user-1", asOf });
    expect(before.data?.value).toMatchObject({ value: 12, version: 1 });
    const longAgo = await run(t.app, ValueDocument, {
      featureName: "clicks_7d",
      entityId: "user-1",
      asOf: "2000-01-01T00:00:00Z",
    });
    expect(longAgo.data?.value).toBeNull();
  });

  it("gives null for a key never written and VALIDATION_FAILED for version and asOf together", async () => {
    const none = await run(t.app, ValueDocument, { featureName: "age", entityId: "user-404" });
    expect(none.data?.value).toBeNull();
    const both = await run(t.app, ValueDocument, {
      featureName: "age",
      entityId: "user-1",
      version: 1,
      asOf: "2024-01-01T00:00:00Z",
    });
    expect(codes(both)).toEqual(["VALIDATION_FAILED"]);
  });

  it("accepts an integer entity id as an ID", async () => {
    await t.service.ingest({ age: 40 }, "42");
    const reply = await run(t.app, ValueDocument, { featureName: "age", entityId: 42 });
    expect(reply.data?.value).toMatchObject({ entityId: "42", value: 40 });
  });

  it("lists the history in version order", async () => {
    const reply = await run(t.app, HistoryDocument, { featureName: "clicks_7d", entityId: "user-1" });
    expect(reply.data?.history?.map((v) => [v.version, v.value])).toEqual([
      [1, 12],
      [2, 15],
    ]);
  });
});

describe("vector / vectors", () => {
  it("serves values, defaults and unregistered names, with per-feature provenance", async () => {
    const reply = await run(t.app, VectorDocument, {
      entityId: "user-2",
      featureNames: ["age", "is_premium", "unknown_feature"],
    });
    expect(reply.errors).toBeUndefined();
    const vector = reply.data?.vector;
    expect(vector?.entityId).toBe("user-2");
    expect(vector?.values).toEqual({ age: 25, is_premium: false, unknown_feature: null });
    expect(vector?.features).toEqual([
      {
        featureName: "age",
        value: 25,
        version: 1,
        timestamp: expect.any(String),
        usedDefault: false,
        registered: true,
      },
      {
        featureName: "is_premium",
        value: false,
        version: null,
        timestamp: null,
        usedDefault: true,
        registered: true,
      },
      {
        featureName: "unknown_feature",
        value: null,
        version: null,
        timestamp: null,
        usedDefault: false,
        registered: false,
      },
    ]);
  });

  it("keeps the order of featureNames in values and features", async () => {
    const names = ["sessions_30d", "age", "country", "clicks_7d"];
    const reply = await run(t.app, VectorDocument, { entityId: "user-1", featureNames: names });
    expect(Object.keys(reply.data?.vector?.values as object)).toEqual(names);
    expect(reply.data?.vector?.features.map((f) => f.featureName)).toEqual(names);
  });

  it("applies the service's transform only when asked", async () => {
    const store = new CountingStore();
    const service = new FeatureService(store, {
      transform: new FeatureTransform().add("age", (v) => (typeof v === "number" ? v / 100 : v)),
    });
    const own = await testApp({ service });
    const raw = await run(own.app, VectorDocument, { entityId: "user-1", featureNames: ["age"] });
    expect(raw.data?.vector?.values).toEqual({ age: 31 });
    const scaled = await run(own.app, VectorDocument, {
      entityId: "user-1",
      featureNames: ["age"],
      applyTransform: true,
    });
    expect(scaled.data?.vector?.values).toEqual({ age: 0.31 });
    expect(scaled.data?.vector?.features[0]?.value).toBe(0.31);
  });

  it("returns one vector per id, in the order given, duplicates included", async () => {
    const ids = ["user-3", "user-404", "user-1", "user-3"];
    const reply = await run(t.app, VectorsDocument, { entityIds: ids, featureNames: ["age", "country"] });
    expect(reply.data?.vectors?.map((v) => v.entityId)).toEqual(ids);
    expect(reply.data?.vectors?.map((v) => v.values)).toEqual([
      { age: 47, country: "US" },
      { age: 0, country: "unknown" },
      { age: 31, country: "FR" },
      { age: 47, country: "US" },
    ]);
  });

  it("answers an empty id list with an empty list", async () => {
    const reply = await run(t.app, VectorsDocument, { entityIds: [], featureNames: ["age"] });
    expect(reply.data?.vectors).toEqual([]);
  });
});

describe("groups / group / groupVector", () => {
  it("lists groups sorted by name, each with its features and a vector", async () => {
    const reply = await run(t.app, GroupsDocument, { entityId: "user-3" });
    expect(reply.errors).toBeUndefined();
    const groups = reply.data?.groups ?? [];
    expect(groups.map((g) => g.name)).toEqual(["item", "user_activity", "user_profile", "user_signals"]);
    const activity = groups[1];
    expect(activity?.featureNames).toEqual([
      "clicks_7d",
      "sessions_30d",
      "avg_session_minutes",
      "recent_categories",
    ]);
    expect(activity?.features.map((f) => f.name)).toEqual(activity?.featureNames);
    expect(activity?.tags).toEqual(["demo", "user"]);
    expect(activity?.vector.values).toEqual({
      clicks_7d: 41,
      sessions_30d: 35,
      avg_session_minutes: 0,
      recent_categories: ["electronics", "garden"],
    });
  });

  it("finds a group by name with full definitions, or null", async () => {
    const found = await run(t.app, GroupDocument, { name: "item" });
    expect(found.data?.group).toMatchObject({ name: "item", description: "Catalogue items" });
    expect(found.data?.group?.features[0]).toMatchObject({ name: "item_embedding", dimension: 4 });
    const missing = await run(t.app, GroupDocument, { name: "nope" });
    expect(missing.data?.group).toBeNull();
  });

  it("reads a group's vector for an entity", async () => {
    const reply = await run(t.app, GroupVectorDocument, { entityId: "item-2", groupName: "item" });
    expect(reply.data?.groupVector?.values).toEqual({
      item_embedding: [0.5, 0.1, -0.2, 0.05],
      item_price: 249,
      item_category: "electronics",
    });
  });

  it("answers an unknown group with GROUP_NOT_FOUND", async () => {
    const reply = await run(t.app, GroupVectorDocument, { entityId: "user-1", groupName: "nope" });
    expect(reply.status).toBe(200);
    expect(reply.data).toEqual({ groupVector: null });
    expect(codes(reply)).toEqual(["GROUP_NOT_FOUND"]);
    expect(reply.errors?.[0]?.path).toEqual(["groupVector"]);
    expect(reply.errors?.[0]?.extensions).toMatchObject({ groupName: "nope" });
  });

  it("answers a malformed group name with VALIDATION_FAILED, as the service does", async () => {
    const reply = await run(t.app, GroupVectorDocument, { entityId: "user-1", groupName: "" });
    expect(reply.data).toEqual({ groupVector: null });
    expect(codes(reply)).toEqual(["VALIDATION_FAILED"]);
    const service = await t.service.requireGroup("").catch((err: { code?: string }) => err.code);
    expect(service).toBe("VALIDATION_FAILED");
  });
});
