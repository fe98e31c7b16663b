import type { FeatureService } from "../service.js";
import type { TransformRegistration } from "../transforms/transform-catalog.js";
import type { DefinitionsFile } from "./definitions-file.js";
import { type DefinitionsPlan, planDefinitions } from "./definitions-plan.js";

/** Options of {@link applyDefinitions}. */
export interface ApplyOptions {
  /** Plan only: change nothing. */
  readonly dryRun?: boolean;
}

/** What {@link applyDefinitions} did. */
export interface ApplyResult {
  /** The plan, made before anything changed. */
  readonly plan: DefinitionsPlan;
  /** True when the plan had conflicts, so nothing was changed. */
  readonly refused: boolean;
  /** True when something was changed (false for a dry run, a refusal, or nothing to do). */
  readonly applied: boolean;
  /** The transforms registered, in file order. */
  readonly transforms: readonly TransformRegistration[];
}

/**
 * Applies a definitions file idempotently: plans it (see {@link planDefinitions}); refuses the
 * whole file, changing nothing, when any item conflicts; otherwise saves every new or changed
 * feature and group in one atomic step (`FeatureStore.saveDefinitions`), then registers the
 * new or changed transforms (which read the features' definitions and values, so come after).
 * A second application of the same file has nothing to do.
 *
 * @example
 * ```ts
 * const result = await applyDefinitions(service, await readDefinitionsFile("definitions.yaml"));
 * if (result.refused) console.error(result.plan.items.filter((i) => i.action === "conflict"));
 * ```
 */
export async function applyDefinitions(
  service: FeatureService,
  file: DefinitionsFile,
  options: ApplyOptions = {},
): Promise<ApplyResult> {
  const plan = await planDefinitions(service, file);
  const refused = plan.summary.conflict > 0;
  const { features, groups, transforms } = plan.changes;
  if (refused || options.dryRun || features.length + groups.length + transforms.length === 0) {
    return { plan, refused, applied: false, transforms: [] };
  }
  if (features.length + groups.length > 0) await service.store.saveDefinitions({ features, groups });
  const registered: TransformRegistration[] = [];
  for (const declaration of transforms) registered.push(await service.registerTransform(declaration));
  return { plan, refused, applied: true, transforms: registered };
}
