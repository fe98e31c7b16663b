import pg from "pg";
import {
  BackendUnavailableError,
  ConfigurationError,
  type FeatureStoreError,
  ValidationError,
} from "../../core/errors.js";
import { logger } from "../../core/logger.js";
import {
  type BackendCapabilities,
  backendFailed,
  type CatalogKind,
  type CatalogRecord,
  type CurrentScan,
  type StoreBackend,
} from "../backend.js";
import type { EntityPage, EntityPageQuery } from "../entity-page.js";
import type { AsOfEntry, AsOfRow, EntryKey, EntryWrite, StoredEntry } from "../entry.js";
import { decodeEntryText } from "../entry-text.js";
import type { FeatureSummary, SummaryRequest } from "../feature-summary.js";
import type { HistoryPageQuery } from "../history-page.js";
import { checkNamespace } from "../namespace.js";
import { NETWORK_ERROR_CODES } from "../network-errors.js";
import { PostgresExplorer } from "./postgres-explorer.js";
import { migrateSchema, schemaFor } from "./postgres-schema.js";

/** Options of the PostgreSQL backend. */
export interface PostgresBackendOptions {
  /**
   * Bounds each statement and connection attempt, in ms: the server cancels a statement that
   * runs longer, and the client gives up a connection that does not answer. 0 or omitted: none.
   */
  operationTimeoutMs?: number;
  /**
   * Where to connect: a `postgres://` connection string, or a pg `PoolConfig`. Timeouts and pool
   * size given here win over the ones derived from `operationTimeoutMs` and `poolSize`.
   */
  connection: string | pg.PoolConfig;
  /**
   * Keeps this store's data apart from other stores on the same database: its tables live in the
   * schema `featurestore_<namespace>`. 1-50 lowercase letters, digits or `_` (the one rule of every
   * network backend, `checkNamespace` in src/store/namespace.ts); default `default`.
   */
  namespace?: string;
  /** The most connections the pool opens (default 10). */
  poolSize?: number;
}

/** SQLSTATEs of a server going away: admin/crash shutdown, starting up, or killing our backend. */
const SHUTDOWN_STATES = new Set(["57P01", "57P02", "57P03"]);

interface EntryRow {
  version: number;
  event_time: string;
  payload: string | null;
}

/** BIGINT arrives as a string (pg keeps it exact); event times are epoch ms, well inside 2^53. */
const toEntry = (row: EntryRow): StoredEntry => ({
  version: row.version,
  eventTimeMs: Number(row.event_time),
  payload: row.payload,
});

const CAPABILITIES: BackendCapabilities = {
  atomicAcrossEntities: true,
  historyRetention: null,
  durable: true,
  sharedAcrossProcesses: true,
  inProcess: false,
};

/**
 * A durable backend shared by any number of processes, in PostgreSQL (node-postgres `Pool`).
 *
 * Each namespace has its own schema, `featurestore_<namespace>`, created or migrated on open
 * under a transaction-scoped advisory lock, so servers starting together never break each other:
 *
 * | table            | columns                                                                   |
 * |------------------|---------------------------------------------------------------------------|
 * | `schema_version` | `version` (PK), `applied_at`: one row per applied migration                |
 * | `catalog`        | PK (`kind`, `name`, `version`), `body`: definitions and groups, versioned  |
 * | `history`        | PK (`feature`, `entity`, `version`), `event_time` BIGINT ms, `payload` TEXT (NULL = deletion); index (`feature`, `entity`, `event_time` DESC, `version` DESC) for reads as of a time |
 * | `current`        | PK (`entity`, `feature`), `last_version`, and the current entry's `version`, `event_time`, `payload` |
 *
 * All history is kept. A batch of writes is one SQL statement, hence one transaction: the
 * `current` row of each key is upserted with `last_version = last_version + n` (the row lock
 * serializes writers of a key across processes, so versions stay gap-free), the history rows
 * take the versions below it, and the current pointer moves by the {@link supersedes} rule.
 * A deletion marker is conditional: the upsert writes it only when the row, as locked, holds a
 * live value, so concurrent deletions of one value write one marker. (A batch in which a key has
 * a marker among other writes of it, which the public API never sends, runs as one transaction
 * of several statements instead.)
 *
 * A lost connection fails only the calls using it (BACKEND_UNAVAILABLE); the pool replaces it on
 * the next call.
 *
 */
export class PostgresBackend implements StoreBackend {
  readonly name = "postgres";
  readonly capabilities = CAPABILITIES;
  /** The PostgreSQL namespace (the schema is `featurestore_<namespace>`). */
  readonly namespace: string;
  /** Where the backend connects, as given (without the store's own URL parameters). */
  readonly connection: string | pg.PoolConfig;
  private readonly poolConfig: pg.PoolConfig;
  private readonly operationTimeoutMs: number;
  private pool: pg.Pool | undefined;
  private readonly sql: ReturnType<typeof statements>;
  private readonly explorer: PostgresExplorer;

  /** @throws ConfigurationError for an invalid namespace or pool size. */
  constructor(options: PostgresBackendOptions) {
    const poolSize = options.poolSize ?? 10;
    if (!Number.isSafeInteger(poolSize) || poolSize < 1) {
      throw new ConfigurationError(`postgres pool size must be a positive integer, not ${options.poolSize}`);
    }
    this.namespace = checkNamespace(options.namespace ?? "default");
    this.connection = options.connection;
    this.operationTimeoutMs = options.operationTimeoutMs ?? 0;
    this.sql = statements(schemaFor(this.namespace));
    this.explorer = new PostgresExplorer(schemaFor(this.namespace));
    const timeout = this.operationTimeoutMs > 0 ? this.operationTimeoutMs : undefined;
    const given =
      typeof options.connection === "string" ? { connectionString: options.connection } : options.connection;
    this.poolConfig = {
      max: poolSize,
      application_name: "featurestore",
      // The server gives up first and cleans up; the client-side limit catches a server that is gone.
      statement_timeout: timeout,
      query_timeout: timeout === undefined ? undefined : timeout + 1000,
      connectionTimeoutMillis: timeout,
      keepAlive: true,
      // JIT compiling pays off for long analytic queries, never for these short lookups: on a table
      // without statistics (autovacuum off or behind a bulk load) the planner's estimates pass
      // jit_above_cost and a 100 x 50 read spent 160 ms compiling to run in 3 ms.
      options: "-c jit=off",
      ...given,
    };
  }

  async connect(): Promise<void> {
    const pool = new pg.Pool(this.poolConfig);
    // An idle connection that dies (server restart, pg_terminate_backend) is reported here; without
    // a listener Node would treat it as an uncaught error and exit. The pool drops that client.
    pool.on("error", (err) => {
      logger.warn(
        { err: { message: err.message }, namespace: this.namespace },
        "postgres idle connection lost",
      );
    });
    try {
      await withClient(pool, (client) => migrateSchema(client, this.namespace));
      this.pool = pool;
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw err;
    }
  }

  async disconnect(): Promise<void> {
    const pool = this.pool;
    this.pool = undefined;
    await pool?.end();
  }

  async ping(): Promise<void> {
    await this.query("SELECT 1", []);
  }

  /**
   * One transaction: insert every record whose key is free, read what each key holds now, and
   * roll back when any key holds another body. A concurrent insert of the same key makes the
   * insert wait for its transaction, so the read sees the winner.
   */
  async commitCatalog(records: readonly CatalogRecord[]): Promise<(string | null)[]> {
    return withClient(this.connectedPool(), async (client) => {
      await client.query("BEGIN");
      try {
        const columns = [
          records.map((r) => r.kind),
          records.map((r) => r.name),
          records.map((r) => r.version),
          records.map((r) => r.body),
        ];
        const inserted = await this.query<CatalogRow>(this.sql.insertCatalog, columns, client);
        const rows = await this.query<CatalogRow>(this.sql.catalogKeys, columns.slice(0, 3), client);
        const key = (r: { kind: string; name: string; version: number }) =>
          `${r.kind}/${r.name}/${r.version}`;
        const held = new Map(rows.map((row) => [key(row), row.body]));
        const conflict = records.some((r) => held.get(key(r)) !== r.body);
        if (!conflict) {
          await client.query("COMMIT");
          return records.map((r) => r.body);
        }
        await client.query("ROLLBACK");
        const ours = new Set(inserted.map(key));
        return records.map((r) => (ours.has(key(r)) ? null : (held.get(key(r)) ?? null)));
      } catch (err) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw err;
      }
    });
  }

  async loadCatalog(kind: CatalogKind, names?: readonly string[]): Promise<CatalogRecord[]> {
    const rows = await this.query<CatalogRow>(
      names ? this.sql.catalogNamed : this.sql.catalogAll,
      names ? [kind, names] : [kind],
    );
    return rows.map((row) => ({ kind, name: row.name, version: row.version, body: row.body }));
  }

  /**
   * One statement for the batch, unless a key has a deletion marker among several writes of it:
   * the statement decides each key once, against its row as locked, while a marker's fate depends
   * on the writes of its key before it. Such a batch runs as one transaction of rounds, round `r`
   * holding the `r`-th write of every key, each round seeing the rows the rounds before it left.
   */
  async appendEntries(writes: readonly EntryWrite[]): Promise<number[]> {
    const pool = this.connectedPool();
    const rounds = sequentialRounds(writes);
    if (!rounds) return this.runAppend(pool, writes);
    return withClient(pool, async (client) => {
      await client.query("BEGIN");
      try {
        const versions = new Array<number>(writes.length);
        for (const round of rounds) {
          const assigned = await this.runAppend(
            client,
            round.map((i) => writes[i] as EntryWrite),
          );
          round.forEach((i, k) => {
            versions[i] = assigned[k] as number;
          });
        }
        await client.query("COMMIT");
        return versions;
      } catch (err) {
        await client.query("ROLLBACK").catch(() => undefined);
        throw err;
      }
    });
  }

  async readCurrent(
    entityIds: readonly string[],
    featureNames: readonly string[],
  ): Promise<(StoredEntry | undefined)[]> {
    const entities = distinct(entityIds);
    const features = distinct(featureNames);
    const width = features.length;
    const found: (StoredEntry | undefined)[] = new Array(entities.length * width);
    if (entities.length > 0 && width > 0) {
      const rows = await this.query<CurrentRowResult>(this.sql.current, [entities, features]);
      for (const [e, lines] of rows) {
        const base = (e - 1) * width - 1;
        for (const line of lines.split("\n")) {
          let i = 0;
          let f = 0;
          for (let c = line.charCodeAt(0); c !== 58; c = line.charCodeAt(++i)) f = f * 10 + (c - 48);
          found[base + f] = decodeEntryText(line, i + 1);
        }
      }
    }
    if (entities === entityIds && features === featureNames) return found;
    const entityAt = new Map(entities.map((id, i) => [id, i]));
    const featureAt = new Map(features.map((name, i) => [name, i]));
    const out: (StoredEntry | undefined)[] = [];
    for (const entityId of entityIds) {
      const base = (entityAt.get(entityId) as number) * width;
      for (const featureName of featureNames) out.push(found[base + (featureAt.get(featureName) as number)]);
    }
    return out;
  }

  async readVersion(key: EntryKey, version: number): Promise<StoredEntry | undefined> {
    const [row] = await this.query<EntryRow>(this.sql.version, [key.featureName, key.entityId, version]);
    return row && toEntry(row);
  }

  async readAsOf(rows: readonly AsOfRow[], featureNames: readonly string[]): Promise<AsOfEntry[]> {
    const width = featureNames.length;
    const out: AsOfEntry[] = new Array(rows.length * width);
    if (rows.length === 0 || width === 0) return out;
    const found = await this.query<AsOfRowResult>(this.sql.asOfRows, [
      rows.map((r) => r.entityId),
      rows.map((r) => r.asOfMs),
      featureNames,
    ]);
    for (const [r, f, version, eventTime, payload] of found) {
      out[(r - 1) * width + (f - 1)] = { version, eventTimeMs: Number(eventTime), payload };
    }
    return out;
  }

  async readHistory(key: EntryKey): Promise<StoredEntry[]> {
    return (await this.query<EntryRow>(this.sql.history, [key.featureName, key.entityId])).map(toEntry);
  }

  async scanCurrent(featureName: string, limit: number): Promise<CurrentScan> {
    // One row past the bound tells whether the bound cut the answer short.
    const rows = await this.query<EntryRow>(this.sql.scanCurrent, [featureName, limit + 1]);
    const complete = rows.length <= limit;
    return { entries: (complete ? rows : rows.slice(0, limit)).map(toEntry), complete };
  }

  async summarizeFeature(request: SummaryRequest): Promise<FeatureSummary> {
    return this.explorer.summarize(this.connectedPool(), request);
  }

  async listEntities(query: EntityPageQuery): Promise<EntityPage> {
    return this.explorer.listEntities(this.connectedPool(), query);
  }

  async readHistoryPage(key: EntryKey, query: HistoryPageQuery): Promise<StoredEntry[]> {
    return this.explorer.historyPage(this.connectedPool(), key, query);
  }

  /**
   * Says what went wrong in PostgreSQL terms: a connection that cannot be made or was lost is
   * BACKEND_UNAVAILABLE with the reason; a string PostgreSQL cannot store (a NUL character in an
   * entity id) is VALIDATION_FAILED; the rest stays BACKEND_UNAVAILABLE.
   */
  translateError(err: unknown): FeatureStoreError {
    const code = (err as { code?: unknown } | null)?.code;
    // A host with several addresses fails with an AggregateError whose own message is empty.
    const message =
      err instanceof AggregateError && err.message === ""
        ? err.errors.map((e: unknown) => (e instanceof Error ? e.message : String(e))).join("; ")
        : err instanceof Error
          ? err.message
          : String(err);
    if (code === "22021" || code === "22P05") {
      return new ValidationError(`PostgreSQL cannot store this text: ${message}`, { backend: this.name });
    }
    const lost =
      (typeof code === "string" &&
        (NETWORK_ERROR_CODES.has(code) || SHUTDOWN_STATES.has(code) || code.startsWith("08"))) ||
      /^Connection terminated|not queryable|timeout exceeded when trying to connect/i.test(message);
    if (lost) {
      return new BackendUnavailableError(
        `postgres connection failed (namespace "${this.namespace}"): ${message}`,
        { backend: this.name },
        { cause: err },
      );
    }
    if (code === "57014") {
      return new BackendUnavailableError(
        `postgres cancelled the statement (the statement timeout is ${this.operationTimeoutMs} ms): ${message}`,
        { backend: this.name },
        { cause: err },
      );
    }
    return backendFailed(this.name, err);
  }

  /** Runs the append statement for a batch in which no key has a deletion among other writes. */
  private async runAppend(on: pg.Pool | pg.PoolClient, writes: readonly EntryWrite[]): Promise<number[]> {
    const rows = await this.query<{ version: number }>(
      this.sql.append,
      [
        writes.map((w) => w.featureName),
        writes.map((w) => w.entityId),
        writes.map((w) => w.eventTimeMs),
        writes.map((w) => w.payload),
      ],
      on,
    );
    if (rows.length !== writes.length) {
      throw new Error(`postgres append returned ${rows.length} versions for ${writes.length} writes`);
    }
    return rows.map((r) => r.version);
  }

  private connectedPool(): pg.Pool {
    if (!this.pool)
      throw new BackendUnavailableError("the postgres store is not open", { backend: this.name });
    return this.pool;
  }

  private async query<R extends pg.QueryResultRow>(
    statement: string | pg.QueryConfig,
    values: unknown[],
    on: pg.Pool | pg.PoolClient = this.connectedPool(),
  ): Promise<R[]> {
    const config = typeof statement === "string" ? { text: statement, values } : { ...statement, values };
    return (await on.query<R>(config)).rows;
  }
}

/**
 * Checks out a client for `fn` and gives it back, discarding it when `fn` failed (its connection
 * may be broken). While checked out, the client's connection errors are left to the failing query:
 * without a listener Node would treat them as uncaught.
 */
async function withClient<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  const onError = () => undefined;
  client.on("error", onError);
  let failure: Error | undefined;
  try {
    return await fn(client);
  } catch (err) {
    failure = err instanceof Error ? err : new Error(String(err));
    throw err;
  } finally {
    client.off("error", onError);
    client.release(failure);
  }
}

/**
 * The rounds a batch must be applied in (indices into `writes`; round `r` holds the `r`-th write of
 * every key, so no key occurs twice in a round), or `undefined` when one statement applies it
 * correctly: no key has a deletion marker together with other writes of it.
 */
function sequentialRounds(writes: readonly EntryWrite[]): number[][] | undefined {
  if (!writes.some((w) => w.payload === null)) return undefined;
  const counts = new Map<string, number>();
  const withMarker = new Set<string>();
  const rounds: number[][] = [];
  writes.forEach((w, i) => {
    const key = JSON.stringify([w.featureName, w.entityId]);
    const round = counts.get(key) ?? 0;
    counts.set(key, round + 1);
    let members = rounds[round];
    if (!members) {
      members = [];
      rounds.push(members);
    }
    members.push(i);
    if (w.payload === null) withMarker.add(key);
  });
  return [...withMarker].some((key) => (counts.get(key) ?? 0) > 1) ? rounds : undefined;
}

/** `items` without repeats, in first-seen order; `items` itself when it has none. */
function distinct(items: readonly string[]): readonly string[] {
  const unique = new Set(items);
  return unique.size === items.length ? items : [...unique];
}

/** A row of the current statement, as an array: the entity's ordinal (1-based) and its entries' lines. */
type CurrentRowResult = [number, string];

/** A row of the as-of statement, as an array: row and feature ordinals (1-based), version, event time, payload. */
type AsOfRowResult = [number, number, number, string, string | null];

/** A catalog row as PostgreSQL returns it. */
interface CatalogRow {
  kind: string;
  name: string;
  version: number;
  body: string;
}

/**
 * The statements of one namespace. The frequent ones are named, so each connection parses and
 * plans them once.
 */
function statements(s: string) {
  const named = (name: string, text: string): pg.QueryConfig => ({ name: `featurestore_${name}`, text });
  return {
    insertCatalog: `INSERT INTO ${s}.catalog (kind, name, version, body)
       SELECT * FROM unnest($1::text[], $2::text[], $3::int[], $4::text[])
       ON CONFLICT DO NOTHING RETURNING kind, name, version, body`,
    catalogKeys: `SELECT c.kind, c.name, c.version, c.body FROM ${s}.catalog c
       JOIN unnest($1::text[], $2::text[], $3::int[]) AS k(kind, name, version)
         ON c.kind = k.kind AND c.name = k.name AND c.version = k.version`,
    catalogNamed: named(
      "catalog_named",
      `SELECT name, version, body FROM ${s}.catalog WHERE kind = $1 AND name = ANY($2::text[])`,
    ),
    catalogAll: `SELECT name, version, body FROM ${s}.catalog WHERE kind = $1`,
    // One statement, so one implicit transaction (all or none). Per key: `n` writes in this batch
    // ranked in input order, and the best of them (latest event time, ties the later write). The
    // upsert bumps last_version by n under the row lock (keys in a fixed order, so two batches never
    // deadlock on each other) and moves the current pointer when that best entry supersedes it: its
    // version is always higher, so an equal event time is enough. Every SET expression reads the
    // row as it was; write `rank` of the key gets version last_version - n + rank.
    //
    // A deletion marker is alone among the writes of its key (appendEntries sees to that) and is
    // written only over a live value. A key without a row in the statement's snapshot has nothing
    // to delete: no row is inserted for it (a row committed since belongs to a later write). A key
    // with a row is decided by the ON CONFLICT condition, which reads the row as locked now, after
    // any concurrent writer of the key has committed: of several concurrent deletions one finds the
    // value live, the others find its marker. A skipped marker takes no version and returns 0.
    append: named(
      "append",
      `WITH input AS (
         SELECT t.feature, t.entity, t.event_time, t.payload, t.ord,
                row_number() OVER (PARTITION BY t.feature, t.entity ORDER BY t.ord)::int AS rank,
                count(*) OVER (PARTITION BY t.feature, t.entity)::int AS n
         FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[])
           WITH ORDINALITY AS t(feature, entity, event_time, payload, ord)
       ),
       best AS (
         SELECT DISTINCT ON (feature, entity) feature, entity, event_time, payload, rank, n
         FROM input ORDER BY feature, entity, event_time DESC, rank DESC
       ),
       bumped AS (
         INSERT INTO ${s}.current AS c (entity, feature, last_version, version, event_time, payload)
         SELECT entity, feature, n, rank, event_time, payload FROM best b
         WHERE b.payload IS NOT NULL
            OR EXISTS (SELECT 1 FROM ${s}.current x WHERE x.entity = b.entity AND x.feature = b.feature)
         ORDER BY entity, feature
         ON CONFLICT (entity, feature) DO UPDATE SET
           last_version = c.last_version + excluded.last_version,
           version = CASE WHEN excluded.event_time >= c.event_time
                          THEN c.last_version + excluded.version ELSE c.version END,
           event_time = GREATEST(c.event_time, excluded.event_time),
           payload = CASE WHEN excluded.event_time >= c.event_time THEN excluded.payload ELSE c.payload END
         WHERE excluded.payload IS NOT NULL OR c.payload IS NOT NULL
         RETURNING c.entity, c.feature, c.last_version
       ),
       numbered AS (
         SELECT i.ord, i.feature, i.entity, b.last_version - i.n + i.rank AS version, i.event_time, i.payload
         FROM input i JOIN bumped b ON b.entity = i.entity AND b.feature = i.feature
       ),
       appended AS (
         INSERT INTO ${s}.history (feature, entity, version, event_time, payload)
         SELECT feature, entity, version, event_time, payload FROM numbered
       )
       SELECT coalesce(n.version, 0) AS version FROM input i LEFT JOIN numbered n ON n.ord = i.ord
       ORDER BY i.ord`,
    ),
    current: currentStatement(s),
    version: named(
      "version",
      `SELECT version, event_time, payload FROM ${s}.history WHERE feature = $1 AND entity = $2 AND version = $3::bigint`,
    ),
    // One statement per batch of rows: a LATERAL subquery per (feature, row) reads the
    // (feature, entity, event_time DESC, version DESC) index for the entry in force. Features
    // outside, rows sorted by entity inside, so the lookups walk the index in its own order. Rows
    // come back as arrays of ordinals, so the caller puts each in its slot without building objects.
    asOfRows: {
      ...named(
        "as_of_rows",
        `SELECT r.ord::int, f.ord::int, h.version, h.event_time, h.payload
         FROM unnest($3::text[]) WITH ORDINALITY AS f(feature, ord)
         CROSS JOIN (SELECT * FROM unnest($1::text[], $2::bigint[]) WITH ORDINALITY AS q(entity, at, ord)
                     ORDER BY entity, at) r
         CROSS JOIN LATERAL (
           SELECT version, event_time, payload FROM ${s}.history x
           WHERE x.feature = f.feature AND x.entity = r.entity AND x.event_time <= r.at
           ORDER BY x.event_time DESC, x.version DESC LIMIT 1) h`,
      ),
      rowMode: "array",
    } as pg.QueryConfig,
    history: named(
      "history",
      `SELECT version, event_time, payload FROM ${s}.history WHERE feature = $1 AND entity = $2 ORDER BY version`,
    ),
    scanCurrent: `SELECT version, event_time, payload FROM ${s}.current WHERE feature = $1 AND payload IS NOT NULL
       ORDER BY entity LIMIT $2`,
  };
}

/**
 * The current read of a namespace's schema (quoted, as {@link schemaFor} gives it): `$1` distinct
 * entity ids, `$2` distinct feature names. Per entity, one probe of the primary key for the range
 * of its rows (a LATERAL subquery kept apart by OFFSET 0, so the plan is the same whether or not
 * the table has statistics), joined to the wanted features by hash. Each entity's entries come
 * back as one row, `[entity ordinal, text]`, the text one line per entry found,
 * `<feature ordinal>:<version>:<event time>[:<payload>]` (ordinals 1-based; see
 * `decodeEntryText`). A payload never holds a newline (it is JSON from the codec, which escapes
 * control characters). 100 rows of two columns parse in a fraction of the time of 5,000 rows of
 * five, need no name lookups, and the server escapes nothing. Exported for the benchmarks'
 * bare-client floor, which sends this very statement.
 */
export function currentStatement(schema: string): pg.QueryConfig {
  return {
    name: "featurestore_current_lines",
    rowMode: "array",
    text: `SELECT q.ord::int,
             string_agg(f.ord || ':' || c.version || ':' || c.event_time || coalesce(':' || c.payload, ''), chr(10))
           FROM unnest($1::text[]) WITH ORDINALITY AS q(entity, ord)
           CROSS JOIN LATERAL (
             SELECT feature, version, event_time, payload FROM ${schema}.current c
             WHERE c.entity = q.entity OFFSET 0) c
           JOIN unnest($2::text[]) WITH ORDINALITY AS f(feature, ord) ON f.feature = c.feature
           GROUP BY q.ord`,
  } as pg.QueryConfig;
}
