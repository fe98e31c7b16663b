import { createPubSub, type PubSub } from "graphql-yoga";
import type { FeatureValue } from "../core/models.js";

/**
 * A change to one (feature, entity) key. `value` is the written value when the writer knew it
 * (a single ingest); after a batch or a deletion subscribers read the key to see what it serves.
 * A distributed pubsub may drop a large `value` on the way and keep its `version`, which
 * subscribers then read back from the store.
 */
export interface ValueChange {
  readonly featureName: string;
  readonly entityId: string;
  /** The version written, when the writer knew it. */
  readonly version?: number;
  readonly value?: FeatureValue;
}

/** The topics the API publishes: one, every change to a stored value. */
export type FeatureEventTopics = { valueChanged: [ValueChange] };

/**
 * The publish/subscribe channel behind subscriptions. The default is yoga's in-process pubsub;
 * several replicas share changes by passing one built on a distributed event target.
 */
export type FeaturePubSub = PubSub<FeatureEventTopics>;

/** An in-process {@link FeaturePubSub}. */
export function createFeaturePubSub(): FeaturePubSub {
  return createPubSub<FeatureEventTopics>();
}

/**
 * What the mutations announce after they wrote, so subscribers hear of every change; and the
 * subscribers' view of it, which {@link FeatureEvents.close} ends so a shutdown is not held
 * open by streams that never finish on their own.
 */
export class FeatureEvents {
  private readonly active = new Set<AsyncIterator<ValueChange>>();
  private closed = false;

  constructor(readonly pubsub: FeaturePubSub) {}

  /** Announces values written by an ingest. */
  publishWrites(values: readonly FeatureValue[]): void {
    for (const value of values) {
      this.pubsub.publish("valueChanged", {
        featureName: value.featureName,
        entityId: value.entityId,
        version: value.version,
        value,
      });
    }
  }

  /** Announces the keys a batch ingest wrote (the records were accepted whole). */
  publishBatch(records: readonly Record<string, unknown>[], entityIdField: string): void {
    for (const record of records) {
      const id = record[entityIdField];
      if (id === undefined || id === null) continue;
      const entityId = String(id);
      for (const featureName of Object.keys(record)) {
        if (featureName !== entityIdField) this.pubsub.publish("valueChanged", { featureName, entityId });
      }
    }
  }

  /** Announces a deletion. */
  publishDeletion(featureName: string, entityId: string): void {
    this.pubsub.publish("valueChanged", { featureName, entityId });
  }

  /**
   * Every change from now on, until the consumer stops or {@link FeatureEvents.close} is called.
   * Listening starts at the call, not at the first read, so a write made right after a client
   * subscribed is not missed.
   */
  changes(): AsyncGenerator<ValueChange> {
    const active = this.active;
    if (this.closed) return (async function* () {})();
    const source = this.pubsub.subscribe("valueChanged");
    // A pubsub subscription starts on its first read: start it now.
    const first = source.next();
    active.add(source);
    return (async function* () {
      try {
        for (let next = await first; !next.done; next = await source.next()) yield next.value;
      } finally {
        active.delete(source);
        await source.return();
      }
    })();
  }

  /** Ends every open subscription; later ones end at once. */
  close(): void {
    this.closed = true;
    for (const source of this.active) void source.return?.();
  }
}
