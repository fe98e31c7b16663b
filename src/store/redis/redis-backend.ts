import { Redis, type RedisOptions } from "ioredis";
import { ConfigurationError } from "../../core/errors.js";
import { logger } from "../../core/logger.js";
import { NOT_CONNECTED, RedisBackendBase, type RedisBaseOptions } from "./redis-backend-base.js";
import {
  APPEND_SCRIPT,
  AS_OF_SCRIPT,
  MIGRATE_CATALOG_SCRIPT,
  READ_CURRENT_SCRIPT,
  type ScriptCall,
} from "./redis-scripts.js";

/** What Redis answers to SELECT of a database it does not have. */
const WRONG_DATABASE = /DB index is out of range|invalid DB index/i;

/** Options of the Redis backend. */
export interface RedisBackendOptions extends RedisBaseOptions {
  /**
   * The server: a `redis://[user:password@]host:port/db` URL or ioredis options.
   * Default `redis://127.0.0.1:6379`. The store sets `lazyConnect`, `enableOfflineQueue: false`,
   * `maxRetriesPerRequest: 0` and `autoResendUnfulfilledCommands: false` itself, so a lost
   * connection fails requests at once and a write is never sent twice.
   */
  connection?: string | RedisOptions;
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
 * biased by id).
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
export class RedisBackend extends RedisBackendBase<Redis> {
  readonly name = "redis";
  /** Where the store connects, as given (without the store's own URL parameters). */
  readonly connection: string | RedisOptions;

  /** @throws ConfigurationError for an invalid namespace or retention. */
  constructor(options: RedisBackendOptions = {}) {
    super(options, true);
    this.connection = options.connection ?? "redis://127.0.0.1:6379";
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
      await this.checkDurability(client, this.serverName);
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

  scanServers(): Redis[] {
    return [this.redis()];
  }

  /** One script for a single entity; several run inside one MULTI/EXEC, all or nothing. */
  protected async sendAppends(calls: readonly ScriptCall[]): Promise<number[][]> {
    const [single] = calls;
    const client = this.redis();
    return (
      calls.length === 1 && single
        ? [await APPEND_SCRIPT.run(client, single.keys, single.args)]
        : await APPEND_SCRIPT.runTogether(client, calls)
    ) as number[][];
  }

  /**
   * All in one script call (an HMGET per key inside Lua): one round trip, and one command to
   * build and one text per entity to parse instead of one reply per entity and one string per value. A single server runs it whatever
   * hash tags its keys carry; the cluster backend sends its own per-master reads instead.
   */
  protected async sendCurrentReads(
    keys: readonly string[],
    fields: readonly string[],
  ): Promise<(string | null)[][]> {
    const texts = (await READ_CURRENT_SCRIPT.run(this.redis(), keys, fields)) as string[];
    return texts.map((text) => text.split("\n"));
  }

  /** All in one pipeline: one round trip. */
  protected async sendAsOfReads(calls: readonly ScriptCall[]): Promise<(string | number)[][]> {
    return (await AS_OF_SCRIPT.runPipelined(this.redis(), calls)) as (string | number)[][];
  }
}

function describeServer(client: Redis): string {
  const { host, port, path, db } = client.options;
  return `${path ?? `${host}:${port}`}/${db ?? 0}`;
}
