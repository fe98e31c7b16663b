import type { Command } from "commander";
import type { ApplyResult } from "../definitions/apply-definitions.js";
import type { DefinitionsFile } from "../definitions/definitions-file.js";
import type { PlanAction, PlanItem } from "../definitions/definitions-plan.js";
import { FeatureService } from "../service.js";
import { openStore } from "../store/open-store.js";
import { storeUrlOption } from "./store-option.js";

/** Exit code of a file that does not parse or fit the schema (a usage error, like a bad flag). */
const EXIT_INVALID_FILE = 2;
/** Exit code of a plan with a conflict: the whole file is refused. */
const EXIT_CONFLICT = 1;

const MARKS: Record<PlanAction, string> = { add: "+", change: "~", unchanged: "=", conflict: "!" };

/** One line of the plan, such as `~ feature clicks_7d: to change (version 1 -> 2): ttlSeconds`. */
function planLine(item: PlanItem): string {
  const head = `  ${MARKS[item.action]} ${item.kind} ${item.name}: `;
  const note = item.reason === undefined ? "" : ` (${item.reason})`;
  switch (item.action) {
    case "add":
      return `${head}to add${note}`;
    case "change":
      return `${head}to change (version ${item.currentVersion} -> ${(item.currentVersion ?? 0) + 1})${
        item.fields.length > 0 ? `: ${item.fields.join(", ")}` : ""
      }${note}`;
    case "unchanged":
      return `${head}unchanged (version ${item.currentVersion})`;
    case "conflict":
      return `${head}CONFLICT: ${item.reason}`;
  }
}

/** The plan and its outcome as text, for a person at a terminal. */
function report(file: string, result: ApplyResult, dryRun: boolean): string[] {
  const { items, summary } = result.plan;
  const lines = [`Plan for ${file}:`, ...items.map(planLine)];
  if (items.length === 0) lines.push("  (the file declares nothing)");
  lines.push(
    `${summary.add} to add, ${summary.change} to change, ${summary.unchanged} unchanged, ${summary.conflict} conflicting.`,
  );
  if (result.refused) {
    lines.push(
      `Refused: ${summary.conflict} conflict${summary.conflict === 1 ? "" : "s"}, so nothing was changed. Do what each CONFLICT line says, then run again.`,
    );
  } else if (dryRun) lines.push("Dry run: nothing was changed.");
  else if (result.applied) {
    lines.push(
      `Applied.${result.transforms.map((t) => ` Transform ${t.transform.name}@${t.transform.version}${t.created ? " registered" : " unchanged"}.`).join("")}`,
    );
  } else lines.push("Nothing to do.");
  return lines;
}

/**
 * Adds `featurestore apply FILE` (definitions as code: features, groups and transforms declared
 * in a YAML or JSON file, applied idempotently) and `featurestore plan FILE` (the same, changing
 * nothing). Both print the plan first; `--json` prints it as one JSON document for CI.
 * Exit codes: 0 applied or nothing to do; 1 refused for a conflict (nothing changed); 2 a file
 * that does not parse or fit the schema, each problem listed with its line.
 */
export function addApplyCommands(program: Command): void {
  for (const name of ["apply", "plan"] as const) {
    const command = program
      .command(`${name} <file>`)
      .description(
        name === "apply"
          ? "apply a file of feature, group and transform definitions (YAML or JSON): prints the plan, then adds and changes what it says, or refuses the whole file on a conflict"
          : "print what `apply` would do with a definitions file, changing nothing",
      )
      .option("--json", "print the plan (and the outcome) as JSON, for CI pipelines");
    if (name === "apply")
      command.option("--dry-run", "print the plan and change nothing (the same as `plan`)");
    command
      .addOption(storeUrlOption())
      .action(async (file: string, flags: { json?: boolean; dryRun?: boolean; storeUrl: string }) => {
        const dryRun = name === "plan" || flags.dryRun === true;
        process.exitCode = await runApply(file, {
          dryRun,
          json: flags.json === true,
          storeUrl: flags.storeUrl,
        });
      });
  }
}

async function runApply(
  file: string,
  options: { dryRun: boolean; json: boolean; storeUrl: string },
): Promise<number> {
  // Loaded here, not with the program: the YAML parser and the schema validator take a
  // noticeable part of a second to load, which no other command should pay.
  const { DefinitionsFileError, describeProblem, readDefinitionsFile } = await import(
    "../definitions/definitions-file.js"
  );
  const { applyDefinitions } = await import("../definitions/apply-definitions.js");
  let definitions: DefinitionsFile;
  try {
    definitions = await readDefinitionsFile(file);
  } catch (err) {
    if (!(err instanceof DefinitionsFileError)) throw err;
    if (options.json) {
      console.log(JSON.stringify({ file, valid: false, problems: err.problems }, null, 2));
    } else {
      console.error(`featurestore: ${file} is not a valid definitions file (nothing was changed):`);
      for (const problem of err.problems) console.error(`  ${describeProblem(file, problem)}`);
    }
    return EXIT_INVALID_FILE;
  }
  const store = await openStore(options.storeUrl);
  try {
    const result = await applyDefinitions(new FeatureService(store), definitions, { dryRun: options.dryRun });
    if (options.json) {
      console.log(
        JSON.stringify(
          {
            file,
            valid: true,
            dryRun: options.dryRun,
            refused: result.refused,
            applied: result.applied,
            summary: result.plan.summary,
            items: result.plan.items,
            transforms: result.transforms.map((t) => ({
              reference: `${t.transform.name}@${t.transform.version}`,
              created: t.created,
            })),
          },
          null,
          2,
        ),
      );
    } else {
      for (const line of report(file, result, options.dryRun)) console.log(line);
    }
    return result.refused ? EXIT_CONFLICT : 0;
  } finally {
    await store.close();
  }
}
