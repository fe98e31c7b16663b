import { beforeEach, describe, expect, it } from "vitest";
import { query, type TestApp, testApp } from "./client.js";

let t: TestApp;

beforeEach(async () => {
  t = await testApp();
});

const FEATURES = '["age", "country", "clicks_7d"]';

describe("DataLoader batching", () => {
  it("serves 100 aliased vector fields with one getVectors call", async () => {
    const fields = Array.from(
      { length: 100 },
      (_, i) => `v${i}: vector(entityId: "user-${i}", featureNames: ${FEATURES}) { entityId values }`,
    );
    const reply = await query<Record<string, { entityId: string; values: Record<string, unknown> }>>(
      t.app,
      `{ ${fields.join("\n")} }`,
    );
    expect(reply.errors).toBeUndefined();
    expect(t.store.vectorsCalls).toHaveLength(1);
    expect(t.store.vectorsCalls[0]?.entityIds).toHaveLength(100);
    expect(t.store.vectorsCalls[0]?.featureNames).toEqual(["age", "country", "clicks_7d"]);
    // Each alias still gets its own entity's vector.
    expect(reply.data?.v1?.values).toEqual({ age: 31, country: "FR", clicks_7d: 15 });
    expect(reply.data?.v3?.values).toEqual({ age: 47, country: "US", clicks_7d: 41 });
    expect(reply.data?.v99?.entityId).toBe("user-99");
  });

  it("merges vector, vectors and repeated ids of one feature set into one call", async () => {
    const reply = await query(
      t.app,
      `{
        a: vector(entityId: "user-1", featureNames: ${FEATURES}) { values }
        b: vectors(entityIds: ["user-2", "user-3", "user-1"], featureNames: ${FEATURES}) { values }
        c: vector(entityId: "user-2", featureNames: ${FEATURES}) { values }
      }`,
    );
    expect(reply.errors).toBeUndefined();
    expect(t.store.vectorsCalls).toEqual([
      {
        entityIds: ["user-1", "user-2", "user-3"],
        featureNames: ["age", "country", "clicks_7d"],
        valuesOnly: true,
      },
    ]);
  });

  it("reads vectors without their entries unless `features` is selected, through fragments too", async () => {
    type Vector = {
      values: Record<string, unknown>;
      features?: { featureName: string; value: unknown; version: number | null; usedDefault: boolean }[];
    };
    const reply = await query<Record<string, Vector | Vector[]>>(
      t.app,
      `{
        lean: vector(entityId: "user-1", featureNames: ${FEATURES}) { values }
        spread: vector(entityId: "user-1", featureNames: ${FEATURES}) { ...withFeatures }
        inline: vectors(entityIds: ["user-2"], featureNames: ${FEATURES}) {
          values
          ... on FeatureVector { features { featureName value version usedDefault } }
        }
      }
      fragment withFeatures on FeatureVector { values features { featureName value version usedDefault } }`,
    );
    expect(reply.errors).toBeUndefined();
    const names = ["age", "country", "clicks_7d"];
    expect(t.store.vectorsCalls).toEqual([
      { entityIds: ["user-1"], featureNames: names, valuesOnly: true },
      { entityIds: ["user-1", "user-2"], featureNames: names },
    ]);
    const lean = reply.data?.lean as Vector;
    const spread = reply.data?.spread as Vector;
    const [inline] = (reply.data?.inline ?? []) as Vector[];
    expect(lean.values).toEqual({ age: 31, country: "FR", clicks_7d: 15 });
    expect(spread.values).toEqual(lean.values);
    expect(spread.features?.map((f) => [f.featureName, f.value, f.usedDefault])).toEqual([
      ["age", 31, false],
      ["country", "FR", false],
      ["clicks_7d", 15, false],
    ]);
    expect(spread.features?.every((f) => f.version !== null && f.version > 0)).toBe(true);
    expect(inline?.features?.map((f) => f.value)).toEqual(Object.values(inline?.values ?? {}));
    expect(inline?.features).toHaveLength(3);
  });

  it("fails only the field whose entity id is malformed, from the same single call", async () => {
    const bad = "x".repeat(600);
    const reply = await query<Record<string, { values: Record<string, unknown> } | null>>(
      t.app,
      `{
        good: vector(entityId: "user-1", featureNames: ${FEATURES}) { values }
        bad: vector(entityId: "${bad}", featureNames: ${FEATURES}) { values }
        also: vectors(entityIds: ["user-2"], featureNames: ${FEATURES}) { values }
      }`,
    );
    expect(reply.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([[["bad"], "VALIDATION_FAILED"]]);
    expect(reply.data?.good?.values).toEqual({ age: 31, country: "FR", clicks_7d: 15 });
    expect(reply.data?.bad).toBeNull();
    expect(t.store.vectorsCalls).toHaveLength(1);
  });

  it("makes one call per distinct feature set", async () => {
    await query(
      t.app,
      `{
        a: vector(entityId: "user-1", featureNames: ["age"]) { values }
        b: vector(entityId: "user-2", featureNames: ["age"]) { values }
        c: vector(entityId: "user-1", featureNames: ["country"]) { values }
        d: vector(entityId: "user-2", featureNames: ["country"]) { values }
      }`,
    );
    expect(t.store.vectorsCalls).toHaveLength(2);
    expect(t.store.vectorsCalls.map((c) => c.entityIds)).toEqual([
      ["user-1", "user-2"],
      ["user-1", "user-2"],
    ]);
  });

  it("batches groupVector and group { vector } fields of one group into one call", async () => {
    const aliases = Array.from(
      { length: 20 },
      (_, i) => `g${i}: groupVector(entityId: "user-${i}", groupName: "user_profile") { values }`,
    );
    const reply = await query<Record<string, { values: Record<string, unknown> }>>(
      t.app,
      `{
        ${aliases.join("\n")}
        one: group(name: "user_profile") { vector(entityId: "user-20") { values } }
      }`,
    );
    expect(reply.errors).toBeUndefined();
    expect(t.store.vectorsCalls).toHaveLength(1);
    expect(t.store.vectorsCalls[0]?.featureNames).toEqual(["age", "country", "is_premium", "signup_date"]);
    expect(t.store.vectorsCalls[0]?.entityIds).toHaveLength(21);
    expect(reply.data?.g3?.values).toMatchObject({ age: 47, country: "US" });
  });

  it("reads each group's vectors in one call per group", async () => {
    const reply = await query(
      t.app,
      '{ groups { name a: vector(entityId: "user-1") { values } b: vector(entityId: "user-2") { values } } }',
    );
    expect(reply.errors).toBeUndefined();
    expect(t.store.vectorsCalls).toHaveLength(4);
    for (const call of t.store.vectorsCalls) expect(call.entityIds).toEqual(["user-1", "user-2"]);
  });

  it("looks up the definitions of every group's features with one getDefinitions call", async () => {
    const reply = await query<{ groups: { features: { name: string }[] }[] }>(
      t.app,
      "{ groups { name features { name valueType } } }",
    );
    expect(reply.errors).toBeUndefined();
    expect(reply.data?.groups.flatMap((g) => g.features)).toHaveLength(14);
    expect(t.store.definitionsCalls).toHaveLength(1);
    expect(t.store.definitionsCalls[0]).toHaveLength(14);
    expect(t.store.definitionCalls).toBe(0);
  });

  it("primes the definition loader with what `features` returned", async () => {
    // `features` resolves before the groups' definitions are asked for: they need no lookup.
    const reply = await query(t.app, "{ features { name } groups { name features { name } } }");
    expect(reply.errors).toBeUndefined();
    expect(t.store.definitionsCalls).toEqual([]);
  });

  it("does not share cached vectors between requests", async () => {
    const text = '{ vector(entityId: "user-1", featureNames: ["age"]) { values } }';
    expect((await query(t.app, text)).data).toEqual({ vector: { values: { age: 31 } } });
    await t.service.ingest({ age: 32 }, "user-1");
    expect((await query(t.app, text)).data).toEqual({ vector: { values: { age: 32 } } });
    expect(t.store.vectorsCalls).toHaveLength(2);
  });
});
