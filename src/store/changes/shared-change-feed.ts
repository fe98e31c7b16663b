import { ConfigurationError } from "../../core/errors.js";
import { logger } from "../../core/logger.js";
import { checkNamespace } from "../namespace.js";
import type { FeaturePubSub, ValueChange } from "./change-feed.js";
import { ChangeListeners } from "./change-listeners.js";
import { decodeChange, encodeChange } from "./change-message.js";

/**
 * A connection name: what Redis's `CLIENT SETNAME` takes (no spaces), short enough that
 * PostgreSQL keeps `<name>-listen` whole in its 63-byte `application_name`.
 */
const CONNECTION_NAME_PATTERN = /^[A-Za-z0-9_.:-]{1,56}$/;

/** What every distributed target is built with. */
export interface SharedChangeFeedOptions {
  /** The store's namespace: only targets of the same namespace hear each other. */
  namespace: string;
  /**
   * How the target's connections are named on the server, so an operator (or a test) can find
   * them: `<name>-listen`, and `<name>-publish` for a separate publishing connection. 1-56
   * letters, digits, `_`, `.`, `:` or `-`; default `fs-<namespace>`.
   */
  connectionName?: string;
}

/**
 * A pubsub that carries {@link ValueChange}s between processes over a message channel: a
 * published change is encoded and sent on the channel, and every message heard on it (this
 * process's own included) is decoded and handed to the local listeners. So a subscriber on any
 * replica hears the writes made through every replica of the same namespace. Each subscriber
 * keeps its own bounded queue (see `FeatureEvents.changes`), so a burst of messages is never
 * dropped here for want of room.
 *
 * A transport (Redis pub/sub, PostgreSQL LISTEN/NOTIFY) implements {@link start},
 * {@link disconnect} and {@link send}, and reports through {@link listened} and {@link lost} when
 * its listening connection comes and goes, and through {@link sent} and {@link sendFailed} how
 * publishing goes; this class keeps that state and logs its changes, once per outage.
 *
 * Delivery is at most once: a change published while a connection is down is dropped (and
 * logged), as is one sent while a listener reconnects. A subscriber's stream stays open across
 * such an outage and goes on with the next change heard.
 */
export abstract class SharedChangeFeed {
  /** The transport's name, for logs and health: `redis`, `postgres`. */
  abstract readonly transport: string;
  /** The channel messages are sent and heard on; it names the store's namespace. */
  abstract readonly channel: string;
  /** The pubsub to hand to `createApp`: it publishes and listens through this target. */
  readonly pubsub: FeaturePubSub;
  /** The store's namespace. */
  readonly namespace: string;
  /** The name of the connection that listens, as the server lists it. */
  readonly listenerName: string;
  /** The base of the connections' names (see {@link SharedChangeFeedOptions.connectionName}). */
  protected readonly connectionName: string;
  private readonly listeners: ChangeListeners;
  private listening = false;
  private established = 0;
  private failedSends = 0;
  private closing: Promise<void> | undefined;

  /**
   * @param maxMessageBytes the longest message the transport carries; larger values travel as
   * key and version only.
   * @throws ConfigurationError for an invalid namespace or connection name.
   */
  protected constructor(
    options: SharedChangeFeedOptions,
    private readonly maxMessageBytes: number,
  ) {
    this.namespace = checkNamespace(options.namespace);
    const name = options.connectionName ?? `fs-${this.namespace}`;
    if (!CONNECTION_NAME_PATTERN.test(name)) {
      throw new ConfigurationError(
        `invalid pubsub connection name ${JSON.stringify(name.slice(0, 80))}: use 1-56 letters, digits, "_", ".", ":" or "-"`,
      );
    }
    this.connectionName = name;
    this.listenerName = `${name}-listen`;
    this.listeners = new ChangeListeners(() => this.transport);
    this.pubsub = {
      publish: (_topic, change) => this.publish(change),
      listen: (_topic, listener) => this.listeners.add(listener),
    };
  }

  /** Connects and listens; resolves once a change published from now on will be heard. */
  abstract start(): Promise<this>;

  /** Closes the transport's connections for good. Called once, by {@link close}. */
  protected abstract disconnect(): Promise<void>;

  /** Sends one encoded message on the channel, without waiting; failures go to {@link sendFailed}. */
  protected abstract send(message: string): void;

  /** Stops listening and closes the connections; no reconnection follows. Safe to call twice. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.listening = false;
      await this.disconnect();
    })();
    return this.closing;
  }

  /** True once {@link close} was called: connections that end now are not lost, and not reopened. */
  protected get closed(): boolean {
    return this.closing !== undefined;
  }

  /** True while the channel is listened to (and, for transports that say so, publishing works). */
  get connected(): boolean {
    return this.listening;
  }

  /** How many times listening was established: 1 after {@link start}, one more per recovery. */
  get listenCount(): number {
    return this.established;
  }

  /**
   * Sends a published change on the channel. Local listeners hear it when it comes back from
   * the channel, in the same order as the other replicas do. A change whose key alone exceeds
   * the transport's limit is logged and dropped.
   */
  private publish(change: ValueChange): void {
    const message = encodeChange(change, this.maxMessageBytes);
    if (message === undefined) {
      logger.warn(
        { transport: this.transport, featureName: change.featureName, maxBytes: this.maxMessageBytes },
        "change not published: its key alone exceeds the message limit",
      );
      return;
    }
    this.send(message);
  }

  /** Hands a message heard on the channel to the local listeners. */
  protected receive(message: string): void {
    const change = decodeChange(message);
    if (!change) {
      logger.warn({ transport: this.transport, channel: this.channel }, "ignored a malformed change message");
      return;
    }
    this.listeners.deliver(change);
  }

  /** The transport listens on the channel again (or for the first time). */
  protected listened(): void {
    if (this.closed) return;
    if (this.established > 0) {
      logger.info({ transport: this.transport, channel: this.channel }, "pubsub listening again");
    }
    this.listening = true;
    this.established++;
  }

  /** The transport's listening connection is gone; it reconnects by itself. */
  protected lost(err?: unknown): void {
    if (!this.listening) return;
    this.listening = false;
    logger.warn(
      { transport: this.transport, channel: this.channel, err: describe(err) },
      "pubsub connection lost: changes are not heard until it is back",
    );
  }

  /** A send went through: a run of failures, if any, is over. */
  protected sent(): void {
    if (this.failedSends === 0) return;
    logger.info({ transport: this.transport, dropped: this.failedSends }, "pubsub publishing again");
    this.failedSends = 0;
  }

  /** A send failed and its messages are dropped; the first failure of a run is logged. */
  protected sendFailed(count: number, err: unknown): void {
    if (this.failedSends === 0) {
      logger.warn(
        { transport: this.transport, channel: this.channel, err: describe(err) },
        "pubsub could not publish: changes are dropped until it can",
      );
    }
    this.failedSends += count;
  }
}

/** An error's message for the log; drivers' errors carry sockets and buffers not worth logging. */
function describe(err: unknown): string | undefined {
  if (err === undefined) return undefined;
  return err instanceof Error ? err.message : String(err);
}
