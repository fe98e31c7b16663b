import calculateSlot from "cluster-key-slot";
import { Cluster, type ClusterOptions, type Redis } from "ioredis";
import { BackendUnavailableError } from "../../core/errors.js";
import { logger } from "../../core/logger.js";
import { RedisBackendBase, type RedisBaseOptions } from "../redis/redis-backend-base.js";
import {
  APPEND_SCRIPT,
  AS_OF_SCRIPT,
  batchReplies,
  MIGRATE_CATALOG_SCRIPT,
  type ScriptCall,
} from "../redis/redis-scripts.js";
import type { ClusterNode } from "./redis-cluster-url.js";

/** Options of the Redis Cluster backend. */
export interface RedisClusterBackendOptions extends RedisBaseOptions {
  /** Nodes to discover the cluster from; default `127.0.0.1:7000`. */
  nodes?: readonly ClusterNode[];
  /** ACL user of every node. */
  username?: string;
  /** Password of every node. */
  password?: string;
  /** Connect to every node over TLS. */
  tls?: boolean;
}

/**
 * A backend on a Redis Cluster (ioredis `Cluster`), for data larger than one server holds. It
 * uses the key layout and Lua scripts of the single-server backend unchanged (see
 * `RedisBackend`): every key of an entity carries the hash tag `{ns:e}`, so an entity lives on
 * one master, and each script touches one slot. The catalog's keys share the tag `{ns}`, so the
 * catalog lives on one master and commits there atomically.
 *
 * Batches over many entities are grouped by the master that holds each entity's slot (from the
 * client's slot map) and sent as one pipeline per master, all masters at once: a read of
 * E entities costs one round trip to each master involved, in parallel.
 *
 * What a write batch guarantees: the writes of one entity run as one script, so they land all
 * or nothing, with versions assigned atomically, exactly as on one server. A batch across
 * entities is NOT atomic (capability `atomicAcrossEntities: false`): each master applies its
 * entities independently, and Redis Cluster has no transaction across slots. When the batch
 * fails on some master (it is down), the call fails with BACKEND_UNAVAILABLE saying so, while the
 * entities on the other masters may have been written; a writer that must know retries the
 * batch, or writes one entity per call. No entity is ever half written.
 *
 * Faults: while a master is down, reads and writes of the entities it holds fail with
 * BACKEND_UNAVAILABLE and the others go on being served (the cluster must run with
 * `cluster-require-full-coverage no`, or every master refuses once one is down). The client
 * reconnects when the master is back (or its replica took over), without a restart.
 *
 * Scans (`scanCurrent`, dropping a namespace) walk every master in turn with SCAN.
 */
export class RedisClusterBackend extends RedisBackendBase<Cluster> {
  readonly name = "redis-cluster";
  /** The nodes the cluster is discovered from. */
  readonly nodes: readonly ClusterNode[];
  private readonly username: string | undefined;
  private readonly password: string | undefined;
  private readonly tls: boolean;

  /** @throws ConfigurationError for an invalid namespace or retention. */
  constructor(options: RedisClusterBackendOptions = {}) {
    super(options, false);
    this.nodes = options.nodes?.length ? options.nodes : [{ host: "127.0.0.1", port: 7000 }];
    this.username = options.username;
    this.password = options.password;
    this.tls = options.tls ?? false;
    this.serverName = this.nodes.map((n) => `${n.host}:${n.port}`).join(",");
  }

  async connect(): Promise<void> {
    // An earlier attempt that outlived the operation timeout may have connected after all.
    this.client?.disconnect();
    this.client = undefined;
    const cluster = new Cluster(
      this.nodes.map(({ host, port }) => ({ host, port })),
      this.clusterOptions(),
    );
    let lost = false;
    cluster.on("error", (err: Error) => {
      if (lost) return;
      lost = true;
      logger.warn(
        { backend: this.name, server: this.serverName, err: err.message },
        "redis cluster unreachable",
      );
    });
    cluster.on("node error", (err: Error, node: string) => {
      logger.warn({ backend: this.name, node, err: err.message }, "redis cluster node unreachable");
    });
    cluster.on("ready", () => {
      if (!lost) return;
      lost = false;
      logger.info({ backend: this.name, server: this.serverName }, "redis cluster reconnected");
    });
    try {
      await cluster.connect();
      // A master that is down does not keep the store from serving the others: it is checked
      // when it is reachable, here or by the next store opened.
      await Promise.all(
        cluster.nodes("master").map(async (node) => {
          const name = `${node.options.host}:${node.options.port}`;
          await this.checkDurability(node, name).catch((err: Error) =>
            logger.warn(
              { backend: this.name, node: name, err: err.message },
              "redis cluster master not checked",
            ),
          );
        }),
      );
      const { legacy } = this.keys;
      const catalog = [this.keys.catalog("feature"), this.keys.catalog("group")];
      await MIGRATE_CATALOG_SCRIPT.run(cluster, [legacy.definitions, legacy.groups, ...catalog], []);
    } catch (err) {
      cluster.disconnect();
      throw err;
    }
    this.client = cluster;
  }

  /** Every master answers: a cluster with a master down cannot serve the entities it holds. */
  override async ping(): Promise<void> {
    await Promise.all(this.masters().map((node) => node.ping()));
  }

  /**
   * One pipeline per master, in parallel. The entities of masters that answered are written even
   * when another master fails; the error then says how many entities were written.
   */
  protected async sendAppends(calls: readonly ScriptCall[]): Promise<number[][]> {
    const cluster = this.redis();
    const [single] = calls;
    if (calls.length === 1 && single)
      return [(await APPEND_SCRIPT.run(cluster, single.keys, single.args)) as number[]];
    const groups = this.groupByMaster(calls.map((call) => call.keys[0] as string));
    const out: number[][] = new Array(calls.length);
    const settled = await Promise.allSettled(
      groups.map(async (indices) => {
        const replies = await APPEND_SCRIPT.runPipelined(
          cluster,
          indices.map((i) => calls[i] as ScriptCall),
        );
        indices.forEach((i, k) => {
          out[i] = replies[k] as number[];
        });
        return indices.length;
      }),
    );
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === "rejected");
    if (!failed) return out;
    const written = settled.reduce((n, s) => n + (s.status === "fulfilled" ? s.value : 0), 0);
    const translated = this.translateError(failed.reason);
    throw new BackendUnavailableError(
      `${translated.message}; the batch is not atomic across entities on a cluster: ${written} of ${calls.length} entities were written, the others not`,
      { ...translated.details, writtenEntities: written, entities: calls.length },
      { cause: failed.reason },
    );
  }

  /** One pipeline of HMGETs per master, in parallel. */
  protected async sendCurrentReads(
    keys: readonly string[],
    fields: readonly string[],
  ): Promise<(string | null)[][]> {
    const cluster = this.redis();
    const out: (string | null)[][] = new Array(keys.length);
    await Promise.all(
      this.groupByMaster(keys).map(async (indices) => {
        const pipeline = cluster.pipeline();
        for (const i of indices) pipeline.call("HMGET", [keys[i] as string, ...fields]);
        const rows = (await batchReplies(pipeline)) as (string | null)[][];
        indices.forEach((i, k) => {
          out[i] = rows[k] as (string | null)[];
        });
      }),
    );
    return out;
  }

  /** One pipeline of as-of scripts per master, in parallel. */
  protected async sendAsOfReads(calls: readonly ScriptCall[]): Promise<(string | number)[][]> {
    const cluster = this.redis();
    const out: (string | number)[][] = new Array(calls.length);
    await Promise.all(
      this.groupByMaster(calls.map((call) => call.keys[0] as string)).map(async (indices) => {
        const replies = await AS_OF_SCRIPT.runPipelined(
          cluster,
          indices.map((i) => calls[i] as ScriptCall),
        );
        indices.forEach((i, k) => {
          out[i] = replies[k] as (string | number)[];
        });
      }),
    );
    return out;
  }

  /** Walks every master in turn, sharing the bound. */
  scanServers(): Redis[] {
    return this.masters();
  }

  /**
   * The indices of the keys, grouped by the master that serves each key's slot (as the client's
   * slot map says; a key of a slot the map has no master for goes in a group of its own, and
   * ioredis finds where it lives).
   */
  private groupByMaster(keys: readonly string[]): number[][] {
    const slots = this.redis().slots;
    const groups = new Map<string, number[]>();
    keys.forEach((key, i) => {
      const slot = calculateSlot(key);
      const master = slots[slot]?.[0] ?? `slot ${slot}`;
      const group = groups.get(master);
      if (group) group.push(i);
      else groups.set(master, [i]);
    });
    return [...groups.values()];
  }

  /**
   * The masters' connections. @throws BackendUnavailableError naming the masters the cluster
   * says it has but the client has no connection to, since a scan would otherwise silently miss
   * their keys (and a health check would call a cluster missing a master healthy).
   */
  private masters(): Redis[] {
    const cluster = this.redis();
    const masters = cluster.nodes("master");
    const known = new Set(masters.map((node) => `${node.options.host}:${node.options.port}`));
    const missing = [...new Set(cluster.slots.map((nodes) => nodes[0]))].filter(
      (node): node is string => node !== undefined && !known.has(node),
    );
    if (missing.length > 0) {
      // ioredis drops a node whose connection closed and adds it back only when its slot map is
      // refreshed: ask for that now, so a master that came back is found by the next call.
      cluster.refreshSlotsCache();
      throw new BackendUnavailableError(
        `${this.name} at ${this.serverName} is unreachable: no connection to master ${missing.join(", ")}`,
        { backend: this.name, namespace: this.namespace },
      );
    }
    return masters;
  }

  /**
   * ioredis options: fail fast rather than queue while a node is down, never resend a write whose
   * reply was lost, and reconnect to nodes (and refresh the slot map) in the background.
   */
  private clusterOptions(): ClusterOptions {
    const connectTimeout = this.connectTimeoutMs || 5000;
    return {
      lazyConnect: true,
      enableOfflineQueue: false,
      // A command for a master that is down is retried on another node, redirected back, and so
      // on: a few rounds (100 ms apart) tell a resharding, which ends, from an outage, which fails.
      maxRedirections: 4,
      slotsRefreshTimeout: connectTimeout,
      // Also look for topology changes (failovers, resharding, masters back) every few seconds.
      slotsRefreshInterval: 5000,
      clusterRetryStrategy: (times) => Math.min(100 * times, 2000),
      redisOptions: {
        connectTimeout,
        maxRetriesPerRequest: 0,
        autoResendUnfulfilledCommands: false,
        ...(this.username ? { username: this.username } : {}),
        ...(this.password ? { password: this.password } : {}),
        ...(this.tls ? { tls: {} } : {}),
      },
    };
  }
}
