import type { StoreBackend } from "./backend.js";
import type { ChangeFeed } from "./changes/change-feed.js";
import type { StoreOptions } from "./feature-store.js";

/**
 * How a backend describes itself to `openStore` and the server: the URL schemes it answers,
 * how to open it, and what else it offers. A descriptor imports no driver: `open` loads the
 * backend's module when a URL of its scheme is first opened, so a program that uses one backend
 * never loads the others' drivers.
 *
 * @example
 * ```ts
 * registerBackend({
 *   name: "mydb",
 *   schemes: ["mydb"],
 *   open: async (url) => new (await import("./my-backend.js")).MyBackend(url),
 * });
 * const store = await openStore("mydb://host/db");
 * ```
 */
export interface BackendDescriptor {
  /** The backend's name, as its `StoreBackend.name`. */
  readonly name: string;
  /** The URL schemes it answers, without `://`, lower case. */
  readonly schemes: readonly string[];
  /**
   * Its data lives in the process that opened it: two processes opening the same URL hold two
   * different stores, so it cannot back several server processes (`--workers`).
   */
  readonly inProcess?: boolean;
  /**
   * A backend, not yet connected, for a URL of one of {@link schemes}.
   * @throws ConfigurationError when the URL cannot be honoured exactly.
   */
  open(url: string, options: StoreOptions): Promise<StoreBackend>;
  /**
   * Opens the channel through which the processes serving this URL hear each other's writes.
   * Omitted for backends whose data one process holds (changes then stay in process).
   */
  openChangeFeed?(url: string): Promise<ChangeFeed>;
  /** Deletes everything stored under the URL (its namespace, file or schema): for tests and benchmarks. */
  dropNamespace?(url: string): Promise<void>;
}
