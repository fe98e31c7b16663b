import { decodeValue, encodeValue } from "./codec.js";
import { FEATURE_TYPES, FeatureType, VALUE_TYPES, ValueType } from "./enums.js";
import { ValidationError } from "./errors.js";
import type { FeatureDefinition, FeatureGroup, NormalizedDefinition, StoredGroup } from "./models.js";

const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/;
const MAX_ENTITY_ID_LENGTH = 512;

/** The value types each feature type admits; a type not listed here admits every value type. */
const ALLOWED_VALUE_TYPES: Partial<Record<FeatureType, readonly ValueType[]>> = {
  [FeatureType.NUMERIC]: [ValueType.INT, ValueType.FLOAT],
  [FeatureType.EMBEDDING]: [ValueType.LIST],
  [FeatureType.BOOLEAN]: [ValueType.BOOL],
  [FeatureType.TIMESTAMP]: [ValueType.INT, ValueType.STRING],
};

/**
 * Checks a feature or group name.
 * @throws ValidationError when it is not 1-128 characters of letters, digits, `_ . - :`
 * starting with a letter or `_`.
 */
export function checkName(name: unknown, what = "feature"): string {
  if (typeof name !== "string" || !NAME_PATTERN.test(name)) {
    throw new ValidationError(
      `invalid ${what} name ${JSON.stringify(name)}: use 1-128 letters, digits, "_", ".", "-" or ":", starting with a letter or "_"`,
      { name: String(name) },
    );
  }
  return name;
}

/**
 * Checks an entity id: a non-empty, well-formed Unicode string of at most 512 characters without
 * NUL (every backend must store it exactly, and PostgreSQL text cannot hold NUL).
 * @throws ValidationError otherwise.
 */
export function checkEntityId(entityId: unknown): string {
  if (
    typeof entityId !== "string" ||
    entityId.length === 0 ||
    entityId.length > MAX_ENTITY_ID_LENGTH ||
    entityId.includes("\u0000") ||
    !entityId.isWellFormed()
  ) {
    throw new ValidationError(
      `invalid entity id: expected a non-empty string of at most ${MAX_ENTITY_ID_LENGTH} characters, without NUL or lone surrogates`,
      {
        entityId: String(entityId).slice(0, 80),
      },
    );
  }
  return entityId;
}

function checkTags(tags: unknown, owner: string): string[] {
  if (tags === undefined || tags === null) return [];
  if (!Array.isArray(tags) || !tags.every((t) => typeof t === "string" && t.length > 0 && t.length <= 128)) {
    throw new ValidationError(`invalid tags for "${owner}": expected a list of non-empty strings`, {
      name: owner,
    });
  }
  return [...new Set(tags as string[])].sort();
}

function checkDescription(description: unknown, owner: string): string | null {
  if (description === undefined || description === null) return null;
  if (typeof description !== "string") {
    throw new ValidationError(`invalid description for "${owner}": expected a string`, { name: owner });
  }
  return description;
}

function checkPositiveInt(value: unknown, field: string, owner: string): number | null {
  if (value === undefined || value === null) return null;
  if (!Number.isSafeInteger(value) || (value as number) <= 0) {
    throw new ValidationError(`invalid ${field} for "${owner}": expected a positive integer`, {
      name: owner,
    });
  }
  return value as number;
}

/**
 * Validates a definition and fills in its optional fields, so that two definitions can be
 * compared with {@link sameDefinition}. The default value is checked later, by the codec.
 * @throws ValidationError naming the field that is wrong.
 */
export function normalizeDefinition(input: FeatureDefinition): Omit<NormalizedDefinition, "defaultValue"> & {
  defaultValue: unknown;
} {
  if (input === null || typeof input !== "object")
    throw new ValidationError("a feature definition must be an object");
  const name = checkName(input.name);
  if (!FEATURE_TYPES.includes(input.featureType)) {
    throw new ValidationError(
      `invalid featureType for "${name}": expected one of ${FEATURE_TYPES.join(", ")}`,
      { name },
    );
  }
  if (!VALUE_TYPES.includes(input.valueType)) {
    throw new ValidationError(`invalid valueType for "${name}": expected one of ${VALUE_TYPES.join(", ")}`, {
      name,
    });
  }
  const allowed = ALLOWED_VALUE_TYPES[input.featureType];
  if (allowed && !allowed.includes(input.valueType)) {
    throw new ValidationError(
      `a ${input.featureType} feature needs valueType ${allowed.join(" or ")}, not ${input.valueType} ("${name}")`,
      { name },
    );
  }
  const dimension = checkPositiveInt(input.dimension, "dimension", name);
  if (dimension !== null && input.featureType !== FeatureType.EMBEDDING) {
    throw new ValidationError(`dimension applies to EMBEDDING features only ("${name}")`, { name });
  }
  return {
    name,
    featureType: input.featureType,
    valueType: input.valueType,
    defaultValue: input.defaultValue ?? null,
    tags: checkTags(input.tags, name),
    ttlSeconds: checkPositiveInt(input.ttlSeconds, "ttlSeconds", name),
    description: checkDescription(input.description, name),
    dimension,
  };
}

/** True when two normalized definitions are the same in every field. */
export function sameDefinition(a: NormalizedDefinition, b: NormalizedDefinition): boolean {
  return encodeDefinition(a) === encodeDefinition(b);
}

/** The text a backend stores for a definition (fixed field order; the default encoded by the codec). */
export function encodeDefinition(def: NormalizedDefinition): string {
  return JSON.stringify([
    def.name,
    def.featureType,
    def.valueType,
    encodeValue(def.defaultValue),
    def.tags,
    def.ttlSeconds,
    def.description,
    def.dimension,
  ]);
}

/** Reads back what {@link encodeDefinition} wrote. */
export function decodeDefinition(text: string): NormalizedDefinition {
  const [name, featureType, valueType, defaultValue, tags, ttlSeconds, description, dimension] =
    JSON.parse(text);
  return {
    name,
    featureType,
    valueType,
    defaultValue: decodeValue(defaultValue),
    tags,
    ttlSeconds,
    description,
    dimension,
  };
}

/** True when two stored groups are the same in every field. */
export function sameGroup(a: StoredGroup, b: StoredGroup): boolean {
  return encodeGroup(a) === encodeGroup(b);
}

/** The text a backend stores for a group. */
export function encodeGroup(group: StoredGroup): string {
  return JSON.stringify([group.name, group.featureNames, group.description, group.tags]);
}

/** Reads back what {@link encodeGroup} wrote. */
export function decodeGroup(text: string): StoredGroup {
  const [name, featureNames, description, tags] = JSON.parse(text);
  return { name, featureNames, description, tags };
}

/**
 * Validates a group and returns its stored form (features by name) with the definitions to register.
 * @throws ValidationError when the group is malformed or names a feature twice.
 */
export function normalizeGroup(group: FeatureGroup): { stored: StoredGroup; features: FeatureDefinition[] } {
  if (group === null || typeof group !== "object")
    throw new ValidationError("a feature group must be an object");
  const name = checkName(group.name, "group");
  if (!Array.isArray(group.features) || group.features.length === 0) {
    throw new ValidationError(`group "${name}" needs at least one feature`, { groupName: name });
  }
  const featureNames = group.features.map((f) => checkName(f?.name));
  const duplicate = featureNames.find((n, i) => featureNames.indexOf(n) !== i);
  if (duplicate)
    throw new ValidationError(`group "${name}" lists feature "${duplicate}" twice`, { groupName: name });
  return {
    stored: {
      name,
      featureNames,
      description: checkDescription(group.description, name),
      tags: checkTags(group.tags, name),
    },
    features: group.features,
  };
}
