import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createApp } from "../../src/app.js";
import { FeatureService, InMemoryFeatureStore } from "../../src/index.js";
import { post } from "../graphql/client.js";
import {
  EVERYTHING,
  EVERYTHING_FEATURES,
  EVERYTHING_GROUP,
  everythingRecord,
} from "./everything-transform.js";

const NAMES = [...EVERYTHING_FEATURES, "unregistered"];

describe("a stored transform gives the same output on every read path", () => {
  it("one entity, a batch, a group, GraphQL's vector and vectors, and the pure apply agree (property)", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(everythingRecord, { minLength: 1, maxLength: 8 }), async (records) => {
        const service = new FeatureService(new InMemoryFeatureStore());
        await service.registerGroup(EVERYTHING_GROUP);
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
