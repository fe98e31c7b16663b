import { describe, expect, it } from "vitest";
import type { FeatureStoreApp } from "../../src/app.js";
import { createFeaturePubSub } from "../../src/graphql/events.js";
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

  it("delivers batch writes read back from the store, filtered by entity, and skips deletions", async () => {
    const { app } = await testApp();
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
