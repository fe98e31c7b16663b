import { beforeEach, describe, expect, it } from "vitest";
import {
  FeatureService,
  FeatureTransform,
  InMemoryFeatureStore,
  type TransformDeclaration,
} from "../../src/index.js";
import { errorCode } from "../../src/testing.js";

let service: FeatureService;

const MODEL: TransformDeclaration = {
  name: "user_model",
  description: "scaled age, country one-hot, click rate",
  features: [
    { featureName: "age", steps: [{ kind: "STANDARDIZE" }, { kind: "CLIP", min: -3, max: 3 }] },
    { featureName: "country", steps: [{ kind: "ONE_HOT" }] },
  ],
  derived: [
    { name: "ctr", expression: "clicks / max(sessions, 1)", featureType: "NUMERIC", valueType: "FLOAT" },
    { name: "active", expression: "ctr > 1", featureType: "BOOLEAN", valueType: "BOOL" },
  ],
};

beforeEach(async () => {
  service = new FeatureService(new InMemoryFeatureStore());
  await service.registerGroup({
    name: "user",
    features: [
      { name: "age", featureType: "NUMERIC", valueType: "INT", defaultValue: 0 },
      { name: "country", featureType: "CATEGORICAL", valueType: "STRING", defaultValue: "unknown" },
      { name: "clicks", featureType: "NUMERIC", valueType: "INT", defaultValue: 0 },
      { name: "sessions", featureType: "NUMERIC", valueType: "INT" },
      { name: "tags", featureType: "CATEGORICAL", valueType: "LIST" },
      { name: "never_written", featureType: "NUMERIC", valueType: "FLOAT" },
    ],
  });
  await service.ingestBatch(
    [
      { id: "u1", age: 20, country: "FR", clicks: 6, sessions: 2 },
      { id: "u2", age: 30, country: "DE", clicks: 1 },
      { id: "u3", age: 40, country: "FR" },
    ],
    "id",
  );
});

describe("registering a transform", () => {
  it("fits left-out parameters from the current values and stores them with the steps", async () => {
    const { transform, created } = await service.registerTransform(MODEL);
    expect(created).toBe(true);
    expect(transform.version).toBe(1);
    const [age, country] = transform.features;
    // ages 20, 30, 40: mean 30, population std sqrt(200 / 3)
    expect(age?.steps[0]).toEqual({
      kind: "STANDARDIZE",
      params: { mean: 30, std: Math.sqrt(200 / 3) },
      fitted: ["mean", "std"],
      output: { featureType: "NUMERIC", valueType: "FLOAT", dimension: null },
    });
    expect(age?.fittedOn).toEqual({ values: 3, complete: true });
    expect(country?.steps[0]?.params).toEqual({ categories: ["FR", "DE"] });
    expect(country?.steps[0]?.output).toEqual({ featureType: "EMBEDDING", valueType: "LIST", dimension: 3 });
    expect(transform.derived.map((d) => [d.name, d.inputs])).toEqual([
      ["ctr", ["clicks", "sessions"]],
      ["active", ["ctr"]],
    ]);
  });

  it("is a no-op for the same declaration over the same data, and a new version when the fit changes", async () => {
    await service.registerTransform(MODEL);
    const again = await service.registerTransform(MODEL);
    expect([again.created, again.transform.version]).toEqual([false, 1]);
    await service.ingest({ age: 90 }, "u4");
    const refit = await service.registerTransform(MODEL);
    expect([refit.created, refit.transform.version]).toEqual([true, 2]);
    // Version 1 is untouched, and a read pinned to it keeps using its parameters.
    const v1 = await service.getTransform("user_model", 1);
    expect(v1?.features[0]?.steps[0]?.params).toEqual({ mean: 30, std: Math.sqrt(200 / 3) });
    const pinned = await service.getFeatures("u1", ["age"], "user_model@1");
    expect(pinned.values.age).toBeCloseTo((20 - 30) / Math.sqrt(200 / 3), 12);
    const latest = await service.getFeatures("u1", ["age"], "user_model");
    expect(latest.transform).toBe("user_model@2");
    expect((await service.listTransforms("user_model")).map((t) => t.version)).toEqual([1, 2]);
    expect((await service.listTransforms()).map((t) => t.version)).toEqual([2]);
  });

  it("records when the fit read only a sample, past the fit limit", async () => {
    const limited = new FeatureService(service.store, { transforms: { fitLimit: 2 } });
    const { transform } = await limited.registerTransform({
      name: "sampled",
      features: [{ featureName: "age", steps: [{ kind: "MIN_MAX_SCALE" }] }],
    });
    expect(transform.features[0]?.fittedOn).toEqual({ values: 2, complete: false });
  });

  it("fits each step on the output of the steps before it", async () => {
    const { transform } = await service.registerTransform({
      name: "chained",
      features: [{ featureName: "age", steps: [{ kind: "CLIP", max: 25 }, { kind: "MIN_MAX_SCALE" }] }],
    });
    expect(transform.features[0]?.steps[1]?.params).toEqual({ min: 20, max: 25 });
  });

  it.each<[string, Partial<TransformDeclaration>, string]>([
    [
      "an unregistered feature",
      { features: [{ featureName: "nope", steps: [{ kind: "LOG1P" }] }] },
      "FEATURE_NOT_FOUND",
    ],
    [
      "a derived feature reading an unregistered one",
      { derived: [{ name: "d", expression: "nope + 1", featureType: "NUMERIC", valueType: "INT" }] },
      "FEATURE_NOT_FOUND",
    ],
    [
      "a numeric step on a string",
      { features: [{ featureName: "country", steps: [{ kind: "LOG1P" }] }] },
      "VALIDATION_FAILED",
    ],
    [
      "an unknown kind",
      { features: [{ featureName: "age", steps: [{ kind: "SQUASH" }] }] },
      "VALIDATION_FAILED",
    ],
    [
      "a parameter the kind does not take",
      { features: [{ featureName: "age", steps: [{ kind: "LOG1P", mean: 1 }] }] },
      "VALIDATION_FAILED",
    ],
    [
      "a step after one whose output it cannot take",
      { features: [{ featureName: "country", steps: [{ kind: "ONE_HOT" }, { kind: "LOG1P" }] }] },
      "VALIDATION_FAILED",
    ],
    [
      "a parameter to fit from a feature without values",
      { features: [{ featureName: "never_written", steps: [{ kind: "STANDARDIZE" }] }] },
      "VALIDATION_FAILED",
    ],
    ["no steps at all", { features: [] }, "VALIDATION_FAILED"],
    [
      "a feature listed twice",
      {
        features: [
          { featureName: "age", steps: [{ kind: "LOG1P" }] },
          { featureName: "age", steps: [{ kind: "LOG1P" }] },
        ],
      },
      "VALIDATION_FAILED",
    ],
    [
      "a derived feature named like a registered one",
      { derived: [{ name: "age", expression: "clicks", featureType: "NUMERIC", valueType: "INT" }] },
      "VALIDATION_FAILED",
    ],
    [
      "a derived feature reading a list",
      { derived: [{ name: "d", expression: "tags", featureType: "NUMERIC", valueType: "INT" }] },
      "VALIDATION_FAILED",
    ],
    [
      "a derived feature declared INT that computes a FLOAT",
      { derived: [{ name: "d", expression: "clicks / 2", featureType: "NUMERIC", valueType: "INT" }] },
      "VALIDATION_FAILED",
    ],
    [
      "a derived feature of a type pair that does not exist",
      { derived: [{ name: "d", expression: "clicks", featureType: "NUMERIC", valueType: "STRING" }] },
      "VALIDATION_FAILED",
    ],
    [
      "a derived feature reading one declared after it",
      {
        derived: [
          { name: "d1", expression: "d2 + 1", featureType: "NUMERIC", valueType: "INT" },
          { name: "d2", expression: "clicks", featureType: "NUMERIC", valueType: "INT" },
        ],
      },
      "VALIDATION_FAILED",
    ],
    [
      "an expression reaching for a prototype",
      { derived: [{ name: "d", expression: "__proto__", featureType: "NUMERIC", valueType: "INT" }] },
      "FEATURE_NOT_FOUND",
    ],
  ])("refuses %s, storing nothing", async (_what, change, code) => {
    const declaration = { name: "bad", ...change } as TransformDeclaration;
    expect(await errorCode(service.registerTransform(declaration))).toBe(code);
    expect(await service.listTransforms()).toEqual([]);
  });

  it("refuses a malformed name, and a malformed or unknown reference on read", async () => {
    expect(await errorCode(service.registerTransform({ ...MODEL, name: "bad name" }))).toBe(
      "VALIDATION_FAILED",
    );
    expect(await errorCode(service.getFeatures("u1", ["age"], "user_model@0"))).toBe("VALIDATION_FAILED");
    expect(await errorCode(service.getFeatures("u1", ["age"], "user_model@x"))).toBe("VALIDATION_FAILED");
    expect(await errorCode(service.getFeatures("u1", ["age"], "user_model"))).toBe("TRANSFORM_NOT_FOUND");
    await service.registerTransform(MODEL);
    expect(await errorCode(service.getFeatures("u1", ["age"], "user_model@2"))).toBe("TRANSFORM_NOT_FOUND");
    expect(await service.getTransform("user_model", 2)).toBeNull();
  });
});

describe("reading through a transform", () => {
  it("applies each feature's steps, appends the derived features, and says which version produced what", async () => {
    await service.registerTransform(MODEL);
    const input = await service.store.getVector("u1", ["age", "country", "clicks"]);
    const before = structuredClone(input);
    const vector = await service.getFeatures("u1", ["age", "country", "clicks"], "user_model@1");
    expect(vector.transform).toBe("user_model@1");
    expect(Object.keys(vector.values)).toEqual(["age", "country", "clicks", "ctr", "active"]);
    expect(vector.values).toEqual({
      age: (20 - 30) / Math.sqrt(200 / 3),
      country: [1, 0, 0],
      clicks: 6,
      ctr: 3,
      active: true,
    });
    expect(vector.entries.map((e) => e.transform)).toEqual([
      "user_model@1",
      "user_model@1",
      undefined,
      "user_model@1",
      "user_model@1",
    ]);
    expect(vector.entries[3]).toMatchObject({
      featureName: "ctr",
      version: null,
      registered: false,
      usedDefault: false,
    });
    expect(vector.entries[3]?.eventTimeMs).toBe(input.entries[2]?.eventTimeMs);
    // The transform's own read did not change what the store serves.
    expect(await service.store.getVector("u1", ["age", "country", "clicks"])).toEqual(before);
  });

  it("marks a derived feature that used a default, and sends unknown categories to the unknown bucket", async () => {
    await service.registerTransform(MODEL);
    await service.ingest({ country: "JP" }, "u5");
    const vector = await service.getFeatures("u5", ["country"], "user_model");
    // sessions has no default: max(null, 1) is null, and so is the ratio, and what reads it.
    expect(vector.values).toEqual({ country: [0, 0, 1], ctr: null, active: null });
    expect(vector.entries[1]).toMatchObject({ featureName: "ctr", usedDefault: true, eventTimeMs: null });
    await service.ingest({ sessions: 4 }, "u5");
    const counted = await service.getFeatures("u5", [], "user_model");
    expect(counted.values).toEqual({ ctr: 0, active: false });
    expect(counted.entries[0]).toMatchObject({ usedDefault: true });
    expect(counted.entries[0]?.eventTimeMs).toEqual(expect.any(Number));
  });

  it("applies the same to a group and to a batch of entities", async () => {
    await service.registerTransform(MODEL);
    const group = await service.getGroupFeatures("u2", "user", "user_model@1");
    const names = (await service.requireGroup("user")).featureNames;
    const batch = await service.getTransformedVectors(["u1", "u2"], names, "user_model@1");
    expect(batch[1]).toEqual(group);
    expect(batch[0]).toEqual(await service.getFeatures("u1", names, "user_model@1"));
  });

  it("serves the default transform for applyTransform: a stored one, or a code-defined one", async () => {
    await service.registerTransform(MODEL);
    const stored = new FeatureService(service.store, { defaultTransform: "user_model@1" });
    expect((await stored.getFeatures("u1", ["age"], true)).transform).toBe("user_model@1");
    const code = new FeatureService(service.store, {
      transform: new FeatureTransform().add("age", (v) => (typeof v === "number" ? v * 2 : v)),
    });
    expect((await code.getFeatures("u1", ["age"], true)).values).toEqual({ age: 40 });
    expect((await service.getFeatures("u1", ["age"], true)).values).toEqual({ age: 20 });
    expect(
      () => new FeatureService(service.store, { defaultTransform: "x", transform: new FeatureTransform() }),
    ).toThrow(expect.objectContaining({ code: "INVALID_CONFIG" }));
    expect(() => new FeatureService(service.store, { defaultTransform: "bad name@1" })).toThrow(
      expect.objectContaining({ code: "INVALID_CONFIG" }),
    );
  });
});
