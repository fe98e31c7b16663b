import type { FeatureDefinition } from "../../src/core/models.js";
import { seededRandom } from "../../src/core/seeded-random.js";
import type { FeatureService } from "../../src/service.js";

/** The group every benchmark registers its features in. */
export const GROUP = "bench_user";
/** Dimension of the one embedding feature. */
export const EMBEDDING_DIMENSION = 16;
/** Records per `ingestBatch` call when seeding. */
export const SEED_BATCH_RECORDS = 1000;

function pad(i: number): string {
  return String(i).padStart(2, "0");
}

/**
 * A realistic mix of 50 features: 20 FLOAT and 15 INT numerics, 14 STRING categoricals and one
 * 16-dimensional embedding. Every one has a default, as served features usually do.
 */
export const FEATURES: readonly FeatureDefinition[] = [
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

/** The 50 feature names, in definition order: what a vector read asks for. */
export const FEATURE_NAMES: readonly string[] = FEATURES.map((f) => f.name);

/** Left unwritten by the seed, so vector reads also serve a couple of defaults, as in production. */
export const NEVER_WRITTEN: ReadonlySet<string> = new Set(["float_19", "category_13"]);

/** The FLOAT features the seed writes: the targets of the single-value write rows. */
export const FLOAT_NAMES: readonly string[] = FEATURE_NAMES.filter(
  (n) => n.startsWith("float_") && !NEVER_WRITTEN.has(n),
);

/**
 * The value stream of one entity, seeded from its id (FNV-1a): a record depends on its entity
 * alone, not on how many records this process generated before it, so every process (the floor,
 * each server, the benchmark seeding several stores) makes the same record for the same entity.
 */
function randomFor(entityId: string): () => number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < entityId.length; i++) hash = Math.imul(hash ^ entityId.charCodeAt(i), 0x01000193);
  return seededRandom(hash);
}

/** A value of the right type for a feature, from `random`. */
function valueFor(def: FeatureDefinition, random: () => number): unknown {
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

/** One ingest record: the entity id (under `entity_id`) plus a value for each feature not in `skip`. */
export function recordFor(entityId: string, skip: ReadonlySet<string> = new Set()): Record<string, unknown> {
  const record: Record<string, unknown> = { entity_id: entityId };
  const random = randomFor(entityId);
  for (const def of FEATURES) if (!skip.has(def.name)) record[def.name] = valueFor(def, random);
  return record;
}

/** The id of the `i`-th benchmark entity, e.g. `user_000042`. */
export function entityId(i: number): string {
  return `user_${String(i).padStart(6, "0")}`;
}

/**
 * Registers the group and writes entities `0..count-1` with every feature but
 * {@link NEVER_WRITTEN}, in batches of {@link SEED_BATCH_RECORDS}.
 * @returns the seeded entity ids, in order.
 */
export async function seed(service: FeatureService, count: number): Promise<string[]> {
  await service.registerGroup({ name: GROUP, features: [...FEATURES] });
  for (let first = 0; first < count; first += SEED_BATCH_RECORDS) {
    const records = [];
    for (let i = first; i < Math.min(count, first + SEED_BATCH_RECORDS); i++) {
      records.push(recordFor(entityId(i), NEVER_WRITTEN));
    }
    await service.ingestBatch(records, "entity_id");
  }
  return Array.from({ length: count }, (_, i) => entityId(i));
}
