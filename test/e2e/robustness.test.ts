import { connect, type Socket } from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { startServer } from "../../src/server.js";
import { readServerConfig } from "../../src/server-config.js";
import { EventStream } from "../event-stream.js";
import { ServerProcess } from "./server-process.js";

const running: ServerProcess[] = [];
const sockets: Socket[] = [];

afterEach(() => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const server of running.splice(0)) server.kill();
});

async function start(env: Record<string, string>): Promise<ServerProcess & { url: string }> {
  const server = await ServerProcess.start([], {
    PORT: "0",
    FEATURESTORE_URL: "memory://",
    FEATURESTORE_SHUTDOWN_TIMEOUT_MS: "2000",
    ...env,
  });
  running.push(server);
  return server;
}

async function ingestBatch(url: string, records: Record<string, unknown>[]): Promise<unknown> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      query: 'mutation($r: [JSON!]!) { ingestBatch(records: $r, entityIdField: "id") { processed } }',
      variables: { r: records },
    }),
  });
  return response.json();
}

/** Opens a TCP connection to the server and keeps it for the test (destroyed afterwards). */
async function openSocket(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  return socket;
}

/** Everything the server sends on a socket until it closes the connection. */
function receivedUntilClosed(socket: Socket): Promise<string> {
  let received = "";
  socket.setEncoding("utf8").on("data", (chunk: string) => {
    received += chunk;
  });
  return new Promise((resolve) => socket.once("close", () => resolve(received)));
}

describe("the server under a subscriber that cannot keep up", () => {
  it("survives a batch of 1100 writes with a subscriber listening, and delivers every change", async () => {
    const server = await start({});
    const stream = await EventStream.open<{ valueChanged: { entityId: string } }>(
      server.url,
      "subscription { valueChanged { featureName entityId version } }",
    );
    const records = Array.from({ length: 1100 }, (_, i) => ({ id: `b${i}`, age: i }));
    expect(await ingestBatch(server.url, records)).toEqual({ data: { ingestBatch: { processed: 1100 } } });
    const heard: string[] = [];
    for (let i = 0; i < 1100; i++) heard.push((await stream.nextData()).valueChanged.entityId);
    expect(heard).toEqual(records.map((r) => r.id));
    expect((await fetch(`${new URL(server.url).origin}/health`)).status).toBe(200);
    expect(server.child.exitCode).toBeNull();
    await stream.close();
  });

  it("cuts off a subscriber whose socket is never read, logging it once, and keeps serving", async () => {
    const server = await start({ FEATURESTORE_MAX_QUEUED_EVENTS: "500" });
    const socket = await openSocket(server.url);
    const body = JSON.stringify({ query: "subscription { valueChanged { featureName entityId value } }" });
    const { host } = new URL(server.url);
    socket.write(
      `POST /graphql HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nAccept: text/event-stream\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
    );
    // Never read: once the kernel's buffers are full, the server cannot send this client more.
    socket.pause();
    const cutOff = server.waitFor((line) => String(line.msg).includes("fell too far behind"));
    let seen = false;
    void cutOff.then(() => {
      seen = true;
    });
    const big = "x".repeat(4000);
    // Batches of 200 records x 2 features, each change carrying 4 kB: the buffers fill within a
    // few batches, then the subscriber's queue does.
    for (let batch = 0; batch < 60 && !seen; batch++) {
      const records = Array.from({ length: 200 }, (_, i) => ({ id: `s${batch}-${i}`, age: i, country: big }));
      expect(await ingestBatch(server.url, records)).toEqual({ data: { ingestBatch: { processed: 200 } } });
    }
    await cutOff;
    // More writes after the cut-off reach nobody's queue, and the server answers as before.
    for (let batch = 0; batch < 3; batch++) {
      const records = Array.from({ length: 200 }, (_, i) => ({ id: `t${batch}-${i}`, age: i, country: big }));
      expect(await ingestBatch(server.url, records)).toEqual({ data: { ingestBatch: { processed: 200 } } });
    }
    expect((await fetch(`${new URL(server.url).origin}/health`)).status).toBe(200);
    expect(server.child.exitCode).toBeNull();
    expect(server.lines.filter((l) => String(l.msg).includes("fell too far behind"))).toHaveLength(1);
    expect(server.lines.filter((l) => l.level >= 50)).toEqual([]);
  });
});

describe("the server's subscriptions", () => {
  it("refuses one past the limit, and frees the place of a client that disconnected", async () => {
    const server = await start({ FEATURESTORE_MAX_SUBSCRIPTIONS: "1" });
    const query = 'subscription { valueChanged(entityIds: ["user-4"]) { entityId value } }';
    const first = await EventStream.open<{ valueChanged: { value: unknown } }>(server.url, query);
    const refused = await EventStream.open(server.url, query);
    expect((await refused.next())?.errors).toEqual([
      expect.objectContaining({
        extensions: expect.objectContaining({ code: "LIMIT_EXCEEDED", limit: "subscriptions" }),
      }),
    ]);
    // The client goes away. (That its place comes free without waiting for a change is shown in
    // process, in test/graphql/subscriptions.test.ts, where no write can hide the wait.)
    await first.close();
    let value = 0;
    await vi.waitFor(
      async () => {
        const next = await EventStream.open<{ valueChanged: { value: unknown } }>(server.url, query);
        try {
          value++;
          await fetch(server.url, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({
              query: `mutation { ingest(entityId: "user-4", features: { age: ${value} }) { entityId } }`,
            }),
          });
          expect((await next.next())?.data?.valueChanged.value).toBe(value);
        } finally {
          await next.close();
        }
      },
      { timeout: 10_000, interval: 50 },
    );
  });
});

describe("the server's HTTP timeouts", () => {
  it("answers 408 and closes a connection whose headers or body do not arrive in time", async () => {
    const server = await start({
      FEATURESTORE_HEADERS_TIMEOUT_MS: "300",
      FEATURESTORE_REQUEST_TIMEOUT_MS: "600",
    });
    const { host } = new URL(server.url);
    const slowHeaders = await openSocket(server.url);
    const headersAnswer = receivedUntilClosed(slowHeaders);
    slowHeaders.write(`POST /graphql HTTP/1.1\r\nHost: ${host}\r\n`);
    expect(await headersAnswer).toMatch(/^HTTP\/1\.1 408/);

    const slowBody = await openSocket(server.url);
    const bodyAnswer = receivedUntilClosed(slowBody);
    slowBody.write(
      `POST /graphql HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"query":`,
    );
    expect(await bodyAnswer).toMatch(/^HTTP\/1\.1 408/);
    expect((await fetch(`${new URL(server.url).origin}/health`)).status).toBe(200);
  });

  it("applies the configured timeouts and connection limit to the HTTP server", async () => {
    const config = readServerConfig(
      { PORT: "0", FEATURESTORE_URL: "memory://", FEATURESTORE_DEMO_DATA: "false" },
      ["--request-timeout-ms", "20000", "--headers-timeout-ms", "4000", "--keep-alive-timeout-ms", "7000"],
    );
    const server = await startServer({ ...config, maxConnections: 42 });
    try {
      expect(server.http.requestTimeout).toBe(20_000);
      expect(server.http.headersTimeout).toBe(4000);
      expect(server.http.keepAliveTimeout).toBe(7000);
      expect(server.http.maxConnections).toBe(42);
    } finally {
      await server.stop();
    }
  });

  it("refuses to start with an empty token instead of serving an open API", async () => {
    // A server that did start anyway is stopped after the test like the others.
    const started = ServerProcess.start([], {
      PORT: "0",
      FEATURESTORE_URL: "memory://",
      FEATURESTORE_TOKEN: "",
    }).then((server) => {
      running.push(server);
      return server;
    });
    await expect(started).rejects.toThrow(/FEATURESTORE_TOKEN is set but empty/);
  });
});
