import { checkValue } from "../core/codec.js";
import { FeatureNotFoundError, FeatureStoreError, ValidationError } from "../core/errors.js";
import type { NormalizedDefinition, ValueWrite } from "../core/models.js";
import type { FeatureStore } from "../store/feature-store.js";
import { cellEntityId, cellFeatureValue, cellInstant, isEmptyCell } from "./cell-values.js";
import type { FileFormat } from "./file-format.js";
import type { ProgressReport } from "./progress.js";
import { openRecords, type RecordSource, UnreadableRow } from "./record-reader.js";

/** Options of {@link importFile}. */
export interface ImportOptions {
  /** The records: a file, or a CSV or NDJSON byte stream. */
  source: RecordSource;
  format: FileFormat;
  /** The column holding each record's entity id. Every other column is a feature's value. */
  entityIdColumn: string;
  /**
   * The column holding each record's event time (ISO 8601 or epoch ms); without it every value is
   * written at the time of the import.
   */
  eventTimeColumn?: string;
  /** Rows per batch write (default 5000): each batch is one atomic `setValues`. */
  chunkSize?: number;
  /** The most skipped or rejected rows listed one by one in the report (default 1000); all are counted. */
  maxListedProblems?: number;
  /** Called after each batch is written. */
  onProgress?: (report: ProgressReport) => void;
}

/** A row that was not written, and why. */
export interface ImportProblem {
  /** 1 for the first data row (the row after a CSV header, the first line of NDJSON). */
  row: number;
  /** `skipped`: nothing to write (no entity id, or no values); `rejected`: a bad row. */
  outcome: "skipped" | "rejected";
  reason: string;
}

/** What an import did. */
export interface ImportReport {
  rowsRead: number;
  rowsWritten: number;
  valuesWritten: number;
  skipped: number;
  rejected: number;
  /** The first `maxListedProblems` skipped or rejected rows, in row order. */
  problems: ImportProblem[];
  /** True when more rows were skipped or rejected than are listed. */
  problemsTruncated: boolean;
}

/** One row checked and ready to write: all its values, or none of them. */
interface CheckedRow {
  row: number;
  writes: ValueWrite[];
}

/**
 * Imports a file of records (one row per entity and instant, one column per feature) through the
 * batch write path, streamed a chunk of rows at a time. Each row is checked whole first: a bad
 * cell rejects the row (and only it), with its row number and the reason in the report; a row
 * without an entity id or without values is skipped. A row is never half written: the rows of a
 * chunk land in one atomic `setValues`, and should the store still refuse that batch, its rows
 * are written one by one so that only the refused row is rejected.
 *
 * @throws FeatureNotFoundError for a column of the first row that is not a registered feature,
 *   and ValidationError when the first row lacks the entity id column, before anything is written.
 */
export async function importFile(store: FeatureStore, options: ImportOptions): Promise<ImportReport> {
  const chunkSize = options.chunkSize ?? 5000;
  if (!Number.isSafeInteger(chunkSize) || chunkSize < 1)
    throw new ValidationError("chunkSize must be a positive integer");
  const maxListed = options.maxListedProblems ?? 1000;
  const idColumn = options.entityIdColumn;
  const timeColumn = options.eventTimeColumn;
  const records = await openRecords(options.source, options.format);
  const report: ImportReport = {
    rowsRead: 0,
    rowsWritten: 0,
    valuesWritten: 0,
    skipped: 0,
    rejected: 0,
    problems: [],
    problemsTruncated: false,
  };
  const note = (row: number, outcome: ImportProblem["outcome"], reason: string) => {
    report[outcome]++;
    if (report.problems.length < maxListed) report.problems.push({ row, outcome, reason });
    else report.problemsTruncated = true;
  };
  const defs = new Map<string, NormalizedDefinition>();

  /** Checks the first row's columns: every one must be the id, the time, or a registered feature. */
  const learnColumns = async (record: Record<string, unknown>) => {
    if (!Object.hasOwn(record, idColumn)) {
      throw new ValidationError(`the first row has no entity id column "${idColumn}"`);
    }
    const names = Object.keys(record).filter((c) => c !== idColumn && c !== timeColumn);
    const found = await store.getDefinitions(names);
    names.forEach((name, i) => {
      const def = found[i];
      if (!def) throw new FeatureNotFoundError(name);
      defs.set(name, def);
    });
  };

  /** The writes of one row. @throws FeatureStoreError saying why the row is rejected. */
  const check = async (record: Record<string, unknown>): Promise<ValueWrite[] | string> => {
    if (isEmptyCell(record[idColumn])) return "no entity id";
    const entityId = cellEntityId(record[idColumn], idColumn);
    const eventTime = timeColumn === undefined ? undefined : cellInstant(record[timeColumn], timeColumn);
    const writes: ValueWrite[] = [];
    for (const [column, cell] of Object.entries(record)) {
      if (column === idColumn || column === timeColumn || isEmptyCell(cell)) continue;
      let def = defs.get(column);
      if (!def) {
        // An NDJSON row may name columns the first row did not.
        def = (await store.getDefinition(column)) ?? undefined;
        if (!def) throw new FeatureNotFoundError(column);
        defs.set(column, def);
      }
      const value = checkValue(def, cellFeatureValue(def, cell), entityId);
      writes.push({ featureName: column, entityId, value, eventTime });
    }
    return writes.length === 0 ? "no values" : writes;
  };

  const flush = async (rows: CheckedRow[]) => {
    if (rows.length === 0) return;
    try {
      await store.setValues(rows.flatMap((r) => r.writes));
      for (const r of rows) {
        report.rowsWritten++;
        report.valuesWritten += r.writes.length;
      }
    } catch (err) {
      if (!(err instanceof ValidationError) || rows.length === 1) {
        if (rows.length === 1 && err instanceof ValidationError) {
          note((rows[0] as CheckedRow).row, "rejected", err.message);
          return;
        }
        throw err;
      }
      // A check only the store makes (an event time too far ahead) refused the batch: find the row.
      for (const row of rows) await flush([row]);
    }
  };

  let pending: CheckedRow[] = [];
  let first = true;
  for await (const record of records.rows) {
    const row = ++report.rowsRead;
    if (record instanceof UnreadableRow) {
      note(row, "rejected", record.reason);
      continue;
    }
    if (first) {
      await learnColumns(record);
      first = false;
    }
    try {
      const checked = await check(record);
      if (typeof checked === "string") note(row, "skipped", checked);
      else pending.push({ row, writes: checked });
    } catch (err) {
      if (!(err instanceof FeatureStoreError)) throw err;
      note(row, "rejected", err.message);
    }
    if (pending.length >= chunkSize) {
      await flush(pending);
      pending = [];
      options.onProgress?.({ rows: report.rowsRead, fraction: records.fractionRead() });
    }
  }
  await flush(pending);
  options.onProgress?.({ rows: report.rowsRead, fraction: records.fractionRead() });
  report.problems.sort((a, b) => a.row - b.row);
  return report;
}
