import fc from "fast-check";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FeatureType, ValueType } from "../core/enums.js";
import { FeatureStoreError } from "../core/errors.js";
import type { FeatureData, FeatureDefinition, FeatureVector } from "../core/models.js";
import { FeatureTransform } from "../core/transform.js";
import { FeatureService } from "../service.js";
import type { StoreBackend } from "../store/backend.js";
import type { EntryWrite, StoredEntry } from "../store/entry.js";
import { FeatureStore, type StoreOptions } from "../store/feature-store.js";
import { MemoryBackend } from "../store/memory/memory-backend.js";
import type { EntityRow, TrainingRow, TrainingSetOptions } from "../store/training-set.js";
import { describeExplorerReads } from "./explorer-conformance.js";

/**
 * How the suite gets backends of one kind. Every test gets a fresh, empty backend, which the
 * suite opens in a `FeatureStore` (and closes after the test).
 *
 * @example
 * ```ts
 * // my-backend.test.ts, run by vitest
 * import { describeConformance } from "featurestore/testing";
 * describeConformance({ name: "mydb", create: () => new MyBackend(freshDatabase()) });
 * ```
 */
export interface BackendHarness {
  /** The name the suite's `describe` block carries. */
  name: string;
  /** A new, empty backend with data of its own (namespace, file or schema), not yet connected. */
  create(): StoreBackend | Promise<StoreBackend>;
  /**
   * Another backend over the same data as `backend`, as a second process would open it.
   * Required when the backend declares itself `durable` or `sharedAcrossProcesses`.
   */
  reopen?(backend: StoreBackend): StoreBackend | Promise<StoreBackend>;
  /** Options of the stores the suite opens (timeouts); defaults otherwise. */
  storeOptions?: StoreOptions;
}

/** Resolves to the error's `code`, failing the test when the promise does not reject with a FeatureStoreError. */
export async function errorCode(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    expect(err).toBeInstanceOf(FeatureStoreError);
    return (err as FeatureStoreError).code;
  }
  throw new Error("expected the call to fail");
}

const num = (name: string, extra: Partial<FeatureDefinition> = {}): FeatureDefinition => ({
  name,
  featureType: FeatureType.NUMERIC,
  valueType: ValueType.FLOAT,
  ...extra,
});

const at = (iso: string) => new Date(iso);

/** A definition per value type, for round trips. */
const TYPED: Record<ValueType, FeatureDefinition> = {
  INT: { name: "t_int", featureType: FeatureType.NUMERIC, valueType: ValueType.INT },
  FLOAT: { name: "t_float", featureType: FeatureType.NUMERIC, valueType: ValueType.FLOAT },
  STRING: { name: "t_string", featureType: FeatureType.TEXT, valueType: ValueType.STRING },
  BOOL: { name: "t_bool", featureType: FeatureType.BOOLEAN, valueType: ValueType.BOOL },
  LIST: { name: "t_list", featureType: FeatureType.CATEGORICAL, valueType: ValueType.LIST },
  DICT: { name: "t_dict", featureType: FeatureType.CATEGORICAL, valueType: ValueType.DICT },
};

const jsonLeaf = fc.oneof(
  fc.string({ unit: "binary" }),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.integer(),
  fc.constant(null),
);
const jsonTree = fc.letrec((tie) => ({
  node: fc.oneof({ depthSize: "small" }, jsonLeaf, tie("list"), tie("dict")),
  list: fc.array(tie("node"), { maxLength: 5 }),
  dict: fc.dictionary(fc.string({ unit: "binary", maxLength: 8 }), tie("node"), {
    maxKeys: 5,
    noNullPrototype: true,
  }),
}));

/** Arbitrary valid values of each value type. */
const VALUES: Record<ValueType, fc.Arbitrary<unknown>> = {
  INT: fc.maxSafeInteger(),
  FLOAT: fc.double({ noNaN: true, noDefaultInfinity: true }),
  STRING: fc.string({ unit: "binary" }),
  BOOL: fc.boolean(),
  LIST: jsonTree.list,
  DICT: jsonTree.dict,
};

/**
 * The conformance suite: every backend runs exactly this, and is held to what its
 * capabilities declare (history retention, durability, sharing between processes). It
 * defines vitest tests, so call it at the top level of a test file.
 */
export function describeConformance(harness: BackendHarness): void {
  describe(`${harness.name} store conformance`, () => {
    let backend: StoreBackend;
    let store: FeatureStore;
    const opened: FeatureStore[] = [];
    const openStoreOn = async (on: StoreBackend) => {
      const opening = new FeatureStore(on, harness.storeOptions);
      opened.push(opening);
      return opening.open();
    };
    /** A second store over the same data as the test's store, as another process would open it. */
    const reopened = async () => {
      if (!harness.reopen) throw new Error(`the ${harness.name} harness has no reopen()`);
      return openStoreOn(await harness.reopen(backend));
    };

    beforeEach(async () => {
      backend = await harness.create();
      store = await openStoreOn(backend);
    });

    afterEach(async () => {
      for (const s of opened.splice(0)) await s.close();
    });

    describe("definitions", () => {
      it("accepts a plain object literal and lists it normalized", async () => {
        await store.registerFeature({
          name: "clicks",
          featureType: "NUMERIC",
          valueType: "INT",
          defaultValue: 0,
          tags: ["web", "core", "web"],
          ttlSeconds: 3600,
          description: "clicks in 7 days",
        });
        expect(await store.listFeatures()).toEqual([
          {
            name: "clicks",
            featureType: "NUMERIC",
            valueType: "INT",
            defaultValue: 0,
            tags: ["core", "web"],
            ttlSeconds: 3600,
            description: "clicks in 7 days",
            dimension: null,
            version: 1,
            validFromMs: null,
          },
        ]);
      });

      it("treats an identical definition as a no-op and a different one as a conflict", async () => {
        await store.registerFeature(num("x", { defaultValue: 1.5 }));
        await store.registerFeature(num("x", { defaultValue: 1.5 }));
        expect(await errorCode(store.registerFeature(num("x", { defaultValue: 2 })))).toBe("CONFLICT");
        expect((await store.getDefinition("x"))?.defaultValue).toBe(1.5);
        expect(await store.listFeatures()).toHaveLength(1);
      });

      it("compares defaults by content and hands out frozen definitions", async () => {
        await store.registerFeature({
          name: "d",
          featureType: "CATEGORICAL",
          valueType: "DICT",
          defaultValue: { a: 1, b: [2] },
        });
        await store.registerFeature({
          name: "d",
          featureType: "CATEGORICAL",
          valueType: "DICT",
          defaultValue: { b: [2], a: 1 },
        });
        const def = await store.getDefinition("d");
        if (!def) throw new Error("definition d is missing");
        expect(Object.isFrozen(def)).toBe(true);
        expect(() => (def.defaultValue as { b: number[] }).b.push(3)).toThrow(TypeError);
        expect((await store.getVector("u", ["d"])).values.d).toEqual({ a: 1, b: [2] });
      });

      it("rejects malformed definitions and registers nothing", async () => {
        const bad: unknown[] = [
          num("has space"),
          num(""),
          { name: "a", featureType: "NUMBER", valueType: "INT" },
          { name: "a", featureType: "NUMERIC", valueType: "TEXT" },
          { name: "a", featureType: "NUMERIC", valueType: "STRING" },
          { name: "a", featureType: "EMBEDDING", valueType: "DICT" },
          { name: "a", featureType: "BOOLEAN", valueType: "INT" },
          num("a", { defaultValue: "zero" }),
          num("a", { ttlSeconds: -1 }),
          num("a", { dimension: 3 }),
          num("__proto__"),
          { name: "a", featureType: "NUMERIC", valueType: "INT", tags: "web" },
          null,
        ];
        for (const def of bad) {
          expect(await errorCode(store.registerFeature(def as FeatureDefinition))).toBe("VALIDATION_FAILED");
        }
        expect(await store.listFeatures()).toEqual([]);
      });
    });

    describe("values and versions", () => {
      it("numbers versions from 1, one per write, and reads the latest", async () => {
        await store.registerFeature(num("score"));
        const written = [];
        for (const v of [0.5, 0.25, 0.125]) written.push(await store.setValue("score", "u1", v));
        expect(written.map((w) => w.version)).toEqual([1, 2, 3]);
        const value = await store.getValue("score", "u1");
        expect(value).toMatchObject({ featureName: "score", entityId: "u1", value: 0.125, version: 3 });
        expect(value?.timestamp).toBeInstanceOf(Date);
        expect(value?.ageSeconds).toBeGreaterThanOrEqual(0);
        expect(await store.getValue("score", "u2")).toBeNull();
        expect((await store.setValue("score", "u2", 1)).version).toBe(1);
      });

      it("computes ageSeconds from the event time at read", async () => {
        await store.registerFeature(num("score"));
        const eventTime = new Date(Date.now() - 90_000);
        await store.setValue("score", "u1", 1, { eventTime });
        const value = await store.getValue("score", "u1");
        expect(value?.timestamp.getTime()).toBe(eventTime.getTime());
        expect(value?.ageSeconds).toBeGreaterThanOrEqual(90);
        expect(value?.ageSeconds).toBeLessThan(120);
      });

      it("refuses unregistered features, null and wrongly typed values, storing nothing", async () => {
        await store.registerFeature(num("score"));
        await store.setValue("score", "u1", 1);
        expect(await errorCode(store.setValue("nope", "u1", 1))).toBe("FEATURE_NOT_FOUND");
        expect(await errorCode(store.getValue("nope", "u1"))).toBe("FEATURE_NOT_FOUND");
        expect(await errorCode(store.setValue("score", "u1", null))).toBe("VALIDATION_FAILED");
        expect(await errorCode(store.setValue("score", "u1", "1"))).toBe("VALIDATION_FAILED");
        expect(await errorCode(store.setValue("score", "u1", Number.NaN))).toBe("VALIDATION_FAILED");
        for (const badId of ["", "a\u0000b", "lone \ud800", "x".repeat(513)]) {
          expect(await errorCode(store.setValue("score", badId, 1))).toBe("VALIDATION_FAILED");
        }
        await store.setValue("score", "ids {may} have: any 🎉 text", 1);
        expect(await errorCode(store.setValue("score", "u1", 1, { eventTime: new Date("x") }))).toBe(
          "VALIDATION_FAILED",
        );
        expect((await store.history("score", "u1")).map((v) => v.version)).toEqual([1]);
      });

      it("refuses event times too far in the future", async () => {
        await store.registerFeature(num("score"));
        const soon = new Date(Date.now() + 60_000);
        expect((await store.setValue("score", "u1", 1, { eventTime: soon })).timestamp).toEqual(soon);
        const far = new Date(Date.now() + 3_600_000);
        expect(await errorCode(store.setValue("score", "u1", 2, { eventTime: far }))).toBe(
          "VALIDATION_FAILED",
        );
        expect((await store.history("score", "u1")).map((h) => h.value)).toEqual([1]);
      });

      it("checks every value type", async () => {
        const cases: [ValueType, unknown[], unknown[]][] = [
          ["INT", [0, -7, Number.MAX_SAFE_INTEGER], [1.5, 2 ** 53, "3", true, Number.POSITIVE_INFINITY]],
          ["FLOAT", [0, 1.5, -1e300, 3], [Number.NaN, Number.POSITIVE_INFINITY, "1.5", [1]]],
          ["STRING", ["", "é", "a\u0000b"], [1, false, ["a"], { a: 1 }]],
          ["BOOL", [true, false], [0, 1, "true"]],
          ["LIST", [[], [1, "a", null, { b: [2] }]], [{}, "[]", 1, [Number.NaN], [undefined]]],
          [
            "DICT",
            [{}, { a: { b: [1, null] } }],
            [[], "x", new Date(), new Map(), { a: undefined }, { f: () => 1 }],
          ],
        ];
        for (const [valueType, good, bad] of cases) {
          const def = TYPED[valueType];
          await store.registerFeature(def);
          for (const v of good) await store.setValue(def.name, "e", v);
          for (const v of bad) {
            expect(await errorCode(store.setValue(def.name, "e", v)), `${valueType} ${String(v)}`).toBe(
              "VALIDATION_FAILED",
            );
          }
          expect(await store.history(def.name, "e")).toHaveLength(good.length);
        }
      });

      it("checks embeddings: numbers only, of the declared dimension", async () => {
        await store.registerFeature({
          name: "emb",
          featureType: "EMBEDDING",
          valueType: "LIST",
          dimension: 3,
        });
        await store.registerFeature({ name: "emb_any", featureType: "EMBEDDING", valueType: "LIST" });
        await store.setValue("emb", "e", [0.1, -0.2, 3]);
        await store.setValue("emb_any", "e", [1, 2, 3, 4, 5]);
        expect(await errorCode(store.setValue("emb", "e", [1, 2]))).toBe("VALIDATION_FAILED");
        expect(await errorCode(store.setValue("emb", "e", [1, 2, "3"]))).toBe("VALIDATION_FAILED");
        expect(await errorCode(store.setValue("emb_any", "e", [[1]]))).toBe("VALIDATION_FAILED");
        expect((await store.getValue("emb", "e"))?.value).toEqual([0.1, -0.2, 3]);
      });

      it("round-trips values exactly", async () => {
        for (const def of Object.values(TYPED)) await store.registerFeature(def);
        const bigList = Array.from({ length: 20_000 }, (_, i) => Math.sin(i) * 1e-3 + i);
        const samples: [string, unknown][] = [
          ["t_string", 'naïve café — 日本語 🎉 \u0000 nul \n\t"quoted" \\ back'],
          ["t_string", ""],
          ["t_float", 0.1 + 0.2],
          ["t_float", -0],
          ["t_float", Number.MIN_VALUE],
          ["t_float", Number.MAX_VALUE],
          ["t_float", -1.7976931348623157e308],
          ["t_int", Number.MAX_SAFE_INTEGER],
          ["t_int", Number.MIN_SAFE_INTEGER],
          ["t_bool", false],
          ["t_list", bigList],
          ["t_list", [-0, [[[]]], { "": null }]],
          [
            "t_dict",
            { nested: { deeper: { list: [1, "two", { three: 3 }], nul: "\u0000" } }, ключ: -0, "": true },
          ],
        ];
        for (const [name, value] of samples) {
          await store.setValue(name, "rt", value);
          const back = await store.getValue(name, "rt");
          expect(back?.value).toStrictEqual(value);
          if (typeof value === "number") expect(Object.is(back?.value, value)).toBe(true);
        }
        const list = (await store.getValue("t_list", "rt", { version: 2 }))?.value as number[];
        expect(Object.is(list[0], -0)).toBe(true);
        const dict = (await store.getValue("t_dict", "rt"))?.value as Record<string, unknown>;
        expect(Object.is(dict.ключ, -0)).toBe(true);
      });

      it("round-trips arbitrary values of every type (property)", async () => {
        for (const def of Object.values(TYPED)) await store.registerFeature(def);
        for (const [valueType, arb] of Object.entries(VALUES) as [ValueType, fc.Arbitrary<unknown>][]) {
          const def = TYPED[valueType];
          await fc.assert(
            fc.asyncProperty(arb, async (value) => {
              const written = await store.setValue(def.name, "prop", value);
              const back = await store.getValue(def.name, "prop", { version: written.version });
              expect(back?.value).toStrictEqual(value);
            }),
            { numRuns: 40 },
          );
        }
      });

      it("keeps every write as history, oldest first", async () => {
        await store.registerFeature(num("score"));
        await store.setValue("score", "u1", 1, { eventTime: at("2026-01-01T00:00:00Z") });
        await store.setValue("score", "u1", 2, { eventTime: at("2026-01-03T00:00:00Z") });
        await store.setValue("score", "u1", 3, { eventTime: at("2026-01-02T00:00:00Z") });
        const history = await store.history("score", "u1");
        expect(history.map((h) => [h.version, h.value, h.timestamp.toISOString()])).toEqual([
          [1, 1, "2026-01-01T00:00:00.000Z"],
          [2, 2, "2026-01-03T00:00:00.000Z"],
          [3, 3, "2026-01-02T00:00:00.000Z"],
        ]);
        expect(await store.history("score", "nobody")).toEqual([]);
      });

      it("serves the value with the latest event time as current (a backfill does not replace it)", async () => {
        await store.registerFeature(num("score"));
        await store.setValue("score", "u1", 2, { eventTime: at("2026-01-03T00:00:00Z") });
        await store.setValue("score", "u1", 1, { eventTime: at("2026-01-01T00:00:00Z") });
        expect(await store.getValue("score", "u1")).toMatchObject({ value: 2, version: 1 });
        expect((await store.getVector("u1", ["score"])).entries[0]).toMatchObject({ value: 2, version: 1 });
      });
    });

    describe("inputs no check expects", () => {
      it("answers a version beyond any stored one with null, however large", async () => {
        await store.registerFeature(num("x"));
        await store.setValue("x", "u", 1);
        for (const version of [2, 2 ** 31 - 1, 2 ** 31, 2 ** 32, 2 ** 53 - 1]) {
          expect(await store.getValue("x", "u", { version })).toBeNull();
        }
        expect(await errorCode(store.getValue("x", "u", { version: 2 ** 53 }))).toBe("VALIDATION_FAILED");
      });

      it("refuses BigInt and other unstorable values with VALIDATION_FAILED, storing nothing", async () => {
        await store.registerFeature({ name: "n", featureType: "NUMERIC", valueType: "INT" });
        const service = new FeatureService(store);
        for (const value of [10n, Symbol("s"), () => 1, [1n], { a: 1n }, new Map()]) {
          expect(await errorCode(store.setValue("n", "u", value))).toBe("VALIDATION_FAILED");
          expect(await errorCode(service.ingest({ n: value }, "u"))).toBe("VALIDATION_FAILED");
          expect(
            await errorCode(
              store.registerFeature({
                name: "d",
                featureType: "NUMERIC",
                valueType: "INT",
                defaultValue: value as never,
              }),
            ),
          ).toBe("VALIDATION_FAILED");
        }
        expect(await store.history("n", "u")).toEqual([]);
        expect(await store.getDefinition("d")).toBeNull();
      });

      it("answers any input with a value or a coded error, never another error (property)", async () => {
        await store.registerFeature({ name: "n", featureType: "NUMERIC", valueType: "INT" });
        const service = new FeatureService(store);
        const anything = fc.anything({
          withBigInt: true,
          withBoxedValues: true,
          withMap: true,
          withSet: true,
          withTypedArray: true,
          withSparseArray: true,
          withNullPrototype: true,
          withDate: true,
        });
        await fc.assert(
          fc.asyncProperty(anything, anything, anything, async (a, b, c) => {
            const calls: (() => Promise<unknown>)[] = [
              () => store.setValue("n", a as string, b),
              () => store.setValue(a as string, "u", b),
              () => store.getValue("n", "u", a as never),
              () => store.getValue(a as string, b as string),
              () => store.getVectors([a as string], ["n"]),
              () => store.getVectors(["u"], [a as string]),
              () => store.registerFeature(a as never),
              () =>
                store.registerFeature({
                  name: "m",
                  featureType: "NUMERIC",
                  valueType: "INT",
                  defaultValue: b as never,
                }),
              () => service.ingest(a as never, b as string),
              () => service.ingestBatchReport(a as never, b as string),
              () => service.registerGroup(c as never),
            ];
            for (const call of calls) {
              try {
                await call();
              } catch (err) {
                if (!(err instanceof FeatureStoreError)) throw err;
              }
            }
          }),
          { numRuns: 60 },
        );
      });
    });

    describe("time travel", () => {
      it("answers asOf with the greatest event time <= asOf, ties to the higher version", async () => {
        await store.registerFeature(num("score"));
        await store.setValue("score", "u1", 10, { eventTime: at("2026-01-01T00:00:00Z") });
        await store.setValue("score", "u1", 20, { eventTime: at("2026-01-02T00:00:00Z") });
        await store.setValue("score", "u1", 21, { eventTime: at("2026-01-02T00:00:00Z") });
        await store.setValue("score", "u1", 5, { eventTime: at("2025-12-01T00:00:00Z") });
        const asOf = async (iso: string) => (await store.getValue("score", "u1", { asOf: at(iso) }))?.value;
        expect(await asOf("2025-11-30T00:00:00Z")).toBeUndefined();
        expect(await asOf("2025-12-01T00:00:00Z")).toBe(5);
        expect(await asOf("2026-01-01T12:00:00Z")).toBe(10);
        expect(await asOf("2026-01-02T00:00:00Z")).toBe(21);
        expect(await asOf("2030-01-01T00:00:00Z")).toBe(21);
        expect((await store.getValue("score", "u1", { version: 2 }))?.value).toBe(20);
        expect(await store.getValue("score", "u1", { version: 9 })).toBeNull();
        expect(await errorCode(store.getValue("score", "u1", { version: 0 }))).toBe("VALIDATION_FAILED");
        expect(await errorCode(store.getValue("score", "u1", { version: 1, asOf: new Date() }))).toBe(
          "VALIDATION_FAILED",
        );
      });

      it("matches a brute-force oracle for asOf (property)", async () => {
        await store.registerFeature(num("p"));
        let round = 0;
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.integer({ min: 0, max: 20 }), { minLength: 1, maxLength: 12 }),
            fc.array(fc.integer({ min: -1, max: 21 }), { minLength: 1, maxLength: 8 }),
            async (eventDays, queryDays) => {
              const entity = `oracle-${round++}`;
              const day = (d: number) => new Date(Date.UTC(2026, 0, 1 + d));
              for (const [i, d] of eventDays.entries())
                await store.setValue("p", entity, i, { eventTime: day(d) });
              for (const q of queryDays) {
                let expected: number | undefined;
                eventDays.forEach((d, i) => {
                  if (d <= q && (expected === undefined || d >= (eventDays[expected] as number)))
                    expected = i;
                });
                const got = await store.getValue("p", entity, { asOf: day(q) });
                expect(got?.value).toBe(expected);
                if (expected !== undefined) expect(got?.version).toBe(expected + 1);
              }
            },
          ),
          { numRuns: 30 },
        );
      });
    });

    describe("vectors", () => {
      beforeEach(async () => {
        await store.registerFeature(num("a", { defaultValue: -1 }));
        await store.registerFeature(num("b"));
        await store.registerFeature({
          name: "tags",
          featureType: "CATEGORICAL",
          valueType: "DICT",
          defaultValue: { seen: [] },
        });
      });

      it("fills missing values with defaults and unregistered names with null", async () => {
        const written = await store.setValue("b", "u1", 2.5);
        const vector = await store.getVector("u1", ["a", "b", "tags", "ghost"]);
        expect(vector.entries.map((e) => e.eventTimeMs)).toEqual([
          null,
          written.timestamp.getTime(),
          null,
          null,
        ]);
        expect(vector.entityId).toBe("u1");
        expect(vector.values).toEqual({ a: -1, b: 2.5, tags: { seen: [] }, ghost: null });
        expect(vector.entries.map((e) => [e.featureName, e.version, e.usedDefault, e.registered])).toEqual([
          ["a", null, true, true],
          ["b", 1, false, true],
          ["tags", null, true, true],
          ["ghost", null, false, false],
        ]);
        expect(Object.keys(vector.values)).toEqual(["a", "b", "tags", "ghost"]);
      });

      it("keeps a requested name like __proto__ an own key of the values", async () => {
        const vector = await store.getVector("u1", ["__proto__", "a"]);
        expect(Object.getPrototypeOf(vector.values)).toBe(Object.prototype);
        expect(Object.keys(vector.values)).toEqual(["__proto__", "a"]);
        expect(vector.entries[0]).toMatchObject({ value: null, registered: false });
      });

      it("hands out a fresh copy of a default every time", async () => {
        const first = await store.getVector("u1", ["tags"]);
        (first.values.tags as { seen: string[] }).seen.push("mutated");
        const second = await store.getVector("u1", ["tags"]);
        expect(second.values.tags).toEqual({ seen: [] });
        expect((await store.getDefinition("tags"))?.defaultValue).toEqual({ seen: [] });
      });

      it("hands out a fresh copy of a stored value every time", async () => {
        await store.setValue("tags", "u1", { seen: ["x"] });
        const first = await store.getVector("u1", ["tags"]);
        (first.values.tags as { seen: string[] }).seen.push("mutated");
        expect((await store.getVector("u1", ["tags"])).values.tags).toEqual({ seen: ["x"] });
      });

      it("returns one vector per id, in order, duplicates included", async () => {
        await store.setValue("a", "u1", 1);
        await store.setValue("a", "u3", 3);
        const vectors = await store.getVectors(["u3", "u2", "u1", "u3"], ["a", "b"]);
        expect(vectors.map((v) => [v.entityId, v.values.a])).toEqual([
          ["u3", 3],
          ["u2", -1],
          ["u1", 1],
          ["u3", 3],
        ]);
        expect(await store.getVectors([], ["a"])).toEqual([]);
        expect((await store.getVectors(["u1"], []))[0]).toEqual({ entityId: "u1", values: {}, entries: [] });
      });

      it("reads 100 entities x 50 features correctly", async () => {
        const names = Array.from({ length: 50 }, (_, i) => `f${i}`);
        for (const n of names) await store.registerFeature(num(n, { defaultValue: 0 }));
        const ids = Array.from({ length: 100 }, (_, i) => `e${i}`);
        await store.setValues(
          ids.flatMap((id, e) =>
            names
              .filter((_, f) => (e + f) % 3 === 0)
              .map((n) => ({ featureName: n, entityId: id, value: e * 100 + Number(n.slice(1)) })),
          ),
        );
        const vectors = await store.getVectors(ids, names);
        for (const [e, vector] of vectors.entries()) {
          for (const [f, n] of names.entries())
            expect(vector.values[n]).toBe((e + f) % 3 === 0 ? e * 100 + f : 0);
        }
      });
    });

    describe("expiry and deletion", () => {
      it("treats values older than ttlSeconds as expired, judged at the read's time", async () => {
        await store.registerFeature(num("fresh", { ttlSeconds: 60, defaultValue: 0 }));
        const old = new Date(Date.now() - 120_000);
        await store.setValue("fresh", "u1", 7, { eventTime: old });
        expect((await store.getVector("u1", ["fresh"])).entries[0]).toMatchObject({
          value: 0,
          usedDefault: true,
        });
        expect(await store.getValue("fresh", "u1")).toBeNull();
        expect((await store.getValue("fresh", "u1", { asOf: new Date(old.getTime() + 30_000) }))?.value).toBe(
          7,
        );
        expect(await store.getValue("fresh", "u1", { asOf: new Date(old.getTime() + 61_000) })).toBeNull();
        expect((await store.getValue("fresh", "u1", { version: 1 }))?.value).toBe(7);
        await store.setValue("fresh", "u1", 8);
        expect((await store.getVector("u1", ["fresh"])).values.fresh).toBe(8);
      });

      it("keeps a value live at exactly ttlSeconds of age and expires it just after", async () => {
        await store.registerFeature(num("fresh", { ttlSeconds: 60 }));
        const t = Date.now() - 3_600_000;
        await store.setValue("fresh", "u1", 7, { eventTime: new Date(t) });
        expect((await store.getValue("fresh", "u1", { asOf: new Date(t + 60_000) }))?.value).toBe(7);
        expect(await store.getValue("fresh", "u1", { asOf: new Date(t + 60_001) })).toBeNull();
      });

      it("deletes the current value but keeps history and time travel", async () => {
        await store.registerFeature(num("score", { defaultValue: 0 }));
        const day = 86_400_000;
        const t0 = Date.now() - 3 * day;
        await store.setValue("score", "u1", 1, { eventTime: new Date(t0) });
        await store.setValue("score", "u1", 2, { eventTime: new Date(t0 + day) });
        expect(await store.deleteValue("score", "u1")).toBe(true);
        expect(await store.deleteValue("score", "u1")).toBe(false);
        expect(await store.deleteValue("score", "never")).toBe(false);
        expect(await store.getValue("score", "u1")).toBeNull();
        expect((await store.getVector("u1", ["score"])).entries[0]).toMatchObject({
          value: 0,
          usedDefault: true,
        });
        expect((await store.getValue("score", "u1", { asOf: new Date(t0 + 1.5 * day) }))?.value).toBe(2);
        expect(await store.getValue("score", "u1", { asOf: new Date(Date.now() + 1000) })).toBeNull();
        expect((await store.history("score", "u1")).map((h) => h.value)).toEqual([1, 2]);
        expect((await store.setValue("score", "u1", 3)).version).toBe(4);
        expect((await store.getValue("score", "u1"))?.value).toBe(3);
        expect(await errorCode(store.deleteValue("ghost", "u1"))).toBe("FEATURE_NOT_FOUND");
      });
    });

    describe("atomicity and concurrency", () => {
      it("lets only one of several concurrent deletions delete the value", async () => {
        await store.registerFeature(num("gone"));
        await store.setValue("gone", "u1", 1);
        const results = await Promise.all([1, 2, 3, 4].map(() => store.deleteValue("gone", "u1")));
        expect(results.filter(Boolean)).toHaveLength(1);
        expect((await store.setValue("gone", "u1", 2)).version).toBe(3);
      });

      it("gives thousands of concurrent writers on one key versions 1..n exactly", async () => {
        await store.registerFeature(num("hot"));
        const n = 2000;
        const written = await Promise.all(Array.from({ length: n }, (_, i) => store.setValue("hot", "k", i)));
        const versions = written.map((w) => w.version).sort((a, b) => a - b);
        expect(versions).toEqual(Array.from({ length: n }, (_, i) => i + 1));
        const history = await store.history("hot", "k");
        expect(history.map((h) => h.version)).toEqual(versions);
        for (const w of written) expect(history[w.version - 1]?.value).toBe(w.value);
      });

      it("writes a batch all or nothing", async () => {
        await store.registerFeature(num("a"));
        await store.registerFeature(num("b"));
        const code = await errorCode(
          store.setValues([
            { featureName: "a", entityId: "u1", value: 1 },
            { featureName: "b", entityId: "u1", value: "bad" },
          ]),
        );
        expect(code).toBe("VALIDATION_FAILED");
        expect(await store.getValue("a", "u1")).toBeNull();
        const ok = await store.setValues([
          { featureName: "a", entityId: "u1", value: 1 },
          { featureName: "a", entityId: "u1", value: 2 },
          { featureName: "b", entityId: "u2", value: 3 },
        ]);
        expect(ok.map((v) => v.version)).toEqual([1, 2, 1]);
        expect((await store.getValue("a", "u1"))?.value).toBe(2);
      });
    });

    describe("feature service", () => {
      const group = {
        name: "user_profile",
        description: "who the user is",
        tags: ["users"],
        features: [
          { name: "age", featureType: "NUMERIC", valueType: "INT", defaultValue: 0 },
          { name: "country", featureType: "CATEGORICAL", valueType: "STRING", defaultValue: "unknown" },
          { name: "premium", featureType: "BOOLEAN", valueType: "BOOL", defaultValue: false },
        ] satisfies FeatureDefinition[],
      };

      it("registers groups with their features and reads group vectors", async () => {
        const service = new FeatureService(store);
        await service.registerGroup(group);
        await service.registerGroup(group);
        expect((await service.listGroups()).map((g) => g.name)).toEqual(["user_profile"]);
        expect((await store.listFeatures()).map((f) => f.name)).toEqual(["age", "country", "premium"]);
        await service.ingest({ age: 31, country: "FR" }, "u1");
        const vector = await service.getGroupFeatures("u1", "user_profile");
        expect(vector.values).toEqual({ age: 31, country: "FR", premium: false });
        expect(await errorCode(service.getGroupFeatures("u1", "nope"))).toBe("GROUP_NOT_FOUND");
        expect(await errorCode(service.registerGroup({ ...group, description: "changed" }))).toBe("CONFLICT");
        const grown = { ...group, features: [...group.features, num("new_feature")] };
        expect(await errorCode(service.registerGroup(grown))).toBe("CONFLICT");
        expect((await store.listFeatures()).map((f) => f.name)).not.toContain("new_feature");
        expect(
          await errorCode(store.saveGroup({ name: "empty", featureNames: [], description: null, tags: [] })),
        ).toBe("VALIDATION_FAILED");
        expect(
          await errorCode(
            store.saveGroup({ name: "ghosts", featureNames: ["ghost"], description: null, tags: [] }),
          ),
        ).toBe("FEATURE_NOT_FOUND");
      });

      it("registers nothing of a group with one conflicting or invalid feature", async () => {
        const service = new FeatureService(store);
        await store.registerFeature({ name: "age", featureType: "NUMERIC", valueType: "FLOAT" });
        expect(await errorCode(service.registerGroup(group))).toBe("CONFLICT");
        const broken = {
          ...group,
          name: "broken",
          features: [group.features[1], { name: "x", featureType: "NOPE" }],
        };
        expect(await errorCode(service.registerGroup(broken as typeof group))).toBe("VALIDATION_FAILED");
        expect((await store.listFeatures()).map((f) => f.name)).toEqual(["age"]);
        expect(await service.listGroups()).toEqual([]);
      });

      it("skips records without an entity id field named like an inherited property", async () => {
        const service = new FeatureService(store);
        await service.registerGroup(group);
        for (const field of ["constructor", "toString", "__proto__", "hasOwnProperty"]) {
          const records = [{ age: 5 }, JSON.parse(`{"${field}": "u-${field}", "age": 7}`)];
          const report = await service.ingestBatchReport(records, field);
          expect(report).toMatchObject({ processed: 1, skipped: 1 });
          expect((await store.getValue("age", `u-${field}`))?.value).toBe(7);
        }
      });

      it("ingests a record all or nothing", async () => {
        const service = new FeatureService(store);
        await service.registerGroup(group);
        expect(await errorCode(service.ingest({ age: 30, country: 7 }, "u1"))).toBe("VALIDATION_FAILED");
        expect(await errorCode(service.ingest({ age: 30, ghost: 1 }, "u1"))).toBe("FEATURE_NOT_FOUND");
        expect(await errorCode(service.ingest({}, ""))).toBe("VALIDATION_FAILED");
        expect(await errorCode(service.ingest([1] as unknown as Record<string, unknown>, "u1"))).toBe(
          "VALIDATION_FAILED",
        );
        expect(await store.getValue("age", "u1")).toBeNull();
        const when = at("2026-03-01T00:00:00Z");
        const written = await service.ingest({ age: 30, premium: true }, "u1", { eventTime: when });
        expect(written.map((w) => [w.featureName, w.version, w.timestamp.toISOString()])).toEqual([
          ["age", 1, when.toISOString()],
          ["premium", 1, when.toISOString()],
        ]);
      });

      it("ingests batches, skipping records without the entity field", async () => {
        const service = new FeatureService(store);
        await service.registerGroup(group);
        const records = [
          { user_id: "u1", age: 20 },
          { age: 99 },
          { user_id: 42, country: "DE", premium: true },
          { user_id: null, age: 1 },
        ];
        expect(await service.ingestBatch(records, "user_id")).toBe(2);
        const report = await service.ingestBatchReport(records, "user_id");
        expect(report).toMatchObject({ processed: 2, skipped: 2 });
        expect(report.written.map((w) => [w.featureName, w.entityId, w.value, w.version])).toEqual([
          ["age", "u1", 20, 2],
          ["country", "42", "DE", 2],
          ["premium", "42", true, 2],
        ]);
        expect(await store.getDefinitions(["age", "ghost", "premium"])).toEqual([
          await store.getDefinition("age"),
          null,
          await store.getDefinition("premium"),
        ]);
        expect((await service.getFeatures("42", ["country", "premium", "user_id"])).values).toEqual({
          country: "DE",
          premium: true,
          user_id: null,
        });
        expect((await store.getValue("age", "u1"))?.version).toBe(2);
        const bad = [
          { user_id: "u9", age: 1 },
          { user_id: "u9", age: "old" },
        ];
        expect(await errorCode(service.ingestBatch(bad, "user_id"))).toBe("VALIDATION_FAILED");
        expect(await store.getValue("age", "u9")).toBeNull();
      });

      it("applies transforms on request, leaving the stored vector untouched", async () => {
        const transform = new FeatureTransform()
          .add("age", (v) => (typeof v === "number" ? v / 100 : v))
          .add("age", (v) => (typeof v === "number" ? v * 2 : v))
          .add("country", (v) => (typeof v === "string" ? v.toLowerCase() : v));
        const service = new FeatureService(store, { transform });
        await service.registerGroup(group);
        await service.ingest({ age: 50, country: "FR" }, "u1");
        const raw = await service.getFeatures("u1", ["age", "country"]);
        const transformed = await service.getFeatures("u1", ["age", "country"], true);
        expect(raw.values).toEqual({ age: 50, country: "FR" });
        expect(transformed.values).toEqual({ age: 1, country: "fr" });
        expect(transformed.entries[0]?.value).toBe(1);
        const input = await service.getFeatures("u1", ["age"]);
        const copy = structuredClone(input);
        transform.apply(input);
        expect(input).toEqual(copy);
      });
    });

    describe("definition versions", () => {
      const DAY = 86_400_000;

      it("stores a change of the mutable fields as the next version, keeping the old ones readable", async () => {
        await store.registerFeature(num("clicks", { defaultValue: 0, description: "clicks", tags: ["web"] }));
        const before = Date.now();
        const v2 = await store.updateFeature("clicks", { description: "clicks in 7 days", ttlSeconds: 3600 });
        expect(v2).toMatchObject({
          version: 2,
          description: "clicks in 7 days",
          ttlSeconds: 3600,
          tags: ["web"],
        });
        expect(v2.validFromMs).toBeGreaterThanOrEqual(before);
        // No change is a no-op; null clears a field.
        expect((await store.updateFeature("clicks", { ttlSeconds: 3600 })).version).toBe(2);
        expect(await store.updateFeature("clicks", { tags: null, defaultValue: null })).toMatchObject({
          version: 3,
          tags: [],
          defaultValue: null,
          ttlSeconds: 3600,
        });
        expect((await store.getDefinition("clicks", 1))?.description).toBe("clicks");
        expect((await store.getDefinition("clicks"))?.version).toBe(3);
        expect(await store.getDefinition("clicks", 4)).toBeNull();
        expect((await store.definitionVersions("clicks")).map((v) => [v.version, v.description])).toEqual([
          [1, "clicks"],
          [2, "clicks in 7 days"],
          [3, "clicks in 7 days"],
        ]);
        expect((await store.listFeatures()).map((d) => [d.name, d.version])).toEqual([["clicks", 3]]);
        // Another store over the same data reads the same versions.
        if (backend.capabilities.sharedAcrossProcesses) {
          const other = await reopened();
          expect((await other.definitionVersions("clicks")).map((v) => v.version)).toEqual([1, 2, 3]);
          expect((await other.getDefinition("clicks", 2))?.validFromMs).toBe(v2.validFromMs);
        }
        expect(await errorCode(store.updateFeature("ghost", { description: "x" }))).toBe("FEATURE_NOT_FOUND");
        expect(await errorCode(store.updateFeature("clicks", { ttlSeconds: -1 }))).toBe("VALIDATION_FAILED");
        expect(await errorCode(store.updateFeature("clicks", { defaultValue: "many" }))).toBe(
          "VALIDATION_FAILED",
        );
        expect((await store.getDefinition("clicks"))?.version).toBe(3);
      });

      it("refuses a change of type, value type or dimension, saying to use a new name, and saves nothing", async () => {
        await store.registerFeature(num("score"));
        await store.registerFeature({
          name: "emb",
          featureType: "EMBEDDING",
          valueType: "LIST",
          dimension: 3,
        });
        const refusals = [
          { ...num("score", { description: "new" }), valueType: ValueType.INT },
          { name: "emb", featureType: FeatureType.EMBEDDING, valueType: ValueType.LIST, dimension: 4 },
        ];
        for (const wanted of refusals) {
          try {
            await store.saveDefinitions({ features: [num("fresh"), wanted] });
            throw new Error("expected a refusal");
          } catch (err) {
            expect((err as FeatureStoreError).code).toBe("INCOMPATIBLE_CHANGE");
            expect((err as Error).message).toMatch(/new feature name/);
          }
        }
        expect(await store.getDefinition("fresh")).toBeNull();
        expect((await store.definitionVersions("score")).map((v) => v.version)).toEqual([1]);
        expect(await errorCode(store.registerFeature(num("score", { description: "x" })))).toBe("CONFLICT");
      });

      it("saves features and group versions all or nothing", async () => {
        await store.saveDefinitions({
          features: [num("a"), num("b")],
          groups: [{ name: "g", featureNames: ["a", "b"], description: "first", tags: [] }],
        });
        await store.saveDefinitions({
          features: [num("a", { description: "changed" }), num("c")],
          groups: [{ name: "g", featureNames: ["a", "b"], description: "second", tags: ["x"] }],
        });
        expect((await store.getDefinition("a"))?.version).toBe(2);
        expect(await store.getGroup("g")).toMatchObject({ description: "second", tags: ["x"] });
        // A group whose features change is refused, and takes the rest with it.
        expect(
          await errorCode(
            store.saveDefinitions({
              features: [num("d"), num("b", { description: "changed" })],
              groups: [{ name: "g", featureNames: ["a", "b", "c"], description: "second", tags: ["x"] }],
            }),
          ),
        ).toBe("INCOMPATIBLE_CHANGE");
        expect(await store.getDefinition("d")).toBeNull();
        expect((await store.getDefinition("b"))?.version).toBe(1);
        expect((await store.getGroup("g"))?.featureNames).toEqual(["a", "b"]);
      });

      it("reads, vectors and training sets use the version in force at the instant read", async () => {
        await store.registerFeature(num("clicks", { defaultValue: 0 }));
        const old = new Date(Date.now() - 10 * DAY);
        await store.setValue("clicks", "u1", 5, { eventTime: old });
        const beforeChange = new Date(Date.now() - DAY);
        await store.updateFeature("clicks", { ttlSeconds: 2 * 86_400, defaultValue: -1 });
        const afterChange = new Date();
        // Now version 2 is in force: the 10-day-old value has expired and its default is -1.
        expect(await store.getValue("clicks", "u1")).toBeNull();
        expect((await store.getVector("u1", ["clicks"])).values.clicks).toBe(-1);
        expect((await store.getVector("u1", ["clicks"], { asOf: afterChange })).values.clicks).toBe(-1);
        // A day ago version 1 was in force: no TTL, default 0.
        expect((await store.getValue("clicks", "u1", { asOf: beforeChange }))?.value).toBe(5);
        expect((await store.getVector("u1", ["clicks"], { asOf: beforeChange })).values.clicks).toBe(5);
        expect((await store.getVector("u2", ["clicks"], { asOf: beforeChange })).values.clicks).toBe(0);
        const rows = [
          { entityId: "u1", timestamp: beforeChange },
          { entityId: "u1", timestamp: afterChange },
          { entityId: "u2", timestamp: beforeChange },
          { entityId: "u2", timestamp: afterChange },
        ];
        const chunks: number[] = [];
        for await (const chunk of store.trainingSet(rows, ["clicks"], { chunkSize: 3 })) {
          for (const row of chunk) chunks.push(row.values.clicks as number);
        }
        expect(chunks).toEqual([5, -1, 0, -1]);
      });

      it("applies concurrent updates from several stores as distinct versions, none lost", async ({
        skip,
      }) => {
        if (!backend.capabilities.sharedAcrossProcesses) skip();
        await store.registerFeature(num("shared"));
        const stores = [store, ...(await Promise.all([1, 2, 3].map(() => reopened())))];
        await Promise.all(stores.map((s) => s.getDefinition("shared")));
        await Promise.all(stores.map((s, i) => s.updateFeature("shared", { description: `from ${i}` })));
        const versions = await (await reopened()).definitionVersions("shared");
        expect(versions.map((v) => v.version)).toEqual([1, 2, 3, 4, 5]);
        expect(
          versions
            .slice(1)
            .map((v) => v.description)
            .sort(),
        ).toEqual(["from 0", "from 1", "from 2", "from 3"]);
      });

      it("serves a version saved by another store once its cache is refreshed", async ({ skip }) => {
        if (!backend.capabilities.sharedAcrossProcesses) skip();
        await store.registerFeature(num("ttl", { defaultValue: 1 }));
        const other = await reopened();
        expect((await other.getVector("u", ["ttl"])).values.ttl).toBe(1);
        await store.updateFeature("ttl", { defaultValue: 2 });
        await expect
          .poll(async () => (await other.getVector("u", ["ttl"])).values.ttl, {
            timeout: 10_000,
            interval: 200,
          })
          .toBe(2);
        expect((await other.getDefinition("ttl"))?.version).toBe(2);
      });
    });

    describe("catalog", () => {
      const grouped = (features: string[]) => ({
        name: "contested",
        features: features.map((name) => num(name)),
      });

      it("registers nothing of a group that loses a race for its name (in process)", async () => {
        const service = new FeatureService(store);
        const contenders = Array.from({ length: 8 }, (_, i) => grouped([`shared`, `only_${i}`]));
        const results = await Promise.allSettled(contenders.map((g) => service.registerGroup(g)));
        const won = results.flatMap((r, i) => (r.status === "fulfilled" ? [i] : []));
        expect(won).toHaveLength(1);
        for (const r of results) {
          if (r.status === "rejected") expect((r.reason as FeatureStoreError).code).toBe("CONFLICT");
        }
        expect((await store.listFeatures()).map((f) => f.name)).toEqual([`only_${won[0]}`, "shared"].sort());
        expect((await store.getGroup("contested"))?.featureNames).toEqual(["shared", `only_${won[0]}`]);
      });

      it("registers nothing of a group that loses a race across stores on the same data", async ({
        skip,
      }) => {
        if (!backend.capabilities.sharedAcrossProcesses) skip();
        const stores = [store, ...(await Promise.all([1, 2, 3].map(() => reopened())))];
        const results = await Promise.allSettled(
          stores.flatMap((s, k) =>
            [0, 1].map((j) => new FeatureService(s).registerGroup(grouped(["shared", `only_${k}_${j}`]))),
          ),
        );
        const won = results.filter((r) => r.status === "fulfilled");
        expect(won).toHaveLength(1);
        const winner = (await (await reopened()).getGroup("contested"))?.featureNames;
        for (const s of stores) {
          expect((await s.listFeatures()).map((f) => f.name).sort()).toEqual([...(winner ?? [])].sort());
        }
      });

      it("commits records all or nothing, reporting what each key holds (backend primitive)", async () => {
        const a = { kind: "feature", name: "a", version: 1, body: "A" } as const;
        const b = { kind: "feature", name: "b", version: 1, body: "B" } as const;
        const g = { kind: "group", name: "a", version: 1, body: "G" } as const;
        expect(await backend.commitCatalog([a])).toEqual(["A"]);
        expect(await backend.commitCatalog([{ ...a, body: "other" }, b, g])).toEqual(["A", null, null]);
        expect(await backend.loadCatalog("feature")).toEqual([a]);
        expect(await backend.commitCatalog([a, b, g])).toEqual(["A", "B", "G"]);
        expect(await backend.commitCatalog([{ ...a, version: 2, body: "A2" }])).toEqual(["A2"]);
        const features = await backend.loadCatalog("feature", ["a", "missing"]);
        expect(features.sort((x, y) => x.version - y.version)).toEqual([a, { ...a, version: 2, body: "A2" }]);
        expect(await backend.loadCatalog("group")).toEqual([g]);
        expect(await backend.loadCatalog("group", [])).toEqual([]);
      });
    });

    describe("scans of a feature's current values", () => {
      it("finds each entity's current value once, without deletion markers (backend primitive)", async () => {
        await store.registerFeature(num("f"));
        await store.registerFeature(num("other"));
        for (let i = 0; i < 30; i++) await store.setValue("f", `e${i}`, i);
        await store.setValue("f", "e3", 103);
        await store.deleteValue("f", "e4");
        await store.setValue("other", "only-other", 1);
        const all = await backend.scanCurrent("f", 1000);
        expect(all.complete).toBe(true);
        const payloads = all.entries
          .map((e) => Number(JSON.parse(e.payload as string)))
          .sort((a, b) => a - b);
        const expected = Array.from({ length: 30 }, (_, i) => (i === 3 ? 103 : i)).filter((v) => v !== 4);
        expect(payloads).toEqual(expected.sort((a, b) => a - b));
        expect(all.entries.find((e) => e.payload === "103")?.version).toBe(2);
        expect(await backend.scanCurrent("missing", 1000)).toEqual({ entries: [], complete: true });
        // A backend may stop after looking at `limit` entities that lack the feature.
        expect((await backend.scanCurrent("missing", 10)).entries).toEqual([]);
      });

      it("stops at the bound and says so, never returning more than it", async () => {
        await store.registerFeature(num("f"));
        for (let i = 0; i < 25; i++) await store.setValue("f", `e${i}`, i);
        const bounded = await backend.scanCurrent("f", 10);
        expect(bounded.complete).toBe(false);
        expect(bounded.entries.length).toBeLessThanOrEqual(10);
        expect(new Set(bounded.entries.map((e) => e.payload)).size).toBe(bounded.entries.length);
        expect((await backend.scanCurrent("f", 25)).entries).toHaveLength(25);
      });

      it("serves live values only, decoded, through the store", async () => {
        await store.registerFeature(num("f"));
        await store.registerFeature(num("short", { ttlSeconds: 60 }));
        await store.setValue("f", "a", 1.5);
        await store.setValue("f", "b", 2.5);
        await store.setValue("short", "a", 1, { eventTime: new Date(Date.now() - 120_000) });
        await store.setValue("short", "b", 2);
        const f = await store.currentValues("f", 100);
        expect({ ...f, values: [...f.values].sort() }).toEqual({ values: [1.5, 2.5], complete: true });
        expect(await store.currentValues("short", 100)).toEqual({ values: [2], complete: true });
        expect(await errorCode(store.currentValues("nope", 10))).toBe("FEATURE_NOT_FOUND");
        expect(await errorCode(store.currentValues("f", 0))).toBe("VALIDATION_FAILED");
      });
    });

    describeExplorerReads(() => ({ store, backend }));

    describe("point in time", () => {
      const minute = 60_000;
      /** Drains a training set into one array of rows. */
      const joined = async <R extends EntityRow>(
        rows: AsyncIterable<R> | Iterable<R>,
        names: readonly string[],
        options?: TrainingSetOptions,
      ) => {
        const out: TrainingRow<R>[] = [];
        for await (const chunk of store.trainingSet(rows, names, options)) out.push(...chunk);
        return out;
      };

      it("serves as current the value in force now, not one dated ahead", async () => {
        await store.registerFeature(num("s"));
        const now = Date.now();
        await store.setValue("s", "u", 1, { eventTime: new Date(now - 1000) });
        await store.setValue("s", "u", 2, { eventTime: new Date(now + 2 * minute) });
        await store.setValue("s", "u", 3, { eventTime: new Date(now) });
        expect((await store.getValue("s", "u"))?.value).toBe(3);
        expect((await store.getValue("s", "u", { asOf: new Date() }))?.value).toBe(3);
        expect((await store.getVector("u", ["s"])).entries[0]).toMatchObject({ value: 3, version: 3 });
        expect((await store.getValue("s", "u", { asOf: new Date(now + 3 * minute) }))?.value).toBe(2);
        await store.setValue("s", "v", 9, { eventTime: new Date(now + 2 * minute) });
        expect(await store.getValue("s", "v")).toBeNull();
        expect((await store.getVector("v", ["s"])).entries[0]).toMatchObject({ usedDefault: true });
      });

      it("deletes the value served now and lets a value dated ahead take effect in its time", async () => {
        await store.registerFeature(num("s", { defaultValue: 0 }));
        const now = Date.now();
        await store.setValue("s", "u", 1, { eventTime: new Date(now - 1000) });
        await store.setValue("s", "u", 2, { eventTime: new Date(now + 2 * minute) });
        expect(await store.deleteValue("s", "u")).toBe(true);
        expect(await store.getValue("s", "u")).toBeNull();
        expect((await store.getVector("u", ["s"])).values.s).toBe(0);
        expect(await store.deleteValue("s", "u")).toBe(false);
        expect((await store.getValue("s", "u", { asOf: new Date(now + 3 * minute) }))?.value).toBe(2);
        expect((await store.getValue("s", "u", { asOf: new Date(now - 500) }))?.value).toBe(1);
      });

      it("reads a current value equal to one as of now, for any writes (property)", async () => {
        await store.registerFeature(num("p", { defaultValue: -1 }));
        await store.registerFeature(num("q", { ttlSeconds: 150 }));
        let round = 0;
        const op = fc.record({
          feature: fc.constantFrom("p", "q"),
          entity: fc.constantFrom("a", "b"),
          // Minutes from the start of the run: backfills, now, and up to 4 minutes ahead.
          minutes: fc.integer({ min: -6, max: 4 }),
          deletion: fc.boolean(),
        });
        await fc.assert(
          fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 14 }), async (ops) => {
            const prefix = `now${round++}-`;
            const start = Date.now();
            for (const [i, o] of ops.entries()) {
              if (o.deletion) await store.deleteValue(o.feature, prefix + o.entity);
              else
                await store.setValue(o.feature, prefix + o.entity, i, {
                  eventTime: new Date(start + o.minutes * minute),
                });
            }
            const ids = [`${prefix}a`, `${prefix}b`];
            for (const id of ids) {
              for (const name of ["p", "q"]) {
                const current = await store.getValue(name, id);
                const asOfNow = await store.getValue(name, id, { asOf: new Date() });
                expect(current && [current.value, current.version]).toEqual(
                  asOfNow && [asOfNow.value, asOfNow.version],
                );
              }
            }
            const strip = (vs: FeatureVector[]) => vs.map((v) => v.entries);
            expect(strip(await store.getVectors(ids, ["p", "q"]))).toEqual(
              strip(await store.getVectors(ids, ["p", "q"], { asOf: new Date() })),
            );
            // A values-only read serves the very values of a full read (defaults, expiry,
            // deletions, unregistered names), now and as of a time, and builds no entries.
            const names = ["p", "ghost", "q", "p"];
            for (const asOf of [undefined, new Date(start - 2 * minute)]) {
              const full = await store.getVectors(ids, names, { asOf });
              const lean = await store.getVectors(ids, names, { asOf, valuesOnly: true });
              expect(lean).toEqual(full.map((v) => ({ ...v, entries: [] })));
            }
          }),
          { numRuns: 30 },
        );
      });

      it("reads vectors as of a time, with TTL judged then and provenance per entry", async () => {
        await store.registerFeature(num("a", { defaultValue: -1 }));
        await store.registerFeature(num("fresh", { ttlSeconds: 3600 }));
        const t = Date.UTC(2026, 0, 10);
        const hour = 3_600_000;
        await store.setValues([
          { featureName: "a", entityId: "u1", value: 1, eventTime: new Date(t) },
          { featureName: "a", entityId: "u1", value: 2, eventTime: new Date(t + 2 * hour) },
          { featureName: "fresh", entityId: "u1", value: 10, eventTime: new Date(t) },
          { featureName: "a", entityId: "u2", value: 5, eventTime: new Date(t + hour) },
        ]);
        const at = (ms: number) =>
          store.getVectors(["u1", "u2", "u1"], ["a", "fresh", "ghost"], { asOf: new Date(ms) });
        const before = await at(t - 1);
        expect(before.map((v) => v.values)).toEqual([
          { a: -1, fresh: null, ghost: null },
          { a: -1, fresh: null, ghost: null },
          { a: -1, fresh: null, ghost: null },
        ]);
        const later = await at(t + 90 * 60_000);
        expect(later.map((v) => v.values)).toEqual([
          { a: 1, fresh: null, ghost: null },
          { a: 5, fresh: null, ghost: null },
          { a: 1, fresh: null, ghost: null },
        ]);
        expect(later[0]?.entries.map((e) => [e.version, e.eventTimeMs, e.usedDefault, e.registered])).toEqual(
          [
            [1, t, false, true],
            [null, null, true, true],
            [null, null, false, false],
          ],
        );
        expect((await at(t + hour)).map((v) => v.values.fresh)).toEqual([10, null, 10]);
        expect((await at(t + 3 * hour))[0]?.entries[0]).toMatchObject({
          value: 2,
          version: 2,
          eventTimeMs: t + 2 * hour,
        });
        expect(await errorCode(store.getVectors(["u1"], ["a"], { asOf: new Date(Number.NaN) }))).toBe(
          "VALIDATION_FAILED",
        );
      });

      it("joins entity rows point in time, passing their other columns through in order", async () => {
        await store.registerFeature(num("a", { defaultValue: 0 }));
        await store.registerFeature(num("b", { ttlSeconds: 60 }));
        const t = Date.UTC(2026, 1, 1);
        await store.setValues([
          { featureName: "a", entityId: "u1", value: 1, eventTime: new Date(t) },
          { featureName: "a", entityId: "u1", value: 2, eventTime: new Date(t + minute) },
          { featureName: "a", entityId: "u1", value: 3, eventTime: new Date(t + minute) },
          { featureName: "b", entityId: "u1", value: 7, eventTime: new Date(t) },
        ]);
        const rows = [
          { entityId: "u1", timestamp: new Date(t + 30_000), label: true, weight: 0.5 },
          { entityId: "u2", timestamp: new Date(t + 30_000), label: false, weight: 1 },
          { entityId: "u1", timestamp: new Date(t - 1), label: false, weight: 2 },
          { entityId: "u1", timestamp: new Date(t + 5 * minute), label: true, weight: 3 },
        ];
        const out = await joined(rows, ["a", "b"], { chunkSize: 3 });
        expect(out.map((r) => [r.entityId, r.timestamp.getTime(), r.columns, r.values])).toEqual([
          ["u1", t + 30_000, { label: true, weight: 0.5 }, { a: 1, b: 7 }],
          ["u2", t + 30_000, { label: false, weight: 1 }, { a: 0, b: null }],
          ["u1", t - 1, { label: false, weight: 2 }, { a: 0, b: null }],
          ["u1", t + 5 * minute, { label: true, weight: 3 }, { a: 3, b: null }],
        ]);
        expect(out[3]?.entries.map((e) => [e.version, e.eventTimeMs, e.usedDefault])).toEqual([
          [3, t + minute, false],
          [null, null, true],
        ]);
        expect(await joined([], ["a"])).toEqual([]);
      });

      it("refuses unregistered names before reading a row, and names a bad row", async () => {
        await store.registerFeature(num("a"));
        let pulled = 0;
        function* rows() {
          pulled++;
          yield { entityId: "u", timestamp: new Date() };
        }
        expect(await errorCode(joined(rows(), ["a", "ghost"]))).toBe("FEATURE_NOT_FOUND");
        expect(await errorCode(joined(rows(), ["a", "a"]))).toBe("VALIDATION_FAILED");
        expect(await errorCode(joined(rows(), ["a"], { chunkSize: 0 }))).toBe("VALIDATION_FAILED");
        expect(pulled).toBe(0);
        const bad = [
          { entityId: "u", timestamp: new Date() },
          { entityId: "", timestamp: new Date() },
        ];
        await expect(joined(bad, ["a"])).rejects.toMatchObject({
          code: "VALIDATION_FAILED",
          details: { row: 1 },
        });
        const badTime = [{ entityId: "u", timestamp: new Date(Number.NaN) }];
        await expect(joined(badTime, ["a"])).rejects.toMatchObject({ details: { row: 0 } });
      });

      it("streams: answers in chunks of the size asked for, reading at most one chunk ahead", async () => {
        await store.registerFeature(num("a", { defaultValue: 0 }));
        await store.setValue("a", "e7", 7, { eventTime: new Date(Date.UTC(2026, 0, 1)) });
        let pulled = 0;
        async function* rows() {
          for (let i = 0; i < 2500; i++) {
            pulled++;
            yield { entityId: `e${i % 10}`, timestamp: new Date(Date.UTC(2026, 0, 2)), i };
          }
        }
        const sizes: number[] = [];
        let order = 0;
        for await (const chunk of store.trainingSet(rows(), ["a"], { chunkSize: 1000 })) {
          if (sizes.length === 0) expect(pulled).toBeLessThanOrEqual(2000);
          sizes.push(chunk.length);
          for (const row of chunk) {
            expect(row.columns.i).toBe(order++);
            expect(row.values.a).toBe(row.entityId === "e7" ? 7 : 0);
          }
        }
        expect(sizes).toEqual([1000, 1000, 500]);
      });

      it("matches a brute-force oracle over the backend's history, and the reference backend (property)", async () => {
        await store.registerFeature(num("p", { defaultValue: -1 }));
        await store.registerFeature(num("q", { ttlSeconds: 2 * 86_400 }));
        const reference = await new FeatureStore(new MemoryBackend()).open();
        await reference.registerFeature(num("p", { defaultValue: -1 }));
        await reference.registerFeature(num("q", { ttlSeconds: 2 * 86_400 }));
        const day = 86_400_000;
        const names = ["p", "q"];
        let round = 0;
        const write = fc.record({
          feature: fc.constantFrom("p", "q"),
          entity: fc.constantFrom("a", "b", "c"),
          // Days before now (backfills and ties), or -1: a few minutes ahead of now.
          days: fc.integer({ min: -1, max: 8 }),
          deletion: fc.boolean(),
        });
        const query = fc.record({
          entity: fc.constantFrom("a", "b", "c", "d"),
          days: fc.integer({ min: -2, max: 9 }),
        });
        try {
          await fc.assert(
            fc.asyncProperty(
              fc.array(write, { minLength: 1, maxLength: 16 }),
              fc.array(query, { minLength: 1, maxLength: 20 }),
              async (writes, queries) => {
                const prefix = `pit${round++}-`;
                const start = Math.floor(Date.now() / day) * day;
                const ahead = Date.now() + 3 * minute;
                const when = (days: number) => (days === -1 ? ahead : start - days * day);
                for (const [i, w] of writes.entries()) {
                  for (const s of [store, reference]) {
                    if (w.deletion) await s.deleteValue(w.feature, prefix + w.entity);
                    else
                      await s.setValue(w.feature, prefix + w.entity, i, {
                        eventTime: new Date(when(w.days)),
                      });
                  }
                }
                // Queries a day apart and at the very instants of the writes (the boundaries).
                const rows = queries.map((q, i) => ({
                  entityId: prefix + q.entity,
                  timestamp: new Date(
                    q.days === -2 ? when(-1) : i % 3 === 0 ? when(q.days) : when(q.days) + 1,
                  ),
                  i,
                }));
                const got = await joined(rows, names, { chunkSize: 7 });
                const want = await Promise.all(
                  rows.map(async (row) =>
                    Promise.all(
                      names.map(async (name) => {
                        const history = await backend.readHistory({
                          featureName: name,
                          entityId: row.entityId,
                        });
                        const t = row.timestamp.getTime();
                        let best: StoredEntry | undefined;
                        for (const e of history) {
                          if (
                            e.eventTimeMs <= t &&
                            (!best ||
                              e.eventTimeMs > best.eventTimeMs ||
                              (e.eventTimeMs === best.eventTimeMs && e.version > best.version))
                          )
                            best = e;
                        }
                        const expired = name === "q" && best !== undefined && t - best.eventTimeMs > 2 * day;
                        return best && best.payload !== null && !expired
                          ? [best.version, Number(best.payload)]
                          : null;
                      }),
                    ),
                  ),
                );
                expect(
                  got.map((r) => r.entries.map((e) => (e.usedDefault ? null : [e.version, e.value]))),
                ).toEqual(want);
                expect(got.map((r) => r.columns.i)).toEqual(rows.map((r) => r.i));
                for (const r of got) {
                  for (const e of r.entries)
                    if (e.eventTimeMs !== null)
                      expect(e.eventTimeMs).toBeLessThanOrEqual(r.timestamp.getTime());
                }
                const strip = (out: TrainingRow[]) => out.map((r) => [r.values, r.entries]);
                const theirs: TrainingRow[] = [];
                for await (const chunk of reference.trainingSet(rows, names)) theirs.push(...chunk);
                expect(strip(got)).toEqual(strip(theirs));
              },
            ),
            { numRuns: 40 },
          );
        } finally {
          await reference.close();
        }
      });

      it("answers a chunk of rows with one backend read, however many rows and entities", async () => {
        await store.registerFeature(num("a"));
        await store.registerFeature(num("b"));
        const calls: number[] = [];
        const readAsOf = backend.readAsOf.bind(backend);
        backend.readAsOf = (rows, featureNames) => {
          calls.push(rows.length * featureNames.length);
          return readAsOf(rows, featureNames);
        };
        const rows = Array.from({ length: 250 }, (_, i) => ({
          entityId: `e${i % 37}`,
          timestamp: new Date(i * 1000),
        }));
        expect(await joined(rows, ["a", "b"], { chunkSize: 100 })).toHaveLength(250);
        expect(calls).toEqual([200, 200, 100]);
        calls.length = 0;
        await store.getVectors(["x", "y", "z"], ["a", "b"], { asOf: new Date() });
        expect(calls).toEqual([6]);
      });
    });

    describe("against the reference backend", () => {
      const day = (d: number) => Date.UTC(2026, 0, 1 + d);
      const entry = (e: StoredEntry | undefined) => e && [e.version, e.eventTimeMs, e.payload];

      it("writes deletion markers like the reference, a marker among other writes of its key too (property)", async () => {
        let round = 0;
        const write = fc.record({
          entity: fc.constantFrom("a", "b"),
          day: fc.integer({ min: 0, max: 5 }),
          deletion: fc.boolean(),
        });
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.array(write, { minLength: 1, maxLength: 6 }), { maxLength: 5 }),
            async (batches) => {
              const reference = new MemoryBackend();
              const prefix = `m${round++}-`;
              for (const batch of batches) {
                const writes: EntryWrite[] = batch.map((w, i) => ({
                  featureName: "p",
                  entityId: prefix + w.entity,
                  payload: w.deletion ? null : String(i),
                  eventTimeMs: day(w.day),
                }));
                expect(await backend.appendEntries(writes)).toEqual(await reference.appendEntries(writes));
              }
              for (const id of ["a", "b"].map((e) => prefix + e)) {
                const key = { featureName: "p", entityId: id };
                expect((await backend.readHistory(key)).map(entry)).toEqual(
                  (await reference.readHistory(key)).map(entry),
                );
                expect((await backend.readCurrent([id], ["p"])).map(entry)).toEqual(
                  (await reference.readCurrent([id], ["p"])).map(entry),
                );
              }
            },
          ),
          { numRuns: 30 },
        );
      });

      it("assigns versions, current entries and reads as of a time like the reference (property)", async () => {
        await store.registerFeature(num("p"));
        let round = 0;
        const write = fc.record({
          entity: fc.constantFrom("a", "b", "c"),
          day: fc.integer({ min: 0, max: 4 }),
          deletion: fc.boolean(),
        });
        await fc.assert(
          fc.asyncProperty(
            fc.array(fc.array(write, { minLength: 1, maxLength: 8 }), { minLength: 1, maxLength: 6 }),
            async (batches) => {
              const prefix = `r${round++}-`;
              const reference = await new FeatureStore(new MemoryBackend()).open();
              await reference.registerFeature(num("p"));
              let value = 0;
              for (const batch of batches) {
                const writes = batch
                  .filter((w) => !w.deletion)
                  .map((w) => ({
                    featureName: "p",
                    entityId: prefix + w.entity,
                    value: value++,
                    eventTime: new Date(day(w.day)),
                  }));
                const [got, want] = await Promise.all([store.setValues(writes), reference.setValues(writes)]);
                expect(got.map((v) => v.version)).toEqual(want.map((v) => v.version));
                const deleted = batch.find((w) => w.deletion);
                if (deleted) {
                  expect(await store.deleteValue("p", prefix + deleted.entity)).toBe(
                    await reference.deleteValue("p", prefix + deleted.entity),
                  );
                }
              }
              const ids = ["a", "b", "c"].map((e) => prefix + e);
              const strip = (vs: { entries: unknown[]; values: unknown }[]) =>
                vs.map((v) => [v.values, v.entries]);
              expect(strip(await store.getVectors(ids, ["p"]))).toEqual(
                strip(await reference.getVectors(ids, ["p"])),
              );
              for (const id of ids) {
                const versions = async (s: FeatureStore) =>
                  (await s.history("p", id)).map((h) => [h.version, h.value]);
                expect(await versions(store)).toEqual(await versions(reference));
                for (const d of [0, 2, 4, 6]) {
                  const asOf = async (s: FeatureStore) =>
                    (await s.getValue("p", id, { asOf: new Date(day(d)) }))?.version;
                  expect(await asOf(store)).toBe(await asOf(reference));
                }
              }
              await reference.close();
            },
          ),
          { numRuns: 25 },
        );
      });
    });

    describe("declared history retention", () => {
      it("keeps exactly the newest entries it declares, numbering on", async ({ skip }) => {
        const retention = backend.capabilities.historyRetention;
        if (retention === null || retention > 20_000) skip();
        const kept = retention as number;
        await store.registerFeature(num("r"));
        const writes = Array.from({ length: kept + 3 }, (_, i) => ({
          featureName: "r",
          entityId: "u",
          value: i,
        }));
        const written = await store.setValues(writes);
        expect(written.at(-1)?.version).toBe(kept + 3);
        const history = await store.history("r", "u");
        expect(history).toHaveLength(kept);
        expect(history[0]?.version).toBe(4);
        expect(await store.getValue("r", "u", { version: 3 })).toBeNull();
        expect((await store.getValue("r", "u", { version: 4 }))?.value).toBe(3);
        expect((await store.setValue("r", "u", -1)).version).toBe(kept + 4);
      });

      it("keeps every entry when it declares no retention", async ({ skip }) => {
        if (backend.capabilities.historyRetention !== null) skip();
        await store.registerFeature(num("r"));
        const n = 3000;
        await store.setValues(
          Array.from({ length: n }, (_, i) => ({ featureName: "r", entityId: "u", value: i })),
        );
        const history = await store.history("r", "u");
        expect(history.map((h) => h.version)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      });
    });

    describe("lifecycle", () => {
      it("fails calls on a closed store with BACKEND_UNAVAILABLE", async () => {
        await store.registerFeature(num("x"));
        await store.close();
        await store.close();
        expect(await errorCode(store.setValue("x", "u", 1))).toBe("BACKEND_UNAVAILABLE");
        expect(await errorCode(store.getVector("u", ["x"]))).toBe("BACKEND_UNAVAILABLE");
        expect((await store.health()).ok).toBe(false);
      });

      it("reports health", async () => {
        expect(await store.health()).toEqual({ ok: true, backend: store.backend });
      });
    });

    describe("persistence (backends that declare durable)", () => {
      it("keeps definitions, groups, values and history across reopen", async ({ skip }) => {
        if (!backend.capabilities.durable) skip();
        const service = new FeatureService(store);
        await service.registerGroup({
          name: "g",
          features: [num("f", { defaultValue: 0, tags: ["t"], ttlSeconds: 86_400, description: "d" })],
        });
        const nested: FeatureData = { a: [1, { b: "ü\u0000" }], c: -0 };
        await store.registerFeature({ name: "d", featureType: "CATEGORICAL", valueType: "DICT" });
        await store.setValue("f", "u1", 1.25);
        await store.setValue("f", "u1", 2.5);
        await store.setValue("d", "u1", nested);
        const again = await reopened();
        expect(await again.listFeatures()).toEqual(await store.listFeatures());
        expect(await again.listGroups()).toEqual(await store.listGroups());
        expect((await again.history("f", "u1")).map((h) => h.value)).toEqual([1.25, 2.5]);
        expect((await again.getValue("d", "u1"))?.value).toStrictEqual(nested);
        expect(await again.getVector("u1", ["f", "d"])).toEqual(await store.getVector("u1", ["f", "d"]));
        expect((await again.setValue("f", "u1", 3)).version).toBe(3);
      });

      it("keeps transforms, fitted on this backend's values, for another store on the same data", async ({
        skip,
      }) => {
        if (!backend.capabilities.sharedAcrossProcesses) skip();
        const service = new FeatureService(store);
        await store.registerFeature(num("f"));
        await store.registerFeature({ name: "c", featureType: "CATEGORICAL", valueType: "STRING" });
        for (const [i, c] of ["x", "y", "y"].entries()) await service.ingest({ f: i * 2, c }, `e${i}`);
        const declaration = {
          name: "t",
          features: [
            { featureName: "f", steps: [{ kind: "STANDARDIZE" }] },
            { featureName: "c", steps: [{ kind: "LABEL_ENCODE" }] },
          ],
          derived: [
            {
              name: "g",
              expression: "f * 2 + 1",
              featureType: "NUMERIC" as const,
              valueType: "FLOAT" as const,
            },
          ],
        };
        const { transform } = await service.registerTransform(declaration);
        expect(transform.features[0]?.steps[0]?.params).toEqual({ mean: 2, std: Math.sqrt(8 / 3) });
        expect(transform.features[1]?.steps[0]?.params).toEqual({ categories: ["y", "x"] });
        const other = new FeatureService(await reopened());
        expect(await other.getTransform("t")).toEqual(transform);
        expect(await other.getFeatures("e0", ["f", "c"], "t@1")).toEqual(
          await service.getFeatures("e0", ["f", "c"], "t@1"),
        );
        expect((await other.registerTransform(declaration)).created).toBe(false);
        await other.ingest({ f: 100 }, "e9");
        expect((await other.registerTransform(declaration)).transform.version).toBe(2);
        expect((await service.listTransforms("t")).map((t) => t.version)).toEqual([1, 2]);
      });

      it("sees features registered through another store on the same data", async ({ skip }) => {
        if (!backend.capabilities.sharedAcrossProcesses) skip();
        const other = await reopened();
        await other.registerFeature(num("late"));
        await other.setValue("late", "u1", 4);
        expect((await store.getVector("u1", ["late"])).values.late).toBe(4);
        expect(await errorCode(store.registerFeature(num("late", { defaultValue: 1 })))).toBe("CONFLICT");
      });
    });
  });
}
