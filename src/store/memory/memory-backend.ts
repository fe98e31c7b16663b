import { Mutex } from "async-mutex";
import type { FeatureStoreError } from "../../core/errors.js";
import {
  type BackendCapabilities,
  backendFailed,
  type CatalogKind,
  type CatalogRecord,
  type CurrentScan,
  type StoreBackend,
} from "../backend.js";
import { type EntityPage, type EntityPageQuery, pageOfIds } from "../entity-page.js";
import {
  type AsOfEntry,
  type AsOfRow,
  type EntryKey,
  type EntryWrite,
  type StoredEntry,
  supersedes,
} from "../entry.js";
import { type FeatureSummary, type SummaryRequest, summarizeInForce } from "../feature-summary.js";
import { type HistoryPageQuery, pageOfHistory } from "../history-page.js";

interface KeyHistory {
  /** Every entry, index = version - 1. */
  readonly entries: StoredEntry[];
  /** The same entries by (event time, version): reads as of a time binary-search it. */
  readonly byTime: StoredEntry[];
  current: StoredEntry | undefined;
}

const CAPABILITIES: BackendCapabilities = {
  atomicAcrossEntities: true,
  historyRetention: null,
  durable: false,
  sharedAcrossProcesses: false,
  inProcess: true,
};

/**
 * The reference backend: everything in process memory, nothing persisted. Fast, and the
 * behaviour every other backend is tested against. Values are kept in their encoded form, so a
 * read always hands out a fresh object.
 */
export class MemoryBackend implements StoreBackend {
  readonly name = "memory";
  readonly capabilities = CAPABILITIES;
  private readonly catalog = new Map<string, CatalogRecord>();
  /** entity id -> feature name -> history. */
  private readonly data = new Map<string, Map<string, KeyHistory>>();
  /**
   * Serializes writers. The bodies below never await, so today this costs one microtask; it
   * keeps appends whole the day one of them does.
   */
  private readonly writeLock = new Mutex();

  async connect(): Promise<void> {}

  async disconnect(): Promise<void> {
    this.data.clear();
    this.catalog.clear();
  }

  async ping(): Promise<void> {}

  translateError(err: unknown): FeatureStoreError {
    return backendFailed(this.name, err);
  }

  commitCatalog(records: readonly CatalogRecord[]): Promise<(string | null)[]> {
    return this.writeLock.runExclusive(() => {
      const found = records.map((r) => this.catalog.get(catalogKey(r))?.body);
      const conflict = records.some((r, i) => found[i] !== undefined && found[i] !== r.body);
      if (!conflict) for (const record of records) this.catalog.set(catalogKey(record), record);
      return records.map((r, i) => found[i] ?? (conflict ? null : r.body));
    });
  }

  async loadCatalog(kind: CatalogKind, names?: readonly string[]): Promise<CatalogRecord[]> {
    const wanted = names && new Set(names);
    return [...this.catalog.values()].filter((r) => r.kind === kind && (!wanted || wanted.has(r.name)));
  }

  appendEntries(writes: readonly EntryWrite[]): Promise<number[]> {
    return this.writeLock.runExclusive(() =>
      writes.map((write) => {
        let features = this.data.get(write.entityId);
        if (!features) {
          features = new Map();
          this.data.set(write.entityId, features);
        }
        let key = features.get(write.featureName);
        if (!key) {
          key = { entries: [], byTime: [], current: undefined };
          features.set(write.featureName, key);
        }
        if (write.payload === null && (key.current === undefined || key.current.payload === null)) return 0;
        const entry: StoredEntry = {
          version: key.entries.length + 1,
          eventTimeMs: write.eventTimeMs,
          payload: write.payload,
        };
        key.entries.push(entry);
        // The new version is the highest, so it goes after every entry of the same event time.
        key.byTime.splice(lastAtOrBefore(key.byTime, entry.eventTimeMs) + 1, 0, entry);
        if (supersedes(entry, key.current)) key.current = entry;
        return entry.version;
      }),
    );
  }

  async readCurrent(
    entityIds: readonly string[],
    featureNames: readonly string[],
  ): Promise<(StoredEntry | undefined)[]> {
    const out: (StoredEntry | undefined)[] = [];
    for (const entityId of entityIds) {
      const features = this.data.get(entityId);
      for (const name of featureNames) out.push(features?.get(name)?.current);
    }
    return out;
  }

  async readVersion(key: EntryKey, version: number): Promise<StoredEntry | undefined> {
    return this.keyHistory(key)?.entries[version - 1];
  }

  async readAsOf(rows: readonly AsOfRow[], featureNames: readonly string[]): Promise<AsOfEntry[]> {
    const out: AsOfEntry[] = [];
    for (const { entityId, asOfMs } of rows) {
      const features = this.data.get(entityId);
      for (const name of featureNames) {
        const byTime = features?.get(name)?.byTime;
        out.push(byTime?.[lastAtOrBefore(byTime, asOfMs)]);
      }
    }
    return out;
  }

  async readHistory(key: EntryKey): Promise<StoredEntry[]> {
    return [...(this.keyHistory(key)?.entries ?? [])];
  }

  async scanCurrent(featureName: string, limit: number): Promise<CurrentScan> {
    const entries: StoredEntry[] = [];
    for (const features of this.data.values()) {
      const current = features.get(featureName)?.current;
      if (current === undefined || current.payload === null) continue;
      if (entries.length === limit) return { entries, complete: false };
      entries.push(current);
    }
    return { entries, complete: true };
  }

  async summarizeFeature(request: SummaryRequest): Promise<FeatureSummary> {
    const inForce: StoredEntry[] = [];
    const history: { eventTimeMs: number; deletion: boolean }[] = [];
    for (const features of this.data.values()) {
      const key = features.get(request.featureName);
      if (!key) continue;
      const entry = key.byTime[lastAtOrBefore(key.byTime, request.nowMs)];
      if (entry) inForce.push(entry);
      for (const e of key.entries) history.push({ eventTimeMs: e.eventTimeMs, deletion: e.payload === null });
    }
    return summarizeInForce(request, inForce, history, true);
  }

  async listEntities(query: EntityPageQuery): Promise<EntityPage> {
    // A deletion of a key never written leaves an empty history behind: that is no entry.
    const written = (key: KeyHistory | undefined) => key !== undefined && key.entries.length > 0;
    const names = query.featureNames;
    const ids: string[] = [];
    for (const [entityId, features] of this.data) {
      const found =
        names === null
          ? [...features.values()].some(written)
          : names.some((name) => written(features.get(name)));
      if (found) ids.push(entityId);
    }
    return pageOfIds(ids, query, true);
  }

  async readHistoryPage(key: EntryKey, query: HistoryPageQuery): Promise<StoredEntry[]> {
    return pageOfHistory(this.keyHistory(key)?.entries ?? [], query);
  }

  private keyHistory(key: EntryKey): KeyHistory | undefined {
    return this.data.get(key.entityId)?.get(key.featureName);
  }
}

/** The index of the last entry dated at or before `timeMs` in a list sorted by (event time, version), or -1. */
function lastAtOrBefore(byTime: readonly StoredEntry[], timeMs: number): number {
  let low = 0;
  let high = byTime.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if ((byTime[mid] as StoredEntry).eventTimeMs <= timeMs) low = mid + 1;
    else high = mid;
  }
  return low - 1;
}

function catalogKey(record: CatalogRecord): string {
  return `${record.kind}\u0000${record.name}\u0000${record.version}`;
}
