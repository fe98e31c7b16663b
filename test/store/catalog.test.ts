import { describe, expect, it } from "vitest";
import { FeatureStore, MemoryBackend } from "../../src/index.js";

describe("the versioned catalog", () => {
  it("appends a version only when the body changes, and keeps every version", async () => {
    const store = new FeatureStore(new MemoryBackend());
    expect(await store.catalog.appendVersion("transform", "t", "one")).toEqual({
      record: { kind: "transform", name: "t", version: 1, body: "one" },
      created: true,
    });
    expect((await store.catalog.appendVersion("transform", "t", "one")).created).toBe(false);
    expect((await store.catalog.appendVersion("transform", "t", "two")).record.version).toBe(2);
    expect((await store.catalog.versions("transform", ["t"])).map((r) => [r.version, r.body])).toEqual([
      [1, "one"],
      [2, "two"],
    ]);
    expect((await store.catalog.latest("transform")).map((r) => r.body)).toEqual(["two"]);
    await store.close();
  });

  it("gives concurrent appends of different bodies distinct versions, none lost", async () => {
    const store = new FeatureStore(new MemoryBackend());
    const bodies = Array.from({ length: 6 }, (_, i) => `body-${i}`);
    const results = await Promise.all(bodies.map((b) => store.catalog.appendVersion("transform", "t", b)));
    expect(results.map((r) => r.record.version).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    const versions = await store.catalog.versions("transform", ["t"]);
    expect(versions.map((r) => r.body).sort()).toEqual(bodies);
    await store.close();
  });
});
