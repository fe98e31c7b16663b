import { mkdtempSync, rmSync } from "node:fs";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { ServerProcess } from "./server-process.js";

const TOKEN = "e2e-write-token";
const dir = mkdtempSync(join(tmpdir(), "featurestore-e2e-"));
const env = {
  PORT: "0",
  FEATURESTORE_URL: `sqlite://${join(dir, "features.db")}`,
  FEATURESTORE_TOKEN: TOKEN,
  FEATURESTORE_SHUTDOWN_TIMEOUT_MS: "30000",
};
const running: ServerProcess[] = [];

afterEach(() => {
  for (const server of running.splice(0)) server.kill();
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
});

async function graphql(url: string, query: string, headers: Record<string, string> = {}) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: unknown[] } };
}

/** Sends a request's head and the first half of its body, leaving it in flight. */
async function startSlowRequest(
  url: string,
  body: string,
): Promise<{ socket: Socket; finish(): Promise<string> }> {
  const { hostname, port } = new URL(url);
  const socket = connect(Number(port), hostname);
  await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
  let received = "";
  socket.setEncoding("utf8").on("data", (chunk: string) => {
    received += chunk;
  });
  const ended = new Promise<void>((resolve) => socket.once("close", () => resolve()));
  const half = Math.floor(body.length / 2);
  socket.write(
    `POST /graphql HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: keep-alive\r\n\r\n${body.slice(0, half)}`,
  );
  return {
    socket,
    async finish() {
      socket.write(body.slice(half));
      await ended;
      return received;
    },
  };
}

describe("the server, run as `npm start` runs it", () => {
  it("serves GraphQL, health and GraphiQL over HTTP, and drains on SIGTERM before exiting 0", async () => {
    const server = await ServerProcess.start([], env);
    running.push(server);
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/graphql$/);
    const origin = new URL(server.url).origin;

    const health = await fetch(`${origin}/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({
      status: "ok",
      store: { ok: true, backend: "sqlite" },
      pubsub: { ok: true, transport: "in-process" },
    });

    // The demo data set was loaded into the new, empty store.
    const vector = await graphql(
      server.url,
      '{ vector(entityId: "user-1", featureNames: ["age", "country", "clicks_7d"]) { values } }',
    );
    expect(vector).toEqual({
      status: 200,
      body: { data: { vector: { values: { age: 31, country: "FR", clicks_7d: 15 } } } },
    });

    const page = await fetch(server.url, { headers: { accept: "text/html" } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("query UserVector");

    const ingest = 'mutation { ingest(entityId: "user-1", features: { age: 45 }) { values { version } } }';
    expect((await graphql(server.url, ingest)).status).toBe(401);
    const written = await graphql(server.url, ingest, { authorization: `Bearer ${TOKEN}` });
    expect(written.body).toEqual({ data: { ingest: { values: [{ version: 2 }] } } });

    const invalid = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: "{",
    });
    expect(invalid.status).toBe(400);

    // An open subscription stream must not hold the shutdown open.
    const subscription = await fetch(server.url, {
      method: "POST",
      headers: { "content-type": "application/json", accept: "text/event-stream" },
      body: JSON.stringify({ query: "subscription { valueChanged { value } }" }),
    });
    expect(subscription.status).toBe(200);
    const streamEnded = subscription.text();

    // A request still sending its body when SIGTERM arrives is answered before the exit.
    const slow = await startSlowRequest(
      server.url,
      JSON.stringify({ query: '{ value(featureName: "age", entityId: "user-1") { value version } }' }),
    );
    server.child.kill("SIGTERM");
    await server.waitFor((line) => line.msg === "shutting down");
    // A new connection (not one from fetch's keep-alive pool, which the drain still serves) is refused.
    const { hostname, port } = new URL(origin);
    const refused = await new Promise<string>((resolve) => {
      const socket = connect(Number(port), hostname);
      socket.once("connect", () => {
        socket.destroy();
        resolve("accepted");
      });
      socket.once("error", () => resolve("refused"));
    });
    expect(refused).toBe("refused");
    const answer = await slow.finish();
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(answer).toContain('{"data":{"value":{"value":45,"version":2}}}');

    expect(await server.exited()).toBe(0);
    await streamEnded;
    expect(server.lines.map((l) => l.msg)).toContain("stopped");
    expect(server.lines.some((l) => String(l.msg).startsWith("shutdown timeout"))).toBe(false);
  });

  it("keeps the data across a restart and does not load the demo data again", async () => {
    const server = await ServerProcess.start([], env);
    running.push(server);
    const reply = await graphql(server.url, '{ history(featureName: "age", entityId: "user-1") { value } }');
    expect(reply.body).toEqual({ data: { history: [{ value: 31 }, { value: 45 }] } });
    expect(server.lines.some((l) => String(l.msg).startsWith("loaded the demo data"))).toBe(false);
    server.child.kill("SIGTERM");
    expect(await server.exited()).toBe(0);
  });

  it("takes its configuration from flags as well as the environment", async () => {
    const server = await ServerProcess.start(["--port", "0", "--no-demo-data", "--no-graphiql"], {
      FEATURESTORE_URL: "memory://",
    });
    running.push(server);
    const reply = await graphql(server.url, "{ features { name } }");
    expect(reply.body).toEqual({ data: { features: [] } });
    const page = await fetch(server.url, { headers: { accept: "text/html" } });
    expect(page.headers.get("content-type") ?? "").not.toContain("text/html");
    server.child.kill("SIGTERM");
    expect(await server.exited()).toBe(0);
  });
});
