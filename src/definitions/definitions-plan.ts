import { checkDefinition, encodeDefinition, encodeGroup, normalizeStoredGroup } from "../core/definition.js";
import { diffDefinitions, featureChangeAdvice, groupChangeAdvice } from "../core/definition-version.js";
import { FeatureNotFoundError, FeatureStoreError } from "../core/errors.js";
import type { FeatureDefinition, NormalizedDefinition, StoredGroup } from "../core/models.js";
import type { FeatureService } from "../service.js";
import type { TransformDeclaration } from "../transforms/transform-model.js";
import type { DefinitionsFile } from "./definitions-file.js";

/** What applying a file does to one declared feature, group or transform. */
export type PlanAction = "add" | "change" | "unchanged" | "conflict";

/** One declared feature, group or transform, and what applying the file does to it. */
export interface PlanItem {
  readonly kind: "feature" | "group" | "transform";
  readonly name: string;
  readonly action: PlanAction;
  /** The newest version registered now; `null` when the name is not registered. */
  readonly currentVersion: number | null;
  /** For `change`: the fields that change; for `conflict`: the fields that cannot (when that is why). */
  readonly fields: readonly string[];
  /** For `conflict`: why, and what to do instead; otherwise a note, when there is one. */
  readonly reason?: string;
}

/** What applying a definitions file does, item by item, before anything is changed. */
export interface DefinitionsPlan {
  /** Features, then groups, then transforms, each in file order. */
  readonly items: readonly PlanItem[];
  /** How many items take each action. */
  readonly summary: Readonly<Record<PlanAction, number>>;
  /** The checked features and groups to save, and the transforms to register, when applied. */
  readonly changes: {
    readonly features: readonly NormalizedDefinition[];
    readonly groups: readonly StoredGroup[];
    readonly transforms: readonly TransformDeclaration[];
  };
}

/**
 * Compares a definitions file with what the store holds, changing nothing: each feature, group
 * and transform is to add, to change (a new definition version), unchanged, or conflicting (a
 * change that is not allowed, or a declaration that is not valid, with what to do instead).
 */
export async function planDefinitions(
  service: FeatureService,
  file: DefinitionsFile,
): Promise<DefinitionsPlan> {
  const items: PlanItem[] = [];
  const features = await planFeatures(service, file, items);
  const groups = await planGroups(service, file, features, items);
  const transforms = await planTransforms(service, file, features, items);
  const summary: Record<PlanAction, number> = { add: 0, change: 0, unchanged: 0, conflict: 0 };
  for (const item of items) summary[item.action]++;
  return {
    items,
    summary,
    changes: { features: [...features.values()].flatMap((f) => (f.save ? [f.def] : [])), groups, transforms },
  };
}

/** A declared feature after planning: its checked definition, and whether applying saves it. */
interface PlannedFeature {
  readonly def: NormalizedDefinition;
  /** True when it is added now (it has no stored values yet). */
  readonly added: boolean;
  readonly save: boolean;
}

function conflict(
  kind: PlanItem["kind"],
  name: string,
  currentVersion: number | null,
  reason: string,
  fields: string[] = [],
): PlanItem {
  return { kind, name, action: "conflict", currentVersion, fields, reason };
}

function messageOf(err: unknown): string {
  if (err instanceof FeatureStoreError) return err.message;
  throw err;
}

async function planFeatures(
  service: FeatureService,
  file: DefinitionsFile,
  items: PlanItem[],
): Promise<Map<string, PlannedFeature>> {
  const declared = new Map<string, FeatureDefinition>();
  const refused = new Set<string>();
  const all = [
    ...(file.features ?? []),
    ...(file.groups ?? []).flatMap((g) =>
      g.features.filter((f): f is FeatureDefinition => typeof f === "object"),
    ),
  ];
  const checked = new Map<string, NormalizedDefinition>();
  for (const def of all) {
    const earlier = declared.get(def.name);
    if (earlier === undefined) {
      declared.set(def.name, def);
      continue;
    }
    const same = (() => {
      try {
        return encodeDefinition(checkDefinition(earlier)) === encodeDefinition(checkDefinition(def));
      } catch {
        return false;
      }
    })();
    if (!same && !refused.has(def.name)) {
      refused.add(def.name);
      items.push(
        conflict(
          "feature",
          def.name,
          null,
          `feature "${def.name}" is declared twice, differently: declare it once`,
        ),
      );
    }
  }
  const names = [...declared.keys()].filter((n) => !refused.has(n));
  const current = await service.getDefinitions(names);
  const planned = new Map<string, PlannedFeature>();
  names.forEach((name, i) => {
    const stored = current[i] ?? null;
    const currentVersion = stored?.version ?? null;
    let def: NormalizedDefinition;
    try {
      def = checkDefinition(declared.get(name) as FeatureDefinition);
    } catch (err) {
      items.push(conflict("feature", name, currentVersion, messageOf(err)));
      return;
    }
    checked.set(name, def);
    if (!stored) {
      items.push({ kind: "feature", name, action: "add", currentVersion, fields: [] });
      planned.set(name, { def, added: true, save: true });
      return;
    }
    const diff = diffDefinitions(stored, def);
    if (diff.immutable.length > 0) {
      items.push(
        conflict("feature", name, currentVersion, featureChangeAdvice(name, diff.immutable), [
          ...diff.immutable,
        ]),
      );
    } else if (diff.mutable.length > 0) {
      items.push({ kind: "feature", name, action: "change", currentVersion, fields: diff.mutable });
      planned.set(name, { def, added: false, save: true });
    } else {
      items.push({ kind: "feature", name, action: "unchanged", currentVersion, fields: [] });
      planned.set(name, { def, added: false, save: false });
    }
  });
  return planned;
}

async function planGroups(
  service: FeatureService,
  file: DefinitionsFile,
  features: ReadonlyMap<string, PlannedFeature>,
  items: PlanItem[],
): Promise<StoredGroup[]> {
  const declared = file.groups ?? [];
  const stored = new Map(
    (await service.store.catalog.latest("group", [...new Set(declared.map((g) => g.name))])).map((r) => [
      r.name,
      r.version,
    ]),
  );
  const current = await service.getGroups(declared.map((g) => g.name));
  const seen = new Set<string>();
  const toSave: StoredGroup[] = [];
  const featureNames = declared.flatMap((g) => g.features.map((f) => (typeof f === "string" ? f : f.name)));
  const registered = await service.getDefinitions(featureNames.filter((n) => !features.has(n)));
  // A feature declared in the file counts as known even when it conflicts: its own item says so.
  const inFile = [
    ...(file.features ?? []).map((f) => f.name),
    ...declared.flatMap((g) => g.features.flatMap((f) => (typeof f === "object" ? [f.name] : []))),
  ];
  const known = new Set([...features.keys(), ...inFile, ...registered.flatMap((d) => (d ? [d.name] : []))]);
  declared.forEach((input, i) => {
    const currentVersion = stored.get(input.name) ?? null;
    if (seen.has(input.name)) {
      items.push(
        conflict(
          "group",
          input.name,
          currentVersion,
          `group "${input.name}" is declared twice: declare it once`,
        ),
      );
      return;
    }
    seen.add(input.name);
    let group: StoredGroup;
    try {
      group = normalizeStoredGroup({
        name: input.name,
        featureNames: input.features.map((f) => (typeof f === "string" ? f : f.name)),
        description: input.description ?? null,
        tags: input.tags ?? [],
      });
    } catch (err) {
      items.push(conflict("group", input.name, currentVersion, messageOf(err)));
      return;
    }
    const unknown = group.featureNames.find((n) => !known.has(n));
    if (unknown !== undefined) {
      items.push(
        conflict(
          "group",
          group.name,
          currentVersion,
          `feature "${unknown}" of group "${group.name}" is neither registered nor declared in the file: declare it under features`,
        ),
      );
      return;
    }
    const now = current[i];
    if (!now) {
      items.push({ kind: "group", name: group.name, action: "add", currentVersion, fields: [] });
      toSave.push(group);
    } else if (JSON.stringify(now.featureNames) !== JSON.stringify(group.featureNames)) {
      items.push(conflict("group", group.name, currentVersion, groupChangeAdvice(group.name), ["features"]));
    } else if (encodeGroup(now) !== encodeGroup(group)) {
      const fields = (["description", "tags"] as const).filter(
        (f) => JSON.stringify(now[f]) !== JSON.stringify(group[f]),
      );
      items.push({ kind: "group", name: group.name, action: "change", currentVersion, fields });
      toSave.push(group);
    } else {
      items.push({ kind: "group", name: group.name, action: "unchanged", currentVersion, fields: [] });
    }
  });
  return toSave;
}

async function planTransforms(
  service: FeatureService,
  file: DefinitionsFile,
  features: ReadonlyMap<string, PlannedFeature>,
  items: PlanItem[],
): Promise<TransformDeclaration[]> {
  const toRegister: TransformDeclaration[] = [];
  const seen = new Set<string>();
  for (const declaration of file.transforms ?? []) {
    const name = declaration.name;
    if (seen.has(name)) {
      items.push(conflict("transform", name, null, `transform "${name}" is declared twice: declare it once`));
      continue;
    }
    seen.add(name);
    const newest = await service.getTransform(name);
    const currentVersion = newest?.version ?? null;
    try {
      const preview = await service.transforms.preview(declaration);
      if (preview.unchanged) {
        items.push({ kind: "transform", name, action: "unchanged", currentVersion, fields: [] });
      } else {
        items.push({
          kind: "transform",
          name,
          action: newest ? "change" : "add",
          currentVersion,
          fields: [],
        });
        toRegister.push(declaration);
      }
    } catch (err) {
      // A transform over features this file adds can only be checked and fitted once they are.
      if (err instanceof FeatureNotFoundError && features.get(String(err.details.featureName))?.added) {
        items.push({
          kind: "transform",
          name,
          action: newest ? "change" : "add",
          currentVersion,
          fields: [],
          reason: `checked and fitted when applied, after the features it reads are registered`,
        });
        toRegister.push(declaration);
      } else {
        items.push(conflict("transform", name, currentVersion, messageOf(err)));
      }
    }
  }
  return toRegister;
}
