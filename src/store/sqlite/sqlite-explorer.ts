import type Database from "better-sqlite3";
import type { EntityPage, EntityPageQuery } from "../entity-page.js";
import type { EntryKey, StoredEntry } from "../entry.js";
import type { FeatureSummary, MeasureSummary, SummaryMeasure, SummaryRequest } from "../feature-summary.js";
import type { HistoryPageQuery } from "../history-page.js";

/**
 * The entries of `@f` in force at `@now`, as (t, p): each key's current row, unless it is dated
 * ahead of now, when the history entry in force at now takes its place (keys with none drop out).
 */
const IN_FORCE = `
  cur AS (
    SELECT event_time AS t, payload AS p FROM current WHERE feature = @f AND event_time <= @now
    UNION ALL
    SELECT x.event_time, x.payload FROM current c CROSS JOIN history x
    WHERE c.feature = @f AND c.event_time > @now AND x.feature = c.feature AND x.entity = c.entity
      AND x.version = (
        SELECT y.version FROM history y WHERE y.feature = c.feature AND y.entity = c.entity
          AND y.event_time <= @now ORDER BY y.event_time DESC, y.version DESC LIMIT 1)),
  live AS (SELECT p FROM cur WHERE p IS NOT NULL AND (@since IS NULL OR t >= @since))`;

/** Each measure of a stored payload (the codec's JSON text) as SQL over `p`. */
const MEASURES: Record<SummaryMeasure, string> = {
  value: "CAST(p AS REAL)",
  norm: "(SELECT sqrt(coalesce(sum(j.value * j.value), 0)) FROM json_each(p) j)",
  length: "length(p ->> '$')",
};

/** The bin of `x` as `binIndex` computes it (`@width` is 0 when every value is equal). */
const BIN = (x: string) =>
  `CASE WHEN @width = 0 THEN 0 ELSE min(@bins - 1, CAST((${x} - @low) / CAST(@width AS REAL) AS INTEGER)) END`;

/**
 * What the SQLite backend answers for exploring: statistics from aggregate queries, entity ids
 * and history pages by keyset over indexes. Each call reads in one transaction, so its figures
 * agree with each other.
 */
export class SQLiteExplorer {
  private readonly statements: ReturnType<typeof prepare>;

  constructor(private readonly db: Database.Database) {
    this.statements = prepare(db);
  }

  summarize(request: SummaryRequest): FeatureSummary {
    const sql = this.statements;
    const params = { f: request.featureName, now: request.nowMs, since: request.liveSinceMs };
    return this.db.transaction((): FeatureSummary => {
      const counts = sql.counts.get(params) as { live: number; expired: number; deleted: number };
      const times = sql.eventRange.get({ f: request.featureName }) as {
        first: number | null;
        last: number | null;
      };
      const top =
        request.topValues === 0
          ? []
          : (sql.top.all({ ...params, k: request.topValues }) as { payload: string; count: number }[]);
      const distinct = request.topValues === 0 ? null : (sql.distinct.get(params) as { n: number }).n;
      return {
        complete: true,
        live: counts.live,
        expired: counts.expired,
        deleted: counts.deleted,
        firstEventMs: times.first,
        lastEventMs: times.last,
        distinct,
        top,
        measure: request.measure === null ? null : this.measure(request, request.measure, params),
        writes: this.writes(request, times.first, times.last),
      };
    })();
  }

  listEntities(query: EntityPageQuery): EntityPage {
    const after = query.after ?? "";
    const rows =
      query.featureNames === null
        ? this.statements.entities.all(after, query.limit)
        : this.statements.entitiesOf.all(JSON.stringify(query.featureNames), after, query.limit);
    return { entityIds: (rows as [string][]).map(([id]) => id), complete: true };
  }

  historyPage(key: EntryKey, query: HistoryPageQuery): StoredEntry[] {
    const statement = query.newestFirst ? this.statements.historyDown : this.statements.historyUp;
    const rows = statement.all({
      f: key.featureName,
      e: key.entityId,
      t: query.after?.eventTimeMs ?? null,
      v: query.after?.version ?? null,
      n: query.limit,
    }) as { version: number; event_time: number; payload: string }[];
    return rows.map((r) => ({ version: r.version, eventTimeMs: r.event_time, payload: r.payload }));
  }

  private measure(
    request: SummaryRequest,
    measure: SummaryMeasure,
    params: Record<string, unknown>,
  ): MeasureSummary {
    const sql = this.statements.measures[measure];
    const m = sql.summary.get(params) as {
      count: number;
      min: number | null;
      max: number | null;
      mean: number | null;
    };
    if (m.count === 0 || m.min === null || m.max === null || m.mean === null) {
      return { count: 0, min: null, max: null, mean: null, variance: null, bins: [] };
    }
    const { variance } = sql.variance.get({ ...params, mean: m.mean }) as { variance: number };
    const bins = new Array<number>(request.bins).fill(0);
    const width = (m.max - m.min) / request.bins;
    for (const [b, n] of sql.bins.all({ ...params, low: m.min, width, bins: request.bins }) as [
      number,
      number,
    ][])
      bins[b] = n;
    return { count: m.count, min: m.min, max: m.max, mean: m.mean, variance, bins };
  }

  private writes(
    request: SummaryRequest,
    first: number | null,
    last: number | null,
  ): FeatureSummary["writes"] {
    if (request.writes === null) return null;
    const fromMs = request.writes.fromMs ?? first;
    const toMs = request.writes.toMs ?? last;
    if (fromMs === null || toMs === null) return null;
    const buckets = request.writes.buckets;
    const values = new Array<number>(buckets).fill(0);
    const deletions = new Array<number>(buckets).fill(0);
    const rows = this.statements.writes.all({
      f: request.featureName,
      low: fromMs,
      high: toMs,
      width: (toMs - fromMs) / buckets,
      bins: buckets,
    }) as [number, number, number][];
    for (const [b, v, d] of rows) {
      values[b] = v;
      deletions[b] = d;
    }
    return { fromMs, toMs, values, deletions };
  }
}

function prepareMeasure(db: Database.Database, measure: SummaryMeasure) {
  const m = `m AS (SELECT ${MEASURES[measure]} AS x FROM live)`;
  return {
    summary: db.prepare(
      `WITH ${IN_FORCE}, ${m} SELECT count(x) AS count, min(x) AS min, max(x) AS max, avg(x) AS mean FROM m`,
    ),
    // The second pass of a stable variance: squares of distances from the mean.
    variance: db.prepare(`WITH ${IN_FORCE}, ${m} SELECT avg((x - @mean) * (x - @mean)) AS variance FROM m`),
    bins: db
      .prepare(
        `WITH ${IN_FORCE}, ${m} SELECT ${BIN("x")} AS b, count(*) FROM m WHERE x IS NOT NULL GROUP BY b`,
      )
      .raw(true),
  };
}

function prepare(db: Database.Database) {
  return {
    counts: db.prepare(
      `WITH ${IN_FORCE} SELECT
         coalesce(sum(p IS NOT NULL AND (@since IS NULL OR t >= @since)), 0) AS live,
         coalesce(sum(p IS NOT NULL AND @since IS NOT NULL AND t < @since), 0) AS expired,
         coalesce(sum(p IS NULL), 0) AS deleted
       FROM cur`,
    ),
    // Both ends of the (feature, event_time) index: two lookups, however long the history.
    eventRange: db.prepare(
      "SELECT min(event_time) AS first, max(event_time) AS last FROM history WHERE feature = @f",
    ),
    top: db.prepare(
      `WITH ${IN_FORCE} SELECT p AS payload, count(*) AS count FROM live GROUP BY p ORDER BY count DESC, p LIMIT @k`,
    ),
    distinct: db.prepare(`WITH ${IN_FORCE} SELECT count(DISTINCT p) AS n FROM live`),
    measures: {
      value: prepareMeasure(db, "value"),
      norm: prepareMeasure(db, "norm"),
      length: prepareMeasure(db, "length"),
    },
    // Covered by the (feature, event_time, payload IS NULL) index: no table lookups.
    writes: db
      .prepare(
        `SELECT ${BIN("event_time")} AS b, sum(NOT (payload IS NULL)), sum(payload IS NULL)
         FROM history WHERE feature = @f AND event_time BETWEEN @low AND @high GROUP BY b`,
      )
      .raw(true),
    entities: db
      .prepare("SELECT DISTINCT entity FROM current WHERE entity > ? ORDER BY entity LIMIT ?")
      .raw(true),
    entitiesOf: db
      .prepare(
        `SELECT DISTINCT entity FROM current
         WHERE feature IN (SELECT value FROM json_each(?)) AND entity > ? ORDER BY entity LIMIT ?`,
      )
      .raw(true),
    historyUp: db.prepare(
      `SELECT version, event_time, payload FROM history
       WHERE feature = @f AND entity = @e AND payload IS NOT NULL AND (@t IS NULL OR (event_time, version) > (@t, @v))
       ORDER BY event_time, version LIMIT @n`,
    ),
    historyDown: db.prepare(
      `SELECT version, event_time, payload FROM history
       WHERE feature = @f AND entity = @e AND payload IS NOT NULL AND (@t IS NULL OR (event_time, version) < (@t, @v))
       ORDER BY event_time DESC, version DESC LIMIT @n`,
    ),
  };
}
