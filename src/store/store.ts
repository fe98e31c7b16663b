import { Mutex } from "async-mutex";
import { checkValue, decodeValue, encodeValue } from "../core/codec.js";
import {
  checkEntityId,
  deepFreeze,
  isValidName,
  normalizeDefinition,
  normalizeStoredGroup,
  sameDefinition,
  sameGroup,
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
 * The store contract: typed, versioned feature values per entity, with history.
 *
 * The public methods validate input, apply types, defaults and TTL, and translate backend
 * failures; a backend implements only the protected primitives below, which move
 * {@link StoredEntry} records and definitions. Versions are assigned by the backend, atomically.
 *
 * Every method is async. A store opens itself on first use; {@link FeatureStore.open} does it
 * eagerly and reports connection problems up front.
 */
export abstract class FeatureStore {
  /** A short name of the backend, such as `memory` or `sqlite`. */
  abstract readonly backend: string;

  private readonly definitions = new Map<string, NormalizedDefinition>();
  private readonly groups = new Map<string, StoredGroup>();
  private readonly writeMutex = new Mutex();
  private opening: Promise<void> | undefined;
  private ready = false;
  private closed = false;
  /** Names looked up and not found, with when to look again: stops repeated backend lookups. */
  private readonly unknownNames = new Map<string, number>();
  /** See {@link StoreOptions.operationTimeoutMs}. */
  protected readonly operationTimeoutMs: number;
  private readonly maxFutureSkewMs: number;

  constructor(options: StoreOptions = {}) {
    this.operationTimeoutMs = options.operationTimeoutMs ?? 5000;
    this.maxFutureSkewMs = options.maxFutureSkewMs ?? 5 * 60_000;
  }

  // ---- backend primitives -------------------------------------------------------------------

  /** Connects and creates the schema if needed. Called once. */
  protected abstract connect(): Promise<void>;
  /** Releases every resource. Called once. */
  protected abstract disconnect(): Promise<void>;
  /** Stores `def` unless a definition of that name exists; returns the one stored now. */
  protected abstract insertDefinition(def: NormalizedDefinition): Promise<NormalizedDefinition>;
  /** The definitions with these names (all of them when omitted); absent names are left out. */
  protected abstract loadDefinitions(names?: readonly string[]): Promise<NormalizedDefinition[]>;
  /** Stores `group` unless a group of that name exists; returns the one stored now. */
  protected abstract insertGroup(group: StoredGroup): Promise<StoredGroup>;
  /** The group with this name, or every group when omitted. */
  protected abstract loadGroups(name?: string): Promise<StoredGroup[]>;
  /**
   * Appends entries atomically (all or none), assigning each the next version of its key;
   * returns the versions in input order. A key may occur more than once.
   *
   * A deletion marker (payload `null`) is appended only when the key's current entry, at that
   * moment inside the same atomic step, is a live value; otherwise nothing is written for it and
   * its version is 0. So two concurrent deletions of one value write one marker, and only one of
   * them reports that it deleted something.
   */
  protected abstract appendEntries(writes: readonly EntryWrite[]): Promise<number[]>;
  /**
   * The current entry (see {@link supersedes}) of every (entity, feature) pair, entity-major:
   * index `e * featureNames.length + f`. `undefined` where the key has no entry.
   */
  protected abstract readCurrent(
    entityIds: readonly string[],
    featureNames: readonly string[],
  ): Promise<(StoredEntry | undefined)[]>;
  /** The entry with exactly this version. */
  protected abstract readVersion(key: EntryKey, version: number): Promise<StoredEntry | undefined>;
  /** The entry with the greatest event time <= asOfMs, ties broken by the higher version. */
  protected abstract readAsOf(key: EntryKey, asOfMs: number): Promise<StoredEntry | undefined>;
  /** Every entry of the key in version order, tombstones included. */
  protected abstract readHistory(key: EntryKey): Promise<StoredEntry[]>;
  /** Asks the backend whether it answers. The default: the store is open. */
  protected async ping(): Promise<void> {}

  // ---- lifecycle ----------------------------------------------------------------------------

  /** Opens the store (connects, creates its schema, loads definitions). Safe to call twice. */
  async open(): Promise<this> {
    if (this.closed) throw new BackendUnavailableError(`the ${this.backend} store is closed`);
    this.opening ??= this.call(async () => {
      await this.connect();
      for (const def of await this.loadDefinitions()) this.definitions.set(def.name, def);
      this.ready = true;
    }).catch(async (err: unknown) => {
      // Release whatever connect() got before the failure, or each retry would leak a connection.
      await this.disconnect().catch(() => undefined);
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
    await this.writeMutex.waitForUnlock();
    await this.disconnect();
  }

  /** Whether the backend answers now. Never throws. */
  async health(): Promise<StoreHealth> {
    try {
      await this.ensureOpen();
      await this.call(() => this.ping());
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
    if (known) return this.sameOrConflict(known, def);
    const stored = await this.call(() => this.insertDefinition(def));
    this.definitions.set(stored.name, stored);
    return this.sameOrConflict(stored, def);
  }

  /**
   * Validates a definition and throws ConflictError if a different one holds its name, without
   * registering anything. Lets callers check a whole set before registering any of it.
   */
  async checkRegistrable(definition: FeatureDefinition): Promise<NormalizedDefinition> {
    const def = this.normalize(definition);
    const known = (await this.findDefinitions([def.name]))[0];
    return known ? this.sameOrConflict(known, def) : def;
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
    const all = await this.call(() => this.loadDefinitions());
    for (const def of all) this.definitions.set(def.name, def);
    return all.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  // ---- groups -------------------------------------------------------------------------------

  /**
   * Stores a group (its features must be registered). Saving an identical group is a no-op.
   * @throws ValidationError for a malformed group.
   * @throws FeatureNotFoundError for a feature that is not registered.
   * @throws ConflictError when another group already has the name.
   */
  async saveGroup(input: StoredGroup): Promise<StoredGroup> {
    const group = normalizeStoredGroup(input);
    const defs = await this.findDefinitions(group.featureNames);
    const missing = group.featureNames.find((_, i) => defs[i] === undefined);
    if (missing !== undefined) throw new FeatureNotFoundError(missing);
    const known = await this.getGroup(group.name);
    const stored = known ?? (await this.call(() => this.insertGroup(group)));
    this.groups.set(stored.name, stored);
    if (!sameGroup(stored, group)) {
      throw new ConflictError(`feature group "${group.name}" is already registered with different content`, {
        groupName: group.name,
      });
    }
    return stored;
  }

  /** A group by name, or `null`. */
  async getGroup(name: string): Promise<StoredGroup | null> {
    await this.ensureOpen();
    const cached = this.groups.get(name);
    if (cached) return cached;
    const [found] = await this.call(() => this.loadGroups(name));
    if (found) this.groups.set(found.name, found);
    return found ?? null;
  }

  /** Every group, sorted by name. */
  async listGroups(): Promise<StoredGroup[]> {
    await this.ensureOpen();
    const all = await this.call(() => this.loadGroups());
    for (const group of all) this.groups.set(group.name, group);
    return all.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
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
    const versions = await this.call(() => this.appendEntries(entries));
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
    const [current] = await this.call(() => this.readCurrent([entityId], [featureName]));
    if (!current || current.payload === null) return false;
    // The marker must supersede the value it deletes, even one written with a later event time.
    const eventTimeMs = Math.max(Date.now(), current.eventTimeMs);
    const [version] = await this.call(() =>
      this.appendEntries([{ featureName, entityId, payload: null, eventTimeMs }]),
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
      const entry = await this.call(() => this.readVersion(key, version));
      return entry ? toValue(key, entry, now) : null;
    }
    const refMs = asOf === undefined ? now : checkEventTime(asOf, "asOf");
    const entry =
      asOf === undefined
        ? (await this.call(() => this.readCurrent([entityId], [featureName])))[0]
        : await this.call(() => this.readAsOf(key, refMs));
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
    const entries = await this.call(() => this.readHistory(key));
    const values: FeatureValue[] = [];
    for (const entry of entries) {
      const value = toValue(key, entry, now);
      if (value) values.push(value);
    }
    return values;
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
   * This is what DataLoaders call.
   */
  async getVectors(entityIds: readonly string[], featureNames: readonly string[]): Promise<FeatureVector[]> {
    for (const id of entityIds) checkEntityId(id);
    for (const name of featureNames) {
      if (typeof name !== "string") throw new ValidationError("feature names must be strings");
    }
    if (entityIds.length === 0) return [];
    const defs = await this.findDefinitions(featureNames);
    const known = featureNames.filter((_, i) => defs[i] !== undefined);
    const current = known.length === 0 ? [] : await this.call(() => this.readCurrent(entityIds, known));
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

  // ---- shared machinery for backends --------------------------------------------------------

  /**
   * Runs `fn` while holding this store's write lock (async-mutex), so in-process writers never
   * interleave. Memory and SQLite wrap their appends in it: their bodies are synchronous today,
   * so the lock only costs a microtask, and it keeps them safe the day one of them awaits.
   */
  protected exclusive<T>(fn: () => T | Promise<T>): Promise<T> {
    return this.writeMutex.runExclusive(fn);
  }

  /**
   * Translates a backend's own error into a FeatureStoreError. The default treats every
   * unexpected failure as BACKEND_UNAVAILABLE; backends override it to say more.
   */
  protected translateError(err: unknown): FeatureStoreError {
    const message = err instanceof Error ? err.message : String(err);
    return new BackendUnavailableError(
      `${this.backend} backend failed: ${message}`,
      { backend: this.backend },
      {
        cause: err,
      },
    );
  }

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
      throw err instanceof FeatureStoreError ? err : this.translateError(err);
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
      const found = await this.call(() => this.loadDefinitions(missing));
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
    return deepFreeze({ ...shaped, defaultValue });
  }

  private sameOrConflict(stored: NormalizedDefinition, wanted: NormalizedDefinition): NormalizedDefinition {
    if (!sameDefinition(stored, wanted)) {
      throw new ConflictError(`feature "${wanted.name}" is already registered with a different definition`, {
        featureName: wanted.name,
      });
    }
    return stored;
  }
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
