import { beforeEach, describe, expect, it } from "vitest";
import { codes, query, run, type TestApp, testApp } from "./client.js";
import {
  DeleteValueDocument,
  type FeatureDefinitionInput,
  FeatureDocument,
  type FeatureGroupInput,
  GroupDocument,
  HistoryDocument,
  IngestBatchDocument,
  IngestBetweenReadsDocument,
  IngestDocument,
  RegisterFeatureDocument,
  RegisterGroupDocument,
  ValueDocument,
  VectorDocument,
} from "./generated/graphql.js";

let t: TestApp;

beforeEach(async () => {
  t = await testApp();
});

describe("registerFeature", () => {
  it("registers a definition and returns it normalized", async () => {
    const reply = await run(t.app, RegisterFeatureDocument, {
      input: {
        name: "score",
        featureType: "NUMERIC",
        valueType: "FLOAT",
        defaultValue: 0.5,
        tags: ["z", "a", "z"],
        ttlSeconds: 60,
        description: "a score",
      },
    });
    expect(reply.errors).toBeUndefined();
    expect(reply.data?.registerFeature).toEqual({
      name: "score",
      featureType: "NUMERIC",
      valueType: "FLOAT",
      defaultValue: 0.5,
      tags: ["a", "z"],
      ttlSeconds: 60,
      description: "a score",
      dimension: null,
    });
    const read = await run(t.app, FeatureDocument, { name: "score" });
    expect(read.data?.feature?.name).toBe("score");
  });

  it("is a no-op for the same definition and a CONFLICT for a different one", async () => {
    const input: FeatureDefinitionInput = {
      name: "age",
      featureType: "NUMERIC",
      valueType: "INT",
      defaultValue: 0,
      tags: ["user"],
    };
    const same = await run(t.app, RegisterFeatureDocument, { input });
    expect(same.errors).toBeUndefined();
    const different = await run(t.app, RegisterFeatureDocument, { input: { ...input, defaultValue: 1 } });
    expect(codes(different)).toEqual(["CONFLICT"]);
    expect(different.errors?.[0]?.extensions).toMatchObject({ featureName: "age" });
  });

  it("refuses a malformed definition with VALIDATION_FAILED and registers nothing", async () => {
    const badDefault = await run(t.app, RegisterFeatureDocument, {
      input: { name: "flag", featureType: "BOOLEAN", valueType: "BOOL", defaultValue: "yes" },
    });
    expect(codes(badDefault)).toEqual(["VALIDATION_FAILED"]);
    const badName = await run(t.app, RegisterFeatureDocument, {
      input: { name: "9 lives", featureType: "NUMERIC", valueType: "INT" },
    });
    expect(codes(badName)).toEqual(["VALIDATION_FAILED"]);
    expect((await run(t.app, FeatureDocument, { name: "flag" })).data?.feature).toBeNull();
  });

  it("refuses an unknown enum value before running anything", async () => {
    const reply = await query(
      t.app,
      'mutation { registerFeature(input: { name: "x", featureType: NUMBER, valueType: INT }) { name } }',
    );
    expect(reply.status).toBe(400);
    expect(reply.data).toBeUndefined();
  });
});

describe("registerGroup", () => {
  const group: FeatureGroupInput = {
    name: "session",
    description: "One browsing session",
    tags: ["web"],
    features: [
      { name: "pages", featureType: "NUMERIC", valueType: "INT", defaultValue: 0 },
      { name: "referrer", featureType: "CATEGORICAL", valueType: "STRING", defaultValue: "direct" },
    ],
  };

  it("registers the group and its features", async () => {
    const reply = await run(t.app, RegisterGroupDocument, { input: group });
    expect(reply.errors).toBeUndefined();
    expect(reply.data?.registerGroup).toMatchObject({
      name: "session",
      description: "One browsing session",
      tags: ["web"],
      featureNames: ["pages", "referrer"],
    });
    expect(reply.data?.registerGroup?.features.map((f) => f.defaultValue)).toEqual([0, "direct"]);
    expect((await run(t.app, GroupDocument, { name: "session" })).data?.group?.name).toBe("session");
  });

  it("registers nothing when one feature conflicts", async () => {
    const reply = await run(t.app, RegisterGroupDocument, {
      input: {
        ...group,
        features: [...group.features, { name: "age", featureType: "NUMERIC", valueType: "FLOAT" }],
      },
    });
    expect(codes(reply)).toEqual(["CONFLICT"]);
    expect((await run(t.app, GroupDocument, { name: "session" })).data?.group).toBeNull();
    expect((await run(t.app, FeatureDocument, { name: "pages" })).data?.feature).toBeNull();
  });

  it("refuses a group without features", async () => {
    const reply = await run(t.app, RegisterGroupDocument, { input: { name: "empty", features: [] } });
    expect(codes(reply)).toEqual(["VALIDATION_FAILED"]);
  });
});

describe("ingest", () => {
  it("returns the written values with their versions", async () => {
    const reply = await run(t.app, IngestDocument, {
      entityId: "user-1",
      features: { clicks_7d: 20, age: 32 },
    });
    expect(reply.errors).toBeUndefined();
    expect(reply.data?.ingest?.entityId).toBe("user-1");
    expect(reply.data?.ingest?.values.map((v) => [v.featureName, v.value, v.version])).toEqual([
      ["clicks_7d", 20, 3],
      ["age", 32, 2],
    ]);
    const read = await run(t.app, ValueDocument, { featureName: "clicks_7d", entityId: "user-1" });
    expect(read.data?.value).toMatchObject({ value: 20, version: 3 });
  });

  it("takes the event time given", async () => {
    const eventTime = "2024-02-29T12:34:56.789Z";
    const reply = await run(t.app, IngestDocument, { entityId: "user-9", features: { age: 50 }, eventTime });
    expect(reply.data?.ingest?.values[0]?.timestamp).toBe(eventTime);
  });

  it("takes the record as an inline literal too", async () => {
    const reply = await query(
      t.app,
      'mutation { ingest(entityId: "user-9", features: { age: 7, recent_categories: ["a", "b"], __proto__: 1 }) { values { featureName value } } }',
    );
    // "__proto__" is an ordinary key, so it is refused as an unregistered feature.
    expect(codes(reply)).toEqual(["FEATURE_NOT_FOUND"]);
    const ok = await query(
      t.app,
      'mutation { ingest(entityId: "user-9", features: { age: 7, recent_categories: ["a", "b"] }) { values { featureName value } } }',
    );
    expect(ok.data).toEqual({
      ingest: {
        values: [
          { featureName: "age", value: 7 },
          { featureName: "recent_categories", value: ["a", "b"] },
        ],
      },
    });
  });

  it("stores nothing when any value of the record is rejected", async () => {
    const reply = await run(t.app, IngestDocument, {
      entityId: "user-1",
      features: { clicks_7d: 99, age: "thirty" },
    });
    expect(codes(reply)).toEqual(["VALIDATION_FAILED"]);
    expect(reply.errors?.[0]?.extensions).toMatchObject({ featureName: "age", entityId: "user-1" });
    const history = await run(t.app, HistoryDocument, { featureName: "clicks_7d", entityId: "user-1" });
    expect(history.data?.history?.map((v) => v.value)).toEqual([12, 15]);
  });

  it("refuses an unknown feature, a record that is not an object, and a bad event time", async () => {
    const unknown = await run(t.app, IngestDocument, { entityId: "user-1", features: { nope: 1 } });
    expect(codes(unknown)).toEqual(["FEATURE_NOT_FOUND"]);
    const notObject = await run(t.app, IngestDocument, { entityId: "user-1", features: [1, 2] });
    expect(codes(notObject)).toEqual(["VALIDATION_FAILED"]);
    const badTime = await run(t.app, IngestDocument, {
      entityId: "user-1",
      features: { age: 1 },
      eventTime: "2024-01-01 10:00",
    });
    expect(badTime.status).toBe(400);
    expect(badTime.errors?.[0]?.message).toContain("ISO 8601");
  });

  it("refuses event times that are not on the calendar or the clock, rather than rolling them over", async () => {
    for (const eventTime of [
      "2024-02-30T00:00:00Z",
      "2023-02-29T00:00:00Z",
      "2024-04-31T12:00:00Z",
      "2024-13-01T00:00:00Z",
      "2024-00-10T00:00:00Z",
      "2024-01-01T24:00:00Z",
      "2024-01-01T23:60:00Z",
      "2024-01-01T23:59:60Z",
      "2024-01-01T12:00:00+24:00",
    ]) {
      const variable = await run(t.app, IngestDocument, { entityId: "cal", features: { age: 1 }, eventTime });
      expect(variable.status, eventTime).toBe(400);
      expect(codes(variable), eventTime).toEqual(["BAD_USER_INPUT"]);
      const inline = await query(
        t.app,
        `mutation { ingest(entityId: "cal", features: { age: 1 }, eventTime: "${eventTime}") { entityId } }`,
      );
      expect(inline.status, eventTime).toBe(400);
    }
    expect(await t.service.store.getValue("age", "cal")).toBeNull();
    for (const eventTime of [
      "2024-02-29T23:59:59Z",
      "2000-02-29T00:00:00+14:00",
      "2024-12-31T00:00:00.123456Z",
    ]) {
      const fine = await run(t.app, IngestDocument, { entityId: "cal", features: { age: 1 }, eventTime });
      expect(fine.errors, eventTime).toBeUndefined();
      expect(Date.parse(fine.data?.ingest?.values[0]?.timestamp ?? "")).toBe(Date.parse(eventTime));
    }
  });
});

describe("ingestBatch", () => {
  it("writes the records with an id and counts the skipped ones", async () => {
    const reply = await run(t.app, IngestBatchDocument, {
      records: [{ uid: "user-7", age: 70, country: "IT" }, { uid: 8, age: 80 }, { age: 99 }],
      entityIdField: "uid",
    });
    expect(reply.errors).toBeUndefined();
    expect(reply.data?.ingestBatch).toEqual({ processed: 2, skipped: 1 });
    const read = await run(t.app, VectorDocument, { entityId: "8", featureNames: ["age", "country"] });
    expect(read.data?.vector?.values).toEqual({ age: 80, country: "unknown" });
  });

  it("skips records without an id field named like an inherited property", async () => {
    for (const field of ["constructor", "toString", "__proto__"]) {
      const reply = await run(t.app, IngestBatchDocument, {
        records: [{ age: 1 }, JSON.parse(`{"${field}": "u-${field}", "age": 42}`)],
        entityIdField: field,
      });
      expect(reply.errors, field).toBeUndefined();
      expect(reply.data?.ingestBatch).toEqual({ processed: 1, skipped: 1 });
      const read = await run(t.app, ValueDocument, { featureName: "age", entityId: `u-${field}` });
      expect(read.data?.value?.value).toBe(42);
    }
  });

  it("writes nothing when one record is bad", async () => {
    const reply = await run(t.app, IngestBatchDocument, {
      records: [{ uid: "user-7", age: 70 }, "not a record"],
      entityIdField: "uid",
    });
    expect(codes(reply)).toEqual(["VALIDATION_FAILED"]);
    const read = await run(t.app, ValueDocument, { featureName: "age", entityId: "user-7" });
    expect(read.data?.value).toBeNull();
  });
});

describe("deleteValue", () => {
  it("deletes the current value: reads fall back to the default, history keeps the old ones", async () => {
    const deleted = await run(t.app, DeleteValueDocument, { featureName: "country", entityId: "user-1" });
    expect(deleted.data?.deleteValue).toBe(true);
    const vector = await run(t.app, VectorDocument, { entityId: "user-1", featureNames: ["country"] });
    expect(vector.data?.vector?.features[0]).toMatchObject({
      value: "unknown",
      usedDefault: true,
      version: null,
    });
    const history = await run(t.app, HistoryDocument, { featureName: "country", entityId: "user-1" });
    expect(history.data?.history?.map((v) => v.value)).toEqual(["FR"]);
    const again = await run(t.app, DeleteValueDocument, { featureName: "country", entityId: "user-1" });
    expect(again.data?.deleteValue).toBe(false);
  });

  it("answers an unknown feature with FEATURE_NOT_FOUND", async () => {
    const reply = await run(t.app, DeleteValueDocument, { featureName: "nope", entityId: "user-1" });
    expect(codes(reply)).toEqual(["FEATURE_NOT_FOUND"]);
  });
});

describe("reads after writes in one request", () => {
  it("see the write: the mutation clears the loader keys it touched", async () => {
    const group: FeatureGroupInput = {
      name: "user_activity",
      description: "How a user behaved recently",
      tags: ["demo", "user"],
      features: [
        {
          name: "clicks_7d",
          featureType: "NUMERIC",
          valueType: "INT",
          defaultValue: 0,
          ttlSeconds: 604_800,
          tags: ["activity", "user"],
          description: "Clicks in the last 7 days; expires after a week without an update",
        },
        {
          name: "sessions_30d",
          featureType: "NUMERIC",
          valueType: "INT",
          defaultValue: 0,
          tags: ["activity", "user"],
        },
        {
          name: "avg_session_minutes",
          featureType: "NUMERIC",
          valueType: "FLOAT",
          defaultValue: 0,
          tags: ["activity", "user"],
        },
        {
          name: "recent_categories",
          featureType: "CATEGORICAL",
          valueType: "LIST",
          defaultValue: [],
          tags: ["activity", "user"],
        },
      ],
    };
    const reply = await run(t.app, IngestBetweenReadsDocument, {
      entityId: "user-2",
      group,
      features: { clicks_7d: 77 },
    });
    expect(reply.errors).toBeUndefined();
    expect(reply.data?.before?.vector.values).toMatchObject({ clicks_7d: 3 });
    expect(reply.data?.after?.vector.values).toMatchObject({ clicks_7d: 77 });
  });

  it("see a deletion", async () => {
    const reply = await query(
      t.app,
      `mutation {
        before: ingest(entityId: "user-1", features: { age: 33 }) { entityId }
        deleteValue(featureName: "age", entityId: "user-1")
      }`,
    );
    expect(reply.data).toEqual({ before: { entityId: "user-1" }, deleteValue: true });
    const after = await run(t.app, ValueDocument, { featureName: "age", entityId: "user-1" });
    expect(after.data?.value).toBeNull();
  });
});
