import { ConfigurationError } from "../core/errors.js";

/** What a network backend's URL looks like, as {@link parseStoreUrl} checks it. */
export interface StoreUrlFormat<P extends string> {
  /** The backend's name in messages, such as `redis`. */
  readonly backend: string;
  /** The schemes accepted, without `://`, such as `["redis", "rediss"]`. */
  readonly schemes: readonly string[];
  /** A well-formed URL, shown when the given one cannot be used. */
  readonly example: string;
  /** The query parameters the store reads itself; the driver never sees them. */
  readonly params: readonly P[];
}

/** A store URL taken apart by {@link parseStoreUrl}. */
export interface ParsedStoreUrl<P extends string> {
  /** The URL without the store's own parameters, to hand on to the driver. */
  readonly url: URL;
  /** The store's own parameters; `undefined` where the URL does not give one. */
  readonly params: Readonly<Record<P, string | undefined>>;
}

/**
 * Parses a Redis or PostgreSQL store URL: checks its scheme and takes out the query parameters
 * the store reads itself (namespace, pool size, ...), leaving the rest of the URL for the driver.
 * Messages never repeat the URL, since it may hold a password.
 * @throws ConfigurationError for a string that is not a URL, a scheme not in `format.schemes`, or
 * one of the store's own parameters given more than once.
 * @example
 * ```ts
 * const { url, params } = parseStoreUrl("redis://h:6379/0?namespace=prod&tls=true", {
 *   backend: "redis", schemes: ["redis"], example: "redis://host:6379/0", params: ["namespace"],
 * });
 * // url.toString() === "redis://h:6379/0?tls=true", params.namespace === "prod"
 * ```
 */
export function parseStoreUrl<P extends string>(url: string, format: StoreUrlFormat<P>): ParsedStoreUrl<P> {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigurationError(`invalid ${format.backend} URL: expected ${format.example}`, {
      backend: format.backend,
    });
  }
  const scheme = parsed.protocol.slice(0, -1).toLowerCase();
  if (!format.schemes.includes(scheme)) {
    const accepted = format.schemes.map((s) => `${s}://`).join(" or ");
    throw new ConfigurationError(
      `a ${format.backend} URL starts with ${accepted}, not ${scheme}:// (expected ${format.example})`,
      { backend: format.backend },
    );
  }
  const params: Partial<Record<P, string>> = {};
  for (const name of format.params) {
    const values = parsed.searchParams.getAll(name);
    if (values.length > 1) {
      throw new ConfigurationError(`the ${format.backend} URL gives "${name}" more than once`, {
        backend: format.backend,
      });
    }
    params[name] = values[0];
    parsed.searchParams.delete(name);
  }
  return { url: parsed, params: params as Record<P, string | undefined> };
}
