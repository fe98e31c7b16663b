import { describe, expect, it } from "vitest";
import { FeatureTransform, type FeatureVector } from "../../src/index.js";

const vector = (): FeatureVector => ({
  entityId: "u1",
  values: { age: 40, tags: ["a"], missing: null },
  entries: [
    {
      featureName: "age",
      value: 40,
      version: 3,
      eventTimeMs: 0,
      usedDefault: false,
      registered: true,
    },
    {
      featureName: "tags",
      value: ["a"],
      version: 1,
      eventTimeMs: 0,
      usedDefault: false,
      registered: true,
    },
    {
      featureName: "missing",
      value: null,
      version: null,
      eventTimeMs: null,
      usedDefault: false,
      registered: false,
    },
  ],
});

describe("FeatureTransform", () => {
  it("chains transforms per feature in the order added and leaves the input untouched", () => {
    const input = vector();
    const transform = new FeatureTransform()
      .add("age", (v) => (typeof v === "number" ? v + 1 : v))
      .add("age", (v) => (typeof v === "number" ? v * 10 : v))
      .add("tags", (v) => {
        (v as string[]).push("b");
        return v;
      })
      .add("absent", () => "never used");
    const out = transform.apply(input);
    expect(out.values).toEqual({ age: 410, tags: ["a", "b"], missing: null });
    expect(out.entries.map((e) => e.value)).toEqual([410, ["a", "b"], null]);
    expect(input).toEqual(vector());
    expect(transform.featureNames).toEqual(["age", "tags", "absent"]);
  });

  it("gives each function the original vector as context, which it cannot alter", () => {
    const input = vector();
    const out = new FeatureTransform()
      .add("age", (_v, whole) => {
        (whole.values.tags as string[]).push("tampered");
        return (whole.values.tags as string[]).length;
      })
      .apply(input);
    expect(out.values.age).toBe(2);
    expect(input.values.tags).toEqual(["a"]);
  });
});
