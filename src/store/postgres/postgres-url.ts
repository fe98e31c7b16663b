import { parseStoreUrl } from "../store-url.js";

/** What a `postgres://` store URL says, taken apart by {@link parsePostgresUrl}. */
export interface PostgresUrl {
  /** The connection string for node-postgres, without the store's own parameters. */
  readonly connection: string;
  readonly namespace: string | undefined;
  readonly poolSize: number | undefined;
}

/**
 * Reads `postgres://user:password@host:port/database?namespace=x&pool_size=n` (or
 * `postgresql://`). The rest of the query string goes to node-postgres (`application_name`,
 * `sslmode`, ...).
 * @throws ConfigurationError for a malformed URL (without repeating it: it may hold a password).
 */
export function parsePostgresUrl(url: string): PostgresUrl {
  const { url: server, params } = parseStoreUrl(url, {
    backend: "postgres",
    schemes: ["postgres", "postgresql"],
    example: "postgres://user[:password]@host:5432/database?namespace=name",
    params: ["namespace", "pool_size"],
  });
  const poolSize = params.pool_size;
  return {
    connection: server.toString(),
    namespace: params.namespace,
    poolSize: poolSize === undefined ? undefined : Number(poolSize),
  };
}
