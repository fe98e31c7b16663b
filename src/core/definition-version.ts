import { encodeValue } from "./codec.js";
import { decodeDefinition, deepFreeze, encodeDefinition } from "./definition.js";
import { IncompatibleChangeError } from "./errors.js";
import type { NormalizedDefinition, StoredGroup } from "./models.js";

/**
 * One version of a feature's definition. Version 1 is the definition as registered; each change
 * of its mutable fields ({@link MUTABLE_FIELDS}) is stored as the next version, and every
 * version stays readable.
 */
export interface DefinitionVersion extends NormalizedDefinition {
  /** 1 for the definition as registered, one more for each change after it. */
  readonly version: number;
  /**
   * When this version came into force, in epoch milliseconds (UTC); `null` for version 1, which
   * is in force from the beginning of time until version 2.
   */
  readonly validFromMs: number | null;
}

/** The fields of a definition a new version may change: none of them changes what a stored value means. */
export const MUTABLE_FIELDS = ["description", "tags", "ttlSeconds", "defaultValue"] as const;

/** The fields no version may change: stored values were checked against them. */
export const IMMUTABLE_FIELDS = ["featureType", "valueType", "dimension"] as const;

/** A field of a feature definition that a version may differ in. */
export type DefinitionField = (typeof MUTABLE_FIELDS)[number] | (typeof IMMUTABLE_FIELDS)[number];

/** How a wanted definition differs from a registered one. */
export interface DefinitionDiff {
  /** Fields a new version may change. */
  readonly mutable: readonly DefinitionField[];
  /** Fields that cannot change under this name. */
  readonly immutable: readonly DefinitionField[];
}

/** The fields in which `wanted` differs from `current` (both normalized). */
export function diffDefinitions(current: NormalizedDefinition, wanted: NormalizedDefinition): DefinitionDiff {
  const differs = (field: DefinitionField): boolean =>
    field === "defaultValue"
      ? encodeValue(current.defaultValue) !== encodeValue(wanted.defaultValue)
      : JSON.stringify(current[field]) !== JSON.stringify(wanted[field]);
  return { mutable: MUTABLE_FIELDS.filter(differs), immutable: IMMUTABLE_FIELDS.filter(differs) };
}

/** Why a feature cannot change these fields, and what to do instead. */
export function featureChangeAdvice(name: string, fields: readonly DefinitionField[]): string {
  return `feature "${name}" cannot change its ${fields.join(", ")}: its stored values were checked against them. Register a new feature name (such as "${name}_v2") and write its values there; only ${MUTABLE_FIELDS.join(", ")} can change under a name`;
}

/** Why a group cannot change its features, and what to do instead. */
export function groupChangeAdvice(name: string): string {
  return `group "${name}" cannot change its features: models reading it expect them. Register a new group name (such as "${name}_v2"); only description and tags can change under a name`;
}

/** The error for a definition change that would make stored values wrong, saying what to do instead. */
export function incompatibleFeatureChange(
  name: string,
  fields: readonly DefinitionField[],
): IncompatibleChangeError {
  return new IncompatibleChangeError(featureChangeAdvice(name, fields), {
    featureName: name,
    fields: [...fields],
  });
}

/** The error for a group whose features would change, saying what to do instead. */
export function incompatibleGroupChange(name: string): IncompatibleChangeError {
  return new IncompatibleChangeError(groupChangeAdvice(name), { groupName: name, fields: ["features"] });
}

/** The error for a group change, or undefined when only description and tags change. */
export function groupChangeError(
  current: StoredGroup,
  wanted: StoredGroup,
): IncompatibleChangeError | undefined {
  return JSON.stringify(current.featureNames) === JSON.stringify(wanted.featureNames)
    ? undefined
    : incompatibleGroupChange(wanted.name);
}

/**
 * The catalog body of a definition version. Version 1's is exactly {@link encodeDefinition}'s,
 * so two processes registering the same definition store the same body; later versions add
 * the instant they came into force.
 */
export function encodeDefinitionVersion(def: NormalizedDefinition, validFromMs: number | null): string {
  const body = encodeDefinition(def);
  return validFromMs === null ? body : `${body.slice(0, -1)},${validFromMs}]`;
}

/**
 * The version stored under `version` with this body (see {@link encodeDefinitionVersion}),
 * frozen: definitions are shared from caches.
 */
export function decodeDefinitionVersion(body: string, version: number): DefinitionVersion {
  const validFromMs = version === 1 ? null : ((JSON.parse(body) as unknown[])[8] as number | undefined);
  return deepFreeze({ ...decodeDefinition(body), version, validFromMs: validFromMs ?? null });
}

/**
 * The version in force at `atMs`: the newest one that came into force at or before it
 * (version 1 is in force from the beginning). `versions` is oldest first and never empty.
 */
export function definitionAt(versions: readonly DefinitionVersion[], atMs: number): DefinitionVersion {
  for (let i = versions.length - 1; i > 0; i--) {
    const candidate = versions[i] as DefinitionVersion;
    if (candidate.validFromMs !== null && candidate.validFromMs <= atMs) return candidate;
  }
  return versions[0] as DefinitionVersion;
}
