import { afterEach, describe, expect, it } from "vitest";
import { EventStream } from "../event-stream.js";
import { type LogLine, ServerProcess } from "./server-process.js";

const WRITE_TOKEN = "write-secret-token-1";
const READ_TOKEN = "read-secret-token-2";
const env = {
  PORT: "0",
  FEATURESTORE_URL: "memory://",
  FEATURESTORE_TOKEN: WRITE_TOKEN,
  FEATURESTORE_READ_TOKEN: READ_TOKEN,
  FEATURESTORE_MAX_QUEUED_EVENTS: "5",
};
const running: ServerProcess[] = [];

afterEach(() => {
  for (const server of running.splice(0)) server.kill();
});

async function post(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${READ_TOKEN}`, ...headers },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  return { response, text };
}

/** The request line of the request with this id, once logged. */
function requestLine(server: ServerProcess, id: string): Promise<LogLine> {
  return server.waitFor((line) => line.msg === "request" && line.requestId === id);
}

describe("request logs, from the server process", () => {
  it("logs one line per request with its facts, under the client's request id, echoed back", async () => {
    const server = await ServerProcess.start([], env);
    running.push(server);
    const { response, text } = await post(
      server.url,
      {
        query: 'query ReadAge($id: ID!) { vector(entityId: $id, featureNames: ["age"]) { values } }',
        variables: { id: "secret-entity-77" },
      },
      { "x-request-id": "trace-abc.123" },
    );
    expect(response.status).toBe(200);
    expect(response.headers.get("x-request-id")).toBe("trace-abc.123");
    const line = await requestLine(server, "trace-abc.123");
    expect(line).toMatchObject({
      level: 30,
      method: "POST",
      path: "/graphql",
      operationName: "ReadAge",
      operationType: "query",
      status: 200,
      bytesOut: Buffer.byteLength(text),
    });
    expect(line.durationMs).toBeGreaterThan(0);
    expect(line.errorCodes).toBeUndefined();
    expect(server.lines.filter((l) => l.requestId === "trace-abc.123")).toHaveLength(1);
  });

  it("generates an id when the client's is missing or not sane, and logs error codes", async () => {
    const server = await ServerProcess.start([], env);
    running.push(server);
    const insane = ["has space", "x".repeat(200), 'quote"d'];
    const ids: string[] = [];
    for (const sent of insane) {
      const { response } = await post(
        server.url,
        { query: "{ features { name } }" },
        { "x-request-id": sent },
      );
      const id = response.headers.get("x-request-id") ?? "";
      expect(id).toMatch(/^[0-9a-f-]{36}$/);
      ids.push(id);
    }
    expect(new Set(ids).size).toBe(3);
    const { response } = await post(server.url, { query: "query Broken { nope }" });
    const id = response.headers.get("x-request-id") ?? "";
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await requestLine(server, id)).toMatchObject({
      status: 400,
      operationName: "Broken",
      operationType: "query",
      errorCodes: ["GRAPHQL_VALIDATION_FAILED"],
    });
    const refused = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-request-id": "refused-1" },
      body: JSON.stringify({ query: "{ features { name } }" }),
    });
    expect(refused.status).toBe(401);
    expect(await requestLine(server, "refused-1")).toMatchObject({
      status: 401,
      errorCodes: ["UNAUTHENTICATED"],
    });
    // Other endpoints get their line too.
    const health = await fetch(`${new URL(server.url).origin}/health`, {
      headers: { "x-request-id": "health-1" },
    });
    expect(health.headers.get("x-request-id")).toBe("health-1");
    expect(await requestLine(server, "health-1")).toMatchObject({
      method: "GET",
      path: "/health",
      status: 200,
    });
  });

  it("writes no token, variable or value, and carries the id on every line of the request", async () => {
    const server = await ServerProcess.start([], env);
    running.push(server);
    const stream = await EventStream.open(server.url, "subscription { valueChanged { entityId } }", {
      authorization: `Bearer ${READ_TOKEN}`,
      "x-request-id": "listener-1",
    });
    // Ten changes at once: the stream holds five, so it is cut off while the mutation runs.
    const records = Array.from({ length: 10 }, (_, i) => ({
      id: `secret-entity-${i}`,
      country: "secret-value-FR",
    }));
    const { response } = await post(
      server.url,
      {
        query:
          'mutation Load($records: [JSON!]!) { ingestBatch(records: $records, entityIdField: "id") { processed } }',
        variables: { records },
      },
      { authorization: `Bearer ${WRITE_TOKEN}`, "x-request-id": "writer-1" },
    );
    expect(response.status).toBe(200);
    await requestLine(server, "writer-1");
    const tooSlow = await server.waitFor((line) => String(line.msg).includes("too far behind"));
    // Logged while the write that overflowed the stream was served: it carries that request's id.
    expect(tooSlow.requestId).toBe("writer-1");
    await stream.close().catch(() => undefined);
    const log = server.log();
    for (const secret of [WRITE_TOKEN, READ_TOKEN, "secret-entity", "secret-value", "Bearer"]) {
      expect(log).not.toContain(secret);
    }
  });
});
