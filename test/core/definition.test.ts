import { describe, expect, it } from "vitest";
import {
  canonicalValue,
  checkEntityId,
  deepFreeze,
  encodeDefinition,
  isValidName,
  normalizeDefinition,
  normalizeGroup,
  normalizeStoredGroup,
} from "../../src/core/definition.js";
import type { FeatureStoreError, NormalizedDefinition } from "../../src/index.js";

const base: NormalizedDefinition = {
  name: "x",
  featureType: "CATEGORICAL",
  valueType: "DICT",
  defaultValue: { a: 1, b: { c: [1, 2] } },
  tags: ["t"],
  ttlSeconds: null,
  description: null,
  dimension: null,
};

const code = (fn: () => unknown) => {
  try {
    fn();
  } catch (err) {
    return (err as FeatureStoreError).code;
  }
  return "no error";
};

describe("definitions", () => {
  it("accepts the documented names and nothing else", () => {
    for (const name of ["a", "_a", "user.age", "clicks:7d", "a-b_c", "x".repeat(128)])
      expect(isValidName(name)).toBe(true);
    for (const name of ["", "1a", "a b", "é", "x".repeat(129), "__proto__", 7, null])
      expect(isValidName(name)).toBe(false);
  });

  it("fills optional fields and sorts tags", () => {
    expect(
      normalizeDefinition({ name: "n", featureType: "NUMERIC", valueType: "INT", tags: ["b", "a", "b"] }),
    ).toEqual({
      name: "n",
      featureType: "NUMERIC",
      valueType: "INT",
      defaultValue: null,
      tags: ["a", "b"],
      ttlSeconds: null,
      description: null,
      dimension: null,
    });
  });

  it("encodes definitions canonically: equal exactly when every field is, defaults by content", () => {
    const same = (a: NormalizedDefinition, b: NormalizedDefinition) =>
      encodeDefinition({ ...a, defaultValue: canonicalValue(a.defaultValue) }) ===
      encodeDefinition({ ...b, defaultValue: canonicalValue(b.defaultValue) });
    expect(same(base, { ...base, defaultValue: { b: { c: [1, 2] }, a: 1 } })).toBe(true);
    expect(same(base, { ...base, defaultValue: { a: 1, b: { c: [2, 1] } } })).toBe(false);
    expect(same(base, { ...base, tags: [] })).toBe(false);
    expect(same(base, { ...base, ttlSeconds: 5 })).toBe(false);
    expect(same(base, { ...base, description: "d" })).toBe(false);
  });

  it("normalizes groups and refuses malformed ones", () => {
    const { stored } = normalizeGroup({
      name: "g",
      features: [{ ...base, tags: [...base.tags] }],
      tags: ["z", "a"],
    });
    expect(stored).toEqual({ name: "g", featureNames: ["x"], description: null, tags: ["a", "z"] });
    expect(Object.isFrozen(stored.featureNames)).toBe(true);
    const group = { name: "g", featureNames: ["x"], description: null, tags: [] };
    expect(code(() => normalizeStoredGroup({ ...group, featureNames: [] }))).toBe("VALIDATION_FAILED");
    expect(code(() => normalizeStoredGroup({ ...group, featureNames: ["x", "x"] }))).toBe(
      "VALIDATION_FAILED",
    );
    expect(code(() => normalizeStoredGroup({ ...group, description: 5 as unknown as string }))).toBe(
      "VALIDATION_FAILED",
    );
    expect(code(() => normalizeGroup({ name: "g", features: "x" as unknown as [] }))).toBe(
      "VALIDATION_FAILED",
    );
  });

  it("checks entity ids", () => {
    expect(checkEntityId("user-1")).toBe("user-1");
    for (const id of ["", 5, null, "a\u0000", "\udc00", "x".repeat(513)])
      expect(code(() => checkEntityId(id))).toBe("VALIDATION_FAILED");
  });

  it("freezes deeply", () => {
    const value = deepFreeze({ a: [{ b: 1 }] });
    expect(Object.isFrozen(value.a[0])).toBe(true);
  });
});
