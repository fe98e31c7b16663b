import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { FeatureService, InMemoryFeatureStore, type TransformDeclaration } from "../../src/index.js";
import { post } from "../graphql/client.js";

/** Every built-in step kind at least once, fitted where it can be, and derived features reading each other. */
const EVERYTHING: TransformDeclaration = {
  name: "everything",
  features: [
    { featureName: "x", steps: [{ kind: "STANDARDIZE" }, { kind: "CLIP", min: -2, max: 2 }] },
    {
      featureName: "y",
      steps: [{ kind: "LOG1P" }, { kind: "MIN_MAX_SCALE" }, { kind: "FILL_DEFAULT", value: -1 }],
    },
    { featureName: "n", steps: [{ kind: "BUCKETIZE", boundaries: [-10, 0, 10] }] },
    { featureName: "c", steps: [{ kind: "ONE_HOT", maxCategories: 3 }] },
    { featureName: "d", steps: [{ kind: "LABEL_ENCODE" }] },
    { featureName: "h", steps: [{ kind: "HASH", buckets: 17 }] },
    { featureName: "e", steps: [{ kind: "L2_NORMALIZE" }] },
  ],
  derived: [
    { name: "ratio", expression: "n / max(abs(y), 1)", featureType: "NUMERIC", valueType: "FLOAT" },
    { name: "big", expression: 'ratio > 1 || c == "a"', featureType: "BOOLEAN", valueType: "BOOL" },
    {
      name: "label",
      expression: 'big ? upper(c) : coalesce(h, "none")',
      featureType: "CATEGORICAL",
      valueType: "STRING",
    },
  ],
};

const NAMES = ["x", "y", "n", "c", "d", "h", "e", "unregistered"];

const record = fc.record(
  {
    x: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
    y: fc.double({ min: -5, max: 1e3, noNaN: true }),
    n: fc.integer({ min: -50, max: 50 }),
    c: fc.constantFrom("a", "b", "c", "d", "e"),
    d: fc.constantFrom("p", "q"),
    h: fc.string({ maxLength: 6 }),
    e: fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 3, maxLength: 3 }),
  },
  { requiredKeys: [] },
);

describe("a stored transform gives the same output on every read path", () => {
  it("one entity, a batch, a group, GraphQL's vector and vectors, and the pure apply agree (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(record, { minLength: 1, maxLength: 8 }), async (records) => {
        const service = new FeatureService(new InMemoryFeatureStore());
        await service.registerGroup({
          name: "g",
          features: [
            { name: "x", featureType: "NUMERIC", valueType: "FLOAT" },
            { name: "y", featureType: "NUMERIC", valueType: "FLOAT", defaultValue: 0 },
            { name: "n", featureType: "NUMERIC", valueType: "INT", defaultValue: 0 },
            { name: "c", featureType: "CATEGORICAL", valueType: "STRING", defaultValue: "a" },
            { name: "d", featureType: "CATEGORICAL", valueType: "STRING", defaultValue: "p" },
            { name: "h", featureType: "TEXT", valueType: "STRING" },
            { name: "e", featureType: "EMBEDDING", valueType: "LIST", dimension: 3 },
          ],
        });
        // Fitting needs a value of each fitted feature; the records add theirs.
        await service.ingest({ x: 1, y: 1, c: "a", d: "q" }, "seed");
        const ids = records.map((_, i) => `e${i}`);
        await service.ingestBatch(
          records.map((r, i) => ({ ...r, id: ids[i] })),
          "id",
        );
        const { transform } = await service.registerTransform(EVERYTHING);
        const reference = `${transform.name}@${transform.version}`;
        const batch = await service.getTransformedVectors(ids, NAMES, reference);
        const compiled = await service.transforms.resolve(reference);
        const app = createApp({ service });
        const reply = await post<{ vectors: { entityId: string; values: unknown }[] }>(app, {
          query:
            "query ($ids: [ID!]!, $names: [String!]!, $t: String) { vectors(entityIds: $ids, featureNames: $names, transform: $t) { entityId values } }",
          variables: { ids, names: NAMES, t: reference },
        });
        expect(reply.errors).toBeUndefined();
        for (const [i, id] of ids.entries()) {
          const one = await service.getFeatures(id, NAMES, reference);
          expect(batch[i]).toEqual(one);
          const plain = await service.store.getVector(id, compiled.readNames(NAMES));
          const before = structuredClone(plain);
          expect(compiled.apply(plain, NAMES.length)).toEqual(one);
          expect(plain).toEqual(before);
          const group = await service.getGroupFeatures(id, "g", reference);
          expect(group.values).toEqual(
            await service
              .getFeatures(id, [...(await service.requireGroup("g")).featureNames], reference)
              .then((v) => v.values),
          );
          // JSON carries what GraphQL sends: the same values, numbers and all.
          expect(reply.data?.vectors[i]?.values).toEqual(JSON.parse(JSON.stringify(one.values)));
        }
      }),
      { numRuns: 25 },
    );
  }, 60_000);
});
