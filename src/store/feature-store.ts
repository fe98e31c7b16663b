import { inChunks } from "../core/chunks.js";
import { checkValue, encodeValue } from "../core/codec.js";
import {
  checkDefinition,
  checkEntityId,
  decodeGroup,
  encodeDefinition,
  encodeGroup,
  isValidEntityId,
  isValidName,
  MAX_ENTITY_ID_LENGTH,
  normalizeStoredGroup,
} from "../core/definition.js";
import {
  type DefinitionVersion,
  decodeDefinitionVersion,
  definitionAt,
  diffDefinitions,
  encodeDefinitionVersion,
  groupChangeError,
  incompatibleFeatureChange,
} from "../core/definition-version.js";
import {
  BackendUnavailableError,
  ConflictError,
  FeatureNotFoundError,
  FeatureStoreError,
  HistoryTrimmedError,
  ValidationError,
} from "../core/errors.js";
import { logger } from "../core/logger.js";
import type {
  DefinitionChanges,
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
import { ENTITY_SCAN_LIMIT, type EntityPage } from "./entity-page.js";
import {
  type AsOfEntry,
  type AsOfRow,
  type EntryKey,
  type EntryWrite,
  entryValue,
  HISTORY_TRIMMED,
  type StoredEntry,
} from "./entry.js";
import {
  assembleCoverage,
  assembleStatistics,
  coverageRequest,
  type FeatureCoverage,
  type FeatureStatistics,
  type StatisticsOptions,
  statisticsRequest,
} from "./feature-statistics.js";
import type { HistoryPosition } from "./history-page.js";
import { type StoreObserver, StoreObservers } from "./store-observers.js";
import {
  DEFAULT_TRAINING_CHUNK,
  type EntityRow,
  MAX_TRAINING_CHUNK,
  type TrainingRow,
  type TrainingSetOptions,
} from "./training-set.js";

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
  /**
   * Over a backend several processes share, how often (in ms, default 1000) the store looks up
   * the definitions and groups it has cached again, so that a new version saved through another
   * process is served about this late. The lookup runs beside the read that finds the cache due,
   * never in its way. 0 turns it off, for a store that is the only writer of its data.
   */
  catalogRefreshMs?: number;
}

/** Options of {@link FeatureStore.getVectors}. */
export interface VectorReadOptions {
  /**
   * Read the vectors as they were at this instant: per feature, the value with the greatest event
   * time <= asOf (ties: the higher version), TTL judged at asOf. Default: now, which is the same
   * rule at the moment of reading.
   */
  asOf?: Date;
  /**
   * Fill only each vector's `values` and leave its `entries` empty: for a reader that needs
   * nothing else (the GraphQL server, when a query selects a vector's `values` but not its
   * `features` and applies no transform). Saves building one entry object per value read.
   */
  valuesOnly?: boolean;
}

/** Options of {@link FeatureStore.getValue}: at most one of them. */
export interface ReadOptions {
  /** Return exactly this version (TTL does not apply). */
  version?: number;
  /** Return the value with the greatest event time <= asOf (ties: the higher version); TTL is judged at asOf. */
  asOf?: Date;
}

/** How many times {@link FeatureStore.updateFeature} tries again when another writer took the version. */
const UPDATE_ATTEMPTS = 8;

/**
 * A set of catalog changes saved in one atomic step by {@link FeatureStore.saveDefinitions}:
 * all of it lands, or none.
 */
export interface CatalogChanges {
  /** Features to register, or to store as a new version of a registered one (mutable fields only). */
  readonly features?: readonly (FeatureDefinition | NormalizedDefinition)[];
  /** Groups to register, or to store as a new version (description and tags only). */
  readonly groups?: readonly StoredGroup[];
  /** Records of other kinds (transforms), with the versions their owner chose. */
  readonly records?: readonly CatalogRecord[];
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
  /** Feature name -> every version of its definition, oldest first. */
  private readonly definitions = new Map<string, readonly DefinitionVersion[]>();
  private readonly groups = new Map<string, { group: StoredGroup; version: number }>();
  /** When the cached definitions and groups were last looked up in the backend (epoch ms). */
  private checkedAtMs = 0;
  /** The background refresh of the cached definitions and groups under way, if any. */
  private refreshing: Promise<void> | undefined;
  private opening: Promise<void> | undefined;
  private ready = false;
  private closed = false;
  /** Names looked up and not found, with when to look again: stops repeated backend lookups. */
  private readonly unknownNames = new Map<string, number>();
  /** See {@link StoreOptions.operationTimeoutMs}. */
  private readonly operationTimeoutMs: number;
  private readonly maxFutureSkewMs: number;
  private readonly catalogRefreshMs: number;
  private readonly observers = new StoreObservers();

  /**
   * @param backend the backend to store in; the store owns it from now on (connects and
   * disconnects it).
   */
  constructor(backend: StoreBackend, options: StoreOptions = {}) {
    this.#driver = this.observers.observe(backend);
    this.backend = backend.name;
    this.capabilities = Object.freeze({ ...backend.capabilities });
    this.catalog = new Catalog(this.#driver, (fn) => this.catalogCall(fn));
    this.openCatalog = new Catalog(this.#driver, (fn) => this.call(fn));
    this.operationTimeoutMs = options.operationTimeoutMs ?? (backend.capabilities.inProcess ? 0 : 5000);
    this.maxFutureSkewMs = options.maxFutureSkewMs ?? 5 * 60_000;
    this.catalogRefreshMs = backend.capabilities.sharedAcrossProcesses
      ? (options.catalogRefreshMs ?? 1000)
      : 0;
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  /** Opens the store (connects, creates its schema, loads definitions). Safe to call twice. */
  async open(): Promise<this> {
    if (this.closed) throw new BackendUnavailableError(`the ${this.backend} store is closed`);
    this.opening ??= this.call(async () => {
      await this.#driver.connect();
      this.checkedAtMs = Date.now();
      for (const [name, versions] of await this.loadDefinitions()) this.definitions.set(name, versions);
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
    await this.refreshing;
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

  /**
   * Adds an observer of the backend calls and writes (for metrics); returns the function that
   * removes it. Several apps over one store each add their own.
   */
  observe(observer: StoreObserver): () => void {
    return this.observers.add(observer);
  }

  // ---- definitions --------------------------------------------------------------------------

  /**
   * Registers a feature. Registering an identical definition again is a no-op.
   * @returns the stored (normalized) definition.
   * @throws ValidationError for a malformed definition or a default of the wrong type.
   * @throws ConflictError when another definition already has the name.
   */
  async registerFeature(definition: FeatureDefinition): Promise<DefinitionVersion> {
    const def = this.normalize(definition);
    const [known] = await this.findDefinitions([def.name]);
    if (known) return sameOrConflict(known, def);
    await this.commit([featureRecord(def, 1, null)]);
    return this.newestDefinition(def.name);
  }

  /**
   * Changes the mutable fields of a registered feature (description, tags, TTL, default value):
   * stored as its next definition version, in force from now on; the earlier versions stay
   * readable and stay in force for reads as of a time before now. Fields left out keep their
   * value; `null` clears one. No change is a no-op.
   * @returns the newest version.
   * @throws FeatureNotFoundError for an unregistered feature; ValidationError for a bad field.
   */
  async updateFeature(featureName: string, changes: DefinitionChanges): Promise<DefinitionVersion> {
    if (changes === null || typeof changes !== "object") {
      throw new ValidationError("changes must be an object", { featureName });
    }
    const pick = <K extends keyof DefinitionChanges>(field: K, now: DefinitionChanges[K]) =>
      Object.hasOwn(changes, field) && changes[field] !== undefined ? changes[field] : now;
    for (let attempt = 1; ; attempt++) {
      const current = await this.requireDefinition(featureName);
      try {
        await this.saveDefinitions({
          features: [
            {
              name: current.name,
              featureType: current.featureType,
              valueType: current.valueType,
              dimension: current.dimension,
              description: pick("description", current.description),
              tags: pick("tags", [...current.tags]) ?? [],
              ttlSeconds: pick("ttlSeconds", current.ttlSeconds),
              defaultValue: pick("defaultValue", current.defaultValue),
            },
          ],
        });
        return this.newestDefinition(current.name);
      } catch (err) {
        // Another writer took the version: the cache now holds it, so the next attempt applies
        // these changes on top of it.
        if (!(err instanceof ConflictError) || attempt >= UPDATE_ATTEMPTS) throw err;
      }
    }
  }

  /**
   * Saves features and groups (and records of other kinds) in one atomic step: new ones are
   * registered, changed ones stored as their next version, unchanged ones left alone. When one
   * change is not allowed, or another process saved a version of one of them meanwhile,
   * nothing at all is stored.
   * @throws ValidationError for a malformed definition or group.
   * @throws IncompatibleChangeError for a change of a feature's type, value type or dimension,
   *   or of a group's features (the message says what to do instead).
   * @throws FeatureNotFoundError for a group feature that is neither registered nor given.
   * @throws ConflictError when another process saved a version of one of them meanwhile.
   */
  async saveDefinitions(changes: CatalogChanges): Promise<void> {
    // A normalized definition is checked again like any other: nothing here trusts its caller.
    const defs = (changes.features ?? []).map((d) => this.normalize(d as FeatureDefinition));
    const groups = (changes.groups ?? []).map((g) => normalizeStoredGroup(g));
    const given = new Set(defs.map((d) => d.name));
    const nowMs = Date.now();
    const records: CatalogRecord[] = [];
    const known = await this.findDefinitions(defs.map((d) => d.name));
    defs.forEach((def, i) => {
      const current = known[i];
      if (!current) {
        records.push(featureRecord(def, 1, null));
        return;
      }
      const diff = diffDefinitions(current, def);
      if (diff.immutable.length > 0) throw incompatibleFeatureChange(def.name, diff.immutable);
      if (diff.mutable.length > 0) records.push(featureRecord(def, current.version + 1, nowMs));
    });
    const members = [...new Set(groups.flatMap((g) => g.featureNames))];
    const found = await this.findDefinitions(members);
    const missing = members.find((name, i) => found[i] === undefined && !given.has(name));
    if (missing !== undefined) throw new FeatureNotFoundError(missing);
    await this.getGroups(groups.map((g) => g.name));
    for (const group of groups) {
      const current = this.groups.get(group.name);
      if (!current) {
        records.push(groupRecord(group, 1));
        continue;
      }
      const refused = groupChangeError(current.group, group);
      if (refused) throw refused;
      if (encodeGroup(current.group) !== encodeGroup(group))
        records.push(groupRecord(group, current.version + 1));
    }
    records.push(...(changes.records ?? []));
    if (records.length > 0) await this.commit(records);
  }

  /**
   * The definition of a registered feature: its newest version, or exactly `version`; `null`
   * when there is no such feature or version.
   */
  async getDefinition(featureName: string, version?: number): Promise<DefinitionVersion | null> {
    if (version === undefined) return (await this.findDefinitions([featureName]))[0] ?? null;
    const [versions] = await this.findVersions([featureName]);
    return versions?.find((v) => v.version === version) ?? null;
  }

  /** Every version of a feature's definition, oldest first; empty when it is not registered. */
  async definitionVersions(featureName: string): Promise<DefinitionVersion[]> {
    const [versions] = await this.findVersions([featureName]);
    return versions ? [...versions] : [];
  }

  /** The definitions of several features, in order (`null` where unregistered), in at most one backend call. */
  async getDefinitions(featureNames: readonly string[]): Promise<(DefinitionVersion | null)[]> {
    return (await this.findDefinitions(featureNames)).map((def) => def ?? null);
  }

  /** Every registered definition (its newest version), sorted by name. */
  async listFeatures(): Promise<DefinitionVersion[]> {
    await this.ensureOpen();
    const all = await this.loadDefinitions();
    for (const [name, versions] of all) this.definitions.set(name, versions);
    return [...all.values()].map((versions) => versions.at(-1) as DefinitionVersion).sort(byName);
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
    const fresh = defs.filter((def) => {
      const registered = known[group.featureNames.indexOf(def.name)];
      if (registered) sameOrConflict(registered, def);
      return registered === undefined;
    });
    const [stored] = await this.getGroups([group.name]);
    if (stored && encodeGroup(stored) === encodeGroup(group)) return stored;
    if (stored) throw groupConflictOf(group.name);
    await this.commit([...fresh.map((def) => featureRecord(def, 1, null)), groupRecord(group, 1)]);
    return (this.groups.get(group.name) as { group: StoredGroup }).group;
  }

  /** A group by name, or `null`. */
  async getGroup(name: string): Promise<StoredGroup | null> {
    return (await this.getGroups([name]))[0] ?? null;
  }

  /** Several groups by name, in order (`null` where there is none), in at most one backend call. */
  async getGroups(names: readonly string[]): Promise<(StoredGroup | null)[]> {
    await this.ensureOpen();
    this.refreshCatalog();
    const missing = [...new Set(names.filter((n) => !this.groups.has(n) && isValidName(n)))];
    if (missing.length > 0) {
      for (const stored of await this.loadGroups(missing)) this.groups.set(stored.group.name, stored);
    }
    return names.map((name) => this.groups.get(name)?.group ?? null);
  }

  /** Every group, sorted by name. */
  async listGroups(): Promise<StoredGroup[]> {
    await this.ensureOpen();
    const all = await this.loadGroups();
    for (const stored of all) this.groups.set(stored.group.name, stored);
    return all.map((stored) => stored.group).sort(byName);
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
   * On a backend whose `capabilities.atomicAcrossEntities` is false (Redis Cluster) that holds
   * per entity: a failure may leave other entities' writes landed, and its error says so.
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
    this.observers.valuesWritten(entries.length);
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
    const now = Date.now();
    const [served] = await this.readNow([entityId], [featureName], now);
    if (served === HISTORY_TRIMMED) {
      throw new HistoryTrimmedError(`the value of "${featureName}" in force now is in trimmed history`, {
        featureName,
        entityId,
      });
    }
    if (!served || served.payload === null) return false;
    // The marker is dated now: it ends the value served now. A value dated later still takes
    // effect when its time comes, as any write dated then would.
    const [version] = await this.call(() =>
      this.#driver.appendEntries([{ featureName, entityId, payload: null, eventTimeMs: now }]),
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
    const [versions] = await this.findVersions([featureName]);
    if (!versions) throw new FeatureNotFoundError(featureName);
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
    const [entry] =
      asOf === undefined
        ? await this.readNow([key.entityId], [featureName], now)
        : await this.call(() =>
            this.#driver.readAsOf([{ entityId: key.entityId, asOfMs: refMs }], [featureName]),
          );
    if (entry === HISTORY_TRIMMED) {
      throw new HistoryTrimmedError(
        `the value of "${featureName}" as of ${new Date(refMs).toISOString()} is in trimmed history`,
        { featureName, entityId },
      );
    }
    // The TTL in force at the instant read: the newest version's for a current read.
    const def = asOf === undefined ? (versions.at(-1) as DefinitionVersion) : definitionAt(versions, refMs);
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
      if (entry.payload !== null && !isExpired(def, entry, now)) values.push(entryValue(entry));
    }
    return { values, complete: scan.complete };
  }

  // ---- exploring: statistics, entity ids and history a page at a time --------------------

  /**
   * Statistics of a feature's values in force now (per entity the entry with the greatest event
   * time at or before now, TTL judged now), computed by the backend: how many entities are live,
   * expired or deleted, the most frequent values, a number summary with histogram (of the value,
   * an embedding's norm or a string's length), and the kept history's entries per time bucket.
   * @throws FeatureNotFoundError for an unregistered feature; ValidationError for bad options.
   */
  async featureStatistics(featureName: string, options: StatisticsOptions = {}): Promise<FeatureStatistics> {
    const def = await this.requireDefinition(featureName);
    const request = statisticsRequest(def, Date.now(), options ?? {});
    const summary = await this.call(() => this.#driver.summarizeFeature(request));
    return assembleStatistics(def, request, summary, options?.topValues ?? 10);
  }

  /**
   * How many entities hold a value of each feature now, and when each was last written: the
   * counts of {@link featureStatistics} without its value aggregates. One backend call per
   * feature, made concurrently.
   * @throws FeatureNotFoundError for the first unregistered name.
   */
  async featureCoverage(featureNames: readonly string[]): Promise<FeatureCoverage[]> {
    const defs = await this.requireDefinitions(featureNames);
    const nowMs = Date.now();
    return Promise.all(
      defs.map(async (def) => {
        const request = coverageRequest(def, nowMs);
        return assembleCoverage(def, await this.call(() => this.#driver.summarizeFeature(request)));
      }),
    );
  }

  /**
   * A page of entity ids in code point order, after `after` (exclusive): those with an entry of
   * one of `featureNames`, or of any feature when it is `null`.
   * @throws FeatureNotFoundError for an unregistered name; ValidationError for a bad limit or id.
   */
  async listEntities(
    featureNames: readonly string[] | null,
    after: string | null,
    limit: number,
  ): Promise<EntityPage> {
    if (featureNames !== null) await this.requireDefinitions(featureNames);
    else await this.ensureOpen();
    if (!Number.isSafeInteger(limit) || limit < 1)
      throw new ValidationError("limit must be a positive integer");
    const query = {
      featureNames,
      after: after === null ? null : checkEntityId(after),
      limit,
      scanLimit: ENTITY_SCAN_LIMIT,
    };
    return this.call(() => this.#driver.listEntities(query));
  }

  /**
   * A page of a key's kept values (deletions left out) in event time order, ties by version,
   * oldest or newest first, strictly after `after`.
   * @throws FeatureNotFoundError for an unregistered feature; ValidationError for a bad limit or id.
   */
  async historyPage(
    featureName: string,
    entityId: string,
    page: { newestFirst: boolean; after: HistoryPosition | null; limit: number },
  ): Promise<FeatureValue[]> {
    await this.requireDefinition(featureName);
    const key = { featureName, entityId: checkEntityId(entityId) };
    if (!Number.isSafeInteger(page.limit) || page.limit < 1) {
      throw new ValidationError("limit must be a positive integer", { featureName, entityId });
    }
    const entries = await this.call(() => this.#driver.readHistoryPage(key, page));
    const now = Date.now();
    return entries.flatMap((entry) => toValue(key, entry, now) ?? []);
  }

  /**
   * Several features of one entity. A missing, deleted or expired value is replaced by the
   * definition's default (a fresh copy); an unregistered name gives `null`. Never throws for those.
   */
  async getVector(
    entityId: string,
    featureNames: readonly string[],
    options: VectorReadOptions = {},
  ): Promise<FeatureVector> {
    return (await this.getVectors([entityId], featureNames, options))[0] as FeatureVector;
  }

  /**
   * The batch read: one vector per entity id, in the order given, from one backend round trip
   * (two when a key's newest entry is dated ahead of now, see {@link readNow}).
   * @throws ValidationError for a malformed entity id, a feature name that is not a string, or a bad `asOf`.
   */
  async getVectors(
    entityIds: readonly string[],
    featureNames: readonly string[],
    options: VectorReadOptions = {},
  ): Promise<FeatureVector[]> {
    for (const id of entityIds) checkEntityId(id);
    return this.readVectors(entityIds, featureNames, options);
  }

  /**
   * {@link getVectors}, with each entity answered on its own: a malformed id gets its
   * ValidationError in its place and the others their vectors, still from one round trip. For
   * batching callers (a DataLoader) whose ids come from unrelated requests for one vector each.
   * @throws ValidationError for a feature name that is not a string, or a bad `asOf`.
   */
  async getVectorsSettled(
    entityIds: readonly string[],
    featureNames: readonly string[],
    options: VectorReadOptions = {},
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
    if (refusals.size === 0) return this.readVectors(entityIds, featureNames, options);
    const vectors = await this.readVectors(valid, featureNames, options);
    let next = 0;
    return entityIds.map((_, i) => refusals.get(i) ?? (vectors[next++] as FeatureVector));
  }

  /**
   * A point-in-time join, streamed: for each entity row, each feature's value as it was known at
   * the row's `timestamp` (the entry with the greatest event time at or before it, ties to the
   * higher version; TTL judged at it), else the definition's default, flagged. Nothing dated
   * after a row's instant can reach it, so a model trains on what serving would have served.
   *
   * Rows are read from `rows` a chunk at a time and answered by one backend call per chunk; the
   * answer comes out as chunks, rows in input order. Memory holds two chunks, however many rows
   * there are.
   *
   * @example
   * ```ts
   * const rows = [{ entityId: "user-1", timestamp: new Date("2026-03-01"), label: 1 }];
   * for await (const chunk of store.trainingSet(rows, ["age", "clicks_7d"])) {
   *   for (const row of chunk) console.log(row.entityId, row.columns.label, row.values);
   * }
   * ```
   * @throws FeatureNotFoundError for an unregistered feature name, before any row is read.
   * @throws ValidationError for a row without a valid entity id or timestamp (naming its index),
   *   duplicate feature names, or a bad chunk size.
   */
  async *trainingSet<R extends EntityRow>(
    rows: AsyncIterable<R> | Iterable<R>,
    featureNames: readonly string[],
    options: TrainingSetOptions = {},
  ): AsyncGenerator<TrainingRow<R>[]> {
    const chunkSize = options.chunkSize ?? DEFAULT_TRAINING_CHUNK;
    if (!Number.isSafeInteger(chunkSize) || chunkSize < 1 || chunkSize > MAX_TRAINING_CHUNK) {
      throw new ValidationError(`chunkSize must be an integer from 1 to ${MAX_TRAINING_CHUNK}`);
    }
    const defs = await this.requireVersions(featureNames);
    let first = 0;
    let pending: Promise<TrainingRow<R>[]> | undefined;
    for await (const chunk of inChunks(rows, chunkSize)) {
      const answer = this.joinChunk(chunk, first, featureNames, defs);
      // Read ahead: this chunk's backend call runs while the caller consumes the previous one.
      // Its failure is awaited below; the handler only keeps it from counting as unhandled meanwhile.
      answer.catch(() => undefined);
      first += chunk.length;
      if (pending) yield await pending;
      pending = answer;
    }
    if (pending) yield await pending;
  }

  /** One chunk of a training set; `first` is the index of its first row in the whole input. */
  private async joinChunk<R extends EntityRow>(
    chunk: readonly R[],
    first: number,
    featureNames: readonly string[],
    defs: readonly (readonly DefinitionVersion[])[],
  ): Promise<TrainingRow<R>[]> {
    const asOf: AsOfRow[] = chunk.map((row, i) => checkEntityRow(row, first + i));
    const stored = await this.call(() => this.#driver.readAsOf(asOf, featureNames));
    const width = featureNames.length;
    return chunk.map((row, r) => {
      const { entityId, timestamp, ...columns } = row;
      const refMs = (asOf[r] as AsOfRow).asOfMs;
      const values: Record<string, FeatureData | null> = {};
      const entries: VectorEntry[] = new Array(width);
      for (let f = 0; f < width; f++) {
        // Each row reads the definition in force at its own instant: its TTL and its default.
        const entry = servedEntry(
          featureNames[f] as string,
          definitionAt(defs[f] as readonly DefinitionVersion[], refMs),
          stored[r * width + f],
          refMs,
        );
        setOwn(values, entry.featureName, entry.value);
        entries[f] = entry;
      }
      return { entityId, timestamp, columns, values, entries };
    });
  }

  /** The vectors of entity ids already checked. */
  private async readVectors(
    entityIds: readonly string[],
    featureNames: readonly string[],
    options: VectorReadOptions,
  ): Promise<FeatureVector[]> {
    for (const name of featureNames) {
      if (typeof name !== "string") throw new ValidationError("feature names must be strings");
    }
    const asOf = options?.asOf;
    const now = Date.now();
    const refMs = asOf === undefined ? now : checkEventTime(asOf, "asOf");
    if (entityIds.length === 0) return [];
    const versions = await this.findVersions(featureNames);
    // The definitions in force at the instant read: the newest for a current read.
    const defs = versions.map((v) =>
      v === undefined
        ? undefined
        : asOf === undefined
          ? (v.at(-1) as DefinitionVersion)
          : definitionAt(v, refMs),
    );
    const known = featureNames.filter((_, i) => defs[i] !== undefined);
    const stored: AsOfEntry[] =
      known.length === 0
        ? []
        : asOf === undefined
          ? await this.readNow(entityIds, known, now)
          : await this.call(() =>
              this.#driver.readAsOf(
                entityIds.map((entityId) => ({ entityId, asOfMs: refMs })),
                known,
              ),
            );
    const valuesOnly = options?.valuesOnly === true;
    const vectors: FeatureVector[] = [];
    for (let e = 0; e < entityIds.length; e++) {
      const values: Record<string, FeatureData | null> = {};
      const entries: VectorEntry[] = [];
      let k = e * known.length;
      for (let f = 0; f < featureNames.length; f++) {
        const featureName = featureNames[f] as string;
        const def = defs[f];
        if (valuesOnly) {
          setOwn(values, featureName, def === undefined ? null : servedValue(def, stored[k++], refMs));
          continue;
        }
        const entry: VectorEntry =
          def === undefined
            ? {
                featureName,
                value: null,
                version: null,
                eventTimeMs: null,
                usedDefault: false,
                registered: false,
              }
            : servedEntry(featureName, def, stored[k++], refMs);
        setOwn(values, featureName, entry.value);
        entries.push(entry);
      }
      vectors.push({ entityId: entityIds[e] as string, values, entries });
    }
    return vectors;
  }

  /**
   * The entries in force at `nowMs`: a current read is a read as of the moment of reading. A
   * key's current entry is the greatest of all its entries, so when it is dated at or before now
   * it is also the answer as of now; only keys whose current entry is dated ahead (a future event
   * time within `maxFutureSkewMs`) need an as-of read, all of them in one more backend call.
   */
  private async readNow(
    entityIds: readonly string[],
    featureNames: readonly string[],
    nowMs: number,
  ): Promise<AsOfEntry[]> {
    const current: AsOfEntry[] = await this.call(() => this.#driver.readCurrent(entityIds, featureNames));
    const width = featureNames.length;
    const ahead: number[] = [];
    current.forEach((entry, i) => {
      if (entry !== undefined && entry !== HISTORY_TRIMMED && entry.eventTimeMs > nowMs) ahead.push(i);
    });
    if (ahead.length === 0) return current;
    const entities = [...new Set(ahead.map((i) => entityIds[Math.floor(i / width)] as string))];
    const features = [...new Set(ahead.map((i) => featureNames[i % width] as string))];
    const rows = entities.map((entityId) => ({ entityId, asOfMs: nowMs }));
    const asOfNow = await this.call(() => this.#driver.readAsOf(rows, features));
    for (const i of ahead) {
      const e = entities.indexOf(entityIds[Math.floor(i / width)] as string);
      const f = features.indexOf(featureNames[i % width] as string);
      current[i] = asOfNow[e * features.length + f];
    }
    return current;
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
  private async findDefinitions(names: readonly string[]): Promise<(DefinitionVersion | undefined)[]> {
    return (await this.findVersions(names)).map((versions) => versions?.at(-1));
  }

  /** Every version of the definitions of the names, in order: see {@link findDefinitions}. */
  private async findVersions(
    names: readonly string[],
  ): Promise<(readonly DefinitionVersion[] | undefined)[]> {
    await this.ensureOpen();
    this.refreshCatalog();
    const now = Date.now();
    const missing = names.filter(
      (n) => !this.definitions.has(n) && isValidName(n) && (this.unknownNames.get(n) ?? 0) <= now,
    );
    if (missing.length > 0) {
      for (const [name, versions] of await this.loadDefinitions(missing)) {
        this.definitions.set(name, versions);
        this.unknownNames.delete(name);
      }
      if (this.unknownNames.size > 10_000) this.unknownNames.clear();
      for (const name of missing) if (!this.definitions.has(name)) this.unknownNames.set(name, now + 1000);
    }
    return names.map((name) => this.definitions.get(name));
  }

  /**
   * Over a backend other processes share, looks up the cached definitions and groups again once
   * they are {@link StoreOptions.catalogRefreshMs} old: in the background, in one call per kind,
   * one refresh at a time. A version this process saved meanwhile is never replaced by an older
   * answer.
   */
  private refreshCatalog(): void {
    if (
      this.catalogRefreshMs <= 0 ||
      this.refreshing ||
      Date.now() - this.checkedAtMs < this.catalogRefreshMs
    ) {
      return;
    }
    this.checkedAtMs = Date.now();
    this.refreshing = (async () => {
      const features = [...this.definitions.keys()];
      const groups = [...this.groups.keys()];
      if (features.length > 0) {
        for (const [name, versions] of await this.loadDefinitions(features)) {
          const cached = this.definitions.get(name)?.at(-1)?.version ?? 0;
          if ((versions.at(-1)?.version ?? 0) >= cached) this.definitions.set(name, versions);
        }
      }
      if (groups.length > 0) {
        for (const stored of await this.loadGroups(groups)) {
          if (stored.version >= (this.groups.get(stored.group.name)?.version ?? 0)) {
            this.groups.set(stored.group.name, stored);
          }
        }
      }
    })()
      .catch((err: unknown) => {
        // The cache stays as it was; the next read after the interval tries again.
        logger.warn({ err }, "could not refresh the cached definitions");
      })
      .finally(() => {
        this.refreshing = undefined;
      });
  }

  private async requireDefinition(featureName: string): Promise<DefinitionVersion> {
    const [def] = await this.findDefinitions([featureName]);
    if (!def) throw new FeatureNotFoundError(featureName);
    return def;
  }

  /** The newest version of a feature just saved (so cached). */
  private newestDefinition(featureName: string): DefinitionVersion {
    return this.definitions.get(featureName)?.at(-1) as DefinitionVersion;
  }

  /** The newest definitions of all the names, in order (see {@link requireVersions}). */
  private async requireDefinitions(featureNames: readonly string[]): Promise<DefinitionVersion[]> {
    return (await this.requireVersions(featureNames)).map((versions) => versions.at(-1) as DefinitionVersion);
  }

  /**
   * Every version of the definitions of all the names, in order.
   * @throws FeatureNotFoundError for the first unregistered name; ValidationError for a name that
   *   is not a string or occurs twice.
   */
  private async requireVersions(featureNames: readonly string[]): Promise<(readonly DefinitionVersion[])[]> {
    if (!Array.isArray(featureNames)) throw new ValidationError("feature names must be a list");
    for (const name of featureNames) {
      if (typeof name !== "string") throw new ValidationError("feature names must be strings");
    }
    const twice = featureNames.find((name, i) => featureNames.indexOf(name) !== i);
    if (twice !== undefined)
      throw new ValidationError(`feature "${twice}" is named twice`, { featureName: twice });
    const defs = await this.findVersions(featureNames);
    const missing = featureNames.findIndex((_, i) => defs[i] === undefined);
    if (missing >= 0) throw new FeatureNotFoundError(featureNames[missing] as string);
    return defs as (readonly DefinitionVersion[])[];
  }

  private normalize(definition: FeatureDefinition): NormalizedDefinition {
    return checkDefinition(definition);
  }

  /** Opens the store first, then runs a catalog call like any other backend call. */
  private async catalogCall<T>(fn: () => Promise<T>): Promise<T> {
    await this.ensureOpen();
    return this.call(fn);
  }

  /** Every version of the definitions with these names (all when omitted), from the backend. */
  private async loadDefinitions(names?: readonly string[]): Promise<Map<string, DefinitionVersion[]>> {
    const found = new Map<string, DefinitionVersion[]>();
    for (const record of await this.openCatalog.versions("feature", names)) {
      const versions = found.get(record.name) ?? [];
      versions.push(decodeDefinitionVersion(record.body, record.version));
      found.set(record.name, versions);
    }
    return found;
  }

  /** The latest groups with these names (all when omitted), from the backend. */
  private async loadGroups(names?: readonly string[]): Promise<{ group: StoredGroup; version: number }[]> {
    return (await this.openCatalog.latest("group", names)).map((r) => ({
      group: decodeGroup(r.body),
      version: r.version,
    }));
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
      if (record.kind === "feature") {
        const kept = (this.definitions.get(record.name) ?? []).filter((v) => v.version < record.version);
        this.definitions.set(record.name, [...kept, decodeDefinitionVersion(body, record.version)]);
      } else if (record.kind === "group") {
        const cached = this.groups.get(record.name);
        if (!cached || cached.version <= record.version) {
          this.groups.set(record.name, { group: decodeGroup(body), version: record.version });
        }
      }
    });
    const lost = records[conflict];
    if (lost && lost.version > 1) {
      throw new ConflictError(
        `${lost.kind} "${lost.name}" got version ${lost.version} from another writer meanwhile: nothing was saved; look again and retry`,
        { name: lost.name, kind: lost.kind },
      );
    }
    if (lost?.kind === "feature") throw conflictOf(lost.name);
    if (lost) throw groupConflictOf(lost.name);
    for (const record of records) this.unknownNames.delete(record.name);
  }
}

function byName<T extends { readonly name: string }>(a: T, b: T): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function featureRecord(
  def: NormalizedDefinition,
  version: number,
  validFromMs: number | null,
): CatalogRecord {
  return { kind: "feature", name: def.name, version, body: encodeDefinitionVersion(def, validFromMs) };
}

function groupRecord(group: StoredGroup, version: number): CatalogRecord {
  return { kind: "group", name: group.name, version, body: encodeGroup(group) };
}

function conflictOf(featureName: string): ConflictError {
  return new ConflictError(
    `feature "${featureName}" is already registered with a different definition: change its description, tags, TTL or default with updateFeature (or featurestore apply); anything else needs a new feature name`,
    { featureName },
  );
}

function groupConflictOf(groupName: string): ConflictError {
  return new ConflictError(`feature group "${groupName}" is already registered with different content`, {
    groupName,
  });
}

/** The stored definition when it says the same as the wanted one. @throws ConflictError otherwise. */
function sameOrConflict<D extends NormalizedDefinition>(stored: D, wanted: NormalizedDefinition): D {
  if (encodeDefinition(stored) !== encodeDefinition(wanted)) throw conflictOf(wanted.name);
  return stored;
}

function checkEventTime(time: Date, what = "eventTime"): number {
  const ms = time instanceof Date ? time.getTime() : Number.NaN;
  if (!Number.isFinite(ms)) throw new ValidationError(`${what} must be a valid Date`);
  return ms;
}

/**
 * What serves a registered feature at `refMs`, from what the backend found in force then: the
 * live entry, {@link HISTORY_TRIMMED} when the answer lies in trimmed history, else `undefined`
 * (the default stands in). TTL is judged at `refMs`.
 */
function inForce(def: NormalizedDefinition, stored: AsOfEntry, refMs: number): AsOfEntry {
  if (stored === HISTORY_TRIMMED) return stored;
  return stored && stored.payload !== null && !isExpired(def, stored, refMs) ? stored : undefined;
}

/**
 * The slot a registered feature gets in a vector or training row ({@link inForce}): the live
 * value, else the default (flagged), else, when the answer is in trimmed history, `null` flagged
 * as unknown.
 */
function servedEntry(
  featureName: string,
  def: NormalizedDefinition,
  stored: AsOfEntry,
  refMs: number,
): VectorEntry {
  const live = inForce(def, stored, refMs);
  if (live === HISTORY_TRIMMED) {
    return {
      featureName,
      value: null,
      version: null,
      eventTimeMs: null,
      usedDefault: false,
      registered: true,
      historyTrimmed: true,
    };
  }
  if (live) {
    return {
      featureName,
      value: entryValue(live),
      version: live.version,
      eventTimeMs: live.eventTimeMs,
      usedDefault: false,
      registered: true,
    };
  }
  return {
    featureName,
    value: copyOf(def.defaultValue),
    version: null,
    eventTimeMs: null,
    usedDefault: true,
    registered: true,
  };
}

/** The value alone of {@link servedEntry}. */
function servedValue(def: NormalizedDefinition, stored: AsOfEntry, refMs: number): FeatureData | null {
  const live = inForce(def, stored, refMs);
  if (live === HISTORY_TRIMMED) return null;
  return live ? entryValue(live) : copyOf(def.defaultValue);
}

/**
 * The as-of row of an entity row, checked.
 * @throws ValidationError naming the row's index when its entity id or timestamp is not valid.
 */
function checkEntityRow(row: EntityRow, index: number): AsOfRow {
  if (row === null || typeof row !== "object") {
    throw new ValidationError(`row ${index} is not an object`, { row: index });
  }
  const asOfMs = row.timestamp instanceof Date ? row.timestamp.getTime() : Number.NaN;
  if (!Number.isFinite(asOfMs)) {
    throw new ValidationError(`row ${index}: timestamp must be a valid Date`, { row: index });
  }
  const entityId = row.entityId;
  if (typeof entityId !== "string" || !isValidEntityId(entityId)) {
    throw new ValidationError(
      `row ${index}: entityId must be a non-empty string of at most ${MAX_ENTITY_ID_LENGTH} characters without NUL`,
      {
        row: index,
      },
    );
  }
  return { entityId, asOfMs };
}

function isExpired(def: NormalizedDefinition, entry: StoredEntry, refMs: number): boolean {
  return def.ttlSeconds !== null && refMs - entry.eventTimeMs > def.ttlSeconds * 1000;
}

function toValue(key: EntryKey, entry: StoredEntry, nowMs: number): FeatureValue | null {
  if (entry.payload === null) return null;
  return {
    featureName: key.featureName,
    entityId: key.entityId,
    value: entryValue(entry),
    version: entry.version,
    timestamp: new Date(entry.eventTimeMs),
    ageSeconds: (nowMs - entry.eventTimeMs) / 1000,
  };
}

/** Primitives are immutable and shared; objects are copied so no caller can alter a default. */
function copyOf(value: FeatureData | null): FeatureData | null {
  return value !== null && typeof value === "object" ? structuredClone(value) : value;
}
