import type { Writable } from "node:stream";
import { FeatureType, ValueType } from "../core/enums.js";
import { FeatureNotFoundError, HistoryTrimmedError, ValidationError } from "../core/errors.js";
import type { NormalizedDefinition } from "../core/models.js";
import { FeatureService, type TransformChoice } from "../service.js";
import { FeatureStore } from "../store/feature-store.js";
import type { EntityRow, TrainingRow } from "../store/training-set.js";
import { shapeOf, type ValueShape } from "../transforms/value-shape.js";
import { cellEntityId, cellInstant, passThroughCell } from "./cell-values.js";
import type { FileFormat } from "./file-format.js";
import type { ProgressReport } from "./progress.js";
import { openRecords, type RecordSource, UnreadableRow } from "./record-reader.js";
import { type ColumnKind, type ColumnSpec, createRecordWriter, type RecordWriter } from "./record-writer.js";

/** Options of {@link exportTrainingSet}. */
export interface TrainingSetExportOptions {
  /** The entity rows: a file, or a CSV or NDJSON byte stream. */
  rows: RecordSource;
  rowsFormat: FileFormat;
  /** The features to join, in the order of their columns. Every one must be registered. */
  featureNames: readonly string[];
  /** Where the joined set goes; it is not ended. */
  out: Writable;
  outFormat: FileFormat;
  /** The column holding entity ids, in and out (default `entity_id`). */
  entityIdColumn?: string;
  /** The column holding each row's instant, in and out (default `timestamp`). */
  timestampColumn?: string;
  /**
   * Add a `<feature>__event_time` column per feature: the event time of the value served (empty
   * where the default was served), to audit that nothing from after a row's instant leaked in.
   */
  includeEventTimes?: boolean;
  /**
   * The stored transform every row goes through, as in `FeatureService.trainingSet`:
   * `name@version`, `name` for its newest version, or `true` for the service's default. Its
   * derived features become columns after the features; each column's type is its steps'
   * output type; a Parquet file names the transform in its key-value metadata.
   */
  transform?: TransformChoice;
  /** Rows per backend call and per Parquet row group (default 5000). */
  chunkSize?: number;
  /** Called after each chunk is written. */
  onProgress?: (report: ProgressReport) => void;
}

/** What an export did. */
export interface TrainingSetExportReport {
  rows: number;
  /** `name@version` of the stored transform the rows went through, or `null` for none. */
  transform: string | null;
}

/** The file column kind of a feature's values, or of a transform's output of that type. */
function featureKind(shape: ValueShape): ColumnKind {
  switch (shape.valueType) {
    case ValueType.INT:
      return shape.featureType === FeatureType.TIMESTAMP ? "timestamp" : "int";
    case ValueType.FLOAT:
      return "double";
    case ValueType.BOOL:
      return "bool";
    case ValueType.STRING:
      return "string";
    default:
      return shape.featureType === FeatureType.EMBEDDING ? "doubleList" : "json";
  }
}

/**
 * The Parquet key-value metadata that says what produced a file: the transform, and each
 * feature column's type and origin (a one-hot column's category order is in the transform's
 * stored parameters, `transform(name, version)`).
 */
function provenance(
  transform: string | null,
  columns: readonly { name: string; shape: ValueShape; derived: boolean }[],
): { key: string; value: string }[] {
  const described = columns.map(({ name, shape, derived }) => ({
    name,
    featureType: shape.featureType,
    valueType: shape.valueType,
    dimension: shape.dimension,
    derived,
    transform,
  }));
  return [
    ...(transform === null ? [] : [{ key: TRANSFORM_METADATA_KEY, value: transform }]),
    { key: COLUMNS_METADATA_KEY, value: JSON.stringify(described) },
  ];
}

/** The Parquet key-value metadata key naming the transform (`name@version`) an export went through. */
export const TRANSFORM_METADATA_KEY = "featurestore.transform";
/** The Parquet key-value metadata key describing the feature columns (JSON: name, type, derived, transform). */
export const COLUMNS_METADATA_KEY = "featurestore.columns";

/** The kind a passed-through column gets from the values of the first chunk. */
function passThroughKind(values: readonly unknown[]): ColumnKind {
  const present = values.filter((v) => v !== null && v !== undefined);
  if (present.length === 0 || present.every((v) => typeof v === "string")) return "string";
  if (present.every((v) => typeof v === "boolean")) return "bool";
  if (present.every((v) => Number.isSafeInteger(v))) return "int";
  if (present.every((v) => typeof v === "number")) return "double";
  return "json";
}

/** Whether a value fits a passed-through column of this kind. */
function fits(kind: ColumnKind, value: unknown): boolean {
  if (value === null || value === undefined) return true;
  switch (kind) {
    case "string":
      return typeof value === "string";
    case "bool":
      return typeof value === "boolean";
    case "int":
      return Number.isSafeInteger(value);
    case "double":
      return typeof value === "number";
    default:
      return true;
  }
}

/**
 * Builds a point-in-time training set from a file of entity rows and writes it as a file, both
 * streamed: rows are read, joined by the store one chunk per backend call, and written a chunk at
 * a time, so memory stays flat however many rows there are. Rows keep their input order.
 *
 * Out come the entity id and timestamp columns, the other input columns unchanged (CSV text that
 * reads as a number or boolean becomes one), then one column per feature (the value in force at
 * the row's instant, else the default), and optionally each value's event time. In Parquet each
 * column has its type: INT as int64 (TIMESTAMP features as timestamps), FLOAT as double, STRING
 * as UTF-8, BOOL as boolean, EMBEDDING as a list of doubles, LIST and DICT as JSON; a
 * passed-through column takes its type from the first chunk's values.
 *
 * With `transform`, the rows go through `FeatureService.trainingSet` with it (the code serving
 * runs): each feature column has its steps' output type (a ONE_HOT or L2_NORMALIZE column is a
 * list of doubles in Parquet and a JSON array in CSV and NDJSON, a LABEL_ENCODE, BUCKETIZE or
 * HASH column an int64), the derived features follow as columns of their declared types, and a
 * Parquet file's key-value metadata names the transform (`featurestore.transform`) and
 * describes each feature column (`featurestore.columns`); the report names it too.
 *
 * @throws FeatureNotFoundError for an unregistered feature, TransformNotFoundError for an
 *   unregistered transform, ValidationError for a bad reference or a feature asked for that the
 *   transform derives (all before any row is read, nothing written).
 * @throws ValidationError for a row without a valid entity id or timestamp, naming the row (1 is
 *   the first data row); what was written before it stays written.
 * @throws HistoryTrimmedError where a value in force lies in trimmed history (Redis).
 */
export async function exportTrainingSet(
  source: FeatureService | FeatureStore,
  options: TrainingSetExportOptions,
): Promise<TrainingSetExportReport> {
  const service = source instanceof FeatureStore ? new FeatureService(source) : source;
  const idColumn = options.entityIdColumn ?? "entity_id";
  const timeColumn = options.timestampColumn ?? "timestamp";
  const transform = await service.trainingTransform(options.transform, options.featureNames);
  const defs = await service.getDefinitions(options.featureNames);
  const missing = options.featureNames.find((_, i) => defs[i] === null);
  if (missing !== undefined) throw new FeatureNotFoundError(missing);
  const shapes = defs.map((def) => shapeOf(def as NormalizedDefinition));
  const featureColumns = transform
    ? transform
        .outputShapes(options.featureNames, shapes)
        .map((c, i) => ({ ...c, derived: i >= options.featureNames.length }))
    : options.featureNames.map((name, i) => ({ name, shape: shapes[i] as ValueShape, derived: false }));
  const outputNames = featureColumns.map((c) => c.name);
  const reference = transform?.reference ?? null;
  const records = await openRecords(options.rows, options.rowsFormat);
  let read = 0;
  async function* entityRows(): AsyncGenerator<EntityRow> {
    for await (const record of records.rows) {
      const row = ++read;
      try {
        if (record instanceof UnreadableRow) throw new ValidationError(record.reason);
        const entityRow: EntityRow = {
          entityId: cellEntityId(record[idColumn], idColumn),
          timestamp: cellInstant(record[timeColumn], timeColumn),
        };
        for (const [column, cell] of Object.entries(record)) {
          if (column !== idColumn && column !== timeColumn) entityRow[column] = passThroughCell(cell);
        }
        yield entityRow;
      } catch (err) {
        if (!(err instanceof ValidationError)) throw err;
        throw new ValidationError(`row ${row}: ${err.message}`, { row });
      }
    }
  }

  let passThrough: ColumnSpec[] = [];
  let writer: RecordWriter | undefined;
  const start = (first: readonly TrainingRow[]) => {
    const names = Object.keys(first[0]?.columns ?? {}).filter((n) => n !== "entityId" && n !== "timestamp");
    const clash = names.find((n) => outputNames.includes(n) || n.endsWith("__event_time"));
    if (clash !== undefined) {
      throw new ValidationError(`input column "${clash}" would clash with a feature's column: rename it`);
    }
    passThrough = names.map((name) => ({ name, kind: passThroughKind(first.map((r) => r.columns[name])) }));
    const columns: ColumnSpec[] = [
      { name: idColumn, kind: "string" },
      { name: timeColumn, kind: "timestamp" },
      ...passThrough,
      ...featureColumns.map(({ name, shape }) => ({ name, kind: featureKind(shape) })),
      ...(options.includeEventTimes
        ? outputNames.map((name) => ({ name: `${name}__event_time`, kind: "timestamp" as const }))
        : []),
    ];
    return createRecordWriter(options.outFormat, columns, options.out, provenance(reference, featureColumns));
  };

  let written = 0;
  for await (const chunk of service.trainingSet(entityRows(), options.featureNames, {
    chunkSize: options.chunkSize ?? 5000,
    transform: reference ?? false,
  })) {
    writer ??= start(chunk);
    const cells = chunk.map((row, r) => {
      const line: unknown[] = [row.entityId, row.timestamp.getTime()];
      for (const { name, kind } of passThrough) {
        const value = row.columns[name];
        if (options.outFormat === "parquet" && !fits(kind, value)) {
          throw new ValidationError(
            `row ${written + r + 1}: column "${name}" holds ${JSON.stringify(value)}, but the first rows made it ${kind}`,
            { row: written + r + 1 },
          );
        }
        line.push(value ?? null);
      }
      for (const entry of row.entries) {
        if (entry.historyTrimmed) {
          throw new HistoryTrimmedError(
            `row ${written + r + 1}: the value of "${entry.featureName}" at ${row.timestamp.toISOString()} is in trimmed history`,
            { row: written + r + 1, featureName: entry.featureName },
          );
        }
        line.push(entry.value);
      }
      if (options.includeEventTimes) for (const entry of row.entries) line.push(entry.eventTimeMs);
      return line;
    });
    await writer.write(cells);
    written += chunk.length;
    options.onProgress?.({ rows: written, fraction: records.fractionRead() });
  }
  writer ??= start([]);
  await writer.close();
  return { rows: written, transform: reference };
}
