/**
 * What the feature explorer's reads cost per backend: `featureStatistics`, `featureCoverage`,
 * a page of entity ids (the first and one from the middle) and a page of a key's history, over
 * a feature held by `BENCH_ENTITIES` entities (default 20,000) with `BENCH_VERSIONS` entries each
 * (default 3). Run `npm run bench:explorer -- [store URL ...]` (default: memory and a fresh
 * SQLite file); each read is timed `BENCH_RUNS` times (default 15), median and p99 reported.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FeatureStore } from "../src/store/feature-store.js";
import { openStore } from "../src/store/open-store.js";
import { dropNamespace } from "./lib/drop-namespace.js";
import { loadAverage, machineLine } from "./lib/machine.js";
import { progress } from "./lib/progress.js";
import { summarize } from "./lib/stats.js";
import { displayUrl, expandUrl, storeUrls } from "./lib/store-urls.js";
import { formatDuration, markdownTable } from "./lib/table.js";

const ENTITIES = Number(process.env.BENCH_ENTITIES ?? 20_000);
const VERSIONS = Number(process.env.BENCH_VERSIONS ?? 3);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);
const DEFAULT_URLS = ["memory://", "sqlite://{tmp}/explorer.db"];
const DAY_MS = 86_400_000;

const entityId = (i: number) => `user-${String(i).padStart(7, "0")}`;

/** Writes the feature's values: VERSIONS per entity over the past days, every 10th one deleted. */
async function seed(store: FeatureStore): Promise<void> {
  await store.registerFeature({
    name: "score",
    featureType: "NUMERIC",
    valueType: "FLOAT",
    ttlSeconds: 30 * 86_400,
  });
  const now = Date.now();
  for (let v = 0; v < VERSIONS; v++) {
    for (let start = 0; start < ENTITIES; start += 1000) {
      const writes = [];
      for (let i = start; i < Math.min(ENTITIES, start + 1000); i++) {
        writes.push({
          featureName: "score",
          entityId: entityId(i),
          value: (i % 997) + v / 10,
          eventTime: new Date(now - (VERSIONS - v) * 10 * DAY_MS - (i % 1000) * 60_000),
        });
      }
      await store.setValues(writes);
      progress(
        `seeded version ${v + 1}/${VERSIONS}, ${Math.min(ENTITIES, start + 1000)}/${ENTITIES} entities`,
      );
    }
  }
  for (let i = 0; i < ENTITIES; i += 10) await store.deleteValue("score", entityId(i));
}

async function time(label: string, fn: () => Promise<unknown>): Promise<string[]> {
  await fn();
  const latenciesNs: number[] = [];
  const start = process.hrtime.bigint();
  for (let r = 0; r < RUNS; r++) {
    const t = process.hrtime.bigint();
    await fn();
    latenciesNs.push(Number(process.hrtime.bigint() - t));
  }
  const s = summarize({ latenciesNs, wallNs: Number(process.hrtime.bigint() - start) });
  return [label, formatDuration(s.p50Ns), formatDuration(s.p99Ns)];
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), "bench-explorer-"));
  const loadBefore = loadAverage();
  const rows: string[][] = [];
  try {
    for (const template of storeUrls(DEFAULT_URLS)) {
      const url = expandUrl(template, tmp);
      progress(`opening ${displayUrl(url)}`);
      const store = await openStore(url);
      try {
        await seed(store);
        const backend = store.backend;
        const middle = entityId(Math.floor(ENTITIES / 2));
        const stats = await store.featureStatistics("score");
        progress(`${backend}: live ${stats.live}, expired ${stats.expired}, deleted ${stats.deleted}`);
        for (const [label, fn] of [
          ["featureStatistics", () => store.featureStatistics("score")],
          ["featureCoverage", () => store.featureCoverage(["score"])],
          ["entities, first page of 50", () => store.listEntities(["score"], null, 51)],
          ["entities, a page of 50 in the middle", () => store.listEntities(["score"], middle, 51)],
          [
            "history page of 50, newest first",
            () => store.historyPage("score", middle, { newestFirst: true, after: null, limit: 51 }),
          ],
        ] as const) {
          progress(`${backend}: timing ${label}`);
          rows.push([backend, ...(await time(label, fn))]);
        }
      } finally {
        await store.close();
        await dropNamespace(url);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  console.log(machineLine());
  console.log(
    `${ENTITIES} entities x ${VERSIONS} entries, ${RUNS} runs per row; load average before ${loadBefore}, after ${loadAverage()}\n`,
  );
  console.log(
    markdownTable(
      [
        { title: "store" },
        { title: "read" },
        { title: "median", align: "right" },
        { title: "p99 (max)", align: "right" },
      ],
      rows,
    ),
  );
}

await main();
