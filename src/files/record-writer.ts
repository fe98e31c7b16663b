import { once } from "node:events";
import type { Writable } from "node:stream";
import { stringify } from "csv-stringify/sync";
import type { SchemaElement } from "hyparquet";
import { ByteWriter, ParquetWriter } from "hyparquet-writer";
import type { FileFormat } from "./file-format.js";

/**
 * What a column holds, which fixes its Parquet type: text (UTF-8), a 64-bit integer, a double, a
 * boolean, an instant (epoch milliseconds, UTC), a list of doubles (an embedding), or any JSON.
 */
export type ColumnKind = "string" | "int" | "double" | "bool" | "timestamp" | "doubleList" | "json";

/** One column of an output file. */
export interface ColumnSpec {
  readonly name: string;
  readonly kind: ColumnKind;
}

/**
 * Writes rows to a byte sink in one format, a batch at a time, without holding the file: CSV and
 * NDJSON go out as they are written, Parquet as one row group per batch. Every cell may be null.
 */
export interface RecordWriter {
  /** Writes a batch of rows, each an array of cells in column order; waits while the sink is full. */
  write(rows: readonly (readonly unknown[])[]): Promise<void>;
  /** Writes what the format needs at the end (Parquet's footer). The sink is left open. */
  close(): Promise<void>;
}

/** A key and value a file carries about itself (Parquet's footer key-value metadata). */
export interface FileMetadata {
  readonly key: string;
  readonly value: string;
}

/**
 * Creates the writer of a format over a sink. `metadata` goes into a Parquet file's footer;
 * CSV and NDJSON have no place for it.
 */
export function createRecordWriter(
  format: FileFormat,
  columns: readonly ColumnSpec[],
  sink: Writable,
  metadata: readonly FileMetadata[] = [],
): RecordWriter {
  if (format === "parquet") return parquetWriter(columns, sink, metadata);
  return format === "csv" ? csvWriter(columns, sink) : ndjsonWriter(columns, sink);
}

/** Writes a chunk, waiting for the sink to drain when it asks to. */
async function send(sink: Writable, chunk: string | Uint8Array): Promise<void> {
  if (!sink.write(chunk)) await once(sink, "drain");
}

function csvCell(kind: ColumnKind, cell: unknown): string {
  if (cell === null || cell === undefined) return "";
  if (kind === "timestamp") return new Date(cell as number).toISOString();
  if (typeof cell === "object") return JSON.stringify(cell);
  return String(cell);
}

function csvWriter(columns: readonly ColumnSpec[], sink: Writable): RecordWriter {
  let header = true;
  return {
    async write(rows) {
      const text = stringify(
        rows.map((row) => row.map((cell, i) => csvCell((columns[i] as ColumnSpec).kind, cell))),
        header ? { header: true, columns: columns.map((c) => c.name) } : {},
      );
      header = false;
      await send(sink, text);
    },
    async close() {
      // A set without rows still says its columns.
      if (header) await send(sink, stringify([], { header: true, columns: columns.map((c) => c.name) }));
    },
  };
}

function ndjsonWriter(columns: readonly ColumnSpec[], sink: Writable): RecordWriter {
  return {
    async write(rows) {
      let text = "";
      for (const row of rows) {
        const record: Record<string, unknown> = {};
        row.forEach((cell, i) => {
          const column = columns[i] as ColumnSpec;
          record[column.name] =
            column.kind === "timestamp" && cell !== null && cell !== undefined
              ? new Date(cell as number).toISOString()
              : (cell ?? null);
        });
        text += `${JSON.stringify(record)}\n`;
      }
      await send(sink, text);
    },
    async close() {},
  };
}

/** The Parquet schema elements of one column. */
function parquetElements({ name, kind }: ColumnSpec): SchemaElement[] {
  const optional = "OPTIONAL" as const;
  switch (kind) {
    case "string":
      return [
        {
          name,
          type: "BYTE_ARRAY",
          converted_type: "UTF8",
          logical_type: { type: "STRING" },
          repetition_type: optional,
        },
      ];
    case "int":
      return [{ name, type: "INT64", repetition_type: optional }];
    case "double":
      return [{ name, type: "DOUBLE", repetition_type: optional }];
    case "bool":
      return [{ name, type: "BOOLEAN", repetition_type: optional }];
    case "timestamp":
      return [
        {
          name,
          type: "INT64",
          converted_type: "TIMESTAMP_MILLIS",
          logical_type: { type: "TIMESTAMP", isAdjustedToUTC: true, unit: "MILLIS" },
          repetition_type: optional,
        },
      ];
    case "doubleList":
      return [
        {
          name,
          converted_type: "LIST",
          logical_type: { type: "LIST" },
          repetition_type: optional,
          num_children: 1,
        },
        { name: "list", repetition_type: "REPEATED", num_children: 1 },
        { name: "element", type: "DOUBLE", repetition_type: optional },
      ];
    case "json":
      return [
        {
          name,
          type: "BYTE_ARRAY",
          converted_type: "JSON",
          logical_type: { type: "JSON" },
          repetition_type: optional,
        },
      ];
  }
}

/** A Parquet cell in the form hyparquet-writer takes for its column. */
function parquetCell(kind: ColumnKind, cell: unknown): unknown {
  if (cell === null || cell === undefined) return null;
  if (kind === "int") return BigInt(cell as number);
  return cell;
}

/**
 * hyparquet-writer's byte writer, emptied into the sink after each row group (the library calls
 * `flush` then and waits for it), so memory holds one row group, not the file.
 */
class SinkWriter extends ByteWriter {
  constructor(private readonly sink: Writable) {
    super(1 << 20);
  }

  async flush(): Promise<void> {
    if (this.index === 0) return;
    const bytes = Buffer.from(new Uint8Array(this.buffer, 0, this.index));
    this.index = 0;
    await send(this.sink, bytes);
  }

  override finish(): Promise<void> {
    return this.flush();
  }
}

function parquetWriter(
  columns: readonly ColumnSpec[],
  sink: Writable,
  metadata: readonly FileMetadata[],
): RecordWriter {
  const schema: SchemaElement[] = [
    { name: "root", num_children: columns.length },
    ...columns.flatMap(parquetElements),
  ];
  const writer = new ParquetWriter({
    writer: new SinkWriter(sink),
    schema,
    createdBy: "featurestore",
    kvMetadata: metadata.length === 0 ? undefined : [...metadata],
  });
  return {
    async write(rows) {
      if (rows.length === 0) return;
      const columnData = columns.map((column, i) => ({
        name: column.name,
        data: rows.map((row) => parquetCell(column.kind, row[i])),
      }));
      await writer.write({ columnData, rowGroupSize: rows.length });
    },
    async close() {
      await writer.finish();
    },
  };
}
