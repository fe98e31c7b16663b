import { ConfigurationError } from "../../core/errors.js";
import { parseStoreUrl } from "../store-url.js";

/** A node of a cluster to start from. */
export interface ClusterNode {
  readonly host: string;
  readonly port: number;
}

/** What a `redis+cluster://` store URL says, taken apart by {@link parseRedisClusterUrl}. */
export interface RedisClusterUrl {
  /** The nodes to discover the cluster from (one is enough; the others are asked if it is down). */
  readonly nodes: readonly ClusterNode[];
  readonly username: string | undefined;
  readonly password: string | undefined;
  /** True for `rediss+cluster://`: every node connection uses TLS. */
  readonly tls: boolean;
  readonly namespace: string | undefined;
  readonly historyRetention: number | undefined;
}

const EXAMPLE = "redis+cluster://[user:password@]host:7000,host:7001/?namespace=name";

/**
 * Reads `redis+cluster://[user:password@]host:port[,host:port...]/?namespace=ns&historyRetention=n`
 * (`rediss+cluster://` for TLS). The hosts are where the cluster is discovered from. A cluster has
 * database 0 only, so a path other than `/` or `/0` is refused, and so is any other query
 * parameter: the URL says nothing the store would silently ignore.
 * @throws ConfigurationError for a malformed URL (without repeating it: it may hold a password).
 * @example
 * ```ts
 * parseRedisClusterUrl("redis+cluster://127.0.0.1:7000,127.0.0.1:7001/?namespace=prod").nodes;
 * // [{ host: "127.0.0.1", port: 7000 }, { host: "127.0.0.1", port: 7001 }]
 * ```
 */
export function parseRedisClusterUrl(url: string): RedisClusterUrl {
  const invalid = (why: string) =>
    new ConfigurationError(`invalid redis-cluster URL: ${why} (expected ${EXAMPLE})`, {
      backend: "redis-cluster",
    });
  // The WHATWG parser takes one host per URL: the host list is read here, the rest by it.
  const match = /^([a-z+]+:\/\/)((?:[^@/?#]*@)?)([^/?#]*)(.*)$/i.exec(url);
  if (!match) throw invalid("not a URL");
  const [, scheme = "", credentials = "", hostList = "", rest = ""] = match;
  const { url: parsed, params } = parseStoreUrl(`${scheme}${credentials}cluster${rest}`, {
    backend: "redis-cluster",
    schemes: ["redis+cluster", "rediss+cluster"],
    example: EXAMPLE,
    params: ["namespace", "historyRetention"],
  });
  if (parsed.pathname !== "" && parsed.pathname !== "/" && parsed.pathname !== "/0") {
    throw invalid("a cluster has database 0 only");
  }
  const extra = [...parsed.searchParams.keys()];
  if (extra.length > 0) throw invalid(`unknown parameter "${extra[0]}"`);
  const nodes = hostList.split(",").map((hostPort) => {
    let node: URL;
    try {
      node = new URL(`redis://${hostPort}`);
    } catch {
      throw invalid("a node is not host:port");
    }
    if (node.hostname === "" || node.username || node.pathname !== "")
      throw invalid("a node is not host:port");
    // URL keeps IPv6 brackets; the socket wants the bare address.
    return { host: node.hostname.replace(/^\[(.*)\]$/, "$1"), port: Number(node.port || 6379) };
  });
  const retention = params.historyRetention;
  return {
    nodes,
    username: parsed.username ? decodeURIComponent(parsed.username) : undefined,
    password: parsed.password ? decodeURIComponent(parsed.password) : undefined,
    tls: parsed.protocol === "rediss+cluster:",
    namespace: params.namespace,
    historyRetention: retention === undefined ? undefined : Number(retention),
  };
}
