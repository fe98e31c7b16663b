import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it, vi } from "vitest";
import { logger } from "../../../src/core/logger.js";
import type { FeatureValue } from "../../../src/core/models.js";
import { FeatureEvents, type FeatureEventsOptions } from "../../../src/graphql/events.js";
import type { FeaturePubSub, ValueChange } from "../../../src/store/changes/change-feed.js";
import type { SharedChangeFeed } from "../../../src/store/changes/shared-change-feed.js";

/** How the suite gets event targets of one transport, on the shared local server. */
export interface TransportHarness<T extends SharedChangeFeed> {
  name: string;
  /** A started target listening on the namespace's channel, its connections named `connectionName`. */
  create(namespace: string, connectionName: string): Promise<T>;
  /** Kills the target's listening connection from the server side (never the server itself). */
  killListener(target: T): Promise<void>;
  /** Publishes raw text on the target's channel, as another program sharing the server might. */
  publishRaw(target: T, message: string): Promise<void>;
  /** How many connections of the target the server still has. */
  connectionsOf(target: T): Promise<number>;
  /** A value too large for the transport's messages. */
  largeValue: string;
}

/** A namespace no other test (or run) uses, so no foreign message reaches a test's channel. */
export function freshNamespace(): string {
  return `ps_${process.pid}_${randomBytes(4).toString("hex")}`;
}

/** A value as an ingest returns it. */
export function written(entityId: string, version: number, value: FeatureValue["value"]): FeatureValue {
  return {
    featureName: "score",
    entityId,
    value,
    version,
    timestamp: new Date(1_700_000_000_000 + version),
    ageSeconds: 0,
  };
}

/** Changes heard from now on, one at a time: listening starts at the call, as a subscription's does. */
export function listen(
  target: { pubsub: FeaturePubSub },
  options: FeatureEventsOptions = {},
): { next(): Promise<ValueChange>; readonly queued: number; stop(): void } {
  const events = new FeatureEvents(target.pubsub, options);
  const changes = events.changes();
  return {
    async next() {
      const { done, value } = await changes.next();
      if (done) throw new Error("the change stream ended");
      return value;
    },
    get queued() {
      return changes.length;
    },
    stop: () => events.close(),
  };
}

/** The parts of a change that travel, for comparison (its age depends on when it was decoded). */
function traveled(change: ValueChange): unknown {
  const { value, ...key } = change;
  if (!value) return key;
  const { ageSeconds: _age, ...rest } = value;
  return { ...key, value: rest };
}

/** The contract every distributed event target keeps, run against a real server. */
export function describeSharedChangeFeed<T extends SharedChangeFeed>(harness: TransportHarness<T>): void {
  describe(`${harness.name} event target`, () => {
    const open: T[] = [];
    // Each target names its connections apart, so a test kills exactly the one it means to.
    const create = async (namespace: string) => {
      const target = await harness.create(namespace, `t${open.length}-${namespace}`);
      open.push(target);
      return target;
    };

    afterEach(async () => {
      for (const target of open.splice(0)) await target.close();
    });

    it("delivers a change published by one target to every target of the namespace, itself included", async () => {
      const namespace = freshNamespace();
      const [a, b] = [await create(namespace), await create(namespace)];
      expect(a.connected && b.connected).toBe(true);
      expect(a.channel).toContain(namespace);
      const [onA, onB] = [listen(a), listen(b)];
      const change: ValueChange = {
        featureName: "score",
        entityId: "user-1",
        version: 3,
        value: written("user-1", 3, { rank: [1, 2.5], tag: "x" }),
      };
      a.pubsub.publish("valueChanged", change);
      const heard = await onB.next();
      expect(traveled(heard)).toEqual(traveled(change));
      expect(heard.value?.timestamp).toBeInstanceOf(Date);
      expect(heard.value?.ageSeconds).toBeGreaterThan(0);
      expect(traveled(await onA.next())).toEqual(traveled(change));
    });

    it("sends a value too large for a message as its key and version, and a batch's change as its key", async () => {
      const namespace = freshNamespace();
      const [a, b] = [await create(namespace), await create(namespace)];
      const onB = listen(b);
      a.pubsub.publish("valueChanged", {
        featureName: "score",
        entityId: "user-2",
        version: 7,
        value: written("user-2", 7, harness.largeValue),
      });
      a.pubsub.publish("valueChanged", { featureName: "score", entityId: "user-3" });
      expect(await onB.next()).toEqual({ featureName: "score", entityId: "user-2", version: 7 });
      expect(await onB.next()).toEqual({ featureName: "score", entityId: "user-3" });
    });

    it("keeps the order of one publisher's changes", async () => {
      const namespace = freshNamespace();
      const [a, b] = [await create(namespace), await create(namespace)];
      const onB = listen(b);
      for (let version = 1; version <= 100; version++) {
        a.pubsub.publish("valueChanged", { featureName: "score", entityId: "user-4", version });
      }
      const versions: (number | undefined)[] = [];
      for (let i = 0; i < 100; i++) versions.push((await onB.next()).version);
      expect(versions).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    });

    it("keeps every change of a burst for a subscriber that reads none of them until the end", async () => {
      const namespace = freshNamespace();
      const [a, b] = [await create(namespace), await create(namespace)];
      const warned = vi.spyOn(logger, "warn");
      const onB = listen(b);
      for (let version = 1; version <= 1100; version++) {
        a.pubsub.publish("valueChanged", { featureName: "score", entityId: "burst", version });
      }
      await vi.waitFor(() => expect(onB.queued).toBe(1100), { timeout: 15_000, interval: 20 });
      const versions: (number | undefined)[] = [];
      for (let i = 0; i < 1100; i++) versions.push((await onB.next()).version);
      expect(versions).toEqual(Array.from({ length: 1100 }, (_, i) => i + 1));
      expect(warned).not.toHaveBeenCalled();
      warned.mockRestore();
    });

    it("ends a subscriber that falls too far behind with SUBSCRIBER_TOO_SLOW, logged once, and keeps the others", async () => {
      const namespace = freshNamespace();
      const [a, b] = [await create(namespace), await create(namespace)];
      const warned = vi.spyOn(logger, "warn");
      const slow = listen(b, { maxQueuedEvents: 50 });
      const steady = listen(b);
      for (let version = 1; version <= 120; version++) {
        a.pubsub.publish("valueChanged", { featureName: "score", entityId: "slow", version });
      }
      await vi.waitFor(() => expect(steady.queued).toBe(120), { timeout: 15_000, interval: 20 });
      await expect(slow.next()).rejects.toMatchObject({ extensions: { code: "SUBSCRIBER_TOO_SLOW" } });
      await expect(slow.next()).rejects.toThrow("ended");
      const tooSlow = warned.mock.calls.filter(([, message]) => String(message).includes("too far behind"));
      expect(tooSlow).toHaveLength(1);
      expect((await steady.next()).version).toBe(1);
      warned.mockRestore();
    });

    it("keeps namespaces apart: a target hears nothing published in another namespace", async () => {
      const [first, second] = [freshNamespace(), freshNamespace()];
      const [a, aListener, b] = [await create(first), await create(first), await create(second)];
      const [onFirst, onSecond] = [listen(aListener), listen(b)];
      a.pubsub.publish("valueChanged", { featureName: "score", entityId: "only-first" });
      // Once a listener of the first namespace heard it, the server has passed it to every
      // subscriber of its channel; a leak to the second namespace would arrive before what
      // is published there next.
      expect((await onFirst.next()).entityId).toBe("only-first");
      b.pubsub.publish("valueChanged", { featureName: "score", entityId: "only-second" });
      expect((await onSecond.next()).entityId).toBe("only-second");
      expect(a.channel).not.toBe(b.channel);
    });

    it("ignores a message on its channel that is not a change", async () => {
      const namespace = freshNamespace();
      const [a, b] = [await create(namespace), await create(namespace)];
      const onB = listen(b);
      await harness.publishRaw(b, "not json");
      await harness.publishRaw(b, JSON.stringify({ featureName: 1, entityId: "x" }));
      a.pubsub.publish("valueChanged", { featureName: "score", entityId: "after-noise" });
      expect(await onB.next()).toEqual({ featureName: "score", entityId: "after-noise" });
    });

    it("listens again after its connection is killed, and hears and publishes as before", async () => {
      const namespace = freshNamespace();
      const [a, b] = [await create(namespace), await create(namespace)];
      const [onA, onB] = [listen(a), listen(b)];
      expect(b.listenCount).toBe(1);
      await harness.killListener(b);
      await vi.waitFor(() => expect(b.listenCount).toBe(2), { timeout: 15_000, interval: 20 });
      expect(b.connected).toBe(true);
      // The stream opened before the outage goes on.
      a.pubsub.publish("valueChanged", { featureName: "score", entityId: "after-kill", version: 1 });
      expect(await onB.next()).toEqual({ featureName: "score", entityId: "after-kill", version: 1 });
      expect(await onA.next()).toEqual({ featureName: "score", entityId: "after-kill", version: 1 });
      b.pubsub.publish("valueChanged", { featureName: "score", entityId: "from-b", version: 1 });
      expect(await onA.next()).toEqual({ featureName: "score", entityId: "from-b", version: 1 });
    });

    it("closes its connections, and stays closed", async () => {
      const namespace = freshNamespace();
      const target = await harness.create(namespace, `closing-${namespace}`);
      expect(await harness.connectionsOf(target)).toBeGreaterThan(0);
      await target.close();
      await target.close();
      expect(target.connected).toBe(false);
      await vi.waitFor(async () => expect(await harness.connectionsOf(target)).toBe(0), { timeout: 5000 });
      // Publishing on a closed target drops the change quietly: a late write must not fail.
      target.pubsub.publish("valueChanged", { featureName: "score", entityId: "late" });
    });
  });
}
