/**
 * Library-level benchmarks: the store and service methods called in process, no GraphQL and
 * no HTTP. Run `npm run bench:library -- [store URL ...]`; see bench/README.md.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { FeatureService } from "../src/service.js";
import type { FeatureStore } from "../src/store/feature-store.js";
import { openStore } from "../src/store/open-store.js";
import {
  entityId,
  FEATURE_NAMES,
  FEATURES,
  FLOAT_NAMES,
  NEVER_WRITTEN,
  recordFor,
  seed,
} from "./lib/dataset.js";
import { dropNamespace } from "./lib/drop-namespace.js";
import { loadAverage, machineLine } from "./lib/machine.js";
import { measure } from "./lib/measure.js";
import { measurePaired } from "./lib/paired.js";
import { progress } from "./lib/progress.js";
import { openRawReader, type RawReader } from "./lib/raw-reader.js";
import { type Summary, summarize } from "./lib/stats.js";
import { displayUrl, expandUrl, storeUrls } from "./lib/store-urls.js";
import { formatDuration, formatRate, markdownTable } from "./lib/table.js";
import { BENCH_TRANSFORM } from "./lib/transform.js";

/** The stores measured when no URL is given; `{tmp}` is a fresh folder removed at the end. */
const DEFAULT_URLS = ["memory://", "sqlite://{tmp}/bench.db"];
/** Seconds each row keeps calling (after its warm-up). */
const ROW_SECONDS = Number(process.env.BENCH_SECONDS ?? 4);
/** Seconds of untimed calls before each row, so the JIT and the backend's caches settle. */
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS ?? 0.5);

/** The store's timeout per backend call (`BENCH_OPERATION_TIMEOUT_MS`, default 60 s). */
const OPERATION_TIMEOUT_MS = Number(process.env.BENCH_OPERATION_TIMEOUT_MS ?? 60_000);
/** Entities holding data for the reads; the reads rotate over all of them. */
const SEEDED_ENTITIES = 1000;
const BATCH_ENTITIES = 100;
const INGEST_BATCH_RECORDS = 1000;
const CONCURRENT_WRITES = 32;

/** One row of the results table. */
interface Row {
  readonly backend: string;
  readonly operation: string;
  /** Feature values each call reads or writes, to turn calls/s into values/s. */
  readonly valuesPerCall: number;
  readonly summary: Summary;
  /** CPU time of the process (user + system) per call, in nanoseconds, over the timed run. */
  readonly cpuNsPerCall: number;
  /** For a floor row (a bare client sending the same read): the operation it is the floor of. */
  readonly floorOf?: string;
  /** For a transformed read: the plain read it adds its transform to. */
  readonly transformOf?: string;
}

/** Runs the untimed warm-up, then the timed row, with the process's CPU time per call. */
async function timed(
  op: (call: number) => Promise<unknown>,
  options: { minCalls?: number; concurrency?: number } = {},
): Promise<{ summary: Summary; cpuNsPerCall: number }> {
  await measure(op, { budgetMs: WARMUP_SECONDS * 1000, minCalls: 1, concurrency: options.concurrency });
  // A collection left over from the warm-up or the previous row should not land in this one.
  globalThis.gc?.();
  const cpu = process.cpuUsage();
  const summary = summarize(await measure(op, { budgetMs: ROW_SECONDS * 1000, ...options }));
  const used = process.cpuUsage(cpu);
  return { summary, cpuNsPerCall: ((used.user + used.system) * 1000) / summary.count };
}

/**
 * Every benchmark against one store, which is fresh and empty. `url` is the store's expanded
 * URL: for Redis and PostgreSQL each read row is followed by its floor, the same read sent by a
 * bare client to the same namespace.
 */
async function benchStore(store: FeatureStore, backend: string, url: string): Promise<Row[]> {
  const service = new FeatureService(store);
  progress(
    `${backend}: seeding ${SEEDED_ENTITIES} entities x ${FEATURES.length - NEVER_WRITTEN.size} features`,
  );
  const entities = await seed(service, SEEDED_ENTITIES);
  const batches = Array.from({ length: SEEDED_ENTITIES / BATCH_ENTITIES }, (_, b) =>
    entities.slice(b * BATCH_ENTITIES, (b + 1) * BATCH_ENTITIES),
  );
  const rows: Row[] = [];
  const row = async (
    operation: string,
    valuesPerCall: number,
    op: (call: number) => Promise<unknown>,
    options: { minCalls?: number; concurrency?: number; floorOf?: string; transformOf?: string } = {},
  ): Promise<void> => {
    progress(`${backend}: ${operation}`);
    const { floorOf, transformOf, ...measureOptions } = options;
    rows.push({
      backend,
      operation,
      valuesPerCall,
      ...(await timed(op, measureOptions)),
      floorOf,
      transformOf,
    });
  };

  const raw = await openRawReader(url);
  try {
    if (raw) await checkFloor(raw, store, batches[0] as string[]);
    const vector = `getVector (1 x ${FEATURES.length})`;
    await row(vector, FEATURES.length, (call) =>
      store.getVector(entities[call % SEEDED_ENTITIES] as string, FEATURE_NAMES),
    );
    if (raw) {
      await row(
        `${raw.label} (1 x ${FEATURES.length})`,
        FEATURES.length,
        (call) => raw.read([entities[call % SEEDED_ENTITIES] as string], FEATURE_NAMES),
        { floorOf: vector },
      );
    }
    // The same read through FeatureService, plain and with a stored 10-step transform (one step
    // of each built-in kind, its parameters fitted on the seeded values), timed in alternating
    // blocks so that the load of a shared machine weighs on both alike: what the transform adds.
    const { transform } = await service.registerTransform(BENCH_TRANSFORM);
    const reference = `${transform.name}@${transform.version}`;
    const plain = `getFeatures (1 x ${FEATURES.length})`;
    const transformed = `${plain}, 10-step transform`;
    const pick = (call: number) => entities[call % SEEDED_ENTITIES] as string;
    const readPlain = (call: number) => service.getFeatures(pick(call), FEATURE_NAMES);
    const readTransformed = (call: number) => service.getFeatures(pick(call), FEATURE_NAMES, reference);
    progress(`${backend}: ${plain} against ${transformed}`);
    await measurePaired(readPlain, readTransformed, WARMUP_SECONDS * 1000);
    globalThis.gc?.();
    const [a, b] = await measurePaired(readPlain, readTransformed, 2 * ROW_SECONDS * 1000);
    rows.push({ backend, operation: plain, valuesPerCall: FEATURES.length, ...a });
    rows.push({ backend, operation: transformed, valuesPerCall: FEATURES.length, ...b, transformOf: plain });
    const vectors = `getVectors (${BATCH_ENTITIES} x ${FEATURES.length})`;
    await row(vectors, BATCH_ENTITIES * FEATURES.length, (call) =>
      store.getVectors(batches[call % batches.length] as string[], FEATURE_NAMES),
    );
    if (raw) {
      await row(
        `${raw.label} (${BATCH_ENTITIES} x ${FEATURES.length})`,
        BATCH_ENTITIES * FEATURES.length,
        (call) => raw.read(batches[call % batches.length] as string[], FEATURE_NAMES),
        { floorOf: vectors },
      );
    }
  } finally {
    await raw?.close();
  }

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

/**
 * Makes sure the bare client reads what the store reads: as many live values for the same
 * entities and features. Otherwise a floor row could be timing a read of nothing.
 * @throws Error when the two disagree.
 */
async function checkFloor(raw: RawReader, store: FeatureStore, entityIds: string[]): Promise<void> {
  const vectors = await store.getVectors(entityIds, FEATURE_NAMES);
  const live = vectors.reduce(
    (n, v) => n + v.entries.filter((e) => !e.usedDefault && e.registered).length,
    0,
  );
  const found = await raw.found(entityIds, FEATURE_NAMES);
  if (found !== live || live === 0) {
    throw new Error(
      `${raw.label} found ${found} values where the store serves ${live}: the floor reads something else`,
    );
  }
}

/** `a / b` as `1.23x`. */
function ratio(a: number, b: number): string {
  const r = a / b;
  return Number.isFinite(r) ? `${r.toFixed(2)}x` : "n/a";
}

/** Each read beside its floor: how much the store adds to what the bare client takes. */
function floorTable(rows: readonly Row[]): string | undefined {
  const pairs = rows.flatMap((floor) => {
    const ours = rows.find((r) => r.backend === floor.backend && r.operation === floor.floorOf);
    return floor.floorOf !== undefined && ours ? [{ ours, floor }] : [];
  });
  if (pairs.length === 0) return undefined;
  return markdownTable(
    [
      { title: "store" },
      { title: "read" },
      { title: "floor" },
      { title: "ours p50", align: "right" },
      { title: "floor p50", align: "right" },
      { title: "ours/floor p50", align: "right" },
      { title: "ours calls/s", align: "right" },
      { title: "floor calls/s", align: "right" },
      { title: "floor/ours calls/s", align: "right" },
    ],
    pairs.map(({ ours, floor }) => [
      ours.backend,
      ours.operation,
      floor.operation,
      formatDuration(ours.summary.p50Ns),
      formatDuration(floor.summary.p50Ns),
      ratio(ours.summary.p50Ns, floor.summary.p50Ns),
      formatRate(ours.summary.opsPerSec),
      formatRate(floor.summary.opsPerSec),
      ratio(floor.summary.opsPerSec, ours.summary.opsPerSec),
    ]),
  );
}

/** Each transformed read beside the plain one: what the transform costs in time and CPU. */
function transformTable(rows: readonly Row[]): string | undefined {
  const pairs = rows.flatMap((transformed) => {
    const plain = rows.find(
      (r) => r.backend === transformed.backend && r.operation === transformed.transformOf,
    );
    return transformed.transformOf !== undefined && plain ? [{ plain, transformed }] : [];
  });
  if (pairs.length === 0) return undefined;
  return markdownTable(
    [
      { title: "store" },
      { title: "read" },
      { title: "plain p50", align: "right" },
      { title: "transformed p50", align: "right" },
      { title: "p50 ratio", align: "right" },
      { title: "plain CPU/call", align: "right" },
      { title: "transformed CPU/call", align: "right" },
      { title: "CPU ratio", align: "right" },
    ],
    pairs.map(({ plain, transformed }) => [
      plain.backend,
      transformed.operation,
      formatDuration(plain.summary.p50Ns),
      formatDuration(transformed.summary.p50Ns),
      ratio(transformed.summary.p50Ns, plain.summary.p50Ns),
      formatDuration(plain.cpuNsPerCall),
      formatDuration(transformed.cpuNsPerCall),
      ratio(transformed.cpuNsPerCall, plain.cpuNsPerCall),
    ]),
  );
}

function printResults(rows: readonly Row[], failures: readonly string[], loadBefore: string): void {
  const table = markdownTable(
    [
      { title: "store" },
      { title: "operation" },
      { title: "calls/s", align: "right" },
      { title: "values/s", align: "right" },
      { title: "p50", align: "right" },
      { title: "p99", align: "right" },
      { title: "CPU/call", align: "right" },
      { title: "calls", align: "right" },
    ],
    rows.map((r) => [
      r.backend,
      r.operation,
      formatRate(r.summary.opsPerSec),
      formatRate(r.summary.opsPerSec * r.valuesPerCall),
      formatDuration(r.summary.p50Ns),
      formatDuration(r.summary.p99Ns),
      formatDuration(r.cpuNsPerCall),
      String(r.summary.count),
    ]),
  );
  const floors = floorTable(rows);
  const transforms = transformTable(rows);
  const lines = [
    `${machineLine()}; ${ROW_SECONDS} s per row after ${WARMUP_SECONDS} s warm-up` +
      (globalThis.gc ? ", gc between rows" : "") +
      `; load average (1/5/15 min) ${loadBefore} at the start, ${loadAverage()} at the end`,
    "",
    table,
    ...(floors ? ["", "Reads beside their floor (a bare client sending the same read):", "", floors] : []),
    ...(transforms
      ? [
          "",
          "Reads with a stored transform beside the same read without (alternating blocks of calls):",
          "",
          transforms,
        ]
      : []),
    ...failures.map((f) => `\nnot measured: ${f}`),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), "featurestore-bench-"));
  const rows: Row[] = [];
  const failures: string[] = [];
  const loadBefore = loadAverage();
  try {
    for (const template of storeUrls(DEFAULT_URLS)) {
      const url = expandUrl(template, tmp);
      const backend = displayUrl(template);
      let store: FeatureStore | undefined;
      try {
        // A generous timeout: on a loaded machine a 1000 x 50 ingest may take longer than the
        // default 5 s, and a row that times out takes the whole store's rows with it.
        store = await openStore(url, { operationTimeoutMs: OPERATION_TIMEOUT_MS });
        rows.push(...(await benchStore(store, backend, url)));
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
  printResults(rows, failures, loadBefore);
  if (failures.length > 0) process.exitCode = 1;
}

await main();
