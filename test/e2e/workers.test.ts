import { randomBytes } from "node:crypto";
import { once } from "node:events";
import { mkdtemp, rm } from "node:fs/promises";
import { request } from "node:http";
import { connect, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { WORKER_HEADER } from "../../src/cluster/cluster-worker.js";
import { dropStore } from "../../src/store/open-store.js";
import { EventStream } from "../event-stream.js";
import { ServerProcess } from "./server-process.js";

/** A reply, and the worker process that sent it. */
interface Reply {
  status: number;
  worker: number;
  body: { data?: Record<string, unknown>; errors?: unknown[] };
}

/**
 * Posts an operation on a connection of its own (no keep-alive pool), so that successive
 * requests are spread over the workers as new connections are.
 */
function post(url: string, query: string, variables: Record<string, unknown> = {}): Promise<Reply> {
  const body = JSON.stringify({ query, variables });
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: "POST", agent: false, headers: { "content-type": "application/json" } },
      (res) => {
        let text = "";
        res.setEncoding("utf8").on("data", (chunk: string) => {
          text += chunk;
        });
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            worker: Number(res.headers[WORKER_HEADER]),
            body: JSON.parse(text) as Reply["body"],
          }),
        );
      },
    );
    req.once("error", reject);
    req.end(body);
  });
}

/** Posts, and fails the test on any GraphQL error. */
async function ok(url: string, query: string, variables: Record<string, unknown> = {}): Promise<Reply> {
  const reply = await post(url, query, variables);
  if (reply.status !== 200 || reply.body.errors)
    throw new Error(`${reply.status} ${JSON.stringify(reply.body)}`);
  return reply;
}

const REGISTER = `mutation ($name: String!) {
  registerFeature(input: { name: $name, featureType: NUMERIC, valueType: INT }) { name }
}`;
const INGEST = `mutation ($entityId: ID!, $features: JSON!) { ingest(entityId: $entityId, features: $features) { values { version } } }`;

/** The pids of the workers that said they listen, in order. */
const workerPids = (server: ServerProcess) =>
  server.lines.filter((line) => line.msg === "worker listening").map((line) => Number(line.pid));

/** Answers from fresh connections until every worker in `pids` answered (or `tries` ran out). */
async function workersAnswering(url: string, tries = 20): Promise<Set<number>> {
  const seen = new Set<number>();
  for (let i = 0; i < tries && seen.size < 2; i++) {
    seen.add((await ok(url, "{ features { name } }")).worker);
  }
  return seen;
}

const stores = [
  {
    name: "sqlite",
    url: (dir: string, _ns: string) => `sqlite://${join(dir, "features.db")}`,
    pubsub: "cluster",
  },
  {
    name: "redis",
    url: (_dir: string, ns: string) => `redis://127.0.0.1:6379/0?namespace=${ns}`,
    pubsub: "redis",
  },
  {
    name: "postgres",
    url: (_dir: string, ns: string) => `postgres://postgres@127.0.0.1:5432/test?namespace=${ns}`,
    pubsub: "postgres",
  },
];

describe.each(stores)("featurestore serve --workers 2 over $name", ({ url: urlOf, pubsub }) => {
  const namespace = `workers_${process.pid}_${randomBytes(4).toString("hex")}`;
  let dir: string;
  let storeUrl: string;
  let server: ServerProcess & { url: string; pid: number };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "fs-workers-"));
    storeUrl = urlOf(dir, namespace);
    server = await ServerProcess.start(["--workers", "2"], {
      PORT: "0",
      FEATURESTORE_URL: storeUrl,
      FEATURESTORE_SHUTDOWN_TIMEOUT_MS: "5000",
    });
    // Three processes start from source: slow on a loaded machine.
  }, 120_000);

  afterAll(async () => {
    server?.kill();
    for (const pid of server ? workerPids(server) : []) {
      try {
        process.kill(pid, "SIGKILL");
      } catch {
        // Already gone.
      }
    }
    await dropStore(storeUrl);
    await rm(dir, { recursive: true, force: true });
  });

  it("answers from two worker processes on one port, having loaded the demo data once", async () => {
    expect(server.pid).toBe(server.child.pid);
    const listening = await server.waitFor((line) => line.msg === "listening");
    expect(listening).toMatchObject({ workers: 2 });
    const pids = workerPids(server);
    expect(pids).toHaveLength(2);
    expect(new Set(pids).size).toBe(2);
    expect(pids).not.toContain(server.pid);
    for (const line of server.lines.filter((l) => l.msg === "worker listening"))
      expect(line.pubsub).toBe(pubsub);
    expect(await workersAnswering(server.url)).toEqual(new Set(pids));
    expect(server.lines.filter((line) => String(line.msg).startsWith("loaded the demo data"))).toHaveLength(
      1,
    );
    const vector = await ok(server.url, '{ vector(entityId: "user-1", featureNames: ["age"]) { values } }');
    expect(vector.body.data).toEqual({ vector: { values: { age: 31 } } });
  });

  it("delivers to one subscriber, once each, the writes that landed on both workers", async () => {
    await ok(server.url, REGISTER, { name: "spread" });
    const stream = await EventStream.open<{ valueChanged: { entityId: string; value: number } }>(
      server.url,
      'subscription { valueChanged(featureNames: ["spread"]) { entityId value } }',
    );
    expect(stream.response.status).toBe(200);
    const n = 24;
    const writers = new Set<number>();
    for (let i = 0; i < n; i++) {
      writers.add((await ok(server.url, INGEST, { entityId: `e${i}`, features: { spread: i } })).worker);
    }
    expect(writers).toEqual(new Set(workerPids(server)));
    // One more, after the others: were any change delivered twice, it would come before this one.
    await ok(server.url, INGEST, { entityId: "last", features: { spread: -1 } });
    const heard: string[] = [];
    for (let i = 0; i <= n; i++) {
      const event = await stream.nextData();
      heard.push(`${event.valueChanged.entityId}=${event.valueChanged.value}`);
    }
    expect(heard.sort()).toEqual([...Array.from({ length: n }, (_, i) => `e${i}=${i}`), "last=-1"].sort());
    expect(heard).toHaveLength(new Set(heard).size);
    await stream.close();
  });

  it("replaces a worker killed with SIGKILL, logging it, and keeps serving", async () => {
    const [victim, survivor] = workerPids(server);
    process.kill(victim ?? 0, "SIGKILL");
    const died = await server.waitFor((line) => line.msg === "a worker died; starting another");
    expect(died).toMatchObject({ worker: victim, signal: "SIGKILL" });
    const replaced = await server.waitFor((line) => line.msg === "worker replaced");
    const replacement = Number(replaced.worker);
    expect([victim, survivor]).not.toContain(replacement);
    expect(await workersAnswering(server.url)).toEqual(new Set([survivor, replacement]));
    await ok(server.url, REGISTER, { name: "after_replacement" });
  }, 120_000);

  it("answers every connection opened while a worker is stopped, once that worker is killed", async () => {
    const [stopped, running] = [...(await workersAnswering(server.url))];
    const { hostname, port } = new URL(server.url);
    process.kill(stopped ?? 0, "SIGSTOP");
    const body = JSON.stringify({ query: "{ features { name } }" });
    const answers = Array.from({ length: 2 }, async () => {
      const socket = connect(Number(port), hostname);
      let received = "";
      socket.setEncoding("utf8").on("data", (chunk: string) => {
        received += chunk;
      });
      const closed = once(socket, "close");
      await once(socket, "connect");
      socket.write(
        `POST /graphql HTTP/1.1\r\nHost: ${hostname}:${port}\r\nConnection: close\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
      await closed;
      return received;
    });
    // The running worker answers (at least) one; the other may be in the stopped worker's hands.
    await Promise.race(answers);
    const before = server.lines.length;
    process.kill(stopped ?? 0, "SIGKILL");
    const died = await server.waitFor(
      (line) => line.msg === "a worker died; starting another" && line.worker === stopped,
    );
    expect(died).toMatchObject({ signal: "SIGKILL" });
    for (const answer of await Promise.all(answers)) {
      expect(answer).toMatch(/^HTTP\/1\.1 200/);
      expect(answer).toContain(`${WORKER_HEADER}: ${running}`);
    }
    await server.waitFor((line) => line.msg === "worker replaced" && server.lines.indexOf(line) >= before);
  }, 120_000);

  it("after a replacement, delivers every write to subscribers of both workers, then ends them on SIGTERM", async () => {
    // Runs after the tests above: one of the two workers is the replacement of the last one killed.
    const replacement = Number(server.lines.filter((line) => line.msg === "worker replaced").at(-1)?.worker);
    await ok(server.url, REGISTER, { name: "replaced" });
    type Changed = { valueChanged: { entityId: string; value: number } };
    const streams: { worker: number; stream: EventStream<Changed> }[] = [];
    // Each open stream holds its connection, so the next one comes on a new connection.
    while (streams.length < 10 && new Set(streams.map((s) => s.worker)).size < 2) {
      const stream = await EventStream.open<Changed>(
        server.url,
        'subscription { valueChanged(featureNames: ["replaced"]) { entityId value } }',
      );
      expect(stream.response.status).toBe(200);
      streams.push({ worker: Number(stream.response.headers.get(WORKER_HEADER)), stream });
    }
    const holders = new Set(streams.map((s) => s.worker));
    expect(holders).toHaveLength(2);
    expect(holders).toContain(replacement);
    const writers = new Set<number>();
    const expected: string[] = [];
    for (let i = 0; i < 20 && (i < 4 || writers.size < 2); i++) {
      writers.add((await ok(server.url, INGEST, { entityId: `r${i}`, features: { replaced: i } })).worker);
      expected.push(`r${i}=${i}`);
    }
    expect(writers).toEqual(holders);
    // One more, after the others: were any change delivered twice, it would come before this one.
    await ok(server.url, INGEST, { entityId: "last", features: { replaced: -1 } });
    expected.push("last=-1");
    for (const { stream } of streams) {
      const heard: string[] = [];
      for (let i = 0; i < expected.length; i++) {
        const { valueChanged } = await stream.nextData();
        heard.push(`${valueChanged.entityId}=${valueChanged.value}`);
      }
      expect(heard.sort()).toEqual([...expected].sort());
    }
    server.child.kill("SIGTERM");
    for (const { stream } of streams) expect(await stream.next()).toBeUndefined();
    expect(await server.exited()).toBe(0);
    expect(server.lines.some((line) => String(line.msg).startsWith("shutdown timeout"))).toBe(false);
  }, 120_000);

  it("drains every worker on SIGTERM, answering the request in flight, and exits 0", async () => {
    // A server of its own over the same store, whose workers have served nothing else yet.
    const server = await ServerProcess.start(["--workers", "2"], {
      PORT: "0",
      FEATURESTORE_URL: storeUrl,
      FEATURESTORE_SHUTDOWN_TIMEOUT_MS: "5000",
    });
    await server.waitFor((line) => line.msg === "listening");
    const { hostname, port } = new URL(server.url);
    const socket: Socket = connect(Number(port), hostname);
    await new Promise<void>((resolve, reject) => socket.once("connect", resolve).once("error", reject));
    let received = "";
    socket.setEncoding("utf8").on("data", (chunk: string) => {
      received += chunk;
    });
    const closed = new Promise<void>((resolve) => socket.once("close", () => resolve()));
    const body = JSON.stringify({
      query: '{ vector(entityId: "user-1", featureNames: ["age"]) { values } }',
    });
    const head = `POST /graphql HTTP/1.1\r\nHost: ${hostname}:${port}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n`;
    // A first whole request proves a worker holds the connection; the second is half sent.
    socket.write(head + body);
    while (!received.includes('"values"')) await new Promise((resolve) => socket.once("data", resolve));
    socket.write(head + body.slice(0, 10));
    const subscriber = await EventStream.open(server.url, "subscription { valueChanged { entityId } }");
    const streamEnded = (async () => {
      while ((await subscriber.next()) !== undefined) {}
    })();

    server.child.kill("SIGTERM");
    // The primary, then each worker, says it is shutting down: all are draining.
    while (server.lines.filter((line) => line.msg === "shutting down").length < 3) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    socket.write(body.slice(10));
    await closed;
    const answers = received.split("HTTP/1.1 ").filter(Boolean);
    expect(answers).toHaveLength(2);
    expect(answers[1]).toMatch(/^200/);
    expect(answers[1]).toContain('{"data":{"vector":{"values":{"age":31}}}}');
    await streamEnded;
    expect(await server.exited()).toBe(0);
    expect(server.lines.filter((line) => line.msg === "stopped")).toHaveLength(3);
    expect(server.lines.some((line) => String(line.msg).startsWith("shutdown timeout"))).toBe(false);
    expect(server.lines.some((line) => line.level >= 50)).toBe(false);
  }, 120_000);
});
