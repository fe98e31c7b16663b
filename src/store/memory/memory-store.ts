import type { NormalizedDefinition, StoredGroup } from "../../core/models.js";
import { type EntryKey, type EntryWrite, type StoredEntry, supersedes } from "../entry.js";
import { FeatureStore, type StoreOptions } from "../store.js";

interface KeyHistory {
  /** Every entry, index = version - 1. */
  readonly entries: StoredEntry[];
  current: StoredEntry | undefined;
}

/**
 * The reference store: everything in process memory, nothing persisted. Fast, and the
 * behaviour every other backend is tested against. Values are kept in their encoded form, so a
 * read always hands out a fresh object.
 */
export class InMemoryFeatureStore extends FeatureStore {
  override readonly backend = "memory";
  private readonly definitionRows = new Map<string, NormalizedDefinition>();
  private readonly groupRows = new Map<string, StoredGroup>();
  /** entity id -> feature name -> history. */
  private readonly data = new Map<string, Map<string, KeyHistory>>();

  constructor(options: StoreOptions = {}) {
    // Nothing here can hang, so calls skip the per-call timeout timer.
    super({ operationTimeoutMs: 0, ...options });
  }

  protected override async connect(): Promise<void> {}

  protected override async disconnect(): Promise<void> {
    this.data.clear();
  }

  protected override async insertDefinition(def: NormalizedDefinition): Promise<NormalizedDefinition> {
    const known = this.definitionRows.get(def.name);
    if (known) return known;
    this.definitionRows.set(def.name, def);
    return def;
  }

  protected override async loadDefinitions(names?: readonly string[]): Promise<NormalizedDefinition[]> {
    if (!names) return [...this.definitionRows.values()];
    return names.flatMap((n) => this.definitionRows.get(n) ?? []);
  }

  protected override async insertGroup(group: StoredGroup): Promise<StoredGroup> {
    const known = this.groupRows.get(group.name);
    if (known) return known;
    this.groupRows.set(group.name, group);
    return group;
  }

  protected override async loadGroups(name?: string): Promise<StoredGroup[]> {
    if (name === undefined) return [...this.groupRows.values()];
    const group = this.groupRows.get(name);
    return group ? [group] : [];
  }

  protected override appendEntries(writes: readonly EntryWrite[]): Promise<number[]> {
    return this.exclusive(() =>
      writes.map((write) => {
        let features = this.data.get(write.entityId);
        if (!features) {
          features = new Map();
          this.data.set(write.entityId, features);
        }
        let key = features.get(write.featureName);
        if (!key) {
          key = { entries: [], current: undefined };
          features.set(write.featureName, key);
        }
        if (write.payload === null && (key.current === undefined || key.current.payload === null)) return 0;
        const entry: StoredEntry = {
          version: key.entries.length + 1,
          eventTimeMs: write.eventTimeMs,
          payload: write.payload,
        };
        key.entries.push(entry);
        if (supersedes(entry, key.current)) key.current = entry;
        return entry.version;
      }),
    );
  }

  protected override async readCurrent(
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

  protected override async readVersion(key: EntryKey, version: number): Promise<StoredEntry | undefined> {
    return this.keyHistory(key)?.entries[version - 1];
  }

  protected override async readAsOf(key: EntryKey, asOfMs: number): Promise<StoredEntry | undefined> {
    let best: StoredEntry | undefined;
    for (const entry of this.keyHistory(key)?.entries ?? []) {
      if (entry.eventTimeMs <= asOfMs && supersedes(entry, best)) best = entry;
    }
    return best;
  }

  protected override async readHistory(key: EntryKey): Promise<StoredEntry[]> {
    return [...(this.keyHistory(key)?.entries ?? [])];
  }

  private keyHistory(key: EntryKey): KeyHistory | undefined {
    return this.data.get(key.entityId)?.get(key.featureName);
  }
}
