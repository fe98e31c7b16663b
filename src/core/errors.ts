import { logger } from "./logger.js";
import { showValue } from "./show-value.js";

/**
 * The root of every error the feature store raises on purpose. `code` is stable and
 * machine-readable; the GraphQL layer sends it to clients as `extensions.code`.
 * Each error is logged (structured, at `warn`) when it is raised, before it propagates.
 */
export class FeatureStoreError extends Error {
  /** A stable, machine-readable code such as `FEATURE_NOT_FOUND`. */
  readonly code: string;
  /** Structured facts about the failure (feature name, entity id, ...), safe to show a client. */
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
    this.details = details;
    logger.warn({ err: { code, message, ...details } }, "feature store error");
  }
}

/** A feature name that is not registered. */
export class FeatureNotFoundError extends FeatureStoreError {
  constructor(featureName: string) {
    super("FEATURE_NOT_FOUND", `feature ${showValue(featureName, 140)} is not registered`, {
      featureName: typeof featureName === "string" ? featureName : showValue(featureName),
    });
  }
}

/** A feature group name that is not registered. */
export class GroupNotFoundError extends FeatureStoreError {
  constructor(groupName: string) {
    super("GROUP_NOT_FOUND", `feature group ${showValue(groupName, 140)} is not registered`, {
      groupName: typeof groupName === "string" ? groupName : showValue(groupName),
    });
  }
}

/** A transform name, or a version of it, that is not registered. */
export class TransformNotFoundError extends FeatureStoreError {
  constructor(reference: string) {
    super("TRANSFORM_NOT_FOUND", `transform ${showValue(reference, 140)} is not registered`, {
      transform: typeof reference === "string" ? reference : showValue(reference),
    });
  }
}

/** Input that does not fit: a value of the wrong type, a malformed definition, a bad argument. */
export class ValidationError extends FeatureStoreError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("VALIDATION_FAILED", message, details);
  }
}

/** A definition or group registered again under the same name but with different content. */
export class ConflictError extends FeatureStoreError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("CONFLICT", message, details);
  }
}

/** The backend cannot be reached, timed out, or the store is closed. Retrying later may work. */
export class BackendUnavailableError extends FeatureStoreError {
  constructor(message: string, details: Record<string, unknown> = {}, options?: ErrorOptions) {
    super("BACKEND_UNAVAILABLE", message, details, options);
  }
}

/** A store URL or option that cannot be used, such as an unknown URL scheme. */
export class ConfigurationError extends FeatureStoreError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("INVALID_CONFIG", message, details);
  }
}

/**
 * A read as of a time whose answer may lie in history the backend has trimmed (Redis keeps the
 * newest `historyRetention` entries per key): the value is unknown, and answering "no value" or an
 * older one would leak a wrong answer into a model. Read a later time, or keep more history.
 */
export class HistoryTrimmedError extends FeatureStoreError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("HISTORY_TRIMMED", message, details);
  }
}

/**
 * A change to a registered definition that would make its stored values wrong: a feature's
 * type, value type or dimension, or a group's list of features. Such a definition gets a new
 * name instead; the message says so.
 */
export class IncompatibleChangeError extends FeatureStoreError {
  constructor(message: string, details: Record<string, unknown> = {}) {
    super("INCOMPATIBLE_CHANGE", message, details);
  }
}
