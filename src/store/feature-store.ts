import { checkValue, decodeValue, encodeValue } from "../core/codec.js";
import {
  canonicalValue,
  checkEntityId,
  decodeDefinition,
  decodeGroup,
  deepFreeze,
  encodeDefinition,
  encodeGroup,
  isValidName,
  normalizeDefinition,
  normalizeStoredGroup,
} from "../core/definition.js";
import {
  BackendUnavailableError,
  ConflictError,
  FeatureNotFoundError,
  FeatureStoreError,
  ValidationError,
} from "../core/errors.js";
import type {
  FeatureData,
  FeatureDefinition,
  FeatureValue,
  FeatureVector,
  NormalizedDefinition,
  StoredGroup,
  ValueWrite,
  VectorEntry,
} from "../core/models.js";
import { setOwn } from "../core/own-property.js";
import type { BackendCapabilities, CatalogRecord, StoreBackend } from "./backend.js";
import { Catalog } from "./catalog.js";
import type { EntryKey, EntryWrite, StoredEntry } from "./entry.js";

/** Options every store takes. */
export interface StoreOptions {
  /**
   * A backend call that has not answered after this many milliseconds fails with
   * BACKEND_UNAVAILABLE instead of hanging. Default 5000 for network backends; 0 turns the
   * limit off (the default of the in-process memory and SQLite stores).
   */
  operationTimeoutMs?: number;
  /**
   * How far in the future an event time may lie, in milliseconds (default 5 minutes). A value
   * dated later would stay "current" over every ordinary write until its time came.
   */
  maxFutureSkewMs?: number;
}

/** Options of {@link FeatureStore.getValue}: at most one of them. */
export interface ReadOptions {
  /** Return exactly this version (TTL does not apply). */
  version?: number;
  /** Return the value with the greatest event time <= asOf (ties: the higher version); TTL is judged at asOf. */
  asOf?: Date;
}

/** The health of a store's backend, as `/health` reports it. */
export interface StoreHealth {
  ok: boolean;
  backend: string;
  detail?: string;
}

/**
 * The feature store: typed, versioned feature values per entity, with history, over any
 * {@link StoreBackend}.
 *
 * This class is the one core every backend shares: it validates input, applies types,
 * defaults and TTL, caches definitions and groups, bounds each backend call with a timeout and
 * translates backend failures. The backend only moves encoded entries and catalog records.
 *
 * Every method is async. A store opens itself on first use; {@link FeatureStore.open} does it
 * eagerly and reports connection problems up front.
 *
 * @example
 * ```ts
 * const store = await openStore("sqlite://data/features.db");
 * await store.registerFeature({ name: "age", featureType: "NUMERIC", valueType: "INT" });
 * await store.setValue("age", "user-1", 31);
 * ```
 */
export class FeatureStore {
  /** A short name of the backend, such as `memory` or `sqlite`. */
  readonly backend: string;
  /** What the backend guarantees (atomicity, history retention, durability, sharing). */
  readonly capabilities: BackendCapabilities;
  /**
   * The versioned catalog the store keeps its definitions and groups in: for extensions that
   * keep versioned records of their own (such as transforms) in the same backend.
   */
  readonly catalog: Catalog;

  readonly #driver: StoreBackend;
  /** {@link catalog} for calls made while opening, or once open: it does not wait for the store to open. */
  private readonly openCatalog: Catalog;
  private readonly definitions = new Map<string, NormalizedDefinition>();
  private readonly groups = new Map<string, StoredGroup>();
  private opening: Promise<void> | undefined;
  private ready = false;
  private closed = false;
  /** Names looked up and not found, with when to look again: stops repeated backend lookups. */
  private readonly unknownNames = new Map<string, number>();
  /** See {@link StoreOptions.operationTimeoutMs}. */
  private readonly operationTimeoutMs: number;
  private readonly maxFutureSkewMs: number;

  /**
   * @param backend the backend to store in; the store owns it from now on (connects and
   * disconnects it).
   */
  constructor(backend: StoreBackend, options: StoreOptions = {}) {
    this.#driver = backend;
    this.backend = backend.name;
    this.capabilities = Object.freeze({ ...backend.capabilities });
    this.catalog = new Catalog(backend, (fn) => this.catalogCall(fn));
    this.openCatalog = new Catalog(backend, (fn) => this.call(fn));
    this.operationTimeoutMs = options.operationTimeoutMs ?? (backend.capabilities.inProcess ? 0 : 5000);
    this.maxFutureSkewMs = options.maxFutureSkewMs ?? 5 * 60_000;
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  /** Opens the store (connects, creates its schema, loads definitions). Safe to call twice. */
  async open(): Promise<this> {
    if (this.closed) throw new BackendUnavailableError(`the ${this.backend} store is closed`);
    this.opening ??= this.call(async () => {
      await this.#driver.connect();
      for (const def of await this.loadDefinitions()) this.definitions.set(def.name, def);
      this.ready = true;
    }).catch(async (err: unknown) => {
      // Release whatever connect() got before the failure, or each retry would leak a connection.
      await this.#driver.disconnect().catch(() => undefined);
      this.opening = undefined;
      throw err;
    });
    await this.opening;
    return this;
  }

  /** Closes the store; later calls fail with BACKEND_UNAVAILABLE. Safe to call twice. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.ready = false;
    await this.opening?.catch(() => undefined);
    await this.#driver.disconnect();
  }

  /** Whether the backend answers now. Never throws. */
  async health(): Promise<StoreHealth> {
    try {
      await this.ensureOpen();
      await this.call(() => this.#driver.ping());
      return { ok: true, backend: this.backend };
    } catch (err) {
      return { ok: false, backend: this.backend, detail: err instanceof Error ? err.message : String(err) };
    }
  }

  // ---- definitions --------------------------------------------------------------------------

  /**
   * Registers a feature. Registering an identical definition again is a no-op.
   * @returns the stored (normalized) definition.
   * @throws ValidationError for a malformed definition or a default of the wrong type.
   * @throws ConflictError when another definition already has the name.
   */
  async registerFeature(definition: FeatureDefinition): Promise<NormalizedDefinition> {
    const def = this.normalize(definition);
    await this.ensureOpen();
    const known = this.definitions.get(def.name);
    if (known) return sameOrConflict(known, def);
    await this.commit([featureRecord(def)]);
    return this.definitions.get(def.name) as NormalizedDefinition;
  }

  /** The definition of a registered feature, or `null`. */
  async getDefinition(featureName: string): Promise<NormalizedDefinition | null> {
    return (await this.findDefinitions([featureName]))[0] ?? null;
  }

  /** The definitions of several features, in order (`null` where unregistered), in at most one backend call. */
  async getDefinitions(featureNames: readonly string[]): Promise<(NormalizedDefinition | null)[]> {
    return (await this.findDefinitions(featureNames)).map((def) => def ?? null);
  }

  /** Every registered definition, sorted by name. */
  async listFeatures(): Promise<NormalizedDefinition[]> {
    await this.ensureOpen();
    const all = await this.loadDefinitions();
    for (const def of all) this.definitions.set(def.name, def);
    return all.sort(byName);
  }

  // ---- groups -------------------------------------------------------------------------------

  /**
   * Stores a group, registering the given definitions with it in one atomic step: when the
   * group or any definition conflicts with what is registered (in any process), or a feature of
   * the group is neither registered nor given, nothing at all is stored. Saving an identical
   * group again is a no-op.
   * @param definitions features to register with the group (each must be one of its features).
   * @throws ValidationError for a malformed group or definition.
   * @throws FeatureNotFoundError for a feature that is neither registered nor given.
   * @throws ConflictError when another group, or another definition of a given feature, holds the name.
   */
  async saveGroup(input: StoredGroup, definitions: readonly FeatureDefinition[] = []): Promise<StoredGroup> {
    const group = normalizeStoredGroup(input);
    const defs = definitions.map((d) => this.normalize(d));
    const given = new Map(defs.map((d) => [d.name, d]));
    const stray = defs.find((d) => !group.featureNames.includes(d.name));
    if (stray) {
      throw new ValidationError(`feature "${stray.name}" is not one of group "${group.name}"'s features`, {
        groupName: group.name,
      });
    }
    const known = await this.findDefinitions(group.featureNames);
    const missing = group.featureNames.find((name, i) => known[i] === undefined && !given.has(name));
    if (missing !== undefined) throw new FeatureNotFoundError(missing);
    for (const def of defs) {
      const registered = known[group.featureNames.indexOf(def.name)];
      if (registered) sameOrConflict(registered, def);
    }
    await this.commit([...defs.map(featureRecord), groupRecord(group)]);
    return this.groups.get(group.name) as StoredGroup;
  }

  /** A group by name, or `null`. */
  async getGroup(name: string): Promise<StoredGroup | null> {
    return (await this.getGroups([name]))[0] ?? null;
  }

  /** Several groups by name, in order (`null` where there is none), in at most one backend call. */
  async getGroups(names: readonly string[]): Promise<(StoredGroup | null)[]> {
    await this.ensureOpen();
    const missing = [...new Set(names.filter((n) => !this.groups.has(n) && isValidName(n)))];
    if (missing.length > 0) {
      for (const group of await this.loadGroups(missing)) this.groups.set(group.name, group);
    }
    return names.map((name) => this.groups.get(name) ?? null);
  }

  /** Every group, sorted by name. */
  async listGroups(): Promise<StoredGroup[]> {
    await this.ensureOpen();
    const all = await this.loadGroups();
    for (const group of all) this.groups.set(group.name, group);
    return all.sort(byName);
  }

  // ---- writes -------------------------------------------------------------------------------

  /**
   * Stores a new version of a feature's value for an entity.
   * @throws FeatureNotFoundError, ValidationError (nothing is stored then).
   */
  async setValue(
    featureName: string,
    entityId: string,
    value: unknown,
    options: { eventTime?: Date } = {},
  ): Promise<FeatureValue> {
    const [written] = await this.setValues([{ featureName, entityId, value, eventTime: options?.eventTime }]);
    return written as FeatureValue;
  }

  /**
   * Stores several values atomically: every write is checked first, then all land or none do.
   * A key may appear more than once; its versions then follow the input order.
   * @returns the written values, in input order.
   */
  async setValues(writes: readonly ValueWrite[]): Promise<FeatureValue[]> {
    if (writes.length === 0) return [];
    const defs = await this.findDefinitions([...new Set(writes.map((w) => w.featureName))]);
    const byName = new Map(defs.filter((d) => d !== undefined).map((d) => [d.name, d]));
    const now = Date.now();
    const entries: EntryWrite[] = [];
    const values: FeatureData[] = [];
    for (const write of writes) {
      const def = byName.get(write.featureName);
      if (!def) throw new FeatureNotFoundError(write.featureName);
      const entityId = checkEntityId(write.entityId);
      const value = checkValue(def, write.value, entityId);
      const eventTimeMs = write.eventTime === undefined ? now : checkEventTime(write.eventTime);
      if (eventTimeMs > now + this.maxFutureSkewMs) {
        throw new ValidationError(
          `eventTime ${new Date(eventTimeMs).toISOString()} is more than ${this.maxFutureSkewMs} ms in the future`,
          { featureName: def.name, entityId },
        );
      }
      values.push(value);
      entries.push({ featureName: def.name, entityId, payload: encodeValue(value), eventTimeMs });
    }
    const versions = await this.call(() => this.#driver.appendEntries(entries));
    return entries.map((entry, i) => ({
      featureName: entry.featureName,
      entityId: entry.entityId,
      value: values[i] as FeatureData,
      version: versions[i] as number,
      timestamp: new Date(entry.eventTimeMs),
      ageSeconds: (now - entry.eventTimeMs) / 1000,
    }));
  }

  /**
   * Deletes the current value: a deletion marker is appended to the history (it takes a version),
   * so reads now fall back to the default while reads `asOf` an earlier time still see the value.
   * @returns true when there was a value to delete.
   * @throws FeatureNotFoundError for an unregistered feature.
   */
  async deleteValue(featureName: string, entityId: string): Promise<boolean> {
    await this.requireDefinition(featureName);
    checkEntityId(entityId);
    const [current] = await this.call(() => this.#driver.readCurrent([entityId], [featureName]));
    if (!current || current.payload === null) return false;
    // The marker must supersede the value it deletes, even one written with a later event time.
    const eventTimeMs = Math.max(Date.now(), current.eventTimeMs);
    const [version] = await this.call(() =>
      this.#driver.appendEntries([{ featureName, entityId, payload: null, eventTimeMs }]),
    );
    return version !== 0;
  }

  // ---- reads --------------------------------------------------------------------------------

  /**
   * One value: the current one, an exact `version`, or the one in force `asOf` a time.
   * @returns `null` when there is no such live value (never written, deleted, or expired).
   * @throws FeatureNotFoundError for an unregistered feature; ValidationError for bad options.
   */
  async getValue(
    featureName: string,
    entityId: string,
    options: ReadOptions = {},
  ): Promise<FeatureValue | null> {
    const def = await this.requireDefinition(featureName);
    const key = { featureName, entityId: checkEntityId(entityId) };
    const { version, asOf } = options ?? {};
    if (version !== undefined && asOf !== undefined) {
      throw new ValidationError("give either version or asOf, not both", { featureName, entityId });
    }
    const now = Date.now();
    if (version !== undefined) {
      if (!Number.isSafeInteger(version) || version < 1) {
        throw new ValidationError("version must be a positive integer", { featureName, entityId });
      }
      const entry = await this.call(() => this.#driver.readVersion(key, version));
      return entry ? toValue(key, entry, now) : null;
    }
    const refMs = asOf === undefined ? now : checkEventTime(asOf, "asOf");
    const entry =
      asOf === undefined
        ? (await this.call(() => this.#driver.readCurrent([entityId], [featureName])))[0]
        : await this.call(() => this.#driver.readAsOf(key, refMs));
    return entry && !isExpired(def, entry, refMs) ? toValue(key, entry, now) : null;
  }

  /**
   * Every value kept for the key, in version order (deletions are left out). All backends keep
   * every version except Redis, which keeps the newest `historyRetention` per key.
   */
  async history(featureName: string, entityId: string): Promise<FeatureValue[]> {
    await this.requireDefinition(featureName);
    const key = { featureName, entityId: checkEntityId(entityId) };
    const now = Date.now();
    const entries = await this.call(() => this.#driver.readHistory(key));
    const values: FeatureValue[] = [];
    for (const entry of entries) {
      const value = toValue(key, entry, now);
      if (value) values.push(value);
    }
    return values;
  }

  /**
   * The live current values of one feature across entities (deleted and expired ones left
   * out), for statistics over them such as fitting a transform's parameters. Bounded by
   * `limit` entities (see `StoreBackend.scanCurrent`): `complete` is false when the bound cut
   * the scan short, and `values` is then a sample.
   * @throws FeatureNotFoundError for an unregistered feature; ValidationError for a bad limit.
   */
  async currentValues(
    featureName: string,
    limit: number,
  ): Promise<{ values: FeatureData[]; complete: boolean }> {
    const def = await this.requireDefinition(featureName);
    if (!Number.isSafeInteger(limit) || limit < 1) {
      throw new ValidationError("limit must be a positive integer", { featureName });
    }
    const scan = await this.call(() => this.#driver.scanCurrent(featureName, limit));
    const now = Date.now();
    const values: FeatureData[] = [];
    for (const entry of scan.entries) {
      if (entry.payload !== null && !isExpired(def, entry, now)) values.push(decodeValue(entry.payload));
    }
    return { values, complete: scan.complete };
  }

  /**
   * Several features of one entity. A missing, deleted or expired value is replaced by the
   * definition's default (a fresh copy); an unregistered name gives `null`. Never throws for those.
   */
  async getVector(entityId: string, featureNames: readonly string[]): Promise<FeatureVector> {
    return (await this.getVectors([entityId], featureNames))[0] as FeatureVector;
  }

  /**
   * The batch read: one vector per entity id, in the order given, from one backend round trip.
   * @throws ValidationError for a malformed entity id or a feature name that is not a string.
   */
  async getVectors(entityIds: readonly string[], featureNames: readonly string[]): Promise<FeatureVector[]> {
    for (const id of entityIds) checkEntityId(id);
    return this.readVectors(entityIds, featureNames);
  }

  /**
   * {@link getVectors}, with each entity answered on its own: a malformed id gets its
   * ValidationError in its place and the others their vectors, still from one round trip. For
   * batching callers (a DataLoader) whose ids come from unrelated requests for one vector each.
   * @throws ValidationError for a feature name that is not a string.
   */
  async getVectorsSettled(
    entityIds: readonly string[],
    featureNames: readonly string[],
  ): Promise<(FeatureVector | FeatureStoreError)[]> {
    const refusals = new Map<number, FeatureStoreError>();
    const valid: string[] = [];
    entityIds.forEach((id, i) => {
      try {
        valid.push(checkEntityId(id));
      } catch (err) {
        refusals.set(i, err as FeatureStoreError);
      }
    });
    if (refusals.size === 0) return this.readVectors(entityIds, featureNames);
    const vectors = await this.readVectors(valid, featureNames);
    let next = 0;
    return entityIds.map((_, i) => refusals.get(i) ?? (vectors[next++] as FeatureVector));
  }

  /** The vectors of entity ids already checked. */
  private async readVectors(
    entityIds: readonly string[],
    featureNames: readonly string[],
  ): Promise<FeatureVector[]> {
    for (const name of featureNames) {
      if (typeof name !== "string") throw new ValidationError("feature names must be strings");
    }
    if (entityIds.length === 0) return [];
    const defs = await this.findDefinitions(featureNames);
    const known = featureNames.filter((_, i) => defs[i] !== undefined);
    const current =
      known.length === 0 ? [] : await this.call(() => this.#driver.readCurrent(entityIds, known));
    const now = Date.now();
    const vectors: FeatureVector[] = [];
    for (let e = 0; e < entityIds.length; e++) {
      const values: Record<string, FeatureData | null> = {};
      const entries: VectorEntry[] = [];
      let k = e * known.length;
      for (let f = 0; f < featureNames.length; f++) {
        const featureName = featureNames[f] as string;
        const def = defs[f];
        let entry: VectorEntry;
        if (def === undefined) {
          entry = {
            featureName,
            value: null,
            version: null,
            eventTimeMs: null,
            usedDefault: false,
            registered: false,
          };
        } else {
          const stored = current[k++];
          entry =
            stored && stored.payload !== null && !isExpired(def, stored, now)
              ? {
                  featureName,
                  value: decodeValue(stored.payload),
                  version: stored.version,
                  eventTimeMs: stored.eventTimeMs,
                  usedDefault: false,
                  registered: true,
                }
              : {
                  featureName,
                  value: copyOf(def.defaultValue),
                  version: null,
                  eventTimeMs: null,
                  usedDefault: true,
                  registered: true,
                };
        }
        setOwn(values, featureName, entry.value);
        entries.push(entry);
      }
      vectors.push({ entityId: entityIds[e] as string, values, entries });
    }
    return vectors;
  }

  // ---- machinery -----------------------------------------------------------------------------

  private async ensureOpen(): Promise<void> {
    if (!this.ready) await this.open();
  }

  /** Runs one backend primitive with the timeout and error translation every call gets. */
  private async call<T>(fn: () => Promise<T>): Promise<T> {
    if (this.closed)
      throw new BackendUnavailableError(`the ${this.backend} store is closed`, { backend: this.backend });
    try {
      if (this.operationTimeoutMs <= 0) return await fn();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new BackendUnavailableError(
                `${this.backend} backend did not answer within ${this.operationTimeoutMs} ms (a write may still complete)`,
                {
                  backend: this.backend,
                },
              ),
            ),
          this.operationTimeoutMs,
        );
      });
      try {
        return await Promise.race([fn(), timeout]);
      } finally {
        clearTimeout(timer);
      }
    } catch (err) {
      throw err instanceof FeatureStoreError ? err : this.#driver.translateError(err);
    }
  }

  /**
   * Definitions for the names, in order (`undefined` where unregistered). A cache miss asks the
   * backend once (another process may have registered the name); a name that is still unknown is
   * not asked about again for a second, and a name that cannot be valid is never asked about.
   */
  private async findDefinitions(names: readonly string[]): Promise<(NormalizedDefinition | undefined)[]> {
    await this.ensureOpen();
    const now = Date.now();
    const missing = names.filter(
      (n) => !this.definitions.has(n) && isValidName(n) && (this.unknownNames.get(n) ?? 0) <= now,
    );
    if (missing.length > 0) {
      const found = await this.loadDefinitions(missing);
      for (const def of found) {
        this.definitions.set(def.name, def);
        this.unknownNames.delete(def.name);
      }
      if (this.unknownNames.size > 10_000) this.unknownNames.clear();
      for (const name of missing) if (!this.definitions.has(name)) this.unknownNames.set(name, now + 1000);
    }
    return names.map((name) => this.definitions.get(name));
  }

  private async requireDefinition(featureName: string): Promise<NormalizedDefinition> {
    const [def] = await this.findDefinitions([featureName]);
    if (!def) throw new FeatureNotFoundError(featureName);
    return def;
  }

  private normalize(definition: FeatureDefinition): NormalizedDefinition {
    const shaped = normalizeDefinition(definition);
    const defaultValue =
      shaped.defaultValue === null
        ? null
        : checkValue({ ...shaped, defaultValue: null }, shaped.defaultValue);
    return deepFreeze({ ...shaped, defaultValue: canonicalValue(defaultValue) });
  }

  /** Opens the store first, then runs a catalog call like any other backend call. */
  private async catalogCall<T>(fn: () => Promise<T>): Promise<T> {
    await this.ensureOpen();
    return this.call(fn);
  }

  /** The latest definitions with these names (all when omitted), from the backend. */
  private async loadDefinitions(names?: readonly string[]): Promise<NormalizedDefinition[]> {
    return (await this.openCatalog.latest("feature", names)).map((r) => decodeDefinition(r.body));
  }

  /** The latest groups with these names (all when omitted), from the backend. */
  private async loadGroups(names?: readonly string[]): Promise<StoredGroup[]> {
    return (await this.openCatalog.latest("group", names)).map((r) => decodeGroup(r.body));
  }

  /**
   * Commits catalog records in one atomic backend step and caches what is stored now.
   * @throws ConflictError naming the first record another one holds the place of (nothing stored).
   */
  private async commit(records: readonly CatalogRecord[]): Promise<void> {
    await this.ensureOpen();
    const stored = await this.openCatalog.commit(records);
    const conflict = records.findIndex((r, i) => stored[i] !== null && stored[i] !== r.body);
    records.forEach((record, i) => {
      const body = stored[i];
      if (body === null || body === undefined) return;
      if (record.kind === "feature") this.definitions.set(record.name, decodeDefinition(body));
      else this.groups.set(record.name, decodeGroup(body));
    });
    const lost = records[conflict];
    if (lost?.kind === "feature") throw conflictOf(lost.name);
    if (lost) {
      throw new ConflictError(`feature group "${lost.name}" is already registered with different content`, {
        groupName: lost.name,
      });
    }
    for (const record of records) this.unknownNames.delete(record.name);
  }
}

function byName<T extends { readonly name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function featureRecord(def: NormalizedDefinition): CatalogRecord {
  return { kind: "feature", name: def.name, version: 1, body: encodeDefinition(def) };
}

function groupRecord(group: StoredGroup): CatalogRecord {
  return { kind: "group", name: group.name, version: 1, body: encodeGroup(group) };
}

function conflictOf(featureName: string): ConflictError {
  return new ConflictError(`feature "${featureName}" is already registered with a different definition`, {
    featureName,
  });
}

/** The stored definition when it says the same as the wanted one. @throws ConflictError otherwise. */
function sameOrConflict(stored: NormalizedDefinition, wanted: NormalizedDefinition): NormalizedDefinition {
  if (encodeDefinition(stored) !== encodeDefinition(wanted)) throw conflictOf(wanted.name);
  return stored;
}

function checkEventTime(time: Date, what = "eventTime"): number {
  const ms = time instanceof Date ? time.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new ValidationError(`${what} must be a valid Date`);
  return ms;
}

function isExpired(def: NormalizedDefinition, entry: StoredEntry, refMs: number): boolean {
  return def.ttlSeconds !== null && refMs - entry.eventTimeMs > def.ttlSeconds * 1000;
}

function toValue(key: EntryKey, entry: StoredEntry, nowMs: number): FeatureValue | null {
  if (entry.payload === null) return null;
  return {
    featureName: key.featureName,
    entityId: key.entityId,
    value: decodeValue(entry.payload),
    version: entry.version,
    timestamp: new Date(entry.eventTimeMs),
    ageSeconds: (nowMs - entry.eventTimeMs) / 1000,
  };
}

/** Primitives are immutable and shared; objects are copied so no caller can alter a default. */
function copyOf(value: FeatureData | null): FeatureData | null {
  return value !== null && typeof value === "object" ? structuredClone(value) : value;
}
