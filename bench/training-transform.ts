/**
 * What a stored transform adds to a training set: the same point-in-time join of 250 entity
 * rows x 10 features, plain and through a 10-step transform (each built-in step once, fitted)
 * with a derived feature, in alternating blocks (`measurePaired`) so that the load of a shared
 * machine falls on both alike. Memory and SQLite, 2,000 entities x 10 versions each.
 *
 * `npm run bench:training-transform`; `BENCH_SECONDS` sets each store's budget (default 20).
 * Results go to stdout as markdown, progress to stderr.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type EntityRow,
  type FeatureDefinition,
  FeatureService,
  openStore,
  type TransformDeclaration,
  type ValueWrite,
} from "../src/index.js";
import { loadAverage, machineLine } from "./lib/machine.js";
import { measurePaired } from "./lib/paired.js";
import { progress } from "./lib/progress.js";

const DAY = 86_400_000;
const BASE = Date.UTC(2025, 0, 1);
const ENTITIES = 2_000;
const VERSIONS = 10;
const ROWS_PER_CALL = 250;

const FEATURES: FeatureDefinition[] = [
  ...[0, 1, 2, 3, 4].map((i) => ({
    name: `float_${i}`,
    featureType: "NUMERIC" as const,
    valueType: "FLOAT" as const,
  })),
  { name: "int_0", featureType: "NUMERIC", valueType: "INT", defaultValue: 0 },
  ...[0, 1, 2].map((i) => ({
    name: `cat_${i}`,
    featureType: "CATEGORICAL" as const,
    valueType: "STRING" as const,
    defaultValue: "none",
  })),
  { name: "emb", featureType: "EMBEDDING", valueType: "LIST", dimension: 4 },
];
const NAMES = FEATURES.map((f) => f.name);
const COUNTRIES = ["FR", "DE", "NL", "US", "JP", "BR", "IN", "ES"];

/** Ten steps, one of each built-in kind, and one derived feature. */
const TRANSFORM: TransformDeclaration = {
  name: "bench_training",
  features: [
    { featureName: "float_0", steps: [{ kind: "STANDARDIZE" }] },
    { featureName: "float_1", steps: [{ kind: "MIN_MAX_SCALE" }] },
    { featureName: "float_2", steps: [{ kind: "LOG1P" }] },
    { featureName: "float_3", steps: [{ kind: "CLIP", min: 10, max: 90 }] },
    { featureName: "float_4", steps: [{ kind: "FILL_DEFAULT", value: 0 }] },
    { featureName: "int_0", steps: [{ kind: "BUCKETIZE", boundaries: [100, 250, 500, 750] }] },
    { featureName: "cat_0", steps: [{ kind: "ONE_HOT" }] },
    { featureName: "cat_1", steps: [{ kind: "LABEL_ENCODE" }] },
    { featureName: "cat_2", steps: [{ kind: "HASH", buckets: 1024 }] },
    { featureName: "emb", steps: [{ kind: "L2_NORMALIZE" }] },
  ],
  derived: [
    { name: "ratio", expression: "float_0 / max(int_0, 1)", featureType: "NUMERIC", valueType: "FLOAT" },
  ],
};

function value(f: number, e: number, v: number): unknown {
  const x = (e * 31 + f * 17 + v * 7) % 1000;
  if (f < 5) return x / 7;
  if (f === 5) return x;
  if (f < 9) return COUNTRIES[x % COUNTRIES.length];
  return [x, x / 2, x / 3, 1];
}

async function fill(service: FeatureService): Promise<void> {
  await service.registerGroup({ name: "bench", features: FEATURES });
  let batch: ValueWrite[] = [];
  for (let e = 0; e < ENTITIES; e++) {
    for (let f = 0; f < NAMES.length; f++) {
      for (let v = 0; v < VERSIONS; v++) {
        batch.push({
          featureName: NAMES[f] as string,
          entityId: `e${e}`,
          value: value(f, e, v),
          eventTime: new Date(BASE + v * DAY + ((e * 7919 + f * 104_729) % DAY)),
        });
      }
    }
    if (batch.length >= 20_000) {
      await service.store.setValues(batch);
      batch = [];
    }
  }
  await service.store.setValues(batch);
}

/** `ROWS_PER_CALL` entity rows, different for each call, over the history's span. */
function rowsFor(call: number): EntityRow[] {
  return Array.from({ length: ROWS_PER_CALL }, (_, i) => {
    const n = call * ROWS_PER_CALL + i;
    return {
      entityId: `e${(n * 7) % ENTITIES}`,
      timestamp: new Date(BASE + ((n * 104_729) % (VERSIONS * DAY))),
    };
  });
}

async function joinRows(service: FeatureService, call: number, transform: string | false): Promise<number> {
  let rows = 0;
  for await (const chunk of service.trainingSet(rowsFor(call), NAMES, {
    transform,
    chunkSize: ROWS_PER_CALL,
  })) {
    rows += chunk.length;
  }
  return rows;
}

const ms = (ns: number) => (ns / 1e6).toFixed(2);

async function main(): Promise<void> {
  const budgetMs = Number(process.env.BENCH_SECONDS ?? 20) * 1000;
  const tmp = mkdtempSync(join(tmpdir(), "bench-training-transform-"));
  const lines = [
    `${machineLine()}, load before ${loadAverage()}`,
    "",
    "| store | join of 250 rows x 10 features | p50 ms | p99 ms | CPU ms/call | CPU ratio |",
    "| --- | --- | ---: | ---: | ---: | ---: |",
  ];
  try {
    for (const [backend, url] of [
      ["memory", "memory://"],
      ["sqlite", `sqlite://${tmp}/bench.db`],
    ] as const) {
      progress(`${backend}: filling ${ENTITIES} entities x ${NAMES.length} features x ${VERSIONS} versions`);
      const service = new FeatureService(await openStore(url));
      try {
        await fill(service);
        const { transform } = await service.registerTransform(TRANSFORM);
        const reference = `${transform.name}@${transform.version}`;
        progress(`${backend}: plain against ${reference}, ${budgetMs / 1000} s`);
        const [plain, transformed] = await measurePaired(
          (call) => joinRows(service, call, false),
          (call) => joinRows(service, call, reference),
          budgetMs,
        );
        for (const [label, side] of [
          ["plain", plain],
          ["through the 10-step transform", transformed],
        ] as const) {
          lines.push(
            `| ${backend} | ${label} | ${ms(side.summary.p50Ns)} | ${ms(side.summary.p99Ns)} | ${ms(side.cpuNsPerCall)} | ${(side.cpuNsPerCall / plain.cpuNsPerCall).toFixed(2)} |`,
          );
        }
      } finally {
        await service.store.close();
      }
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
  lines.push("", `load after ${loadAverage()}`);
  console.log(lines.join("\n"));
}

await main();
