/**
 * Prints the schema built from the Pothos types to `schema.graphql`, sorted, so that a change
 * to the API shows up as a diff in review. `--check` writes nothing and exits 1 when the
 * checked-in file differs from the code.
 *
 * Usage: `npm run print-schema` / `npm run print-schema -- --check`
 */
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { printSortedSchema } from "../src/graphql/schema/index.js";

const target = fileURLToPath(new URL("../schema.graphql", import.meta.url));
const printed = printSortedSchema();

if (process.argv.includes("--check")) {
  const current = await readFile(target, "utf8").catch(() => "");
  if (current !== printed) {
    console.error("schema.graphql is out of date: run `npm run print-schema`");
    process.exit(1);
  }
  console.log("schema.graphql is up to date");
} else {
  await writeFile(target, printed);
  console.log(`wrote ${target}`);
}
