import { describe, expect, it } from "vitest";
import type { FeatureDefinition } from "../core/models.js";
import type { StoreBackend } from "../store/backend.js";
import type { FeatureStore } from "../store/feature-store.js";

/** A store of the conformance suite and the backend under it, as they are for the running test. */
export interface ExplorerSubject {
  readonly store: FeatureStore;
  readonly backend: StoreBackend;
}

/** Resolves to the error's `code`, failing when the promise does not reject with one. */
async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (err) {
    return (err as { code?: string }).code ?? String(err);
  }
  throw new Error("expected the call to fail");
}

const def = (name: string, featureType: string, valueType: string, extra: Partial<FeatureDefinition> = {}) =>
  ({ name, featureType, valueType, ...extra }) as FeatureDefinition;

const minute = 60_000;

/**
 * Time for one test of these: a backend without an index of entities (Redis) walks its whole
 * database per call, seconds when the database is shared with much other data.
 */
const SCAN_TIMEOUT_MS = 180_000;

/**
 * The conformance tests of what a feature explorer reads: statistics of a feature's values in
 * force now, entity ids a page at a time and a key's history a page at a time. Called inside
 * `describeConformance`, so every backend runs them; `subject` gives the test's store.
 */
export function describeExplorerReads(subject: () => ExplorerSubject): void {
  describe("statistics of a feature's values in force now", { timeout: SCAN_TIMEOUT_MS }, () => {
    it("counts live, expired and deleted entities and summarizes the live numbers", async () => {
      const { store } = subject();
      await store.registerFeature(def("score", "NUMERIC", "FLOAT", { ttlSeconds: 3600 }));
      const now = Date.now();
      for (let i = 1; i <= 8; i++)
        await store.setValue("score", `e${i}`, i, { eventTime: new Date(now - minute) });
      await store.setValue("score", "old", 100, { eventTime: new Date(now - 2 * 3600_000) });
      await store.setValue("score", "gone", 50);
      await store.deleteValue("score", "gone");
      // e8's newest entry is dated ahead: the value in force now stays 8.
      await store.setValue("score", "e8", 1000, { eventTime: new Date(now + 2 * minute) });
      // Only dated ahead: no entry in force now.
      await store.setValue("score", "later", 7, { eventTime: new Date(now + 2 * minute) });
      const stats = await store.featureStatistics("score", { bins: 4, topValues: 3 });
      expect(stats).toMatchObject({ featureName: "score", complete: true, live: 8, expired: 1, deleted: 1 });
      expect(stats.defaultShare).toBeCloseTo(2 / 10);
      expect(stats.measure).toBe("VALUE");
      const numbers = stats.numbers;
      expect(numbers).toMatchObject({ count: 8, min: 1, max: 8 });
      expect(numbers?.mean).toBeCloseTo(4.5, 12);
      expect(numbers?.stddev).toBeCloseTo(Math.sqrt(5.25), 12);
      expect(numbers?.histogram.map((b) => [b.lower, b.upper, b.count])).toEqual([
        [1, 2.75, 2],
        [2.75, 4.5, 2],
        [4.5, 6.25, 2],
        [6.25, 8, 2],
      ]);
      expect(stats.distinctValues).toBe(8);
      // Eight values once each: the ties go in the order of their stored text.
      expect(stats.topValues).toEqual([
        { value: 1, count: 1 },
        { value: 2, count: 1 },
        { value: 3, count: 1 },
      ]);
      expect(stats.lastWriteAt?.getTime()).toBe(now + 2 * minute);
      expect(stats.computedAt.getTime()).toBeGreaterThanOrEqual(now);
    });

    it("lists categories by frequency and shares of booleans", async () => {
      const { store } = subject();
      await store.registerFeature(def("country", "CATEGORICAL", "STRING"));
      await store.registerFeature(def("premium", "BOOLEAN", "BOOL"));
      const countries = ["FR", "DE", "FR", "NL", "DE", "FR", "ES"];
      for (const [i, c] of countries.entries()) await store.setValue("country", `u${i}`, c);
      for (let i = 0; i < 4; i++) await store.setValue("premium", `u${i}`, i === 0);
      const c = await store.featureStatistics("country", { topValues: 3 });
      expect(c.topValues).toEqual([
        { value: "FR", count: 3 },
        { value: "DE", count: 2 },
        { value: "ES", count: 1 },
      ]);
      expect(c.distinctValues).toBe(4);
      expect(c.measure).toBe("LENGTH");
      expect(c.numbers).toMatchObject({ count: 7, min: 2, max: 2 });
      expect(c.numbers?.histogram).toEqual([{ lower: 2, upper: 2, count: 7 }]);
      const p = await store.featureStatistics("premium", { topValues: 0 });
      expect(p.trueShare).toBeCloseTo(0.25);
      expect(p.topValues).toEqual([]);
      expect(p.numbers).toBeNull();
    });

    it("summarizes embeddings by their norms, texts by length in characters, timestamps as instants", async () => {
      const { store } = subject();
      await store.registerFeature(def("emb", "EMBEDDING", "LIST", { dimension: 2 }));
      await store.registerFeature(def("note", "TEXT", "STRING"));
      await store.registerFeature(def("seen", "TIMESTAMP", "INT"));
      await store.setValue("emb", "a", [3, 4]);
      await store.setValue("emb", "b", [0, 1]);
      await store.setValue("emb", "c", [6, 8]);
      await store.setValue("note", "a", "héllo 😀");
      await store.setValue("note", "b", 'a "quoted"\nline');
      const t0 = Date.UTC(2026, 0, 1);
      await store.setValue("seen", "a", t0);
      await store.setValue("seen", "b", t0 + 86_400_000);
      const emb = await store.featureStatistics("emb", { bins: 2 });
      expect(emb).toMatchObject({ measure: "NORM", dimension: 2, topValues: [], distinctValues: null });
      expect(emb.numbers).toMatchObject({ count: 3, min: 1, max: 10 });
      expect(emb.numbers?.mean).toBeCloseTo(16 / 3, 12);
      expect(emb.numbers?.histogram.map((b) => b.count)).toEqual([2, 1]);
      const note = await store.featureStatistics("note");
      expect(note.numbers).toMatchObject({ count: 2, min: 7, max: 15 });
      const seen = await store.featureStatistics("seen");
      expect(seen.earliest?.getTime()).toBe(t0);
      expect(seen.latest?.getTime()).toBe(t0 + 86_400_000);
    });

    it("counts kept entries per time bucket, values and deletions apart", async () => {
      const { store } = subject();
      await store.registerFeature(def("clicks", "NUMERIC", "INT"));
      const t0 = Date.UTC(2026, 0, 1);
      const day = 86_400_000;
      for (let d = 0; d < 10; d++) {
        for (let k = 0; k <= d % 3; k++)
          await store.setValue("clicks", `u${k}`, d, { eventTime: new Date(t0 + d * day) });
      }
      await store.deleteValue("clicks", "u0");
      const all = await store.featureStatistics("clicks", {
        writeBuckets: 5,
        writesSince: new Date(t0),
        writesUntil: new Date(t0 + 9 * day),
      });
      // Days 0..9 write 1,2,3,1,2,3,1,2,3,1 values; buckets of 1.8 days: {0,1} {2,3} {4,5} {6,7} {8,9}.
      expect(all.writes.map((w) => w.values)).toEqual([3, 4, 5, 3, 4]);
      expect(all.writes.map((w) => w.deletions)).toEqual([0, 0, 0, 0, 0]);
      expect(all.writes[0]?.start.getTime()).toBe(t0);
      expect(all.writes[4]?.end.getTime()).toBe(t0 + 9 * day);
      // By default the window runs from the first entry to the last, the deletion (dated now) included.
      const whole = await store.featureStatistics("clicks", { writeBuckets: 1 });
      expect(whole.writes).toHaveLength(1);
      expect(whole.writes[0]).toMatchObject({ values: 19, deletions: 1 });
      expect(whole.writes[0]?.start.getTime()).toBe(t0);
      expect(whole.deleted).toBe(1);
    });

    it("answers a feature without values with zeros and empty lists", async () => {
      const { store } = subject();
      await store.registerFeature(def("empty", "NUMERIC", "FLOAT"));
      const stats = await store.featureStatistics("empty");
      expect(stats).toMatchObject({
        live: 0,
        expired: 0,
        deleted: 0,
        defaultShare: null,
        lastWriteAt: null,
        topValues: [],
        writes: [],
        numbers: { count: 0, min: null, max: null, mean: null, stddev: null, histogram: [] },
      });
      expect(await store.featureCoverage(["empty"])).toEqual([
        {
          featureName: "empty",
          live: 0,
          expired: 0,
          deleted: 0,
          defaultShare: null,
          lastWriteAt: null,
          complete: true,
        },
      ]);
    });

    it("gives coverage per feature, in order, and refuses what it cannot answer", async () => {
      const { store } = subject();
      await store.registerFeature(def("a", "NUMERIC", "INT"));
      await store.registerFeature(def("b", "NUMERIC", "INT", { ttlSeconds: 60 }));
      await store.setValue("a", "x", 1, { eventTime: new Date(Date.UTC(2026, 0, 1)) });
      await store.setValue("b", "x", 1, { eventTime: new Date(Date.now() - 120_000) });
      await store.setValue("b", "y", 2);
      const [b, a] = await store.featureCoverage(["b", "a"]);
      expect(a).toMatchObject({ featureName: "a", live: 1, expired: 0, defaultShare: 0 });
      expect(a?.lastWriteAt?.getTime()).toBe(Date.UTC(2026, 0, 1));
      expect(b).toMatchObject({ featureName: "b", live: 1, expired: 1, defaultShare: 0.5 });
      expect(await codeOf(store.featureCoverage(["a", "nope"]))).toBe("FEATURE_NOT_FOUND");
      expect(await codeOf(store.featureStatistics("nope"))).toBe("FEATURE_NOT_FOUND");
      for (const bad of [{ bins: 0 }, { bins: 101 }, { topValues: -1 }, { writeBuckets: 1.5 }]) {
        expect(await codeOf(store.featureStatistics("a", bad))).toBe("VALIDATION_FAILED");
      }
      const since = { writesSince: new Date(2), writesUntil: new Date(1) };
      expect(await codeOf(store.featureStatistics("a", since))).toBe("VALIDATION_FAILED");
    });

    it("says when a bounded scan stopped early, and never counts past it (backend primitive)", async () => {
      const { store, backend } = subject();
      await store.registerFeature(def("f", "NUMERIC", "INT"));
      for (let i = 0; i < 20; i++) await store.setValue("f", `e${i}`, i);
      const summary = await backend.summarizeFeature({
        featureName: "f",
        nowMs: Date.now(),
        liveSinceMs: null,
        measure: "value",
        bins: 2,
        topValues: 0,
        writes: null,
        scanLimit: 5,
      });
      if (summary.complete) expect(summary.live).toBe(20);
      else expect(summary.live).toBeLessThanOrEqual(5);
      expect(summary.measure?.count).toBe(summary.live);
    });
  });

  describe("entity ids a page at a time", { timeout: SCAN_TIMEOUT_MS }, () => {
    const ids = ["b", "a", "a b", "Z", "é", "😀", "\uffff", "user-10", "user-2"];
    /** Code point order, which is UTF-8 byte order. */
    const sorted = [...ids].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));

    it("pages every entity once, in code point order, whatever the page size", async () => {
      const { store } = subject();
      await store.registerFeature(def("f", "NUMERIC", "INT"));
      await store.registerFeature(def("g", "NUMERIC", "INT"));
      for (const [i, id] of ids.entries()) await store.setValue(i % 2 === 0 ? "f" : "g", id, i);
      for (const size of [3, 100]) {
        const seen: string[] = [];
        let after: string | null = null;
        for (;;) {
          const page = await store.listEntities(null, after, size);
          expect(page.complete).toBe(true);
          expect(page.entityIds.length).toBeLessThanOrEqual(size);
          seen.push(...page.entityIds);
          if (page.entityIds.length < size) break;
          after = page.entityIds[page.entityIds.length - 1] as string;
        }
        expect(seen).toEqual(sorted);
      }
    });

    it("lists the entities of features, a deleted value counting and a deletion of nothing not", async () => {
      const { store } = subject();
      await store.registerFeature(def("f", "NUMERIC", "INT"));
      await store.registerFeature(def("g", "NUMERIC", "INT"));
      await store.registerFeature(def("h", "NUMERIC", "INT"));
      await store.setValue("f", "u3", 1);
      await store.setValue("f", "u1", 1);
      await store.setValue("g", "u2", 1);
      await store.setValue("g", "u1", 1);
      await store.deleteValue("f", "u3");
      await store.deleteValue("h", "u9");
      expect((await store.listEntities(["f"], null, 10)).entityIds).toEqual(["u1", "u3"]);
      expect((await store.listEntities(["f", "g"], null, 10)).entityIds).toEqual(["u1", "u2", "u3"]);
      expect((await store.listEntities(["f", "g"], "u1", 1)).entityIds).toEqual(["u2"]);
      expect((await store.listEntities(["h"], null, 10)).entityIds).toEqual([]);
      // An id that is not stored is a position like any other.
      expect((await store.listEntities(null, "u15", 10)).entityIds).toEqual(["u2", "u3"]);
      expect(await codeOf(store.listEntities(["nope"], null, 10))).toBe("FEATURE_NOT_FOUND");
      expect(await codeOf(store.listEntities(null, null, 0))).toBe("VALIDATION_FAILED");
      expect(await codeOf(store.listEntities(null, "", 10))).toBe("VALIDATION_FAILED");
    });
  });

  describe("a key's history a page at a time", () => {
    it("pages values by event time, both ways, deletions left out", async () => {
      const { store } = subject();
      await store.registerFeature(def("f", "NUMERIC", "INT"));
      const t0 = Date.UTC(2026, 0, 1);
      // Versions 1..6; event times out of version order, two of them equal.
      const times = [5, 1, 3, 3, 2, 4];
      for (const [i, t] of times.entries())
        await store.setValue("f", "u", i + 1, { eventTime: new Date(t0 + t) });
      await store.deleteValue("f", "u");
      const order = (values: { version: number }[]) => values.map((v) => v.version);
      const walk = async (newestFirst: boolean, limit: number) => {
        const out: number[] = [];
        let after: { eventTimeMs: number; version: number } | null = null;
        for (;;) {
          const page = await store.historyPage("f", "u", { newestFirst, after, limit });
          out.push(...order(page));
          const last = page[page.length - 1];
          if (page.length < limit || !last) return out;
          after = { eventTimeMs: last.timestamp.getTime(), version: last.version };
        }
      };
      const ascending = [2, 5, 3, 4, 6, 1];
      for (const limit of [1, 2, 4, 10]) {
        expect(await walk(false, limit)).toEqual(ascending);
        expect(await walk(true, limit)).toEqual([...ascending].reverse());
      }
      const [first] = await store.historyPage("f", "u", { newestFirst: false, after: null, limit: 1 });
      expect(first).toMatchObject({ featureName: "f", entityId: "u", value: 2, version: 2 });
      expect(await store.historyPage("f", "nobody", { newestFirst: true, after: null, limit: 5 })).toEqual(
        [],
      );
      expect(await codeOf(store.historyPage("nope", "u", { newestFirst: true, after: null, limit: 5 }))).toBe(
        "FEATURE_NOT_FOUND",
      );
      expect(await codeOf(store.historyPage("f", "u", { newestFirst: true, after: null, limit: 0 }))).toBe(
        "VALIDATION_FAILED",
      );
    });
  });
}
