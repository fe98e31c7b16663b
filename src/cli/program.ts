import { readFileSync } from "node:fs";
import { Command } from "commander";
import { addApplyCommands } from "./apply.js";
import { addImportCommand } from "./import.js";
import { addServeCommand } from "./serve.js";
import { addTrainingSetCommand } from "./training-set.js";

/** The package's version, from the package.json two levels up (from `src/cli/` or `dist/cli/`). */
function packageVersion(): string {
  const manifest = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8")) as {
    version: string;
  };
  return manifest.version;
}

/**
 * The `featurestore` command and its subcommands, one module each (`serve.ts`, `import.ts`, `training-set.ts`, `apply.ts`). `serve` is
 * the default, so `featurestore --port 0` serves. Commander throws instead of exiting (the
 * caller reports the error on one line) and prints no error itself.
 */
export function createProgram(): Command {
  const program = new Command("featurestore")
    .description("A typed, versioned feature store for ML serving and training, served as a GraphQL API.")
    .version(packageVersion())
    .exitOverride()
    .configureOutput({ outputError: () => {} });
  addServeCommand(program, { isDefault: true });
  addImportCommand(program);
  addTrainingSetCommand(program);
  addApplyCommands(program);
  return program;
}
