import { Client, fetchExchange, gql } from "@urql/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type RunningServer, startServer } from "../../src/server.js";
import { readServerConfig } from "../../src/server-config.js";
import { EventStream } from "../event-stream.js";

let server: RunningServer;

beforeAll(async () => {
  server = await startServer(readServerConfig({ PORT: "0", FEATURESTORE_URL: "memory://" }, []));
});

afterAll(async () => {
  await server?.stop();
});

/** An urql client with its defaults (queries over GET within the URL limit), recording each request's method. */
function urqlClient(methods: string[]): Client {
  return new Client({
    url: server.url,
    exchanges: [fetchExchange],
    fetch: (input, init) => {
      methods.push(init?.method ?? "GET");
      return fetch(input, init);
    },
  });
}

async function ageOf(entityId: string): Promise<unknown> {
  const value = await server.store.getValue("age", entityId);
  return value?.value;
}

describe("urql with its defaults", () => {
  it("runs queries over GET and mutations over POST, without a CSRF header", async () => {
    const methods: string[] = [];
    const client = urqlClient(methods);
    const read = await client
      .query(
        gql`
          query Age($id: ID!) {
            vector(entityId: $id, featureNames: ["age"]) {
              values
            }
          }
        `,
        { id: "user-1" },
      )
      .toPromise();
    expect(read.error).toBeUndefined();
    expect(read.data).toEqual({ vector: { values: { age: 31 } } });

    const write = await client
      .mutation(
        gql`
          mutation {
            ingest(entityId: "urql-1", features: { age: 21 }) {
              entityId
            }
          }
        `,
        {},
      )
      .toPromise();
    expect(write.error).toBeUndefined();
    expect(await ageOf("urql-1")).toBe(21);
    expect(methods).toEqual(["GET", "POST"]);
  });
});

describe("a browser's EventSource", () => {
  it("subscribes with a plain GET and hears the changes", async () => {
    const stream = await EventStream.get<{ valueChanged: { entityId: string; value: unknown } }>(
      server.url,
      'subscription { valueChanged(entityIds: ["sse-1"]) { entityId value } }',
    );
    try {
      expect(stream.response.status).toBe(200);
      expect(stream.response.headers.get("content-type")).toContain("text/event-stream");
      const write = await fetch(server.url, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          query: 'mutation { ingest(entityId: "sse-1", features: { age: 5 }) { entityId } }',
        }),
      });
      expect(write.status).toBe(200);
      expect((await stream.nextData()).valueChanged).toEqual({ entityId: "sse-1", value: 5 });
    } finally {
      await stream.close();
    }
  });
});

describe("what a page on another site could make a browser send", () => {
  const mutation = 'mutation { ingest(entityId: "forged", features: { age: 66 }) { entityId } }';

  it("cannot run a mutation over GET, as a query or as a subscription stream", async () => {
    for (const accept of ["application/json", "text/event-stream", "*/*"]) {
      const response = await fetch(`${server.url}?query=${encodeURIComponent(mutation)}`, {
        headers: { accept },
      });
      expect(response.status, accept).toBe(405);
      expect(await response.text(), accept).toContain('"code":"BAD_REQUEST"');
    }
    expect(await ageOf("forged")).toBeUndefined();
  });

  it("cannot POST a form, text or a body without a content type", async () => {
    const body = JSON.stringify({ query: mutation });
    for (const contentType of [
      "application/x-www-form-urlencoded",
      "multipart/form-data; boundary=x",
      "text/plain",
      "text/plain;charset=UTF-8",
      "TEXT/PLAIN",
      undefined,
    ]) {
      const response = await fetch(server.url, {
        method: "POST",
        headers: contentType === undefined ? {} : { "content-type": contentType },
        body: contentType === undefined ? new TextEncoder().encode(body) : body,
      });
      expect(response.status, contentType).toBe(403);
      expect(await response.json(), contentType).toEqual({
        errors: [
          {
            message: "Required CSRF header(s) not present",
            extensions: { code: "CSRF_HEADER_REQUIRED" },
          },
        ],
      });
    }
    expect(await ageOf("forged")).toBeUndefined();
  });
});
