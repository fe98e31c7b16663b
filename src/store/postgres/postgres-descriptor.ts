import type { BackendDescriptor } from "../backend-descriptor.js";
import { checkNamespace } from "../namespace.js";
import { parsePostgresUrl } from "./postgres-url.js";

/**
 * PostgreSQL, for `postgres://` and `postgresql://` URLs: replicas share changes through
 * LISTEN/NOTIFY on the same database. Loads node-postgres only when such a URL is opened.
 */
export const postgresDescriptor: BackendDescriptor = {
  name: "postgres",
  schemes: ["postgres", "postgresql"],
  async open(url, options) {
    const { PostgresBackend } = await import("./postgres-backend.js");
    const { connection, namespace, poolSize } = parsePostgresUrl(url);
    return new PostgresBackend({
      connection,
      namespace,
      poolSize,
      operationTimeoutMs: options.operationTimeoutMs ?? 5000,
    });
  },
  async openChangeFeed(url) {
    const { PostgresChangeFeed } = await import("./postgres-change-feed.js");
    const { connection, namespace } = parsePostgresUrl(url);
    return new PostgresChangeFeed({ connection, namespace: namespace ?? "default" }).start();
  },
  async dropNamespace(url) {
    const { dropPostgresNamespace } = await import("./postgres-schema.js");
    const { connection, namespace } = parsePostgresUrl(url);
    await dropPostgresNamespace(connection, checkNamespace(namespace ?? "default"));
  },
};
