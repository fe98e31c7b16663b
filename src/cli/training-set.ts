import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { finished } from "node:stream/promises";
import type { Command } from "commander";
import { formatOfPath } from "../files/file-format.js";
import { progressDisplay } from "../files/progress.js";
import { exportTrainingSet } from "../files/training-set-export.js";
import { FeatureService } from "../service.js";
import { openStore } from "../store/open-store.js";
import type { CompiledTransform } from "../transforms/compiled-transform.js";
import { storeUrlOption } from "./store-option.js";

interface TrainingSetFlags {
  rows: string;
  features: string;
  out: string;
  eventTimes?: boolean;
  transform?: string;
  entityIdColumn: string;
  timestampColumn: string;
  storeUrl: string;
}

/**
 * `featurestore training-set --rows rows.parquet --features age,country --out train.parquet`:
 * builds a point-in-time training set from a file of entity rows into a file (see
 * `exportTrainingSet`), formats by extension, with a progress line (rows, rows/s, ETA) on a
 * terminal, then the report (`{ rows, transform }`) as JSON on stdout. With `--transform
 * name@version` (or `name` for its newest version) every row goes through that stored
 * transform, as serving applies it; its derived features are columns. A failure removes the
 * partial output file.
 */
export function addTrainingSetCommand(program: Command): Command {
  return program
    .command("training-set")
    .description("join a file of entity rows point in time with features, into a file")
    .requiredOption("--rows <path>", "entity rows: .csv, .ndjson (or .jsonl) or .parquet")
    .requiredOption("--features <names>", "the features, comma-separated")
    .requiredOption("--out <path>", "where the training set goes: .csv, .ndjson (or .jsonl) or .parquet")
    .option("--event-times", "add a <feature>__event_time column per feature")
    .option(
      "--transform <reference>",
      "read every row through a stored transform: name@version, or name for its newest version",
    )
    .option("--entity-id-column <name>", "the entity id column, in and out", "entity_id")
    .option("--timestamp-column <name>", "the timestamp column, in and out", "timestamp")
    .addOption(storeUrlOption())
    .action(async (flags: TrainingSetFlags) => {
      const rowsFormat = formatOfPath(flags.rows);
      const outFormat = formatOfPath(flags.out);
      const featureNames = flags.features.split(",").map((name) => name.trim());
      const store = await openStore(flags.storeUrl);
      const service = new FeatureService(store);
      let transform: CompiledTransform | undefined;
      try {
        // Checked before the output is opened: a refused transform leaves a file already there alone.
        transform = await service.trainingTransform(flags.transform, featureNames);
      } catch (err) {
        await store.close();
        throw err;
      }
      const out = createWriteStream(flags.out);
      try {
        const progress = progressDisplay("training set");
        const report = await exportTrainingSet(service, {
          rows: { path: flags.rows },
          rowsFormat,
          featureNames,
          out,
          outFormat,
          entityIdColumn: flags.entityIdColumn,
          timestampColumn: flags.timestampColumn,
          includeEventTimes: flags.eventTimes === true,
          transform: transform?.reference ?? false,
          onProgress: (p) => progress.update(p),
        });
        out.end();
        await finished(out);
        progress.finish({ rows: report.rows, fraction: 1 });
        console.log(JSON.stringify(report));
      } catch (err) {
        out.destroy();
        await rm(flags.out, { force: true });
        throw err;
      } finally {
        await store.close();
      }
    });
}
