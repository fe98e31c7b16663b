import { checkValue, decodeValue, encodeValue } from "./codec.js";
import { FEATURE_TYPES, FeatureType, VALUE_TYPES, ValueType } from "./enums.js";
import { ValidationError } from "./errors.js";
import type {
  FeatureData,
  FeatureDefinition,
  FeatureGroup,
  NormalizedDefinition,
  StoredGroup,
} from "./models.js";
import { setOwn } from "./own-property.js";
import { showValue } from "./show-value.js";

const NAME_PATTERN = /^[A-Za-z_][A-Za-z0-9_.:-]{0,127}$/;
/** The longest entity id, in UTF-16 code units: long enough for any key, short enough to index. */
export const MAX_ENTITY_ID_LENGTH = 512;

/** The value types each feature type admits; a type not listed here admits every value type. */
const ALLOWED_VALUE_TYPES: Partial<Record<FeatureType, readonly ValueType[]>> = {
  [FeatureType.NUMERIC]: [ValueType.INT, ValueType.FLOAT],
  [FeatureType.EMBEDDING]: [ValueType.LIST],
  [FeatureType.BOOLEAN]: [ValueType.BOOL],
  [FeatureType.TIMESTAMP]: [ValueType.INT, ValueType.STRING],
};

/**
 * True when `name` can be a feature or group name: 1-128 letters, digits, `_ . - :`, starting
 * with a letter or `_`, and not `__proto__` (which a plain object would take for its prototype).
 */
export function isValidName(name: unknown): name is string {
  return typeof name === "string" && NAME_PATTERN.test(name) && name !== "__proto__";
}

/**
 * Checks a feature or group name (see {@link isValidName}).
 * @throws ValidationError when it is not valid.
 */
export function checkName(name: unknown, what = "feature"): string {
  if (!isValidName(name)) {
    throw new ValidationError(
      `invalid ${what} name ${showValue(name)}: use 1-128 letters, digits, "_", ".", "-" or ":", starting with a letter or "_" (not "__proto__")`,
      { name: showValue(name) },
    );
  }
  return name;
}

/**
 * Whether an id is one every backend can store: a non-empty string of at most
 * {@link MAX_ENTITY_ID_LENGTH} characters, without NUL or lone surrogates. For callers that
 * check many ids and report failures their own way (a training set names the row).
 */
export function isValidEntityId(entityId: unknown): entityId is string {
  return (
    typeof entityId === "string" &&
    entityId.length > 0 &&
    entityId.length <= MAX_ENTITY_ID_LENGTH &&
    !entityId.includes("\u0000") &&
    entityId.isWellFormed()
  );
}

/**
 * Checks an entity id: a non-empty, well-formed Unicode string of at most 512 characters without
 * NUL (every backend must store it exactly, and PostgreSQL text cannot hold NUL).
 * @throws ValidationError otherwise.
 */
export function checkEntityId(entityId: unknown): string {
  if (!isValidEntityId(entityId)) {
    throw new ValidationError(
      `invalid entity id: expected a non-empty string of at most ${MAX_ENTITY_ID_LENGTH} characters, without NUL or lone surrogates`,
      {
        entityId: typeof entityId === "string" ? entityId.slice(0, 80) : showValue(entityId),
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

/**
 * Checks a definition completely, its default against its value type too, and returns it
 * normalized and frozen: what the store registers.
 * @throws ValidationError naming the field that is wrong.
 */
export function checkDefinition(definition: FeatureDefinition): NormalizedDefinition {
  const shaped = normalizeDefinition(definition);
  const defaultValue =
    shaped.defaultValue === null ? null : checkValue({ ...shaped, defaultValue: null }, shaped.defaultValue);
  return deepFreeze({ ...shaped, defaultValue: canonicalValue(defaultValue) });
}

/**
 * The value with every object's keys sorted, so that a definition's encoding is canonical: two
 * defaults with the same content in another key order encode, and so compare, the same.
 */
export function canonicalValue(value: FeatureData | null): FeatureData | null {
  if (value === null || typeof value !== "object") return value;
  if (Array.isArray(value)) return value.map((v) => canonicalValue(v) as FeatureData);
  const out: Record<string, FeatureData | null> = {};
  for (const key of Object.keys(value).sort()) setOwn(out, key, canonicalValue(value[key] ?? null));
  return out;
}

/**
 * The text a backend stores for a definition (fixed field order; the default encoded by the
 * codec). Canonical for a normalized definition, whose default has its keys sorted: two
 * definitions say the same exactly when their encodings are equal.
 */
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
  return deepFreeze({
    name,
    featureType,
    valueType,
    defaultValue: decodeValue(defaultValue),
    tags,
    ttlSeconds,
    description,
    dimension,
  });
}

/** The text a backend stores for a group. */
export function encodeGroup(group: StoredGroup): string {
  return JSON.stringify([group.name, group.featureNames, group.description, group.tags]);
}

/** Reads back what {@link encodeGroup} wrote. */
export function decodeGroup(text: string): StoredGroup {
  const [name, featureNames, description, tags] = JSON.parse(text);
  return deepFreeze({ name, featureNames, description, tags });
}

/**
 * Validates a stored group (features by name) and returns it normalized and frozen.
 * @throws ValidationError when it is malformed or names a feature twice.
 */
export function normalizeStoredGroup(group: StoredGroup): StoredGroup {
  if (group === null || typeof group !== "object")
    throw new ValidationError("a feature group must be an object");
  const name = checkName(group.name, "group");
  if (!Array.isArray(group.featureNames) || group.featureNames.length === 0) {
    throw new ValidationError(`group "${name}" needs at least one feature`, { groupName: name });
  }
  const featureNames = group.featureNames.map((n) => checkName(n));
  const duplicate = featureNames.find((n, i) => featureNames.indexOf(n) !== i);
  if (duplicate) {
    throw new ValidationError(`group "${name}" lists feature "${duplicate}" twice`, { groupName: name });
  }
  return deepFreeze({
    name,
    featureNames,
    description: checkDescription(group.description, name),
    tags: checkTags(group.tags, name),
  });
}

/**
 * Validates a group and returns its stored form (features by name) with the definitions to register.
 * @throws ValidationError when the group is malformed or names a feature twice.
 */
export function normalizeGroup(group: FeatureGroup): { stored: StoredGroup; features: FeatureDefinition[] } {
  if (group === null || typeof group !== "object")
    throw new ValidationError("a feature group must be an object");
  if (!Array.isArray(group.features)) {
    throw new ValidationError(`group ${showValue(group.name)} needs a list of features`);
  }
  const stored = normalizeStoredGroup({
    name: group.name,
    featureNames: group.features.map((f) => f?.name),
    description: group.description ?? null,
    tags: group.tags ?? [],
  });
  return { stored, features: group.features };
}

/** Freezes a value and everything reachable from it; definitions and groups are shared from caches. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const item of Object.values(value)) deepFreeze(item);
  }
  return value;
}
