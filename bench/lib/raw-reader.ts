import { Cluster, Redis } from "ioredis";
import pg from "pg";
import { currentStatement } from "../../src/store/postgres/postgres-backend.js";
import { schemaFor } from "../../src/store/postgres/postgres-schema.js";
import { entityKeys } from "../../src/store/redis/redis-keys.js";
import { READ_CURRENT_SCRIPT } from "../../src/store/redis/redis-scripts.js";
import { parseRedisClusterUrl } from "../../src/store/redis-cluster/redis-cluster-url.js";

/**
 * A bare database client that fetches exactly what a store's current-value read fetches, with
 * none of the store's work around it (validation, decoding, defaults, error translation). What
 * it takes is the floor under the store's `getVector`/`getVectors`.
 */
export interface RawReader {
  /** What the floor rows are labelled with, e.g. `bare ioredis`. */
  readonly label: string;
  /** Sends the read the store would send for these entities and features; the reply is not decoded. */
  read(entityIds: readonly string[], featureNames: readonly string[]): Promise<unknown>;
  /**
   * How many of the values {@link RawReader.read} fetches exist: checked against the store before
   * the floor is timed, so a floor that reads the wrong keys or table cannot pass for a fast one.
   */
  found(entityIds: readonly string[], featureNames: readonly string[]): Promise<number>;
  /** Closes the client. */
  close(): Promise<void>;
}

/** Removes the store's own query parameters, leaving the URL the client library understands. */
function serverUrl(url: string, storeParams: readonly string[]): { server: string; namespace: string } {
  const parsed = new URL(url);
  const namespace = parsed.searchParams.get("namespace") ?? "default";
  for (const param of storeParams) parsed.searchParams.delete(param);
  return { server: parsed.toString(), namespace };
}

/**
 * The Redis store reads the current values of E entities as one call of its read script, an
 * `HMGET` of each entity's `cur` hash inside Lua answered as one newline-joined text per entity
 * (see `readCurrent` in src/store/redis/redis-backend.ts); the keys come from the store's own
 * `entityKeys`. The floor splits each text into its entries' texts, what a bare client gets from
 * a pipeline of HMGETs, and stops there: no entries, no decoding. A single entity is sent as a
 * plain `HMGET`, the cheapest way to ask for the same data.
 */
async function redisReader(url: string): Promise<RawReader> {
  const { server, namespace } = serverUrl(url, ["namespace", "historyRetention"]);
  const client = new Redis(server, { lazyConnect: true, maxRetriesPerRequest: 0 });
  try {
    await client.connect();
  } catch (err) {
    // Otherwise ioredis keeps reconnecting, and the process never ends.
    client.disconnect();
    throw err;
  }
  return {
    label: "bare ioredis",
    async read(entityIds, featureNames) {
      const [only] = entityIds;
      if (entityIds.length === 1 && only !== undefined) {
        return client.hmget(entityKeys(namespace, only).current, ...featureNames);
      }
      const keys = entityIds.map((id) => entityKeys(namespace, id).current);
      const texts = (await READ_CURRENT_SCRIPT.run(client, keys, featureNames)) as string[];
      return texts.map((text) => text.split("\n"));
    },
    async found(entityIds, featureNames) {
      const pipeline = client.pipeline();
      for (const id of entityIds) pipeline.hmget(entityKeys(namespace, id).current, ...featureNames);
      const replies = (await pipeline.exec()) ?? [];
      return replies.flatMap(([, values]) => values as (string | null)[]).filter((v) => v !== null).length;
    },
    async close() {
      await client.quit();
    },
  };
}

/**
 * The PostgreSQL store reads current values with one named statement over the namespace's
 * `current` table, `currentStatement` of the backend itself, so the two cannot drift apart. The
 * floor sends it and splits each entity's text into its lines, and stops there: no entries, no
 * decoding.
 */
async function postgresReader(url: string): Promise<RawReader> {
  const { server, namespace } = serverUrl(url, ["namespace", "pool_size"]);
  const statement = currentStatement(schemaFor(namespace));
  const pool = new pg.Pool({ connectionString: server, max: 10, options: "-c jit=off" });
  const read = async (entityIds: readonly string[], featureNames: readonly string[]) =>
    (await pool.query<[number, string]>({ ...statement, values: [entityIds, featureNames] })).rows.map(
      ([, lines]) => lines.split("\n"),
    );
  return {
    label: "bare pg",
    // The store passes distinct ids and names; the benchmark's are distinct already.
    read,
    async found(entityIds, featureNames) {
      let live = 0;
      // A live entry's line has a third colon, before its payload.
      for (const lines of await read(entityIds, featureNames)) {
        for (const line of lines) if (line.split(":", 4).length === 4) live++;
      }
      return live;
    },
    async close() {
      await pool.end();
    },
  };
}

/**
 * The cluster store sends the same HMGETs, one pipeline per master. The floor leaves that to
 * ioredis itself: one `hmget` call per entity with auto-pipelining, which batches the commands
 * of one event-loop tick per node.
 */
async function redisClusterReader(url: string): Promise<RawReader> {
  const { nodes, namespace = "default" } = parseRedisClusterUrl(url);
  const cluster = new Cluster(
    nodes.map(({ host, port }) => ({ host, port })),
    { lazyConnect: true, enableAutoPipelining: true, clusterRetryStrategy: () => null },
  );
  try {
    await cluster.connect();
  } catch (err) {
    cluster.disconnect();
    throw err;
  }
  const read = (entityIds: readonly string[], featureNames: readonly string[]) =>
    Promise.all(entityIds.map((id) => cluster.hmget(entityKeys(namespace, id).current, ...featureNames)));
  return {
    label: "bare ioredis Cluster",
    read,
    async found(entityIds, featureNames) {
      return (await read(entityIds, featureNames)).flat().filter((v) => v !== null).length;
    },
    async close() {
      await cluster.quit();
    },
  };
}

/**
 * A bare reader for a Redis, Redis Cluster or PostgreSQL store URL (the same server and
 * namespace the store uses), or `undefined` for a backend that has no separate server to measure against.
 */
export async function openRawReader(url: string): Promise<RawReader | undefined> {
  const scheme = url.slice(0, url.indexOf(":")).toLowerCase();
  if (scheme === "redis" || scheme === "rediss") return redisReader(url);
  if (scheme === "redis+cluster" || scheme === "rediss+cluster") return redisClusterReader(url);
  if (scheme === "postgres" || scheme === "postgresql") return postgresReader(url);
  return undefined;
}
