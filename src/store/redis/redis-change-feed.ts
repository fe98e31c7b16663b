import { Redis, type RedisOptions } from "ioredis";
import { logger } from "../../core/logger.js";
import { SharedChangeFeed, type SharedChangeFeedOptions } from "../changes/shared-change-feed.js";

/**
 * The longest message sent: changes with larger values travel as key and version, and
 * subscribers read the value back from the store. Redis itself takes far more, but every
 * message is copied to every replica, so a large embedding is cheaper read by the few
 * subscribers that want it.
 */
const REDIS_MAX_MESSAGE_BYTES = 64 * 1024;

/** Options of {@link RedisChangeFeed}. */
export interface RedisChangeFeedOptions extends SharedChangeFeedOptions {
  /** The server, as a `redis://` URL (without the store's own parameters) or ioredis options. */
  connection: string | RedisOptions;
}

/**
 * Changes shared between replicas through Redis pub/sub, on the channel
 * `featurestore:<namespace>:changes`, so stores sharing one Redis never hear each other.
 *
 * Two connections, because a connection that subscribes can send nothing else: one publishes,
 * one listens. Each names itself (`CLIENT SETNAME`) so an operator sees them in `CLIENT LIST`:
 * `fs-<namespace>-publish` and `fs-<namespace>-listen` (see {@link SharedChangeFeedOptions.connectionName}).
 *
 * The channel is subscribed from {@link start} on, not when the first client subscribes, so a
 * write made right after a client's subscription was answered is never missed for want of a
 * `SUBSCRIBE` still in flight. ioredis reconnects a lost connection by itself; the listener then
 * subscribes again (rather than ioredis's automatic resubscription) so that {@link connected}
 * turns true only once Redis confirmed the subscription.
 *
 * @example
 * ```ts
 * const target = await new RedisChangeFeed({ connection: "redis://127.0.0.1:6379", namespace: "prod" }).start();
 * const app = createApp({ service, pubsub: target.pubsub });
 * ```
 */
export class RedisChangeFeed extends SharedChangeFeed {
  override readonly transport = "redis";
  override readonly channel: string;
  /** The publishing connection's client name. */
  readonly publisherName: string;
  private readonly publisher: Redis;
  private readonly listener: Redis;
  /** The latest SUBSCRIBE: settles with its error, or `undefined` once subscribed. */
  private subscribing: Promise<unknown> | undefined;

  /** @throws ConfigurationError for an invalid namespace. */
  constructor(options: RedisChangeFeedOptions) {
    super(options, REDIS_MAX_MESSAGE_BYTES);
    this.channel = `featurestore:${this.namespace}:changes`;
    this.publisherName = `${this.connectionName}-publish`;
    this.publisher = this.client(options.connection, this.publisherName);
    this.listener = this.client(options.connection, this.listenerName);

    // Without a listener ioredis prints every connection error; the state change is logged once
    // instead (by lost), and a failed publish is logged by sendFailed.
    this.publisher.on("error", (err: Error) => logger.debug({ err: err.message }, "redis publisher error"));
    this.listener.on("error", (err: Error) => this.lost(err));
    this.listener.on("close", () => this.lost());
    this.listener.on("ready", () => this.subscribe());
    this.listener.on("message", (channel: string, message: string) => {
      if (channel === this.channel) this.receive(message);
    });
  }

  /** True while the channel is subscribed and the publishing connection is up. */
  override get connected(): boolean {
    return super.connected && this.publisher.status === "ready";
  }

  /**
   * Connects both connections and subscribes.
   * @throws the connection error when Redis cannot be reached (nothing is left open then).
   */
  override async start(): Promise<this> {
    try {
      await Promise.all([this.publisher.connect(), this.listener.connect()]);
      // The listener's "ready" handler sent the SUBSCRIBE before connect() resolved.
      const failure = await this.subscribing;
      if (failure !== undefined) throw failure;
    } catch (err) {
      this.publisher.disconnect();
      this.listener.disconnect();
      throw err;
    }
    return this;
  }

  protected override async disconnect(): Promise<void> {
    await Promise.all([quit(this.publisher), quit(this.listener)]);
  }

  protected override send(message: string): void {
    this.publisher.publish(this.channel, message).then(
      () => this.sent(),
      (err: unknown) => this.sendFailed(1, err),
    );
  }

  private client(connection: string | RedisOptions, name: string): Redis {
    const options: RedisOptions = {
      ...(typeof connection === "string" ? {} : connection),
      connectionName: name,
      lazyConnect: true,
      // A change is worth sending now or never: while disconnected, fail at once instead of
      // queueing without bound, and never send a message twice after a reconnection.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      autoResubscribe: false,
    };
    return typeof connection === "string" ? new Redis(connection, options) : new Redis(options);
  }

  /** Subscribes on each (re)connection of the listener. */
  private subscribe(): void {
    if (this.closed) return;
    // Settles with the failure rather than rejecting: after start() nobody awaits it, and an
    // unhandled rejection would end the process.
    this.subscribing = this.listener.subscribe(this.channel).then(
      () => this.listened(),
      (err: unknown) => {
        // The connection dropped again before Redis answered: the next "ready" subscribes anew.
        this.lost(err);
        return err;
      },
    );
  }
}

/** Closes a connection politely, or at once when it is not connected. */
async function quit(client: Redis): Promise<void> {
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
