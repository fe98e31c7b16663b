import calculateSlot from "cluster-key-slot";
import { Cluster, Redis, type RedisOptions } from "ioredis";
import { logger } from "../../core/logger.js";
import { SharedChangeFeed, type SharedChangeFeedOptions } from "../changes/shared-change-feed.js";
import type { RedisClusterUrl } from "./redis-cluster-url.js";

/** The longest message sent; as on one Redis server (see `RedisChangeFeed`). */
const MAX_MESSAGE_BYTES = 64 * 1024;

/** What a node answers when a slot is served elsewhere: `MOVED <slot> <host>:<port>`. */
const MOVED = /^MOVED \d+ (.+):(\d+)$/;

/** Options of {@link RedisClusterChangeFeed}. */
export interface RedisClusterChangeFeedOptions
  extends SharedChangeFeedOptions,
    Partial<Pick<RedisClusterUrl, "username" | "password" | "tls">> {
  /** Nodes to discover the cluster from. */
  nodes: RedisClusterUrl["nodes"];
}

/**
 * Changes shared between replicas through a Redis Cluster's sharded pub/sub (Redis 7:
 * `SPUBLISH` / `SSUBSCRIBE`) on the shard channel `featurestore:<namespace>:changes`. A shard
 * channel lives in one slot, like a key, so a message travels only within the master (and
 * replicas) that serve that slot, not across the whole cluster bus as plain PUBLISH does.
 *
 * Publishing goes through a cluster client, which sends `SPUBLISH` to the master of the
 * channel's slot. Listening is one connection to that master: on each (re)connection it sends
 * `SSUBSCRIBE`, and {@link connected} turns true once the master confirmed. When the slot has
 * moved (a failover to a replica, a resharding), the master answers `MOVED` and the listener
 * follows it to the new owner. While the channel's master is down, changes are dropped and
 * logged, as with one server (delivery is at most once); subscribers' streams stay open.
 *
 * The connections are named (`CLIENT SETNAME`) `<name>-listen` and, on every master,
 * `<name>-publish` (see {@link SharedChangeFeedOptions.connectionName}).
 */
export class RedisClusterChangeFeed extends SharedChangeFeed {
  override readonly transport = "redis-cluster";
  override readonly channel: string;
  /** The publishing connections' client name. */
  readonly publisherName: string;
  private readonly publisher: Cluster;
  private readonly nodeOptions: RedisOptions;
  private listener: Redis | undefined;
  /** The latest SSUBSCRIBE: settles with its error, or `undefined` once subscribed. */
  private subscribing: Promise<unknown> | undefined;

  /** @throws ConfigurationError for an invalid namespace. */
  constructor(options: RedisClusterChangeFeedOptions) {
    super(options, MAX_MESSAGE_BYTES);
    this.channel = `featurestore:${this.namespace}:changes`;
    this.publisherName = `${this.connectionName}-publish`;
    this.nodeOptions = {
      ...(options.username ? { username: options.username } : {}),
      ...(options.password ? { password: options.password } : {}),
      ...(options.tls ? { tls: {} } : {}),
      // A change is worth sending now or never: fail at once while disconnected, and never send
      // a message twice after a reconnection.
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
    };
    this.publisher = new Cluster(
      options.nodes.map(({ host, port }) => ({ host, port })),
      {
        lazyConnect: true,
        enableOfflineQueue: false,
        clusterRetryStrategy: (times) => Math.min(100 * times, 2000),
        redisOptions: { ...this.nodeOptions, connectionName: this.publisherName },
      },
    );
    this.publisher.on("error", (err: Error) =>
      logger.debug({ err: err.message }, "redis cluster publisher error"),
    );
  }

  /** True while the channel is subscribed and the publishing client is up. */
  override get connected(): boolean {
    return super.connected && this.publisher.status === "ready";
  }

  /**
   * Connects the publisher, finds the master of the channel's slot and subscribes there.
   * @throws the connection error when the cluster cannot be reached (nothing is left open then).
   */
  override async start(): Promise<this> {
    try {
      await this.publisher.connect();
      const owner = this.publisher.slots[calculateSlot(this.channel)]?.[0];
      if (!owner) throw new Error(`no master serves the slot of ${this.channel}`);
      const [host = "", port = ""] = splitAddress(owner);
      // Until the publisher's own connection to that master is up, ioredis sends a SPUBLISH to
      // another node and follows the redirect, which can overtake the next one: connect it first.
      const publishTo = this.publisher
        .nodes("master")
        .find((n) => `${n.options.host}:${n.options.port}` === owner);
      await publishTo?.ping();
      await this.listenOn(host, Number(port));
      const failure = await this.subscribing;
      if (failure !== undefined) throw failure;
    } catch (err) {
      this.publisher.disconnect();
      this.listener?.disconnect();
      throw err;
    }
    return this;
  }

  protected override async disconnect(): Promise<void> {
    const listener = this.listener;
    this.listener = undefined;
    await Promise.all([quit(this.publisher), listener ? quit(listener) : undefined]);
  }

  protected override send(message: string): void {
    this.publisher.spublish(this.channel, message).then(
      () => this.sent(),
      (err: unknown) => this.sendFailed(1, err),
    );
  }

  /** Opens the listening connection to one node; it subscribes on each (re)connection. */
  private async listenOn(host: string, port: number): Promise<void> {
    const listener = new Redis({
      ...this.nodeOptions,
      host,
      port,
      connectionName: this.listenerName,
      lazyConnect: true,
      enableOfflineQueue: false,
      autoResubscribe: false,
    });
    this.listener = listener;
    listener.on("error", (err: Error) => this.lost(err));
    listener.on("close", () => this.lost());
    listener.on("ready", () => this.subscribe(listener));
    listener.on("smessage", (channel: string, message: string) => {
      if (channel === this.channel) this.receive(message);
    });
    await listener.connect();
  }

  /** Subscribes on a (re)connection; follows the slot to its new master when it has moved. */
  private subscribe(listener: Redis): void {
    if (this.closed || listener !== this.listener) return;
    // Settles with the failure rather than rejecting: after start() nobody awaits it, and an
    // unhandled rejection would end the process.
    this.subscribing = listener.ssubscribe(this.channel).then(
      () => {
        this.listened();
        return undefined;
      },
      async (err: unknown) => {
        this.lost(err);
        const moved = err instanceof Error ? MOVED.exec(err.message) : null;
        if (!moved || this.closed) return err; // the next "ready" subscribes anew
        logger.info({ transport: this.transport, to: `${moved[1]}:${moved[2]}` }, "pubsub channel moved");
        listener.disconnect();
        try {
          await this.listenOn(moved[1] as string, Number(moved[2]));
          return await this.subscribing;
        } catch (failure) {
          return failure;
        }
      },
    );
  }
}

/** `host:port` (the host may be an IPv6 address) as [host, port]. */
function splitAddress(address: string): [string, string] {
  const colon = address.lastIndexOf(":");
  return [address.slice(0, colon), address.slice(colon + 1)];
}

/** Closes a connection politely, or at once when it is not connected. */
async function quit(client: Redis | Cluster): Promise<void> {
  if (client.status !== "ready") {
    client.disconnect();
    return;
  }
  try {
    await client.quit();
  } catch {
    client.disconnect();
  }
}
