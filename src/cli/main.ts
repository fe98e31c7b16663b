#!/usr/bin/env node
/**
 * The `featurestore` command: the package's `bin`, and what `npm start` runs. Whatever stops it
 * from starting (a bad flag or variable, a store it cannot open, a port in use) is one line on
 * stderr, `featurestore: ...`, and a non-zero exit: 2 for a usage or configuration error, 1 for
 * anything else.
 */
import { CommanderError } from "commander";
import { FeatureStoreError } from "../core/errors.js";
import { logger } from "../core/logger.js";
import { createProgram } from "./program.js";

function oneLine(message: string): string {
  return message.replace(/^error: /, "").replace(/\s*\n\s*/g, " ");
}

/** Says why the command failed, on one line, and returns its exit code. */
function reportFailure(err: unknown): number {
  if (err instanceof CommanderError) {
    // --help and --version end this way too, having printed what was asked.
    if (err.exitCode === 0) return 0;
    console.error(`featurestore: ${oneLine(err.message)}`);
    return 2;
  }
  // The whole error, stack included, for whoever runs at debug level.
  logger.debug({ err }, "the command failed");
  console.error(`featurestore: ${oneLine(err instanceof Error ? err.message : String(err))}`);
  return err instanceof FeatureStoreError && err.code === "INVALID_CONFIG" ? 2 : 1;
}

try {
  await createProgram().parseAsync(process.argv);
} catch (err) {
  process.exitCode = reportFailure(err);
}
