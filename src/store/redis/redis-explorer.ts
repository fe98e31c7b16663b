import type { Redis } from "ioredis";
import { type EntityPage, type EntityPageQuery, pageOfIds } from "../entity-page.js";
import type { AsOfEntry, AsOfRow, StoredEntry } from "../entry.js";
import { decodeEntryText } from "../entry-text.js";
import { type FeatureSummary, type SummaryRequest, summarizeInForce } from "../feature-summary.js";
import { currentKeyPattern, entityIdOfCurrentKey, entityKeys } from "./redis-keys.js";
import { batchReplies } from "./redis-scripts.js";

/**
 * Keys one SCAN call asks the server to look at. SCAN walks the whole database whatever the
 * pattern, so on a database shared with other data most keys it looks at are not ours: 10,000
 * per call walks 1.6 million keys in about 160 round trips (5 s on a loaded test machine; 1000
 * per call took 9 s).
 */
const SCAN_COUNT = 10_000;

/**
 * Walks the current hashes of a namespace's entities with `SCAN MATCH`, server after server
 * (SCAN walks one server: a cluster's keys are spread over its masters), each key once, handing
 * `visit` one batch at a time with the server that holds it (so the caller's per-entity commands
 * go to that server in one round trip: an entity's keys share its hash tag). Stops after `limit`
 * keys. Resolves to whether it saw every key: Redis has no index of entities, so a bound is the
 * only thing that keeps a scan of a large namespace short.
 */
export async function scanCurrentKeys(
  servers: readonly Redis[],
  namespace: string,
  limit: number,
  visit: (server: Redis, keys: string[]) => Promise<void>,
): Promise<boolean> {
  const pattern = currentKeyPattern(namespace);
  // SCAN may return a key twice (while the server rehashes): an entity counts once.
  const seen = new Set<string>();
  for (const server of servers) {
    let cursor = "0";
    do {
      const [next, keys] = await server.scan(cursor, "MATCH", pattern, "COUNT", SCAN_COUNT);
      cursor = next;
      const fresh = keys.filter((key) => !seen.has(key));
      const taken = fresh.slice(0, limit - seen.size);
      for (const key of taken) seen.add(key);
      if (taken.length > 0) await visit(server, taken);
      if (seen.size >= limit && (taken.length < fresh.length || cursor !== "0")) return false;
    } while (cursor !== "0");
  }
  return true;
}

/** What a Redis backend needs of itself to explore: the servers to scan and its as-of read. */
export interface RedisExplorerHost {
  /** The namespace explored. */
  readonly namespace: string;
  /** The servers holding the namespace's keys: one, or a cluster's masters. */
  scanServers(): Redis[];
  /** The backend's batched as-of read (see `StoreBackend.readAsOf`). */
  readAsOf(rows: readonly AsOfRow[], featureNames: readonly string[]): Promise<AsOfEntry[]>;
}

/**
 * What the Redis backend answers for exploring. Redis has no index of a feature's entities, so
 * statistics and entity pages come from a bounded scan of the entities' current hashes (at most
 * `scanLimit` entities; past it the answer is of a sample, in SCAN order, and says
 * `complete: false`), and entity pages are sorted in process. The figures of the entities seen
 * are the reference computation (`summarizeInForce`), so they match every other backend's.
 */
export class RedisExplorer {
  constructor(private readonly host: RedisExplorerHost) {}

  async summarize(request: SummaryRequest): Promise<FeatureSummary> {
    const { namespace } = this.host;
    const inForce: StoredEntry[] = [];
    const history: { eventTimeMs: number; deletion: boolean }[] = [];
    const ahead: string[] = [];
    let trimmed = false;
    const servers = this.host.scanServers();
    const complete = await scanCurrentKeys(servers, namespace, request.scanLimit, async (client, keys) => {
      const current = (await batchReplies(
        keys.reduce((p, key) => p.hget(key, request.featureName), client.pipeline()),
      )) as (string | null)[];
      const holders: { entityId: string; current: StoredEntry }[] = [];
      current.forEach((text, i) => {
        if (text === null) return;
        const entityId = entityIdOfCurrentKey(namespace, keys[i] as string);
        const entry = decodeEntryText(text);
        holders.push({ entityId, current: entry });
        if (entry.eventTimeMs > request.nowMs) ahead.push(entityId);
        else inForce.push(entry);
      });
      if (holders.length === 0) return;
      // Every kept entry's time and kind for the writes over time; without them, only the first
      // event time, from the head of the timeline (the current entry has the last).
      const pipeline = client.pipeline();
      for (const { entityId } of holders) {
        const keysOf = entityKeys(namespace, entityId);
        if (request.writes === null)
          pipeline.zrange(keysOf.timeline(request.featureName), 0, 0, "WITHSCORES");
        else pipeline.hvals(keysOf.history(request.featureName));
      }
      const replies = (await batchReplies(pipeline)) as string[][];
      replies.forEach((reply, i) => {
        if (request.writes === null) {
          const last = (holders[i] as (typeof holders)[number]).current;
          history.push({ eventTimeMs: last.eventTimeMs, deletion: last.payload === null });
          if (reply[1] !== undefined) history.push({ eventTimeMs: Number(reply[1]), deletion: false });
          return;
        }
        for (const text of reply) {
          const entry = decodeEntryText(text);
          history.push({ eventTimeMs: entry.eventTimeMs, deletion: entry.payload === null });
        }
      });
    });
    if (ahead.length > 0) {
      const rows = ahead.map((entityId) => ({ entityId, asOfMs: request.nowMs }));
      for (const entry of await this.host.readAsOf(rows, [request.featureName])) {
        // An answer lost to trimming is unknown: the figures then leave that entity out.
        if (entry === "trimmed") trimmed = true;
        else if (entry !== undefined) inForce.push(entry);
      }
    }
    return summarizeInForce(request, inForce, history, complete && !trimmed);
  }

  async listEntities(query: EntityPageQuery): Promise<EntityPage> {
    const { namespace } = this.host;
    const names = query.featureNames;
    const ids: string[] = [];
    const servers = this.host.scanServers();
    const complete = await scanCurrentKeys(servers, namespace, query.scanLimit, async (client, keys) => {
      if (names === null) {
        for (const key of keys) ids.push(entityIdOfCurrentKey(namespace, key));
        return;
      }
      const pipeline = client.pipeline();
      for (const key of keys) pipeline.call("HMGET", [key, ...names]);
      const rows = (await batchReplies(pipeline)) as (string | null)[][];
      rows.forEach((row, i) => {
        if (row.some((text) => text !== null)) ids.push(entityIdOfCurrentKey(namespace, keys[i] as string));
      });
    });
    return pageOfIds(ids, query, complete);
  }
}
