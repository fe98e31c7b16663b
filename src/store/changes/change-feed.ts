import type { FeatureValue } from "../../core/models.js";
import { type ChangeListener, ChangeListeners } from "./change-listeners.js";

/**
 * A change to one (feature, entity) key. `value` is the written value when the writer knew it
 * (an ingest or a batch ingest); after a deletion subscribers read the key to see what it
 * serves. A distributed pubsub may drop a large `value` on the way and keep its `version`,
 * which subscribers then read back from the store.
 */
export interface ValueChange {
  readonly featureName: string;
  readonly entityId: string;
  /** The version written, when the writer knew it. */
  readonly version?: number;
  readonly value?: FeatureValue;
}

/**
 * The publish/subscribe channel behind subscriptions: in process by default
 * ({@link createFeaturePubSub}), or shared between replicas through Redis or PostgreSQL.
 * Listeners are plain callbacks, called as changes arrive; whoever listens keeps its own
 * bounded queue (the GraphQL layer's `FeatureEvents` does), so no subscriber can make the channel hold
 * more, nor make a publisher fail.
 */
export interface FeaturePubSub {
  /** Announces a change to every listener (of every replica, for a shared channel). Never throws. */
  publish(topic: "valueChanged", change: ValueChange): void;
  /** Calls `listener` with every change heard from now on, until the returned function is called. */
  listen(topic: "valueChanged", listener: ChangeListener): () => void;
}

/** An in-process {@link FeaturePubSub}: a publish reaches every listener before it returns. */
export function createFeaturePubSub(): FeaturePubSub {
  const listeners = new ChangeListeners(() => "in-process");
  return {
    publish: (_topic, change) => listeners.deliver(change),
    listen: (_topic, listener) => listeners.add(listener),
  };
}

/**
 * The channel through which the processes serving one store hear each other's writes, as a
 * backend opens it (see `BackendDescriptor.openChangeFeed`), with its connection state.
 */
export interface ChangeFeed {
  /** Where to publish and listen (hand it to `createApp` as `pubsub`). */
  readonly pubsub: FeaturePubSub;
  /** How changes travel: `in-process`, or the backend's transport (`redis`, `postgres`, ...). */
  readonly transport: string;
  /** False while a distributed transport is reconnecting (changes are not heard meanwhile). */
  readonly connected: boolean;
  /** Closes the transport's connections. Safe to call twice. */
  close(): Promise<void>;
}

/** A {@link ChangeFeed} within this process: for backends whose data one process holds. */
export function inProcessChangeFeed(): ChangeFeed {
  return { pubsub: createFeaturePubSub(), transport: "in-process", connected: true, close: async () => {} };
}
