import { describe, expect, it } from "vitest";
import type { FeatureStoreApp } from "../../src/app.js";
import { createFeaturePubSub } from "../../src/graphql/events.js";
import { query, run, testApp } from "./client.js";
import { DeleteValueDocument, IngestBatchDocument, IngestDocument } from "./generated/graphql.js";

interface Delivered {
  featureName: string;
  entityId: string;
  value: unknown;
  version: number;
}

/** A subscription read as a browser's EventSource would: `next` events off an SSE stream. */
class EventStream {
  private readonly reader: ReadableStreamDefaultReader<string>;
  private buffer = "";

  constructor(readonly response: Response) {
    if (!response.body) throw new Error("no body");
    this.reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  }

  static async open(
    app: FeatureStoreApp,
    text: string,
    headers: Record<string, string> = {},
  ): Promise<EventStream> {
    const response = await app.fetch("http://localhost/graphql", {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream", ...headers },
      body: JSON.stringify({ query: text }),
    });
    return new EventStream(response);
  }

  /** The next `next` event's payload, or `undefined` when the stream ended. */
  async next(): Promise<{ data?: { valueChanged: Delivered }; errors?: unknown[] } | undefined> {
    for (;;) {
      const end = this.buffer.indexOf("\n\n");
      if (end >= 0) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        if (event === "complete") return undefined;
        if (event === "next" && data) return JSON.parse(data);
        continue;
      }
      const { done, value } = await this.reader.read();
      if (done) return undefined;
      this.buffer += value;
    }
  }

  async close(): Promise<void> {
    await this.reader.cancel();
  }
}

const SELECTION = "{ featureName entityId value version }";

describe("valueChanged over server-sent events", () => {
  it("delivers each value an ingest writes, filtered by feature", async () => {
    const { app } = await testApp();
    const stream = await EventStream.open(
      app,
      `subscription { valueChanged(featureNames: ["age"]) ${SELECTION} }`,
    );
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
    const stream = await EventStream.open(
      app,
      `subscription { valueChanged(entityIds: ["user-3"]) ${SELECTION} }`,
    );
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
    const stream = await EventStream.open(app, `subscription { valueChanged ${SELECTION} }`);
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
    const refused = await EventStream.open(app, `subscription { valueChanged ${SELECTION} }`);
    expect(refused.response.status).toBe(401);
    const allowed = await EventStream.open(app, `subscription { valueChanged ${SELECTION} }`, {
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
