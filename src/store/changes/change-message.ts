import type { FeatureData } from "../../core/models.js";
import type { ValueChange } from "./change-feed.js";

/**
 * A {@link ValueChange} as it travels between replicas: JSON text. The value travels with its
 * event time when the whole message fits the transport's limit; otherwise only the key and
 * version do, and subscribers read that version back from the store. Dates become epoch
 * milliseconds, since JSON has no date type.
 */
interface WireChange {
  featureName: string;
  entityId: string;
  version?: number;
  value?: FeatureData;
  timestamp?: number;
}

/**
 * Encodes a change as the message a distributed pubsub sends, leaving the value out when the
 * message would exceed `maxBytes` (UTF-8).
 * @returns the message, or `undefined` when even the key alone does not fit.
 */
export function encodeChange(change: ValueChange, maxBytes: number): string | undefined {
  const key: WireChange = { featureName: change.featureName, entityId: change.entityId };
  const version = change.version ?? change.value?.version;
  if (version !== undefined) key.version = version;
  if (change.value) {
    const full = JSON.stringify({
      ...key,
      value: change.value.value,
      timestamp: change.value.timestamp.getTime(),
    } satisfies WireChange);
    if (Buffer.byteLength(full) <= maxBytes) return full;
  }
  const bare = JSON.stringify(key);
  return Buffer.byteLength(bare) <= maxBytes ? bare : undefined;
}

const isVersion = (v: unknown): v is number => Number.isSafeInteger(v) && (v as number) >= 1;

/**
 * Decodes a message made by {@link encodeChange}. The value's age is counted from the moment
 * of decoding, as a read would count it.
 * @returns the change, or `undefined` for text that is not such a message (a message published
 * on the channel by something else), which subscribers must not see.
 */
export function decodeChange(message: string, now = Date.now()): ValueChange | undefined {
  let wire: Partial<Record<keyof WireChange, unknown>>;
  try {
    wire = JSON.parse(message) as typeof wire;
  } catch {
    return undefined;
  }
  if (typeof wire !== "object" || wire === null) return undefined;
  const { featureName, entityId, version, value, timestamp } = wire;
  if (typeof featureName !== "string" || typeof entityId !== "string") return undefined;
  if (version !== undefined && !isVersion(version)) return undefined;
  if (value === undefined || value === null) {
    return version === undefined ? { featureName, entityId } : { featureName, entityId, version };
  }
  if (!isVersion(version) || typeof timestamp !== "number" || !Number.isFinite(timestamp)) return undefined;
  return {
    featureName,
    entityId,
    version,
    value: {
      featureName,
      entityId,
      // Encoded from a FeatureValue's value, which the store checked against its definition.
      value: value as FeatureData,
      version,
      timestamp: new Date(timestamp),
      ageSeconds: (now - timestamp) / 1000,
    },
  };
}
