import { randomBytes } from "node:crypto";
import { Redis } from "ioredis";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { dropStore } from "../../src/index.js";
import { schemaFor } from "../../src/store/postgres/postgres-schema.js";
import { namespacePattern } from "../../src/store/redis/redis-keys.js";
import { EventStream } from "../event-stream.js";
import { ServerProcess } from "./server-process.js";

/** How the test reaches one shared backend: its URL, and what it does there besides the servers. */
interface Backend {
  name: "redis" | "redis-cluster" | "postgres";
  url(namespace: string): string;
  /** Kills every connection named `name` from the server side; resolves with how many there were. */
  killConnections(name: string): Promise<number>;
  /** How many connections have a name starting with `prefix`. */
  countConnections(prefix: string): Promise<number>;
  /** Deletes everything stored under the namespace. */
  drop(namespace: string): Promise<void>;
  close(): Promise<void>;
}

function redisBackend(): Backend {
  const server = "redis://127.0.0.1:6379/0";
  const admin = new Redis(server);
  /** `CLIENT LIST` lines: one per connection, `id=... name=... ...`. */
  const clients = async () => ((await admin.call("CLIENT", "LIST")) as string).split("\n");
  const field = (line: string, key: string) => new RegExp(`(?:^| )${key}=(\\S*)`).exec(line)?.[1] ?? "";
  return {
    name: "redis",
    url: (namespace) => `${server}?namespace=${namespace}`,
    async killConnections(name) {
      const ids = (await clients()).filter((line) => field(line, "name") === name).map((l) => field(l, "id"));
      for (const id of ids) await admin.call("CLIENT", "KILL", "ID", id);
      return ids.length;
    },
    countConnections: async (prefix) =>
      (await clients()).filter((line) => field(line, "name").startsWith(prefix)).length,
    async drop(namespace) {
      let cursor = "0";
      do {
        const [next, keys] = await admin.scan(cursor, "MATCH", namespacePattern(namespace), "COUNT", 1000);
        if (keys.length > 0) await admin.unlink(...keys);
        cursor = next;
      } while (cursor !== "0");
    },
    close: async () => {
      await admin.quit();
    },
  };
}

/** The shared local cluster that scripts/redis-cluster.sh starts (CI runs it before the tests). */
function redisClusterBackend(): Backend {
  const ports = [7000, 7001, 7002];
  const admins = ports.map((port) => new Redis({ host: "127.0.0.1", port }));
  /** Every node's `CLIENT LIST` lines, with the node they came from. */
  const clients = async () => {
    const lines: [Redis, string][] = [];
    for (const admin of admins) {
      for (const line of ((await admin.call("CLIENT", "LIST")) as string).split("\n"))
        lines.push([admin, line]);
    }
    return lines;
  };
  const field = (line: string, key: string) => new RegExp(`(?:^| )${key}=(\\S*)`).exec(line)?.[1] ?? "";
  return {
    name: "redis-cluster",
    url: (namespace) => `redis+cluster://127.0.0.1:7000,127.0.0.1:7001/?namespace=${namespace}`,
    async killConnections(name) {
      const found = (await clients()).filter(([, line]) => field(line, "name") === name);
      for (const [admin, line] of found) await admin.call("CLIENT", "KILL", "ID", field(line, "id"));
      return found.length;
    },
    countConnections: async (prefix) =>
      (await clients()).filter(([, line]) => field(line, "name").startsWith(prefix)).length,
    drop: (namespace) => dropStore(`redis+cluster://127.0.0.1:7000/?namespace=${namespace}`),
    close: async () => {
      await Promise.all(admins.map((admin) => admin.quit()));
    },
  };
}

function postgresBackend(): Backend {
  const server = "postgres://postgres@127.0.0.1:5432/test";
  const admin = new pg.Client(server);
  const connected = admin.connect();
  return {
    name: "postgres",
    url: (namespace) => `${server}?namespace=${namespace}`,
    async killConnections(name) {
      await connected;
      const { rows } = await admin.query(
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1",
        [name],
      );
      return rows.length;
    },
    async countConnections(prefix) {
      await connected;
      const { rows } = await admin.query<{ n: number }>(
        "SELECT count(*)::int AS n FROM pg_stat_activity WHERE starts_with(application_name, $1)",
        [prefix],
      );
      return rows[0]?.n ?? 0;
    },
    async drop(namespace) {
      await connected;
      await admin.query(`DROP SCHEMA IF EXISTS ${schemaFor(namespace)} CASCADE`);
    },
    close: () => admin.end(),
  };
}

interface Delivered {
  valueChanged: { featureName: string; entityId: string; value: unknown; version: number };
}

/** Runs an operation on a server and returns its data; any GraphQL error fails the test. */
async function graphql<T = Record<string, unknown>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
): Promise<T> {
  const response = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: T; errors?: unknown[] };
  if (body.errors || !body.data) throw new Error(`${response.status}: ${JSON.stringify(body.errors)}`);
  return body.data;
}

const REGISTER = `mutation ($input: FeatureDefinitionInput!) { registerFeature(input: $input) { name valueType } }`;
const INGEST = `mutation ($entityId: ID!, $features: JSON!) {
  ingest(entityId: $entityId, features: $features) { values { featureName value version } }
}`;
const INGEST_BATCH = `mutation ($records: [JSON!]!) { ingestBatch(records: $records, entityIdField: "id") { processed } }`;
const READ = `query ($featureName: String!, $entityId: ID!) {
  value(featureName: $featureName, entityId: $entityId) { value version timestamp }
  history(featureName: $featureName, entityId: $entityId) { value version timestamp }
}`;
const SUBSCRIBE = (filters: string) =>
  `subscription { valueChanged${filters} { featureName entityId value version } }`;

const register = (url: string, name: string, valueType: string, featureType = "NUMERIC") =>
  graphql(url, REGISTER, { input: { name, featureType, valueType } });

type IngestReply = { ingest: { values: { featureName: string; value: unknown; version: number }[] } };
const ingest = (url: string, entityId: string, features: Record<string, unknown>) =>
  graphql<IngestReply>(url, INGEST, { entityId, features });

describe.each([{ backend: redisBackend }, { backend: redisClusterBackend }, { backend: postgresBackend }])(
  "two server processes over one store ($backend.name)",
  ({ backend: open }) => {
    const backend = open();
    const namespace = `e2e_${process.pid}_${randomBytes(4).toString("hex")}`;
    const env = { PORT: "0", FEATURESTORE_URL: backend.url(namespace), FEATURESTORE_DEMO_DATA: "false" };
    let a: ServerProcess & { url: string };
    let b: ServerProcess & { url: string };

    beforeAll(async () => {
      [a, b] = await Promise.all([ServerProcess.start([], env), ServerProcess.start([], env)]);
    });

    afterAll(async () => {
      a?.kill();
      b?.kill();
      await backend.drop(namespace);
      await backend.close();
    });

    it("runs each replica on the backend's own pubsub", async () => {
      for (const server of [a, b]) {
        const listening = await server.waitFor((line) => line.msg === "listening");
        expect(listening.pubsub).toBe(backend.name);
        const health = await fetch(new URL("/health", server.url));
        expect(health.status).toBe(200);
        expect(await health.json()).toMatchObject({
          status: "ok",
          store: { ok: true, backend: backend.name },
          pubsub: { ok: true, transport: backend.name },
        });
      }
    });

    it("serves a feature registered through one replica through the other at once", async () => {
      await register(a.url, "registered_on_a", "INT");
      const read = await graphql<{ feature: unknown }>(
        b.url,
        `{ feature(name: "registered_on_a") { name valueType } }`,
      );
      expect(read.feature).toEqual({ name: "registered_on_a", valueType: "INT" });
      const written = await ingest(b.url, "e", { registered_on_a: 5 });
      expect(written.ingest.values).toEqual([{ featureName: "registered_on_a", value: 5, version: 1 }]);
    });

    it("registers nothing of the groups that lose a race for one name across the replicas", async () => {
      const REGISTER_GROUP = `mutation ($input: FeatureGroupInput!) { registerGroup(input: $input) { name } }`;
      const attempts = Array.from({ length: 16 }, (_, i) =>
        fetch(i % 2 === 0 ? a.url : b.url, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({
            query: REGISTER_GROUP,
            variables: {
              input: {
                name: "raced",
                features: [
                  { name: "raced_shared", featureType: "NUMERIC", valueType: "INT" },
                  { name: `raced_only_${i}`, featureType: "NUMERIC", valueType: "INT" },
                ],
              },
            },
          }),
        }).then(
          (r) =>
            r.json() as Promise<{
              data?: { registerGroup: unknown };
              errors?: { extensions: { code: string } }[];
            }>,
        ),
      );
      const replies = await Promise.all(attempts);
      const winners = replies.flatMap((r, i) => (r.data?.registerGroup ? [i] : []));
      expect(winners).toHaveLength(1);
      for (const r of replies)
        if (!r.data?.registerGroup) expect(r.errors?.[0]?.extensions.code).toBe("CONFLICT");
      for (const url of [a.url, b.url]) {
        const { features } = await graphql<{ features: { name: string }[] }>(url, "{ features { name } }");
        expect(features.map((f) => f.name).filter((n) => n.startsWith("raced_"))).toEqual(
          ["raced_shared", `raced_only_${winners[0]}`].sort(),
        );
      }
    });

    it("delivers to a subscriber on one replica the values written through the other, filtered", async () => {
      await register(a.url, "watched_num", "INT");
      await register(a.url, "watched_text", "STRING", "TEXT");
      await register(a.url, "unwatched", "INT");
      const stream = await EventStream.open<Delivered>(
        a.url,
        SUBSCRIBE(`(featureNames: ["watched_num", "watched_text"], entityIds: ["e1"])`),
      );
      expect(stream.response.status).toBe(200);
      // Larger than any message either transport carries: it travels as key and version, and
      // replica A reads that version back from the store.
      const large = "x".repeat(100_000);
      await ingest(b.url, "e2", { watched_num: 1 });
      await ingest(b.url, "e1", { unwatched: 2 });
      await ingest(b.url, "e1", { watched_num: 10 });
      await ingest(b.url, "e1", { watched_text: large });
      await ingest(b.url, "e1", { watched_text: "small" });
      await graphql(b.url, INGEST_BATCH, { records: [{ id: "e1", watched_num: 11 }] });
      const delivered = [];
      for (let i = 0; i < 4; i++) delivered.push((await stream.nextData()).valueChanged);
      expect(delivered).toEqual([
        { featureName: "watched_num", entityId: "e1", value: 10, version: 1 },
        { featureName: "watched_text", entityId: "e1", value: large, version: 1 },
        { featureName: "watched_text", entityId: "e1", value: "small", version: 2 },
        { featureName: "watched_num", entityId: "e1", value: 11, version: 2 },
      ]);
      await stream.close();
    });

    it("gives concurrent writes through both replicas versions 1..n, one view of them, and every event to subscribers on both", async () => {
      const n = 200;
      await register(a.url, "counter", "INT");
      const filter = `(featureNames: ["counter"], entityIds: ["shared"])`;
      const streams = [
        await EventStream.open<Delivered>(a.url, SUBSCRIBE(filter)),
        await EventStream.open<Delivered>(b.url, SUBSCRIBE(filter)),
      ];
      const replies = await Promise.all(
        Array.from({ length: n }, (_, i) => ingest(i % 2 === 0 ? a.url : b.url, "shared", { counter: i })),
      );
      // The value written -> the version it was acknowledged with.
      const versionOf = new Map(replies.map((r) => [r.ingest.values[0]?.value, r.ingest.values[0]?.version]));
      expect(versionOf.size).toBe(n);
      expect([...versionOf.values()].sort((x, y) => (x ?? 0) - (y ?? 0))).toEqual(
        Array.from({ length: n }, (_, i) => i + 1),
      );

      type Read = {
        value: { value: number; version: number; timestamp: string };
        history: { value: number; version: number; timestamp: string }[];
      };
      const [onA, onB] = await Promise.all(
        [a.url, b.url].map((url) => graphql<Read>(url, READ, { featureName: "counter", entityId: "shared" })),
      );
      expect(onB).toEqual(onA);
      expect(onA?.history.map((h) => h.version)).toEqual(Array.from({ length: n }, (_, i) => i + 1));
      for (const entry of onA?.history ?? []) expect(versionOf.get(entry.value)).toBe(entry.version);
      expect(versionOf.get(onA?.value.value)).toBe(onA?.value.version);

      for (const stream of streams) {
        const heard = new Map<unknown, number>();
        for (let i = 0; i < n; i++) {
          const { valueChanged } = await stream.nextData();
          expect(heard.has(valueChanged.value)).toBe(false);
          heard.set(valueChanged.value, valueChanged.version);
        }
        expect(heard).toEqual(versionOf);
        await stream.close();
      }
    });

    it("keeps a subscription open through the loss of the pubsub connection, and delivers after it", async () => {
      await register(a.url, "after_outage", "INT");
      const stream = await EventStream.open<Delivered>(a.url, SUBSCRIBE(`(featureNames: ["after_outage"])`));
      // Both replicas name their listening connection after the namespace.
      expect(await backend.killConnections(`fs-${namespace}-listen`)).toBe(2);
      // Nothing was lost before in this run, so the first such line is this recovery's.
      await Promise.all([a, b].map((s) => s.waitFor((line) => line.msg === "pubsub listening again")));
      await ingest(b.url, "e", { after_outage: 1 });
      expect((await stream.nextData()).valueChanged).toEqual({
        featureName: "after_outage",
        entityId: "e",
        value: 1,
        version: 1,
      });
      await stream.close();
      expect(a.child.exitCode).toBeNull();
      expect(b.child.exitCode).toBeNull();
    });

    it("stops both replicas on SIGTERM, closing their pubsub connections", async () => {
      for (const server of [a, b]) server.child.kill("SIGTERM");
      expect(await Promise.all([a.exited(), b.exited()])).toEqual([0, 0]);
      await vi.waitFor(async () => expect(await backend.countConnections(`fs-${namespace}`)).toBe(0), {
        timeout: 5000,
      });
    });
  },
);
