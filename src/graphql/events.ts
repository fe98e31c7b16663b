import { GraphQLError } from "graphql";
import type { Logger } from "pino";
import { logger } from "../core/logger.js";
import type { FeatureValue } from "../core/models.js";
import type { FeaturePubSub, ValueChange } from "../store/changes/change-feed.js";
import { ApiErrorCode } from "./errors.js";
import { DEFAULT_LIMITS, limitExceeded } from "./limits.js";
import { SubscriberQueue } from "./subscriber-queue.js";

/** Which changes a subscriber wants: every one when a list is left out. */
export interface ChangeFilter {
  /** Only changes to these features. */
  readonly featureNames?: readonly string[] | null | undefined;
  /** Only changes to these entities. */
  readonly entityIds?: readonly string[] | null | undefined;
}

/** Options of {@link FeatureEvents}; each one left out keeps its default from `DEFAULT_LIMITS`. */
export interface FeatureEventsOptions {
  /** Most streams open at once; one more is refused with LIMIT_EXCEEDED (limit `subscriptions`). */
  maxSubscriptions?: number;
  /** Most changes waiting for one stream before it is ended with SUBSCRIBER_TOO_SLOW. */
  maxQueuedEvents?: number;
  /** Told how many changes a stream ended for being too slow did not get (for metrics). */
  onEventsDropped?: (count: number) => void;
}

function subscriberTooSlow(maxQueuedEvents: number): GraphQLError {
  return new GraphQLError(
    `the subscription fell more than ${maxQueuedEvents} changes behind and was ended; subscribe again to resume`,
    { extensions: { code: ApiErrorCode.SUBSCRIBER_TOO_SLOW, maxQueuedEvents } },
  );
}

/**
 * What the mutations announce after they wrote, so subscribers hear of every change; and the
 * subscribers' view of it: one bounded queue per stream, which {@link FeatureEvents.close} ends
 * so a shutdown is not held open by streams that never finish on their own.
 */
export class FeatureEvents {
  /** Most streams open at once. */
  readonly maxSubscriptions: number;
  /** Most changes waiting for one stream. */
  readonly maxQueuedEvents: number;
  private readonly open = new Set<SubscriberQueue<ValueChange>>();
  private closed = false;
  private readonly onEventsDropped: ((count: number) => void) | undefined;
  /** The publisher's logger while a publish delivers (in process, delivery is synchronous). */
  private publisherLog: Logger | undefined;

  constructor(
    readonly pubsub: FeaturePubSub,
    options: FeatureEventsOptions = {},
  ) {
    this.maxSubscriptions = options.maxSubscriptions ?? DEFAULT_LIMITS.maxSubscriptions;
    this.maxQueuedEvents = options.maxQueuedEvents ?? DEFAULT_LIMITS.maxQueuedEvents;
    this.onEventsDropped = options.onEventsDropped;
  }

  /** How many streams are open now. */
  get subscriptions(): number {
    return this.open.size;
  }

  /**
   * Announces values written by an ingest or a batch ingest, each with its value and version.
   * `log` is the writing request's logger: a stream this publish overflows is logged with it
   * (when the pubsub delivers in process, as it then does before the publish returns).
   */
  publishWrites(values: readonly FeatureValue[], log?: Logger): void {
    this.publishing(log, () => {
      for (const value of values) {
        this.pubsub.publish("valueChanged", {
          featureName: value.featureName,
          entityId: value.entityId,
          version: value.version,
          value,
        });
      }
    });
  }

  /** Announces a deletion; `log` as for {@link publishWrites}. */
  publishDeletion(featureName: string, entityId: string, log?: Logger): void {
    this.publishing(log, () => this.pubsub.publish("valueChanged", { featureName, entityId }));
  }

  private publishing(log: Logger | undefined, publish: () => void): void {
    const outer = this.publisherLog;
    this.publisherLog = log;
    try {
      publish();
    } finally {
      this.publisherLog = outer;
    }
  }

  /**
   * The changes matching `filter` from now on, until the consumer stops (`return()`, which
   * takes effect at once), {@link FeatureEvents.close} is called, or the stream falls more than
   * {@link maxQueuedEvents} changes behind: it then ends with the error SUBSCRIBER_TOO_SLOW,
   * logged once (with the logger of the write that overflowed it, when it is known). Listening starts at the call, not at the first read, so a write made right
   * after a client subscribed is not missed; the filter applies before a change is queued, so
   * changes a stream does not want never count against it.
   * @throws GraphQLError LIMIT_EXCEEDED (limit `subscriptions`) when {@link maxSubscriptions}
   * streams are open already.
   */
  changes(filter: ChangeFilter = {}): SubscriberQueue<ValueChange> {
    let stop: (() => void) | undefined;
    const queue: SubscriberQueue<ValueChange> = new SubscriberQueue<ValueChange>({
      maxQueued: this.maxQueuedEvents,
      overflow: () => {
        // The queued changes and the one that did not fit.
        this.onEventsDropped?.(queue.length + 1);
        (this.publisherLog ?? logger).warn(
          { maxQueuedEvents: this.maxQueuedEvents, subscriptions: this.open.size },
          "a subscriber fell too far behind: its stream is ended",
        );
        return subscriberTooSlow(this.maxQueuedEvents);
      },
      onEnd: () => {
        stop?.();
        this.open.delete(queue);
      },
    });
    if (this.closed) {
      queue.end();
      return queue;
    }
    if (this.open.size >= this.maxSubscriptions) {
      throw limitExceeded("subscriptions", this.maxSubscriptions, this.open.size + 1, false);
    }
    const names = filter.featureNames ? new Set(filter.featureNames) : undefined;
    const ids = filter.entityIds ? new Set(filter.entityIds) : undefined;
    stop = this.pubsub.listen("valueChanged", (change) => {
      if (names && !names.has(change.featureName)) return;
      if (ids && !ids.has(change.entityId)) return;
      queue.push(change);
    });
    this.open.add(queue);
    return queue;
  }

  /** Ends every open stream; later ones end at once. */
  close(): void {
    this.closed = true;
    for (const queue of [...this.open]) queue.end();
  }
}
