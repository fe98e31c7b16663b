/**
 * Library-level benchmarks: the store and service methods called in process, no GraphQL and
 * no HTTP. Run `npm run bench:library -- [store URL ...]`; see bench/README.md.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { FeatureDefinition } from "../src/core/models.js";
import { FeatureService } from "../src/service.js";
import { openStore } from "../src/store/open-store.js";
import type { FeatureStore } from "../src/store/store.js";
import { dropNamespace } from "./lib/drop-namespace.js";
import { describeMachine } from "./lib/machine.js";
import { measure } from "./lib/measure.js";
import { type Summary, summarize } from "./lib/stats.js";
import { formatDuration, formatRate, markdownTable } from "./lib/table.js";

/** The stores measured when no URL is given; `{tmp}` is a fresh folder removed at the end. */
const DEFAULT_URLS = ["memory://", "sqlite://{tmp}/bench.db"];
/** Seconds each row keeps calling (after its warm-up). */
const ROW_SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
/** Seconds of untimed calls before each row, so the JIT and the backend's caches settle. */
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 0.5);

const GROUP = "bench_user";
/** Entities holding data for the reads; the reads rotate over all of them. */
const SEEDED_ENTITIES = 1000;
const BATCH_ENTITIES = 100;
const INGEST_BATCH_RECORDS = 1000;
const CONCURRENT_WRITES = 32;
const EMBEDDING_DIMENSION = 16;

/**
 * A realistic mix of 50 features: 20 FLOAT and 15 INT numerics, 14 STRING categoricals and one
 * 16-dimensional embedding. Every one has a default, as served features usually do.
 */
const FEATURES: FeatureDefinition[] = [
  ...Array.from({ length: 20 }, (_, i) => ({
    name: `float_${pad(i)}`,
    featureType: "NUMERIC" as const,
    valueType: "FLOAT" as const,
    defaultValue: 0,
  })),
  ...Array.from({ length: 15 }, (_, i) => ({
    name: `int_${pad(i)}`,
    featureType: "NUMERIC" as const,
    valueType: "INT" as const,
    defaultValue: 0,
  })),
  ...Array.from({ length: 14 }, (_, i) => ({
    name: `category_${pad(i)}`,
    featureType: "CATEGORICAL" as const,
    valueType: "STRING" as const,
    defaultValue: "unknown",
  })),
  {
    name: "embedding",
    featureType: "EMBEDDING",
    valueType: "LIST",
    dimension: EMBEDDING_DIMENSION,
    defaultValue: new Array<number>(EMBEDDING_DIMENSION).fill(0),
  },
];
const FEATURE_NAMES = FEATURES.map((f) => f.name);
/** Left unwritten by the seed, so vector reads also serve a couple of defaults, as in production. */
const NEVER_WRITTEN = new Set(["float_19", "category_13"]);
const FLOAT_NAMES = FEATURE_NAMES.filter((n) => n.startsWith("float_") && !NEVER_WRITTEN.has(n));

function pad(i: number): string {
  return String(i).padStart(2, "0");
}

/** A deterministic pseudo-random stream (mulberry32), so every run writes the same data. */
function randomStream(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const random = randomStream(42);

/** A value of the right type for a feature. */
function valueFor(def: FeatureDefinition): unknown {
  switch (def.valueType) {
    case "FLOAT":
      return Math.round(random() * 1e6) / 1e3;
    case "INT":
      return Math.floor(random() * 10_000);
    case "STRING":
      return `value_${Math.floor(random() * 40)}`;
    default:
      return Array.from({ length: EMBEDDING_DIMENSION }, () => random() * 2 - 1);
  }
}

/** One ingest record: the entity id plus a value for each feature not in `skip`. */
function recordFor(entityId: string, skip: ReadonlySet<string> = new Set()): Record<string, unknown> {
  const record: Record<string, unknown> = { entity_id: entityId };
  for (const def of FEATURES) if (!skip.has(def.name)) record[def.name] = valueFor(def);
  return record;
}

function entityId(i: number): string {
  return `user_${String(i).padStart(6, "0")}`;
}

/** One row of the results table. */
interface Row {
  readonly backend: string;
  readonly operation: string;
  /** Feature values each call reads or writes, to turn calls/s into values/s. */
  readonly valuesPerCall: number;
  readonly summary: Summary;
}

/** Runs the untimed warm-up, then the timed row. */
async function timed(
  op: (call: number) => Promise<unknown>,
  options: { minCalls?: number; concurrency?: number } = {},
): Promise<Summary> {
  await measure(op, { budgetMs: WARMUP_SECONDS * 1000, minCalls: 1, concurrency: options.concurrency });
  // A collection left over from the warm-up or the previous row should not land in this one.
  globalThis.gc?.();
  return summarize(await measure(op, { budgetMs: ROW_SECONDS * 1000, ...options }));
}

/** Every benchmark against one store, which is fresh and empty. */
async function benchStore(store: FeatureStore, backend: string): Promise<Row[]> {
  const service = new FeatureService(store);
  await service.registerGroup({ name: GROUP, features: FEATURES });
  progress(
    `${backend}: seeding ${SEEDED_ENTITIES} entities x ${FEATURES.length - NEVER_WRITTEN.size} features`,
  );
  for (let first = 0; first < SEEDED_ENTITIES; first += INGEST_BATCH_RECORDS) {
    const records = [];
    for (let i = first; i < Math.min(SEEDED_ENTITIES, first + INGEST_BATCH_RECORDS); i++) {
      records.push(recordFor(entityId(i), NEVER_WRITTEN));
    }
    await service.ingestBatch(records, "entity_id");
  }
  const entities = Array.from({ length: SEEDED_ENTITIES }, (_, i) => entityId(i));
  const batches = Array.from({ length: SEEDED_ENTITIES / BATCH_ENTITIES }, (_, b) =>
    entities.slice(b * BATCH_ENTITIES, (b + 1) * BATCH_ENTITIES),
  );
  const rows: Row[] = [];
  const row = async (
    operation: string,
    valuesPerCall: number,
    op: (call: number) => Promise<unknown>,
    options?: { minCalls?: number; concurrency?: number },
  ): Promise<void> => {
    progress(`${backend}: ${operation}`);
    rows.push({ backend, operation, valuesPerCall, summary: await timed(op, options) });
  };

  await row(`getVector (1 x ${FEATURES.length})`, FEATURES.length, (call) =>
    store.getVector(entities[call % SEEDED_ENTITIES] as string, FEATURE_NAMES),
  );
  await row(`getVectors (${BATCH_ENTITIES} x ${FEATURES.length})`, BATCH_ENTITIES * FEATURES.length, (call) =>
    store.getVectors(batches[call % batches.length] as string[], FEATURE_NAMES),
  );
  const setValue = (call: number): Promise<unknown> =>
    store.setValue(
      FLOAT_NAMES[call % FLOAT_NAMES.length] as string,
      entities[Math.floor(call / FLOAT_NAMES.length) % SEEDED_ENTITIES] as string,
      call / 8,
    );
  await row("setValue, sequential", 1, setValue);
  await row(`setValue, ${CONCURRENT_WRITES} in flight`, 1, setValue, { concurrency: CONCURRENT_WRITES });

  // Records are built before timing: the row measures ingestion, not this script making data.
  // New entities, so the batches neither disturb nor depend on the seeded ones.
  const ingestBatches = Array.from({ length: 4 }, (_, b) =>
    Array.from({ length: INGEST_BATCH_RECORDS }, (_, i) =>
      recordFor(entityId(SEEDED_ENTITIES + b * INGEST_BATCH_RECORDS + i)),
    ),
  );
  await row(
    `ingestBatch (${INGEST_BATCH_RECORDS} x ${FEATURES.length})`,
    INGEST_BATCH_RECORDS * FEATURES.length,
    (call) =>
      service.ingestBatch(
        ingestBatches[call % ingestBatches.length] as Record<string, unknown>[],
        "entity_id",
      ),
    { minCalls: 5 },
  );
  return rows;
}

function progress(message: string): void {
  process.stderr.write(`[bench] ${message}\n`);
}

/** The URLs to measure: arguments, else `BENCH_STORES` (comma or space separated), else the defaults. */
function storeUrls(): string[] {
  const fromArgs = process.argv.slice(2).filter((a) => a !== "--");
  if (fromArgs.length > 0) return fromArgs;
  const fromEnv = (process.env.BENCH_STORES ?? "").split(/[\s,]+/).filter((u) => u !== "");
  return fromEnv.length > 0 ? fromEnv : DEFAULT_URLS;
}

/** A URL without credentials, for the table. */
function displayUrl(url: string): string {
  return url.replace(/\/\/[^/@]*@/, "//");
}

function printResults(rows: readonly Row[], failures: readonly string[]): void {
  const machine = describeMachine();
  const table = markdownTable(
    [
      { title: "store" },
      { title: "operation" },
      { title: "calls/s", align: "right" },
      { title: "values/s", align: "right" },
      { title: "p50", align: "right" },
      { title: "p99", align: "right" },
      { title: "calls", align: "right" },
    ],
    rows.map((r) => [
      r.backend,
      r.operation,
      formatRate(r.summary.opsPerSec),
      formatRate(r.summary.opsPerSec * r.valuesPerCall),
      formatDuration(r.summary.p50Ns),
      formatDuration(r.summary.p99Ns),
      String(r.summary.count),
    ]),
  );
  const lines = [
    `${new Date().toISOString().slice(0, 10)}, Node ${machine.node}, ${machine.cpu}, ${machine.cores} cores, ` +
      `${machine.memoryGiB} GiB, ${machine.os}; ${ROW_SECONDS} s per row after ${WARMUP_SECONDS} s warm-up` +
      (globalThis.gc ? ", gc between rows" : ""),
    "",
    table,
    ...failures.map((f) => `\nnot measured: ${f}`),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), "featurestore-bench-"));
  const rows: Row[] = [];
  const failures: string[] = [];
  try {
    for (const template of storeUrls()) {
      const url = template.replaceAll("{tmp}", tmp).replaceAll("{pid}", String(process.pid));
      const backend = displayUrl(template);
      let store: FeatureStore | undefined;
      try {
        store = await openStore(url);
        rows.push(...(await benchStore(store, backend)));
      } catch (err) {
        const message = err instanceof Error ? err.message : String(err);
        failures.push(`${backend}: ${message}`);
        progress(`${backend} failed: ${message}`);
      } finally {
        await store?.close();
        const dropped = await dropNamespace(url).catch(
          (err: unknown) => `nothing (drop failed: ${String(err)})`,
        );
        if (dropped) progress(`${backend}: dropped ${dropped}`);
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  printResults(rows, failures);
  if (failures.length > 0) process.exitCode = 1;
}

await main();
