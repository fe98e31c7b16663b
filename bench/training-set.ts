/**
 * The training-data benchmark: point-in-time joins and imports at the scale of a real training
 * set. For each store it
 *
 * 1. fills the store with a history (entities x 10 features x 20 versions, event times a day
 *    apart) through `setValues` in chunks of 50,000, and times it;
 * 2. joins a Parquet file of entity rows (entity, timestamp, label) against it with
 *    `exportTrainingSet`, writing a Parquet training set: rows/s, time to the first chunk
 *    written, and the peak RSS of that process alone (a fresh child process per join);
 * 3. imports a Parquet file of 100,000 rows x 10 features (1,000,000 values, with event times)
 *    into an empty namespace with `importFile`: values/s.
 *
 * `npm run bench:training-set` runs SQLite and PostgreSQL at 100,000 entities and 1,000,000 rows,
 * memory and Redis at 10,000 entities and 100,000 rows; `BENCH_TRAINING=sqlite,memory` picks
 * stores, `BENCH_ENTITIES` and `BENCH_ROWS` override the sizes. Results go to stdout as markdown.
 */
import { execFileSync, fork } from "node:child_process";
import { createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { finished } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { importFile } from "../src/files/file-import.js";
import { createRecordWriter } from "../src/files/record-writer.js";
import { exportTrainingSet } from "../src/files/training-set-export.js";
import type { FeatureDefinition, ValueWrite } from "../src/index.js";
import type { FeatureStore } from "../src/store/feature-store.js";
import { openStore } from "../src/store/open-store.js";
import { dropNamespace } from "./lib/drop-namespace.js";
import { loadAverage, machineLine } from "./lib/machine.js";
import { progress } from "./lib/progress.js";

const DAY = 86_400_000;
const BASE = Date.UTC(2025, 0, 1);
const VERSIONS = 20;

/** The ten features: four integers, three floats, two categories, one flag. */
const FEATURES: FeatureDefinition[] = [
  ...[0, 1, 2, 3].map((i) => ({
    name: `int_${i}`,
    featureType: "NUMERIC" as const,
    valueType: "INT" as const,
    defaultValue: 0,
  })),
  ...[0, 1, 2].map((i) => ({
    name: `float_${i}`,
    featureType: "NUMERIC" as const,
    valueType: "FLOAT" as const,
  })),
  ...[0, 1].map((i) => ({
    name: `cat_${i}`,
    featureType: "CATEGORICAL" as const,
    valueType: "STRING" as const,
    defaultValue: "none",
  })),
  { name: "flag", featureType: "BOOLEAN", valueType: "BOOL", defaultValue: false },
];
const NAMES = FEATURES.map((f) => f.name);
const COUNTRIES = ["FR", "DE", "NL", "US", "JP", "BR", "IN", "ES"];

/** A deterministic value of feature `f` for entity `e` at version `v`. */
function sampleValue(f: number, e: number, v: number): unknown {
  const x = (e * 31 + f * 17 + v * 7) % 1000;
  if (f < 4) return x;
  if (f < 7) return x / 7;
  if (f < 9) return COUNTRIES[x % COUNTRIES.length];
  return x % 2 === 0;
}

/** Event time of version `v` of (e, f): a day apart, with a per-key offset of up to a day. */
const eventTime = (f: number, e: number, v: number) => BASE + v * DAY + ((e * 7919 + f * 104_729) % DAY);

interface Plan {
  backend: string;
  url: string;
  entities: number;
  rows: number;
}

function plans(tmp: string): Plan[] {
  const big = Number(process.env.BENCH_ENTITIES ?? 100_000);
  const bigRows = Number(process.env.BENCH_ROWS ?? 1_000_000);
  const all: Plan[] = [
    { backend: "sqlite", url: `sqlite://${tmp}/training.db`, entities: big, rows: bigRows },
    {
      backend: "postgres",
      url: `postgres://postgres@127.0.0.1:5432/test?namespace=bench_training_${process.pid}`,
      entities: big,
      rows: bigRows,
    },
    { backend: "memory", url: "memory://", entities: big / 10, rows: bigRows / 10 },
    {
      backend: "redis",
      url: `redis://127.0.0.1:6379/0?namespace=bench_training_${process.pid}`,
      entities: big / 10,
      rows: bigRows / 10,
    },
  ];
  const wanted = (process.env.BENCH_TRAINING ?? "sqlite,postgres,memory,redis").split(",");
  return all.filter((p) => wanted.includes(p.backend));
}

/** Writes the history of `entities` entities through setValues in chunks; returns values/s. */
async function fill(store: FeatureStore, entities: number): Promise<{ values: number; seconds: number }> {
  for (const def of FEATURES) await store.registerFeature(def);
  const started = performance.now();
  let batch: ValueWrite[] = [];
  let values = 0;
  for (let e = 0; e < entities; e++) {
    const entityId = `e${e}`;
    for (let f = 0; f < NAMES.length; f++) {
      for (let v = 0; v < VERSIONS; v++) {
        batch.push({
          featureName: NAMES[f] as string,
          entityId,
          value: sampleValue(f, e, v),
          eventTime: new Date(eventTime(f, e, v)),
        });
      }
    }
    if (batch.length >= 50_000) {
      await store.setValues(batch);
      values += batch.length;
      batch = [];
      if (e % 10_000 === 0) progress(`filled ${e} entities`);
    }
  }
  await store.setValues(batch);
  values += batch.length;
  return { values, seconds: (performance.now() - started) / 1000 };
}

/** Writes a Parquet file of entity rows: random entities, instants over the history's span. */
async function writeEntityRows(path: string, rows: number, entities: number): Promise<void> {
  const out = createWriteStream(path);
  const writer = createRecordWriter(
    "parquet",
    [
      { name: "entity_id", kind: "string" },
      { name: "timestamp", kind: "timestamp" },
      { name: "label", kind: "int" },
    ],
    out,
  );
  let seed = 42;
  const random = () => {
    seed = (seed * 1_103_515_245 + 12_345) % 2_147_483_648;
    return seed / 2_147_483_648;
  };
  for (let start = 0; start < rows; start += 50_000) {
    const chunk: unknown[][] = [];
    for (let i = start; i < Math.min(rows, start + 50_000); i++) {
      chunk.push([
        `e${Math.floor(random() * entities)}`,
        BASE + Math.floor(random() * (VERSIONS + 1) * DAY),
        i % 2,
      ]);
    }
    await writer.write(chunk);
  }
  await writer.close();
  out.end();
  await finished(out);
}

/** Writes the import file: 100,000 rows x 10 features, each row with its event time. */
async function writeImportFile(path: string): Promise<void> {
  const out = createWriteStream(path);
  const writer = createRecordWriter(
    "parquet",
    [
      { name: "id", kind: "string" },
      { name: "ts", kind: "timestamp" },
      ...FEATURES.map((f) => ({
        name: f.name,
        kind:
          f.valueType === "INT"
            ? ("int" as const)
            : f.valueType === "FLOAT"
              ? ("double" as const)
              : f.valueType === "BOOL"
                ? ("bool" as const)
                : ("string" as const),
      })),
    ],
    out,
  );
  for (let start = 0; start < 100_000; start += 10_000) {
    const chunk: unknown[][] = [];
    for (let e = start; e < start + 10_000; e++) {
      chunk.push([`i${e}`, eventTime(0, e, 1), ...NAMES.map((_, f) => sampleValue(f, e, 1))]);
    }
    await writer.write(chunk);
  }
  await writer.close();
  out.end();
  await finished(out);
}

/** Joins `rowsFile` against the store into a Parquet file; the figures of one join. */
async function joinRows(store: FeatureStore, rowsFile: string, outFile: string) {
  const out = createWriteStream(outFile);
  const started = performance.now();
  let firstMs: number | undefined;
  const report = await exportTrainingSet(store, {
    rows: { path: rowsFile },
    rowsFormat: "parquet",
    featureNames: NAMES,
    out,
    outFormat: "parquet",
    chunkSize: process.env.BENCH_CHUNK ? Number(process.env.BENCH_CHUNK) : undefined,
    onProgress: (p) => {
      firstMs ??= performance.now() - started;
      if (p.rows % 100_000 === 0) progress(`joined ${p.rows} rows`);
    },
  });
  out.end();
  await finished(out);
  const seconds = (performance.now() - started) / 1000;
  return { rows: report.rows, seconds, firstMs: firstMs ?? 0, bytes: statSync(outFile).size };
}

const peakRssMiB = () => process.resourceUsage().maxRSS / 1024;
/** CPU seconds this process has used: on a shared machine, a figure other processes cannot inflate. */
const cpuSeconds = () => {
  const { userCPUTime, systemCPUTime } = process.resourceUsage();
  return (userCPUTime + systemCPUTime) / 1e6;
};

/** A child process's work: one phase against one store, answering with its figures. */
async function child(phase: string, url: string, args: string[]): Promise<unknown> {
  const store = await openStore(url, { operationTimeoutMs: 120_000 });
  try {
    if (phase === "fill") return await fill(store, Number(args[0]));
    if (phase === "join") {
      const cpuBefore = cpuSeconds();
      const joined = await joinRows(store, args[0] as string, args[1] as string);
      return { ...joined, peakRssMiB: peakRssMiB(), cpuSeconds: cpuSeconds() - cpuBefore };
    }
    if (phase === "fill-and-join") {
      const filled = await fill(store, Number(args[0]));
      const rssBefore = peakRssMiB();
      const cpuBefore = cpuSeconds();
      return {
        filled,
        joined: {
          ...(await joinRows(store, args[1] as string, args[2] as string)),
          peakRssMiB: peakRssMiB(),
          cpuSeconds: cpuSeconds() - cpuBefore,
          rssBefore,
        },
      };
    }
    if (phase === "import") {
      const started = performance.now();
      for (const def of FEATURES) await store.registerFeature(def);
      const report = await importFile(store, {
        source: { path: args[0] as string },
        format: "parquet",
        entityIdColumn: "id",
        eventTimeColumn: "ts",
      });
      const seconds = (performance.now() - started) / 1000;
      return { values: report.valuesWritten, rejected: report.rejected, seconds, peakRssMiB: peakRssMiB() };
    }
    throw new Error(`unknown phase ${phase}`);
  } finally {
    await store.close();
  }
}

/** Runs one phase in a fresh child process (so its peak RSS is its own) and returns its answer. */
function inChild<T>(phase: string, url: string, args: string[]): Promise<T> {
  return new Promise((resolve, reject) => {
    const proc = fork(fileURLToPath(import.meta.url), ["--child", phase, url, ...args], {
      execArgv: ["--import", "tsx"],
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    let answer: T | undefined;
    proc.on("message", (m) => {
      answer = m as T;
    });
    proc.on("exit", (code) =>
      code === 0 && answer !== undefined
        ? resolve(answer)
        : reject(new Error(`${phase} exited with ${code}`)),
    );
  });
}

const fmt = (n: number, digits = 0) =>
  n.toLocaleString("en-US", { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), "bench-training-"));
  const lines: string[] = [];
  const loadBefore = loadAverage();
  try {
    const importFileName = join(tmp, "import.parquet");
    await writeImportFile(importFileName);
    for (const plan of plans(tmp)) {
      progress(
        `${plan.backend}: ${plan.entities} entities x ${NAMES.length} features x ${VERSIONS} versions, ${plan.rows} rows`,
      );
      const rowsFile = join(tmp, `rows-${plan.rows}.parquet`);
      await writeEntityRows(rowsFile, plan.rows, plan.entities);
      const outFile = join(tmp, `train-${plan.backend}.parquet`);
      type Joined = {
        rows: number;
        seconds: number;
        firstMs: number;
        bytes: number;
        peakRssMiB: number;
        cpuSeconds?: number;
      };
      let filled: { values: number; seconds: number };
      let joined: Joined;
      if (plan.backend === "memory") {
        const both = await inChild<{ filled: typeof filled; joined: Joined & { rssBefore: number } }>(
          "fill-and-join",
          plan.url,
          [String(plan.entities), rowsFile, outFile],
        );
        filled = both.filled;
        joined = both.joined;
      } else {
        filled = await inChild("fill", plan.url, [String(plan.entities)]);
        joined = await inChild("join", plan.url, [rowsFile, outFile]);
      }
      const load = loadAverage();
      await dropNamespace(plan.url);
      const importUrl = plan.url
        .replace("training.db", "import.db")
        .replace("bench_training_", "bench_import_");
      const imported = await inChild<{
        values: number;
        rejected: number;
        seconds: number;
        peakRssMiB: number;
      }>("import", importUrl, [importFileName]);
      await dropNamespace(importUrl);
      lines.push(
        `| ${plan.backend} | ${fmt(plan.entities)} x 10 x 20 | ${fmt(filled.values / filled.seconds)} | ${fmt(joined.rows)} | ${fmt(joined.seconds, 1)} s | ${fmt(joined.rows / joined.seconds)} | ${joined.cpuSeconds === undefined ? "" : `${fmt(joined.cpuSeconds, 1)} s`} | ${fmt(joined.firstMs)} ms | ${fmt(joined.peakRssMiB)} MiB | ${fmt(imported.values / imported.seconds)} | ${load} |`,
      );
      progress(lines.at(-1) as string);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  const revision = execFileSync("git", ["rev-parse", "--short", "HEAD"], { encoding: "utf8" }).trim();
  console.log(
    `${machineLine()}; commit ${revision}; load average (1/5/15 min) ${loadBefore} at the start, ${loadAverage()} at the end\n`,
  );
  console.log(
    "| store | history (entities x features x versions) | fill values/s | rows joined | join time | rows/s | join CPU time | first chunk written | peak RSS (join) | import values/s | load after join |",
  );
  console.log("| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |");
  for (const line of lines) console.log(line);
}

if (process.argv[2] === "--rows") {
  // A rows file alone, for measuring joins against an existing store by hand.
  await writeEntityRows(process.argv[3] as string, Number(process.argv[4]), Number(process.argv[5]));
} else if (process.argv[2] === "--child") {
  const [, , , phase, url, ...args] = process.argv;
  child(phase as string, url as string, args).then(
    (answer) => {
      if (process.send) {
        process.send(answer as object);
        process.disconnect();
      } else {
        console.log(JSON.stringify(answer));
      }
    },
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
} else {
  await main();
}
