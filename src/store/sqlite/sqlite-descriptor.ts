import { rm } from "node:fs/promises";
import { ConfigurationError } from "../../core/errors.js";
import type { BackendDescriptor } from "../backend-descriptor.js";

/** What a `sqlite://` URL says. */
interface SQLiteUrl {
  readonly path: string;
  readonly synchronous: "FULL" | "NORMAL" | undefined;
}

/**
 * Reads `sqlite://relative/path.db` or `sqlite:///absolute/path.db` (`?synchronous=NORMAL`
 * optional), without URL's host rules: a relative path has no host.
 * @throws ConfigurationError for a URL without a path, a bad escape or an unknown parameter.
 */
function parseSQLiteUrl(url: string): SQLiteUrl {
  const body = url.slice(url.indexOf("://") + 3);
  const q = body.indexOf("?");
  const rest = q < 0 ? body : body.slice(0, q);
  const params = new URLSearchParams(q < 0 ? "" : body.slice(q + 1));
  if (rest === "") {
    throw new ConfigurationError("sqlite URL needs a path: sqlite://<path> or sqlite:///<absolute path>");
  }
  for (const name of params.keys()) {
    if (name !== "synchronous") throw new ConfigurationError(`sqlite URL has an unknown parameter "${name}"`);
  }
  const synchronous = params.get("synchronous")?.toUpperCase();
  if (synchronous !== undefined && synchronous !== "FULL" && synchronous !== "NORMAL") {
    throw new ConfigurationError(`sqlite synchronous must be FULL or NORMAL, not ${synchronous}`);
  }
  try {
    return { path: decodeURIComponent(rest), synchronous };
  } catch {
    throw new ConfigurationError("sqlite URL path is not valid percent-encoding (write % as %25)");
  }
}

/**
 * One SQLite file, for `sqlite://` URLs: the embedded, durable default. Loads better-sqlite3 (a
 * native module) only when such a URL is opened. Changes stay in process.
 */
export const sqliteDescriptor: BackendDescriptor = {
  name: "sqlite",
  schemes: ["sqlite"],
  async open(url) {
    const { path, synchronous } = parseSQLiteUrl(url);
    const { SQLiteBackend } = await import("./sqlite-backend.js");
    return new SQLiteBackend(path, { synchronous });
  },
  async dropNamespace(url) {
    const { path } = parseSQLiteUrl(url);
    if (path === ":memory:") return;
    for (const suffix of ["", "-wal", "-shm"]) await rm(`${path}${suffix}`, { force: true });
  },
};
