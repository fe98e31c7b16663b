import pg from "pg";
import { logger } from "../../core/logger.js";
import { SharedChangeFeed, type SharedChangeFeedOptions } from "../changes/shared-change-feed.js";

/**
 * The longest message sent. PostgreSQL refuses a NOTIFY payload of 8000 bytes or more; a change
 * whose value would not fit travels as key and version, and subscribers read the value back.
 */
const POSTGRES_MAX_MESSAGE_BYTES = 7999;

/**
 * Every message waiting when a flush runs goes out in this one statement: one round trip and
 * one transaction, whose notifications PostgreSQL delivers in the order they were raised.
 */
const NOTIFY_ALL = "SELECT pg_notify($1, message) FROM unnest($2::text[]) AS message";

/** Options of {@link PostgresChangeFeed}. */
export interface PostgresChangeFeedOptions extends SharedChangeFeedOptions {
  /** The server, as a `postgres://` URL (without the store's own parameters) or pg client options. */
  connection: string | pg.ClientConfig;
  /** The first wait before reconnecting, doubled after each failed attempt. Default 100 ms. */
  reconnectDelayMs?: number;
  /** The longest wait between reconnection attempts. Default 5000 ms. */
  maxReconnectDelayMs?: number;
}

/**
 * Changes shared between replicas through PostgreSQL `LISTEN`/`NOTIFY` on the channel
 * `featurestore_<namespace>` (at most 63 bytes, PostgreSQL's identifier limit, which the
 * namespace rule guarantees), so stores sharing one database never hear each other.
 *
 * One dedicated connection, `application_name` `fs-<namespace>-listen` (see
 * {@link SharedChangeFeedOptions.connectionName}), listens and also sends
 * the notifications: a session hears its own, so the replica's own subscribers are served the
 * same way as the others'. When the connection drops (server restart, `pg_terminate_backend`,
 * network) it is replaced in the background, waiting longer after each failed attempt; changes
 * notified while it is down are not heard (see {@link SharedChangeFeed}).
 *
 * A notification's payload must stay under 8000 bytes, so a change carries its value only when
 * the message fits; otherwise it carries the key and version, and the subscription resolver
 * reads that version from the store.
 *
 * @example
 * ```ts
 * const target = await new PostgresChangeFeed({ connection: "postgres://app@db/features", namespace: "prod" }).start();
 * const app = createApp({ service, pubsub: target.pubsub });
 * ```
 */
export class PostgresChangeFeed extends SharedChangeFeed {
  override readonly transport = "postgres";
  override readonly channel: string;
  private readonly config: pg.ClientConfig;
  private readonly reconnectDelayMs: number;
  private readonly maxReconnectDelayMs: number;
  private client: pg.Client | undefined;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private failedAttempts = 0;
  private pending: string[] = [];

  /** @throws ConfigurationError for an invalid namespace. */
  constructor(options: PostgresChangeFeedOptions) {
    super(options, POSTGRES_MAX_MESSAGE_BYTES);
    this.channel = `featurestore_${this.namespace}`;
    this.config = {
      // A server that does not answer must fail the start (and each reconnection attempt), not hang it.
      connectionTimeoutMillis: 5000,
      ...withApplicationName(options.connection, this.listenerName),
      keepAlive: true,
    };
    this.reconnectDelayMs = options.reconnectDelayMs ?? 100;
    this.maxReconnectDelayMs = options.maxReconnectDelayMs ?? 5000;
  }

  /**
   * Connects and listens.
   * @throws the connection error when PostgreSQL cannot be reached (nothing is left open then).
   */
  override async start(): Promise<this> {
    await this.connect();
    return this;
  }

  protected override async disconnect(): Promise<void> {
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  protected override send(message: string): void {
    this.pending.push(message);
    // The writes of one request, and of requests finishing together, go out in one statement.
    if (this.pending.length === 1) setImmediate(() => this.flush());
  }

  private flush(): void {
    const messages = this.pending;
    this.pending = [];
    const client = this.client;
    if (!client) {
      this.sendFailed(messages.length, new Error("not connected"));
      return;
    }
    client.query(NOTIFY_ALL, [this.channel, messages]).then(
      () => this.sent(),
      (err: unknown) => this.sendFailed(messages.length, err),
    );
  }

  private async connect(): Promise<void> {
    const client = new pg.Client(this.config);
    // A connection error on an idle client is emitted, and would crash the process unheard.
    client.on("error", (err) => this.drop(client, err));
    client.on("end", () => this.drop(client));
    client.on("notification", (notification) => {
      if (notification.channel === this.channel && notification.payload !== undefined) {
        this.receive(notification.payload);
      }
    });
    try {
      await client.connect();
      // The channel is a plain lowercase identifier (checkNamespace), safe to quote as is.
      await client.query(`LISTEN "${this.channel}"`);
    } catch (err) {
      await client.end().catch(() => undefined);
      throw err;
    }
    if (this.closed) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.listened();
  }

  /** The listening connection failed or ended: forget it and start replacing it. */
  private drop(client: pg.Client, err?: Error): void {
    // Errors of a client still connecting reject connect() instead; a replaced one is history.
    if (client !== this.client) return;
    this.client = undefined;
    this.lost(err);
    client.end().catch(() => undefined);
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed || this.reconnectTimer) return;
    const delay = Math.min(this.reconnectDelayMs * 2 ** this.failedAttempts, this.maxReconnectDelayMs);
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      this.connect().then(
        () => {
          this.failedAttempts = 0;
        },
        (err: unknown) => {
          this.failedAttempts++;
          logger.debug(
            { channel: this.channel, err: err instanceof Error ? err.message : String(err) },
            "postgres listener reconnection failed",
          );
          this.scheduleReconnect();
        },
      );
    }, delay);
    // An outage must not keep a process alive that has nothing else left to do.
    this.reconnectTimer.unref();
  }
}

/**
 * The client options with `application_name` set. pg lets a connection string's parameters win
 * over the options beside it, so a URL gets the name in its query string.
 */
function withApplicationName(connection: string | pg.ClientConfig, name: string): pg.ClientConfig {
  const config = typeof connection === "string" ? { connectionString: connection } : { ...connection };
  if (config.connectionString !== undefined) {
    const url = new URL(config.connectionString);
    url.searchParams.set("application_name", name);
    config.connectionString = url.toString();
  }
  config.application_name = name;
  return config;
}
