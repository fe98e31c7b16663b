import { readFileSync } from "node:fs";
import { beforeEach, describe, expect, it } from "vitest";
import { DEMO_OPERATIONS } from "../../src/graphql/demo-data.js";
import { FeatureService } from "../../src/index.js";
import { codes, post, query, run, type TestApp, testApp } from "./client.js";
import { CountingStore } from "./counting-store.js";
import {
  RegisterTransformDocument,
  TransformDocument,
  TransformedGroupVectorDocument,
  TransformedVectorDocument,
  TransformedVectorsDocument,
  type TransformInput,
  TransformsDocument,
} from "./generated/graphql.js";

/** A transform over the demo data: scaled age, one-hot country, a click rate. */
const USER_MODEL: TransformInput = {
  name: "user_model",
  description: "for the ranking model",
  features: [
    { featureName: "age", steps: [{ kind: "STANDARDIZE" }, { kind: "CLIP", min: -2, max: 2 }] },
    { featureName: "country", steps: [{ kind: "ONE_HOT", maxCategories: 3 }] },
    { featureName: "item_embedding", steps: [{ kind: "L2_NORMALIZE" }] },
  ],
  derived: [
    {
      name: "clicks_per_session",
      expression: "clicks_7d / max(sessions_30d, 1)",
      featureType: "NUMERIC",
      valueType: "FLOAT",
    },
  ],
};

let t: TestApp;

beforeEach(async () => {
  t = await testApp();
});

describe("registerTransform", () => {
  it("fits, stores and answers the transform; the same input again creates nothing", async () => {
    const reply = await run(t.app, RegisterTransformDocument, { input: USER_MODEL });
    expect(reply.errors).toBeUndefined();
    const registered = reply.data?.registerTransform;
    expect(registered?.created).toBe(true);
    expect(registered?.transform).toMatchObject({
      name: "user_model",
      version: 1,
      reference: "user_model@1",
    });
    // Demo ages 31, 25, 47, 19 (user-5 has none): mean 30.5.
    const age = registered?.transform.features[0];
    expect(age?.steps[0]).toMatchObject({ kind: "STANDARDIZE", fitted: ["mean", "std"] });
    expect(age?.steps[0]?.parameters).toMatchObject({ mean: 30.5 });
    expect(age?.fittedOn).toEqual({ values: 4, complete: true });
    const country = registered?.transform.features[1];
    expect(country?.steps[0]?.output).toEqual({ featureType: "EMBEDDING", valueType: "LIST", dimension: 4 });
    expect(registered?.transform.derived[0]?.inputs).toEqual(["clicks_7d", "sessions_30d"]);
    const again = await run(t.app, RegisterTransformDocument, { input: USER_MODEL });
    expect(again.data?.registerTransform).toMatchObject({ created: false, transform: { version: 1 } });
  });

  it("refuses a bad declaration with a coded error and stores nothing", async () => {
    const cases: [TransformInput, string][] = [
      [
        { name: "bad", features: [{ featureName: "country", steps: [{ kind: "LOG1P" }] }] },
        "VALIDATION_FAILED",
      ],
      [{ name: "bad", features: [{ featureName: "nope", steps: [{ kind: "LOG1P" }] }] }, "FEATURE_NOT_FOUND"],
      [
        { name: "bad", features: [{ featureName: "age", steps: [{ kind: "CLIP", buckets: 3 }] }] },
        "VALIDATION_FAILED",
      ],
      [
        {
          name: "bad",
          derived: [{ name: "d", expression: "age.constructor", featureType: "NUMERIC", valueType: "INT" }],
        },
        "FEATURE_NOT_FOUND",
      ],
      [
        {
          name: "bad",
          derived: [{ name: "d", expression: "process.exit(1)", featureType: "NUMERIC", valueType: "INT" }],
        },
        "VALIDATION_FAILED",
      ],
      [
        {
          name: "bad",
          derived: [{ name: "d", expression: "(((", featureType: "NUMERIC", valueType: "INT" }],
        },
        "VALIDATION_FAILED",
      ],
    ];
    for (const [input, code] of cases) {
      const reply = await run(t.app, RegisterTransformDocument, { input });
      expect(reply.status).toBe(200);
      expect(codes(reply)).toEqual([code]);
      expect(reply.data?.registerTransform).toBeNull();
    }
    expect((await run(t.app, TransformsDocument, {})).data?.transforms).toEqual([]);
  });

  it("needs the write token", async () => {
    const secured = await testApp({ auth: { writeToken: "write-token-0123456789" } });
    const anonymous = await run(secured.app, RegisterTransformDocument, { input: USER_MODEL });
    expect(anonymous.status).toBe(401);
    expect(codes(anonymous)).toEqual(["UNAUTHENTICATED"]);
    const allowed = await run(
      secured.app,
      RegisterTransformDocument,
      { input: USER_MODEL },
      {
        authorization: "Bearer write-token-0123456789",
      },
    );
    expect(allowed.data?.registerTransform?.created).toBe(true);
  });
});

describe("transforms / transform", () => {
  it("lists the newest version of each, every version of one, and finds a version", async () => {
    await run(t.app, RegisterTransformDocument, { input: USER_MODEL });
    await run(t.app, RegisterTransformDocument, { input: { ...USER_MODEL, description: "second" } });
    await run(t.app, RegisterTransformDocument, {
      input: { name: "other", features: [{ featureName: "age", steps: [{ kind: "LOG1P" }] }] },
    });
    const newest = await run(t.app, TransformsDocument, {});
    expect(newest.data?.transforms?.map((tr) => tr.reference)).toEqual(["other@1", "user_model@2"]);
    const all = await run(t.app, TransformsDocument, { name: "user_model" });
    expect(all.data?.transforms?.map((tr) => tr.description)).toEqual(["for the ranking model", "second"]);
    const one = await run(t.app, TransformDocument, { name: "user_model", version: 1 });
    expect(one.data?.transform?.reference).toBe("user_model@1");
    const latest = await run(t.app, TransformDocument, { name: "user_model" });
    expect(latest.data?.transform?.version).toBe(2);
    expect(
      (await run(t.app, TransformDocument, { name: "user_model", version: 9 })).data?.transform,
    ).toBeNull();
  });
});

describe("reads through a transform", () => {
  beforeEach(async () => {
    await run(t.app, RegisterTransformDocument, { input: USER_MODEL });
    t.store.resetCounts();
  });

  it("answers vector with the steps applied, the derived features appended, and says which version", async () => {
    const reply = await run(t.app, TransformedVectorDocument, {
      entityId: "user-1",
      featureNames: ["age", "country", "is_premium"],
      transform: "user_model@1",
    });
    expect(reply.errors).toBeUndefined();
    const vector = reply.data?.vector;
    expect(vector?.transform).toBe("user_model@1");
    const values = vector?.values as Record<string, unknown>;
    expect(Object.keys(values)).toEqual(["age", "country", "is_premium", "clicks_per_session"]);
    // Five countries once each: the three first in order, BR, DE, FR, then the unknown bucket.
    expect(values.country).toEqual([0, 0, 1, 0]);
    expect(values.is_premium).toBe(true);
    // user-1: clicks_7d 15, sessions_30d 20.
    expect(values.clicks_per_session).toBe(0.75);
    expect(vector?.features.map((f) => f.transform)).toEqual([
      "user_model@1",
      "user_model@1",
      null,
      "user_model@1",
    ]);
    expect(vector?.features[3]).toMatchObject({ version: null, registered: false, usedDefault: false });
  });

  it("gives vectors, groupVector and a group's vector the same values as vector", async () => {
    const names = ["age", "country", "is_premium", "signup_date"];
    const single = await run(t.app, TransformedVectorDocument, {
      entityId: "user-3",
      featureNames: names,
      transform: "user_model",
    });
    const many = await run(t.app, TransformedVectorsDocument, {
      entityIds: ["user-2", "user-3"],
      featureNames: names,
      transform: "user_model",
    });
    expect(many.data?.vectors?.[1]).toEqual(single.data?.vector);
    const group = await run(t.app, TransformedGroupVectorDocument, {
      entityId: "user-3",
      groupName: "user_profile",
      transform: "user_model@1",
    });
    expect(group.errors).toBeUndefined();
    expect(group.data?.groupVector).toEqual(single.data?.vector);
    expect(group.data?.group?.vector).toEqual(single.data?.vector);
  });

  it("batches transformed reads of one request into one store call per feature set", async () => {
    const reply = await query(
      t.app,
      `{ a: vector(entityId: "user-1", featureNames: ["age"], transform: "user_model@1") { values }
         b: vector(entityId: "user-2", featureNames: ["age"], transform: "user_model@1") { values }
         c: vectors(entityIds: ["user-3", "user-4"], featureNames: ["age"], transform: "user_model") { values } }`,
    );
    expect(reply.errors).toBeUndefined();
    expect(t.store.vectorsCalls).toEqual([
      {
        entityIds: ["user-1", "user-2", "user-3", "user-4"],
        featureNames: ["age", "clicks_7d", "sessions_30d"],
      },
    ]);
  });

  it("refuses an unknown transform, a malformed reference, and both arguments at once, field by field", async () => {
    const reply = await query(
      t.app,
      `{ unknown: vector(entityId: "user-1", featureNames: ["age"], transform: "nope@1") { values }
         malformed: vector(entityId: "user-1", featureNames: ["age"], transform: "user_model@one") { values }
         both: vector(entityId: "user-1", featureNames: ["age"], transform: "user_model", applyTransform: true) { values }
         fine: vector(entityId: "user-1", featureNames: ["age"]) { values } }`,
    );
    expect(reply.status).toBe(200);
    expect(new Map(reply.errors?.map((e) => [e.path?.[0], e.extensions?.code]))).toEqual(
      new Map([
        ["unknown", "TRANSFORM_NOT_FOUND"],
        ["malformed", "VALIDATION_FAILED"],
        ["both", "VALIDATION_FAILED"],
      ]),
    );
    expect(reply.data).toEqual({ unknown: null, malformed: null, both: null, fine: { values: { age: 31 } } });
  });

  it("counts the inputs a derived feature reads against the read budget", async () => {
    const tight = await testApp({ limits: { maxCost: 3 } });
    await tight.service.registerTransform({
      name: "user_model",
      derived: [
        { name: "c", expression: "clicks_7d - sessions_30d", featureType: "NUMERIC", valueType: "INT" },
      ],
    });
    const plain = await query(
      tight.app,
      `{ vector(entityId: "user-1", featureNames: ["age", "country"]) { values } }`,
    );
    expect(plain.errors).toBeUndefined();
    const transformed = await query(
      tight.app,
      `{ vector(entityId: "user-1", featureNames: ["age", "country"], transform: "user_model") { values } }`,
    );
    expect(codes(transformed)).toEqual(["LIMIT_EXCEEDED"]);
  });
});

describe("applyTransform", () => {
  it("applies the server's default stored transform, and nothing when it has none", async () => {
    await run(t.app, RegisterTransformDocument, { input: USER_MODEL });
    const none = await run(t.app, TransformedVectorDocument, {
      entityId: "user-1",
      featureNames: ["age"],
      applyTransform: true,
    });
    expect(none.data?.vector).toMatchObject({ values: { age: 31 }, transform: null });
    const store = new CountingStore();
    const service = new FeatureService(store, { defaultTransform: "user_model@1" });
    const served = await testApp({ service });
    await run(served.app, RegisterTransformDocument, { input: USER_MODEL });
    const reply = await run(served.app, TransformedVectorDocument, {
      entityId: "user-1",
      featureNames: ["age"],
      applyTransform: true,
    });
    expect(reply.data?.vector?.transform).toBe("user_model@1");
    expect(Object.keys(reply.data?.vector?.values as object)).toEqual(["age", "clicks_per_session"]);
  });
});

describe("the documented operations", () => {
  it("GraphiQL's transform examples run on the demo data, in order", async () => {
    const registered = await post(t.app, { query: DEMO_OPERATIONS, operationName: "RegisterUserModel" });
    expect(registered.errors).toBeUndefined();
    expect(registered.data).toMatchObject({
      registerTransform: { created: true, transform: { reference: "user_model@1" } },
    });
    const read = await post<{ vector: { values: Record<string, unknown> } }>(t.app, {
      query: DEMO_OPERATIONS,
      operationName: "ModelInput",
    });
    expect(read.errors).toBeUndefined();
    expect(Object.keys(read.data?.vector.values ?? {})).toEqual([
      "age",
      "country",
      "clicks_7d",
      "clicks_per_session",
    ]);
    const trained = await post<{ trainingSet: { transform: string; values: Record<string, unknown> }[] }>(
      t.app,
      {
        query: DEMO_OPERATIONS,
        operationName: "ModelTrainingSet",
      },
    );
    expect(trained.errors).toBeUndefined();
    expect(trained.data?.trainingSet.map((r) => r.transform)).toEqual(["user_model@1", "user_model@1"]);
    expect(Object.keys(trained.data?.trainingSet[0]?.values ?? {})).toEqual([
      "age",
      "country",
      "clicks_7d",
      "clicks_per_session",
    ]);
  });

  it("the README's Transforms section runs as written, block after block", async () => {
    const readme = readFileSync(new URL("../../README.md", import.meta.url), "utf8");
    const section = readme.slice(readme.indexOf("## Transforms"), readme.indexOf("## Performance"));
    const blocks = [...section.matchAll(/```graphql\n([\s\S]*?)```/g)].map((m) => m[1] as string);
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    for (const block of blocks) {
      const reply = await post(t.app, { query: block });
      expect(reply.errors, block).toBeUndefined();
    }
  });
});
