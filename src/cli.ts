#!/usr/bin/env node
/**
 * The command line: `npm start` runs it. Configuration comes from the environment and flags
 * (`--help` lists them); SIGTERM or SIGINT stops the server gracefully.
 */
import { FeatureStoreError } from "./core/errors.js";
import { logger } from "./core/logger.js";
import { runServer } from "./server.js";
import { configHelp, readServerConfig } from "./server-config.js";

const args = process.argv.slice(2);
if (args.includes("--help") || args.includes("-h")) {
  console.log(configHelp());
} else {
  try {
    await runServer(readServerConfig(process.env, args));
  } catch (err) {
    if (err instanceof FeatureStoreError) {
      // Already logged where it was raised; say it plainly on the terminal too.
      console.error(`featurestore: ${err.message}`);
      process.exitCode = err.code === "INVALID_CONFIG" ? 2 : 1;
    } else {
      logger.fatal({ err }, "the server could not start");
      process.exitCode = 1;
    }
  }
}
