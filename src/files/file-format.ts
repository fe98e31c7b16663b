import { ValidationError } from "../core/errors.js";

/** The file formats training sets and imports read and write. */
export type FileFormat = "csv" | "ndjson" | "parquet";

/** Every file format, for messages and argument parsers. */
export const FILE_FORMATS: readonly FileFormat[] = ["csv", "ndjson", "parquet"];

/** The media type each format is sent with over HTTP. */
export const MEDIA_TYPES: Readonly<Record<FileFormat, string>> = {
  csv: "text/csv; charset=utf-8",
  ndjson: "application/x-ndjson",
  parquet: "application/vnd.apache.parquet",
};

/**
 * The format a file name says by its extension (`.csv`, `.ndjson` or `.jsonl`, `.parquet`).
 * @throws ValidationError for any other name.
 */
export function formatOfPath(path: string): FileFormat {
  const extension = /\.([A-Za-z]+)$/.exec(path)?.[1]?.toLowerCase();
  if (extension === "csv") return "csv";
  if (extension === "ndjson" || extension === "jsonl") return "ndjson";
  if (extension === "parquet") return "parquet";
  throw new ValidationError(`cannot tell the format of ${path}: name it .csv, .ndjson, .jsonl or .parquet`);
}

/**
 * The format a media type names (`text/csv`, `application/x-ndjson` or `application/jsonl`,
 * `application/vnd.apache.parquet` or `application/x-parquet`), or a plain format name.
 * @throws ValidationError for anything else.
 */
export function formatOfMediaType(mediaType: string): FileFormat {
  const type = mediaType.split(";")[0]?.trim().toLowerCase() ?? "";
  if (type === "text/csv" || type === "csv") return "csv";
  if (["application/x-ndjson", "application/ndjson", "application/jsonl", "ndjson", "jsonl"].includes(type)) {
    return "ndjson";
  }
  if (["application/vnd.apache.parquet", "application/x-parquet", "parquet"].includes(type)) return "parquet";
  throw new ValidationError(
    `unsupported file type "${mediaType.slice(0, 80)}": use ${Object.values(MEDIA_TYPES).join(", ")}`,
  );
}
