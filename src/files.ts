/**
 * Training data as files (`featurestore/files`): point-in-time training sets from files of entity
 * rows, and imports of feature records, in CSV, NDJSON or Parquet, streamed. Kept apart from the
 * library entry so that using the store alone does not load the CSV and Parquet libraries.
 */
export type { FileFormat } from "./files/file-format.js";
export { FILE_FORMATS, formatOfMediaType, formatOfPath, MEDIA_TYPES } from "./files/file-format.js";
export type { ImportOptions, ImportProblem, ImportReport } from "./files/file-import.js";
export { importFile } from "./files/file-import.js";
export type { ProgressDisplay, ProgressReport } from "./files/progress.js";
export { progressDisplay } from "./files/progress.js";
export type { RecordSource } from "./files/record-reader.js";
export type { TrainingSetExportOptions, TrainingSetExportReport } from "./files/training-set-export.js";
export {
  COLUMNS_METADATA_KEY,
  exportTrainingSet,
  TRANSFORM_METADATA_KEY,
} from "./files/training-set-export.js";
