import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createInterface } from "node:readline";
import { Readable } from "node:stream";
import { CsvError, parse } from "csv-parse";
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects } from "hyparquet";
import { ValidationError } from "../core/errors.js";
import type { FileFormat } from "./file-format.js";

/** Where records come from: a file, or (CSV and NDJSON only) a byte stream such as a request body. */
export type RecordSource =
  | { path: string }
  | { stream: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string> };

/** A row that could not be read at all (an NDJSON line that is not a JSON object), with why. */
export class UnreadableRow {
  constructor(readonly reason: string) {}
}

/** One row as read: its cells by column name, or why it could not be read. */
export type ReadRow = Record<string, unknown> | UnreadableRow;

/** The rows of a file, read lazily, and how far through it the reading is. */
export interface RecordStream {
  /** The rows in file order; a CSV or Parquet file that cannot be parsed fails with VALIDATION_FAILED. */
  readonly rows: AsyncIterable<ReadRow>;
  /** The number of rows, when the format says it up front (Parquet). */
  readonly totalRows: number | undefined;
  /** The fraction of the file read so far (0..1), when its size is known; for progress displays. */
  fractionRead(): number | undefined;
}

/** Rows read from a Parquet file at once: bounds memory whatever the file's row group size. */
const PARQUET_WINDOW = 16_384;

/**
 * Opens a file of records for streaming. CSV needs a header row (cells are text); NDJSON holds
 * one JSON object per line (blank lines are skipped); Parquet is read a window of rows at a time
 * (it needs random access, so only from a file).
 * @throws ValidationError for a Parquet stream, or a file that is not Parquet.
 */
export async function openRecords(source: RecordSource, format: FileFormat): Promise<RecordStream> {
  if (format === "parquet") {
    if (!("path" in source))
      throw new ValidationError("a Parquet file must be read from a file, not a stream");
    return openParquet(source.path);
  }
  let bytes = 0;
  let total: number | undefined;
  let input: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>;
  if ("path" in source) {
    total = (await stat(source.path)).size;
    input = createReadStream(source.path);
  } else {
    input = source.stream;
  }
  const counted = Readable.from(
    (async function* () {
      for await (const chunk of input) {
        bytes += chunk.length;
        yield chunk;
      }
    })(),
  );
  return {
    rows: format === "csv" ? csvRows(counted) : ndjsonRows(counted),
    totalRows: undefined,
    fractionRead: () => (total ? Math.min(bytes / total, 1) : undefined),
  };
}

async function* csvRows(input: Readable): AsyncGenerator<ReadRow> {
  const parser = parse({ columns: true, bom: true, skip_empty_lines: true });
  // pipe() does not pass the source's failure on (an upload over its limit, a cut connection).
  input.on("error", (err) => parser.destroy(err));
  input.pipe(parser);
  try {
    for await (const record of parser) yield record as Record<string, unknown>;
  } catch (err) {
    input.destroy();
    if (!(err instanceof CsvError)) throw err;
    throw new ValidationError(`the CSV cannot be read: ${err.message}`);
  } finally {
    input.destroy();
  }
}

async function* ndjsonRows(input: Readable): AsyncGenerator<ReadRow> {
  for await (const line of createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY })) {
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      yield new UnreadableRow("not valid JSON");
      continue;
    }
    yield value !== null && typeof value === "object" && !Array.isArray(value)
      ? (value as Record<string, unknown>)
      : new UnreadableRow("not a JSON object");
  }
}

async function openParquet(path: string): Promise<RecordStream> {
  const file = await asyncBufferFromFile(path);
  let metadata: Awaited<ReturnType<typeof parquetMetadataAsync>>;
  try {
    metadata = await parquetMetadataAsync(file);
  } catch (err) {
    throw new ValidationError(
      `the Parquet file cannot be read: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  const totalRows = Number(metadata.num_rows);
  let done = 0;
  async function* rows(): AsyncGenerator<ReadRow> {
    let groupStart = 0;
    for (const group of metadata.row_groups) {
      const groupEnd = groupStart + Number(group.num_rows);
      for (let rowStart = groupStart; rowStart < groupEnd; rowStart += PARQUET_WINDOW) {
        const rowEnd = Math.min(rowStart + PARQUET_WINDOW, groupEnd);
        let window: Record<string, unknown>[];
        try {
          window = await parquetReadObjects({ file, metadata, rowStart, rowEnd, useOffsetIndex: true });
        } catch (err) {
          throw new ValidationError(
            `the Parquet file cannot be read at rows ${rowStart}-${rowEnd}: ${err instanceof Error ? err.message : String(err)}`,
          );
        }
        for (const row of window) {
          done++;
          yield row;
        }
      }
      groupStart = groupEnd;
    }
  }
  return { rows: rows(), totalRows, fractionRead: () => (totalRows > 0 ? done / totalRows : undefined) };
}
