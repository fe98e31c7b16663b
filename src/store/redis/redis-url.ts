import { parseStoreUrl } from "../store-url.js";

/** History entries kept per key unless the URL or options say otherwise. */
export const DEFAULT_HISTORY_RETENTION = 1000;

/** What a `redis://` store URL says, taken apart by {@link parseRedisUrl}. */
export interface RedisUrl {
  /** The server URL for ioredis, without the store's own parameters. */
  readonly connection: string;
  readonly namespace: string | undefined;
  readonly historyRetention: number | undefined;
}

/**
 * Reads `redis://[user:password@]host:port/db?namespace=ns&historyRetention=n` (`rediss://` for
 * TLS). Other query parameters go to ioredis.
 * @throws ConfigurationError for a malformed URL (without repeating it: it may hold a password).
 */
export function parseRedisUrl(url: string): RedisUrl {
  const { url: server, params } = parseStoreUrl(url, {
    backend: "redis",
    schemes: ["redis", "rediss"],
    example: "redis://[user:password@]host:6379/0?namespace=name",
    params: ["namespace", "historyRetention"],
  });
  const retention = params.historyRetention;
  return {
    connection: server.toString(),
    namespace: params.namespace,
    historyRetention: retention === undefined ? undefined : Number(retention),
  };
}
