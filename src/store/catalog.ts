import type { CatalogKind, CatalogRecord, StoreBackend } from "./backend.js";

/** Runs a backend call with the store's timeout and error translation. */
export type BackendCall = <T>(fn: () => Promise<T>) => Promise<T>;

/** How many times {@link Catalog.appendVersion} tries again when another process took the version. */
const APPEND_ATTEMPTS = 8;

/**
 * A store's versioned catalog: definitions, groups, transforms, each kept as records of
 * (kind, name, version) over the backend's atomic `commitCatalog`. Versions of a name are 1, 2,
 * 3, ...; a version, once stored, never changes, so whoever pins `name@version` always gets the
 * same record.
 *
 * @example
 * ```ts
 * const { record, created } = await store.catalog.appendVersion("transform", "user_model", body);
 * ```
 */
export class Catalog {
  /** @param call runs each backend call (the store's timeout and error translation). */
  constructor(
    private readonly backend: StoreBackend,
    private readonly call: BackendCall,
  ) {}

  /** Every version of the records with these names (all names when omitted), oldest first per name. */
  async versions(kind: CatalogKind, names?: readonly string[]): Promise<CatalogRecord[]> {
    if (names?.length === 0) return [];
    const records = await this.call(() => this.backend.loadCatalog(kind, names));
    return records.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.version - b.version));
  }

  /** The newest record of each of these names (all names when omitted), sorted by name. */
  async latest(kind: CatalogKind, names?: readonly string[]): Promise<CatalogRecord[]> {
    const newest = new Map<string, CatalogRecord>();
    for (const record of await this.versions(kind, names)) newest.set(record.name, record);
    return [...newest.values()];
  }

  /**
   * Stores records in one atomic step (see `StoreBackend.commitCatalog`): all of them, or none
   * when one's key is taken by another body. Returns what each key holds now.
   */
  commit(records: readonly CatalogRecord[]): Promise<(string | null)[]> {
    return this.call(() => this.backend.commitCatalog(records));
  }

  /**
   * Makes `body` the newest version of (kind, name): a no-op when the newest version already
   * says exactly that, else it is stored as the next version. When another process stores that
   * version first, it looks again and tries the next one.
   * @returns the newest record, and whether this call created it.
   */
  async appendVersion(
    kind: CatalogKind,
    name: string,
    body: string,
  ): Promise<{ record: CatalogRecord; created: boolean }> {
    for (let attempt = 0; attempt < APPEND_ATTEMPTS; attempt++) {
      const [newest] = await this.latest(kind, [name]);
      if (newest?.body === body) return { record: newest, created: false };
      const record: CatalogRecord = { kind, name, version: (newest?.version ?? 0) + 1, body };
      const [stored] = await this.commit([record]);
      if (stored === body) return { record, created: true };
    }
    throw new Error(`could not store a new version of ${kind} "${name}": it kept changing`);
  }
}
