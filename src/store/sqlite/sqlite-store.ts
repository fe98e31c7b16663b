import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import { decodeDefinition, decodeGroup, encodeDefinition, encodeGroup } from "../../core/definition.js";
import { ConfigurationError } from "../../core/errors.js";
import type { NormalizedDefinition, StoredGroup } from "../../core/models.js";
import { type EntryKey, type EntryWrite, type StoredEntry, supersedes } from "../entry.js";
import { FeatureStore, type StoreOptions } from "../store.js";

/** Options of {@link SQLiteFeatureStore}. */
export interface SQLiteStoreOptions extends StoreOptions {
  /** `FULL` (default) survives power loss; `NORMAL` is faster and survives a process crash. */
  synchronous?: "FULL" | "NORMAL";
  /** How long a writer waits for another process's lock, in ms (default 5000). */
  busyTimeoutMs?: number;
}

const SCHEMA_VERSION = 1;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS definitions (name TEXT PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS groups (name TEXT PRIMARY KEY, body TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS history (
  feature TEXT NOT NULL, entity TEXT NOT NULL, version INTEGER NOT NULL,
  event_time INTEGER NOT NULL, payload TEXT,
  PRIMARY KEY (feature, entity, version)
) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS history_as_of ON history (feature, entity, event_time, version);
CREATE TABLE IF NOT EXISTS current (
  entity TEXT NOT NULL, feature TEXT NOT NULL, last_version INTEGER NOT NULL,
  version INTEGER NOT NULL, event_time INTEGER NOT NULL, payload TEXT,
  PRIMARY KEY (entity, feature)
) WITHOUT ROWID;
`;

interface CurrentRow {
  entity: string;
  feature: string;
  last_version: number;
  version: number;
  event_time: number;
  payload: string | null;
}

interface EntryRow {
  version: number;
  event_time: number;
  payload: string | null;
}

const toEntry = (row: EntryRow): StoredEntry => ({
  version: row.version,
  eventTimeMs: row.event_time,
  payload: row.payload,
});

/**
 * A durable store in one SQLite file (better-sqlite3): WAL journal, `synchronous=FULL` by default,
 * every append in an IMMEDIATE transaction, so several processes can share the file and an
 * acknowledged write survives a crash. Each key's current entry is kept in its own table, so a
 * vector read is one indexed query however many entities it covers.
 */
export class SQLiteFeatureStore extends FeatureStore {
  override readonly backend = "sqlite";
  private db: Database.Database | undefined;
  private statements: ReturnType<typeof prepare> | undefined;

  /**
   * @param path a file path (its folder is created if missing), or `:memory:`.
   */
  constructor(
    readonly path: string,
    private readonly options: SQLiteStoreOptions = {},
  ) {
    // better-sqlite3 is synchronous: a timer could not fire while a call runs, so none is set;
    // a locked file is bounded by busyTimeoutMs instead.
    super({ operationTimeoutMs: 0, ...options });
  }

  protected override async connect(): Promise<void> {
    await this.disconnect();
    if (this.path !== ":memory:") mkdirSync(dirname(this.path), { recursive: true });
    const db = new Database(this.path, { timeout: this.options.busyTimeoutMs ?? 5000 });
    try {
      const mode = db.pragma("journal_mode = WAL", { simple: true });
      if (mode !== "wal" && this.path !== ":memory:") {
        throw new ConfigurationError(`SQLite could not put ${this.path} in WAL mode (it is in ${mode} mode)`);
      }
      db.pragma(`synchronous = ${this.options.synchronous ?? "FULL"}`);
      db.transaction(() => {
        db.exec(SCHEMA);
        db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('schema_version', ?)").run(
          String(SCHEMA_VERSION),
        );
        const row = db.prepare("SELECT value FROM meta WHERE key = 'schema_version'").get() as {
          value: string;
        };
        if (Number(row.value) > SCHEMA_VERSION) {
          throw new ConfigurationError(
            `${this.path} has schema version ${row.value}; this version of the store understands up to ${SCHEMA_VERSION}`,
          );
        }
      }).immediate();
      this.statements = prepare(db);
      this.db = db;
    } catch (err) {
      db.close();
      throw err;
    }
  }

  protected override async disconnect(): Promise<void> {
    this.db?.close();
    this.db = undefined;
    this.statements = undefined;
  }

  protected override async ping(): Promise<void> {
    this.sql().ping.get();
  }

  protected override async insertDefinition(def: NormalizedDefinition): Promise<NormalizedDefinition> {
    const sql = this.sql();
    sql.insertDefinition.run(def.name, encodeDefinition(def));
    const row = sql.definition.get(def.name) as { body: string };
    return decodeDefinition(row.body);
  }

  protected override async loadDefinitions(names?: readonly string[]): Promise<NormalizedDefinition[]> {
    const sql = this.sql();
    const rows = (names ? sql.definitionsNamed.all(JSON.stringify(names)) : sql.allDefinitions.all()) as {
      body: string;
    }[];
    return rows.map((r) => decodeDefinition(r.body));
  }

  protected override async insertGroup(group: StoredGroup): Promise<StoredGroup> {
    const sql = this.sql();
    sql.insertGroup.run(group.name, encodeGroup(group));
    return decodeGroup((sql.group.get(group.name) as { body: string }).body);
  }

  protected override async loadGroups(name?: string): Promise<StoredGroup[]> {
    const sql = this.sql();
    const rows = (name === undefined ? sql.allGroups.all() : sql.group.all(name)) as { body: string }[];
    return rows.map((r) => decodeGroup(r.body));
  }

  protected override appendEntries(writes: readonly EntryWrite[]): Promise<number[]> {
    const sql = this.sql();
    const db = this.db as Database.Database;
    return this.exclusive(() =>
      db
        .transaction(() =>
          writes.map((w) => {
            const row = sql.currentRow.get(w.entityId, w.featureName) as CurrentRow | undefined;
            if (w.payload === null && (row === undefined || row.payload === null)) return 0;
            const entry: StoredEntry = {
              version: (row?.last_version ?? 0) + 1,
              eventTimeMs: w.eventTimeMs,
              payload: w.payload,
            };
            sql.insertHistory.run(w.featureName, w.entityId, entry.version, entry.eventTimeMs, entry.payload);
            const current = row && !supersedes(entry, toEntry(row)) ? toEntry(row) : entry;
            sql.upsertCurrent.run(
              w.entityId,
              w.featureName,
              entry.version,
              current.version,
              current.eventTimeMs,
              current.payload,
            );
            return entry.version;
          }),
        )
        .immediate(),
    );
  }

  protected override async readCurrent(
    entityIds: readonly string[],
    featureNames: readonly string[],
  ): Promise<(StoredEntry | undefined)[]> {
    const width = featureNames.length;
    const out: (StoredEntry | undefined)[] = new Array(entityIds.length * width);
    // Rows come back as arrays holding the positions of the entity and the feature in the
    // request, so each lands in its slot directly. Duplicate ids or names match each position.
    const rows = this.sql().currentRows.all(JSON.stringify(entityIds), JSON.stringify(featureNames)) as [
      number,
      number,
      number,
      number,
      string | null,
    ][];
    for (const [e, f, version, eventTimeMs, payload] of rows)
      out[e * width + f] = { version, eventTimeMs, payload };
    return out;
  }

  protected override async readVersion(key: EntryKey, version: number): Promise<StoredEntry | undefined> {
    const row = this.sql().version.get(key.featureName, key.entityId, version) as EntryRow | undefined;
    return row && toEntry(row);
  }

  protected override async readAsOf(key: EntryKey, asOfMs: number): Promise<StoredEntry | undefined> {
    const row = this.sql().asOf.get(key.featureName, key.entityId, asOfMs) as EntryRow | undefined;
    return row && toEntry(row);
  }

  protected override async readHistory(key: EntryKey): Promise<StoredEntry[]> {
    return (this.sql().history.all(key.featureName, key.entityId) as EntryRow[]).map(toEntry);
  }

  private sql(): ReturnType<typeof prepare> {
    if (!this.statements) throw new Error("the SQLite database is not open");
    return this.statements;
  }
}

function prepare(db: Database.Database) {
  return {
    ping: db.prepare("SELECT 1"),
    insertDefinition: db.prepare("INSERT OR IGNORE INTO definitions (name, body) VALUES (?, ?)"),
    definition: db.prepare("SELECT body FROM definitions WHERE name = ?"),
    definitionsNamed: db.prepare(
      "SELECT body FROM definitions WHERE name IN (SELECT value FROM json_each(?))",
    ),
    allDefinitions: db.prepare("SELECT body FROM definitions"),
    insertGroup: db.prepare("INSERT OR IGNORE INTO groups (name, body) VALUES (?, ?)"),
    group: db.prepare("SELECT body FROM groups WHERE name = ?"),
    allGroups: db.prepare("SELECT body FROM groups"),
    currentRow: db.prepare("SELECT * FROM current WHERE entity = ? AND feature = ?"),
    currentRows: db
      .prepare(
        `SELECT e.key, f.key, c.version, c.event_time, c.payload
         FROM json_each(?) e CROSS JOIN json_each(?) f
         CROSS JOIN current c ON c.entity = e.value AND c.feature = f.value`,
      )
      .raw(true),
    insertHistory: db.prepare(
      "INSERT INTO history (feature, entity, version, event_time, payload) VALUES (?, ?, ?, ?, ?)",
    ),
    upsertCurrent: db.prepare(
      `INSERT INTO current (entity, feature, last_version, version, event_time, payload) VALUES (?, ?, ?, ?, ?, ?)
       ON CONFLICT (entity, feature) DO UPDATE SET last_version = excluded.last_version,
       version = excluded.version, event_time = excluded.event_time, payload = excluded.payload`,
    ),
    version: db.prepare(
      "SELECT version, event_time, payload FROM history WHERE feature = ? AND entity = ? AND version = ?",
    ),
    asOf: db.prepare(
      `SELECT version, event_time, payload FROM history WHERE feature = ? AND entity = ? AND event_time <= ?
       ORDER BY event_time DESC, version DESC LIMIT 1`,
    ),
    history: db.prepare(
      "SELECT version, event_time, payload FROM history WHERE feature = ? AND entity = ? ORDER BY version",
    ),
  };
}
