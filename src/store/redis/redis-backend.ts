import { Redis, type RedisOptions } from "ioredis";
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
import type { FeatureSummary, SummaryRequest } from "../feature-summary.js";
import { type HistoryPageQuery, pageOfHistory } from "../history-page.js";
import { checkNamespace } from "../namespace.js";
import { RedisExplorer, scanCurrentKeys } from "./redis-explorer.js";
import { entityKeys, type NamespaceKeys, namespaceKeys, versionField } from "./redis-keys.js";
import {
  APPEND_SCRIPT,
  AS_OF_SCRIPT,
  batchReplies,
  COMMIT_CATALOG_SCRIPT,
  decodeEntry,
  MIGRATE_CATALOG_SCRIPT,
} from "./redis-scripts.js";
import { DEFAULT_HISTORY_RETENTION } from "./redis-url.js";

/**
 * How long close() waits for the server to answer QUIT (which lets replies in flight arrive)
 * before it drops the connection: a server that stopped answering would otherwise hold it forever.
 */
const QUIT_TIMEOUT_MS = 1000;

/** Node error codes of a connection that cannot be made or was cut. */
const NETWORK_ERRORS = new Set([
  "ECONNREFUSED",
  "ECONNRESET",
  "EPIPE",
  "ETIMEDOUT",
  "ENOTFOUND",
  "EAI_AGAIN",
  "EHOSTUNREACH",
  "ENETUNREACH",
]);

/** What Redis answers to SELECT of a database it does not have. */
const WRONG_DATABASE = /DB index is out of range|invalid DB index/i;

/** What ioredis says when it refuses a command because it is not connected (its offline queue is off). */
const NOT_CONNECTED = /Connection is closed|enableOfflineQueue|Stream isn't writeable/;

/** Options of the Redis backend. */
export interface RedisBackendOptions {
  /**
   * How long connecting may take, in ms, before it fails (ioredis `connectTimeout`, when the
   * connection options do not set it). The store passes its operation timeout.
   */
  connectTimeoutMs?: number;
  /**
   * The server: a `redis://[user:password@]host:port/db` URL or ioredis options.
   * Default `redis://127.0.0.1:6379`. The store sets `lazyConnect`, `enableOfflineQueue: false`,
   * `maxRetriesPerRequest: 0` and `autoResendUnfulfilledCommands: false` itself, so a lost
   * connection fails requests at once and a write is never sent twice.
   */
  connection?: string | RedisOptions;
  /**
   * Keeps several stores apart in one database: 1-50 lowercase letters, digits or `_` (the one
   * rule of every network backend, see {@link checkNamespace}). Default `default`.
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
}

/**
 * A backend in Redis (ioredis), for many processes sharing one server. Versions are assigned by
 * Lua scripts inside Redis, so concurrent writers anywhere get 1..n per key with no gap or repeat.
 *
 * Key layout, for namespace `ns` and entity id `e` (with `%`, `{`, `}` percent-escaped):
 * - `fs:{ns}:catalog:feature`, `fs:{ns}:catalog:group`: hashes, name -> JSON list of the bodies
 *   of its versions (a commit is one script, so it is all or nothing)
 * - `fs:{ns:e}:cur`: hash, feature -> the key's current entry
 * - `fs:{ns:e}:seq`: hash, feature -> last version handed out
 * - `fs:{ns:e}:h:<feature>`: hash, zero-padded version -> entry (the retained history)
 * - `fs:{ns:e}:t:<feature>`: sorted set, zero-padded version scored by event time
 * - `fs:{ns:e}:trim`: hash, feature -> `<min>:<max>` event times of its trimmed entries
 *
 * An entry is `<version>:<event time ms>:<payload>` (no payload part for a deletion marker).
 *
 * Every key of an entity carries the one hash tag `{ns:e}`. Redis Cluster places a key by its
 * tag alone, and a script may only touch keys of one slot, so the write script (which updates
 * the counter, current entry and history of an entity together) and the as-of script work
 * unchanged on a cluster. The escaping matters for that: Redis ends a tag at the first `}`, so a
 * raw `}` in an id would cut the tag short and could let two entities share keys.
 *
 * Atomicity: the writes of one entity in a batch run as one script. A batch over several
 * entities runs those scripts inside one MULTI/EXEC, so the batch lands whole or not at all
 * (a dropped connection before EXEC discards it). Redis does not roll back a script that fails
 * half way, which can only happen if something else wrote to these keys.
 *
 * Reads: current values of E entities x F features are one pipeline of E HMGETs (one round
 * trip); a version is one HGET; as-of is one script; a history is one HGETALL.
 *
 * Scans: Redis has no index of a feature's entities, so `scanCurrent` walks the namespace's
 * current hashes with `SCAN MATCH fs:{ns:*}:cur` (each call looks at about 1000 keys of the
 * database) and reads the feature from each in one pipeline per call. It stops once it has looked
 * at `limit` entities, whether or not they hold the feature, and then says the answer is not
 * complete: the values found are a sample, in the server's SCAN order (effectively random, not
 * biased by id). SCAN walks one server; on a cluster it must walk each master.
 *
 * Faults: a lost connection fails in-flight and new requests at once with BACKEND_UNAVAILABLE;
 * ioredis reconnects in the background and the same store serves again when Redis is back.
 *
 * Durability is the server's: an acknowledged write survives a Redis crash or power loss only
 * with `appendonly yes` and `appendfsync always` (fsync before each reply). With
 * `appendfsync everysec` (Redis's default once the append-only file is on) a crash loses up to
 * about a second of acknowledged writes; with `appendfsync no`, whatever the OS had not flushed;
 * without the append-only file, everything since the last RDB snapshot. On open the store reads
 * `CONFIG GET append*` and logs one warning naming the settings when they do not keep every
 * acknowledged write. Servers that refuse CONFIG (managed services often do) are not checked.
 */
export class RedisBackend implements StoreBackend {
  readonly name = "redis";
  readonly capabilities: BackendCapabilities;
  /** The namespace this store reads and writes. */
  readonly namespace: string;
  /** History entries kept per key. */
  readonly historyRetention: number;
  /** Where the store connects, as given (without the store's own URL parameters). */
  readonly connection: string | RedisOptions;
  private readonly keys: NamespaceKeys;
  private readonly connectTimeoutMs: number | undefined;
  private client: Redis | undefined;
  /** `host:port/db` (or socket path) of the server, for messages; never the password. */
  private serverName = "(not connected yet)";
  private readonly explorer = new RedisExplorer(this);

  /** @throws ConfigurationError for an invalid namespace or retention. */
  constructor(options: RedisBackendOptions = {}) {
    this.namespace = checkNamespace(options.namespace ?? "default");
    const retention = options.historyRetention ?? DEFAULT_HISTORY_RETENTION;
    if (!Number.isSafeInteger(retention) || retention < 1) {
      throw new ConfigurationError(`redis historyRetention must be a positive integer, not ${retention}`);
    }
    this.historyRetention = retention;
    this.connection = options.connection ?? "redis://127.0.0.1:6379";
    this.connectTimeoutMs = options.connectTimeoutMs;
    this.keys = namespaceKeys(this.namespace);
    this.capabilities = {
      atomicAcrossEntities: true,
      historyRetention: retention,
      durable: true,
      sharedAcrossProcesses: true,
      inProcess: false,
    };
  }

  async connect(): Promise<void> {
    // An earlier attempt that outlived the operation timeout may have connected after all.
    this.client?.disconnect();
    this.client = undefined;
    const given = typeof this.connection === "string" ? {} : this.connection;
    const options: RedisOptions = {
      ...(this.connectTimeoutMs ? { connectTimeout: this.connectTimeoutMs } : {}),
      ...given,
      lazyConnect: true,
      // Fail fast instead of queueing while disconnected; the caller decides whether to retry.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      // A write whose reply was lost may have been applied; resending it could append it twice.
      autoResendUnfulfilledCommands: false,
    };
    const client =
      typeof this.connection === "string" ? new Redis(this.connection, options) : new Redis(options);
    this.serverName = describeServer(client);
    let lost = false;
    // connect() itself only says "Connection is closed."; the reason arrives as an error event.
    let reason: Error | undefined;
    client.on("error", (err: Error) => {
      // The refused SELECT is the reason; the errors of the disconnect that follows are not.
      if (reason instanceof ConfigurationError) return;
      reason = err;
      if (WRONG_DATABASE.test(err.message)) {
        // ioredis would carry on in database 0 after a refused SELECT: writes would land in the
        // wrong database. Stop here instead; every call fails until the store is reconfigured.
        reason = new ConfigurationError(
          `redis at ${this.serverName} has no database ${client.options.db ?? 0} (${err.message}): use a database the server has`,
          { backend: this.name },
        );
        client.disconnect();
        return;
      }
      if (lost) return;
      lost = true;
      logger.warn({ backend: this.name, server: this.serverName, err: err.message }, "redis unreachable");
    });
    client.on("ready", () => {
      if (!lost) return;
      lost = false;
      logger.info({ backend: this.name, server: this.serverName }, "redis reconnected");
    });
    try {
      await client.connect();
      await this.checkDurability(client);
      await this.checkDatabase(client);
      const { legacy } = this.keys;
      const catalog = [this.keys.catalog("feature"), this.keys.catalog("group")];
      await MIGRATE_CATALOG_SCRIPT.run(client, [legacy.definitions, legacy.groups, ...catalog], []);
    } catch (err) {
      client.disconnect();
      if (reason instanceof ConfigurationError) throw reason;
      throw err instanceof Error && NOT_CONNECTED.test(err.message) && reason ? reason : err;
    }
    this.client = client;
  }

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

  /**
   * Confirms the connection uses the database the URL names. ioredis reports a refused SELECT
   * only as an error event, so the error handler may not have run yet: ask the server.
   * A server without CLIENT INFO (before Redis 6.2) is trusted.
   */
  private async checkDatabase(client: Redis): Promise<void> {
    const wanted = client.options.db ?? 0;
    let info: string;
    try {
      info = String(await client.client("INFO"));
    } catch (err) {
      if (err instanceof Error && err.name === "ReplyError") return;
      throw err;
    }
    const db = Number(/\bdb=(\d+)/.exec(info)?.[1] ?? wanted);
    if (db !== wanted) {
      throw new ConfigurationError(
        `redis at ${this.serverName} has no database ${wanted} (it put the connection in database ${db}): use a database the server has`,
        { backend: this.name },
      );
    }
  }

  /**
   * Logs one warning when the server's persistence may lose acknowledged writes (see the class
   * documentation). A server that refuses CONFIG is left unchecked; any other failure fails open().
   */
  private async checkDurability(client: Redis): Promise<void> {
    let reply: unknown;
    try {
      // One pattern rather than two names: CONFIG GET takes several parameters only from Redis 7.
      reply = await client.config("GET", "append*");
    } catch (err) {
      if (!(err instanceof Error) || err.name !== "ReplyError") throw err;
      logger.info(
        { backend: this.name, server: this.serverName, err: err.message },
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
      { backend: this.name, server: this.serverName, appendonly, appendfsync, lossOnCrash: loss },
      `redis persistence does not keep every acknowledged write: a crash loses ${loss}; set appendonly yes and appendfsync always`,
    );
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
    const where = `redis at ${this.serverName} (namespace "${this.namespace}")`;
    const retry = "the store reconnects by itself, retry later";
    let message: string;
    if (name === "ReplyError") {
      message = `${where} refused a command: ${text}`;
    } else if (name === "MaxRetriesPerRequestError") {
      // The request was sent but its reply never came: a write may or may not have been applied.
      message = `${where} is unreachable: the connection was lost with the request in flight (a write may or may not have been applied); ${retry}`;
    } else if (name === "AbortError" || NOT_CONNECTED.test(text)) {
      // ioredis refuses commands while it reconnects (the store disables its offline queue).
      message = `${where} is unreachable: not connected; ${retry}`;
    } else if (typeof code === "string" && NETWORK_ERRORS.has(code)) {
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
    const client = this.redis();
    const byEntity = new Map<string, number[]>();
    writes.forEach((write, i) => {
      const indices = byEntity.get(write.entityId);
      if (indices) indices.push(i);
      else byEntity.set(write.entityId, [i]);
    });
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
    const [single] = calls;
    const results =
      calls.length === 1 && single
        ? [await APPEND_SCRIPT.run(client, single.keys, single.args)]
        : await APPEND_SCRIPT.runTogether(client, calls);
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
    // One HMGET per distinct entity, all in one pipeline (one round trip).
    const row = new Map<string, number>();
    for (const entityId of entityIds) if (!row.has(entityId)) row.set(entityId, row.size);
    const pipeline = this.redis().pipeline();
    // HMGET through call() takes one array (hmget() would need the names spread as arguments,
    // which a long list cannot be).
    for (const entityId of row.keys()) {
      pipeline.call("HMGET", [entityKeys(this.namespace, entityId).current, ...featureNames]);
    }
    const rows = (await batchReplies(pipeline)) as (string | null)[][];
    const width = featureNames.length;
    const out: (StoredEntry | undefined)[] = new Array(entityIds.length * width);
    for (let e = 0; e < entityIds.length; e++) {
      const texts = rows[row.get(entityIds[e] as string) as number] as (string | null)[];
      for (let f = 0; f < width; f++) {
        const text = texts[f];
        out[e * width + f] = text == null ? undefined : decodeEntry(text);
      }
    }
    return out;
  }

  async readVersion(key: EntryKey, version: number): Promise<StoredEntry | undefined> {
    const history = entityKeys(this.namespace, key.entityId).history(key.featureName);
    const text = await this.redis().hget(history, versionField(version));
    return text === null ? undefined : decodeEntry(text);
  }

  /**
   * One script call per distinct entity, holding all of its (row, feature) pairs, all in one
   * pipeline: one round trip, and each call touches the keys of one hash tag (one cluster slot).
   */
  async readAsOf(rows: readonly AsOfRow[], featureNames: readonly string[]): Promise<AsOfEntry[]> {
    const width = featureNames.length;
    const out: AsOfEntry[] = new Array(rows.length * width);
    if (rows.length === 0 || width === 0) return out;
    const byEntity = new Map<string, number[]>();
    rows.forEach((row, r) => {
      const indices = byEntity.get(row.entityId);
      if (indices) indices.push(r);
      else byEntity.set(row.entityId, [r]);
    });
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
    const replies = await AS_OF_SCRIPT.runPipelined(this.redis(), calls);
    [...byEntity.values()].forEach((indices, call) => {
      const answers = replies[call] as (string | number)[];
      let k = 0;
      for (const r of indices) {
        for (let f = 0; f < width; f++) {
          const answer = answers[k++];
          out[r * width + f] =
            typeof answer === "string" ? decodeEntry(answer) : answer === 1 ? HISTORY_TRIMMED : undefined;
        }
      }
    });
    return out;
  }

  async readHistory(key: EntryKey): Promise<StoredEntry[]> {
    const history = entityKeys(this.namespace, key.entityId).history(key.featureName);
    const texts = Object.values(await this.redis().hgetall(history));
    return texts.map(decodeEntry).sort((a, b) => a.version - b.version);
  }

  async scanCurrent(featureName: string, limit: number): Promise<CurrentScan> {
    const client = this.redis();
    const entries: StoredEntry[] = [];
    const complete = await scanCurrentKeys(client, this.namespace, limit, async (keys) => {
      const pipeline = client.pipeline();
      for (const key of keys) pipeline.hget(key, featureName);
      for (const text of (await batchReplies(pipeline)) as (string | null)[]) {
        const entry = text === null ? undefined : decodeEntry(text);
        if (entry && entry.payload !== null) entries.push(entry);
      }
    });
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

  /** The connected client. @throws BackendUnavailableError when not connected. */
  redis(): Redis {
    if (!this.client) {
      throw new BackendUnavailableError(`redis at ${this.serverName} is not connected`, {
        backend: this.name,
        namespace: this.namespace,
      });
    }
    return this.client;
  }
}

function describeServer(client: Redis): string {
  const { host, port, path, db } = client.options;
  return `${path ?? `${host}:${port}`}/${db ?? 0}`;
}
