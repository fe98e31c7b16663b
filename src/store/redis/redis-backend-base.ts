import type { Cluster, Redis } from "ioredis";
import { BackendUnavailableError, ConfigurationError, type FeatureStoreError } from "../../core/errors.js";
import { logger } from "../../core/logger.js";
import type {
  BackendCapabilities,
  CatalogKind,
  CatalogRecord,
  CurrentScan,
  StoreBackend,
} from "../backend.js";
import type { EntityPage, EntityPageQuery } from "../entity-page.js";
import {
  type AsOfEntry,
  type AsOfRow,
  type EntryKey,
  type EntryWrite,
  HISTORY_TRIMMED,
  type StoredEntry,
} from "../entry.js";
import { decodeEntryText } from "../entry-text.js";
import type { FeatureSummary, SummaryRequest } from "../feature-summary.js";
import { type HistoryPageQuery, pageOfHistory } from "../history-page.js";
import { checkNamespace } from "../namespace.js";
import { NETWORK_ERROR_CODES } from "../network-errors.js";
import { RedisExplorer, scanCurrentKeys } from "./redis-explorer.js";
import { entityKeys, type NamespaceKeys, namespaceKeys, versionField } from "./redis-keys.js";
import { batchReplies, COMMIT_CATALOG_SCRIPT, type ScriptCall } from "./redis-scripts.js";
import { DEFAULT_HISTORY_RETENTION } from "./redis-url.js";

/**
 * How long close() waits for the server to answer QUIT (which lets replies in flight arrive)
 * before it drops the connection: a server that stopped answering would otherwise hold it forever.
 */
const QUIT_TIMEOUT_MS = 1000;

/**
 * What ioredis says when it refuses a command because it is not connected (its offline queue is
 * off): to one server, or to a cluster that is not ready or has lost the node a key lives on.
 */
export const NOT_CONNECTED =
  /Connection is closed|enableOfflineQueue|Stream isn't writeable|Cluster isn't ready|None of startup nodes|Failed to refresh slots cache/;

/** Replies of a cluster node that does not serve a slot (now): the data is unreachable, not refused. */
const CLUSTER_UNAVAILABLE = /^(CLUSTERDOWN|TRYAGAIN|MOVED|ASK)\b/;

/** What every Redis backend, single server or cluster, is built with. */
export interface RedisBaseOptions {
  /**
   * Keeps several stores apart on one server or cluster: 1-50 lowercase letters, digits or `_`
   * (the one rule of every network backend, see {@link checkNamespace}). Default `default`.
   */
  namespace?: string;
  /**
   * History entries kept per (feature, entity) key, default 1000. Older entries are trimmed on
   * write; version numbers go on counting. Reads of a trimmed version find nothing.
   *
   * A read as of a time answers from the retained entries and the current one. When a trimmed
   * entry could have been the answer (one was trimmed whose event time may lie between the best
   * retained candidate and the time asked for), the read returns `null` instead of an older,
   * wrong value: "unknown" is reported as "no value". Reads as of a time later than the current
   * entry, or earlier than every trimmed entry, are always exact.
   */
  historyRetention?: number;
  /**
   * How long connecting may take, in ms, before it fails (ioredis `connectTimeout`, when the
   * connection options do not set it). The store passes its operation timeout.
   */
  connectTimeoutMs?: number;
}

/**
 * What the Redis backends share, whether they talk to one server ({@link RedisBackend}) or a
 * cluster: the key layout and the Lua scripts (every key of an entity carries one hash tag, so
 * each script touches one slot), the catalog, the encoding, error translation and the reads of
 * one key. A subclass connects, and decides how the per-entity commands of a batch reach the
 * server(s): {@link sendAppends}, {@link sendCurrentReads}, {@link sendAsOfReads} and
 * {@link scanServers}.
 */
export abstract class RedisBackendBase<C extends Redis | Cluster> implements StoreBackend {
  abstract readonly name: string;
  readonly capabilities: BackendCapabilities;
  /** The namespace this store reads and writes. */
  readonly namespace: string;
  /** History entries kept per key. */
  readonly historyRetention: number;
  protected readonly keys: NamespaceKeys;
  protected readonly connectTimeoutMs: number | undefined;
  protected client: C | undefined;
  /** Where the store is connected, for messages; never the password. */
  protected serverName = "(not connected yet)";
  private readonly explorer = new RedisExplorer(this);

  /** @throws ConfigurationError for an invalid namespace or retention. */
  protected constructor(options: RedisBaseOptions, atomicAcrossEntities: boolean) {
    this.namespace = checkNamespace(options.namespace ?? "default");
    const retention = options.historyRetention ?? DEFAULT_HISTORY_RETENTION;
    if (!Number.isSafeInteger(retention) || retention < 1) {
      throw new ConfigurationError(`redis historyRetention must be a positive integer, not ${retention}`);
    }
    this.historyRetention = retention;
    this.connectTimeoutMs = options.connectTimeoutMs;
    this.keys = namespaceKeys(this.namespace);
    this.capabilities = {
      atomicAcrossEntities,
      historyRetention: retention,
      durable: true,
      sharedAcrossProcesses: true,
      inProcess: false,
    };
  }

  abstract connect(): Promise<void>;

  /**
   * The servers a scan of the namespace walks (`scanCurrent`, statistics, entity pages): the one
   * server, or every master of a cluster.
   * @throws BackendUnavailableError when one cannot be reached, since a scan would miss its keys.
   */
  abstract scanServers(): Redis[];

  /**
   * Runs the append script once per call (each call holds the writes of one entity) and returns
   * each call's versions, in order. How atomic the calls are together is the subclass's to say,
   * in its capabilities.
   */
  protected abstract sendAppends(calls: readonly ScriptCall[]): Promise<number[][]>;
  /**
   * `HMGET key ...fields` for each current hash, in order: one list of texts per key, `null` or
   * an empty text where a field has no entry.
   */
  protected abstract sendCurrentReads(
    keys: readonly string[],
    fields: readonly string[],
  ): Promise<(string | null)[][]>;
  /** Runs the as-of script once per call (one entity each) and returns each call's answers. */
  protected abstract sendAsOfReads(calls: readonly ScriptCall[]): Promise<(string | number)[][]>;

  async disconnect(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (!client) return;
    // QUIT lets replies in flight arrive first; a rejection only means the connection is gone.
    const quitting = client.quit().catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    const gaveUp = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, QUIT_TIMEOUT_MS);
    });
    try {
      await Promise.race([quitting, gaveUp]);
    } finally {
      clearTimeout(timer);
      client.disconnect();
    }
  }

  async ping(): Promise<void> {
    await this.redis().ping();
  }

  /**
   * Names the failure honestly: a refused command is the server's answer; a connection that cannot
   * be made or was lost says "unreachable"; anything else is a failure inside the store itself
   * (a bug, not an outage) and says so, since retrying will not help. All stay BACKEND_UNAVAILABLE.
   */
  translateError(err: unknown): FeatureStoreError {
    const name = err instanceof Error ? err.name : "";
    const text = err instanceof Error ? err.message : String(err);
    const code = (err as { code?: unknown } | null)?.code;
    const where = `${this.name} at ${this.serverName} (namespace "${this.namespace}")`;
    const retry = "the store reconnects by itself, retry later";
    let message: string;
    if (name === "ReplyError" && CLUSTER_UNAVAILABLE.test(text)) {
      message = `${where} is unreachable for this data: ${text}; ${retry}`;
    } else if (name === "ReplyError") {
      message = `${where} refused a command: ${text}`;
    } else if (name === "MaxRetriesPerRequestError") {
      // The request was sent but its reply never came: a write may or may not have been applied.
      message = `${where} is unreachable: the connection was lost with the request in flight (a write may or may not have been applied); ${retry}`;
    } else if (name === "AbortError" || name === "ClusterAllFailedError" || NOT_CONNECTED.test(text)) {
      // ioredis refuses commands while it reconnects (the store disables its offline queue).
      message = `${where} is unreachable: not connected (${text}); ${retry}`;
    } else if (typeof code === "string" && NETWORK_ERROR_CODES.has(code)) {
      message = `${where} is unreachable: ${text}; ${retry}`;
    } else {
      message = `${where}: the store failed with ${name || "an error"}: ${text} (a fault in the store, not a connection problem; retrying will not help)`;
    }
    return new BackendUnavailableError(
      message,
      { backend: this.name, namespace: this.namespace },
      { cause: err },
    );
  }

  async commitCatalog(records: readonly CatalogRecord[]): Promise<(string | null)[]> {
    const kinds = [...new Set(records.map((r) => r.kind))];
    const args: string[] = [];
    for (const r of records) args.push(String(kinds.indexOf(r.kind) + 1), r.name, String(r.version), r.body);
    const keys = kinds.map((kind) => this.keys.catalog(kind));
    return (await COMMIT_CATALOG_SCRIPT.run(this.redis(), keys, args)) as (string | null)[];
  }

  async loadCatalog(kind: CatalogKind, names?: readonly string[]): Promise<CatalogRecord[]> {
    const client = this.redis();
    const key = this.keys.catalog(kind);
    if (names?.length === 0) return [];
    const rows: [string, string | null][] = names
      ? ((await client.call("HMGET", [key, ...names])) as (string | null)[]).map((list, i) => [
          names[i] as string,
          list,
        ])
      : Object.entries(await client.hgetall(key));
    return rows.flatMap(([name, list]) =>
      list === null
        ? []
        : (JSON.parse(list) as string[]).map((body, i) => ({ kind, name, version: i + 1, body })),
    );
  }

  async appendEntries(writes: readonly EntryWrite[]): Promise<number[]> {
    const byEntity = groupByEntity(writes);
    const calls = [...byEntity].map(([entityId, indices]) => {
      const keys = entityKeys(this.namespace, entityId);
      const callKeys = [keys.current, keys.sequence, keys.trimmed];
      const args = [String(this.historyRetention)];
      for (const i of indices) {
        const write = writes[i] as EntryWrite;
        callKeys.push(keys.history(write.featureName), keys.timeline(write.featureName));
        args.push(
          write.featureName,
          String(write.eventTimeMs),
          write.payload === null ? "d" : "v",
          write.payload ?? "",
        );
      }
      return { keys: callKeys, args };
    });
    const results = await this.sendAppends(calls);
    const versions = new Array<number>(writes.length);
    [...byEntity.values()].forEach((indices, call) => {
      const assigned = results[call] as number[];
      indices.forEach((i, k) => {
        versions[i] = assigned[k] as number;
      });
    });
    return versions;
  }

  async readCurrent(
    entityIds: readonly string[],
    featureNames: readonly string[],
  ): Promise<(StoredEntry | undefined)[]> {
    // One HMGET per distinct entity.
    const row = new Map<string, number>();
    for (const entityId of entityIds) if (!row.has(entityId)) row.set(entityId, row.size);
    const keys = [...row.keys()].map((entityId) => entityKeys(this.namespace, entityId).current);
    const rows = await this.sendCurrentReads(keys, featureNames);
    const width = featureNames.length;
    const out: (StoredEntry | undefined)[] = new Array(entityIds.length * width);
    for (let e = 0; e < entityIds.length; e++) {
      const texts = rows[row.get(entityIds[e] as string) as number] as (string | null)[];
      for (let f = 0; f < width; f++) {
        const text = texts[f];
        out[e * width + f] = text ? decodeEntryText(text) : undefined;
      }
    }
    return out;
  }

  async readVersion(key: EntryKey, version: number): Promise<StoredEntry | undefined> {
    const history = entityKeys(this.namespace, key.entityId).history(key.featureName);
    const text = await this.redis().hget(history, versionField(version));
    return text === null ? undefined : decodeEntryText(text);
  }

  /**
   * One script call per distinct entity, holding all of its (row, feature) pairs; each call
   * touches the keys of one hash tag (one cluster slot).
   */
  async readAsOf(rows: readonly AsOfRow[], featureNames: readonly string[]): Promise<AsOfEntry[]> {
    const width = featureNames.length;
    const out: AsOfEntry[] = new Array(rows.length * width);
    if (rows.length === 0 || width === 0) return out;
    const byEntity = groupByEntity(rows);
    const calls = [...byEntity].map(([entityId, indices]) => {
      const keys = entityKeys(this.namespace, entityId);
      const callKeys = [keys.current, keys.trimmed];
      const args: string[] = [];
      for (const r of indices) {
        const asOf = String((rows[r] as AsOfRow).asOfMs);
        for (const name of featureNames) {
          callKeys.push(keys.timeline(name), keys.history(name));
          args.push(name, asOf);
        }
      }
      return { keys: callKeys, args };
    });
    const replies = await this.sendAsOfReads(calls);
    [...byEntity.values()].forEach((indices, call) => {
      const answers = replies[call] as (string | number)[];
      let k = 0;
      for (const r of indices) {
        for (let f = 0; f < width; f++) {
          const answer = answers[k++];
          out[r * width + f] =
            typeof answer === "string" ? decodeEntryText(answer) : answer === 1 ? HISTORY_TRIMMED : undefined;
        }
      }
    });
    return out;
  }

  async readHistory(key: EntryKey): Promise<StoredEntry[]> {
    const history = entityKeys(this.namespace, key.entityId).history(key.featureName);
    const texts = Object.values(await this.redis().hgetall(history));
    return texts.map((text) => decodeEntryText(text)).sort((a, b) => a.version - b.version);
  }

  async scanCurrent(featureName: string, limit: number): Promise<CurrentScan> {
    const entries: StoredEntry[] = [];
    const complete = await scanCurrentKeys(
      this.scanServers(),
      this.namespace,
      limit,
      async (server, keys) => {
        const pipeline = server.pipeline();
        for (const key of keys) pipeline.hget(key, featureName);
        for (const text of (await batchReplies(pipeline)) as (string | null)[]) {
          const entry = text === null ? undefined : decodeEntryText(text);
          if (entry && entry.payload !== null) entries.push(entry);
        }
      },
    );
    return { entries, complete };
  }

  async summarizeFeature(request: SummaryRequest): Promise<FeatureSummary> {
    return this.explorer.summarize(request);
  }

  async listEntities(query: EntityPageQuery): Promise<EntityPage> {
    return this.explorer.listEntities(query);
  }

  /** The kept history is at most `historyRetention` entries: read whole, paged in process. */
  async readHistoryPage(key: EntryKey, query: HistoryPageQuery): Promise<StoredEntry[]> {
    return pageOfHistory(await this.readHistory(key), query);
  }

  /**
   * Logs one warning when a server's persistence may lose acknowledged writes (see
   * {@link RedisBackend}). A server that refuses CONFIG is left unchecked; any other failure
   * fails open().
   */
  protected async checkDurability(server: Redis, serverName: string): Promise<void> {
    let reply: unknown;
    try {
      // One pattern rather than two names: CONFIG GET takes several parameters only from Redis 7.
      reply = await server.config("GET", "append*");
    } catch (err) {
      if (!(err instanceof Error) || err.name !== "ReplyError") throw err;
      logger.info(
        { backend: this.name, server: serverName, err: err.message },
        "redis refused CONFIG GET; its persistence settings are not checked",
      );
      return;
    }
    const settings = new Map<string, string>();
    if (Array.isArray(reply)) {
      for (let i = 0; i + 1 < reply.length; i += 2) settings.set(String(reply[i]), String(reply[i + 1]));
    }
    const appendonly = settings.get("appendonly");
    const appendfsync = settings.get("appendfsync");
    if (appendonly === "yes" && appendfsync === "always") return;
    const loss =
      appendonly !== "yes"
        ? "every write since the last RDB snapshot"
        : appendfsync === "everysec"
          ? "up to about one second of acknowledged writes"
          : "acknowledged writes the operating system has not flushed yet";
    logger.warn(
      { backend: this.name, server: serverName, appendonly, appendfsync, lossOnCrash: loss },
      `redis persistence does not keep every acknowledged write: a crash loses ${loss}; set appendonly yes and appendfsync always`,
    );
  }

  /** The connected client. @throws BackendUnavailableError before connect() or after disconnect(). */
  protected redis(): C {
    if (!this.client) {
      throw new BackendUnavailableError(`${this.name} at ${this.serverName} is not connected`, {
        backend: this.name,
        namespace: this.namespace,
      });
    }
    return this.client;
  }
}

/** The indices of the items of each entity, entities in order of first appearance. */
function groupByEntity(items: readonly { readonly entityId: string }[]): Map<string, number[]> {
  const byEntity = new Map<string, number[]>();
  items.forEach((item, i) => {
    const indices = byEntity.get(item.entityId);
    if (indices) indices.push(i);
    else byEntity.set(item.entityId, [i]);
  });
  return byEntity;
}
