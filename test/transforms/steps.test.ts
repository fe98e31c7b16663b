import { describe, expect, it } from "vitest";
import type { FeatureData } from "../../src/index.js";
import { errorCode } from "../../src/testing.js";
import type { StepFn, StepKind } from "../../src/transforms/steps/step-kind.js";
import { STEP_KINDS } from "../../src/transforms/steps/step-registry.js";
import type { ValueShape } from "../../src/transforms/value-shape.js";

const INT: ValueShape = { featureType: "NUMERIC", valueType: "INT", dimension: null };
const FLOAT: ValueShape = { featureType: "NUMERIC", valueType: "FLOAT", dimension: null };
const STRING: ValueShape = { featureType: "CATEGORICAL", valueType: "STRING", dimension: null };
const BOOL: ValueShape = { featureType: "BOOLEAN", valueType: "BOOL", dimension: null };
const EMBEDDING_2: ValueShape = { featureType: "EMBEDDING", valueType: "LIST", dimension: 2 };
const LIST: ValueShape = { featureType: "CATEGORICAL", valueType: "LIST", dimension: null };

function kind(name: string): StepKind {
  const found = STEP_KINDS.get(name);
  if (!found) throw new Error(`no step kind ${name}`);
  return found;
}

/** The step's function with the given parameters (checked first, as registration does). */
function step(name: string, given: Record<string, unknown>, input: ValueShape = FLOAT): StepFn {
  const k = kind(name);
  const checked = k.check(given, input, "test step");
  expect(checked.toFit).toEqual([]);
  return k.compile(checked.params, input);
}

/** The parameters fitting computes from these values. */
function fitted(name: string, values: FeatureData[], input: ValueShape = FLOAT, given = {}) {
  const k = kind(name);
  const checked = k.check(given, input, "test step");
  expect(checked.toFit.length).toBeGreaterThan(0);
  return k.fit?.(checked, values, "test step");
}

/** The error code a step's check throws. */
function refusal(name: string, given: Record<string, unknown>, input: ValueShape = FLOAT): Promise<string> {
  return errorCode(Promise.resolve().then(() => kind(name).check(given, input, "test step")));
}

describe("STANDARDIZE", () => {
  it("computes (x - mean) / std with given parameters", () => {
    const fn = step("STANDARDIZE", { mean: 10, std: 2 });
    expect([fn(14), fn(10), fn(7), fn(null)]).toEqual([2, 0, -1.5, null]);
  });

  it("fits the mean and the population standard deviation, whatever the order of the values", () => {
    // mean 2.5; squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5, / 4 = 1.25
    expect(fitted("STANDARDIZE", [4, 1, 3, 2])).toEqual({ mean: 2.5, std: Math.sqrt(1.25) });
    expect(fitted("STANDARDIZE", [1, 2, 3, 4])).toEqual(fitted("STANDARDIZE", [3, 4, 2, 1]));
  });

  it("gives 0 for every input when std is 0, values far outside the fitted ones included", () => {
    expect(fitted("STANDARDIZE", [5, 5, 5])).toEqual({ mean: 5, std: 0 });
    const fn = step("STANDARDIZE", { mean: 5, std: 0 });
    expect([fn(5), fn(1e9), fn(null)]).toEqual([0, 0, null]);
  });

  it("refuses half the parameters, a negative std, and non-numeric input", async () => {
    expect(await refusal("STANDARDIZE", { mean: 1 })).toBe("VALIDATION_FAILED");
    expect(await refusal("STANDARDIZE", { mean: 1, std: -1 })).toBe("VALIDATION_FAILED");
    expect(await refusal("STANDARDIZE", { mean: 1, std: Number.NaN })).toBe("VALIDATION_FAILED");
    expect(await refusal("STANDARDIZE", {}, STRING)).toBe("VALIDATION_FAILED");
    expect(kind("STANDARDIZE").check({}, INT, "s").output).toEqual(FLOAT);
  });
});

describe("MIN_MAX_SCALE", () => {
  it("maps min to 0 and max to 1, and values outside the range outside [0, 1]", () => {
    const fn = step("MIN_MAX_SCALE", { min: 0, max: 10 });
    expect([fn(0), fn(5), fn(10), fn(15), fn(-5), fn(null)]).toEqual([0, 0.5, 1, 1.5, -0.5, null]);
  });

  it("fits the least and greatest value", () => {
    expect(fitted("MIN_MAX_SCALE", [3, -1, 2])).toEqual({ min: -1, max: 3 });
  });

  it("gives 0 when min equals max, and refuses max below min", async () => {
    const fn = step("MIN_MAX_SCALE", { min: 4, max: 4 });
    expect([fn(4), fn(100)]).toEqual([0, 0]);
    expect(await refusal("MIN_MAX_SCALE", { min: 4, max: 3 })).toBe("VALIDATION_FAILED");
    expect(await refusal("MIN_MAX_SCALE", { max: 3 })).toBe("VALIDATION_FAILED");
  });
});

describe("LOG1P", () => {
  it("computes ln(1 + x), and null where it is undefined (x <= -1)", () => {
    const fn = step("LOG1P", {});
    expect(fn(0)).toBe(0);
    expect(fn(Math.E - 1)).toBeCloseTo(1, 15);
    expect([fn(-1), fn(-2), fn(null)]).toEqual([null, null, null]);
  });

  it("refuses non-numeric input", async () => {
    expect(await refusal("LOG1P", {}, BOOL)).toBe("VALIDATION_FAILED");
  });
});

describe("CLIP", () => {
  it("bounds values to [min, max], either bound optional", () => {
    const both = step("CLIP", { min: 0, max: 10 });
    expect([both(-3), both(5), both(12), both(null)]).toEqual([0, 5, 10, null]);
    const low = step("CLIP", { min: 0 });
    expect([low(-3), low(1e12)]).toEqual([0, 1e12]);
  });

  it("keeps an INT an INT for integer bounds, and says FLOAT otherwise", () => {
    expect(kind("CLIP").check({ min: 0, max: 10 }, INT, "c").output).toEqual(INT);
    expect(kind("CLIP").check({ min: 0.5 }, INT, "c").output).toEqual(FLOAT);
  });

  it("refuses no bounds and crossed bounds", async () => {
    expect(await refusal("CLIP", {})).toBe("VALIDATION_FAILED");
    expect(await refusal("CLIP", { min: 2, max: 1 })).toBe("VALIDATION_FAILED");
  });
});

describe("BUCKETIZE", () => {
  it("numbers buckets 0..n: a boundary belongs to the bucket above it", () => {
    const fn = step("BUCKETIZE", { boundaries: [0, 10, 20] });
    expect([fn(-1), fn(0), fn(9.99), fn(10), fn(20), fn(1e9), fn(null)]).toEqual([0, 1, 1, 2, 3, 3, null]);
    expect(kind("BUCKETIZE").check({ boundaries: [1] }, FLOAT, "b").output).toEqual({
      featureType: "CATEGORICAL",
      valueType: "INT",
      dimension: null,
    });
  });

  it("refuses boundaries that are empty, not increasing, or not numbers", async () => {
    expect(await refusal("BUCKETIZE", { boundaries: [] })).toBe("VALIDATION_FAILED");
    expect(await refusal("BUCKETIZE", { boundaries: [1, 1] })).toBe("VALIDATION_FAILED");
    expect(await refusal("BUCKETIZE", { boundaries: [2, 1] })).toBe("VALIDATION_FAILED");
    expect(await refusal("BUCKETIZE", { boundaries: ["1"] })).toBe("VALIDATION_FAILED");
  });
});

describe("ONE_HOT", () => {
  it("puts a 1 at the category's position and the last position for unknown categories", () => {
    const fn = step("ONE_HOT", { categories: ["a", "b"] }, STRING);
    expect([fn("a"), fn("b"), fn("zz"), fn(null)]).toEqual([[1, 0, 0], [0, 1, 0], [0, 0, 1], null]);
    expect(kind("ONE_HOT").check({ categories: ["a", "b"] }, STRING, "o").output).toEqual({
      featureType: "EMBEDDING",
      valueType: "LIST",
      dimension: 3,
    });
  });

  it("hands out a fresh list each time", () => {
    const fn = step("ONE_HOT", { categories: ["a"] }, STRING);
    (fn("a") as number[])[0] = 99;
    expect(fn("a")).toEqual([1, 0]);
  });

  it("fits the most frequent categories, ties in ascending order, up to maxCategories", () => {
    const values = ["x", "z", "y", "z", "y", "w"];
    expect(fitted("ONE_HOT", values, STRING, { maxCategories: 2 })).toEqual({ categories: ["y", "z"] });
    expect(fitted("ONE_HOT", values, STRING)).toEqual({ categories: ["y", "z", "w", "x"] });
    expect(fitted("ONE_HOT", [7, 3, 3], INT)).toEqual({ categories: [3, 7] });
  });

  it("refuses duplicates, categories of another type, lists as input, and maxCategories with categories", async () => {
    expect(await refusal("ONE_HOT", { categories: ["a", "a"] }, STRING)).toBe("VALIDATION_FAILED");
    expect(await refusal("ONE_HOT", { categories: [1] }, STRING)).toBe("VALIDATION_FAILED");
    expect(await refusal("ONE_HOT", { categories: [1.5] }, INT)).toBe("VALIDATION_FAILED");
    expect(await refusal("ONE_HOT", {}, LIST)).toBe("VALIDATION_FAILED");
    expect(await refusal("ONE_HOT", { categories: ["a"], maxCategories: 3 }, STRING)).toBe(
      "VALIDATION_FAILED",
    );
    expect(await refusal("ONE_HOT", { maxCategories: 0 }, STRING)).toBe("VALIDATION_FAILED");
  });
});

describe("LABEL_ENCODE", () => {
  it("gives the category's position, and n for an unknown category", () => {
    const fn = step("LABEL_ENCODE", { categories: ["a", "b", "c"] }, STRING);
    expect([fn("a"), fn("c"), fn("nope"), fn(null)]).toEqual([0, 2, 3, null]);
    const ints = step("LABEL_ENCODE", { categories: [3, 7] }, INT);
    expect([ints(7), ints(3), ints(4)]).toEqual([1, 0, 2]);
    const bools = step("LABEL_ENCODE", { categories: [true] }, BOOL);
    expect([bools(true), bools(false)]).toEqual([0, 1]);
  });
});

describe("FILL_DEFAULT", () => {
  it("replaces null and passes every other value", () => {
    const fn = step("FILL_DEFAULT", { value: 0 }, INT);
    expect([fn(null), fn(5), fn(0)]).toEqual([0, 5, 0]);
  });

  it("hands out a fresh copy of a list value", () => {
    const fn = step("FILL_DEFAULT", { value: [0, 0] }, EMBEDDING_2);
    (fn(null) as number[]).push(1);
    expect(fn(null)).toEqual([0, 0]);
  });

  it("refuses a value of another type than the input, or of the wrong dimension, or none", async () => {
    expect(await refusal("FILL_DEFAULT", { value: "x" }, INT)).toBe("VALIDATION_FAILED");
    expect(await refusal("FILL_DEFAULT", { value: 1.5 }, INT)).toBe("VALIDATION_FAILED");
    expect(await refusal("FILL_DEFAULT", { value: [0, 0, 0] }, EMBEDDING_2)).toBe("VALIDATION_FAILED");
    expect(await refusal("FILL_DEFAULT", {}, INT)).toBe("VALIDATION_FAILED");
  });
});

describe("L2_NORMALIZE", () => {
  it("scales to unit length and leaves the zero vector at zero", () => {
    const fn = step("L2_NORMALIZE", {}, EMBEDDING_2);
    expect(fn([3, 4])).toEqual([0.6, 0.8]);
    expect(fn([0, 0])).toEqual([0, 0]);
    expect(fn(null)).toBeNull();
  });

  it("answers null for a value of the wrong dimension or not a list of numbers", () => {
    const fn = step("L2_NORMALIZE", {}, EMBEDDING_2);
    expect([fn([1, 2, 3]), fn([1]), fn(["a", "b"]), fn(5)]).toEqual([null, null, null, null]);
    const free = step("L2_NORMALIZE", {}, { ...EMBEDDING_2, dimension: null });
    expect(free([0, 0, 2])).toEqual([0, 0, 1]);
  });

  it("does not change its input, and refuses what is not an embedding", async () => {
    const input = [3, 4];
    step("L2_NORMALIZE", {}, EMBEDDING_2)(input);
    expect(input).toEqual([3, 4]);
    expect(await refusal("L2_NORMALIZE", {}, LIST)).toBe("VALIDATION_FAILED");
    expect(await refusal("L2_NORMALIZE", {}, FLOAT)).toBe("VALIDATION_FAILED");
  });
});

describe("HASH", () => {
  it("is MurmurHash3 x86 32-bit, seed 0, of the UTF-8 text, modulo the buckets", () => {
    // Published test vectors of MurmurHash3_x86_32 with seed 0.
    const whole = step("HASH", { buckets: 2 ** 31 }, STRING);
    expect(whole("hello")).toBe(0x248bfa47);
    expect(whole("The quick brown fox jumps over the lazy dog")).toBe(0x2e4ff723);
    expect(whole("")).toBe(0);
    const ten = step("HASH", { buckets: 10 }, STRING);
    expect(ten("hello")).toBe(0x248bfa47 % 10);
    expect(ten(null)).toBeNull();
  });

  it("hashes integers and booleans by their text", () => {
    const strings = step("HASH", { buckets: 1000 }, STRING);
    expect(step("HASH", { buckets: 1000 }, INT)(42)).toBe(strings("42"));
    expect(step("HASH", { buckets: 1000 }, BOOL)(true)).toBe(strings("true"));
  });

  it("answers the same after its memory of answers filled up", () => {
    const fn = step("HASH", { buckets: 97 }, STRING);
    const first = fn("stable");
    for (let i = 0; i < 12_000; i++) fn(`v${i}`);
    expect(fn("stable")).toBe(first);
    expect(fn("stable")).toBe(step("HASH", { buckets: 97 }, STRING)("stable"));
  });

  it("refuses a bucket count that is not a positive integer, and list input", async () => {
    expect(await refusal("HASH", { buckets: 0 }, STRING)).toBe("VALIDATION_FAILED");
    expect(await refusal("HASH", { buckets: 2.5 }, STRING)).toBe("VALIDATION_FAILED");
    expect(await refusal("HASH", { buckets: 10 }, LIST)).toBe("VALIDATION_FAILED");
  });
});
