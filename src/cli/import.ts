import type { Command } from "commander";
import { formatOfPath } from "../files/file-format.js";
import { importFile } from "../files/file-import.js";
import { progressDisplay } from "../files/progress.js";
import { openStore } from "../store/open-store.js";
import { storeUrlOption } from "./store-option.js";

/**
 * `featurestore import --file data.parquet --entity-id-column id [--event-time-column ts]`:
 * imports a CSV, NDJSON or Parquet file of feature values into the store (see `importFile`),
 * with a progress line on a terminal, and prints the report (rows written, skipped and rejected,
 * with row numbers and reasons) as JSON on stdout.
 */
export function addImportCommand(program: Command): Command {
  return program
    .command("import")
    .description("import a file of feature values: one row per entity and instant, one column per feature")
    .requiredOption("--file <path>", "the file: .csv, .ndjson (or .jsonl) or .parquet")
    .requiredOption("--entity-id-column <name>", "the column holding entity ids")
    .option("--event-time-column <name>", "the column holding event times (ISO 8601 or epoch ms); else now")
    .addOption(storeUrlOption())
    .action(
      async (flags: { file: string; entityIdColumn: string; eventTimeColumn?: string; storeUrl: string }) => {
        const format = formatOfPath(flags.file);
        const store = await openStore(flags.storeUrl);
        try {
          const progress = progressDisplay("import");
          const report = await importFile(store, {
            source: { path: flags.file },
            format,
            entityIdColumn: flags.entityIdColumn,
            eventTimeColumn: flags.eventTimeColumn,
            onProgress: (p) => progress.update(p),
          });
          progress.finish({ rows: report.rowsRead, fraction: 1 });
          console.log(JSON.stringify(report, null, 2));
        } finally {
          await store.close();
        }
      },
    );
}
