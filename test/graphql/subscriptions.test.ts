import { afterEach, describe, expect, it, vi } from "vitest";
import type { FeatureStoreApp } from "../../src/app.js";
import { logger } from "../../src/core/logger.js";
import { createFeaturePubSub, type FeaturePubSub } from "../../src/store/changes/change-feed.js";
import { EventStream } from "../event-stream.js";
import { query, run, testApp } from "./client.js";
import { DeleteValueDocument, IngestBatchDocument, IngestDocument } from "./generated/graphql.js";

interface Delivered {
  featureName: string;
  entityId: string;
  value: unknown;
  version: number;
}

type Stream = EventStream<{ valueChanged: Delivered }>;

/** Subscribes to the app in process. */
const subscribe = (
  app: FeatureStoreApp,
  text: string,
  headers: Record<string, string> = {},
): Promise<Stream> =>
  EventStream.open("http://localhost/graphql", text, headers, (url, init) => app.fetch(url, init));

const SELECTION = "{ featureName entityId value version }";

afterEach(() => {
  vi.restoreAllMocks();
});

/** An in-process pubsub that counts its listeners: one per open subscription. */
function countingPubSub(): FeaturePubSub & { listeners: number } {
  const inner = createFeaturePubSub();
  const counted = {
    listeners: 0,
    publish: inner.publish,
    listen: (topic: "valueChanged", listener: Parameters<FeaturePubSub["listen"]>[1]) => {
      const stop = inner.listen(topic, listener);
      counted.listeners++;
      let stopped = false;
      return () => {
        if (!stopped) counted.listeners--;
        stopped = true;
        stop();
      };
    },
  };
  return counted;
}

describe("valueChanged over server-sent events", () => {
  it("delivers each value an ingest writes, filtered by feature", async () => {
    const { app } = await testApp();
    const stream = await subscribe(app, `subscription { valueChanged(featureNames: ["age"]) ${SELECTION} }`);
    expect(stream.response.status).toBe(200);
    expect(stream.response.headers.get("content-type")).toContain("text/event-stream");
    await run(app, IngestDocument, { entityId: "user-1", features: { country: "NL", age: 33 } });
    await run(app, IngestDocument, { entityId: "user-2", features: { age: 26 } });
    expect((await stream.next())?.data?.valueChanged).toEqual({
      featureName: "age",
      entityId: "user-1",
      value: 33,
      version: 2,
    });
    expect((await stream.next())?.data?.valueChanged).toMatchObject({ entityId: "user-2", value: 26 });
    await stream.close();
  });

  it("delivers batch writes with their values, filtered by entity, and skips deletions", async () => {
    const { app, store } = await testApp();
    const stream = await subscribe(app, `subscription { valueChanged(entityIds: ["user-3"]) ${SELECTION} }`);
    await run(app, DeleteValueDocument, { featureName: "country", entityId: "user-3" });
    await run(app, IngestBatchDocument, {
      records: [
        { id: "user-2", age: 1 },
        { id: "user-3", age: 48 },
      ],
      entityIdField: "id",
    });
    expect((await stream.next())?.data?.valueChanged).toEqual({
      featureName: "age",
      entityId: "user-3",
      value: 48,
      version: 2,
    });
    // The deletion was read back (it carries no value); the batch's write came with its value.
    expect(store.valueCalls).toBe(1);
    await stream.close();
  });

  it("delivers every change of a batch larger than 1024 changes, in order, without reading the store", async () => {
    const { app, store } = await testApp();
    const stream = await subscribe(app, "subscription { valueChanged { featureName entityId version } }");
    const records = Array.from({ length: 1100 }, (_, i) => ({ id: `b${i}`, age: i }));
    const reply = await run(app, IngestBatchDocument, { records, entityIdField: "id" });
    expect(reply.data?.ingestBatch?.processed).toBe(1100);
    const heard: string[] = [];
    for (let i = 0; i < 1100; i++) heard.push((await stream.nextData()).valueChanged.entityId);
    expect(heard).toEqual(records.map((r) => r.id));
    expect(store.valueCalls).toBe(0);
    // The app still answers.
    expect((await query(app, "{ __typename }")).status).toBe(200);
    await stream.close();
  });

  it("ends a subscriber that falls too far behind with SUBSCRIBER_TOO_SLOW, logged once, and no other", async () => {
    const warned = vi.spyOn(logger, "warn");
    const { app } = await testApp({ limits: { maxQueuedEvents: 100 } });
    const everything = await subscribe(app, `subscription { valueChanged ${SELECTION} }`);
    const one = await subscribe(app, `subscription { valueChanged(entityIds: ["b149"]) ${SELECTION} }`);
    // 150 changes published at once: more than the 100 a stream may hold.
    const records = Array.from({ length: 150 }, (_, i) => ({ id: `b${i}`, age: i }));
    expect((await run(app, IngestBatchDocument, { records, entityIdField: "id" })).errors).toBeUndefined();
    const events = [];
    for (let event = await everything.next(); event !== undefined; event = await everything.next()) {
      events.push(event);
    }
    // The change already awaited by the stream may go out; what was queued behind it is dropped.
    expect(events.length).toBeLessThanOrEqual(2);
    expect(events.at(-1)?.errors).toEqual([
      expect.objectContaining({ extensions: { code: "SUBSCRIBER_TOO_SLOW", maxQueuedEvents: 100 } }),
    ]);
    const tooSlow = warned.mock.calls.filter(([, message]) => String(message).includes("too far behind"));
    expect(tooSlow).toHaveLength(1);
    // The filtered subscriber queued one change only, and goes on.
    expect((await one.nextData()).valueChanged).toMatchObject({ entityId: "b149", value: 149 });
    await run(app, IngestDocument, { entityId: "b149", features: { age: 1 } });
    expect((await one.nextData()).valueChanged).toMatchObject({ entityId: "b149", value: 1 });
    await one.close();
  });

  it("refuses a subscription past maxSubscriptions, and frees a place as soon as a client leaves", async () => {
    const pubsub = countingPubSub();
    const { app } = await testApp({ pubsub, limits: { maxSubscriptions: 1 } });
    const first = await subscribe(app, `subscription { valueChanged ${SELECTION} }`);
    expect(pubsub.listeners).toBe(1);
    const refused = await subscribe(app, `subscription { valueChanged ${SELECTION} }`);
    const answer = await refused.next();
    expect(answer?.errors).toEqual([
      expect.objectContaining({
        extensions: { code: "LIMIT_EXCEEDED", limit: "subscriptions", max: 1, actual: 2 },
      }),
    ]);
    expect(pubsub.listeners).toBe(1);
    // No change is published: the stream must end on the client's leaving alone.
    await first.close();
    await vi.waitFor(() => expect(pubsub.listeners).toBe(0));
    const next = await subscribe(app, `subscription { valueChanged ${SELECTION} }`);
    expect(pubsub.listeners).toBe(1);
    pubsub.publish("valueChanged", { featureName: "age", entityId: "user-4" });
    expect((await next.nextData()).valueChanged).toMatchObject({ entityId: "user-4", value: 19 });
    await next.close();
  });

  it("keeps other subscribers and the publisher safe from a listener that throws", async () => {
    const pubsub = createFeaturePubSub();
    const { app } = await testApp({ pubsub });
    const stream = await subscribe(app, `subscription { valueChanged ${SELECTION} }`);
    pubsub.listen("valueChanged", () => {
      throw new Error("a broken listener");
    });
    const reply = await run(app, IngestDocument, { entityId: "user-4", features: { age: 20 } });
    expect(reply.errors).toBeUndefined();
    expect((await stream.nextData()).valueChanged).toMatchObject({ entityId: "user-4", value: 20 });
    await stream.close();
  });

  it("delivers what is published on a pubsub passed in, and ends when the app is disposed", async () => {
    const pubsub = createFeaturePubSub();
    const { app } = await testApp({ pubsub });
    const stream = await subscribe(app, `subscription { valueChanged ${SELECTION} }`);
    pubsub.publish("valueChanged", { featureName: "age", entityId: "user-4" });
    expect((await stream.next())?.data?.valueChanged).toEqual({
      featureName: "age",
      entityId: "user-4",
      value: 19,
      version: 1,
    });
    await app.dispose();
    expect(await stream.next()).toBeUndefined();
  });

  it("needs the read token when one is set", async () => {
    const { app } = await testApp({ auth: { readToken: "r" } });
    const refused = await subscribe(app, `subscription { valueChanged ${SELECTION} }`);
    expect(refused.response.status).toBe(401);
    const allowed = await subscribe(app, `subscription { valueChanged ${SELECTION} }`, {
      authorization: "Bearer r",
    });
    expect(allowed.response.status).toBe(200);
    await allowed.close();
  });

  it("is refused over plain JSON, which cannot stream", async () => {
    const { app } = await testApp();
    const reply = await query(app, `subscription { valueChanged ${SELECTION} }`, undefined, {
      accept: "application/json",
    });
    expect(reply.status).toBeGreaterThanOrEqual(400);
    expect(reply.status).toBeLessThan(500);
  });
});
